// RTF object extraction: groups, destinations, \objdata decoding.
//
// The tokenizer (rtf_tokenizer.h) gives braces, control words, symbols,
// escapes, \bin runs and text. This file gives braces their meaning: each
// group starts with its parent's state and may change it; a group's state
// says whether it is inside an \object group, which \objdata destination
// its text feeds (if any), and whether it is an ignorable destination
// ({\*\word ...}) inside one, whose text is not object data.
//
// The group stack is kept run-length encoded: a group that opens with its
// parent's state (the common case, and all of a "{{{{{..." bomb) only
// counts one more on the top run, and a state change of a counted run
// splits one group off it. So memory grows with the number of distinct
// nested states, not with the depth; past kMaxRuns of those, deeper groups
// are only counted and their content is skipped, with a note.
//
// Object data: hex digits become bytes, two by two, whatever lies between
// them (whitespace, junk, control words, even \'hh's digits, as ClamAV
// reads them); a \binN run is appended as it is (a pending half byte is
// dropped). The decoded bytes stop at max_member_size plus kHeaderSlack,
// enough to know that a member is too large. When the destination's group
// closes (or the next \objdata starts, or the input ends), the bytes are
// read as an OLE1 object (ole1.h) and give at most one child.
#include "formats/rtf/rtf.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats/rtf/ole1.h"
#include "formats/rtf/rtf_tokenizer.h"

namespace vigil::formats {

namespace {

using rtf::Token;

constexpr size_t kMaxRuns = 4096;
constexpr size_t kMaxNotes = 64;
constexpr uint64_t kHeaderSlack = uint64_t{1} << 20;
constexpr size_t kMaxNameLength = 255;

// What a group means to the walker.
struct GroupState {
  bool in_object = false;  // inside an \object group
  bool skip = false;       // an ignorable destination inside object data
  bool owns = false;       // the group in which its \objdata appeared
  uint32_t objdata = 0;    // 1 + index of the \objdata its text feeds; 0: none
  bool operator==(const GroupState&) const = default;
};

// The stack of open groups, run-length encoded (see the essay above). The
// bottom run stands for the document's top level, outside any group.
class GroupStack {
 public:
  GroupStack() { runs_.push_back({GroupState{}, 1}); }

  const GroupState& top() const { return runs_.back().state; }

  // Opens a group with the current state. False (nothing opened) when a
  // new run would be needed and there are kMaxRuns already.
  bool Open() {
    GroupState child = top();
    child.owns = false;
    if (child == top()) {
      ++runs_.back().count;
      return true;
    }
    if (runs_.size() >= kMaxRuns) return false;
    runs_.push_back({child, 1});
    return true;
  }

  // Closes the current group and gives its state; nullopt at top level.
  std::optional<GroupState> Close() {
    Run& run = runs_.back();
    if (runs_.size() == 1 && run.count == 1) return std::nullopt;
    GroupState closed = run.state;
    if (--run.count == 0) runs_.pop_back();
    return closed;
  }

  // The current group's state, to change; nullptr when that needs a new
  // run and there are kMaxRuns already.
  GroupState* Mutable() {
    Run& run = runs_.back();
    if (run.count == 1) return &run.state;
    if (runs_.size() >= kMaxRuns) return nullptr;
    --run.count;
    runs_.push_back({run.state, 1});
    return &runs_.back().state;
  }

 private:
  struct Run {
    GroupState state;
    uint64_t count = 0;
  };
  std::vector<Run> runs_;
};

constexpr std::array<int8_t, 256> MakeHexTable() {
  std::array<int8_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = -1;
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<int8_t>(i);
  for (int i = 0; i < 6; ++i) {
    t['a' + i] = static_cast<int8_t>(10 + i);
    t['A' + i] = static_cast<int8_t>(10 + i);
  }
  return t;
}
constexpr std::array<int8_t, 256> kHex = MakeHexTable();

// The decoded bytes of one \objdata destination, up to a cap.
class ObjectData {
 public:
  void Reset(uint64_t cap) {
    bytes_.clear();
    cap_ = cap;
    high_ = -1;
  }
  // Hex digits of `text`, two by two; everything else is skipped.
  void Hex(ByteView text) {
    for (std::byte b : text) {
      const int v = kHex[static_cast<uint8_t>(b)];
      if (v < 0) continue;
      if (high_ < 0) {
        high_ = v;
      } else {
        Push(std::byte(static_cast<uint8_t>(high_ << 4 | v)));
        high_ = -1;
      }
    }
  }
  // A \bin run.
  void Raw(ByteView raw) {
    high_ = -1;
    const uint64_t room = cap_ > bytes_.size() ? cap_ - bytes_.size() : 0;
    const size_t take =
        room < raw.size() ? static_cast<size_t>(room) : raw.size();
    bytes_.insert(bytes_.end(), raw.begin(), raw.begin() + take);
  }
  ByteView view() const { return ByteView(bytes_.data(), bytes_.size()); }

 private:
  void Push(std::byte b) {
    if (bytes_.size() < cap_) bytes_.push_back(b);
  }

  std::vector<std::byte> bytes_;
  uint64_t cap_ = 0;
  int high_ = -1;  // a pending high nibble
};

// A name for reports: control characters as '_', at most kMaxNameLength.
std::string CleanName(const std::string& raw) {
  std::string name;
  for (char ch : raw) {
    if (name.size() == kMaxNameLength) break;
    const auto c = static_cast<unsigned char>(ch);
    name.push_back(c < 0x20 || c == 0x7F ? '_' : ch);
  }
  return name;
}

// An OLE2 compound file's signature (the native data of most classes).
bool IsCompoundFile(ByteView data) {
  static constexpr uint8_t kMagic[] = {0xD0, 0xCF, 0x11, 0xE0,
                                       0xA1, 0xB1, 0x1A, 0xE1};
  return data.size() >= sizeof(kMagic) &&
         std::memcmp(data.data(), kMagic, sizeof(kMagic)) == 0;
}

// The packaged file's name: its label, else the last part of its path.
std::string PackageName(const rtf::OlePackage& p, const std::string& fallback) {
  std::string name = CleanName(p.label);
  if (!name.empty()) return name;
  const size_t slash = p.source_path.find_last_of("\\/");
  name =
      CleanName(slash == std::string::npos ? p.source_path
                                           : p.source_path.substr(slash + 1));
  return name.empty() ? fallback : name;
}

class Walker {
 public:
  Walker(ByteView data, const ExtractLimits& limits,
         const std::function<bool(const ArchiveMember&)>& on_member)
      : tokenizer_(data), limits_(limits), on_member_(on_member) {
    const uint64_t max = limits.max_member_size;
    cap_ = max > UINT64_MAX - kHeaderSlack ? UINT64_MAX : max + kHeaderSlack;
  }

  ExtractResult Run() {
    while (!stopped_) {
      const Token t = tokenizer_.Next();
      if (t.kind == Token::Kind::kEnd) break;
      Step(t);
    }
    if (!stopped_ && open_ != 0) {
      Note("objdata" + std::to_string(open_ - 1) +
           " not closed before the end of the document");
      Finish();
    }
    if (tokenizer_.binary_truncated()) {
      Note("a \\bin run claims more bytes than the document has");
    }
    return std::move(result_);
  }

 private:
  void Step(const Token& t) {
    const bool group_start = group_start_;
    const bool ignorable = ignorable_;
    group_start_ = ignorable_ = false;
    if (skipped_depth_ > 0) return Skipped(t);
    switch (t.kind) {
      case Token::Kind::kGroupOpen:
        return OpenGroup();
      case Token::Kind::kGroupClose:
        return CloseGroup();
      case Token::Kind::kControlSymbol:
        ignorable_ = group_start && t.symbol == '*';
        return;
      case Token::Kind::kControlWord:
        return ControlWord(t.word, ignorable);
      case Token::Kind::kText:
        if (Feeding()) data_.Hex(t.bytes);
        return;
      case Token::Kind::kHexEscape:
        if (Feeding()) data_.Hex(t.hex_digits);
        return;
      case Token::Kind::kBinary:
        if (Feeding()) data_.Raw(t.bytes);
        return;
      default:
        return;
    }
  }

  // Inside groups nested past kMaxRuns: only braces count.
  void Skipped(const Token& t) {
    if (t.kind == Token::Kind::kGroupOpen) ++skipped_depth_;
    if (t.kind == Token::Kind::kGroupClose) --skipped_depth_;
  }

  void OpenGroup() {
    if (stack_.Open()) {
      group_start_ = true;
      return;
    }
    skipped_depth_ = 1;
    if (!warned_depth_) {
      warned_depth_ = true;
      Note("groups nested too deeply at offset " +
           std::to_string(tokenizer_.position() - 1) +
           ": their content is skipped");
    }
  }

  void CloseGroup() {
    std::optional<GroupState> closed = stack_.Close();
    if (!closed) {
      if (!warned_unbalanced_) {
        warned_unbalanced_ = true;
        Note("unbalanced '}' at offset " +
             std::to_string(tokenizer_.position() - 1));
      }
      return;
    }
    if (closed->owns && closed->objdata == open_ && open_ != 0) Finish();
  }

  void ControlWord(std::string_view word, bool ignorable) {
    const GroupState& top = stack_.top();
    if (word == "object") {
      if (!top.in_object) Change([](GroupState& s) { s.in_object = true; });
    } else if (word == "objdata") {
      if (top.in_object) StartObjData();
    } else if (ignorable && top.objdata != 0 && !top.skip) {
      Change([](GroupState& s) { s.skip = true; });
    }
  }

  template <typename F>
  void Change(F change) {
    GroupState* state = stack_.Mutable();
    if (state != nullptr) {
      change(*state);
    } else {
      NoteIgnoredWord();
    }
  }

  void NoteIgnoredWord() {
    if (warned_depth_) return;
    warned_depth_ = true;
    Note("groups nested too deeply at offset " +
         std::to_string(tokenizer_.position()) + ": a control word is ignored");
  }

  void StartObjData() {
    if (open_ != 0) Finish();  // the previous one ends here
    if (stopped_) return;
    GroupState* state = stack_.Mutable();
    if (state == nullptr) return NoteIgnoredWord();
    open_ = ++objdata_count_;
    data_.Reset(cap_);
    state->objdata = open_;
    state->owns = true;
    state->skip = false;
  }

  bool Feeding() const {
    const GroupState& top = stack_.top();
    return open_ != 0 && top.objdata == open_ && !top.skip;
  }

  // The open \objdata is complete: its bytes become (at most) one child.
  void Finish() {
    const uint32_t index = open_ - 1;
    open_ = 0;
    const ByteView bytes = data_.view();
    if (!bytes.empty() && !EmitObject(bytes, index)) stopped_ = true;
    if (limits_.consumed) limits_.consumed(tokenizer_.position());
  }

  bool EmitObject(ByteView bytes, uint32_t index) {
    const std::string fallback = "objdata" + std::to_string(index);
    std::optional<rtf::Ole1Object> object = rtf::ParseOle1Object(bytes);
    if (!object) return Emit(fallback, bytes, 0);
    if (object->format_id != rtf::kOle1Embedded) {
      Note(fallback + ": " +
           (object->format_id == rtf::kOle1Linked ? "linked" : "presentation") +
           " OLE1 object of class " + CleanName(object->class_name) +
           ": nothing embedded");
      return true;
    }
    const bool package_class = rtf::IsPackageClass(object->class_name);
    std::optional<rtf::OlePackage> package;
    if (package_class || !IsCompoundFile(object->native)) {
      package = rtf::ParsePackage(object->native);
    }
    // Package data under another class name counts only when every field
    // is as the packager writes it.
    if (package && (package_class || package->exact)) {
      return Emit(PackageName(*package, fallback), package->data,
                  package->data_size);
    }
    if (package_class)
      Note(fallback + ": malformed Package data: given as it is");
    return Emit(fallback, object->native, object->native_size);
  }

  bool Emit(const std::string& name, ByteView data, uint64_t declared) {
    if (result_.members >= limits_.max_members) {
      result_.hit_member_limit = true;
      Note("member limit reached: later objects skipped");
      return false;
    }
    ArchiveMember member;
    member.name = name;
    member.declared_size = declared;
    if (data.size() > limits_.max_member_size) {
      data = data.first(static_cast<size_t>(limits_.max_member_size));
      member.truncated = true;
      result_.hit_size_limit = true;
      Note(name + ": truncated at max_member_size");
    } else if (declared > data.size()) {
      Note(name + ": declares " + std::to_string(declared) + " bytes, " +
           std::to_string(data.size()) + " present");
    }
    member.data = data;
    ++result_.members;
    return on_member_(member);
  }

  void Note(const std::string& what) {
    if (result_.notes.size() < kMaxNotes) {
      result_.notes.push_back("rtf: " + what);
    } else if (result_.notes.size() == kMaxNotes) {
      result_.notes.push_back("rtf: further notes suppressed");
    }
  }

  rtf::Tokenizer tokenizer_;
  const ExtractLimits& limits_;
  const std::function<bool(const ArchiveMember&)>& on_member_;
  ExtractResult result_;
  GroupStack stack_;
  ObjectData data_;
  uint64_t cap_ = 0;            // bytes kept of one \objdata
  uint64_t skipped_depth_ = 0;  // groups open past kMaxRuns
  uint32_t objdata_count_ = 0;  // \objdata destinations started
  uint32_t open_ = 0;           // 1 + index of the one being read; 0: none
  bool group_start_ = false;    // the previous token opened a group
  bool ignorable_ = false;      // and the one before it was {, this one \*
  bool warned_depth_ = false;
  bool warned_unbalanced_ = false;
  bool stopped_ = false;
};

}  // namespace

bool IsRtf(ByteView data) {
  return data.size() >= 4 && std::memcmp(data.data(), "{\\rt", 4) == 0;
}

ExtractResult ExtractRtf(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  Walker walker(data, limits, on_member);
  return walker.Run();
}

}  // namespace vigil::formats

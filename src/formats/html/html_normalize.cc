// A one-pass state machine that writes the nocomment and notags forms of
// HTML together, the way ClamAV 1.4.6's normaliser does as observed.
//
// The rules (each shown by inputs in docs/file-types.md and checked in
// html_normalize_diff_test against sigtool on generated documents):
// - Text: A-Z lower-cased; HT LF VT FF SP are whitespace, squeezed to one
//   space, dropped at the start, the end and after a tag; NUL and CR are
//   dropped everywhere. In notags, other control bytes become spaces.
// - "<!" opens a comment that the next '>' closes. Other '<' open a tag:
//   its name and attribute names are lower-cased, attributes are separated
//   by one space, whitespace around '=' and before '>' is dropped, quoted
//   values are written in double quotes with whitespace squeezed, and '
//   becomes " inside values.
// - "&name;", "&#n;" and "&#xh;" are decoded in text and values; values
//   that do not fit a byte are written as "&#xhhhh;".
// - After <script ...> or <style ...> every whitespace byte is dropped up to
//   the matching end tag.
// - A tag's effects (the notags copy of <a href>/<img src>, entering a
//   script) happen when the byte after its '>' is read: at the end of the
//   input they are lost.
// - Bytes >= 0x80 are read in runs of up to three; a run still open at the
//   end of the input is lost, and notags receives a mangled copy of each
//   run (one byte: NUL; two: the first twice; three: x y y).
#include "formats/html/html_normalize.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "formats/html/html_entities.h"

namespace vigil::formats {
namespace {

constexpr bool IsSpace(uint8_t c) {
  return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == ' ';
}
constexpr bool IsScriptSpace(uint8_t c) { return IsSpace(c) || c == '\r'; }
constexpr uint8_t Lower(uint8_t c) {
  return c >= 'A' && c <= 'Z' ? static_cast<uint8_t>(c + ('a' - 'A')) : c;
}
constexpr bool IsAlnum(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}
constexpr uint8_t ValueByte(uint8_t c) {
  return c == '\'' ? uint8_t{'"'} : Lower(c);
}

// A byte sink that stops growing at its cap.
class Sink {
 public:
  Sink(std::vector<std::byte>* out, size_t cap) : out_(out), cap_(cap) {}
  void Put(uint8_t c) {
    if (out_->size() < cap_) out_->push_back(static_cast<std::byte>(c));
  }
  void Put(std::string_view s) {
    for (char c : s) Put(static_cast<uint8_t>(c));
  }
  bool empty() const { return out_->empty(); }

 private:
  std::vector<std::byte>* out_;
  size_t cap_;
};

class Normalizer {
 public:
  Normalizer(HtmlBuffers* out, size_t cap, bool notags)
      : nc_(&out->nocomment, cap),
        nt_(&out->notags, notags ? cap : 0),
        has_script_(&out->has_script) {}

  void Feed(uint8_t c);
  // A byte >= 0x80 was read: text waiting for it is written even if the
  // run is lost at the end of the input.
  void StartRun() {
    if (state_ == State::kText && entity_ == Entity::kNone && pending_space_) {
      nc_.Put(' ');
      pending_space_ = false;
    }
  }
  void FeedRun(const uint8_t* run, size_t n);
  void Finish();

 private:
  enum class State {
    kText,
    kTagOpen,
    kTagName,
    kTagSpace,
    kAttrName,
    kValueStart,
    kUnquoted,
    kQuoted,
    kAfterQuote,
    kComment,
    kScript,
    kScriptLt,
  };
  enum class Entity { kNone, kStart, kNumber, kName };
  enum class Where { kText, kValue, kScript };

  void Dispatch(uint8_t c);
  void ProcessTag();

  // Notags.
  void NtPut(uint8_t c) {
    nt_.Put(c);
    nt_last_ = c;
  }
  void NtSpace() {
    if (!nt_.empty() && nt_last_ != ' ') NtPut(' ');
  }
  void NtTagSpace() {
    if (nt_.empty() || nt_last_ != ' ') NtPut(' ');
  }
  void NtChar(uint8_t c);

  // Nocomment text, with the whitespace that waits for a following byte.
  void NcText(uint8_t c) {
    if (pending_space_) nc_.Put(' ');
    pending_space_ = false;
    skip_space_ = false;
    nc_.Put(c);
  }

  // Character references.
  void StartEntity(Where where) {
    entity_ = Entity::kStart;
    entity_where_ = where;
    entity_hex_ = false;
    entity_digits_ = 0;
    entity_value_ = 0;
    entity_name_.clear();
  }
  bool EntityByte(uint8_t c);
  bool EntityNumberByte(uint8_t c);
  bool EntityNameByte(uint8_t c);
  void EntityOut(std::string_view nc, std::string_view raw);
  void EmitTerminated(uint64_t value);
  void EmitUnterminated(uint64_t value);
  void EmitUnknownName(bool with_semicolon);

  // States.
  void Text(uint8_t c);
  void TagOpen(uint8_t c);
  void TagName(uint8_t c);
  void TagSpace(uint8_t c);
  void AttrName(uint8_t c);
  void ValueStart(uint8_t c);
  void Unquoted(uint8_t c);
  void Quoted(uint8_t c);
  void AfterQuote(uint8_t c);
  void Comment(uint8_t c);
  void Script(uint8_t c);
  void ScriptLt(uint8_t c);

  void EndTag();
  void StartAttr(uint8_t c);
  void EndAttrName();
  void EndValue();
  void ScriptByte(uint8_t c);
  void FlushScriptLt();

  Sink nc_;
  Sink nt_;
  int nt_last_ = -1;
  State state_ = State::kText;
  bool skip_space_ = true;
  bool pending_space_ = false;

  // The run of bytes >= 0x80 being fed, as notags receives it.
  std::string run_notags_;
  bool run_notags_done_ = false;

  std::string tag_;
  std::string attr_;
  std::string value_;  // the current value, case kept, for links
  uint8_t quote_ = 0;
  bool value_space_ = false;    // the last value byte written was a space
  bool value_skipped_ = false;  // ... and whitespace after it was dropped
  bool value_had_space_ = false;
  bool tag_done_ = false;
  bool link_claimed_ = false;
  bool link_pending_ = false;
  std::optional<std::string> link_;
  std::string script_end_;  // "</script" or "</style" while in a script
  bool* has_script_;        // HtmlBuffers::has_script
  std::string lt_;

  Entity entity_ = Entity::kNone;
  Where entity_where_ = Where::kText;
  bool entity_hex_ = false;
  int entity_digits_ = 0;
  uint64_t entity_value_ = 0;
  std::string entity_name_;
};

void Normalizer::Feed(uint8_t c) {
  if (tag_done_) ProcessTag();
  if (c == 0 || c == '\r') return;  // dropped everywhere, even inside "&amp;"
  if (entity_ != Entity::kNone && EntityByte(c)) return;
  Dispatch(c);
}

void Normalizer::FeedRun(const uint8_t* run, size_t n) {
  if (tag_done_) ProcessTag();
  if (n == 1) {
    run_notags_.assign(1, '\0');
  } else if (n == 2) {
    run_notags_.assign(2, static_cast<char>(run[0]));
  } else {
    run_notags_ = {static_cast<char>(run[0]), static_cast<char>(run[1]),
                   static_cast<char>(run[1])};
  }
  run_notags_done_ = false;
  for (size_t i = 0; i < n; ++i) {
    if (entity_ != Entity::kNone && EntityByte(run[i])) continue;
    Dispatch(run[i]);
  }
}

void Normalizer::Dispatch(uint8_t c) {
  switch (state_) {
    case State::kText:
      return Text(c);
    case State::kTagOpen:
      return TagOpen(c);
    case State::kTagName:
      return TagName(c);
    case State::kTagSpace:
      return TagSpace(c);
    case State::kAttrName:
      return AttrName(c);
    case State::kValueStart:
      return ValueStart(c);
    case State::kUnquoted:
      return Unquoted(c);
    case State::kQuoted:
      return Quoted(c);
    case State::kAfterQuote:
      return AfterQuote(c);
    case State::kComment:
      return Comment(c);
    case State::kScript:
      return Script(c);
    case State::kScriptLt:
      return ScriptLt(c);
  }
}

void Normalizer::ProcessTag() {
  tag_done_ = false;
  if (link_) {
    for (char c : *link_) nt_.Put(static_cast<uint8_t>(c));
    NtPut(' ');
    link_.reset();
  }
  if (tag_ == "script" || tag_ == "style") {
    if (tag_ == "script") *has_script_ = true;
    state_ = State::kScript;
    script_end_ = "</" + tag_;
  }
}

void Normalizer::NtChar(uint8_t c) {
  if (c >= 0x80) {
    if (!run_notags_done_) {
      for (char b : run_notags_) nt_.Put(static_cast<uint8_t>(b));
      run_notags_done_ = true;
    }
    return;
  }
  if (c < 0x20) return NtTagSpace();  // even at the start, unlike whitespace
  NtPut(Lower(c));
}

// ---- character references -------------------------------------------

bool Normalizer::EntityByte(uint8_t c) {
  switch (entity_) {
    case Entity::kStart:
      if (c == '#') {
        entity_ = Entity::kNumber;
        return true;
      }
      if (IsAlnum(c)) {
        entity_ = Entity::kName;
        entity_name_.push_back(static_cast<char>(c));
        return true;
      }
      entity_ = Entity::kNone;
      EntityOut("&", "&");
      return false;
    case Entity::kNumber:
      return EntityNumberByte(c);
    case Entity::kName:
      return EntityNameByte(c);
    case Entity::kNone:
      break;
  }
  return false;
}

bool Normalizer::EntityNumberByte(uint8_t c) {
  if (entity_digits_ == 0 && !entity_hex_ && (c == 'x' || c == 'X')) {
    entity_hex_ = true;
    return true;
  }
  int digit = -1;
  if (c >= '0' && c <= '9') digit = c - '0';
  if (entity_hex_ && Lower(c) >= 'a' && Lower(c) <= 'f')
    digit = Lower(c) - 'a' + 10;
  if (digit >= 0) {
    // ClamAV keeps at most 19 decimal or 16 hex digits; one more ends the
    // reference and is swallowed.
    if (entity_digits_ == (entity_hex_ ? 16 : 19)) {
      entity_ = Entity::kNone;
      EmitUnterminated(entity_value_);
      return true;
    }
    entity_value_ = entity_value_ * (entity_hex_ ? 16u : 10u) +
                    static_cast<unsigned>(digit);
    ++entity_digits_;
    return true;
  }
  entity_ = Entity::kNone;
  if (c == ';') {
    EmitTerminated(entity_value_);
    return true;
  }
  EmitUnterminated(entity_value_);
  return false;
}

bool Normalizer::EntityNameByte(uint8_t c) {
  if (IsAlnum(c)) {
    entity_name_.push_back(static_cast<char>(c));
    return true;
  }
  entity_ = Entity::kNone;
  if (c == ';') {
    if (auto cp = html_internal::LookupEntity(entity_name_)) {
      EmitTerminated(*cp);
    } else {
      EmitUnknownName(true);
    }
    return true;
  }
  EmitUnknownName(false);
  return false;
}

void Normalizer::EmitUnknownName(bool with_semicolon) {
  std::string raw = "&" + entity_name_ + (with_semicolon ? ";" : "");
  std::string lower = raw;
  for (char& ch : lower)
    ch = static_cast<char>(Lower(static_cast<uint8_t>(ch)));
  EntityOut(lower, raw);
}

// "&#n;": the low 16 bits, as a byte below 255, else as "&#xhhhh;";
// nothing when they are zero but the number was not.
void Normalizer::EmitTerminated(uint64_t value) {
  uint32_t v16 = static_cast<uint32_t>(value & 0xffff);
  if (v16 == 0 && value != 0) return;
  if (v16 < 255) {
    char lower = static_cast<char>(Lower(static_cast<uint8_t>(v16)));
    char raw = static_cast<char>(v16);
    return EntityOut(std::string_view(&lower, 1), std::string_view(&raw, 1));
  }
  char hex[16];
  int n = std::snprintf(hex, sizeof hex, "&#x%04x;", v16);
  EntityOut(std::string_view(hex, static_cast<size_t>(n)),
            std::string_view(hex, static_cast<size_t>(n)));
}

// "&#n" without ';': the low byte, case kept.
void Normalizer::EmitUnterminated(uint64_t value) {
  char b = static_cast<char>(value & 0xff);
  EntityOut(std::string_view(&b, 1), std::string_view(&b, 1));
}

void Normalizer::EntityOut(std::string_view nc, std::string_view raw) {
  switch (entity_where_) {
    case Where::kText:
      if (pending_space_) nc_.Put(' ');
      pending_space_ = false;
      skip_space_ = false;
      nc_.Put(nc);
      return;
    case Where::kValue:
      nc_.Put(nc);
      value_space_ = false;
      value_ += raw;
      return;
    case Where::kScript:
      nc_.Put(nc);
      return;
  }
}

// ---- states ------------------------------------------------------------

void Normalizer::Text(uint8_t c) {
  if (c == '\r') return;
  if (IsSpace(c)) {
    if (!skip_space_) pending_space_ = true;
    return NtSpace();
  }
  if (c == '<') {
    if (pending_space_) nc_.Put(' ');
    pending_space_ = false;
    NtTagSpace();
    state_ = State::kTagOpen;
    tag_.clear();
    link_.reset();
    link_claimed_ = link_pending_ = false;
    return;
  }
  if (c == '&') {
    if (pending_space_) nc_.Put(' ');
    pending_space_ = false;
    NtTagSpace();
    return StartEntity(Where::kText);
  }
  NcText(Lower(c));
  NtChar(c);
}

void Normalizer::TagOpen(uint8_t c) {
  if (IsSpace(c) || c == '\r') return;
  if (c == '!') {
    state_ = State::kComment;
    return;
  }
  nc_.Put('<');
  if (c == '>') return EndTag();
  state_ = State::kTagName;
  tag_.push_back(static_cast<char>(Lower(c)));
  nc_.Put(Lower(c));
}

void Normalizer::TagName(uint8_t c) {
  if (c == '\r') return;
  if (IsSpace(c)) {
    state_ = State::kTagSpace;
    return;
  }
  if (c == '>') return EndTag();
  tag_.push_back(static_cast<char>(Lower(c)));
  nc_.Put(Lower(c));
}

void Normalizer::EndTag() {
  nc_.Put('>');
  state_ = State::kText;
  skip_space_ = true;
  pending_space_ = false;
  tag_done_ = true;
}

void Normalizer::TagSpace(uint8_t c) {
  if (IsSpace(c) || c == '\r') return;
  if (c == '>') return EndTag();
  if (c == '=') {
    nc_.Put('=');
    state_ = State::kValueStart;
    return;
  }
  link_pending_ = false;
  nc_.Put(' ');
  StartAttr(c);
}

void Normalizer::StartAttr(uint8_t c) {
  state_ = State::kAttrName;
  attr_.assign(1, static_cast<char>(Lower(c)));
  nc_.Put(Lower(c));
}

// The first href of an <a> (src of an <img>) is the link, with or without
// a value.
void Normalizer::EndAttrName() {
  bool link =
      (tag_ == "a" && attr_ == "href") || (tag_ == "img" && attr_ == "src");
  if (link && !link_claimed_) link_claimed_ = link_pending_ = true;
}

void Normalizer::AttrName(uint8_t c) {
  if (c == '\r') return;
  if (IsSpace(c)) {
    EndAttrName();
    state_ = State::kTagSpace;
    return;
  }
  if (c == '=') {
    EndAttrName();
    nc_.Put('=');
    state_ = State::kValueStart;
    return;
  }
  if (c == '>') {
    EndAttrName();
    return EndTag();
  }
  attr_.push_back(static_cast<char>(Lower(c)));
  nc_.Put(Lower(c));
}

void Normalizer::ValueStart(uint8_t c) {
  if (IsSpace(c) || c == '\r') return;
  value_.clear();
  if (c == '"' || c == '\'') {
    nc_.Put('"');
    quote_ = c;
    value_space_ = value_skipped_ = value_had_space_ = false;
    state_ = State::kQuoted;
    return;
  }
  if (c == '>') return EndTag();
  state_ = State::kUnquoted;
  Unquoted(c);
}

void Normalizer::EndValue() {
  if (!link_pending_) return;
  link_pending_ = false;
  if (value_.empty()) return;
  std::string link = value_;
  for (char& ch : link) {
    if (ch == '\'') ch = '"';
    if (static_cast<uint8_t>(ch) < 0x20) ch = ' ';
  }
  link_ = std::move(link);
}

void Normalizer::Unquoted(uint8_t c) {
  if (c == '\r') return;
  if (IsSpace(c)) {
    EndValue();
    state_ = State::kTagSpace;
    return;
  }
  if (c == '>') {
    EndValue();
    return EndTag();
  }
  if (c == '&') return StartEntity(Where::kValue);
  value_.push_back(static_cast<char>(c));
  nc_.Put(ValueByte(c));
}

void Normalizer::Quoted(uint8_t c) {
  if (c == '\r') return;
  if (c == quote_) {
    // After dropped whitespace ClamAV writes the closing quote as it is.
    nc_.Put(value_skipped_ ? c : uint8_t{'"'});
    EndValue();
    state_ = State::kAfterQuote;
    return;
  }
  if (IsSpace(c)) value_had_space_ = true;
  if (c == '\n' || c == ' ' || (value_space_ && IsSpace(c))) {
    if (value_space_) {
      value_skipped_ = true;
    } else {
      nc_.Put(' ');
      value_.push_back(' ');
    }
    value_space_ = true;
    return;
  }
  value_space_ = value_skipped_ = false;
  if (c == '&') return StartEntity(Where::kValue);
  value_.push_back(static_cast<char>(c));
  nc_.Put(ValueByte(c));
}

void Normalizer::AfterQuote(uint8_t c) {
  if (c == '\r') return;
  if (IsSpace(c)) {
    state_ = State::kTagSpace;
    return;
  }
  if (c == '>') return EndTag();
  if (c == '=') {
    nc_.Put('=');
    state_ = State::kValueStart;
    return;
  }
  // A value that held whitespace is not followed by a separating space.
  if (!value_had_space_) nc_.Put(' ');
  StartAttr(c);
}

void Normalizer::Comment(uint8_t c) {
  if (c != '>') return;
  state_ = State::kText;
  skip_space_ = true;
  pending_space_ = false;
}

void Normalizer::ScriptByte(uint8_t c) {
  if (c >= 0x80) NtChar(c);  // notags gets script runs too
  if (IsScriptSpace(c)) return;
  nc_.Put(ValueByte(c));
}

void Normalizer::Script(uint8_t c) {
  if (c == '<') {
    state_ = State::kScriptLt;
    lt_.assign(1, '<');
    return;
  }
  if (c == '&') return StartEntity(Where::kScript);
  ScriptByte(c);
}

void Normalizer::FlushScriptLt() {
  state_ = State::kScript;
  std::string pending;
  pending.swap(lt_);
  for (char ch : pending) ScriptByte(static_cast<uint8_t>(ch));
}

void Normalizer::ScriptLt(uint8_t c) {
  size_t n = lt_.size();
  if (n < script_end_.size() &&
      Lower(c) == static_cast<uint8_t>(script_end_[n])) {
    lt_.push_back(static_cast<char>(c));
    if (lt_.size() < script_end_.size()) return;
    // "</script": from here on an ordinary end tag.
    nc_.Put(script_end_);
    tag_ = script_end_.substr(1);
    script_end_.clear();
    lt_.clear();
    state_ = State::kTagName;
    return;
  }
  FlushScriptLt();
  if (entity_ != Entity::kNone && EntityByte(c)) return;
  Dispatch(c);
}

void Normalizer::Finish() {
  if (entity_ == Entity::kName) {
    entity_ = Entity::kNone;
    if (auto cp = html_internal::LookupEntity(entity_name_)) {
      EmitTerminated(*cp);
    } else {
      EmitUnknownName(false);
    }
  }
  entity_ = Entity::kNone;  // "&" or "&#..." at the end: dropped
  if (state_ == State::kTagOpen) nc_.Put('<');
  if (state_ == State::kScriptLt) FlushScriptLt();
}

// Feeds `data` with bytes >= 0x80 grouped in runs of up to three; a run
// still open at the end is dropped, as ClamAV does.
void Run(ByteView data, Normalizer* norm) {
  const uint8_t* p = AsU8(data);
  uint8_t run[3];
  size_t run_len = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    uint8_t c = p[i];
    if (c >= 0x80 && run_len < 3) {
      if (run_len == 0) norm->StartRun();
      run[run_len++] = c;
      continue;
    }
    if (run_len) norm->FeedRun(run, run_len);
    run_len = 0;
    if (c >= 0x80) {
      norm->StartRun();
      run[run_len++] = c;
      continue;
    }
    norm->Feed(c);
  }
  norm->Finish();
}

std::vector<std::byte> SqueezeUtf16Le(ByteView data) {
  std::vector<std::byte> out;
  out.reserve(data.size() / 2);
  const uint8_t* p = AsU8(data);
  for (size_t i = 0; i + 1 < data.size(); i += 2) {
    out.push_back(static_cast<std::byte>((p[i] + (p[i + 1] << 4)) & 0xff));
  }
  return out;
}

}  // namespace

void NormalizeHtmlAll(ByteView in, const HtmlNormalizeOptions& options,
                      HtmlBuffers* out) {
  *out = HtmlBuffers();
  if (in.size() > options.max_html_normalize) return;
  out->normalized = true;
  out->has_notags = in.size() <= options.max_html_notags;
  std::vector<std::byte> squeezed;
  if (options.utf16le_input) {
    squeezed = SqueezeUtf16Le(in);
    in = squeezed;
  }
  out->nocomment.reserve(std::min(in.size() + 16, options.max_output));
  Normalizer norm(out, options.max_output, out->has_notags);
  Run(in, &norm);
}

void NormalizeHtml(ByteView in, std::vector<std::byte>* out) {
  HtmlBuffers buffers;
  NormalizeHtmlAll(in, HtmlNormalizeOptions(), &buffers);
  *out = std::move(buffers.nocomment);
}

}  // namespace vigil::formats

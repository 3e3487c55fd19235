#include "formats/mail/mime_walker.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "formats/mail/mail.h"

namespace vigil::formats::mail {
namespace {

// Header field values longer than this are cut (a huge folded header must
// not grow memory; the fields kept are short in real mail).
constexpr size_t kMaxFieldValue = 16 << 10;
// RFC 2046 allows 70 characters; longer boundaries are not honoured.
constexpr size_t kMaxBoundaryLength = 256;

struct Line {
  size_t start = 0;  // first byte
  size_t end = 0;    // end of the text, before CR LF
  size_t next = 0;   // first byte of the next line
};

enum class State {
  kHeader,    // reading an entity's header
  kBody,      // inside a leaf's body
  kPreamble,  // before the first boundary of the innermost multipart
  kIgnore,    // epilogue: after a close delimiter
};

// An open multipart.
struct Frame {
  std::string boundary;
  int depth = 0;  // nesting depth of the multipart entity
  bool digest = false;
  bool saw_boundary = false;
  size_t preamble_start = 0;
};

// The fields of the entity header being read.
struct EntityHeader {
  std::string content_type;
  std::string encoding;
  std::string disposition;
  std::string* open = nullptr;  // field that continuation lines extend
  bool in_field = false;        // the last line was a header field
  bool saw_type = false;
  int depth = 0;
  bool digest_child = false;  // default type message/rfc822 (RFC 2046 5.1.5)
};

void AppendCapped(std::string* s, std::string_view v) {
  size_t room = kMaxFieldValue - std::min(kMaxFieldValue, s->size());
  s->append(v.substr(0, std::min(room, v.size())));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

bool IsIdentityEncoding(std::string_view e) {
  return e.empty() || e == "7bit" || e == "8bit" || e == "binary";
}

class Walker {
 public:
  Walker(ByteView message, PartSink* sink)
      : data_(AsChars(message)), sink_(sink) {}

  void Run() {
    size_t pos = 0;
    while (pos < data_.size() && !stopped_) {
      Line line = NextLine(pos);
      if (!TryBoundary(line) && state_ == State::kHeader) OnHeaderLine(line);
      pos = line.next;
    }
    if (!stopped_) Finish();
  }

 private:
  Line NextLine(size_t pos) const {
    Line line;
    line.start = pos;
    size_t nl = data_.find('\n', pos);
    line.next = nl == std::string_view::npos ? data_.size() : nl + 1;
    line.end = nl == std::string_view::npos ? data_.size() : nl;
    if (line.end > pos && data_[line.end - 1] == '\r') --line.end;
    return line;
  }

  std::string_view Text(const Line& line) const {
    return data_.substr(line.start, line.end - line.start);
  }

  // Where the content before a boundary line ends: the line break before
  // the boundary belongs to the boundary (RFC 2046 5.1.1).
  size_t ContentEnd(size_t boundary_line_start) const {
    size_t e = boundary_line_start;
    if (e > 0 && data_[e - 1] == '\n') {
      --e;
      if (e > 0 && data_[e - 1] == '\r') --e;
    }
    return e;
  }

  // A boundary line of an open multipart, innermost first.
  bool TryBoundary(const Line& line) {
    if (frames_.empty()) return false;
    std::string_view text = Text(line);
    if (!text.starts_with("--")) return false;
    text.remove_prefix(2);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
      text.remove_suffix(1);
    }
    for (size_t i = frames_.size(); i-- > 0;) {
      const std::string& b = frames_[i].boundary;
      if ((text.size() != b.size() && text.size() != b.size() + 2) ||
          !text.starts_with(b)) {
        continue;
      }
      std::string_view tail = text.substr(b.size());
      if (tail.empty() || tail == "--") {
        OnBoundary(i, !tail.empty(), line);
        return true;
      }
    }
    return false;
  }

  void OnBoundary(size_t index, bool closing, const Line& line) {
    size_t end = ContentEnd(line.start);
    if (state_ == State::kBody) EmitLeaf(leaf_start_, end);
    while (frames_.size() > index + 1 && !stopped_) PopFrame(end);
    if (stopped_) return;
    Frame& f = frames_[index];
    f.saw_boundary = true;
    if (closing) {
      frames_.pop_back();
      state_ = State::kIgnore;
      return;
    }
    header_ = EntityHeader{};
    header_.depth = f.depth + 1;
    header_.digest_child = f.digest;
    state_ = State::kHeader;
  }

  void OnHeaderLine(const Line& line) {
    std::string_view text = Text(line);
    // A line of only white space ends the header too (RFC 5322 would read
    // it as folding; mailers and clients treat it as the blank line).
    if (Trim(text).empty()) return EndHeader(line.next);
    bool folded = text[0] == ' ' || text[0] == '\t';
    if (folded && header_.in_field) {
      if (header_.open) AppendCapped(header_.open, text);
      return;
    }
    std::string_view name, value;
    if (!folded && SplitHeaderField(text, &name, &value)) {
      header_.in_field = true;
      header_.open = FieldFor(name);
      if (header_.open) AppendCapped(header_.open, value);
      return;
    }
    EndHeader(line.start);  // not a header line: the body starts here
  }

  // The string that keeps field `name`, or null for fields not needed.
  std::string* FieldFor(std::string_view name) {
    if (EqualsIgnoreCase(name, "Content-Type")) {
      if (header_.saw_type) return nullptr;  // the first one counts
      header_.saw_type = true;
      return &header_.content_type;
    }
    if (EqualsIgnoreCase(name, "Content-Transfer-Encoding")) {
      return header_.encoding.empty() ? &header_.encoding : nullptr;
    }
    if (EqualsIgnoreCase(name, "Content-Disposition")) {
      return header_.disposition.empty() ? &header_.disposition : nullptr;
    }
    return nullptr;
  }

  void EndHeader(size_t body_start) {
    leaf_ = LeafHeaders{};
    if (header_.saw_type)
      leaf_.type = ParseParameterizedField(header_.content_type);
    if (leaf_.type.value.empty() ||
        leaf_.type.value.find('/') == std::string::npos) {
      leaf_.type.value = header_.digest_child ? "message/rfc822" : "text/plain";
    }
    leaf_.encoding = Lower(Trim(header_.encoding));
    leaf_.disposition = std::move(header_.disposition);
    const std::string& type = leaf_.type.value;
    if (type.starts_with("multipart/")) return OpenMultipart(body_start);
    if ((type == "message/rfc822" || type == "message/global") &&
        IsIdentityEncoding(leaf_.encoding) && DepthAllowed()) {
      int depth = header_.depth + 1;
      header_ = EntityHeader{};
      header_.depth = depth;
      return;  // the enclosed message's header follows
    }
    StartLeaf(body_start);
  }

  void OpenMultipart(size_t body_start) {
    std::string_view boundary = leaf_.type.Param("boundary");
    while (!boundary.empty() && boundary.back() == ' ')
      boundary.remove_suffix(1);
    if (boundary.empty() || boundary.size() > kMaxBoundaryLength) {
      sink_->Note("multipart without a usable boundary: body given whole");
      return StartLeaf(body_start);
    }
    if (!DepthAllowed()) return StartLeaf(body_start);
    Frame f;
    f.boundary = std::string(boundary);
    f.depth = header_.depth;
    f.digest = leaf_.type.value == "multipart/digest";
    f.preamble_start = body_start;
    frames_.push_back(std::move(f));
    state_ = State::kPreamble;
  }

  bool DepthAllowed() {
    if (header_.depth < kMaxMimeDepth) return true;
    if (!depth_noted_) {
      sink_->Note("MIME nesting deeper than " + std::to_string(kMaxMimeDepth) +
                  ": inner parts given raw");
      depth_noted_ = true;
    }
    return false;
  }

  void StartLeaf(size_t body_start) {
    leaf_start_ = body_start;
    state_ = State::kBody;
  }

  void EmitLeaf(size_t start, size_t end) {
    if (stopped_) return;
    start = std::min(start, data_.size());
    end = std::clamp(end, start, data_.size());
    ByteView body = AsBytes(data_.substr(start, end - start));
    if (!sink_->OnLeaf(leaf_, body)) stopped_ = true;
  }

  // Closes the innermost multipart at `end` without its close delimiter.
  void PopFrame(size_t end) {
    Frame& f = frames_.back();
    if (!f.saw_boundary) {
      sink_->Note("multipart boundary never found: body given whole");
      leaf_ = LeafHeaders{};
      leaf_.type.value = "text/plain";
      EmitLeaf(f.preamble_start, end);
    } else if (!f.boundary.empty()) {
      sink_->Note("multipart without its close delimiter");
    }
    frames_.pop_back();
  }

  void Finish() {
    if (state_ == State::kBody) EmitLeaf(leaf_start_, data_.size());
    while (!frames_.empty() && !stopped_) PopFrame(data_.size());
  }

  std::string_view data_;
  PartSink* sink_;
  State state_ = State::kHeader;
  EntityHeader header_;
  LeafHeaders leaf_;
  size_t leaf_start_ = 0;
  std::vector<Frame> frames_;
  bool stopped_ = false;
  bool depth_noted_ = false;
};

}  // namespace

void WalkMessage(ByteView message, PartSink* sink) {
  Walker(message, sink).Run();
}

}  // namespace vigil::formats::mail

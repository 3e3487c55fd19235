// Mail extraction: splits an mbox into messages, walks each message
// (mime_walker.h), decodes each leaf (transfer_decode.h), names it, applies
// the limits, and looks for uuencode and yEnc blocks in text leaves
// (embedded.h).
#include "formats/mail/mail.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/mail/embedded.h"
#include "formats/mail/header_fields.h"
#include "formats/mail/mime_walker.h"
#include "formats/mail/transfer_decode.h"

namespace vigil::formats {
namespace {

using MemberFn = std::function<bool(const ArchiveMember&)>;

// Notes after this many are dropped (a crafted message can be damaged in
// every part).
constexpr size_t kMaxNotes = 64;
// Longer member names are cut.
constexpr size_t kMaxNameLength = 1024;
// LooksLikeMail reads this much.
constexpr size_t kSniffLength = 8 << 10;

// Names are data for reports: control characters become '_'.
std::string CleanName(std::string_view name) {
  std::string out(name.substr(0, std::min(name.size(), kMaxNameLength)));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '_';
  }
  return out;
}

bool IsUuencodeEncoding(std::string_view e) {
  return e == "x-uuencode" || e == "uuencode" || e == "x-uue" || e == "uue";
}

// Turns leaves into members under the limits.
class MemberEmitter final : public mail::PartSink {
 public:
  MemberEmitter(const ExtractLimits& limits, const MemberFn& on_member,
                ExtractResult* result)
      : limits_(limits), on_member_(on_member), result_(result) {}

  bool stopped() const { return stopped_; }

  bool OnLeaf(const mail::LeafHeaders& headers, ByteView body) override {
    ++ordinal_;
    std::string name = LeafName(headers);
    bool truncated = false;
    ByteView data = Decode(headers.encoding, body, name, &truncated);
    if (!Deliver(name, data, truncated)) return false;
    if (headers.type.value.starts_with("text/") ||
        IsUuencodeEncoding(headers.encoding)) {
      FindEmbedded(data);
    }
    return !stopped_;
  }

  void Note(std::string note) override {
    if (result_->notes.size() < kMaxNotes) {
      result_->notes.push_back(std::move(note));
    } else if (result_->notes.size() == kMaxNotes) {
      result_->notes.push_back("further notes omitted");
    }
  }

 private:
  std::string LeafName(const mail::LeafHeaders& headers) const {
    mail::ParameterizedField disposition =
        mail::ParseParameterizedField(headers.disposition);
    std::string_view raw = disposition.Param("filename");
    if (raw.empty()) raw = headers.type.Param("name");
    std::string name = CleanName(mail::DecodeEncodedWords(raw));
    if (name.empty()) name = "part-" + std::to_string(ordinal_);
    return name;
  }

  // The decoded body: a view of `body` itself for identity encodings, else
  // of decoded_.
  ByteView Decode(std::string_view encoding, ByteView body,
                  const std::string& name, bool* truncated) {
    mail::DecodeOutcome r;
    decoded_.clear();
    if (encoding == "base64") {
      r = mail::DecodeBase64(body, limits_.max_member_size, &decoded_);
    } else if (encoding == "quoted-printable") {
      r = mail::DecodeQuotedPrintable(body, limits_.max_member_size, &decoded_);
    } else {
      *truncated = body.size() > limits_.max_member_size;
      return body.first(
          std::min<uint64_t>(body.size(), limits_.max_member_size));
    }
    if (r.damaged) Note(std::string(encoding) + " damaged in " + name);
    *truncated = r.truncated;
    return ByteView(decoded_.data(), decoded_.size());
  }

  void FindEmbedded(ByteView text) {
    mail::FindEmbeddedFiles(
        text, limits_.max_member_size, &embedded_,
        [&](const mail::EmbeddedFile& f) {
          ++embedded_count_;
          std::string name = CleanName(f.name);
          if (name.empty())
            name = "embedded-" + std::to_string(embedded_count_);
          if (f.damaged) Note(std::string(f.kind) + " block damaged: " + name);
          return Deliver(name, f.data, f.truncated);
        });
  }

  bool Deliver(std::string name, ByteView data, bool truncated) {
    if (stopped_) return false;
    if (result_->members >= limits_.max_members) {
      result_->hit_member_limit = true;
      stopped_ = true;
      return false;
    }
    ArchiveMember member;
    member.name = std::move(name);
    member.data = data;
    member.truncated = truncated;
    if (truncated) result_->hit_size_limit = true;
    ++result_->members;
    if (!on_member_(member)) stopped_ = true;
    return !stopped_;
  }

  const ExtractLimits& limits_;
  const MemberFn& on_member_;
  ExtractResult* result_;
  std::vector<std::byte> decoded_;
  std::vector<std::byte> embedded_;
  uint32_t ordinal_ = 0;         // leaves so far, for "part-N"
  uint32_t embedded_count_ = 0;  // embedded files so far
  bool stopped_ = false;
};

// `text` without one final line break (the blank line before the next
// "From " line separates messages; it is not content).
std::string_view DropFinalLineBreak(std::string_view text) {
  if (text.ends_with("\r\n")) return text.substr(0, text.size() - 2);
  if (text.ends_with("\n")) return text.substr(0, text.size() - 1);
  return text;
}

// Calls `on_message` with each message of an mbox (without its "From "
// line) and the offset where it ends; stops when it returns false.
template <typename Fn>
void ForEachMboxMessage(std::string_view mbox, Fn on_message) {
  size_t pos = 0;
  size_t start = std::string_view::npos;
  bool after_blank = true;
  while (pos < mbox.size()) {
    size_t nl = mbox.find('\n', pos);
    size_t next = nl == std::string_view::npos ? mbox.size() : nl + 1;
    std::string_view line = mbox.substr(pos, next - pos);
    if (after_blank && line.starts_with("From ")) {
      if (start != std::string_view::npos &&
          !on_message(DropFinalLineBreak(mbox.substr(start, pos - start)),
                      pos)) {
        return;
      }
      start = next;
    }
    after_blank = line == "\n" || line == "\r\n";
    pos = next;
  }
  if (start != std::string_view::npos) {
    on_message(mbox.substr(start), mbox.size());
  }
}

bool IsMailFieldName(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "From",         "Received",      "Return-Path", "MIME-Version",
      "Content-Type", "Subject",       "Date",        "Message-ID",
      "To",           "Delivered-To",  "Reply-To",    "X-Mailer",
      "Sender",       "DKIM-Signature"};
  for (std::string_view n : kNames) {
    if (mail::EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

}  // namespace

bool LooksLikeMail(ByteView data) {
  std::string_view text =
      AsChars(data.first(std::min(data.size(), kSniffLength)));
  if (text.starts_with("From ")) return true;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return false;  // cut or no lines
    std::string_view line = mail::Trim(text.substr(pos, nl - pos));
    bool folded = text[pos] == ' ' || text[pos] == '\t';
    std::string_view name, value;
    if (line.empty()) return false;
    if (!folded) {
      if (!mail::SplitHeaderField(line, &name, &value)) return false;
      if (IsMailFieldName(name)) return true;
    }
    pos = nl + 1;
  }
  return false;
}

ExtractResult ExtractMail(ByteView data, const ExtractLimits& limits,
                          const MemberFn& on_member) {
  ExtractResult result;
  MemberEmitter emitter(limits, on_member, &result);
  std::string_view text = AsChars(data);
  if (!text.starts_with("From ")) {
    mail::WalkMessage(data, &emitter);
    return result;
  }
  ForEachMboxMessage(text, [&](std::string_view message, size_t end) {
    mail::WalkMessage(AsBytes(message), &emitter);
    if (limits.consumed) limits.consumed(end);
    return !emitter.stopped();
  });
  return result;
}

}  // namespace vigil::formats

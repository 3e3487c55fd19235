#include "formats/mail/embedded.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/reader.h"
#include "formats/mail/header_fields.h"
#include "formats/mail/transfer_decode.h"

namespace vigil::formats::mail {
namespace {

// Lines of a text, without their CR LF.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  bool Next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t nl = text_.find('\n', pos_);
    size_t end = nl == std::string_view::npos ? text_.size() : nl;
    *line = text_.substr(pos_, end - pos_);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    return true;
  }
  size_t position() const { return pos_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Appends to a buffer bounded by max_size; remembers whether it overflowed.
class Output {
 public:
  Output(uint64_t max_size, std::vector<std::byte>* buffer)
      : max_(max_size), buf_(buffer) {
    buf_->clear();
  }
  void Put(uint8_t b) {
    if (buf_->size() >= max_) {
      truncated_ = true;
      return;
    }
    buf_->push_back(std::byte{b});
  }
  bool truncated() const { return truncated_; }

 private:
  uint64_t max_;
  std::vector<std::byte>* buf_;
  bool truncated_ = false;
};

// "begin 644 name" or "begin-base64 644 name".
bool ParseUuBegin(std::string_view line, bool* base64, std::string* name) {
  std::string_view rest;
  if (line.starts_with("begin-base64 ")) {
    *base64 = true;
    rest = line.substr(13);
  } else if (line.starts_with("begin ")) {
    *base64 = false;
    rest = line.substr(6);
  } else {
    return false;
  }
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '7') {
    ++digits;
  }
  if (digits == 0 || digits > 4 || digits >= rest.size() ||
      rest[digits] != ' ') {
    return false;
  }
  *name = std::string(Trim(rest.substr(digits + 1)));
  return true;
}

// "=ybegin line=128 size=N name=the name".
bool ParseYBegin(std::string_view line, std::string* name) {
  if (!line.starts_with("=ybegin ")) return false;
  size_t at = line.find(" name=");
  *name = at == std::string_view::npos ? std::string()
                                       : std::string(Trim(line.substr(at + 6)));
  return true;
}

uint8_t UuValue(char c) { return uint8_t((c - ' ') & 63); }

// Decodes one uuencoded line; false if it is not one.
bool DecodeUuLine(std::string_view line, Output* out) {
  if (line.empty()) return true;
  for (char c : line) {
    if (c < ' ' || c > '`') return false;
  }
  size_t count = UuValue(line[0]);
  std::string_view chars = line.substr(1);
  for (size_t group = 0; count > 0; ++group) {
    uint32_t acc = 0;
    for (size_t k = 0; k < 4; ++k) {
      size_t at = group * 4 + k;
      acc = (acc << 6) | (at < chars.size() ? UuValue(chars[at]) : 0);
    }
    for (int shift = 16; shift >= 0 && count > 0; shift -= 8, --count) {
      out->Put(uint8_t(acc >> shift));
    }
  }
  return true;
}

// Reads a uuencoded block up to its "end" line; true if it was found.
bool ReadUuBlock(LineReader* lines, Output* out) {
  std::string_view line;
  while (lines->Next(&line)) {
    if (Trim(line) == "end") return true;
    if (!DecodeUuLine(line, out)) return false;
  }
  return false;
}

// Reads a begin-base64 block up to its "====" line.
bool ReadBase64Block(std::string_view text, LineReader* lines,
                     uint64_t max_size, std::vector<std::byte>* buffer,
                     bool* truncated) {
  size_t start = lines->position();
  size_t end = text.size();
  bool found = false;
  std::string_view line;
  while (!found && lines->Next(&line)) {
    if (Trim(line) == "====") {
      found = true;
      end = size_t(line.data() - text.data());
    }
  }
  buffer->clear();
  DecodeOutcome r =
      DecodeBase64(AsBytes(text.substr(start, end - start)), max_size, buffer);
  *truncated = r.truncated;
  return found && !r.damaged;
}

void DecodeYencLine(std::string_view line, Output* out) {
  for (size_t i = 0; i < line.size(); ++i) {
    uint8_t c = uint8_t(line[i]);
    if (c == '=') {
      if (++i >= line.size()) break;
      c = uint8_t(uint8_t(line[i]) - 64);
    }
    out->Put(uint8_t(c - 42));
  }
}

// Reads a yEnc block up to its "=yend" line.
bool ReadYencBlock(LineReader* lines, Output* out) {
  std::string_view line;
  while (lines->Next(&line)) {
    if (line.starts_with("=yend")) return true;
    if (line.starts_with("=ypart ")) continue;
    DecodeYencLine(line, out);
  }
  return false;
}

// BinHex 4.0 (RFC 1741): after the "(This file must be converted with
// BinHex" line, text between two ':' holds 6-bit characters of the
// alphabet below; their bytes are run-length coded (0x90 n repeats the
// previous byte n-1 more times, 0x90 0 is 0x90 itself) and make a header
// (name, type, creator, flags, fork lengths, CRC), the data fork and the
// resource fork. The data fork is the file; CRCs are not checked.
constexpr std::string_view kBinHexAlphabet =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
constexpr uint8_t kRunMarker = 0x90;
// Header bytes after the name: version, type, creator, flags, data and
// resource lengths, header CRC.
constexpr size_t kBinHexHeaderTail = 1 + 4 + 4 + 2 + 4 + 4 + 2;

constexpr std::array<int8_t, 256> MakeBinHexTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (size_t i = 0; i < kBinHexAlphabet.size(); ++i) {
    t[uint8_t(kBinHexAlphabet[i])] = int8_t(i);
  }
  return t;
}
constexpr std::array<int8_t, 256> kBinHex = MakeBinHexTable();

bool IsBinHexStart(std::string_view line) {
  return line.starts_with("(This file must be converted with BinHex");
}

// Undoes the run-length coding into *out, stopping at `limit` bytes.
class RunLengthDecoder {
 public:
  explicit RunLengthDecoder(std::vector<std::byte>* out) : out_(out) {
    out_->clear();
  }
  void Put(uint8_t b, size_t limit) {
    if (after_marker_) {
      after_marker_ = false;
      if (b == 0) return Emit(kRunMarker, 1, limit);
      return Emit(prev_, size_t(b) - 1, limit);
    }
    if (b == kRunMarker) {
      after_marker_ = true;
      return;
    }
    Emit(b, 1, limit);
  }

 private:
  void Emit(uint8_t b, size_t count, size_t limit) {
    for (; count > 0 && out_->size() < limit; --count) {
      out_->push_back(std::byte{b});
    }
    prev_ = b;
  }
  std::vector<std::byte>* out_;
  uint8_t prev_ = 0;
  bool after_marker_ = false;
};

// The data fork length of a decoded BinHex header and, in *header, the
// header's size; nullopt while the header is incomplete.
std::optional<uint32_t> BinHexDataLength(ByteView decoded, size_t* header) {
  auto name_len = core::Reader::At(decoded, 0, 1);
  if (!name_len) return std::nullopt;
  *header = 1 + size_t(AsU8(*name_len)[0]) + kBinHexHeaderTail;
  auto field = core::Reader::At(decoded, *header - 10, 4);
  if (!field || decoded.size() < *header) return std::nullopt;
  return core::Reader(*field).U32Be();
}

// How many decoded bytes the header and the (capped) data fork need;
// SIZE_MAX while the header is incomplete.
size_t BinHexNeed(ByteView decoded, uint64_t max_size) {
  size_t header = 0;
  std::optional<uint32_t> data_len = BinHexDataLength(decoded, &header);
  if (!data_len) return SIZE_MAX;
  return header + size_t(std::min<uint64_t>(*data_len, max_size + 1));
}

// The 6-bit characters of a BinHex block, fed line by line.
class BinHexText {
 public:
  BinHexText(uint64_t max_size, std::vector<std::byte>* buffer)
      : max_size_(max_size), buffer_(buffer), rle_(buffer) {}

  bool done() const { return closed_ || bad_ || buffer_->size() >= need_; }
  bool bad() const { return bad_; }

  void Feed(std::string_view chars) {
    for (char c : chars) {
      if (done()) return;
      if (c == ':') {
        closed_ = true;
      } else if (c != ' ' && c != '\t') {
        Put(c);
      }
    }
  }

 private:
  void Put(char c) {
    int8_t v = kBinHex[uint8_t(c)];
    if (v < 0) {
      bad_ = true;
      return;
    }
    acc_ = (acc_ << 6) | uint32_t(v);
    bits_ += 6;
    if (bits_ < 8) return;
    bits_ -= 8;
    rle_.Put(uint8_t(acc_ >> bits_), need_);
    acc_ &= (1u << bits_) - 1;
    if (need_ == SIZE_MAX) need_ = BinHexNeed(ByteView(*buffer_), max_size_);
  }

  uint64_t max_size_;
  std::vector<std::byte>* buffer_;
  RunLengthDecoder rle_;
  size_t need_ = SIZE_MAX;
  uint32_t acc_ = 0;
  int bits_ = 0;
  bool closed_ = false;
  bool bad_ = false;
};

// Decodes the block after the start line: blank lines, then ':' at the
// start of a line, the text, and ':'. Sets *data to the data fork. True if
// the text and the fork were whole.
bool ReadBinHexBlock(LineReader* lines, uint64_t max_size,
                     std::vector<std::byte>* buffer, ByteView* data,
                     bool* truncated) {
  BinHexText text(max_size, buffer);
  std::string_view line;
  bool opened = false;
  while (!opened && lines->Next(&line)) {
    if (Trim(line).empty()) continue;
    if (line[0] != ':') break;
    opened = true;
    text.Feed(line.substr(1));
  }
  while (opened && !text.done() && lines->Next(&line)) text.Feed(line);
  ByteView all(buffer->data(), buffer->size());
  size_t header = 0;
  std::optional<uint32_t> data_len = BinHexDataLength(all, &header);
  size_t start = std::min(header, all.size());
  uint64_t want = std::min<uint64_t>(data_len.value_or(0), max_size);
  size_t len = size_t(std::min<uint64_t>(want, all.size() - start));
  *data = all.subspan(start, len);
  *truncated = data_len.value_or(0) > max_size;
  return data_len.has_value() && !text.bad() && len == want;
}

// The file name in a decoded BinHex header.
std::string BinHexName(const std::vector<std::byte>& decoded) {
  ByteView all(decoded.data(), decoded.size());
  auto len = core::Reader::At(all, 0, 1);
  if (!len) return {};
  auto name = core::Reader::At(all, 1, size_t(AsU8(*len)[0]));
  return name ? std::string(AsChars(*name)) : std::string();
}

}  // namespace

void FindEmbeddedFiles(
    ByteView text_bytes, uint64_t max_size, std::vector<std::byte>* buffer,
    const std::function<bool(const EmbeddedFile&)>& on_file) {
  std::string_view text = AsChars(text_bytes);
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    EmbeddedFile file;
    bool base64 = false;
    if (ParseUuBegin(line, &base64, &file.name)) {
      if (base64) {
        file.kind = "base64";
        file.damaged =
            !ReadBase64Block(text, &lines, max_size, buffer, &file.truncated);
      } else {
        file.kind = "uuencode";
        Output out(max_size, buffer);
        file.damaged = !ReadUuBlock(&lines, &out);
        file.truncated = out.truncated();
      }
    } else if (ParseYBegin(line, &file.name)) {
      file.kind = "yEnc";
      Output out(max_size, buffer);
      file.damaged = !ReadYencBlock(&lines, &out);
      file.truncated = out.truncated();
    } else if (IsBinHexStart(line)) {
      file.kind = "BinHex";
      file.damaged = !ReadBinHexBlock(&lines, max_size, buffer, &file.data,
                                      &file.truncated);
      if (file.name.empty()) file.name = BinHexName(*buffer);
      if (!on_file(file)) return;
      continue;
    } else {
      continue;
    }
    file.data = ByteView(buffer->data(), buffer->size());
    if (!on_file(file)) return;
  }
}

}  // namespace vigil::formats::mail

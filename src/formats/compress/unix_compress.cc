// Unix compress (.Z): LZW with variable-width codes.
//
// Header: 1F 9D, then a flags byte: the low 5 bits give the largest code
// width (9..16), 0x80 selects "block mode", in which code 256 (CLEAR) empties
// the dictionary. Codes are packed least significant bit first. The width
// starts at 9 bits and grows by one each time the next free dictionary slot
// no longer fits in the current width, up to the maximum.
//
// The classic quirk: the original compressor writes codes in groups of eight
// (a group of n-bit codes fills exactly n bytes) and, when the width changes
// or after a CLEAR, it pads the current group to its end. The decoder must
// therefore skip to the end of the current group whenever the width grows or
// a CLEAR is read; groups are counted from the byte where the previous skip
// ended (the first one just after the header). A second quirk, of the
// reference decoders: with a 9-bit maximum the width still grows to 10 bits
// when the table fills.
//
// The decoder adds one dictionary entry per code after the first: the
// previous code's string plus the first byte of the current code's string.
// When the current code is the very entry about to be added (the "KwKwK"
// case: the compressor used a string the decoder has not built yet), its
// string is the previous string plus that string's own first byte. Every
// entry's prefix is a smaller code, so expanding a code follows a strictly
// decreasing chain of at most 65536 links.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/reader.h"
#include "formats/compress/compress.h"
#include "formats/compress/member_output.h"

namespace vigil::formats {

namespace {

constexpr uint8_t kMagic0 = 0x1F;
constexpr uint8_t kMagic1 = 0x9D;
constexpr uint8_t kMaxBitsMask = 0x1F;
constexpr uint8_t kBlockMode = 0x80;
constexpr int kMinBits = 9;
constexpr int kMaxBits = 16;
constexpr uint32_t kClear = 256;
constexpr size_t kTableSize = size_t{1} << kMaxBits;

// Reads codes of a given width, least significant bit first, and skips to
// the end of a group of eight codes on request.
class CodeReader {
 public:
  explicit CodeReader(ByteView data) : data_(data) {}

  // The next `bits`-bit code; nullopt once fewer than `bits` bits are left.
  std::optional<uint32_t> Next(int bits) {
    const uint64_t total = uint64_t{data_.size()} * 8;
    if (total - pos_ < static_cast<uint64_t>(bits)) return std::nullopt;
    const size_t byte = static_cast<size_t>(pos_ >> 3);
    // A code of up to 16 bits at any bit offset spans at most 3 bytes.
    const size_t n = std::min<size_t>(3, data_.size() - byte);
    auto chunk = core::Reader::At(data_, byte, n);
    if (!chunk) return std::nullopt;
    uint32_t window = 0;
    for (size_t i = 0; i < n; ++i) {
      window |= static_cast<uint32_t>((*chunk)[i]) << (8 * i);
    }
    const uint32_t code = (window >> (pos_ & 7)) & ((1u << bits) - 1);
    pos_ += static_cast<uint64_t>(bits);
    return code;
  }

  // Moves to the end of the current group of eight `bits`-bit codes.
  void EndGroup(int bits) {
    const uint64_t group = static_cast<uint64_t>(bits) * 8;
    const uint64_t used = pos_ - group_start_;
    const uint64_t end = group_start_ + (used + group - 1) / group * group;
    pos_ = std::min<uint64_t>(end, uint64_t{data_.size()} * 8);
    group_start_ = pos_;
  }

  uint64_t bit_position() const { return pos_; }

 private:
  ByteView data_;
  uint64_t pos_ = 0;          // in bits; never past the end
  uint64_t group_start_ = 0;  // where the current run of groups began
};

class LzwDecoder {
 public:
  LzwDecoder(int max_bits, bool block_mode, CappedOutput& out)
      : max_codes_(uint32_t{1} << max_bits),
        max_bits_(max_bits),
        block_mode_(block_mode),
        prefix_(kTableSize),
        suffix_(kTableSize),
        stack_(kTableSize),
        out_(out) {
    Reset();
  }

  // Decodes `codes` to the output. Returns a note on damage, "" when the
  // stream (or the output's room) simply ended.
  std::string Run(ByteView codes) {
    CodeReader reader(codes);
    while (!out_.full()) {
      if (WidthGrows()) {
        reader.EndGroup(bits_);
        ++bits_;
      }
      const uint64_t at = reader.bit_position();
      std::optional<uint32_t> code = reader.Next(bits_);
      if (!code) return "";
      if (block_mode_ && *code == kClear) {
        reader.EndGroup(bits_);
        Reset();
        continue;
      }
      if (!Step(*code)) {
        return "unix compress: bad code " + std::to_string(*code) + " at bit " +
               std::to_string(at) + " of the data (next free " +
               std::to_string(free_) + ")";
      }
    }
    return "";
  }

 private:
  uint32_t MaxCode() const { return (uint32_t{1} << bits_) - 1; }

  // The next free slot no longer fits the width. With a 9-bit maximum the
  // reference decoders (ncompress's and gzip's) still move to 10 bits once
  // the table is full: their "largest code" becomes the table size only
  // after a width change. We read .Z files as they do. (The -b 9 compressor
  // of ncompress 4.2.4 does not widen, so its larger outputs fail in both.)
  bool WidthGrows() const {
    return free_ > MaxCode() && (bits_ < max_bits_ || bits_ == kMinBits);
  }

  void Reset() {
    bits_ = kMinBits;
    free_ = block_mode_ ? kClear + 1 : kClear;
    previous_.reset();
    for (uint32_t c = 0; c < 256; ++c) suffix_[c] = static_cast<uint8_t>(c);
  }

  // Decodes one (non-CLEAR) code; false when it cannot be valid here.
  bool Step(uint32_t code) {
    if (!previous_) {
      if (code >= 256) return false;
      out_.Put(static_cast<uint8_t>(code));
      previous_ = code;
      return true;
    }
    if (code > free_ || code >= max_codes_) return false;
    uint8_t first = 0;
    if (code == free_) {  // KwKwK
      first = Expand(*previous_);
      out_.Put(first);
    } else {
      first = Expand(code);
    }
    if (free_ < max_codes_) {
      prefix_[free_] = static_cast<uint16_t>(*previous_);
      suffix_[free_] = first;
      ++free_;
    }
    previous_ = code;
    return true;
  }

  // Writes the string of `code` and returns its first byte.
  // REQUIRES: code < free_ (so its prefix chain strictly decreases).
  uint8_t Expand(uint32_t code) {
    size_t top = stack_.size();
    while (code >= 256 && top > 0) {
      stack_[--top] = suffix_[code];
      code = prefix_[code];
    }
    const auto first = static_cast<uint8_t>(code);
    out_.Put(first);
    for (size_t i = top; i < stack_.size() && !out_.full(); ++i) {
      out_.Put(stack_[i]);
    }
    return first;
  }

  const uint32_t max_codes_;
  const int max_bits_;
  const bool block_mode_;
  int bits_ = kMinBits;
  uint32_t free_ = 0;                 // next dictionary slot
  std::optional<uint32_t> previous_;  // last code; none after a CLEAR
  std::vector<uint16_t> prefix_;
  std::vector<uint8_t> suffix_;
  std::vector<uint8_t> stack_;  // one string, built back to front
  CappedOutput& out_;
};

}  // namespace

bool IsUnixCompress(ByteView data) {
  auto magic = core::Reader::At(data, 0, 2);
  return magic && static_cast<uint8_t>((*magic)[0]) == kMagic0 &&
         static_cast<uint8_t>((*magic)[1]) == kMagic1;
}

ExtractResult ExtractUnixCompress(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  ExtractResult result;
  core::Reader reader(data);
  if (!IsUnixCompress(data) || !reader.Skip(2)) {
    result.notes.push_back("unix compress: bad magic");
    return result;
  }
  std::optional<uint8_t> flags = reader.U8();
  if (!flags) {
    result.notes.push_back("unix compress: truncated header");
    return result;
  }
  const int max_bits = *flags & kMaxBitsMask;
  if (max_bits < kMinBits || max_bits > kMaxBits) {
    result.notes.push_back("unix compress: unsupported maximum code width " +
                           std::to_string(max_bits));
    return result;
  }
  CappedOutput out(limits.max_member_size);
  LzwDecoder decoder(max_bits, (*flags & kBlockMode) != 0, out);
  std::string note = decoder.Run(data.subspan(reader.position()));
  if (!note.empty()) result.notes.push_back(std::move(note));
  EmitMember(out, 0, limits, on_member, result);
  return result;
}

}  // namespace vigil::formats

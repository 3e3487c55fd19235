// Microsoft SZDD (the format of COMPRESS.EXE, read by EXPAND.EXE): LZSS.
//
// Header (14 bytes): "SZDD" 88 F0 27 33, the mode byte 'A', the character
// the file name lost (the name's last character was replaced by '_'), and
// the uncompressed length, 32-bit little endian.
//
// The body is a series of blocks: one flag byte, read least significant bit
// first, then eight items: a 1 bit is a literal byte, a 0 bit a two-byte
// reference b0 b1 into a 4096-byte ring buffer, at offset
// b0 | (b1 & 0xF0) << 4, of length (b1 & 0x0F) + 3. The ring starts filled
// with spaces and is written from 4096 - 16 on; every output byte (literal or
// copied) goes into it, copied bytes one at a time so that a reference may
// overlap the bytes it produces. The stream ends where the input does.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/reader.h"
#include "formats/compress/compress.h"
#include "formats/compress/member_output.h"

namespace vigil::formats {

namespace {

constexpr std::array<uint8_t, 8> kMagic = {'S',  'Z',  'D',  'D',
                                           0x88, 0xF0, 0x27, 0x33};
constexpr uint8_t kModeA = 'A';
constexpr size_t kWindowSize = 4096;
constexpr size_t kWindowMask = kWindowSize - 1;
constexpr size_t kWindowStart = kWindowSize - 16;
constexpr uint8_t kWindowFill = 0x20;

class LzssDecoder {
 public:
  explicit LzssDecoder(CappedOutput& out) : out_(out) {
    window_.fill(kWindowFill);
  }

  // Decodes the body to the output. Returns a note on damage, "" when the
  // stream (or the output's room) ended cleanly.
  std::string Run(core::Reader& in) {
    while (!out_.full()) {
      std::optional<uint8_t> flags = in.U8();
      if (!flags) return "";
      for (int bit = 0; bit < 8 && !out_.full(); ++bit) {
        if (in.AtEnd()) return "";
        if ((*flags >> bit) & 1) {
          Emit(*in.U8());
          continue;
        }
        std::optional<uint16_t> ref = in.U16Le();
        if (!ref) return "szdd: stream ends inside a back-reference";
        Copy(*ref);
      }
    }
    return "";
  }

 private:
  void Emit(uint8_t b) {
    out_.Put(b);
    window_[pos_] = b;
    pos_ = (pos_ + 1) & kWindowMask;
  }

  // `ref` is b0 | b1 << 8 as read little endian.
  void Copy(uint16_t ref) {
    const size_t offset = (ref & 0xFFu) | ((ref >> 4) & 0xF00u);
    const size_t length = ((ref >> 8) & 0x0Fu) + 3;
    for (size_t i = 0; i < length; ++i) {
      Emit(window_[(offset + i) & kWindowMask]);
    }
  }

  std::array<uint8_t, kWindowSize> window_;
  size_t pos_ = kWindowStart;
  CappedOutput& out_;
};

}  // namespace

bool IsSzdd(ByteView data) {
  auto magic = core::Reader::At(data, 0, kMagic.size());
  if (!magic) return false;
  for (size_t i = 0; i < kMagic.size(); ++i) {
    if (static_cast<uint8_t>((*magic)[i]) != kMagic[i]) return false;
  }
  return true;
}

ExtractResult ExtractSzdd(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member) {
  ExtractResult result;
  core::Reader in(data);
  if (!IsSzdd(data) || !in.Skip(kMagic.size())) {
    result.notes.push_back("szdd: bad magic");
    return result;
  }
  std::optional<uint8_t> mode = in.U8();
  std::optional<uint8_t> missing_char = in.U8();
  std::optional<uint32_t> length = in.U32Le();
  if (!mode || !missing_char || !length) {
    result.notes.push_back("szdd: truncated header");
    return result;
  }
  if (*mode != kModeA) {
    result.notes.push_back("szdd: unknown compression mode " +
                           std::to_string(*mode));
    return result;
  }
  CappedOutput out(limits.max_member_size);
  LzssDecoder decoder(out);
  std::string note = decoder.Run(in);
  if (!note.empty()) result.notes.push_back(std::move(note));
  if (!out.full() && out.size() != *length) {
    result.notes.push_back("szdd: header declares " + std::to_string(*length) +
                           " bytes, stream holds " +
                           std::to_string(out.size()));
  }
  EmitMember(out, *length, limits, on_member, result);
  return result;
}

}  // namespace vigil::formats

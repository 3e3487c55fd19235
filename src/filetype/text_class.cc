#include "filetype/text_class.h"

#include <algorithm>
#include <array>

#include "core/reader.h"

namespace vigil::filetype::internal {
namespace {

constexpr std::array<bool, 256> MakeTextBytes() {
  std::array<bool, 256> text{};
  for (unsigned b = 0x20; b < 0x7f; ++b) text[b] = true;
  for (unsigned b = 0x80; b < 0x100; ++b) text[b] = true;
  for (unsigned b : {0x07u, 0x08u, 0x09u, 0x0au, 0x0cu, 0x0du, 0x1bu})
    text[b] = true;
  return text;
}
constexpr std::array<bool, 256> kTextBytes = MakeTextBytes();

bool IsAscii(ByteView window) {
  const uint8_t* p = AsU8(window);
  return std::all_of(p, p + window.size(),
                     [](uint8_t b) { return kTextBytes[b]; });
}

// The first unit is skipped: it is where a byte-order mark would be.
bool LooksUtf16Be(ByteView window) {
  core::Reader r(window);
  if (!r.Skip(2)) return false;
  while (auto unit = r.U16Be()) {
    if (*unit < 0x80 && !kTextBytes[*unit]) return false;
  }
  return true;
}

// Octal number of the tar checksum field: leading spaces, digits, then a
// space-like byte, NUL or the end of the field.
std::optional<uint32_t> ParseChecksum(ByteView field) {
  const uint8_t* p = AsU8(field);
  size_t i = 0;
  while (i < field.size() && p[i] == ' ') ++i;
  size_t first_digit = i;
  uint32_t value = 0;
  for (; i < field.size() && p[i] >= '0' && p[i] <= '7'; ++i) {
    value = value * 8 + static_cast<uint32_t>(p[i] - '0');
  }
  if (i == first_digit) return std::nullopt;
  if (i < field.size() && p[i] != 0 && p[i] != ' ' &&
      (p[i] < '\t' || p[i] > '\r')) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

bool IsTextByte(uint8_t b) { return kTextBytes[b]; }

FileType ClassifyText(ByteView window) {
  if (IsAscii(window)) return FileType::kTextAscii;
  const uint8_t* p = AsU8(window);
  if (window.size() >= 2 && p[0] == 0xff && p[1] == 0xfe)
    return FileType::kTextUtf16Le;
  if (window.size() >= 2 && p[0] == 0xfe && p[1] == 0xff)
    return FileType::kTextUtf16Be;
  if (LooksUtf16Be(window)) return FileType::kTextUtf16Be;
  return FileType::kBinaryData;
}

bool IsOldTarHeader(ByteView data) {
  constexpr size_t kHeader = 512, kChecksumAt = 148, kChecksumLen = 8;
  auto header = core::Reader::At(data, 0, kHeader);
  if (!header) return false;
  auto stored = ParseChecksum(header->subspan(kChecksumAt, kChecksumLen));
  if (!stored) return false;
  uint32_t sum = 0;
  const uint8_t* p = AsU8(*header);
  for (size_t i = 0; i < kHeader; ++i) {
    bool in_field = i >= kChecksumAt && i < kChecksumAt + kChecksumLen;
    sum += in_field ? uint32_t{' '} : p[i];
  }
  return sum == *stored;
}

std::vector<std::byte> SqueezeUtf16(ByteView data, bool big_endian) {
  std::vector<std::byte> out;
  out.reserve(data.size() / 2);
  core::Reader r(data);
  while (auto unit = big_endian ? r.U16Be() : r.U16Le()) {
    unsigned low = *unit & 0xffu, high = *unit >> 8;
    out.push_back(static_cast<std::byte>((low + (high << 4)) & 0xffu));
  }
  return out;
}

}  // namespace vigil::filetype::internal

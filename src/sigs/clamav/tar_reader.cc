// POSIX ustar and old-style (v7) headers: name at 0 (100 bytes), size at
// 124 (12 octal digits), checksum at 148 (8), type at 156, "ustar" magic at
// 257 and a name prefix at 345 (155). Only regular files ('0' or NUL) are
// returned; directories, links and GNU/pax extension records are skipped
// (ClamAV's own containers never hold them).
#include "sigs/clamav/tar_reader.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/reader.h"

namespace vigil::sigs::clamav {

namespace {

constexpr size_t kBlock = 512;

std::string_view Field(ByteView block, size_t offset, size_t size) {
  std::string_view s = AsChars(block.subspan(offset, size));
  return s.substr(0, s.find('\0'));
}

// Octal number, space/NUL padded.
std::optional<uint64_t> Octal(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  uint64_t v = 0;
  size_t digits = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '7'; ++i, ++digits) {
    if (v > (UINT64_MAX >> 3)) return std::nullopt;
    v = v << 3 | static_cast<uint64_t>(s[i] - '0');
  }
  for (; i < s.size(); ++i) {
    if (s[i] != ' ') return std::nullopt;
  }
  if (digits == 0) return std::nullopt;
  return v;
}

bool ChecksumMatches(ByteView block) {
  std::optional<uint64_t> stored = Octal(Field(block, 148, 8));
  if (!stored) return false;
  uint64_t sum = 0;
  const uint8_t* b = AsU8(block);
  for (size_t i = 0; i < kBlock; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : b[i];
  }
  return sum == *stored;
}

bool IsZeroBlock(ByteView block) {
  const uint8_t* b = AsU8(block);
  return std::all_of(b, b + kBlock, [](uint8_t x) { return x == 0; });
}

ParseStatus Corrupt(std::string message) {
  return ParseStatus::Error(DiagCode::kCvdTar, nullptr, std::move(message));
}

std::string MemberName(ByteView header) {
  std::string name(Field(header, 0, 100));
  if (Field(header, 257, 5) == "ustar") {
    std::string_view prefix = Field(header, 345, 155);
    if (!prefix.empty()) name = std::string(prefix) + "/" + name;
  }
  return name;
}

}  // namespace

ParseStatus ReadTar(ByteView archive, std::vector<TarMember>* members) {
  core::Reader r(archive);
  while (!r.AtEnd()) {
    size_t at = r.position();
    if (r.remaining() < kBlock) {
      return Corrupt("truncated tar header at offset " + std::to_string(at));
    }
    ByteView header = *r.Bytes(kBlock);
    if (IsZeroBlock(header)) break;
    if (!ChecksumMatches(header)) {
      return Corrupt("bad tar header checksum at offset " + std::to_string(at));
    }
    std::optional<uint64_t> size = Octal(Field(header, 124, 12));
    if (!size || *size > r.remaining()) {
      return Corrupt("tar member at offset " + std::to_string(at) +
                     " has a bad or truncated size");
    }
    ByteView data = *r.Bytes(static_cast<size_t>(*size));
    size_t pad = (kBlock - *size % kBlock) % kBlock;
    r.Skip(std::min(pad, r.remaining()));
    char type = static_cast<char>(AsU8(header)[156]);
    if (type == '0' || type == '\0') {
      members->push_back({MemberName(header), data});
    }
  }
  return ParseStatus::Ok();
}

}  // namespace vigil::sigs::clamav

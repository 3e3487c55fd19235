// Small helpers to build test inputs.
#ifndef VIGIL_TESTS_UNIT_FILETYPE_TEST_BYTES_H_
#define VIGIL_TESTS_UNIT_FILETYPE_TEST_BYTES_H_

#include <ostream>
#include <string>
#include <string_view>

#include "filetype/filetype.h"
#include "vigil/bytes.h"

namespace vigil::filetype {
// gtest prints FileType values by name.
inline void PrintTo(FileType t, std::ostream* os) { *os << ClamAvName(t); }
}  // namespace vigil::filetype

namespace vigil::testing {

inline ByteView View(const std::string& s) { return AsBytes(s); }

// `n` copies of `c`.
inline std::string Fill(size_t n, char c) { return std::string(n, c); }

// Bytes from a hex string ("4d5a").
inline std::string Hex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
  };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

// `base` with `part` written over it at `offset` (growing it if needed).
inline std::string Put(std::string base, size_t offset, std::string_view part) {
  if (base.size() < offset + part.size())
    base.resize(offset + part.size(), '\0');
  base.replace(offset, part.size(), part);
  return base;
}

// ASCII text as UTF-16 little or big endian code units.
inline std::string Utf16(std::string_view ascii, bool big_endian) {
  std::string out;
  for (char c : ascii) {
    if (big_endian) out.push_back('\0');
    out.push_back(c);
    if (!big_endian) out.push_back('\0');
  }
  return out;
}

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_UNIT_FILETYPE_TEST_BYTES_H_

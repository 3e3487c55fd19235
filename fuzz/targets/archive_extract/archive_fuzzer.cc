// Fuzzes archive extraction: every member is read to its end under small
// limits; names must be plain data.
#include <cstddef>
#include <cstdint>

#include "formats/archive/archive.h"
#include "support/extract_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  vigil::fuzz::ReadEveryMember(vigil::formats::ExtractArchive, bytes, 1 << 20,
                               64);
  return 0;
}

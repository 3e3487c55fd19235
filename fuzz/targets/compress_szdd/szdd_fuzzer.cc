// Fuzzes SZDD decoding under a small output limit: the member is read to
// its end and must never exceed the limit.
#include <cstddef>
#include <cstdint>

#include "formats/compress/compress.h"
#include "support/extract_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)vigil::formats::IsSzdd(bytes);
  vigil::fuzz::ReadEveryMember(vigil::formats::ExtractSzdd, bytes, 1 << 20,
                               vigil::formats::ExtractLimits{}.max_members);
  return 0;
}

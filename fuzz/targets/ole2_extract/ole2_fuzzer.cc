// Fuzzes OLE2 compound file extraction: every stream and VBA module is read
// to its end under small limits.
#include <cstddef>
#include <cstdint>

#include "formats/ole2/ole2.h"
#include "support/extract_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)vigil::formats::IsOle2(bytes);
  vigil::fuzz::ReadEveryMember(vigil::formats::ExtractOle2, bytes, 1 << 16,
                               256);
  return 0;
}

// Fuzzes ARJ extraction under small limits: every member must respect the
// size limit, and an encrypted member must come without data.
#include <cstddef>
#include <cstdint>

#include "formats/arj/arj.h"
#include "support/extract_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)vigil::formats::IsArj(bytes);
  vigil::fuzz::ReadEveryMember(vigil::formats::ExtractArj, bytes, 1 << 20, 64);
  return 0;
}

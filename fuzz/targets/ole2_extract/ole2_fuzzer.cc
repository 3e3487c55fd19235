// Fuzzes OLE2 compound file extraction: every stream and VBA module is read
// to its end under small limits.
#include <cstddef>
#include <cstdint>

#include "formats/ole2/ole2.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  vigil::formats::ExtractLimits limits;
  limits.max_member_size = 1 << 16;
  limits.max_members = 256;
  volatile uint8_t sink = vigil::formats::IsOle2(bytes) ? 1 : 0;
  vigil::formats::ExtractOle2(bytes, limits,
                              [&](const vigil::formats::ArchiveMember& m) {
                                for (std::byte b : m.data)
                                  sink = sink ^ static_cast<uint8_t>(b);
                                for (char c : m.name)
                                  sink = sink ^ static_cast<uint8_t>(c);
                                return true;
                              });
  return 0;
}

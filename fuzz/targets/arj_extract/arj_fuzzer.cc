// Fuzzes ARJ extraction under small limits: every member must respect the
// size limit, and an encrypted member must come without data.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "formats/arj/arj.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigil::formats::ExtractLimits limits;
  limits.max_member_size = 1 << 20;
  limits.max_members = 64;
  volatile uint8_t sink = 0;
  const vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)vigil::formats::IsArj(bytes);
  vigil::formats::ExtractArj(bytes, limits,
                             [&](const vigil::formats::ArchiveMember& m) {
                               if (m.data.size() > limits.max_member_size)
                                 std::abort();
                               if (m.encrypted && !m.data.empty()) std::abort();
                               for (std::byte b : m.data)
                                 sink = sink ^ static_cast<uint8_t>(b);
                               return true;
                             });
  return 0;
}

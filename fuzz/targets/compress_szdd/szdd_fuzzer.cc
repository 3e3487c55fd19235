// Fuzzes SZDD decoding under a small output limit: the member is read to
// its end and must never exceed the limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "formats/compress/compress.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigil::formats::ExtractLimits limits;
  limits.max_member_size = 1 << 20;
  volatile uint8_t sink = 0;
  vigil::formats::ExtractSzdd(
      vigil::ByteView(reinterpret_cast<const std::byte*>(data), size), limits,
      [&](const vigil::formats::ArchiveMember& m) {
        if (m.data.size() > limits.max_member_size) std::abort();
        for (std::byte b : m.data) sink = sink ^ static_cast<uint8_t>(b);
        return true;
      });
  return 0;
}

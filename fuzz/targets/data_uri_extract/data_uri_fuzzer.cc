// Fuzzes the data: URI reader: every payload is read to its end.
#include <cstddef>
#include <cstdint>

#include "formats/mail/data_uri.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigil::formats::ExtractLimits limits;
  limits.max_member_size = 1 << 20;
  limits.max_members = 64;
  volatile uint8_t sink = 0;
  vigil::formats::ExtractDataUris(
      vigil::ByteView(reinterpret_cast<const std::byte*>(data), size), limits,
      [&](const vigil::formats::ArchiveMember& m) {
        for (std::byte b : m.data) sink = sink ^ static_cast<uint8_t>(b);
        return true;
      });
  return 0;
}

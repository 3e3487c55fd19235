// Fuzzes PDF extraction: every child is read to its end under small limits,
// and IsPdf runs on the same input.
#include <cstddef>
#include <cstdint>

#include "formats/pdf/pdf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  vigil::formats::ExtractLimits limits;
  limits.max_member_size = 1 << 16;
  limits.max_members = 256;
  volatile uint8_t sink = vigil::formats::IsPdf(bytes) ? 1 : 0;
  vigil::formats::ExtractPdf(bytes, limits,
                             [&](const vigil::formats::ArchiveMember& m) {
                               for (std::byte b : m.data)
                                 sink = sink ^ static_cast<uint8_t>(b);
                               for (char c : m.name)
                                 sink = sink ^ static_cast<uint8_t>(c);
                               return true;
                             });
  return 0;
}

// Fuzzes the data: URI reader: every payload is read to its end.
#include <cstddef>
#include <cstdint>

#include "formats/mail/data_uri.h"
#include "support/extract_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)vigil::formats::HasDataUri(bytes);
  vigil::fuzz::ReadEveryMember(vigil::formats::ExtractDataUris, bytes, 1 << 20,
                               64);
  return 0;
}

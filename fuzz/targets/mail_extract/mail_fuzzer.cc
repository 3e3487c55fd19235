// Fuzzes mail extraction: every part is read to its end under small limits,
// and LooksLikeMail runs on the same input.
#include <cstddef>
#include <cstdint>

#include "formats/mail/mail.h"
#include "support/extract_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)vigil::formats::LooksLikeMail(bytes);
  vigil::fuzz::ReadEveryMember(vigil::formats::ExtractMail, bytes, 1 << 16,
                               256);
  return 0;
}

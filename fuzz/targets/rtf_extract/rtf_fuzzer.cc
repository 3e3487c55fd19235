// Fuzzes RTF object extraction under small limits: every member must
// respect the size limit. The seeds hold OLE1 Package and Word.Document.8
// objects, \bin runs and deep nesting, so mutations reach the OLE1 readers.
#include <cstddef>
#include <cstdint>

#include "formats/rtf/rtf.h"
#include "support/extract_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)vigil::formats::IsRtf(bytes);
  vigil::fuzz::ReadEveryMember(vigil::formats::ExtractRtf, bytes, 1 << 20, 64);
  return 0;
}

// Fuzzes CHM extraction under small limits: every member must respect the
// size limit. libmspack itself is the Debian build, not instrumented: the
// sanitizers watch vigil's side of it (the in-memory mspack_system, the
// checks made before libmspack is called) and libFuzzer's timeouts and
// memory limit watch libmspack's work.
#include <cstddef>
#include <cstdint>

#include "formats/chm/chm.h"
#include "support/extract_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const vigil::ByteView bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)vigil::formats::IsChm(bytes);
  vigil::fuzz::ReadEveryMember(vigil::formats::ExtractChm, bytes, 1 << 20, 64);
  return 0;
}

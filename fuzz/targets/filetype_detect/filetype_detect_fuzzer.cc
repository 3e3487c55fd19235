// Fuzzes file typing: Detect on the input, the raw-scan retyping over all
// of it, and the pass table of whatever type comes out.
#include <cstddef>
#include <cstdint>

#include "filetype/filetype.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil::filetype;
  vigil::ByteView in(reinterpret_cast<const std::byte*>(data), size);
  FileType type = Detect(in);
  FileType retyped = RetypeAfterRawScan(type, in);
  volatile size_t sink = ClamAvName(type).size() +
                         PassesAfterRetype(type, retyped).size() +
                         TargetType(retyped);
  (void)sink;
  return 0;
}

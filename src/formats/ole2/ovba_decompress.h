// MS-OVBA 2.4.1 decompression (internal header of src/formats/ole2).
#ifndef VIGIL_FORMATS_OLE2_OVBA_DECOMPRESS_H_
#define VIGIL_FORMATS_OLE2_OVBA_DECOMPRESS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::formats::ole2 {

struct OvbaOutput {
  std::vector<std::byte> bytes;  // at most the caller's cap
  bool truncated = false;        // more output was due past the cap
  std::string error;             // empty, or why decoding stopped early
};

// Decompresses the CompressedContainer `in` (signature byte 0x01, then
// chunks). Output stops at `cap` bytes. Damage stops decoding with `error`
// set; the bytes decoded before it are kept. Work is linear in the output.
// Tested by tests/unit/formats/ole2/ole2_test.cc.
OvbaOutput DecompressOvba(ByteView in, uint64_t cap);

}  // namespace vigil::formats::ole2

#endif  // VIGIL_FORMATS_OLE2_OVBA_DECOMPRESS_H_

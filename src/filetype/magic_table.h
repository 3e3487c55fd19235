// The built-in type table: magic bytes at fixed offsets, and type markers
// (ClamAV body-signature patterns) looked for near the start of an object.
//
// It is the table ClamAV 1.4.6 runs with (its built-in .ftm definitions at
// functionality level 216), checked entry by entry against clamscan: each
// entry's magic was written into a file padded with NULs and with text, and
// clamscan's --gen-json FileType compared (docs/file-types.md, "Detection").
#ifndef VIGIL_FILETYPE_MAGIC_TABLE_H_
#define VIGIL_FILETYPE_MAGIC_TABLE_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "filetype/filetype.h"

namespace vigil::filetype::internal {

// Bytes `hex` at `offset` (.ftm magic type 0). Where two match, the later
// entry wins (one case: "[aliases]", a mIRC script and a tar exploit).
struct Magic {
  uint16_t offset;
  std::string_view hex;
  FileType type;
};

// Where a marker may start (.ftm magic type 1 offsets).
enum class Anchor : uint8_t {
  kAnywhere,  // "*"
  kAt,        // "n": exactly at offset n
  kWithin,    // "n,m": at n .. n+m
  kEofMinus,  // "EOF-n": exactly n bytes before the end
};

// A body-signature pattern that marks a type (.ftm magic type 1).
struct Marker {
  Anchor anchor;
  uint32_t offset;
  uint32_t shift;  // kWithin only
  std::string_view pattern;
  FileType type;
};

std::span<const Magic> Magics();
std::span<const Marker> Markers();
// Python byte-code magics, each a Magic at offset 0 of kPythonCompiled.
std::span<const std::string_view> PythonVersionMagics();

}  // namespace vigil::filetype::internal

#endif  // VIGIL_FILETYPE_MAGIC_TABLE_H_

// The text/binary heuristics ClamAV applies when no magic matched.
//
// Observed on clamscan 1.4.6 (docs/file-types.md, "Text classes"):
// - ASCII: every byte of the window is a text byte: BEL BS HT LF FF CR ESC,
//   0x20..0x7e, or any byte >= 0x80 (so UTF-8 and Latin-1 are "ASCII").
// - Otherwise a byte-order mark makes it UTF-16 (FF FE little endian,
//   FE FF big endian) whatever follows.
// - Otherwise it is UTF-16BE when every big-endian 16-bit unit after the
//   first one is >= 0x80 or a text byte; a single odd trailing byte is
//   ignored. This accepts most binary data without NULs in even positions.
// - Otherwise binary data. CL_TYPE_TEXT_UTF8 is never produced.
//
// Tested by tests/unit/filetype/text_class_test.cc.
#ifndef VIGIL_FILETYPE_TEXT_CLASS_H_
#define VIGIL_FILETYPE_TEXT_CLASS_H_

#include <cstdint>
#include <vector>

#include "filetype/filetype.h"

namespace vigil::filetype::internal {

bool IsTextByte(uint8_t b);

// kTextAscii, kTextUtf16Le, kTextUtf16Be or kBinaryData for `window`.
FileType ClassifyText(ByteView window);

// A pre-POSIX tar header: 512 bytes whose checksum field (octal, at 148)
// equals the unsigned byte sum of the header with that field as spaces.
bool IsOldTarHeader(ByteView data);

// UTF-16 text squeezed to one byte per 16-bit unit, the way ClamAV
// prepares it for HTML markers: low + (high << 4), mod 256. Units are read
// big endian only after an FE FF byte-order mark. Odd trailing byte dropped.
std::vector<std::byte> SqueezeUtf16(ByteView data, bool big_endian);

}  // namespace vigil::filetype::internal

#endif  // VIGIL_FILETYPE_TEXT_CLASS_H_

// The VBA project "dir" stream ([MS-OVBA] 2.3.4.2): which module lives in
// which stream, and where its compressed source starts (internal header of
// src/formats/ole2).
#ifndef VIGIL_FORMATS_OLE2_VBA_H_
#define VIGIL_FORMATS_OLE2_VBA_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "formats/ole2/notes.h"
#include "vigil/bytes.h"

namespace vigil::formats::ole2 {

struct VbaModule {
  std::string name;          // MODULENAMEUNICODE, else MODULENAME (UTF-8)
  std::string stream_name;   // MODULESTREAMNAME, Unicode form preferred
  uint32_t text_offset = 0;  // MODULEOFFSET: start of the compressed source
};

// Parses the decompressed dir stream. Records are walked once, in order; a
// truncated record ends the walk with a note. At most `max_modules` modules.
std::vector<VbaModule> ParseVbaDir(ByteView dir, uint32_t max_modules,
                                   NoteList& notes);

// Where a module stream's compressed source really starts when MODULEOFFSET
// does not point at it (a damaged or tampered dir stream): the first
// CompressedContainer whose first chunk begins with "Attribut" - a module's
// source always starts "Attribute VB_Name", and the first eight tokens of a
// compressed chunk are literals (flag byte 0x00); a raw chunk holds the
// text as it is. The search starts at `from` and reads nothing outside
// `stream`.
std::optional<size_t> FindModuleSource(ByteView stream, size_t from = 0);

// UTF-16LE to UTF-8, control characters (and unpaired surrogates) replaced
// by '_' (U+FFFD for surrogates). Shared with the directory reader.
std::string Utf16ToName(ByteView utf16le);

// Bytes of a code-page string as a name: ASCII kept, control characters
// replaced by '_', other bytes read as Latin-1.
std::string BytesToName(ByteView bytes);

}  // namespace vigil::formats::ole2

#endif  // VIGIL_FORMATS_OLE2_VBA_H_

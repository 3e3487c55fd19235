// OOXML typing of zip archives (ooxml.cc).
#ifndef VIGIL_FILETYPE_OOXML_H_
#define VIGIL_FILETYPE_OOXML_H_

#include "filetype/filetype.h"
#include "vigil/bytes.h"

namespace vigil::filetype::internal {

// kOoxmlWord, kOoxmlXl, kOoxmlPpt or kOoxmlHwp when ClamAV would type the
// zip `data` so, else kZip.
FileType RefineZip(ByteView data);

}  // namespace vigil::filetype::internal

#endif  // VIGIL_FILETYPE_OOXML_H_

// RTF documents: the OLE objects embedded in them, read by vigil's own code.
//
// An embedded object is a group {\object ... {\*\objdata HEX}}: the
// \objdata destination holds the object as hex digits (whitespace and
// other junk between them ignored, as Word does) and \binN raw runs. Each
// \objdata inside an \object group is decoded and given as children:
//   - an OLE1 object of class "Package" (Object Packager): the packaged
//     file, named by its label (else its source path's last part);
//   - any other embedded OLE1 object: its native data (for
//     Word.Document.8 and most others an OLE2 compound file, which the
//     scanner opens one layer deeper), named objdataN; but native data
//     that is Package data to the last field gives the packaged file
//     whatever the class (ClamAV reads any non-OLE2 native data so);
//   - bytes without an OLE1 header: as they are, named objdataN;
//   - linked objects and presentation-only data: nothing.
// N counts the \objdata destinations of the document from 0. Everything
// else in the document (text, pictures, \datastore) is not a child: ClamAV
// does not extract those either. docs/rtf.md has the details.
// Tested by tests/unit/formats/rtf/rtf_test.cc; fuzzed by
// fuzz/targets/rtf_extract.
#ifndef VIGIL_FORMATS_RTF_RTF_H_
#define VIGIL_FORMATS_RTF_RTF_H_

#include <functional>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

// True when `data` starts with "{\rt", the prefix Word itself checks (and
// ClamAV's magic for CL_TYPE_RTF).
bool IsRtf(ByteView data);

// Calls `on_member` for each embedded object of the RTF document `data`,
// in document order. Damage (unbalanced braces, a cut \objdata, OLE1
// sizes past the data) gives notes in result.notes and the bytes that
// were there. Groups nest without bound in the input but not on the
// stack: past 4096 distinct nested states a group's content is skipped
// (noted). Members hold at most limits.max_member_size bytes; after
// limits.max_members the walk stops. `on_member` returns false to stop.
ExtractResult ExtractRtf(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_RTF_RTF_H_

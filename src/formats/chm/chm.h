// Microsoft Compiled HTML Help files (.chm, "ITSF"), read with libmspack
// (Debian libmspack-dev, the library ClamAV reads CHM with).
//
// A CHM holds a directory of files in two sections: section 0 stores them
// as they are, section 1 ("MSCompressed") as one LZX stream. Every file of
// the directory comes out as a member, named by its CHM path ("/index.htm",
// control characters as '_'), except libmspack's own machinery: the
// ::DataSpace files that describe section 1 (NameList, Content,
// ControlData, SpanInfo, Transform/List, the reset table). Other "::" files
// and the "#"/"$" files the HTML Help compiler writes (#SYSTEM, $FIftiMain,
// ...) are members like any other. Section-0 members are views of `data`;
// section-1 members are decoded in memory through libmspack, by an
// mspack_system over memory (src/formats/chm/mspack_memory.h): nothing
// touches the disk. docs/chm.md says what is read, in which order, and how
// libmspack's work is bounded.
// Tested by tests/unit/formats/chm/chm_test.cc; fuzzed by
// fuzz/targets/chm_extract.
#ifndef VIGIL_FORMATS_CHM_CHM_H_
#define VIGIL_FORMATS_CHM_CHM_H_

#include <functional>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

// True when `data` starts with an ITSF header: the magic and the two GUIDs
// libmspack checks.
bool IsChm(ByteView data);

// Calls `on_member` for each file of the CHM `data`: section 0 in directory
// order, then section 1 in the order of its offsets (so the LZX stream is
// decoded once, front to back). `on_member` returns false to stop early;
// member data is valid only during the callback.
// - A member larger than limits.max_member_size is decoded up to that size
//   only and passed with truncated = true (hit_size_limit).
// - After limits.max_members members the rest are skipped
//   (hit_member_limit).
// - Section 1 is decoded up to offset 1 GiB at most, and the LZX work for
//   one CHM (bytes decoded, counting restarts) to twice
//   limits.max_member_size (at least 1 MiB, at most 1 GiB): a member past
//   either bound is passed with truncated = true and no data, and a note.
// - Damage (directory, lengths, LZX data) gives notes and whatever could
//   be read. Thread-safe (no shared state).
ExtractResult ExtractChm(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_CHM_CHM_H_

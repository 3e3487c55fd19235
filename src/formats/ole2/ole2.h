// OLE2 compound files ([MS-CFB]) and the VBA macro source they carry
// ([MS-OVBA]): every stream comes out as a child, as an archive's members do.
//
// Read: the header (sector shift 9 or 12, mini sector shift 6), the DIFAT
// (109 header entries and the DIFAT sector chain), the FAT, the MiniFAT and
// the mini stream, and the directory's red-black trees, walked with an
// explicit stack and a visited set (a directory cycle is noted and cut).
// For each "VBA" storage holding a "dir" stream, the dir stream is
// decompressed and its module records give each module's stream and source
// offset; the decompressed source of each module is one more child.
// docs/ole2.md describes names, limits and what is not supported.
//
// Work is bounded by the file: every chain walk stops at its end, at a sector
// outside the file or at a sector it already visited, and every declared
// stream size is clamped to the bytes the file can hold.
// Tested by tests/unit/formats/ole2/ole2_test.cc; fuzzed by
// fuzz/targets/ole2_extract.
#ifndef VIGIL_FORMATS_OLE2_OLE2_H_
#define VIGIL_FORMATS_OLE2_OLE2_H_

#include <functional>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

// True when `data` starts with the compound file signature
// D0 CF 11 E0 A1 B1 1A E1. The rest of the header is checked by ExtractOle2.
bool IsOle2(ByteView data);

// Calls `on_member` for each stream of the compound file `data` (named by its
// path of storage names joined with '/', control characters replaced by
// '_'), then for each VBA module's decompressed source (named
// "<VBA storage path>/<ModuleName>.vba"). `on_member` returns false to stop
// early; member data is valid only during the callback. Each child holds at
// most limits.max_member_size bytes (then truncated, hit_size_limit); after
// limits.max_members children the rest are skipped (hit_member_limit).
// Damage gives notes and whatever could be read. Thread-safe (no shared
// state).
ExtractResult ExtractOle2(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_OLE2_OLE2_H_

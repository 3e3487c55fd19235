// ARJ archives, read by vigil's own code (no external library).
//
// An archive is a main header followed by one local header per member, each
// followed by the member's data; a header with size 0 ends it. Members come
// out one at a time, decoded in memory (nothing is written to disk), each no
// larger than limits.max_member_size. Methods: 0 (stored), 1-3 (LZ77 with
// Huffman-coded blocks) and 4 (LZ77 with unary-prefix codes). Every member's
// CRC-32 is checked; a mismatch is noted and the data still passed on.
// Member names are data for reports only: they never become paths.
// Tested by tests/unit/formats/arj/arj_test.cc; fuzzed by
// fuzz/targets/arj_extract.
#ifndef VIGIL_FORMATS_ARJ_ARJ_H_
#define VIGIL_FORMATS_ARJ_ARJ_H_

#include <functional>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

// True when `data` starts with an ARJ header: 60 EA, a plausible basic
// header size (1..2600) and a matching header CRC-32.
bool IsArj(ByteView data);

// Calls `on_member` for each regular file of the archive (directories,
// labels and chapters are skipped). Encrypted ("garbled") members are passed
// with encrypted = true and no data. Damage stops the walk with a note in
// result.notes; members read before it were already passed on, and a member
// whose data is damaged is passed with what could be decoded. `on_member`
// returns false to stop early.
ExtractResult ExtractArj(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_ARJ_ARJ_H_

// Single-stream decompressors written for vigil: Unix compress (.Z, LZW) and
// Microsoft SZDD (COMPRESS.EXE / EXPAND.EXE, LZSS).
//
// Each stream holds exactly one member, handed to the caller as a whole in
// memory. Input is untrusted: every read is bounds-checked, the output is
// capped by ExtractLimits::max_member_size (decompression bombs stop there)
// and the decoder's own tables have a fixed size, so memory is bounded by
// max_member_size plus a few hundred kilobytes. Damage stops decoding with a
// note; what was decoded before it is still passed on.
// Tested by tests/unit/formats/compress/compress_test.cc; fuzzed by
// fuzz/targets/compress_unix and fuzz/targets/compress_szdd.
#ifndef VIGIL_FORMATS_COMPRESS_COMPRESS_H_
#define VIGIL_FORMATS_COMPRESS_COMPRESS_H_

#include <functional>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

// True when `data` starts with the magic of the format (1F 9D; "SZDD" 88 F0
// 27 33). The rest of the header is checked by the Extract functions.
bool IsUnixCompress(ByteView data);
bool IsSzdd(ByteView data);

// One member: the decompressed stream, at most limits.max_member_size bytes
// (then truncated = true, result.hit_size_limit = true). Damage: result.notes,
// whatever was decoded is still passed to on_member. The member's name is ""
// (the stream does not store one; the scanner names it). A header that cannot
// be decoded at all (bad magic, unsupported flags or mode) gives no member.
ExtractResult ExtractUnixCompress(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);
ExtractResult ExtractSzdd(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_COMPRESS_COMPRESS_H_

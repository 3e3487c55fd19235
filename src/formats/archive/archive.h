// Archive and compressed-stream extraction through libarchive.
//
// Reads from memory (nothing is written to disk); members come out one at a
// time, each no larger than the caller's limit. Member names are data for
// reports only: they never become paths. Data that starts with a RAR
// signature is read as RAR only, and RAR 5.0 encryption is read from the
// archive's headers (rar5_headers.h, docs/rar.md).
// Tested by tests/unit/formats/archive/archive_test.cc and
// rar5_headers_test.cc; fuzzed by
// fuzz/targets/archive_extract.
#ifndef VIGIL_FORMATS_ARCHIVE_ARCHIVE_H_
#define VIGIL_FORMATS_ARCHIVE_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::formats {

struct ExtractLimits {
  // Read `data` as one compressed stream: its decompressed bytes are the
  // only member, whatever they hold (a tar inside is the next layer).
  bool stream_only = false;
  uint64_t max_member_size = 100ull << 20;  // larger members: truncated, noted
  uint32_t max_members = 10000;  // members after that: skipped, noted
  // Called with an offset once the reader has moved past the bytes before
  // it (the scanner drops those pages of a mapped archive; they are read
  // again, from the page cache, if the reader seeks back). Optional.
  std::function<void(uint64_t)> consumed;
};

struct ArchiveMember {
  std::string name;
  ByteView data;               // valid only during the callback
  uint64_t declared_size = 0;  // size the archive claims (0 if unknown)
  bool truncated = false;      // stopped at max_member_size
  bool encrypted = false;      // could not be read: encrypted
};

struct ExtractResult {
  uint32_t members = 0;
  bool hit_member_limit = false;   // max_members reached
  bool hit_size_limit = false;     // some member exceeded max_member_size
  bool encrypted = false;          // some member was encrypted
  std::vector<std::string> notes;  // damage found on the way
};

// Calls `on_member` for each regular-file member of `data` (an archive or a
// compressed stream). `on_member` returns false to stop early.
ExtractResult ExtractArchive(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_ARCHIVE_ARCHIVE_H_

// RAR 5.0 encryption, read from the archive's headers.
//
// libarchive 3.6 reads RAR 5.0 archives but says nothing of their
// encryption: a member with a file encryption record comes out as its
// ciphertext, as if stored, and an archive with encrypted headers fails
// with archive_read_has_encrypted_entries() "unsupported". This walk of the
// headers (RARLAB's "RAR 5.0 archive format" technote) tells ExtractArchive
// which members are encrypted, so that they are reported as such
// (Heuristics.Encrypted.RAR) instead of scanned as data.
// Tested by tests/unit/formats/archive/rar5_headers_test.cc; fuzzed through
// fuzz/targets/archive_extract.
#ifndef VIGIL_FORMATS_ARCHIVE_RAR5_HEADERS_H_
#define VIGIL_FORMATS_ARCHIVE_RAR5_HEADERS_H_

#include <cstdint>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::formats {

struct Rar5Encryption {
  bool headers_encrypted = false;  // an archive encryption header (rar -hp)
  // One entry per file header (type 2), in archive order: true when the
  // header has a file encryption record. Service headers are not counted.
  std::vector<bool> file_encrypted;
  bool damaged = false;  // the walk stopped before the end-of-archive header
};

// True when `data` starts with a RAR signature: "Rar!" 1A 07, then 00
// (RAR 1.5 to 4.x) or 01 00 (RAR 5.0).
bool IsRar(ByteView data);

// True when `data` starts with the RAR 5.0 signature 52 61 72 21 1A 07 01 00.
bool IsRar5(ByteView data);

// Walks the headers of the RAR 5.0 archive at the start of `data` (header
// CRCs are not checked: libarchive does), up to the end-of-archive header,
// the first damaged header, or `max_files` file headers.
// REQUIRES: IsRar5(data).
Rar5Encryption ReadRar5Encryption(ByteView data, uint32_t max_files);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_ARCHIVE_RAR5_HEADERS_H_

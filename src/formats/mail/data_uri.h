// RFC 2397 data: URIs inside HTML (and any text): the decoded payloads come
// out as children, so an executable or script hidden in
// `<a href="data:application/octet-stream;base64,...">` is scanned as a
// file. A payload is the characters after the first ',' up to a quote,
// '<', '>', ')' or white space (base64 tolerates white space); ";base64"
// selects base64, else %XX escapes are decoded. Children are named
// "data-uri-N" (N from 1, in document order). Linear in the input.
// Tested by tests/unit/formats/mail/data_uri_test.cc; fuzzed by
// fuzz/targets/data_uri_extract.
#ifndef VIGIL_FORMATS_MAIL_DATA_URI_H_
#define VIGIL_FORMATS_MAIL_DATA_URI_H_

#include <functional>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

// True when `data` holds "data:" (any case) anywhere: a cheap check first.
bool HasDataUri(ByteView data);

ExtractResult ExtractDataUris(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_MAIL_DATA_URI_H_

// PDF documents: the decoded content of every stream, the objects held in
// object streams, and JavaScript come out as children, as an archive's
// members do.
//
// The file is read linearly for "N G obj" headers; the cross-reference table
// is not used (malware damages it on purpose), so objects of every
// incremental update, and objects the xref forgets, are all read. Work is
// linear in the input: the scan only moves forward, each stream is decoded
// once (once more when /JS refers to it), decoders stop at max_member_size,
// and the tokenizer runs under a work budget proportional to the input.
// docs/pdf.md describes names, limits and what is not supported.
// Tested by tests/unit/formats/pdf/pdf_test.cc; fuzzed by
// fuzz/targets/pdf_extract.
#ifndef VIGIL_FORMATS_PDF_PDF_H_
#define VIGIL_FORMATS_PDF_PDF_H_

#include <functional>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

// Filter chains longer than this are decoded this far; the rest is noted.
inline constexpr int kMaxPdfFilters = 8;

// True when "%PDF-" occurs within the first 1024 bytes. Thread-safe.
bool IsPdf(ByteView data);

// Calls `on_member` for each child of the PDF `data`, in file order:
//   "obj N G"           the decoded data of stream object N G
//   "obj N 0 (in M)"    the text of object N held in object stream M
//   "obj N G js"        JavaScript: a /JS string of object N G, or the
//                       string or stream object N G that a /JS refers to
// `on_member` returns false to stop early; member data is valid only during
// the callback. Streams with filters vigil does not decode (DCT, JBIG2,
// CCITT, JPX, Crypt) come out as they are after the filters before them, with
// a note. An /Encrypt entry sets result.encrypted (data is still given as
// found). Damage gives notes and whatever was decoded. Thread-safe.
ExtractResult ExtractPdf(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_PDF_PDF_H_

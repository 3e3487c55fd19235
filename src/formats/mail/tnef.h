// TNEF (Transport Neutral Encapsulation Format, winmail.dat): the files
// Outlook attaches inside it come out as children, named by their
// attAttachTitle. Only the attachment level is read (attAttachRendData
// starts an attachment, attAttachTitle names it, attAttachData holds it);
// MAPI properties (attMAPIProps, attAttachment) are not parsed.
// Tested by tests/unit/formats/mail/tnef_test.cc; fuzzed by
// fuzz/targets/tnef_extract.
#ifndef VIGIL_FORMATS_MAIL_TNEF_H_
#define VIGIL_FORMATS_MAIL_TNEF_H_

#include <functional>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

// The TNEF signature 0x223E9F78, little-endian.
bool IsTnef(ByteView data);

ExtractResult ExtractTnef(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_MAIL_TNEF_H_

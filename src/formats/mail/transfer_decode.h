// Content-Transfer-Encoding decoders (RFC 2045 section 6): base64 and
// quoted-printable, each tolerant the way mail needs it.
//
// base64: characters outside the alphabet (line breaks, spaces, junk) are
// skipped; '=' ends the data. A final incomplete quantum gives the bytes it
// holds and is reported as damage.
// quoted-printable: "=XX" (either case) is a byte, "=" before a line break
// (after optional trailing white space) is a soft break, white space before
// a line break is dropped, any other "=" is kept as is (damage).
//
// Output is appended to *out, which never grows beyond `max_out` bytes in
// total; the rest is dropped and reported. Linear time. Thread-safe.
// Tested by tests/unit/formats/mail/mail_test.cc.
#ifndef VIGIL_FORMATS_MAIL_TRANSFER_DECODE_H_
#define VIGIL_FORMATS_MAIL_TRANSFER_DECODE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::formats::mail {

struct DecodeOutcome {
  bool truncated = false;  // stopped at max_out
  bool damaged = false;    // incomplete data or invalid escapes
};

[[nodiscard]] DecodeOutcome DecodeBase64(ByteView in, uint64_t max_out,
                                         std::vector<std::byte>* out);
[[nodiscard]] DecodeOutcome DecodeQuotedPrintable(ByteView in, uint64_t max_out,
                                                  std::vector<std::byte>* out);

// 0..15 for a hexadecimal digit (either case), else -1.
int HexValue(char c);

}  // namespace vigil::formats::mail

#endif  // VIGIL_FORMATS_MAIL_TRANSFER_DECODE_H_

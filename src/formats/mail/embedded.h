// Files embedded in the text of a message body: uuencode ("begin 644 name"
// ... "end"), its base64 form ("begin-base64 644 name" ... "===="),
// yEnc ("=ybegin ... name=x" ... "=yend"), and BinHex 4.0 (RFC 1741; the
// data fork, named by the name in its header).
//
// The text is read line by line once. A block without its end line gives
// what was decoded (damaged); a uuencoded line with characters outside the
// alphabet ends its block. yEnc multi-part posts are decoded part by part:
// each "=ybegin" is one file. Linear time. Thread-safe.
// Tested by tests/unit/formats/mail/mail_test.cc.
#ifndef VIGIL_FORMATS_MAIL_EMBEDDED_H_
#define VIGIL_FORMATS_MAIL_EMBEDDED_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::formats::mail {

struct EmbeddedFile {
  std::string name;        // from the begin line; may be empty
  const char* kind = "";   // "uuencode", "base64", "yEnc" or "BinHex"
  ByteView data;           // valid only during the callback
  bool truncated = false;  // stopped at max_size
  bool damaged = false;    // no end line, or a bad line
};

// Calls `on_file` for each embedded file of `text`, decoding each into
// *buffer (at most `max_size` bytes). `on_file` returns false to stop.
void FindEmbeddedFiles(ByteView text, uint64_t max_size,
                       std::vector<std::byte>* buffer,
                       const std::function<bool(const EmbeddedFile&)>& on_file);

}  // namespace vigil::formats::mail

#endif  // VIGIL_FORMATS_MAIL_EMBEDDED_H_

// MimeWalker: the structure of one message (RFC 5322, RFC 2046), found in a
// single pass over its lines.
//
// The walker is a state machine: reading the header of an entity, its body
// (a leaf), the preamble of a multipart, or text to ignore (an epilogue).
// Open multiparts form a stack of boundaries. Only lines that start with
// "--" are compared with them, innermost first, so a boundary line of an
// outer multipart closes the inner ones (missing close delimiters are
// common) and each byte is examined a bounded number of times: total work
// is linear in the message, whatever the nesting. message/rfc822 parts are
// read in place: their header follows the part header.
//
// A multipart whose boundary never appears gives its body as one leaf. At
// the end of input the open leaf is given as it is. Containers beyond
// kMaxMimeDepth are given as one raw leaf.
// Tested by tests/unit/formats/mail/mail_test.cc.
#ifndef VIGIL_FORMATS_MAIL_MIME_WALKER_H_
#define VIGIL_FORMATS_MAIL_MIME_WALKER_H_

#include <string>
#include <string_view>

#include "formats/mail/header_fields.h"
#include "vigil/bytes.h"

namespace vigil::formats::mail {

// The header fields of a leaf that its decoding and naming need.
struct LeafHeaders {
  ParameterizedField type;  // value "text/plain" when absent
  std::string encoding;     // Content-Transfer-Encoding, lower case
  std::string disposition;  // raw Content-Disposition, unfolded
};

// Receives the leaves of a message.
class PartSink {
 public:
  virtual ~PartSink() = default;
  // `body` is the still-encoded body. Returns false to stop the walk.
  virtual bool OnLeaf(const LeafHeaders& headers, ByteView body) = 0;
  virtual void Note(std::string note) = 0;
};

// Walks `message` (not an mbox; no "From " line) and gives its leaves to
// `sink` in order.
void WalkMessage(ByteView message, PartSink* sink);

}  // namespace vigil::formats::mail

#endif  // VIGIL_FORMATS_MAIL_MIME_WALKER_H_

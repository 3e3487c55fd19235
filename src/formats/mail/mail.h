// Mail messages and mbox files: the decoded parts of a message come out as
// children, as an archive's members do.
//
// Parsed: RFC 5322 headers, MIME (RFC 2045-2047, RFC 2231 parameters),
// multipart/* at any depth up to kMaxMimeDepth, message/rfc822 parts,
// base64 and quoted-printable bodies, mbox files ("From " separated), and
// uuencode, begin-base64, yEnc and BinHex 4.0 blocks inside text parts. Each
// leaf part is one child, text bodies included. docs/mail.md describes names,
// limits and what is not supported.
//
// Work is linear in the input: the message is read line by line once, and a
// boundary line is compared only with the boundaries of the open multiparts
// (at most kMaxMimeDepth of them).
// Tested by tests/unit/formats/mail/mail_test.cc; fuzzed by
// fuzz/targets/mail_extract.
#ifndef VIGIL_FORMATS_MAIL_MAIL_H_
#define VIGIL_FORMATS_MAIL_MAIL_H_

#include <functional>

#include "formats/archive/archive.h"
#include "vigil/bytes.h"

namespace vigil::formats {

// Multipart and message/rfc822 containers nested deeper than this are given
// as one raw child (and a note) instead of being opened.
inline constexpr int kMaxMimeDepth = 64;

// True for data that starts like a mail message or an mbox: a "From " mbox
// line, or header lines among which is a typical mail field (From:,
// Received:, Return-Path:, MIME-Version:, Content-Type:, Subject:, Date:,
// Message-ID: ...). A helper; the scanner's type detector decides mostly by
// itself. Reads at most the first 8 KiB. Thread-safe.
bool LooksLikeMail(ByteView data);

// Calls `on_member` for each decoded part of the message or mbox `data`, in
// order; `on_member` returns false to stop early. Member data is valid only
// during the callback. A damaged message gives what was decoded and notes.
// Thread-safe (no shared state).
ExtractResult ExtractMail(
    ByteView data, const ExtractLimits& limits,
    const std::function<bool(const ArchiveMember&)>& on_member);

}  // namespace vigil::formats

#endif  // VIGIL_FORMATS_MAIL_MAIL_H_

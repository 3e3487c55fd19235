// RAR 5.0 header walk (RARLAB's "RAR 5.0 archive format" technote).
//
// After the 8-byte signature an archive is a sequence of headers, each
// optionally followed by a data area:
//   CRC32 (4 bytes), header size (vint: the bytes from the type on),
//   type (vint), flags (vint), [extra area size (vint), if flag 0x0001],
//   [data area size (vint), if flag 0x0002], the type's own fields,
//   [extra area: the last "extra area size" bytes of the header].
// A vint holds 7 bits a byte, lowest first; the high bit says another byte
// follows. The types read here: 2 (file), 4 (archive encryption: every
// later header is encrypted, so the walk ends) and 5 (end of archive). A
// file header's extra area is a list of records (size vint, then type vint
// and data); type 1 is the file encryption record.
#include "formats/archive/rar5_headers.h"

#include <cstddef>
#include <optional>

#include "core/reader.h"

namespace vigil::formats {

namespace {

constexpr uint8_t kSignature[8] = {0x52, 0x61, 0x72, 0x21,
                                   0x1A, 0x07, 0x01, 0x00};

constexpr uint8_t kRar4Signature[7] = {0x52, 0x61, 0x72, 0x21,
                                       0x1A, 0x07, 0x00};

bool StartsWith(ByteView data, const uint8_t* magic, size_t n) {
  const std::optional<ByteView> head = core::Reader::At(data, 0, n);
  if (!head) return false;
  for (size_t i = 0; i < n; ++i) {
    if (static_cast<uint8_t>((*head)[i]) != magic[i]) return false;
  }
  return true;
}

constexpr uint64_t kTypeFile = 2;
constexpr uint64_t kTypeArchiveEncryption = 4;
constexpr uint64_t kTypeEndOfArchive = 5;

constexpr uint64_t kFlagExtraArea = 0x0001;
constexpr uint64_t kFlagDataArea = 0x0002;

constexpr uint64_t kRecordFileEncryption = 0x01;

// The technote limits the header size vint to 3 bytes: below 2 MiB.
constexpr uint64_t kMaxHeaderSize = uint64_t{1} << 21;

// A vint of at most 64 bits (10 bytes); nullopt past the end or on
// overflow.
std::optional<uint64_t> Vint(core::Reader& r) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const std::optional<uint8_t> b = r.U8();
    if (!b) return std::nullopt;
    if (shift == 63 && (*b & 0x7E) != 0) return std::nullopt;
    value |= static_cast<uint64_t>(*b & 0x7F) << shift;
    if ((*b & 0x80) == 0) return value;
  }
  return std::nullopt;
}

struct Header {
  uint64_t type = 0;
  uint64_t data_size = 0;
  ByteView extra;
};

// The header at the reader's position; the reader ends past it (at its
// data area). nullopt when it does not fit or its sizes disagree.
std::optional<Header> ReadHeader(core::Reader& r) {
  if (!r.Skip(4)) return std::nullopt;  // CRC32
  const std::optional<uint64_t> size = Vint(r);
  if (!size || *size == 0 || *size > kMaxHeaderSize) return std::nullopt;
  const std::optional<ByteView> body = r.Bytes(static_cast<size_t>(*size));
  if (!body) return std::nullopt;
  core::Reader h(*body);
  const std::optional<uint64_t> type = Vint(h);
  const std::optional<uint64_t> flags = Vint(h);
  if (!type || !flags) return std::nullopt;
  Header out;
  out.type = *type;
  uint64_t extra_size = 0;
  if (*flags & kFlagExtraArea) {
    const std::optional<uint64_t> n = Vint(h);
    if (!n) return std::nullopt;
    extra_size = *n;
  }
  if (*flags & kFlagDataArea) {
    const std::optional<uint64_t> n = Vint(h);
    if (!n) return std::nullopt;
    out.data_size = *n;
  }
  if (extra_size > h.remaining()) return std::nullopt;
  out.extra = body->last(static_cast<size_t>(extra_size));
  return out;
}

// True when the extra area holds a file encryption record.
bool HasEncryptionRecord(ByteView extra) {
  core::Reader r(extra);
  while (!r.AtEnd()) {
    const std::optional<uint64_t> size = Vint(r);
    if (!size || *size > r.remaining()) return false;
    core::Reader record(*r.Bytes(static_cast<size_t>(*size)));
    const std::optional<uint64_t> type = Vint(record);
    if (type && *type == kRecordFileEncryption) return true;
  }
  return false;
}

}  // namespace

bool IsRar(ByteView data) {
  return StartsWith(data, kRar4Signature, sizeof(kRar4Signature)) ||
         StartsWith(data, kSignature, sizeof(kSignature));
}

bool IsRar5(ByteView data) {
  return StartsWith(data, kSignature, sizeof(kSignature));
}

Rar5Encryption ReadRar5Encryption(ByteView data, uint32_t max_files) {
  Rar5Encryption out;
  core::Reader r(data);
  if (!r.Skip(sizeof(kSignature))) {
    out.damaged = true;
    return out;
  }
  for (;;) {
    const std::optional<Header> h = ReadHeader(r);
    if (!h) {
      out.damaged = true;
      return out;
    }
    if (h->type == kTypeArchiveEncryption) {
      out.headers_encrypted = true;
      return out;
    }
    if (h->type == kTypeEndOfArchive) return out;
    if (h->type == kTypeFile) {
      if (out.file_encrypted.size() >= max_files) return out;
      out.file_encrypted.push_back(HasEncryptionRecord(h->extra));
    }
    if (h->data_size > r.remaining()) {
      out.damaged = true;
      return out;
    }
    r.Skip(static_cast<size_t>(h->data_size));
  }
}

}  // namespace vigil::formats

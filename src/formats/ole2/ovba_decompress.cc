// MS-OVBA 2.4.1 decompression.
//
// A CompressedContainer is the signature byte 0x01 followed by chunks. Each
// chunk starts with a 16-bit header: bits 0-11 are the chunk's size minus 3,
// bits 12-14 must be 0b011, bit 15 says whether the chunk is compressed. A
// raw chunk holds 4096 literal bytes. A compressed chunk is a run of token
// sequences: a flag byte, then eight tokens, bit i (LSB first) choosing
// between a literal byte (0) and a 16-bit copy token (1). A copy token
// splits into an offset and a length; where it splits depends on how far
// into the chunk's output we are (d bytes): the offset takes
// max(4, ceil(log2 d)) high bits. Offset and length are biased by 1 and 3.
// A chunk decompresses to at most 4096 bytes and a copy never reaches before
// the chunk's start, so a copy is checked against both.
#include "formats/ole2/ovba_decompress.h"

#include <algorithm>

#include "core/reader.h"

namespace vigil::formats::ole2 {
namespace {

constexpr size_t kChunkMax = 4096;

// Bits of a copy token that hold the offset, for `d` bytes already decoded
// in the current chunk (1 <= d <= 4096).
unsigned OffsetBits(size_t d) {
  unsigned bits = 4;
  while ((size_t{1} << bits) < d) ++bits;
  return bits;
}

class Decoder {
 public:
  Decoder(uint64_t cap, OvbaOutput& out) : cap_(cap), out_(out) {}

  bool Full() const { return out_.truncated; }

  void Put(std::byte b) {
    if (out_.bytes.size() >= cap_) {
      out_.truncated = true;
      return;
    }
    out_.bytes.push_back(b);
  }

  // Decodes one compressed chunk body; false on damage (error set).
  bool Compressed(ByteView body) {
    core::Reader r(body);
    size_t chunk_start = out_.bytes.size();
    while (!r.AtEnd() && !Full()) {
      uint8_t flags = *r.U8();
      for (int i = 0; i < 8 && !r.AtEnd() && !Full(); ++i) {
        if ((flags & (1u << i)) == 0) {
          if (out_.bytes.size() - chunk_start >= kChunkMax) {
            out_.error = "chunk decompresses past 4096 bytes";
            return false;
          }
          Put(*r.Bytes(1).value().data());
        } else if (!Copy(r, chunk_start)) {
          return false;
        }
      }
    }
    return true;
  }

  // Decodes one raw chunk body (4096 literals; a short last chunk is noted).
  bool Raw(ByteView body) {
    for (std::byte b : body) Put(b);
    if (body.size() < kChunkMax) {
      out_.error = "raw chunk shorter than 4096 bytes";
      return false;
    }
    return true;
  }

 private:
  bool Copy(core::Reader& r, size_t chunk_start) {
    auto token = r.U16Le();
    if (!token) {
      out_.error = "copy token cut off";
      return false;
    }
    size_t d = out_.bytes.size() - chunk_start;
    if (d == 0) {
      out_.error = "copy token at the start of a chunk";
      return false;
    }
    unsigned bits = OffsetBits(d);
    uint16_t length_mask = static_cast<uint16_t>(0xFFFFu >> bits);
    size_t length = (*token & length_mask) + 3u;
    size_t offset = (static_cast<size_t>(*token) >> (16 - bits)) + 1;
    if (offset > d) {
      out_.error = "copy token reaches before its chunk";
      return false;
    }
    if (d + length > kChunkMax) {
      out_.error = "chunk decompresses past 4096 bytes";
      return false;
    }
    for (size_t i = 0; i < length && !Full(); ++i) {
      Put(out_.bytes[out_.bytes.size() - offset]);
    }
    return true;
  }

  uint64_t cap_;
  OvbaOutput& out_;
};

}  // namespace

OvbaOutput DecompressOvba(ByteView in, uint64_t cap) {
  OvbaOutput out;
  core::Reader r(in);
  if (r.U8().value_or(0) != 0x01) {
    out.error = "bad compressed container signature";
    return out;
  }
  Decoder decoder(cap, out);
  while (!r.AtEnd() && !decoder.Full()) {
    auto header = r.U16Le();
    if (!header) {
      out.error = "chunk header cut off";
      break;
    }
    if (((*header >> 12) & 0x7) != 0x3) {
      out.error = "bad chunk signature";
      break;
    }
    size_t body_size = (*header & 0x0FFFu) + 1u;  // chunk size - 3 + 1
    bool compressed = (*header & 0x8000u) != 0;
    ByteView body = r.Bytes(std::min(body_size, r.remaining())).value();
    bool ok = compressed ? decoder.Compressed(body) : decoder.Raw(body);
    if (!ok) break;
    if (body.size() < body_size) {
      out.error = "chunk cut off";
      break;
    }
  }
  return out;
}

}  // namespace vigil::formats::ole2

// The decoders of ARJ member data (internal header of src/formats/arj).
//
// Each decoder reads one member's packed bytes and appends the original
// bytes to an Output, which stops at the member's declared original size or
// at the caller's max_member_size, whichever comes first. Every decoder
// returns "" when it produced the declared size (or filled the output) and a
// note describing the damage otherwise; what was decoded stays in the
// Output. Tested through tests/unit/formats/arj/arj_test.cc.
#ifndef VIGIL_FORMATS_ARJ_ARJ_DECODE_H_
#define VIGIL_FORMATS_ARJ_ARJ_DECODE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vigil/bytes.h"

namespace vigil::formats::arj {

// CRC-32 (IEEE 802.3, reflected, as in zip): ARJ's header and file CRC.
uint32_t Crc32(ByteView data);

// A member's decoded bytes: at most `limit` bytes kept in memory.
class Output {
 public:
  Output(uint64_t want, uint64_t limit) : want_(want), limit_(limit) {}

  // True while the decoder should produce more bytes.
  bool WantsMore() const { return !full_ && bytes_.size() < want_; }

  // Appends `b`, or drops it and marks the output full at the limit.
  void Put(uint8_t b) {
    if (bytes_.size() >= limit_) {
      full_ = true;
      return;
    }
    bytes_.push_back(static_cast<std::byte>(b));
  }

  // Repeats `length` bytes starting `distance` + 1 bytes back (LZ77; the
  // source may overlap the bytes being written). Stops at the declared
  // size. False when the source lies before the start of the member.
  bool Copy(uint32_t distance, uint32_t length);

  // True once a byte past the limit was dropped.
  bool full() const { return full_; }
  uint64_t size() const { return bytes_.size(); }
  ByteView view() const { return ByteView(bytes_); }

 private:
  uint64_t want_;
  uint64_t limit_;
  std::vector<std::byte> bytes_;
  bool full_ = false;
};

// Methods 1, 2 and 3: LZ77 over a 26624-byte window, Huffman-coded blocks.
std::string DecodeHuffman(ByteView packed, Output& out);

// Method 4: LZ77 with unary-prefix lengths and positions.
std::string DecodeFast(ByteView packed, Output& out);

}  // namespace vigil::formats::arj

#endif  // VIGIL_FORMATS_ARJ_ARJ_DECODE_H_

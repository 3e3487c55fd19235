// ARJ member decoders.
//
// Both compressed families are LZ77: the stream is a sequence of literals
// and (length, distance) matches, bits read most significant first.
//
// Methods 1-3 (one decoder; the methods differ only in how hard the
// compressor searched) code the sequence in blocks, like LHA's -lh5-/-lh6-:
// each block starts with a 16-bit count of codes, then three canonical
// Huffman tables, each sent as a list of code lengths:
//   - the "pt" table of NT = 19 symbols that codes the lengths of the next
//     table: a 5-bit count, then per symbol a length of 0-6 in 3 bits, or 7
//     and more as "111" followed by one bit 1 per extra unit and a bit 0; after
//     the third length a 2-bit count of further zero lengths. A count of 0
//     means a single symbol (5 bits) coded with zero bits.
//   - the "c" table of NC = 510 symbols (256 literals and the match lengths
//     3..256 as 256 + length - 3), its lengths coded with the pt table:
//     symbol 0 is one zero length, 1 is 3 + 4 bits zero lengths, 2 is
//     20 + 9 bits zero lengths, and s >= 3 is a length of s - 2. A 9-bit
//     count of 0 means a single symbol (9 bits) coded with zero bits.
//   - the position table of NP = 17 symbols, sent like the pt table (no
//     zero-run after the third). Position symbol j is followed by j - 1 raw
//     bits: the distance is (1 << (j - 1)) + those bits (0 for j = 0).
// Codes are canonical: shorter codes first, equal lengths in symbol order.
// A table whose lengths over- or under-fill the code space is rejected, as
// is any length over 16, so a code always names exactly one symbol.
//
// Method 4 has no tables: a length is a unary prefix of 0-7 one bits (ended
// by a zero bit unless all seven are there) choosing a bucket, followed by
// as many raw bits as the bucket's index; 0 means a literal byte follows
// (8 bits), n means a match of n + 2 bytes. A position has the same shape
// with buckets of 9 to 13 raw bits (at most four prefix bits).
//
// A match may reach back over everything decoded so far (the compressor
// never goes past its 26624-byte window, but nothing depends on that): a
// corrupt distance gives wrong bytes and a CRC note, never a read out of
// bounds; one reaching before the member's start stops decoding.
//
// Input past the packed bytes reads as zeros (peeking ahead at the end is
// normal), but a decoder that consumes beyond them stops with a note. The
// output is bounded by Output; each block header consumes at least 16 bits,
// so table rebuilding is bounded by the input size.
#include "formats/arj/arj_decode.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/reader.h"

namespace vigil::formats::arj {

namespace {

constexpr int kMaxCodeLength = 16;
constexpr int kNc = 510;  // literals + match lengths 3..256
constexpr int kNp = 17;   // position classes
constexpr int kNt = 19;   // code-length symbols
constexpr int kCBits = 9;
constexpr int kPBits = 5;
constexpr int kTBits = 5;
constexpr int kThreshold = 3;  // shortest match

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

// Reads bits most significant first; past the end it reads zeros and
// remembers that it overran.
class BitReader {
 public:
  explicit BitReader(ByteView data) : data_(data) {}

  // The next 16 bits, not consumed.
  uint32_t Peek16() const {
    const uint64_t byte = pos_ >> 3;
    uint32_t window = 0;
    for (uint64_t i = 0; i < 3; ++i) {
      window <<= 8;
      if (byte + i < data_.size()) {
        window |= static_cast<uint32_t>(data_[static_cast<size_t>(byte + i)]);
      }
    }
    return (window >> (8 - (pos_ & 7))) & 0xFFFF;
  }
  void Consume(int n) { pos_ += static_cast<uint64_t>(n); }
  // REQUIRES: 0 <= n <= 16.
  uint32_t Get(int n) {
    if (n == 0) return 0;
    const uint32_t v = Peek16() >> (16 - n);
    Consume(n);
    return v;
  }
  bool Overran() const { return pos_ > uint64_t{data_.size()} * 8; }

 private:
  ByteView data_;
  uint64_t pos_ = 0;  // in bits
};

// A canonical Huffman code over at most kNc symbols.
class HuffmanTable {
 public:
  // A code of one symbol and zero bits.
  void SetSingle(uint16_t symbol) {
    single_ = true;
    single_symbol_ = symbol;
  }

  // False when the lengths do not fill the code space exactly.
  bool Build(std::span<const uint8_t> lengths) {
    single_ = false;
    counts_.fill(0);
    for (uint8_t len : lengths) {
      if (len > kMaxCodeLength) return false;
      ++counts_[len];
    }
    int32_t left = 1;
    for (int len = 1; len <= kMaxCodeLength; ++len) {
      left = left * 2 - counts_[len];
      if (left < 0) return false;  // over-subscribed
    }
    if (left != 0) return false;  // incomplete (or empty)
    std::array<uint16_t, kMaxCodeLength + 1> offsets{};
    for (int len = 1; len < kMaxCodeLength; ++len) {
      offsets[len + 1] = static_cast<uint16_t>(offsets[len] + counts_[len]);
    }
    for (size_t s = 0; s < lengths.size(); ++s) {
      if (lengths[s] != 0) {
        symbols_[offsets[lengths[s]]++] = static_cast<uint16_t>(s);
      }
    }
    return true;
  }

  // The next symbol. Always succeeds on a built table (it is complete).
  uint16_t Decode(BitReader& in) const {
    if (single_) return single_symbol_;
    const uint32_t bits = in.Peek16();
    int32_t first = 0;  // first code of the current length
    int32_t index = 0;  // symbols_ index of that code
    for (int len = 1; len <= kMaxCodeLength; ++len) {
      const auto code = static_cast<int32_t>(bits >> (16 - len));
      if (code - first < counts_[len]) {
        in.Consume(len);
        return symbols_[static_cast<size_t>(index + code - first)];
      }
      index += counts_[len];
      first = (first + counts_[len]) * 2;
    }
    return 0;  // unreachable for a complete code
  }

 private:
  bool single_ = true;
  uint16_t single_symbol_ = 0;
  std::array<int32_t, kMaxCodeLength + 1> counts_{};
  std::array<uint16_t, kNc> symbols_{};
};

class HuffmanDecoder {
 public:
  HuffmanDecoder(ByteView packed, Output& out) : in_(packed), out_(out) {}

  std::string Run() {
    while (out_.WantsMore()) {
      if (block_left_ == 0) {
        std::string note = ReadBlockHeader();
        if (!note.empty()) return note;
      }
      --block_left_;
      const uint16_t c = c_.Decode(in_);
      if (c < 256) {
        out_.Put(static_cast<uint8_t>(c));
      } else {
        const uint32_t length = c - 256u + kThreshold;
        const uint32_t distance = DecodePosition();
        if (!out_.Copy(distance, length)) {
          return "match distance " + std::to_string(distance + 1) +
                 " reaches before the start of the member";
        }
      }
      if (in_.Overran()) return "compressed data ends early";
    }
    return "";
  }

 private:
  uint32_t DecodePosition() {
    const uint16_t j = p_.Decode(in_);
    if (j == 0) return 0;
    return (1u << (j - 1)) + in_.Get(j - 1);
  }

  std::string ReadBlockHeader() {
    block_left_ = in_.Get(16);
    if (block_left_ == 0) block_left_ = 0x10000;  // the count wraps
    if (!ReadPtLengths(kNt, kTBits, 3, pt_) || !ReadCLengths() ||
        !ReadPtLengths(kNp, kPBits, -1, p_)) {
      return "bad Huffman table in block header";
    }
    if (in_.Overran()) return "compressed data ends early";
    return "";
  }

  // A length of 0-6 in 3 bits, or 7 + the number of one bits after "111".
  bool ReadPtLength(uint8_t& len) {
    uint32_t c = in_.Get(3);
    if (c == 7) {
      while (in_.Get(1) == 1) {
        if (++c > kMaxCodeLength) return false;
      }
    }
    len = static_cast<uint8_t>(c);
    return true;
  }

  bool ReadPtLengths(int nn, int nbit, int special, HuffmanTable& table) {
    const auto n = static_cast<int>(in_.Get(nbit));
    if (n == 0) {
      const uint32_t symbol = in_.Get(nbit);
      if (symbol >= static_cast<uint32_t>(nn)) return false;
      table.SetSingle(static_cast<uint16_t>(symbol));
      return true;
    }
    if (n > nn) return false;
    std::array<uint8_t, kNt> lengths{};
    int i = 0;
    while (i < n) {
      if (!ReadPtLength(lengths[static_cast<size_t>(i++)])) return false;
      if (i == special) {
        const auto zeros = static_cast<int>(in_.Get(2));
        if (i + zeros > nn) return false;
        i += zeros;  // lengths are already zero
      }
    }
    return table.Build(
        std::span<const uint8_t>(lengths.data(), static_cast<size_t>(nn)));
  }

  bool ReadCLengths() {
    const auto n = static_cast<int>(in_.Get(kCBits));
    if (n == 0) {
      const uint32_t symbol = in_.Get(kCBits);
      if (symbol >= static_cast<uint32_t>(kNc)) return false;
      c_.SetSingle(static_cast<uint16_t>(symbol));
      return true;
    }
    if (n > kNc) return false;
    std::array<uint8_t, kNc> lengths{};
    int i = 0;
    while (i < n) {
      const uint16_t c = pt_.Decode(in_);
      if (c > 2) {
        lengths[static_cast<size_t>(i++)] = static_cast<uint8_t>(c - 2);
        continue;
      }
      int zeros = 1;
      if (c == 1) zeros = static_cast<int>(in_.Get(4)) + 3;
      if (c == 2) zeros = static_cast<int>(in_.Get(kCBits)) + 20;
      if (i + zeros > kNc) return false;
      i += zeros;
    }
    return c_.Build(lengths);
  }

  BitReader in_;
  Output& out_;
  uint32_t block_left_ = 0;
  HuffmanTable pt_;
  HuffmanTable c_;
  HuffmanTable p_;
};

// Method 4's codes: up to `max_prefix` one bits pick a bucket; bucket k
// holds 2^(base + k) values after the values of the buckets before it.
uint32_t DecodeUnary(BitReader& in, int base, int max_prefix) {
  uint32_t plus = 0;
  int width = base;
  for (; width < base + max_prefix; ++width) {
    if (in.Get(1) == 0) break;
    plus += 1u << width;
  }
  return plus + in.Get(width);
}

}  // namespace

uint32_t Crc32(ByteView data) {
  static const std::array<uint32_t, 256> kTable = MakeCrcTable();
  uint32_t crc = 0xFFFFFFFFu;
  for (std::byte b : data) {
    crc = kTable[(crc ^ static_cast<uint32_t>(b)) & 0xFF] ^ (crc >> 8);
  }
  return crc ^ 0xFFFFFFFFu;
}

bool Output::Copy(uint32_t distance, uint32_t length) {
  if (distance >= bytes_.size()) return false;
  const uint64_t room = want_ - std::min<uint64_t>(want_, bytes_.size());
  const uint64_t n = std::min<uint64_t>(length, room);
  for (uint64_t i = 0; i < n && !full_; ++i) {
    Put(static_cast<uint8_t>(bytes_[bytes_.size() - 1 - distance]));
  }
  return true;
}

std::string DecodeHuffman(ByteView packed, Output& out) {
  HuffmanDecoder decoder(packed, out);
  return decoder.Run();
}

std::string DecodeFast(ByteView packed, Output& out) {
  BitReader in(packed);
  while (out.WantsMore()) {
    const uint32_t len = DecodeUnary(in, 0, 7);
    if (len == 0) {
      out.Put(static_cast<uint8_t>(in.Get(8)));
    } else {
      const uint32_t distance = DecodeUnary(in, 9, 4);
      if (!out.Copy(distance, len - 1 + kThreshold)) {
        return "match distance " + std::to_string(distance + 1) +
               " reaches before the start of the member";
      }
    }
    if (in.Overran()) return "compressed data ends early";
  }
  return "";
}

}  // namespace vigil::formats::arj

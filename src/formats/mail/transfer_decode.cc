#include "formats/mail/transfer_decode.h"

#include <array>

namespace vigil::formats::mail {
namespace {

constexpr uint8_t kNotBase64 = 0xff;

constexpr std::array<uint8_t, 256> MakeBase64Table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kNotBase64;
  const char* alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (uint8_t i = 0; i < 64; ++i) t[uint8_t(alphabet[i])] = i;
  return t;
}

constexpr std::array<uint8_t, 256> kBase64 = MakeBase64Table();

// Appends bytes to a vector bounded by max_out.
class BoundedSink {
 public:
  BoundedSink(uint64_t max_out, std::vector<std::byte>* out)
      : max_(max_out), out_(out) {}
  // False once the bound is reached (the byte is dropped).
  bool Put(uint8_t b) {
    if (out_->size() >= max_) {
      full_ = true;
      return false;
    }
    out_->push_back(std::byte{b});
    return true;
  }
  bool full() const { return full_; }

 private:
  uint64_t max_;
  std::vector<std::byte>* out_;
  bool full_ = false;
};

bool IsBlank(uint8_t c) { return c == ' ' || c == '\t'; }

// Length of the line break at p[i] ("\r\n" or "\n"), 0 if none.
size_t LineBreakAt(const uint8_t* p, size_t n, size_t i) {
  if (i < n && p[i] == '\n') return 1;
  if (i + 1 < n && p[i] == '\r' && p[i + 1] == '\n') return 2;
  return 0;
}

// Bytes of a final quantum of `sextets` 6-bit groups in `acc`.
void FlushPartial(uint32_t acc, int sextets, BoundedSink* sink,
                  DecodeOutcome* r) {
  if (sextets == 1) r->damaged = true;
  if (sextets == 2) sink->Put(uint8_t(acc >> 4));
  if (sextets == 3) {
    if (sink->Put(uint8_t(acc >> 10))) sink->Put(uint8_t(acc >> 2));
  }
}

}  // namespace

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

DecodeOutcome DecodeBase64(ByteView in, uint64_t max_out,
                           std::vector<std::byte>* out) {
  DecodeOutcome r;
  BoundedSink sink(max_out, out);
  const uint8_t* p = AsU8(in);
  uint32_t acc = 0;
  int sextets = 0;
  bool padded = false;
  for (size_t i = 0; i < in.size() && !sink.full(); ++i) {
    uint8_t v = kBase64[p[i]];
    if (v == kNotBase64) {
      if (p[i] == '=') {
        padded = true;
        break;
      }
      continue;
    }
    acc = (acc << 6) | v;
    if (++sextets == 4) {
      if (sink.Put(uint8_t(acc >> 16)) && sink.Put(uint8_t(acc >> 8))) {
        sink.Put(uint8_t(acc));
      }
      acc = 0;
      sextets = 0;
    }
  }
  if (!sink.full()) {
    if (sextets != 0 && !padded) r.damaged = true;
    FlushPartial(acc, sextets, &sink, &r);
  }
  r.truncated = sink.full();
  return r;
}

DecodeOutcome DecodeQuotedPrintable(ByteView in, uint64_t max_out,
                                    std::vector<std::byte>* out) {
  DecodeOutcome r;
  BoundedSink sink(max_out, out);
  const uint8_t* p = AsU8(in);
  const size_t n = in.size();
  size_t i = 0;
  while (i < n && !sink.full()) {
    uint8_t c = p[i];
    if (IsBlank(c)) {
      size_t run_end = i;
      while (run_end < n && IsBlank(p[run_end])) ++run_end;
      bool trailing = run_end == n || LineBreakAt(p, n, run_end) != 0;
      for (; i < run_end && !trailing; ++i) sink.Put(p[i]);
      i = run_end;
      continue;
    }
    if (c != '=') {
      sink.Put(c);
      ++i;
      continue;
    }
    int hi = i + 2 < n ? HexValue(char(p[i + 1])) : -1;
    int lo = hi >= 0 ? HexValue(char(p[i + 2])) : -1;
    if (lo >= 0) {
      sink.Put(uint8_t(hi * 16 + lo));
      i += 3;
      continue;
    }
    size_t j = i + 1;
    while (j < n && IsBlank(p[j])) ++j;
    size_t brk = LineBreakAt(p, n, j);
    if (brk != 0 || j == n) {  // soft line break
      i = j + brk;
      continue;
    }
    r.damaged = true;
    sink.Put(c);
    ++i;
  }
  r.truncated = sink.full();
  return r;
}

}  // namespace vigil::formats::mail

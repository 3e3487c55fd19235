// PDF stream filters; see pdf_filters.h.
#include "formats/pdf/pdf_filters.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace vigil::formats::pdf {
namespace {

// Appends `c` unless the output is full; false once it is.
bool Put(Decoded& out, uint64_t limit, char c) {
  if (out.data.size() >= limit) {
    out.truncated = true;
    return false;
  }
  out.data.push_back(c);
  return true;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' ||
         c == '\0';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One inflate pass; returns the zlib status it ended with.
int Inflate(std::string_view in, uint64_t limit, int window_bits,
            Decoded& out) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) return Z_MEM_ERROR;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::array<char, 16384> chunk;
  int status = Z_OK;
  while (status == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
    zs.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&zs, Z_NO_FLUSH);
    size_t got = chunk.size() - zs.avail_out;
    uint64_t room = limit - out.data.size();
    if (got > room) {
      out.data.append(chunk.data(), room);
      out.truncated = true;
      break;
    }
    out.data.append(chunk.data(), got);
    if (status == Z_BUF_ERROR && got > 0) status = Z_OK;  // more output room
  }
  inflateEnd(&zs);
  return status;
}

}  // namespace

Decoded FlateDecode(std::string_view in, uint64_t limit) {
  Decoded out;
  if (in.size() > UINT32_MAX) in = in.substr(0, UINT32_MAX);
  int status = Inflate(in, limit, 15, out);
  if (out.data.empty() && !out.truncated && status == Z_DATA_ERROR) {
    status = Inflate(in, limit, -15, out);  // raw deflate, no zlib header
  }
  if (out.truncated || status == Z_STREAM_END) return out;
  if (status == Z_DATA_ERROR) {
    out.notes.push_back("FlateDecode: corrupt data, kept " +
                        std::to_string(out.data.size()) + " bytes");
  } else {
    out.notes.push_back("FlateDecode: stream truncated, kept " +
                        std::to_string(out.data.size()) + " bytes");
  }
  return out;
}

Decoded LzwDecode(std::string_view in, uint64_t limit, bool early_change) {
  // Table entries: prefix code and last byte; strings are rebuilt backwards.
  constexpr int kClear = 256, kEod = 257, kMaxCodes = 4096;
  std::array<uint16_t, kMaxCodes> prefix{};
  std::array<uint8_t, kMaxCodes> suffix{};
  std::array<uint8_t, kMaxCodes> first{};
  std::array<uint16_t, kMaxCodes> length{};
  for (int i = 0; i < 256; ++i) {
    suffix[i] = static_cast<uint8_t>(i);
    first[i] = static_cast<uint8_t>(i);
    length[i] = 1;
  }
  Decoded out;
  std::string scratch;
  int next = 258, bits = 9, previous = -1;
  uint32_t buffer = 0;
  int buffered = 0;
  size_t pos = 0;
  for (;;) {
    while (buffered < bits && pos < in.size()) {
      buffer = (buffer << 8) | static_cast<uint8_t>(in[pos++]);
      buffered += 8;
    }
    if (buffered < bits) break;  // ran out without EOD: keep the output
    int code =
        static_cast<int>((buffer >> (buffered - bits)) & ((1u << bits) - 1));
    buffered -= bits;
    if (code == kEod) break;
    if (code == kClear) {
      next = 258;
      bits = 9;
      previous = -1;
      continue;
    }
    if (code > next || (code == next && previous < 0)) {
      out.notes.push_back("LZWDecode: invalid code");
      break;
    }
    if (previous >= 0 && next < kMaxCodes) {
      prefix[next] = static_cast<uint16_t>(previous);
      first[next] = first[previous];
      suffix[next] = code == next ? first[previous] : first[code];
      length[next] = static_cast<uint16_t>(length[previous] + 1);
      ++next;
    }
    scratch.assign(length[code], '\0');
    for (int c = code, i = length[code]; i-- > 0; c = prefix[c]) {
      scratch[i] = static_cast<char>(suffix[c]);
    }
    for (char c : scratch) {
      if (!Put(out, limit, c)) return out;
    }
    previous = code;
    int threshold = next + (early_change ? 1 : 0);
    if (threshold >= 512 && bits == 9) bits = 10;
    if (threshold >= 1024 && bits == 10) bits = 11;
    if (threshold >= 2048 && bits == 11) bits = 12;
  }
  return out;
}

Decoded AsciiHexDecode(std::string_view in, uint64_t limit) {
  Decoded out;
  int high = -1;
  for (char c : in) {
    if (c == '>') break;
    if (IsSpace(c)) continue;
    int d = HexValue(c);
    if (d < 0) {
      out.notes.push_back("ASCIIHexDecode: invalid character");
      break;
    }
    if (high < 0) {
      high = d;
    } else {
      if (!Put(out, limit, static_cast<char>(high << 4 | d))) return out;
      high = -1;
    }
  }
  if (high >= 0) Put(out, limit, static_cast<char>(high << 4));
  return out;
}

Decoded Ascii85Decode(std::string_view in, uint64_t limit) {
  Decoded out;
  uint32_t group = 0;
  int count = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (IsSpace(c)) continue;
    if (c == '~') break;  // "~>"
    if (c == 'z' && count == 0) {
      for (int k = 0; k < 4; ++k) {
        if (!Put(out, limit, '\0')) return out;
      }
      continue;
    }
    if (c < '!' || c > 'u') {
      out.notes.push_back("ASCII85Decode: invalid character");
      break;
    }
    group = group * 85 + static_cast<uint32_t>(c - '!');
    if (++count == 5) {
      for (int k = 3; k >= 0; --k) {
        if (!Put(out, limit, static_cast<char>(group >> (8 * k)))) return out;
      }
      group = 0;
      count = 0;
    }
  }
  if (count > 1) {  // partial group: pad with 'u', keep count-1 bytes
    for (int k = count; k < 5; ++k) group = group * 85 + 84;
    for (int k = 3; k >= 5 - count; --k) {
      if (!Put(out, limit, static_cast<char>(group >> (8 * k)))) return out;
    }
  }
  return out;
}

Decoded RunLengthDecode(std::string_view in, uint64_t limit) {
  Decoded out;
  size_t pos = 0;
  while (pos < in.size()) {
    int n = static_cast<uint8_t>(in[pos++]);
    if (n == 128) return out;
    if (n < 128) {
      for (int k = 0; k <= n; ++k) {
        if (pos >= in.size()) {
          out.notes.push_back("RunLengthDecode: data truncated");
          return out;
        }
        if (!Put(out, limit, in[pos++])) return out;
      }
    } else {
      if (pos >= in.size()) break;
      char c = in[pos++];
      for (int k = 0; k < 257 - n; ++k) {
        if (!Put(out, limit, c)) return out;
      }
    }
  }
  return out;
}

namespace {

uint8_t Paeth(int a, int b, int c) {
  int p = a + b - c;
  int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<uint8_t>(a);
  if (pb <= pc) return static_cast<uint8_t>(b);
  return static_cast<uint8_t>(c);
}

// PNG rows: a filter-type byte, then `row` bytes.
void UnpredictPng(std::string_view in, size_t row, size_t bpp, Decoded& out) {
  // A row longer than the input is never complete: size buffers by input.
  row = std::min(row, in.size());
  std::string prior(row, '\0'), current(row, '\0');
  size_t pos = 0;
  while (pos < in.size()) {
    int type = static_cast<uint8_t>(in[pos++]);
    size_t n = std::min(row, in.size() - pos);
    for (size_t i = 0; i < n; ++i) {
      int x = static_cast<uint8_t>(in[pos + i]);
      int a = i >= bpp ? static_cast<uint8_t>(current[i - bpp]) : 0;
      int b = static_cast<uint8_t>(prior[i]);
      int c = i >= bpp ? static_cast<uint8_t>(prior[i - bpp]) : 0;
      switch (type) {
        case 1:
          x += a;
          break;
        case 2:
          x += b;
          break;
        case 3:
          x += (a + b) / 2;
          break;
        case 4:
          x += Paeth(a, b, c);
          break;
        default:
          break;  // 0 and unknown types: as is
      }
      current[i] = static_cast<char>(x);
    }
    out.data.append(current, 0, n);
    pos += n;
    prior.swap(current);
  }
}

// TIFF predictor 2 for 8- and 16-bit components.
void UnpredictTiff(std::string_view in, size_t row, const PredictorParams& p,
                   Decoded& out) {
  size_t bytes = p.bits_per_component / 8;
  size_t bpp = p.colors * bytes;
  out.data.assign(in);
  for (size_t start = 0; start < out.data.size(); start += row) {
    size_t end = std::min(out.data.size(), start + row);
    for (size_t i = start + bpp; i + bytes <= end; i += bytes) {
      if (bytes == 1) {
        out.data[i] = static_cast<char>(out.data[i] + out.data[i - bpp]);
      } else {
        auto get = [&](size_t k) {
          return static_cast<unsigned>(static_cast<uint8_t>(out.data[k]) << 8 |
                                       static_cast<uint8_t>(out.data[k + 1]));
        };
        unsigned v = (get(i) + get(i - bpp)) & 0xffff;
        out.data[i] = static_cast<char>(v >> 8);
        out.data[i + 1] = static_cast<char>(v & 0xff);
      }
    }
  }
}

}  // namespace

Decoded Unpredict(std::string_view in, const PredictorParams& p) {
  Decoded out;
  if (p.predictor <= 1) {
    out.data.assign(in);
    return out;
  }
  bool valid_bpc = p.bits_per_component == 1 || p.bits_per_component == 2 ||
                   p.bits_per_component == 4 || p.bits_per_component == 8 ||
                   p.bits_per_component == 16;
  if (!valid_bpc || p.colors < 1 || p.colors > 32 || p.columns < 1 ||
      p.columns > (1 << 24) || (p.predictor != 2 && p.predictor < 10)) {
    out.data.assign(in);
    out.notes.push_back("predictor parameters invalid: data left as is");
    return out;
  }
  uint64_t bits = uint64_t{1} * p.colors * p.bits_per_component;
  size_t bpp = static_cast<size_t>((bits + 7) / 8);
  size_t row = static_cast<size_t>((bits * p.columns + 7) / 8);
  if (p.predictor >= 10) {
    UnpredictPng(in, row, bpp, out);
  } else if (p.bits_per_component >= 8) {
    UnpredictTiff(in, row, p, out);
  } else {
    out.data.assign(in);
    out.notes.push_back("TIFF predictor below 8 bits: data left as is");
  }
  return out;
}

}  // namespace vigil::formats::pdf

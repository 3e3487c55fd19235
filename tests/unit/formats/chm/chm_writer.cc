#include "chm_writer.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace vigil::formats::testing {

namespace {

constexpr uint64_t kFrame = 0x8000;
constexpr uint64_t kInterval = 0x10000;  // reset interval = window
constexpr uint64_t kChunkSize = 0x1000;
constexpr int kDensity = 2;  // a quickref every 5 entries
constexpr int kNumOffsets = 32 << 3;
constexpr int kMatchSymbol = 256 + 6;  // slot 0 (R0), 8 bytes

void Put16(std::string& s, uint64_t v) {
  for (int i = 0; i < 2; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}
void Put32(std::string& s, uint64_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}
void Put64(std::string& s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}

std::string EncInt(uint64_t v) {
  std::string out(1, static_cast<char>(v & 0x7F));
  for (v >>= 7; v != 0; v >>= 7) {
    out.insert(out.begin(), static_cast<char>(0x80 | (v & 0x7F)));
  }
  return out;
}

std::string Hex(const char* hex) {
  std::string out;
  for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex + i, 2), 0, 16)));
  }
  return out;
}

// LZX bits: 16-bit little-endian words, filled from the top bit.
class BitWriter {
 public:
  void Put(uint32_t value, int bits) {
    acc_ = (acc_ << bits) | (value & ((1u << bits) - 1));
    count_ += bits;
    while (count_ >= 16) {
      count_ -= 16;
      Put16(out_, (acc_ >> count_) & 0xFFFF);
    }
    acc_ &= (uint64_t{1} << count_) - 1;
  }
  void Align() {
    if (count_ != 0) Put(0, 16 - count_);
  }
  void Raw(const std::string& bytes) { out_ += bytes; }
  int pending() const { return count_; }
  size_t size() const { return out_.size(); }
  const std::string& out() const { return out_; }

 private:
  std::string out_;
  uint64_t acc_ = 0;
  int count_ = 0;
};

// The fixed codes of tests/e2e/chm_writer.py: pretree deltas 0 / 8 / 9 as
// '0' / '10' / '11'; literals 0-254 in 8 bits, 255 and the match in 9.
void WriteLengths(BitWriter& bits, const std::vector<int>& lengths) {
  for (int sym = 0; sym < 20; ++sym) {
    bits.Put(sym == 0 ? 1 : (sym == 8 || sym == 9 ? 2 : 0), 4);
  }
  for (int len : lengths) {
    const int delta = (17 - len) % 17;
    if (delta == 0) {
      bits.Put(0, 1);
    } else {
      bits.Put(delta == 8 ? 2 : 3, 2);
    }
  }
}

void VerbatimInterval(BitWriter& bits, const std::string& data,
                      std::vector<uint64_t>& frames) {
  bits.Put(1, 3);
  bits.Put(static_cast<uint32_t>(data.size() >> 8), 16);
  bits.Put(data.size() & 0xFF, 8);
  std::vector<int> main(256 + kNumOffsets, 0);
  for (int i = 0; i < 255; ++i) main[i] = 8;
  main[255] = 9;
  main[kMatchSymbol] = 9;
  WriteLengths(bits, std::vector<int>(main.begin(), main.begin() + 256));
  WriteLengths(bits, std::vector<int>(main.begin() + 256, main.end()));
  WriteLengths(bits, std::vector<int>(249, 0));
  size_t i = 0;
  while (i < data.size()) {
    const size_t frame_end = std::min((i / kFrame + 1) * kFrame, data.size());
    while (i < frame_end) {
      const auto c = static_cast<unsigned char>(data[i]);
      if (i >= 1 && i + 8 <= frame_end &&
          data.compare(i, 8, std::string(8, data[i - 1])) == 0) {
        bits.Put(511, 9);
        i += 8;
      } else if (c == 255) {
        bits.Put(510, 9);
        ++i;
      } else {
        bits.Put(c, 8);
        ++i;
      }
    }
    bits.Align();
    if (i < data.size()) frames.push_back(bits.size());
  }
}

void UncompressedInterval(BitWriter& bits, const std::string& data,
                          std::vector<uint64_t>& frames) {
  bits.Put(3, 3);
  bits.Put(static_cast<uint32_t>(data.size() >> 8), 16);
  bits.Put(data.size() & 0xFF, 8);
  if (bits.pending() == 0) bits.Put(0, 16);
  bits.Align();
  std::string r;
  for (int k = 0; k < 3; ++k) Put32(r, 1);
  bits.Raw(r);
  const size_t start = bits.size();
  bits.Raw(data);
  for (uint64_t f = kFrame; f < data.size(); f += kFrame) {
    frames.push_back(start + f);
  }
  if (data.size() & 1) bits.Raw(std::string(1, '\0'));
}

std::string Lzx(const std::string& data, bool verbatim,
                std::vector<uint64_t>& frames) {
  std::string padded = data;
  padded.resize((data.size() + kInterval - 1) / kInterval * kInterval, '\0');
  BitWriter bits;
  for (size_t at = 0; at < padded.size(); at += kInterval) {
    frames.push_back(bits.size());
    bits.Put(0, 1);  // no E8 translation
    const std::string piece = padded.substr(at, kInterval);
    if (verbatim) {
      VerbatimInterval(bits, piece, frames);
    } else {
      UncompressedInterval(bits, piece, frames);
    }
    bits.Align();
  }
  return bits.out();
}

std::string Utf16(const std::string& ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

std::string NameList() {
  std::string body;
  Put16(body, 2);
  for (const char* name : {"Uncompressed", "MSCompressed"}) {
    Put16(body, std::strlen(name));
    body += Utf16(name);
    Put16(body, 0);
  }
  std::string out;
  Put16(out, (body.size() + 2) / 2);
  return out + body;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(c));
  return s;
}

std::string Encode(const ChmEntry& e) {
  return EncInt(e.name.size()) + e.name + EncInt(e.section) + EncInt(e.offset) +
         EncInt(e.length);
}

std::vector<std::string> Chunks(std::vector<ChmEntry> entries,
                                uint64_t filler) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const ChmEntry& a, const ChmEntry& b) {
                     return Lower(a.name) < Lower(b.name);
                   });
  std::vector<std::string> encoded;
  for (const ChmEntry& e : entries) encoded.push_back(Encode(e));
  encoded.insert(encoded.end(), filler, Encode({"/x", 0, 0, 0}));
  std::vector<std::vector<std::string>> groups(1);
  size_t used = 0x14;
  const size_t per_quickref = 1 + (1 << kDensity);
  for (const std::string& raw : encoded) {
    const size_t quickrefs = (groups.back().size() + 1) / per_quickref;
    if (!groups.back().empty() &&
        used + raw.size() + 2 + 2 * quickrefs > kChunkSize) {
      groups.emplace_back();
      used = 0x14;
    }
    groups.back().push_back(raw);
    used += raw.size();
  }
  std::vector<std::string> chunks;
  for (size_t n = 0; n < groups.size(); ++n) {
    std::string body, tail;
    std::vector<size_t> quickrefs;
    for (size_t i = 0; i < groups[n].size(); ++i) {
      if (i != 0 && i % per_quickref == 0) quickrefs.push_back(body.size());
      body += groups[n][i];
    }
    for (auto it = quickrefs.rbegin(); it != quickrefs.rend(); ++it) {
      Put16(tail, *it);
    }
    Put16(tail, groups[n].size());
    std::string chunk = "PMGL";
    Put32(chunk, kChunkSize - 0x14 - body.size());
    Put32(chunk, 0);
    Put32(chunk, n == 0 ? 0xFFFFFFFF : n - 1);
    Put32(chunk, n + 1 < groups.size() ? n + 1 : 0xFFFFFFFF);
    chunk += body;
    chunk += std::string(kChunkSize - chunk.size() - tail.size(), '\0');
    chunk += tail;
    chunks.push_back(chunk);
  }
  return chunks;
}

}  // namespace

ChmImage WriteChm(const std::vector<ChmInput>& files,
                  const ChmOptions& options) {
  ChmImage image;
  std::string sec0, stream;
  std::vector<ChmEntry> entries = {{"/", 0, 0, 0}};
  auto put0 = [&](const std::string& name, const std::string& data) {
    entries.push_back({name, 0, sec0.size(), data.size()});
    sec0 += data;
  };
  for (const ChmInput& f : files) {
    if (f.section == 0) put0(f.name, f.data);
  }
  for (const ChmInput& f : files) {
    if (f.section != 0) {
      entries.push_back({f.name, 1, stream.size(), f.data.size()});
      stream += f.data;
    }
  }
  std::vector<uint64_t> frames;
  const std::string content = Lzx(stream, options.verbatim, frames);
  put0("::DataSpace/NameList", NameList());
  put0(kChmContent, content);
  std::string control;
  Put32(control, 6);
  control += "LZXC";
  for (uint64_t v : {uint64_t{2}, kInterval / kFrame, kInterval / kFrame,
                     uint64_t{1}, uint64_t{0}}) {
    Put32(control, v);
  }
  put0(kChmControl, control);
  std::string span;
  Put64(span, stream.size());
  put0(kChmSpanInfo, span);
  put0("::DataSpace/Storage/MSCompressed/Transform/List",
       Utf16("{7FC28940-9D31-11D0-9B27-00A0C91E9C7C}"));
  std::string table;
  for (uint64_t v :
       {uint64_t{2}, uint64_t{frames.size()}, uint64_t{8}, uint64_t{0x28}}) {
    Put32(table, v);
  }
  Put64(table, stream.size());
  Put64(table, content.size());
  Put64(table, kFrame);
  for (uint64_t f : frames) Put64(table, f);
  table.append(options.reset_table_padding, '\0');
  put0(kChmResetTable, table);
  for (const ChmEntry& e : options.extra_entries) entries.push_back(e);
  std::vector<ChmEntry> listed;
  for (const ChmEntry& e : entries) {
    if (std::find(options.omit.begin(), options.omit.end(), e.name) ==
        options.omit.end()) {
      listed.push_back(e);
      image.entries[e.name] = e;
    }
  }

  const std::vector<std::string> chunks =
      Chunks(listed, options.filler_entries);
  std::string itsp = "ITSP";
  for (uint64_t v :
       {uint64_t{1}, uint64_t{0x54}, uint64_t{10}, kChunkSize,
        uint64_t{kDensity}, uint64_t{1}, uint64_t{0xFFFFFFFF}, uint64_t{0},
        uint64_t{chunks.size() - 1}, uint64_t{0xFFFFFFFF},
        uint64_t{chunks.size()}, uint64_t{0x409}}) {
    Put32(itsp, v);
  }
  itsp += Hex("6a92025d2e21d0119df900a0c922e6ec");
  for (uint64_t v : {uint64_t{0x54}, uint64_t{0xFFFFFFFF}, uint64_t{0xFFFFFFFF},
                     uint64_t{0xFFFFFFFF}}) {
    Put32(itsp, v);
  }
  std::string directory = itsp;
  for (const std::string& c : chunks) directory += c;
  const uint64_t dir_at = 0x78;
  image.dir_offset = dir_at + itsp.size();
  image.sec0_offset = dir_at + directory.size();
  std::string itsf = "ITSF";
  for (uint64_t v : {uint64_t{3}, uint64_t{0x60}, uint64_t{1},
                     uint64_t{0x12345678}, uint64_t{0x409}}) {
    Put32(itsf, v);
  }
  itsf += Hex("10fd017caa7bd0119e0c00a0c922e6ec");
  itsf += Hex("11fd017caa7bd0119e0c00a0c922e6ec");
  for (uint64_t v : {uint64_t{0x60}, uint64_t{0x18}, dir_at,
                     uint64_t{directory.size()}, image.sec0_offset}) {
    Put64(itsf, v);
  }
  std::string hs0;
  Put32(hs0, 0x1FE);
  Put32(hs0, 0);
  Put64(hs0, image.sec0_offset + sec0.size());
  Put32(hs0, 0);
  Put32(hs0, 0);
  image.bytes = itsf + hs0 + directory + sec0;
  return image;
}

}  // namespace vigil::formats::testing

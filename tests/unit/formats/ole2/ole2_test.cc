// OLE2 compound file and VBA extraction. Compound files are written at test
// time by a small [MS-CFB] writer below (regular and mini streams, nested
// storages, a DIFAT chain when the FAT needs more than 109 sectors) and VBA
// projects by an [MS-OVBA] compressor (raw chunks and literal-only compressed
// chunks; copy tokens are made by hand). Every stream and module source must
// come back exactly; damaged files must end quickly with notes.
//
// With VIGIL_WRITE_SEEDS=<dir> set, the Seeds test writes the files it builds
// to <dir> (the fuzz corpus in fuzz/corpus/ole2_extract was made that way).
#include "formats/ole2/ole2.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "formats/ole2/ovba_decompress.h"
#include "formats/ole2/vba.h"

namespace vigil::formats {
namespace {

constexpr uint32_t kEnd = 0xFFFFFFFE;
constexpr uint32_t kFree = 0xFFFFFFFF;
constexpr uint32_t kFatSect = 0xFFFFFFFD;
constexpr uint32_t kDifSect = 0xFFFFFFFC;
constexpr uint32_t kNone = 0xFFFFFFFF;

ByteView Bytes(const std::string& s) { return AsBytes(s); }

void PutU16(std::string& s, size_t off, uint16_t v) {
  if (s.size() < off + 2) s.resize(off + 2, '\0');
  s[off] = static_cast<char>(v & 0xFF);
  s[off + 1] = static_cast<char>(v >> 8);
}
void PutU32(std::string& s, size_t off, uint32_t v) {
  if (s.size() < off + 4) s.resize(off + 4, '\0');
  for (int i = 0; i < 4; ++i) s[off + i] = static_cast<char>(v >> (8 * i));
}
void AddU16(std::string& s, uint16_t v) { PutU16(s, s.size(), v); }
void AddU32(std::string& s, uint32_t v) { PutU32(s, s.size(), v); }

// ---- Test-side compound file writer -------------------------------------

struct Node {
  std::string name;
  bool storage = false;
  std::string data;
  std::vector<Node> children;
};

Node Stream(std::string name, std::string data) {
  return Node{std::move(name), false, std::move(data), {}};
}
Node Storage(std::string name, std::vector<Node> children) {
  return Node{std::move(name), true, "", std::move(children)};
}

struct Written {
  std::string bytes;
  uint32_t sector_size = 512;
  uint32_t dir_start = 0;
  std::map<std::string, uint32_t> entry;  // path -> directory entry index
  std::map<std::string, uint32_t> start;  // path -> first (mini) sector
  size_t SectorOffset(uint32_t s) const {
    return (static_cast<size_t>(s) + 1) * sector_size;
  }
  size_t EntryOffset(uint32_t e) const {
    return SectorOffset(dir_start) + static_cast<size_t>(e) * 128;
  }
  size_t FatEntryOffset(uint32_t s) const {
    return SectorOffset(s / (sector_size / 4)) + (s % (sector_size / 4)) * 4;
  }
};

struct FlatEntry {
  std::string name;
  std::string path;
  uint8_t type;
  const std::string* data = nullptr;
  uint32_t left = kNone, right = kNone, child = kNone;
  uint32_t start = kEnd;
  uint64_t size = 0;
};

class CfbWriter {
 public:
  explicit CfbWriter(uint32_t sector_shift) : shift_(sector_shift) {}

  Written Write(const Node& root) {
    entries_.push_back({"Root Entry", "", 5});
    Flatten(root, 0, "");
    LayOut();
    return out_;
  }

 private:
  // Children of entries_[parent] get consecutive indices; their tree is a
  // balanced binary tree over that index range (the reader must not rely on
  // name order, so none is imposed).
  void Flatten(const Node& node, uint32_t parent, const std::string& path) {
    uint32_t first = static_cast<uint32_t>(entries_.size());
    for (const Node& c : node.children) {
      FlatEntry e;
      e.name = c.name;
      e.path = path.empty() ? c.name : path + "/" + c.name;
      e.type = c.storage ? 1 : 2;
      e.data = &c.data;
      e.size = c.storage ? 0 : c.data.size();
      entries_.push_back(e);
    }
    uint32_t last = static_cast<uint32_t>(entries_.size());
    entries_[parent].child = Balance(first, last);
    for (uint32_t i = first; i < last; ++i) {
      const Node& c = node.children[i - first];
      if (c.storage) Flatten(c, i, entries_[i].path);
    }
  }

  uint32_t Balance(uint32_t lo, uint32_t hi) {
    if (lo >= hi) return kNone;
    uint32_t mid = lo + (hi - lo) / 2;
    entries_[mid].left = Balance(lo, mid);
    entries_[mid].right = Balance(mid + 1, hi);
    return mid;
  }

  uint32_t Sectors(size_t bytes) const {
    uint32_t s = 1u << shift_;
    return static_cast<uint32_t>((bytes + s - 1) / s);
  }

  void LayOut() {
    const uint32_t ss = 1u << shift_;
    out_.sector_size = ss;
    // Mini stream and MiniFAT.
    std::string mini;
    std::vector<uint32_t> minifat;
    std::vector<uint32_t> big;  // entries with regular streams
    for (uint32_t i = 1; i < entries_.size(); ++i) {
      FlatEntry& e = entries_[i];
      if (e.type != 2) continue;
      if (e.size >= 4096) {
        big.push_back(i);
        continue;
      }
      if (e.size == 0) continue;
      uint32_t first = static_cast<uint32_t>(minifat.size());
      uint32_t n = static_cast<uint32_t>((e.size + 63) / 64);
      for (uint32_t k = 0; k < n; ++k) {
        minifat.push_back(k + 1 == n ? kEnd : first + k + 1);
      }
      e.start = first;
      out_.start[e.path] = first;
      mini += *e.data;
      mini.resize(static_cast<size_t>(n + first) * 64, '\0');
    }
    std::string minifat_bytes;
    for (uint32_t v : minifat) AddU32(minifat_bytes, v);
    uint32_t dir_n = Sectors(entries_.size() * 128);
    uint32_t minifat_n = Sectors(minifat_bytes.size());
    uint32_t mini_n = Sectors(mini.size());
    uint32_t data_n = dir_n + minifat_n + mini_n;
    for (uint32_t i : big) data_n += Sectors(entries_[i].size);
    const uint32_t per = ss / 4;
    uint32_t fat_n = 1, difat_n = 0;
    for (int iter = 0; iter < 10; ++iter) {
      fat_n = (data_n + fat_n + difat_n + per - 1) / per;
      difat_n = fat_n > 109 ? (fat_n - 109 + per - 2) / (per - 1) : 0;
    }
    uint32_t total = fat_n + difat_n + data_n;
    std::vector<uint32_t> fat(static_cast<size_t>(fat_n) * per, kFree);
    for (uint32_t s = 0; s < fat_n; ++s) fat[s] = kFatSect;
    for (uint32_t s = 0; s < difat_n; ++s) fat[fat_n + s] = kDifSect;
    uint32_t next = fat_n + difat_n;
    auto chain = [&](uint32_t n) {
      if (n == 0) return kEnd;
      uint32_t first = next;
      for (uint32_t k = 0; k < n; ++k)
        fat[next + k] = k + 1 == n ? kEnd : next + k + 1;
      next += n;
      return first;
    };
    uint32_t dir_start = chain(dir_n);
    uint32_t minifat_start = chain(minifat_n);
    uint32_t mini_start = chain(mini_n);
    entries_[0].start = mini_start;
    entries_[0].size = mini.size();
    for (uint32_t i : big) {
      entries_[i].start = chain(Sectors(entries_[i].size));
      out_.start[entries_[i].path] = entries_[i].start;
    }
    out_.dir_start = dir_start;
    // Header.
    std::string& f = out_.bytes;
    f.assign("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    f.resize(24, '\0');
    AddU16(f, 0x3E);
    AddU16(f, shift_ == 9 ? 3 : 4);
    AddU16(f, 0xFFFE);
    AddU16(f, static_cast<uint16_t>(shift_));
    AddU16(f, 6);
    f.resize(40, '\0');
    AddU32(f, shift_ == 9 ? 0 : dir_n);
    AddU32(f, fat_n);
    AddU32(f, dir_start);
    AddU32(f, 0);
    AddU32(f, 4096);
    AddU32(f, minifat_n ? minifat_start : kEnd);
    AddU32(f, minifat_n);
    AddU32(f, difat_n ? fat_n : kEnd);
    AddU32(f, difat_n);
    for (uint32_t k = 0; k < 109; ++k) AddU32(f, k < fat_n ? k : kFree);
    f.resize(static_cast<size_t>(total + 1) * ss, '\0');
    for (size_t k = 0; k < fat.size(); ++k) {
      PutU32(f, out_.SectorOffset(0) + k * 4, fat[k]);
    }
    for (uint32_t d = 0; d < difat_n; ++d) {
      size_t off = out_.SectorOffset(fat_n + d);
      for (uint32_t k = 0; k < per - 1; ++k) {
        uint32_t idx = 109 + d * (per - 1) + k;
        PutU32(f, off + k * 4, idx < fat_n ? idx : kFree);
      }
      PutU32(f, off + (per - 1) * 4, d + 1 < difat_n ? fat_n + d + 1 : kEnd);
    }
    for (uint32_t i = 0; i < entries_.size(); ++i) WriteEntry(i);
    f.replace(out_.SectorOffset(minifat_start), minifat_bytes.size(),
              minifat_bytes);
    if (mini_n) f.replace(out_.SectorOffset(mini_start), mini.size(), mini);
    for (uint32_t i : big) {
      f.replace(out_.SectorOffset(entries_[i].start), entries_[i].size,
                *entries_[i].data);
    }
  }

  void WriteEntry(uint32_t i) {
    const FlatEntry& e = entries_[i];
    out_.entry[e.path] = i;
    std::string& f = out_.bytes;
    size_t off = out_.EntryOffset(i);
    for (size_t k = 0; k < e.name.size(); ++k) {
      PutU16(f, off + k * 2, static_cast<uint8_t>(e.name[k]));
    }
    PutU16(f, off + 64, static_cast<uint16_t>((e.name.size() + 1) * 2));
    f[off + 66] = static_cast<char>(e.type);
    f[off + 67] = 1;  // black
    PutU32(f, off + 68, e.left);
    PutU32(f, off + 72, e.right);
    PutU32(f, off + 76, e.child);
    PutU32(f, off + 116, e.start);
    PutU32(f, off + 120, static_cast<uint32_t>(e.size));
    PutU32(f, off + 124, static_cast<uint32_t>(e.size >> 32));
  }

  uint32_t shift_;
  std::vector<FlatEntry> entries_;
  Written out_;
};

Written WriteCfb(const Node& root, uint32_t shift = 9) {
  return CfbWriter(shift).Write(root);
}

// ---- Test-side MS-OVBA compressor ----------------------------------------

// Full 4096-byte chunks are stored raw; the last, shorter chunk is a
// compressed chunk made only of literal tokens.
std::string OvbaCompress(const std::string& in) {
  std::string out = "\x01";
  for (size_t pos = 0; pos < in.size() || pos == 0; pos += 4096) {
    std::string chunk = in.substr(pos, 4096);
    if (chunk.size() == 4096) {
      AddU16(out, 0x3FFF);
      out += chunk;
      continue;
    }
    std::string body;
    for (size_t k = 0; k < chunk.size(); k += 8) {
      body.push_back('\0');
      body += chunk.substr(k, 8);
    }
    EXPECT_LE(body.size(), 4096u);
    AddU16(out, static_cast<uint16_t>(0xB000 | (body.size() + 2 - 3)));
    out += body;
    if (in.empty()) break;
  }
  return out;
}

void AddRecord(std::string& dir, uint16_t id, const std::string& body) {
  AddU16(dir, id);
  AddU32(dir, static_cast<uint32_t>(body.size()));
  dir += body;
}
std::string U32Body(uint32_t v) {
  std::string s;
  AddU32(s, v);
  return s;
}
std::string Utf16(const std::string& ascii) {
  std::string s;
  for (char c : ascii) AddU16(s, static_cast<uint8_t>(c));
  return s;
}

struct Module {
  std::string name;
  std::string stream;
  std::string source;
  std::string compressed;  // empty: OvbaCompress(source)
};

// The decompressed dir stream of a project with `modules`.
std::string DirStream(const std::vector<Module>& modules,
                      const std::vector<uint32_t>& offsets) {
  std::string d;
  AddRecord(d, 0x0001, U32Body(1));
  AddRecord(d, 0x0002, U32Body(0x409));
  AddRecord(d, 0x0014, U32Body(0x409));
  AddRecord(d, 0x0003, std::string("\xE4\x04", 2));
  AddRecord(d, 0x0004, "VBAProject");
  AddRecord(d, 0x0005, "");
  AddRecord(d, 0x0040, "");
  AddRecord(d, 0x0006, "");
  AddRecord(d, 0x003D, "");
  AddRecord(d, 0x0007, U32Body(0));
  AddRecord(d, 0x0008, U32Body(0));
  AddU16(d, 0x0009);  // PROJECTVERSION: Reserved says 4, 6 bytes follow
  AddU32(d, 4);
  AddU32(d, 1);
  AddU16(d, 2);
  AddRecord(d, 0x000C, "");
  AddRecord(d, 0x003C, "");
  AddRecord(d, 0x0016, "stdole");
  AddRecord(d, 0x003E, Utf16("stdole"));
  AddRecord(d, 0x000D, std::string("\x05\x00\x00\x00*\\G{x}\0\0\0\0\0\0", 15));
  std::string count;
  AddU16(count, static_cast<uint16_t>(modules.size()));
  AddRecord(d, 0x000F, count);
  AddRecord(d, 0x0013, std::string("\xFF\xFF", 2));
  for (size_t i = 0; i < modules.size(); ++i) {
    const Module& m = modules[i];
    AddRecord(d, 0x0019, m.name);
    AddRecord(d, 0x0047, Utf16(m.name));
    AddRecord(d, 0x001A, m.stream);
    AddRecord(d, 0x0032, Utf16(m.stream));
    AddRecord(d, 0x001C, "");
    AddRecord(d, 0x0048, "");
    AddRecord(d, 0x0031, U32Body(offsets[i]));
    AddRecord(d, 0x001E, U32Body(0));
    AddRecord(d, 0x002C, std::string("\xFF\xFF", 2));
    AddRecord(d, 0x0021, "");
    AddRecord(d, 0x002B, "");
  }
  AddRecord(d, 0x0010, "");
  return d;
}

// A "VBA" storage: dir, _VBA_PROJECT and one stream per module, each
// starting with a fake performance cache of i * 37 + 5 bytes. The dir's
// MODULEOFFSETs are off by `offset_error` (0: right).
Node VbaStorage(const std::vector<Module>& modules, int offset_error = 0) {
  std::vector<Node> children;
  std::vector<uint32_t> offsets;
  for (size_t i = 0; i < modules.size(); ++i) {
    uint32_t cache = static_cast<uint32_t>(i * 37 + 5);
    offsets.push_back(static_cast<uint32_t>(cache + offset_error));
    const Module& m = modules[i];
    std::string body =
        m.compressed.empty() ? OvbaCompress(m.source) : m.compressed;
    children.push_back(Stream(m.stream, std::string(cache, '\xCC') + body));
  }
  children.push_back(
      Stream("_VBA_PROJECT", std::string("\xCC\x61\xFF\xFF\x00\x00\x00", 7)));
  children.push_back(Stream("dir", OvbaCompress(DirStream(modules, offsets))));
  return Storage("VBA", std::move(children));
}

// ---- Extraction helpers ---------------------------------------------------

struct Extracted {
  ExtractResult result;
  std::map<std::string, std::string> members;
  std::vector<std::string> order;
  std::map<std::string, ArchiveMember> info;  // data cleared
};

Extracted Extract(const std::string& file, ExtractLimits limits = {}) {
  Extracted x;
  x.result = ExtractOle2(Bytes(file), limits, [&](const ArchiveMember& m) {
    x.members[m.name] = std::string(AsChars(m.data));
    x.order.push_back(m.name);
    ArchiveMember copy = m;
    copy.data = {};
    x.info[m.name] = copy;
    return true;
  });
  return x;
}

bool HasNote(const ExtractResult& r, const std::string& part) {
  return std::any_of(r.notes.begin(), r.notes.end(), [&](const std::string& n) {
    return n.find(part) != std::string::npos;
  });
}

std::string Pattern(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

const std::string kSource1 =
    "Attribute VB_Name = \"Module1\"\r\n"
    "Sub AutoOpen()\r\n  MsgBox \"hello from vigil\"\r\nEnd Sub\r\n";

std::string LongSource() {
  std::string s = "Attribute VB_Name = \"Helpers\"\r\n";
  for (int i = 0; s.size() < 6000; ++i) {
    s += "Sub S" + std::to_string(i) + "()\r\n  x = " + std::to_string(i * 7) +
         "\r\nEnd Sub\r\n";
  }
  return s;
}

// A small Word-like file: regular and mini streams, nested storages and a
// VBA project with two modules (one over 4096 bytes of source).
Node SampleTree() {
  return Storage(
      "",
      {Stream("WordDocument", Pattern(9000, 1)),
       Stream("\x05SummaryInformation", Pattern(300, 2)),
       Stream("1Table", Pattern(4096, 3)), Stream("Empty", ""),
       Storage("Macros",
               {VbaStorage({{"Module1", "Module1", kSource1, ""},
                            {"Helpers", "HelpersStream", LongSource(), ""}}),
                Stream("PROJECT", "ID=\"{1}\"\r\nModule=Module1\r\n")}),
       Storage("ObjectPool",
               {Storage("_1234", {Stream("\x01Ole", Pattern(20, 4)),
                                  Stream("Contents", Pattern(5000, 5))})})});
}

// ---- Tests ----------------------------------------------------------------

TEST(Ole2, IsOle2) {
  Written w = WriteCfb(SampleTree());
  EXPECT_TRUE(IsOle2(Bytes(w.bytes)));
  EXPECT_FALSE(IsOle2(Bytes("PK\x03\x04")));
  EXPECT_FALSE(IsOle2(Bytes(w.bytes.substr(0, 7))));
}

void ExpectSample(const std::string& file) {
  Extracted x = Extract(file);
  EXPECT_TRUE(x.result.notes.empty()) << x.result.notes.front();
  // 11 streams (dir, _VBA_PROJECT and 2 module streams among them) and 2
  // module sources, checked before operator[] below can add names.
  std::vector<std::string> names;
  for (const auto& [name, data] : x.members) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "1Table", "Empty", "Macros/PROJECT",
                       "Macros/VBA/Helpers.vba", "Macros/VBA/HelpersStream",
                       "Macros/VBA/Module1", "Macros/VBA/Module1.vba",
                       "Macros/VBA/_VBA_PROJECT", "Macros/VBA/dir",
                       "ObjectPool/_1234/Contents", "ObjectPool/_1234/_Ole",
                       "WordDocument", "_SummaryInformation"}));
  EXPECT_EQ(x.result.members, 13u);
  EXPECT_EQ(x.members["WordDocument"], Pattern(9000, 1));
  EXPECT_EQ(x.members["_SummaryInformation"], Pattern(300, 2));
  EXPECT_EQ(x.members["1Table"], Pattern(4096, 3));
  EXPECT_EQ(x.members.count("Empty"), 1u);
  EXPECT_EQ(x.members["Empty"], "");
  EXPECT_EQ(x.members["Macros/PROJECT"], "ID=\"{1}\"\r\nModule=Module1\r\n");
  EXPECT_EQ(x.members["ObjectPool/_1234/_Ole"], Pattern(20, 4));
  EXPECT_EQ(x.members["ObjectPool/_1234/Contents"], Pattern(5000, 5));
  EXPECT_EQ(x.members["Macros/VBA/Module1.vba"], kSource1);
  EXPECT_EQ(x.members["Macros/VBA/Helpers.vba"], LongSource());
  EXPECT_EQ(x.info["WordDocument"].declared_size, 9000u);
  EXPECT_FALSE(x.result.hit_member_limit);
  EXPECT_FALSE(x.result.hit_size_limit);
}

TEST(Ole2, ReadsEveryStreamAndModule512) {
  ExpectSample(WriteCfb(SampleTree(), 9).bytes);
}

TEST(Ole2, ReadsEveryStreamAndModule4096) {
  ExpectSample(WriteCfb(SampleTree(), 12).bytes);
}

TEST(Ole2, ModuleSourcesComeFirst) {
  Extracted x = Extract(WriteCfb(SampleTree()).bytes);
  ASSERT_GE(x.order.size(), 2u);
  EXPECT_EQ(x.order[0], "Macros/VBA/Module1.vba");
  EXPECT_EQ(x.order[1], "Macros/VBA/Helpers.vba");
}

TEST(Ole2, DifatChainBeyond109FatSectors) {
  // 110+ FAT sectors of 128 entries: a stream of about 7.2 MB.
  std::string big = Pattern(14100 * 512, 9);
  Written w = WriteCfb(Storage("", {Stream("Big", big), Stream("s", "tiny")}));
  uint32_t difat_sectors = 0;
  std::memcpy(&difat_sectors, w.bytes.data() + 72, 4);
  ASSERT_GE(difat_sectors, 1u);
  Extracted x = Extract(w.bytes);
  EXPECT_TRUE(x.result.notes.empty());
  EXPECT_TRUE(x.members["Big"] == big);
  EXPECT_EQ(x.members["s"], "tiny");
}

TEST(Ole2, CopyTokensDecompress) {
  // "abc" as literals, then a copy token at d = 3 (4 offset bits): offset 3,
  // length 9. Then at d = 12, literal "0123456789" (d = 22, 5 offset bits)
  // and a copy of offset 22, length 20.
  std::string body = std::string(
      "\x08"
      "abc"
      "\x06\x20"
      "0123",
      10);
  uint16_t token = static_cast<uint16_t>(((22 - 1) << 11) | (20 - 3));
  body += std::string(
      "\x40"
      "456789",
      7);
  AddU16(body, token);
  std::string container = "\x01";
  AddU16(container, static_cast<uint16_t>(0xB000 | (body.size() - 1)));
  container += body;
  std::string prefix = "abcabcabcabc0123456789";
  std::string expected = prefix + prefix.substr(0, 20);
  auto out = ole2::DecompressOvba(Bytes(container), 1 << 20);
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(std::string(AsChars(ByteView(out.bytes))), expected);

  // The same container as a module's source inside a file.
  Written w =
      WriteCfb(Storage("", {VbaStorage({{"Copy", "Copy", "", container}})}));
  Extracted x = Extract(w.bytes);
  EXPECT_EQ(x.members["VBA/Copy.vba"], expected);
}

TEST(Ole2, WrongModuleOffsetFindsTheSource) {
  // MODULEOFFSET one byte late, one early, and past the stream: the source
  // is found by its "Attribut" start, with a note saying so.
  for (int error : {1, -1, 4, 100000}) {
    Written w = WriteCfb(Storage(
        "", {VbaStorage({{"Module1", "Module1", kSource1, ""},
                         {"Helpers", "HelpersStream", LongSource(), ""}},
                        error)}));
    Extracted x = Extract(w.bytes);
    EXPECT_EQ(x.members["VBA/Module1.vba"], kSource1) << error;
    EXPECT_TRUE(x.members["VBA/Helpers.vba"] == LongSource()) << error;
    EXPECT_TRUE(HasNote(x.result, "VBA/Module1.vba: ")) << error;
    EXPECT_TRUE(HasNote(x.result, "source found at 5")) << error;
    EXPECT_TRUE(HasNote(x.result, "source found at 42")) << error;
  }
}

TEST(Ole2, FindModuleSourceNeedsAContainerHeader) {
  const std::string attribut("\0Attribut", 9);
  std::string header = "\x01";
  AddU16(header, 0xB000 | 100);
  EXPECT_EQ(ole2::FindModuleSource(Bytes("xx" + header + attribut)), 2u);
  std::string raw_header = "\x01";
  AddU16(raw_header, 0x3FFF);  // a raw chunk: the text at once
  EXPECT_EQ(ole2::FindModuleSource(Bytes("x" + raw_header + "Attribute")), 1u);
  // No 0x01, a chunk signature other than 0b011, "Attribut" without the
  // flag byte of a compressed chunk or with one in a raw chunk, a raw chunk
  // that is not 4096 bytes: not a source.
  std::string bad_signature = "\x01";
  AddU16(bad_signature, 0xC000 | 100);
  for (const std::string& s :
       {"xxx" + attribut, bad_signature + attribut, header + attribut.substr(1),
        header + attribut.substr(0, 8), raw_header + attribut,
        std::string("\x01\xFE\x3F", 3) + "Attribut"}) {
    EXPECT_FALSE(ole2::FindModuleSource(Bytes(s)).has_value());
  }
  // A module stream without any source: a note, nothing invented.
  Written w = WriteCfb(
      Storage("", {VbaStorage({{"Junk", "Junk", "", std::string(300, 'A')}})}));
  Extracted x = Extract(w.bytes);
  EXPECT_TRUE(HasNote(x.result, "VBA/Junk.vba: bad compressed container"));
  EXPECT_EQ(x.members["VBA/Junk.vba"], "");
}

TEST(Ole2, DecompressRejectsBadCopies) {
  std::string c = "\x01";
  std::string body = std::string("\x01\x00\x00", 3);  // copy at d = 0
  AddU16(c, static_cast<uint16_t>(0xB000 | (body.size() - 1)));
  c += body;
  EXPECT_NE(ole2::DecompressOvba(Bytes(c), 100).error, "");
  c = "\x01";
  body = std::string(
      "\x02"
      "a"
      "\x00\xF0",
      4);  // offset 16 at d = 1
  AddU16(c, static_cast<uint16_t>(0xB000 | (body.size() - 1)));
  c += body;
  auto out = ole2::DecompressOvba(Bytes(c), 100);
  EXPECT_NE(out.error, "");
  EXPECT_EQ(std::string(AsChars(ByteView(out.bytes))), "a");
  EXPECT_NE(ole2::DecompressOvba(Bytes("\x02zz"), 100).error, "");
}

TEST(Ole2, MemberSizeLimitTruncates) {
  ExtractLimits limits;
  limits.max_member_size = 100;
  Extracted x = Extract(WriteCfb(SampleTree()).bytes, limits);
  EXPECT_TRUE(x.result.hit_size_limit);
  EXPECT_EQ(x.members["WordDocument"], Pattern(9000, 1).substr(0, 100));
  EXPECT_TRUE(x.info["WordDocument"].truncated);
  EXPECT_EQ(x.members["Macros/VBA/Helpers.vba"], LongSource().substr(0, 100));
  EXPECT_TRUE(x.info["Macros/VBA/Helpers.vba"].truncated);
  EXPECT_FALSE(x.info["ObjectPool/_1234/_Ole"].truncated);
}

TEST(Ole2, MemberCountLimitStops) {
  ExtractLimits limits;
  limits.max_members = 3;
  Extracted x = Extract(WriteCfb(SampleTree()).bytes, limits);
  EXPECT_EQ(x.result.members, 3u);
  EXPECT_EQ(x.members.size(), 3u);
  EXPECT_TRUE(x.result.hit_member_limit);
}

TEST(Ole2, CallbackStops) {
  int calls = 0;
  ExtractOle2(Bytes(WriteCfb(SampleTree()).bytes), {},
              [&](const ArchiveMember&) { return ++calls < 2; });
  EXPECT_EQ(calls, 2);
}

TEST(Ole2, ManyStreams) {
  std::vector<Node> streams;
  for (int i = 0; i < 3000; ++i) {
    streams.push_back(Stream("s" + std::to_string(i), std::to_string(i * i)));
  }
  Extracted x = Extract(WriteCfb(Storage("", std::move(streams))).bytes);
  EXPECT_TRUE(x.result.notes.empty());
  ASSERT_EQ(x.members.size(), 3000u);
  EXPECT_EQ(x.members["s2999"], std::to_string(2999 * 2999));
}

TEST(Ole2, DeepNestingIsCut) {
  Node inner = Stream("leaf", "bottom");
  for (int depth = 70; depth > 0; --depth) {
    inner = Storage("d" + std::to_string(depth),
                    {std::move(inner), Stream("at", std::to_string(depth))});
  }
  Extracted x = Extract(WriteCfb(Storage("", {std::move(inner)})).bytes);
  EXPECT_TRUE(HasNote(x.result, "nested too deep"));
  EXPECT_EQ(x.members["d1/at"], "1");
  std::string path;
  for (int depth = 1; depth <= 64; ++depth) {
    path += "d" + std::to_string(depth) + "/";
  }
  EXPECT_EQ(x.members[path + "at"], "64");
  EXPECT_EQ(x.members.size(), 64u);
}

// ---- Malformed files ------------------------------------------------------

TEST(Ole2Malformed, FatLoop) {
  Written w = WriteCfb(SampleTree());
  uint32_t s = w.start["WordDocument"];
  PutU32(w.bytes, w.FatEntryOffset(s + 5), s);  // sector 6 -> sector 1
  Extracted x = Extract(w.bytes);
  EXPECT_TRUE(HasNote(x.result, "loops"));
  EXPECT_EQ(x.members["WordDocument"], Pattern(9000, 1).substr(0, 6 * 512));
  EXPECT_EQ(x.members["1Table"], Pattern(4096, 3));
}

TEST(Ole2Malformed, DirectoryChainLoop) {
  Written w = WriteCfb(SampleTree());
  PutU32(w.bytes, w.FatEntryOffset(w.dir_start + 1), w.dir_start);
  Extracted x = Extract(w.bytes);
  EXPECT_TRUE(HasNote(x.result, "directory chain loops"));
}

TEST(Ole2Malformed, DirectoryCycle) {
  Written w = WriteCfb(SampleTree());
  // A stream inside ObjectPool/_1234 links back to ObjectPool (sibling
  // cycle through a storage) and _1234's child links to itself.
  uint32_t ole = w.entry["ObjectPool/_1234/_Ole"];
  uint32_t pool = w.entry["ObjectPool"];
  uint32_t inner = w.entry["ObjectPool/_1234"];
  PutU32(w.bytes, w.EntryOffset(ole) + 68, pool);
  PutU32(w.bytes, w.EntryOffset(inner) + 72, inner);
  PutU32(w.bytes, w.EntryOffset(inner) + 68, 0);  // back to the root
  auto t0 = std::chrono::steady_clock::now();
  Extracted x = Extract(w.bytes);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_TRUE(HasNote(x.result, "directory cycle"));
  EXPECT_EQ(x.members["ObjectPool/_1234/Contents"], Pattern(5000, 5));
  EXPECT_EQ(x.members["WordDocument"], Pattern(9000, 1));
}

TEST(Ole2Malformed, SizeBeyondFile) {
  Written w = WriteCfb(SampleTree());
  PutU32(w.bytes, w.EntryOffset(w.entry["WordDocument"]) + 120, 0xFFFFFF00u);
  Extracted x = Extract(w.bytes);
  EXPECT_TRUE(HasNote(x.result, "beyond the file"));
  EXPECT_EQ(x.members["WordDocument"].substr(0, 9000), Pattern(9000, 1));
  EXPECT_LE(x.members["WordDocument"].size(), w.bytes.size());
  EXPECT_EQ(x.members["1Table"], Pattern(4096, 3));
}

TEST(Ole2Malformed, Truncated) {
  Written w = WriteCfb(SampleTree());
  for (size_t cut : {size_t{0}, size_t{8}, size_t{300}, size_t{512},
                     size_t{1024}, w.bytes.size() / 2, w.bytes.size() - 700}) {
    Extracted x = Extract(w.bytes.substr(0, cut));
    EXPECT_FALSE(x.result.notes.empty()) << cut;
  }
  // Cut inside WordDocument's last sectors: its start survives.
  Extracted x = Extract(
      w.bytes.substr(0, w.SectorOffset(w.start["WordDocument"]) + 2000));
  EXPECT_TRUE(HasNote(x.result, "shorter than its declared size"));
  EXPECT_EQ(x.members["WordDocument"], Pattern(9000, 1).substr(0, 2000));
}

TEST(Ole2Malformed, BadSectorShift) {
  Written w = WriteCfb(SampleTree());
  PutU16(w.bytes, 30, 10);
  Extracted x = Extract(w.bytes);
  EXPECT_EQ(x.result.members, 0u);
  EXPECT_TRUE(HasNote(x.result, "bad sector shift"));
  w = WriteCfb(SampleTree());
  PutU16(w.bytes, 32, 7);
  x = Extract(w.bytes);
  EXPECT_EQ(x.result.members, 0u);
  EXPECT_TRUE(HasNote(x.result, "bad mini sector shift"));
}

TEST(Ole2Malformed, DifatLoop) {
  Written w = WriteCfb(SampleTree());
  // The DIFAT chain starts at FAT sector 0, whose last entry points back
  // to it; the header's FAT sector count still selects the right sectors.
  PutU32(w.bytes, 68, 0);
  PutU32(w.bytes, w.FatEntryOffset(127), 0);
  Extracted x = Extract(w.bytes);
  EXPECT_TRUE(HasNote(x.result, "DIFAT chain loops"));
  EXPECT_EQ(x.members["WordDocument"], Pattern(9000, 1));
}

TEST(Ole2Malformed, BadVbaRecords) {
  Written w =
      WriteCfb(Storage("", {VbaStorage({{"M", "Missing", kSource1, ""}})}));
  // Rename the module stream so the dir stream's MODULESTREAMNAME misses.
  uint32_t e = w.entry["VBA/Missing"];
  PutU16(w.bytes, w.EntryOffset(e), 'X');
  Extracted x = Extract(w.bytes);
  EXPECT_TRUE(HasNote(x.result, "missing"));
  EXPECT_EQ(x.members.count("VBA/M.vba"), 0u);
  EXPECT_EQ(x.members.count("VBA/Xissing"), 1u);
}

TEST(Ole2Malformed, RandomDamageEndsQuickly) {
  Written w = WriteCfb(SampleTree());
  std::mt19937 rng(42);
  auto t0 = std::chrono::steady_clock::now();
  for (int round = 0; round < 1500; ++round) {
    std::string f = w.bytes;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < flips; ++k) {
      // Damage mostly the header, FAT and directory.
      size_t limit =
          rng() % 4 == 0 ? f.size() : std::min<size_t>(f.size(), 4096);
      f[rng() % limit] = static_cast<char>(rng());
    }
    ExtractLimits limits;
    limits.max_member_size = 1 << 16;
    Extract(f, limits);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
}

// Differential check against Debian's python3-olefile where it is installed:
// it must list the same streams with the same bytes (this also checks that
// the test writer makes files another reader accepts).
TEST(Ole2, MatchesOlefile) {
  const std::string env = "PYTHONPATH=/usr/lib/python3/dist-packages ";
  if (std::system((env + "python3 -c 'import olefile' 2>/dev/null").c_str()) !=
      0) {
    GTEST_SKIP() << "python3-olefile not installed";
  }
  for (uint32_t shift : {9u, 12u}) {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("vigil_ole2_" + std::to_string(getpid()) + ".bin"))
                           .string();
    std::ofstream(path, std::ios::binary)
        << WriteCfb(SampleTree(), shift).bytes;
    std::string cmd =
        env +
        "python3 -c \"import olefile,sys\n"
        "o=olefile.OleFileIO(sys.argv[1])\n"
        "for e in o.listdir():\n"
        "  n='/'.join(''.join('_' if ord(c)<32 else c for c in p) for p in e)\n"
        "  print(n, o.openstream(e).read().hex())\" " +
        path;
    FILE* pipe = popen(cmd.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
    EXPECT_EQ(pclose(pipe), 0);
    std::filesystem::remove(path);
    std::map<std::string, std::string> theirs;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      size_t space = line.find(' ');  // "name hex"; hex empty for no bytes
      if (space == std::string::npos) continue;
      theirs[line.substr(0, space)] = line.substr(space + 1);
    }
    std::map<std::string, std::string> ours;
    for (const auto& [member, data] :
         Extract(WriteCfb(SampleTree(), shift).bytes).members) {
      if (member.ends_with(".vba")) continue;
      static const char* kHex = "0123456789abcdef";
      std::string h;
      for (unsigned char c : data) {
        h.push_back(kHex[c >> 4]);
        h.push_back(kHex[c & 15]);
      }
      ours[member] = h;
    }
    EXPECT_EQ(theirs.size(), 11u);
    EXPECT_TRUE(ours == theirs) << "sector shift " << shift;
  }
}

// Writes the seed corpus when VIGIL_WRITE_SEEDS names a directory.
TEST(Ole2, Seeds) {
  const char* dir = std::getenv("VIGIL_WRITE_SEEDS");
  if (dir == nullptr) GTEST_SKIP() << "VIGIL_WRITE_SEEDS not set";
  auto save = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(std::filesystem::path(dir) / name, std::ios::binary) << bytes;
  };
  save("seed-sample-512.doc", WriteCfb(SampleTree(), 9).bytes);
  save("seed-sample-4096.doc", WriteCfb(SampleTree(), 12).bytes);
  save("seed-vba-only.xls",
       WriteCfb(Storage("", {VbaStorage({{"A", "A", kSource1, ""}})})).bytes);
  save("seed-minimal.ole", WriteCfb(Storage("", {Stream("x", "y")})).bytes);
}

}  // namespace
}  // namespace vigil::formats

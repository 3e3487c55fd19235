// ARJ extraction. Real archives are written at test time by the Debian tool
// `arj` (package arj), with every method, and each member must come out
// exactly as the file that went in; damaged archives are derived from them
// or built by hand (headers with their own CRC-32, written here).
#include "formats/arj/arj.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../member_collector.h"
#include "clamav_cli.h"

namespace vigil::formats {
namespace {

namespace fs = std::filesystem;

ByteView Bytes(const std::string& s) {
  return ByteView(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

using testing::CollectMembers;
using testing::Extracted;

Extracted Extract(const std::string& archive, ExtractLimits limits = {}) {
  return CollectMembers([&](const auto& on_member) {
    return ExtractArj(Bytes(archive), limits, on_member);
  });
}

// Scratch files through the shared test helpers (tests/unit/filetype/
// clamav_cli.h); a file that is missing reads as "".
using testing::TempDir;
using testing::WriteFile;
std::string ReadFile(const fs::path& p) {
  return testing::ReadFile(p).value_or("");
}

// True when `arj` is on PATH; otherwise a failure naming the Debian package.
bool HaveArj() {
  if (testing::HaveTool("arj")) return true;
  ADD_FAILURE() << "`arj` not found: install the Debian package 'arj' "
                   "(apt-get install -y arj)";
  return false;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

std::string Text(size_t n) {
  static const char* const kWords[] = {"scan ",    "virus ",  "signature ",
                                       "archive ", "member ", "limit\n",
                                       "the ",     "of ",     "decoder "};
  std::mt19937 rng(7);
  std::string s;
  while (s.size() < n) s += kWords[rng() % std::size(kWords)];
  s.resize(n);
  return s;
}

// Random blocks repeated at distances of 8 KB and 21 KB: long matches that
// need the widest position codes of each method.
std::string Repeats() {
  const std::string near = RandomBytes(8000, 5);
  const std::string far = RandomBytes(20000, 6);
  return near + near + far + RandomBytes(1000, 7) + far;
}

using Files = std::map<std::string, std::string>;  // relative path -> data

Files SampleFiles() {
  return {{"empty.bin", ""},
          {"one.bin", "x"},
          {"random.bin", RandomBytes(100 * 1024, 1)},
          {"text.txt", Text(2 * 1024 * 1024)},
          {"sub/inner.txt", Text(5000) + "inner"},
          {"repeats.bin", Repeats()}};
}

// The archive `arj a <options>` makes of `files`.
std::string MakeArj(const Files& files, const std::string& options) {
  TempDir dir;
  std::string list;
  for (const auto& [name, data] : files) {
    WriteFile(dir.path() / name, data);
    list += " '" + name + "'";
  }
  const std::string cmd = "cd '" + dir.path().string() + "' && arj a -y " +
                          options + " out.arj" + list + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return ReadFile(dir.path() / "out.arj");
}

// The same CRC-32 as ARJ's, computed bit by bit (an independent reference).
uint32_t Crc32(const std::string& s) {
  uint32_t crc = 0xFFFFFFFFu;
  for (char ch : s) {
    crc ^= static_cast<uint8_t>(ch);
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

void PutU16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void PutU32(std::string& s, uint32_t v) {
  PutU16(s, v & 0xFFFF);
  PutU16(s, v >> 16);
}

struct Entry {
  std::string name;
  uint8_t method = 0;
  uint8_t flags = 0;
  uint8_t type = 0;
  std::string packed;
  uint32_t original_size = 0;
  uint32_t crc = 0;
};

// One header: id, size, basic header (30-byte fixed part), CRC, no
// extended headers.
std::string Header(const Entry& e) {
  std::string basic;
  basic.push_back(30);
  basic += std::string("\x0b\x01\x02", 3);  // versions, host OS (UNIX)
  basic.push_back(static_cast<char>(e.flags));
  basic.push_back(static_cast<char>(e.method));
  basic.push_back(static_cast<char>(e.type));
  basic.push_back(0);
  PutU32(basic, 0);  // time
  PutU32(basic, static_cast<uint32_t>(e.packed.size()));
  PutU32(basic, e.original_size);
  PutU32(basic, e.crc);
  PutU16(basic, 0);
  PutU16(basic, 0644);
  basic += std::string(2, '\0');
  basic += e.name + std::string(1, '\0') + std::string(1, '\0');
  std::string h = "\x60\xEA";
  PutU16(h, static_cast<uint32_t>(basic.size()));
  h += basic;
  PutU32(h, Crc32(basic));
  PutU16(h, 0);  // no extended headers
  return h;
}

std::string Archive(const std::vector<Entry>& entries) {
  Entry main_header;
  main_header.name = "hand.arj";
  main_header.type = 2;
  std::string a = Header(main_header);
  for (const Entry& e : entries) a += Header(e) + e.packed;
  return a + std::string("\x60\xEA\0\0", 4);
}

Entry StoredEntry(const std::string& name, const std::string& data) {
  Entry e;
  e.name = name;
  e.packed = data;
  e.original_size = static_cast<uint32_t>(data.size());
  e.crc = Crc32(data);
  return e;
}

// Packs bits most significant first, as ARJ's compressed methods read them.
class BitWriter {
 public:
  void Put(uint32_t value, int bits) {
    for (int i = bits - 1; i >= 0; --i) {
      if (n_ % 8 == 0) out_.push_back('\0');
      if ((value >> i) & 1) out_.back() |= static_cast<char>(0x80 >> (n_ % 8));
      ++n_;
    }
  }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
  size_t n_ = 0;
};

// Offset of the first local header (after the main header of a real archive).
size_t FirstLocalHeader(const std::string& a) {
  const size_t basic =
      static_cast<uint8_t>(a[2]) | (static_cast<uint8_t>(a[3]) << 8);
  size_t pos = 4 + basic + 4;
  while (true) {  // extended headers
    const size_t ext =
        static_cast<uint8_t>(a[pos]) | (static_cast<uint8_t>(a[pos + 1]) << 8);
    pos += 2;
    if (ext == 0) return pos;
    pos += ext + 4;
  }
}

// Rewrites a 32-bit field of the basic header at `header` and its CRC.
void PatchField(std::string& a, size_t header, size_t field, uint32_t v) {
  const size_t size = static_cast<uint8_t>(a[header + 2]) |
                      (static_cast<uint8_t>(a[header + 3]) << 8);
  std::string value;
  PutU32(value, v);
  a.replace(header + 4 + field, 4, value);
  std::string crc;
  PutU32(crc, Crc32(a.substr(header + 4, size)));
  a.replace(header + 4 + size, 4, crc);
}

constexpr size_t kPackedSizeField = 12;
constexpr size_t kOriginalSizeField = 16;

class ArjMethodTest : public ::testing::TestWithParam<int> {};

TEST_P(ArjMethodTest, EveryMemberMatchesItsFile) {
  if (!HaveArj()) return;
  const Files files = SampleFiles();
  const std::string a = MakeArj(files, "-m" + std::to_string(GetParam()));
  ASSERT_TRUE(IsArj(Bytes(a)));
  if (GetParam() != 0) {
    EXPECT_LT(a.size(), 1u << 20);  // really compressed
  }
  Extracted e = Extract(a);
  EXPECT_TRUE(e.result.notes.empty()) << e.Notes();
  EXPECT_EQ(e.result.members, files.size());
  EXPECT_FALSE(e.result.encrypted);
  EXPECT_FALSE(e.result.hit_size_limit);
  for (const auto& [name, data] : files) {
    ASSERT_EQ(e.data.count(name), 1u) << name;
    EXPECT_TRUE(e.data[name] == data) << name << ": " << e.data[name].size()
                                      << " bytes, want " << data.size();
  }
  for (const ArchiveMember& m : e.members) {
    EXPECT_EQ(m.declared_size, files.at(m.name).size()) << m.name;
    EXPECT_FALSE(m.truncated);
    EXPECT_FALSE(m.encrypted);
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, ArjMethodTest,
                         ::testing::Values(0, 1, 2, 3, 4));

TEST(Arj, GarbledMembersAreEncryptedWithoutData) {
  if (!HaveArj()) return;
  const std::string a = MakeArj({{"secret.txt", Text(4000)}}, "-gsecret");
  Extracted e = Extract(a);
  ASSERT_EQ(e.members.size(), 1u) << e.Notes();
  EXPECT_TRUE(e.members[0].encrypted);
  EXPECT_TRUE(e.result.encrypted);
  EXPECT_EQ(e.members[0].name, "secret.txt");
  EXPECT_TRUE(e.data["secret.txt"].empty());
}

TEST(Arj, BombStopsAtTheSizeLimit) {
  if (!HaveArj()) return;
  const std::string a =
      MakeArj({{"zeros", std::string(20 << 20, '\0')}}, "-m1");
  ASSERT_LT(a.size(), 100000u);
  ExtractLimits limits;
  limits.max_member_size = 1 << 20;
  Extracted e = Extract(a, limits);
  ASSERT_EQ(e.members.size(), 1u) << e.Notes();
  EXPECT_TRUE(e.members[0].truncated);
  EXPECT_TRUE(e.result.hit_size_limit);
  EXPECT_EQ(e.data["zeros"], std::string(1 << 20, '\0'));
  EXPECT_EQ(e.members[0].declared_size, 20u << 20);
}

TEST(Arj, TruncatedArchivesGiveWhatWasRead) {
  if (!HaveArj()) return;
  const Files files = {{"a.txt", Text(30000)},
                       {"b.bin", RandomBytes(30000, 2)}};
  for (int method : {0, 1, 4}) {
    const std::string a = MakeArj(files, "-m" + std::to_string(method));
    for (size_t cut = 0; cut < a.size(); cut += 97) {
      Extracted e = Extract(a.substr(0, cut));
      EXPECT_FALSE(e.result.notes.empty())
          << "method " << method << " cut " << cut;
      for (const auto& [name, data] : e.data) {
        EXPECT_LE(data.size(), files.at(name).size());
      }
    }
    // Cut inside the second member: the first is whole.
    Extracted e = Extract(a.substr(0, a.size() - 1000));
    EXPECT_EQ(e.data["a.txt"], files.at("a.txt")) << "method " << method;
  }
}

TEST(Arj, CorruptHeaderCrcIsRejected) {
  if (!HaveArj()) return;
  std::string a = MakeArj({{"a.txt", "hello"}}, "-m1");
  std::string bad_main = a;
  bad_main[10] = static_cast<char>(bad_main[10] ^ 0x40);
  EXPECT_FALSE(IsArj(Bytes(bad_main)));
  Extracted e = Extract(bad_main);
  EXPECT_EQ(e.result.members, 0u);
  EXPECT_NE(e.Notes().find("header CRC"), std::string::npos) << e.Notes();

  std::string bad_local = a;
  const size_t local = FirstLocalHeader(a);
  bad_local[local + 10] = static_cast<char>(bad_local[local + 10] ^ 0x40);
  EXPECT_TRUE(IsArj(Bytes(bad_local)));
  e = Extract(bad_local);
  EXPECT_EQ(e.result.members, 0u);
  EXPECT_NE(e.Notes().find("header CRC"), std::string::npos) << e.Notes();
}

TEST(Arj, AbsurdSizesAreNotedAndBounded) {
  if (!HaveArj()) return;
  const std::string text = Text(30000);
  for (int method : {0, 1, 4}) {
    const std::string a =
        MakeArj({{"a.txt", text}}, "-m" + std::to_string(method));
    const size_t local = FirstLocalHeader(a);
    ExtractLimits limits;
    limits.max_member_size = 1 << 20;

    std::string huge_original = a;
    PatchField(huge_original, local, kOriginalSizeField, 0xFFFFFFFFu);
    Extracted e = Extract(huge_original, limits);
    ASSERT_EQ(e.members.size(), 1u) << e.Notes();
    EXPECT_FALSE(e.result.notes.empty());
    EXPECT_LE(e.data["a.txt"].size(), limits.max_member_size);
    EXPECT_EQ(e.data["a.txt"].substr(0, text.size()), text)
        << "method " << method;

    std::string huge_packed = a;
    PatchField(huge_packed, local, kPackedSizeField, 0xFFFFFFF0u);
    e = Extract(huge_packed, limits);
    EXPECT_NE(e.Notes().find("packed data truncated"), std::string::npos)
        << e.Notes();
  }
}

TEST(Arj, DamagedDataIsNotedAndPassedOn) {
  if (!HaveArj()) return;
  const std::string text = Text(30000);
  for (int method : {0, 1, 4}) {
    std::string a = MakeArj({{"a.txt", text}}, "-m" + std::to_string(method));
    const size_t local = FirstLocalHeader(a);
    const size_t size = static_cast<uint8_t>(a[local + 2]) |
                        (static_cast<uint8_t>(a[local + 3]) << 8);
    const size_t data = local + 4 + size + 4 + 2 + 200;
    a[data] = static_cast<char>(a[data] ^ 0x10);
    Extracted e = Extract(a);
    ASSERT_EQ(e.members.size(), 1u) << "method " << method;
    EXPECT_FALSE(e.result.notes.empty()) << "method " << method;
    if (method == 0) {
      EXPECT_NE(e.Notes().find("CRC mismatch"), std::string::npos);
      EXPECT_EQ(e.data["a.txt"].size(), text.size());
    }
  }
}

TEST(Arj, RandomDamageNeverBreaksTheReader) {
  if (!HaveArj()) return;
  const Files files = {{"a.txt", Text(20000)}, {"b.bin", RandomBytes(5000, 3)}};
  for (int method : {1, 4}) {
    const std::string a = MakeArj(files, "-m" + std::to_string(method));
    std::mt19937 rng(static_cast<uint32_t>(method));
    ExtractLimits limits;
    limits.max_member_size = 1 << 16;
    for (int round = 0; round < 300; ++round) {
      std::string b = a;
      const size_t local = FirstLocalHeader(a);
      for (int k = 0; k < 4; ++k) {
        const size_t at = local + 60 + rng() % (b.size() - local - 60);
        b[at] = static_cast<char>(rng());
      }
      Extracted e = Extract(b, limits);
      for (const auto& [name, data] : e.data) EXPECT_LE(data.size(), 1u << 16);
    }
  }
}

TEST(Arj, LimitsOnMembers) {
  const std::string a = Archive(
      {StoredEntry("a", "1"), StoredEntry("b", "22"), StoredEntry("c", "333")});
  ExtractLimits limits;
  limits.max_members = 2;
  Extracted e = Extract(a, limits);
  EXPECT_EQ(e.result.members, 2u);
  EXPECT_TRUE(e.result.hit_member_limit);

  limits = {};
  limits.max_member_size = 2;
  e = Extract(a, limits);
  ASSERT_EQ(e.members.size(), 3u) << e.Notes();
  EXPECT_FALSE(e.members[1].truncated);  // exactly at the limit
  EXPECT_TRUE(e.members[2].truncated);
  EXPECT_EQ(e.data["c"], "33");

  int calls = 0;
  ExtractArj(Bytes(a), {}, [&](const ArchiveMember&) { return ++calls < 1; });
  EXPECT_EQ(calls, 1);
}

TEST(Arj, HandBuiltArchive) {
  Entry dir;
  dir.name = "folder";
  dir.type = 3;
  const std::string a =
      Archive({StoredEntry("x\x01y\nz", "data"), dir, StoredEntry("last", "")});
  EXPECT_TRUE(IsArj(Bytes(a)));
  Extracted e = Extract(a);
  EXPECT_TRUE(e.result.notes.empty()) << e.Notes();
  ASSERT_EQ(e.members.size(), 2u);
  EXPECT_EQ(e.members[0].name, "x_y_z");
  EXPECT_EQ(e.data["x_y_z"], "data");
  EXPECT_EQ(e.members[1].name, "last");
}

TEST(Arj, NotArj) {
  EXPECT_FALSE(IsArj(Bytes("")));
  EXPECT_FALSE(IsArj(Bytes("\x60")));
  EXPECT_FALSE(IsArj(Bytes(std::string("\x60\xEA\x00\x00", 4))));
  EXPECT_FALSE(IsArj(
      Bytes(std::string("\x60\xEA\xFF\x7F", 4) + std::string(40000, 'a'))));
  EXPECT_FALSE(IsArj(Bytes("PK\x03\x04 not an arj archive")));
  Extracted e = Extract("garbage");
  EXPECT_EQ(e.result.members, 0u);
  EXPECT_FALSE(e.result.notes.empty());
}

// Method 1 with hand-made block headers.
std::string Method1Archive(const std::string& packed, uint32_t original_size) {
  Entry e;
  e.name = "h";
  e.method = 1;
  e.packed = packed;
  e.original_size = original_size;
  e.crc = 0;
  return Archive({e});
}

TEST(Arj, OverSubscribedAndIncompleteTablesAreRejected) {
  // pt table: three symbols of length 1 (over-subscribed).
  BitWriter over;
  over.Put(10, 16);  // block size
  over.Put(3, 5);    // n
  for (int i = 0; i < 3; ++i) over.Put(1, 3);
  over.Put(0, 2);  // no extra zeros
  over.Put(0, 32);
  Extracted e = Extract(Method1Archive(over.bytes(), 10));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_NE(e.Notes().find("bad Huffman table"), std::string::npos)
      << e.Notes();

  // pt table: one symbol of length 1 (incomplete).
  BitWriter incomplete;
  incomplete.Put(10, 16);
  incomplete.Put(1, 5);
  incomplete.Put(1, 3);
  incomplete.Put(0, 32);
  e = Extract(Method1Archive(incomplete.bytes(), 10));
  EXPECT_NE(e.Notes().find("bad Huffman table"), std::string::npos)
      << e.Notes();

  // A length of 17 and more ("111" then ten one bits).
  BitWriter too_long;
  too_long.Put(10, 16);
  too_long.Put(1, 5);
  too_long.Put(7, 3);
  too_long.Put(0x3FF, 10);
  too_long.Put(0, 32);
  e = Extract(Method1Archive(too_long.bytes(), 10));
  EXPECT_NE(e.Notes().find("bad Huffman table"), std::string::npos)
      << e.Notes();
}

TEST(Arj, SingleSymbolTablesDecode) {
  // Every table holds one zero-bit code: c always 'A', so no bits per symbol.
  BitWriter w;
  w.Put(5, 16);  // five codes
  w.Put(0, 5);   // pt: single symbol
  w.Put(0, 5);
  w.Put(0, 9);  // c: single symbol 'A'
  w.Put('A', 9);
  w.Put(0, 5);  // p: single symbol 0
  w.Put(0, 5);
  Entry e;
  e.name = "a";
  e.method = 1;
  e.packed = w.bytes();
  e.original_size = 5;
  e.crc = Crc32("AAAAA");
  Extracted x = Extract(Archive({e}));
  EXPECT_TRUE(x.result.notes.empty()) << x.Notes();
  EXPECT_EQ(x.data["a"], "AAAAA");
}

}  // namespace
}  // namespace vigil::formats

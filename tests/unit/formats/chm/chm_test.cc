// CHM extraction. Files are written at test time by chm_writer.cc (the
// twin of tests/e2e/chm_writer.py, whose output libmspack, chmlib and
// clamscan read byte-exactly); each member must come out exactly as the
// file that went in. Damaged files are derived from them: patched fields,
// absurd directory entries, cut short.
#include "formats/chm/chm.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../member_collector.h"
#include "chm_writer.h"

namespace vigil::formats {
namespace {

using testing::ChmEntry;
using testing::ChmImage;
using testing::ChmInput;
using testing::ChmOptions;
using testing::WriteChm;

ByteView Bytes(const std::string& s) {
  return ByteView(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

using vigil::testing::CollectMembers;
using vigil::testing::Extracted;

Extracted Extract(const std::string& chm, ExtractLimits limits = {}) {
  return CollectMembers([&](const auto& on_member) {
    return ExtractChm(Bytes(chm), limits, on_member);
  });
}

const ArchiveMember* Find(const Extracted& e, const std::string& name) {
  for (const ArchiveMember& m : e.members) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string Random(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

// Random bytes with runs, so that verbatim blocks have matches to make.
std::string Mixed(size_t n, uint32_t seed) {
  std::string s = Random(n, seed);
  for (size_t at = 100; at + 300 < n; at += 1000) {
    s.replace(at, 300, 300, static_cast<char>(at & 0xFF));
  }
  return s;
}

void Patch16(std::string& s, uint64_t at, uint16_t v) {
  for (int i = 0; i < 2; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}
void Patch32(std::string& s, uint64_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}
void Patch64(std::string& s, uint64_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}

std::vector<ChmInput> BothSections() {
  return {{"/index.htm", 0, "<html><body>hello</body></html>"},
          {"/#SYSTEM", 0, std::string("\x03\x00\x00\x00", 4)},
          {"/prog.exe", 1, Mixed(20000, 1)},
          {"/$FIftiMain", 1, Random(777, 2)},
          {"/empty.txt", 1, ""},
          {"/pics/a.gif", 1, "GIF89a" + Random(3001, 3)}};
}

TEST(Chm, IsChm) {
  const ChmImage image = WriteChm(BothSections());
  EXPECT_TRUE(IsChm(Bytes(image.bytes)));
  EXPECT_FALSE(IsChm(Bytes(image.bytes.substr(0, 0x40))));
  std::string bad_guid = image.bytes;
  bad_guid[0x18] ^= 1;
  EXPECT_FALSE(IsChm(Bytes(bad_guid)));
  EXPECT_FALSE(IsChm(Bytes(std::string(200, 'x'))));
}

TEST(Chm, FilesOfBothSectionsComeOutExactly) {
  for (bool verbatim : {false, true}) {
    SCOPED_TRACE(verbatim ? "verbatim" : "uncompressed");
    ChmOptions o;
    o.verbatim = verbatim;
    const Extracted e = Extract(WriteChm(BothSections(), o).bytes);
    EXPECT_TRUE(e.result.notes.empty()) << e.Notes();
    EXPECT_EQ(e.result.members, 6u);
    for (const ChmInput& f : BothSections()) {
      ASSERT_TRUE(e.data.count(f.name)) << f.name;
      EXPECT_EQ(e.data.at(f.name), f.data) << f.name;
      EXPECT_EQ(Find(e, f.name)->declared_size, f.data.size());
      EXPECT_FALSE(Find(e, f.name)->truncated);
    }
    // Section 0 in directory order, then section 1 by offset; none of
    // the ::DataSpace machinery.
    const std::vector<std::string> order = {"/#SYSTEM",   "/index.htm",
                                            "/prog.exe",  "/$FIftiMain",
                                            "/empty.txt", "/pics/a.gif"};
    EXPECT_EQ(e.Names(), order);
  }
}

TEST(Chm, OtherSystemFilesAreMembers) {
  ChmOptions o;
  const std::string hidden = "payload in a :: file";
  std::vector<ChmInput> files = {{"/a.htm", 0, hidden}};
  o.extra_entries = {{"::Hidden/Thing", 0, 0, hidden.size()}};
  const Extracted e = Extract(WriteChm(files, o).bytes);
  ASSERT_TRUE(e.data.count("::Hidden/Thing")) << e.Notes();
  EXPECT_EQ(e.data.at("::Hidden/Thing"), hidden);
  EXPECT_EQ(e.result.members, 2u);
}

TEST(Chm, ManyFilesOverSeveralChunksAndIntervals) {
  std::vector<ChmInput> files;
  for (int i = 0; i < 400; ++i) {
    files.push_back({"/dir/file" + std::to_string(i) + ".htm", i % 3 == 0,
                     Mixed(500 + i * 13, 100 + i)});
  }
  ChmOptions o;
  o.verbatim = true;
  const ChmImage image = WriteChm(files, o);
  ASSERT_GT(image.sec0_offset - image.dir_offset, 4096u * 2);  // 3+ chunks
  const Extracted e = Extract(image.bytes);
  EXPECT_TRUE(e.result.notes.empty()) << e.Notes();
  ASSERT_EQ(e.result.members, files.size());
  for (const ChmInput& f : files) EXPECT_EQ(e.data.at(f.name), f.data);
}

TEST(Chm, OverlappingFilesRestartFromTheResetTable) {
  // A second entry for bytes already decoded: libmspack restarts its
  // decoder at the reset point before them.
  const std::string big = Mixed(200000, 7);
  ChmOptions o;
  o.extra_entries = {{"/again", 1, 70000, 5000}, {"/start", 1, 10, 100}};
  const Extracted e = Extract(WriteChm({{"/big", 1, big}}, o).bytes);
  EXPECT_TRUE(e.result.notes.empty()) << e.Notes();
  EXPECT_EQ(e.data.at("/big"), big);
  EXPECT_EQ(e.data.at("/again"), big.substr(70000, 5000));
  EXPECT_EQ(e.data.at("/start"), big.substr(10, 100));
}

TEST(Chm, SizeLimitTruncatesAndTheDecoderGoesOn) {
  const std::vector<ChmInput> files = {{"/a", 0, Random(5000, 1)},
                                       {"/b", 1, Mixed(90000, 2)},
                                       {"/c", 1, Mixed(3000, 3)},
                                       {"/d", 1, "small"}};
  ExtractLimits limits;
  limits.max_member_size = 4000;
  for (bool verbatim : {false, true}) {
    ChmOptions o;
    o.verbatim = verbatim;
    const Extracted e = Extract(WriteChm(files, o).bytes, limits);
    EXPECT_TRUE(e.result.hit_size_limit);
    EXPECT_EQ(e.data.at("/a"), files[0].data.substr(0, 4000));
    EXPECT_TRUE(Find(e, "/a")->truncated);
    EXPECT_EQ(e.data.at("/b"), files[1].data.substr(0, 4000));
    EXPECT_TRUE(Find(e, "/b")->truncated);
    EXPECT_EQ(Find(e, "/b")->declared_size, 90000u);
    EXPECT_EQ(e.data.at("/c"), files[2].data);
    EXPECT_FALSE(Find(e, "/c")->truncated);
    EXPECT_EQ(e.data.at("/d"), "small");
  }
}

TEST(Chm, MemberLimit) {
  ExtractLimits limits;
  limits.max_members = 2;
  const Extracted e = Extract(WriteChm(BothSections()).bytes, limits);
  EXPECT_EQ(e.result.members, 2u);
  EXPECT_EQ(e.members.size(), 2u);
  EXPECT_TRUE(e.result.hit_member_limit);
  EXPECT_NE(e.Notes().find("member limit"), std::string::npos);
}

TEST(Chm, StopsWhenTheCallbackSaysSo) {
  int calls = 0;
  const std::string chm = WriteChm(BothSections()).bytes;
  ExtractChm(Bytes(chm), {}, [&](const ArchiveMember&) {
    ++calls;
    return calls < 3;
  });
  EXPECT_EQ(calls, 3);
}

TEST(Chm, WorkBudgetBoundsTheDecoding) {
  // max_member_size 1000: at most 1 MiB of LZX output. A file 1.5 MiB into
  // the section is passed as a truncated member with no data.
  const std::string big = Random(1500000, 9);
  ExtractLimits limits;
  limits.max_member_size = 1000;
  const Extracted e = Extract(
      WriteChm({{"/head", 1, "head"}, {"/big", 1, big}, {"/tail", 1, "tail"}})
          .bytes,
      limits);
  EXPECT_EQ(e.data.at("/head"), "head");
  EXPECT_EQ(e.data.at("/big"), big.substr(0, 1000));
  ASSERT_NE(Find(e, "/tail"), nullptr);
  EXPECT_TRUE(Find(e, "/tail")->truncated);
  EXPECT_TRUE(e.data.at("/tail").empty());
  EXPECT_NE(e.Notes().find("LZX work budget"), std::string::npos) << e.Notes();
}

TEST(Chm, NotAChm) {
  const Extracted e = Extract("ITSF but nothing else");
  EXPECT_EQ(e.result.members, 0u);
  EXPECT_FALSE(e.result.notes.empty());
}

TEST(Chm, BadDirectory) {
  const ChmImage image = WriteChm(BothSections());
  {
    // A chunk size libmspack refuses: nothing can be listed.
    std::string bad = image.bytes;
    Patch32(bad, 0x78 + 0x10, 3);
    const Extracted e = Extract(bad);
    EXPECT_EQ(e.result.members, 0u);
    EXPECT_NE(e.Notes().find("unreadable"), std::string::npos) << e.Notes();
  }
  {
    // An entry count past the chunk's entries: what was read comes out,
    // with a note.
    std::string bad = image.bytes;
    Patch16(bad, image.dir_offset + 4096 - 2, 0x4000);
    const Extracted e = Extract(bad);
    EXPECT_EQ(e.result.members, 6u);
    EXPECT_NE(e.Notes().find("corrupt"), std::string::npos) << e.Notes();
  }
  {
    // No PMGL signature: no files.
    std::string bad = image.bytes;
    bad[image.dir_offset] = 'X';
    const Extracted e = Extract(bad);
    EXPECT_EQ(e.result.members, 0u);
  }
}

TEST(Chm, TruncatedFile) {
  const std::string prog = Mixed(40000, 5);
  for (bool verbatim : {false, true}) {
    ChmOptions o;
    o.verbatim = verbatim;
    const ChmImage image =
        WriteChm({{"/a.htm", 0, Random(3000, 4)}, {"/prog", 1, prog}}, o);
    // Cut inside /a.htm: its first 1000 bytes, with a note; the LZX
    // content is gone too.
    const std::string cut = image.bytes.substr(0, image.At("/a.htm") + 1000);
    const Extracted e = Extract(cut);
    ASSERT_TRUE(e.data.count("/a.htm")) << e.Notes();
    EXPECT_EQ(e.data.at("/a.htm").size(), 1000u);
    EXPECT_NE(e.Notes().find("past the end of the file"), std::string::npos);
    EXPECT_FALSE(e.data.count("/prog"));
    // Cut inside the LZX content: the ControlData and reset table after it
    // are gone, so section 1 is unreadable.
    const std::string cut2 =
        image.bytes.substr(0, image.At(testing::kChmContent) + 5000);
    const Extracted e2 = Extract(cut2);
    EXPECT_NE(e2.Notes().find("compressed section unreadable"),
              std::string::npos)
        << e2.Notes();
  }
}

TEST(Chm, DamagedLzxData) {
  const std::string prog = Mixed(40000, 5);
  ChmOptions o;
  o.verbatim = true;
  const ChmImage image = WriteChm({{"/prog", 1, prog}}, o);
  std::string bad = image.bytes;
  // The first bits: no E8 header (0), then block type 7 (invalid).
  bad[image.At(testing::kChmContent) + 1] = static_cast<char>(0x70);
  const Extracted e = Extract(bad);
  ASSERT_TRUE(e.data.count("/prog"));
  EXPECT_LT(e.data.at("/prog").size(), prog.size());
  EXPECT_NE(e.Notes().find("LZX data damaged"), std::string::npos) << e.Notes();
}

TEST(Chm, AbsurdLengths) {
  const std::string prog = Mixed(30000, 6);
  ChmOptions o;
  o.extra_entries = {
      {"/s0-far", 0, uint64_t{1} << 40, 10},    // outside the file
      {"/s0-long", 0, 0, uint64_t{1} << 60},    // past its end
      {"/s1-far", 1, uint64_t{1} << 40, 10},    // past the section
      {"/s1-long", 1, 100, uint64_t{1} << 50},  // runs past it
      {"/s1-huge", 1, uint64_t{1} << 62, uint64_t{1} << 62},
  };
  const ChmImage image = WriteChm({{"/prog", 1, prog}}, o);
  const auto start = std::chrono::steady_clock::now();
  const Extracted e = Extract(image.bytes);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  const std::string notes = e.Notes();
  EXPECT_EQ(e.data.at("/prog"), prog);
  EXPECT_FALSE(e.data.count("/s0-far"));
  EXPECT_NE(notes.find("'/s0-far': data lies outside the file"),
            std::string::npos)
      << notes;
  EXPECT_EQ(e.data.at("/s0-long"), image.bytes.substr(image.sec0_offset));
  EXPECT_FALSE(e.data.count("/s1-far"));
  EXPECT_FALSE(e.data.count("/s1-huge"));
  // Cut to the section's length (SpanInfo: 30000 bytes).
  ASSERT_TRUE(e.data.count("/s1-long")) << notes;
  EXPECT_EQ(e.data.at("/s1-long"), prog.substr(100));
  EXPECT_NE(notes.find("'/s1-long': runs past"), std::string::npos) << notes;
}

TEST(Chm, SectionLengthsBoundWhatIsDecoded) {
  // The reset table and SpanInfo claim 2 GiB: a file 1.5 GiB in is not
  // decoded (libmspack's frame offsets are int), one at the start is.
  const std::string prog = Mixed(30000, 8);
  ChmOptions o;
  o.extra_entries = {{"/far", 1, uint64_t{3} << 29, 10}};
  ChmImage image = WriteChm({{"/prog", 1, prog}}, o);
  Patch64(image.bytes, image.At(testing::kChmResetTable) + 0x10, 1ull << 31);
  Patch64(image.bytes, image.At(testing::kChmSpanInfo), 1ull << 31);
  const Extracted e = Extract(image.bytes);
  EXPECT_EQ(e.data.at("/prog"), prog);
  ASSERT_NE(Find(e, "/far"), nullptr);
  EXPECT_TRUE(Find(e, "/far")->truncated);
  EXPECT_TRUE(e.data.at("/far").empty());
  EXPECT_NE(e.Notes().find("beyond 1 GiB"), std::string::npos);
}

TEST(Chm, BadControlDataOrResetTable) {
  const std::string prog = Mixed(30000, 9);
  const ChmImage image = WriteChm({{"/prog", 1, prog}, {"/a", 0, "a"}});
  struct Case {
    const char* what;
    uint64_t at;
    uint64_t value;
    int size;
    const char* note;  // nullptr: still decoded
  };
  const uint64_t control = image.At(testing::kChmControl);
  const uint64_t table = image.At(testing::kChmResetTable);
  const Case cases[] = {
      {"signature", control + 4, 0x58585858, 4, "no LZXC"},
      {"version", control + 8, 7, 4, "unknown version"},
      {"window", control + 16, 3, 4, "window"},
      {"interval 0", control + 12, 0, 4, "reset interval"},
      {"interval 2^31", control + 12, 0x10000, 4, "reset interval"},
      {"absurd length", table + 0x10, 1ull << 62, 8, "absurd"},
      {"negative length", table + 0x10, ~0ull, 8, "absurd"},
      // A frame length libmspack refuses: SpanInfo is used instead.
      {"frame length", table + 0x20, 0x1000, 4, nullptr},
      // Entries of 5 bytes: libmspack starts at 0 (via SpanInfo).
      {"entry size", table + 0x08, 5, 4, nullptr},
      {"entry outside", table + 0x28, 1ull << 50, 8, "outside"},
      {"entry near 2^63", table + 0x28, (1ull << 63) - 5, 8, "outside"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    std::string bad = image.bytes;
    if (c.size == 4) {
      Patch32(bad, c.at, static_cast<uint32_t>(c.value));
    } else {
      Patch64(bad, c.at, c.value);
    }
    const Extracted e = Extract(bad);
    EXPECT_EQ(e.data.at("/a"), "a");
    if (c.note == nullptr) {
      EXPECT_EQ(e.data.at("/prog"), prog) << e.Notes();
    } else {
      EXPECT_FALSE(e.data.count("/prog"));
      EXPECT_NE(e.Notes().find(c.note), std::string::npos) << e.Notes();
    }
  }
}

TEST(Chm, MissingSystemFiles) {
  const std::string prog = Mixed(100000, 10);
  const std::vector<ChmInput> files = {{"/prog", 1, prog},
                                       {"/late", 1, "late file"}};
  {
    // No reset table: SpanInfo gives the length, decoding starts at 0.
    ChmOptions o;
    o.omit = {testing::kChmResetTable};
    const Extracted e = Extract(WriteChm(files, o).bytes);
    EXPECT_EQ(e.data.at("/prog"), prog) << e.Notes();
    EXPECT_EQ(e.data.at("/late"), "late file");
  }
  {
    // No SpanInfo: the reset table alone is enough.
    ChmOptions o;
    o.omit = {testing::kChmSpanInfo};
    const Extracted e = Extract(WriteChm(files, o).bytes);
    EXPECT_EQ(e.data.at("/late"), "late file") << e.Notes();
  }
  for (const char* name : {testing::kChmContent, testing::kChmControl}) {
    ChmOptions o;
    o.omit = {name};
    const Extracted e = Extract(WriteChm(files, o).bytes);
    EXPECT_EQ(e.result.members, 0u);
    EXPECT_NE(e.Notes().find("compressed section unreadable"),
              std::string::npos);
  }
  {
    ChmOptions o;
    o.omit = {testing::kChmResetTable, testing::kChmSpanInfo};
    const Extracted e = Extract(WriteChm(files, o).bytes);
    EXPECT_NE(e.Notes().find("no usable reset table or SpanInfo"),
              std::string::npos);
  }
}

TEST(Chm, HugeResetTableIsLeftToSpanInfo) {
  // Over 1,000,000 bytes: libmspack ignores the reset table and decodes
  // from the start with SpanInfo's length, as vigil expects.
  const std::string prog = Mixed(100000, 12);
  ChmOptions o;
  o.reset_table_padding = 1000000;
  o.extra_entries = {{"/again", 1, 70000, 1000}};
  const Extracted e = Extract(WriteChm({{"/prog", 1, prog}}, o).bytes);
  EXPECT_TRUE(e.result.notes.empty()) << e.Notes();
  EXPECT_EQ(e.data.at("/prog"), prog);
  EXPECT_EQ(e.data.at("/again"), prog.substr(70000, 1000));
}

TEST(Chm, DirectoryOfMillionsOfEntries) {
  // 1.6 million 6-byte entries (a 10 MB directory): libmspack would hold
  // some 70 MB for them; past the 64 MiB cap its open() fails, noted.
  ChmOptions o;
  o.filler_entries = 1600000;
  const Extracted e = Extract(WriteChm({{"/a", 0, "a"}}, o).bytes);
  EXPECT_EQ(e.result.members, 0u);
  EXPECT_NE(e.Notes().find("libmspack error 6"), std::string::npos)
      << e.Notes();
  // 100,000 of them are fine.
  o.filler_entries = 100000;
  ExtractLimits limits;
  limits.max_members = 1u << 30;
  const Extracted fine = Extract(WriteChm({{"/a", 0, "a"}}, o).bytes, limits);
  EXPECT_EQ(fine.result.members, 100001u) << fine.Notes();
}

TEST(Chm, ResetTableWithoutTheEntryAndNoSpanInfo) {
  // /late lies before where /big left the decoder: libmspack restarts,
  // finds no reset-table entry there (2 of 8 kept) and no SpanInfo. It
  // must fail cleanly, not go looking for SpanInfo in the directory.
  const std::string big = Mixed(250000, 11);
  ChmOptions o;
  o.omit = {testing::kChmSpanInfo};
  o.extra_entries = {{"/late", 1, 200000, 100}};
  ChmImage image = WriteChm({{"/big", 1, big}}, o);
  Patch32(image.bytes, image.At(testing::kChmResetTable) + 4, 2);
  const Extracted e = Extract(image.bytes);
  EXPECT_EQ(e.data.at("/big"), big);
  EXPECT_TRUE(e.data.at("/late").empty());
  EXPECT_NE(e.Notes().find("'/late': LZX data damaged"), std::string::npos)
      << e.Notes();
}

TEST(Chm, NeverSearchesACyclicDirectory) {
  // Two PMGL chunks that name each other as "next", and no reset table:
  // libmspack's fast_find() would walk 0, 1, 0, 1, ... looking for it.
  // The reader gives libmspack an inert reset table instead.
  std::vector<ChmInput> files;
  for (int i = 0; i < 200; ++i) {
    files.push_back({"/a-rather-long-folder-name/file" + std::to_string(i), 1,
                     Random(50, 300 + i)});
  }
  ChmOptions o;
  o.omit = {testing::kChmResetTable};
  ChmImage image = WriteChm(files, o);
  ASSERT_GE(image.sec0_offset - image.dir_offset, 2u * 4096);
  Patch32(image.bytes, image.dir_offset + 4096 + 0x10, 0);  // 1 -> 0
  const Extracted e = Extract(image.bytes);
  ASSERT_EQ(e.result.members, files.size()) << e.Notes();
  for (const ChmInput& f : files) EXPECT_EQ(e.data.at(f.name), f.data);
}

}  // namespace
}  // namespace vigil::formats

// RTF object extraction through the public API: documents are written
// here, with their objects as OLE1 headers, Package data, OLE2-looking
// native data or raw bytes, hex-encoded in the ways Word and malware write
// them; damaged and hostile documents (cuts, absurd sizes, nesting bombs,
// object floods) must give partial results and notes, never a crash.
#include "formats/rtf/rtf.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../member_collector.h"
#include "ole1_builders.h"

namespace vigil::formats {
namespace {

using namespace std::string_literals;

ByteView Bytes(const std::string& s) {
  return ByteView(reinterpret_cast<const std::byte*>(s.data()), s.size());
}
// Views of temporaries would dangle; literals live on.
ByteView Bytes(const std::string&& s) = delete;
ByteView Bytes(const char* s) {
  return ByteView(reinterpret_cast<const std::byte*>(s), std::strlen(s));
}

using vigil::testing::CollectMembers;
using vigil::testing::Extracted;

Extracted Extract(const std::string& doc, ExtractLimits limits = {}) {
  return CollectMembers([&](const auto& on_member) {
    return ExtractRtf(Bytes(doc), limits, on_member);
  });
}

using vigil::testing::Ole1Embedded;
using vigil::testing::PackageData;
using vigil::testing::Prefixed;
using vigil::testing::U32;

std::string Hex(const std::string& bytes, size_t line = 0) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (line && i && i % line == 0) out += "\r\n";
    const auto b = static_cast<unsigned char>(bytes[i]);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// A document with one object whose \objdata holds `objdata` (RTF text).
std::string Document(const std::string& objdata) {
  return "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\pard Hello\\par\n"
         "{\\object\\objemb\\objw100\\objh100{\\*\\objclass Package}"
         "{\\*\\objdata " +
         objdata + "}{\\result{\\pict\\wmetafile8 0102}}}\\par}";
}

const std::string kPayload =
    "MZ\x90\x00payload{with}\\braces\x00\xff"
    "end"s;

TEST(Rtf, IsRtf) {
  EXPECT_TRUE(IsRtf(Bytes("{\\rtf1}")));
  EXPECT_TRUE(IsRtf(Bytes("{\\rtxyz")));  // Word and ClamAV check four bytes
  EXPECT_FALSE(IsRtf(Bytes("{\\r")));
  EXPECT_FALSE(IsRtf(Bytes(" {\\rtf1")));
  EXPECT_FALSE(IsRtf(Bytes("")));
}

TEST(Rtf, RawObjectDataWithWhitespaceAndJunk) {
  std::string hex = Hex(kPayload, 7);
  hex.insert(5, " \t zz!! ");  // junk between digits is skipped
  auto e = Extract(Document(hex));
  ASSERT_EQ(e.members.size(), 1u) << e.Notes();
  EXPECT_EQ(e.members[0].name, "objdata0");
  EXPECT_EQ(e.contents[0], kPayload);
}

TEST(Rtf, OddDigitCountDropsTheLastNibble) {
  auto e = Extract(Document(Hex("ABC") + "4"));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.contents[0], "ABC");
  e = Extract(Document("4"));
  EXPECT_TRUE(e.members.empty());
}

TEST(Rtf, UpperCaseHexAndControlWordsInside) {
  // Control words and their parameters are not data; text after them is.
  auto e = Extract(Document("4D5A\\par 9000\\foo12 7A\\'41\n"));
  ASSERT_EQ(e.members.size(), 1u);
  // \'41's digits count as two more hex digits, as ClamAV reads them.
  EXPECT_EQ(e.contents[0], std::string("MZ\x90\x00zA", 6));
}

TEST(Rtf, BinRunsAreRawData) {
  const std::string doc = Document(
      "4d5a\\bin5 {}\\\x00\xff"
      "4142"s);
  auto e = Extract(doc);
  ASSERT_EQ(e.members.size(), 1u) << e.Notes();
  EXPECT_EQ(e.contents[0], std::string("MZ{}\\\x00\xff"
                                       "AB",
                                       9));
}

TEST(Rtf, BinDropsAPendingNibble) {
  auto e = Extract(Document("4d5\\bin1 Z41"));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.contents[0], "MZA");
}

TEST(Rtf, BinOutsideObjectsIsSkippedWithItsBraces) {
  // A \bin run elsewhere holds "}{" that must not close or open groups.
  const std::string doc =
      "{\\rtf1{\\pict\\bin2 }{}{\\object{\\*\\objdata 4142}}}";
  auto e = Extract(doc);
  ASSERT_EQ(e.members.size(), 1u) << e.Notes();
  EXPECT_EQ(e.contents[0], "AB");
}

TEST(Rtf, NestedGroupsInsideObjectData) {
  // A plain nested group continues the data; an ignorable destination
  // ({\*\word ...}) inside it does not.
  auto e = Extract(Document("4142{4344}{\\*\\junk 9999}{\\*\\x{4545}}4647"));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.contents[0], "ABCDFG");
}

TEST(Rtf, ObjDataOutsideAnObjectIsIgnored) {
  auto e =
      Extract("{\\rtf1{\\*\\objdata 414243}{\\object}{\\*\\objdata 4445}}");
  EXPECT_TRUE(e.members.empty()) << e.Notes();
  // \object in an outer group counts for nested groups.
  e = Extract("{\\rtf1{\\object{{{\\*\\objdata 4445}}}}}");
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.contents[0], "DE");
}

TEST(Rtf, ObjDataWithoutItsOwnGroup) {
  // \objdata straight in the \object group: it ends with that group.
  auto e = Extract("{\\rtf1{\\object\\objemb\\objdata 41 42}43}");
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.contents[0], "AB");
}

TEST(Rtf, OlePackageGivesTheFile) {
  const std::string native =
      PackageData("setup.exe", "C:\\Users\\x\\setup.exe", kPayload);
  auto e = Extract(Document(Hex(Ole1Embedded("Package", native), 64)));
  ASSERT_EQ(e.members.size(), 1u) << e.Notes();
  EXPECT_EQ(e.members[0].name, "setup.exe");
  EXPECT_EQ(e.members[0].declared_size, kPayload.size());
  EXPECT_EQ(e.contents[0], kPayload);
  EXPECT_TRUE(e.result.notes.empty()) << e.Notes();
}

TEST(Rtf, PackageNamedByItsPathWhenUnlabelled) {
  auto e = Extract(Document(
      Hex(Ole1Embedded("Package", PackageData("", "C:\\a\\b\x01.js", "x")))));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.members[0].name, "b_.js");
  e = Extract(Document(Hex(Ole1Embedded("Package", PackageData("", "", "x")))));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.members[0].name, "objdata0");
}

TEST(Rtf, MalformedPackageGivesTheNativeData) {
  const std::string native = std::string("\x02\x00", 2) + "no terminator";
  auto e = Extract(Document(Hex(Ole1Embedded("Package", native))));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.members[0].name, "objdata0");
  EXPECT_EQ(e.contents[0], native);
  EXPECT_NE(e.Notes().find("malformed Package"), std::string::npos);
}

TEST(Rtf, OtherClassesGiveTheirNativeData) {
  const std::string cfb =
      std::string("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) + "rest";
  auto e = Extract(
      Document(Hex(Ole1Embedded("Word.Document.8", cfb) + "presentation")));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.members[0].name, "objdata0");
  EXPECT_EQ(e.contents[0], cfb);
  EXPECT_EQ(e.members[0].declared_size, cfb.size());
}

TEST(Rtf, ExactPackageDataUnderAnotherClass) {
  // Package data written to the last field gives the file whatever the
  // class; anything less exact is given as native data.
  const std::string native = PackageData("p.exe", "p.exe", kPayload);
  auto e = Extract(Document(Hex(Ole1Embedded("Foo.Bar", native))));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.members[0].name, "p.exe");
  EXPECT_EQ(e.contents[0], kPayload);
  std::string loose = native;
  loose[0] = 9;
  e = Extract(Document(Hex(Ole1Embedded("Foo.Bar", loose))));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.members[0].name, "objdata0");
  EXPECT_EQ(e.contents[0], loose);
  EXPECT_TRUE(e.result.notes.empty()) << e.Notes();
}

TEST(Rtf, LinkedObjectsGiveNothing) {
  const std::string linked = U32(0x501) + U32(1) + Prefixed("Excel.Sheet.8") +
                             Prefixed("C:\\book.xls") + Prefixed("A1");
  auto e = Extract(Document(Hex(linked)));
  EXPECT_TRUE(e.members.empty());
  EXPECT_NE(e.Notes().find("linked"), std::string::npos);
}

TEST(Rtf, TruncatedObjDataGivesWhatIsThere) {
  const std::string object =
      Ole1Embedded("Package", PackageData("a.exe", "a.exe", kPayload));
  const std::string doc = Document(Hex(object));
  const size_t at = doc.find("{\\*\\objdata ") + 12;
  // Cut inside the hex: the document ends there.
  const std::string cut = doc.substr(0, at + 2 * (object.size() - 5));
  auto e = Extract(cut);
  ASSERT_EQ(e.members.size(), 1u) << e.Notes();
  EXPECT_EQ(e.members[0].name, "a.exe");
  EXPECT_EQ(e.contents[0], kPayload.substr(0, kPayload.size() - 5));
  EXPECT_NE(e.Notes().find("not closed"), std::string::npos) << e.Notes();
  EXPECT_NE(e.Notes().find("present"), std::string::npos) << e.Notes();
  // Every cut: no crash, at most one member.
  for (size_t n = 0; n <= doc.size(); ++n) {
    auto part = Extract(doc.substr(0, n));
    EXPECT_LE(part.members.size(), 1u);
  }
}

TEST(Rtf, AbsurdOle1SizesAreClampedOrRejected) {
  // NativeDataSize of 4 GiB with 3 bytes present: those 3, noted.
  std::string header = U32(0x501) + U32(2) + Prefixed("Word.Document.8") +
                       U32(0) + U32(0) + U32(0xFFFFFFFFu) + "abc";
  auto e = Extract(Document(Hex(header)));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.contents[0], "abc");
  EXPECT_EQ(e.members[0].declared_size, 0xFFFFFFFFu);
  EXPECT_NE(e.Notes().find("declares 4294967295 bytes, 3 present"),
            std::string::npos);
  // A class name length of 4 GiB: no OLE1 header, the bytes as they are.
  std::string bogus = U32(0x501) + U32(2) + U32(0xFFFFFFFFu) + "Package";
  e = Extract(Document(Hex(bogus)));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.contents[0], bogus);
  // A Package whose file claims 4 GiB.
  std::string native = PackageData("big.exe", "big.exe", "xyz");
  native.replace(native.size() - 7, 4, U32(0xFFFFFFF0u));
  e = Extract(Document(Hex(Ole1Embedded("Package", native))));
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_EQ(e.members[0].name, "big.exe");
  EXPECT_EQ(e.contents[0], "xyz");
  EXPECT_FALSE(e.members[0].truncated);
}

TEST(Rtf, MemberSizeLimit) {
  const std::string big(5000, 'Q');
  ExtractLimits limits;
  limits.max_member_size = 1000;
  auto e = Extract(
      Document(Hex(Ole1Embedded("Package", PackageData("q", "q", big)))),
      limits);
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_TRUE(e.members[0].truncated);
  EXPECT_TRUE(e.result.hit_size_limit);
  EXPECT_EQ(e.contents[0], big.substr(0, 1000));
}

TEST(Rtf, HugeObjDataIsCappedWhileDecoding) {
  // 8 MiB of hex with a 1 KiB limit: decoding keeps limit + slack only
  // (checked by the result being cut, not by memory).
  ExtractLimits limits;
  limits.max_member_size = 1024;
  auto e = Extract(Document(std::string(8u << 20, 'a')), limits);
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_TRUE(e.members[0].truncated);
  EXPECT_EQ(e.contents[0].size(), 1024u);
}

TEST(Rtf, ManyObjectsInOrder) {
  std::string doc = "{\\rtf1";
  for (int i = 0; i < 5; ++i) {
    doc += "{\\object{\\*\\objdata " + Hex("obj" + std::to_string(i)) + "}}";
  }
  doc += "{\\object\\objdata 41{\\*\\objdata 42}}}";  // a second \objdata ends
                                                      // the first
  auto e = Extract(doc);
  ASSERT_EQ(e.members.size(), 7u) << e.Notes();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(e.members[i].name, "objdata" + std::to_string(i));
    EXPECT_EQ(e.contents[i], "obj" + std::to_string(i));
  }
  EXPECT_EQ(e.contents[5], "A");
  EXPECT_EQ(e.contents[6], "B");
}

TEST(Rtf, ObjectFloodStopsAtMaxMembers) {
  std::string doc = "{\\rtf1";
  for (int i = 0; i < 200000; ++i) doc += "{\\object{\\*\\objdata 41}}";
  doc += "}";
  ExtractLimits limits;
  limits.max_members = 100;
  auto e = Extract(doc, limits);
  EXPECT_EQ(e.members.size(), 100u);
  EXPECT_TRUE(e.result.hit_member_limit);
  EXPECT_EQ(e.result.members, 100u);
}

TEST(Rtf, CallbackStops) {
  std::string doc = "{\\rtf1";
  for (int i = 0; i < 10; ++i) doc += "{\\object{\\*\\objdata 41}}";
  doc += "}";
  int calls = 0;
  ExtractRtf(Bytes(doc), {}, [&](const ArchiveMember&) { return ++calls < 3; });
  EXPECT_EQ(calls, 3);
}

TEST(Rtf, DeepNestingBombIsCheap) {
  // Ten million identical groups: one counted run, no recursion.
  const size_t depth = 10'000'000;
  std::string doc = "{\\rtf1" + std::string(depth, '{') +
                    "{\\object{\\*\\objdata 4142}}" + std::string(depth, '}') +
                    "}";
  const auto start = std::chrono::steady_clock::now();
  auto e = Extract(doc);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  ASSERT_EQ(e.members.size(), 1u) << e.Notes();
  EXPECT_EQ(e.contents[0], "AB");
  EXPECT_TRUE(e.result.notes.empty()) << e.Notes();
}

TEST(Rtf, DistinctNestedStatesAreCapped) {
  // Alternating states (objdata, then an ignorable destination inside it,
  // then objdata again ...) need a run each: past the cap, content is
  // skipped and noted, and braces still balance.
  std::string doc = "{\\rtf1{\\object";
  for (int i = 0; i < 5000; ++i) doc += "{\\*\\objdata 41{\\*\\x ";
  for (int i = 0; i < 5000; ++i) doc += "}}";
  doc += "}{\\object{\\*\\objdata 5a5a}}}";
  auto e = Extract(doc);
  EXPECT_NE(e.Notes().find("nested too deeply"), std::string::npos)
      << e.Notes();
  ASSERT_FALSE(e.members.empty());
  EXPECT_EQ(e.contents.back(), "ZZ");  // after the bomb, parsing is in step
}

TEST(Rtf, UnbalancedBracesAreNoted) {
  auto e = Extract("{\\rtf1}}}{\\object{\\*\\objdata 41}}");
  ASSERT_EQ(e.members.size(), 1u);
  EXPECT_NE(e.Notes().find("unbalanced"), std::string::npos);
}

TEST(Rtf, EmptyAndPlainDocuments) {
  EXPECT_TRUE(Extract("").members.empty());
  EXPECT_TRUE(Extract("{\\rtf1\\ansi Hello {\\b world}\\par}").members.empty());
  EXPECT_TRUE(Extract(Document("")).members.empty());
  EXPECT_TRUE(Extract(Document("\\bin0 ")).members.empty());
}

}  // namespace
}  // namespace vigil::formats

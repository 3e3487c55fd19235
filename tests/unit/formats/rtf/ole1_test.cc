// OLE1 object headers and Package native data, built byte by byte here.
#include "formats/rtf/ole1.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "ole1_builders.h"

namespace vigil::formats::rtf {
namespace {

ByteView Bytes(const std::string& s) {
  return ByteView(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

std::string Str(ByteView b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

using vigil::testing::Ole1Embedded;
using vigil::testing::Ole1Header;
using vigil::testing::PackageData;
using vigil::testing::Prefixed;
using vigil::testing::U32;

TEST(Ole1Object, Embedded) {
  const std::string bytes =
      Ole1Embedded("Word.Document.8", "NATIVE", 6) + "presentation";
  auto o = ParseOle1Object(Bytes(bytes));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->format_id, kOle1Embedded);
  EXPECT_EQ(o->class_name, "Word.Document.8");
  EXPECT_EQ(Str(o->native), "NATIVE");
  EXPECT_EQ(o->native_size, 6u);
}

TEST(Ole1Object, NativeSizePastTheEndGivesWhatIsThere) {
  const std::string bytes = Ole1Embedded("Package", "abc", 0xFFFFFFF0u);
  auto o = ParseOle1Object(Bytes(bytes));
  ASSERT_TRUE(o);
  EXPECT_EQ(Str(o->native), "abc");
  EXPECT_EQ(o->native_size, 0xFFFFFFF0u);
}

TEST(Ole1Object, TopicAndItemAreSkipped) {
  const std::string bytes = Ole1Header(2, "Paint.Picture") + Prefixed("topic") +
                            Prefixed("item") + U32(2) + "xy";
  auto o = ParseOle1Object(Bytes(bytes));
  ASSERT_TRUE(o);
  EXPECT_EQ(Str(o->native), "xy");
}

TEST(Ole1Object, LinkedAndPresentationHaveNoNativeData) {
  auto linked =
      ParseOle1Object(Bytes(Ole1Header(1, "Excel.Sheet.8") + U32(0) + U32(0)));
  ASSERT_TRUE(linked);
  EXPECT_EQ(linked->format_id, kOle1Linked);
  EXPECT_TRUE(linked->native.empty());
  auto picture =
      ParseOle1Object(Bytes(Ole1Header(5, "METAFILEPICT") + U32(100)));
  ASSERT_TRUE(picture);
  EXPECT_EQ(picture->format_id, kOle1Presentation);
}

TEST(Ole1Object, ImplausibleHeadersAreNotObjects) {
  EXPECT_FALSE(ParseOle1Object(Bytes("")));
  EXPECT_FALSE(ParseOle1Object(Bytes(U32(0x501) + U32(2))));
  // Unknown FormatID.
  EXPECT_FALSE(ParseOle1Object(
      Bytes(Ole1Embedded("Package", "x", 1).replace(4, 4, U32(7)))));
  // Class name: empty, too long, past the end, not printable.
  EXPECT_FALSE(ParseOle1Object(Bytes(U32(0x501) + U32(2) + U32(0) + U32(0))));
  EXPECT_FALSE(
      ParseOle1Object(Bytes(Ole1Embedded(std::string(300, 'A'), "x", 1))));
  EXPECT_FALSE(
      ParseOle1Object(Bytes(U32(0x501) + U32(2) + U32(0xFFFFFFFFu) + "Pack")));
  EXPECT_FALSE(ParseOle1Object(Bytes(Ole1Embedded("Pa\x01kage", "x", 1))));
  EXPECT_FALSE(
      ParseOle1Object(Bytes(Ole1Embedded(std::string("\0abc", 4), "x", 1))));
  // Topic length past the end; no NativeDataSize.
  EXPECT_FALSE(
      ParseOle1Object(Bytes(Ole1Header(2, "Package") + U32(0x7FFFFFFF) + "t")));
  EXPECT_FALSE(ParseOle1Object(
      Bytes(Ole1Header(2, "Package") + U32(0) + U32(0) + "\x01")));
}

TEST(Ole1Object, ClassWithoutNulIsAccepted) {
  auto o = ParseOle1Object(Bytes(U32(0x501) + U32(2) + U32(7) + "Package" +
                                 U32(0) + U32(0) + U32(1) + "z"));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->class_name, "Package");
}

TEST(Ole1Package, ClassNameIsCaseInsensitive) {
  EXPECT_TRUE(IsPackageClass("Package"));
  EXPECT_TRUE(IsPackageClass("PACKAGE"));
  EXPECT_FALSE(IsPackageClass("Packager"));
  EXPECT_FALSE(IsPackageClass("Word.Document.8"));
}

TEST(Ole1Package, Parsed) {
  const std::string native =
      PackageData("invoice.exe", "C:\\Users\\a\\invoice.exe",
                  "C:\\Temp\\invoice.exe", "MZPAYLOAD") +
      "unicode copies";
  auto p = ParsePackage(Bytes(native));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->label, "invoice.exe");
  EXPECT_EQ(p->source_path, "C:\\Users\\a\\invoice.exe");
  EXPECT_EQ(Str(p->data), "MZPAYLOAD");
  EXPECT_EQ(p->data_size, 9u);
  EXPECT_TRUE(p->exact);
}

TEST(Ole1Package, ExactOnlyAsThePackagerWritesIt) {
  const std::string good = PackageData("a", "b", "t", "DATA");
  std::string kind = good;
  kind[0] = 3;
  std::string flags = good;
  flags[2 + 2 + 2 + 2] = 1;  // the second WORD: 1 (a link)
  const std::string cut = good.substr(0, good.size() - 1);
  EXPECT_TRUE(ParsePackage(Bytes(good))->exact);
  EXPECT_FALSE(ParsePackage(Bytes(kind))->exact);
  EXPECT_FALSE(ParsePackage(Bytes(flags))->exact);
  EXPECT_FALSE(ParsePackage(Bytes(cut))->exact);
}

TEST(Ole1Package, WrongTempPathLengthFallsBackToTheNul) {
  std::string native = PackageData("a", "b", "C:\\t", "DATA");
  // The temp path length (after 2 + "a\0" + "b\0" + 4 bytes) says 1000.
  native.replace(2 + 2 + 2 + 4, 4, U32(1000));
  auto p = ParsePackage(Bytes(native));
  ASSERT_TRUE(p);
  EXPECT_EQ(Str(p->data), "DATA");
  EXPECT_FALSE(p->exact);
  native.replace(2 + 2 + 2 + 4, 4, U32(2));  // inside the path, not on its NUL
  p = ParsePackage(Bytes(native));
  ASSERT_TRUE(p);
  EXPECT_EQ(Str(p->data), "DATA");
}

TEST(Ole1Package, DataSizePastTheEnd) {
  std::string native = PackageData("a", "b", "t", "DATA");
  native.replace(native.size() - 8, 4, U32(0xFFFFFFFFu));
  auto p = ParsePackage(Bytes(native));
  ASSERT_TRUE(p);
  EXPECT_EQ(Str(p->data), "DATA");
  EXPECT_EQ(p->data_size, 0xFFFFFFFFu);
}

TEST(Ole1Package, MalformedBeforeTheData) {
  EXPECT_FALSE(ParsePackage(Bytes("")));
  EXPECT_FALSE(ParsePackage(Bytes(std::string("\x02\x00label", 7))));
  EXPECT_FALSE(
      ParsePackage(Bytes(std::string("\x02\x00"
                                     "a\0b\0\x00\x00",
                                     8))));
  const std::string full = PackageData("a", "b", "t", "DATA");
  for (size_t cut = 0; cut + 4 + 4 <= full.size(); ++cut) {
    // Every cut before the data size field fails; none crashes.
    auto p = ParsePackage(Bytes(full.substr(0, cut)));
    if (cut < full.size() - 8) {
      EXPECT_FALSE(p) << cut;
    }
  }
}

}  // namespace
}  // namespace vigil::formats::rtf

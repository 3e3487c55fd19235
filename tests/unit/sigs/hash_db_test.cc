// Hash signature lines (.hdb .hsb .mdb .msb .imp .fp .sfp), as clamscan
// 1.4.6 loads them.
#include <gtest/gtest.h>

#include "core/hash.h"
#include "sigs_test_util.h"

namespace vigil::sigs {
namespace {

using testing::CodeOf;
using testing::Load;

constexpr char kMd5[] = "44d88612fea8a8f36de82e1278abb02f";
constexpr char kSha1[] = "3395856ce81f2b7382dee72602f798b642f14140";
constexpr char kSha256[] =
    "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";

std::string Line(std::string a, std::string b, std::string rest) {
  return a + ":" + b + ":" + rest;
}

TEST(SigsHashDb, FileHashesByLength) {
  auto l = Load("t.hdb", Line(kMd5, "68", "A") + "\n" + Line(kSha1, "68", "B") +
                             "\n" + Line(kSha256, "68", "C") + "\n");
  ASSERT_TRUE(l.status.ok()) << l.Error();
  ASSERT_EQ(l.set.hashes.size(), 3u);
  EXPECT_EQ(l.set.hashes[0].algo, HashAlgo::kMd5);
  EXPECT_EQ(l.set.hashes[1].algo, HashAlgo::kSha1);
  EXPECT_EQ(l.set.hashes[2].algo, HashAlgo::kSha256);
  EXPECT_EQ(core::DigestHex(l.set.hashes[0].digest, HashAlgo::kMd5), kMd5);
  EXPECT_EQ(l.set.hashes[0].size, 68u);
  EXPECT_EQ(l.set.hashes[0].name, "A.UNOFFICIAL");
  EXPECT_EQ(l.set.hashes[0].scope, HashScope::kFile);
  EXPECT_EQ(l.set.hashes[2].loc.line, 3u);
  EXPECT_EQ(l.set.known_viruses, 3u);
}

TEST(SigsHashDb, SectionAndImportHashes) {
  auto mdb = Load("t.msb", Line("512", kSha1, "S") + "\n");
  ASSERT_TRUE(mdb.status.ok()) << mdb.Error();
  EXPECT_EQ(mdb.set.hashes[0].scope, HashScope::kPeSection);
  EXPECT_EQ(mdb.set.hashes[0].size, 512u);
  auto imp = Load("t.imp", Line(kMd5, "*", "I") + "\n");  // no :73 needed
  ASSERT_TRUE(imp.status.ok()) << imp.Error();
  EXPECT_EQ(imp.set.hashes[0].scope, HashScope::kPeImport);
  EXPECT_FALSE(imp.set.hashes[0].size.has_value());
}

TEST(SigsHashDb, AllowLists) {
  auto fp = Load("t.fp", Line(kMd5, "68", "ok") + "\n");
  ASSERT_TRUE(fp.status.ok()) << fp.Error();
  EXPECT_TRUE(fp.set.hashes.empty());
  ASSERT_EQ(fp.set.allows.size(), 1u);
  EXPECT_EQ(fp.set.known_viruses, 1u);  // clamscan counts them
  auto sfp = Load("t.sfp", Line(kSha256, "68", "ok") + "\n");
  EXPECT_EQ(sfp.set.allows[0].algo, HashAlgo::kSha256);
}

TEST(SigsHashDb, WildcardSizeNeedsFlevel73) {
  EXPECT_EQ(CodeOf("hsb", Line(kSha256, "*", "X:73")), "OK");
  EXPECT_EQ(CodeOf("hsb", Line(kSha256, "*", "X")), "E0103");
  EXPECT_EQ(CodeOf("hsb", Line(kSha256, "*", "X:72")), "E0103");
  EXPECT_EQ(CodeOf("msb", Line("*", kSha1, "X")), "E0103");
}

TEST(SigsHashDb, Flevel) {
  auto l = Load("t.hdb", Line(kMd5, "68", "A:300") + "\n" +
                             Line(kMd5, "68", "B:0:10") + "\n" +
                             Line(kMd5, "68", "C:0:216") + "\n" +
                             Line(kMd5, "68", "D::") + "\n" +
                             Line(kMd5, "68", "E:abc") + "\n");
  ASSERT_TRUE(l.status.ok()) << l.Error();
  EXPECT_EQ(l.set.known_viruses, 2u);  // C, and E (atoi("abc") is 0)
  EXPECT_EQ(l.set.skipped_flevel, 3u);
  // A skipped line is not checked further (as in ClamAV).
  EXPECT_EQ(CodeOf("hdb", "zz:68:X:300"), "OK");
}

TEST(SigsHashDb, Rejections) {
  EXPECT_EQ(CodeOf("hdb", Line(kMd5, "68", "")), "E0005");
  EXPECT_EQ(CodeOf("hdb", std::string(kMd5) + ":68"), "E0101");
  EXPECT_EQ(CodeOf("hdb", Line(kMd5, "68", "A:1:2:3")), "E0101");
  EXPECT_EQ(CodeOf("hdb", Line(kMd5, "0", "A")), "E0102");
  EXPECT_EQ(CodeOf("hdb", Line(kMd5, "68 ", "A")), "E0102");
  EXPECT_EQ(CodeOf("hdb", Line(kMd5, "4294967295", "A")), "E0102");
  EXPECT_EQ(CodeOf("hdb", Line(kMd5, " 68", "A")), "OK");
  EXPECT_EQ(CodeOf("hdb", Line(kMd5, "4294967294", "A")), "OK");
  EXPECT_EQ(CodeOf("hdb", Line(std::string(kMd5) + "00", "68", "A")), "E0104");
  EXPECT_EQ(CodeOf("hdb", Line("zz", "68", "A")), "E0104");
  EXPECT_EQ(CodeOf("hdb", Line(std::string(" ") + kMd5, "68", "A")), "E0104");
}

TEST(SigsHashDb, NamesKeepEverythingButLineEnds) {
  auto l = Load("t.hdb", Line(kMd5, "68", "Eic ar \t") + "\r\n");
  ASSERT_TRUE(l.status.ok());
  EXPECT_EQ(l.set.hashes[0].name, "Eic ar \t.UNOFFICIAL");
}

}  // namespace
}  // namespace vigil::sigs

// Extended (.ndb) and legacy (.db) body signatures, as clamscan 1.4.6 loads
// them.
#include <gtest/gtest.h>

#include "sigs_test_util.h"

namespace vigil::sigs {
namespace {

using testing::CodeOf;
using testing::Load;

TEST(SigsBodyDb, Fields) {
  auto l = Load("t.ndb", "Test.Sig:1:EP+5,3:414243??44:51:216\n");
  ASSERT_TRUE(l.status.ok()) << l.Error();
  ASSERT_EQ(l.set.bodies.size(), 1u);
  const BodySig& s = l.set.bodies[0];
  EXPECT_EQ(s.name, "Test.Sig.UNOFFICIAL");
  EXPECT_EQ(s.target, 1);
  EXPECT_EQ(s.offset.kind, Offset::Kind::kEpPlus);
  EXPECT_EQ(s.offset.value, 5u);
  EXPECT_EQ(s.offset.max_shift, 3u);
  EXPECT_EQ(s.pattern.nodes.size(), 5u);
  EXPECT_EQ(s.flevel.min, 51u);
  EXPECT_EQ(s.flevel.max, 216u);
}

TEST(SigsBodyDb, TargetTypes) {
  EXPECT_EQ(CodeOf("ndb", "T:14:*:414243"), "OK");
  EXPECT_EQ(CodeOf("ndb", "T:01:*:414243"), "OK");
  EXPECT_EQ(CodeOf("ndb", "T::*:414243"), "OK");
  EXPECT_EQ(CodeOf("ndb", "T: 1:*:414243"), "E0302");
  EXPECT_EQ(CodeOf("ndb", "T:+1:*:414243"), "E0302");
  auto skipped = Load("t.ndb", "T:15:*:414243\n");
  ASSERT_TRUE(skipped.status.ok());
  EXPECT_EQ(skipped.set.known_viruses, 0u);
  EXPECT_EQ(skipped.set.skipped_unsupported, 1u);
  ASSERT_EQ(skipped.diagnostics.size(), 1u);
  EXPECT_EQ(skipped.diagnostics[0].code, "W0004");
}

TEST(SigsBodyDb, FlevelFields) {
  EXPECT_EQ(CodeOf("ndb", "T:0:*:414243:abc"), "E0303");
  EXPECT_EQ(CodeOf("ndb", "T:0:*:414243: 5"), "E0303");
  EXPECT_EQ(CodeOf("ndb", "T:0:*:414243:0:x"), "E0303");
  EXPECT_EQ(CodeOf("ndb", "T:0:*:414243:300:x"), "OK");  // skipped first
  auto l = Load("t.ndb", "A:0:*:414243:\nB:0:*:414243::\n");
  ASSERT_TRUE(l.status.ok()) << l.Error();
  EXPECT_EQ(l.set.known_viruses, 1u);  // an empty maximum is 0
  // Skipped lines are not checked further, even a bad name or pattern.
  EXPECT_EQ(CodeOf("ndb", ":0:*:zz:0:38"), "OK");
}

TEST(SigsBodyDb, BoyerMooreMinimum) {
  EXPECT_EQ(CodeOf("ndb", "T:0:*:4142"), "E0212");
  EXPECT_EQ(CodeOf("ndb", "T:0:5,3:4142"), "E0212");
  EXPECT_EQ(CodeOf("ndb", "T:0:$1:4142"), "OK");
  EXPECT_EQ(CodeOf("ndb", "T:1:*:4142"), "OK");
  EXPECT_EQ(CodeOf("ndb", "T:1:5:4142"), "E0212");
  EXPECT_EQ(CodeOf("ndb", "T:1:5,3:4142"), "OK");
  EXPECT_EQ(CodeOf("ndb", "T:2:5:4142"), "OK");
  EXPECT_EQ(CodeOf("ndb", "T:0:*:41??"), "E0213");
}

TEST(SigsBodyDb, PrefilteredTargets) {
  for (int t : {0, 1, 4, 7}) {
    EXPECT_EQ(CodeOf("ndb", "T:" + std::to_string(t) + ":*:41(L)424344"),
              "E0214");
  }
  for (int t : {2, 3, 5, 6, 8, 9, 10, 11, 12, 13, 14}) {
    EXPECT_EQ(CodeOf("ndb", "T:" + std::to_string(t) + ":*:41(L)424344"), "OK");
  }
}

TEST(SigsBodyDb, Rejections) {
  EXPECT_EQ(CodeOf("ndb", "T:0:*"), "E0301");
  EXPECT_EQ(CodeOf("ndb", "T:0:*:414243:0:10:x"), "E0301");
  EXPECT_EQ(CodeOf("ndb", ":0:*:414243"), "E0005");
  EXPECT_EQ(CodeOf("ndb", "T:0:EP+0:414243"), "E0307");
  EXPECT_EQ(CodeOf("ndb", "T:0:$32:414243"), "E0308");
}

TEST(SigsLegacyDb, NameUpToTheFirstEquals) {
  auto l =
      Load("viruses.db", "Trojan.Gologger (Clam)=414243\n#x\n_0=414243*4445\n");
  ASSERT_TRUE(l.status.ok()) << l.Error();
  ASSERT_EQ(l.set.bodies.size(), 2u);
  // Names end before their first " (Clam)", in every format (clamscan
  // 1.4.6 prints "Trojan.Gologger.UNOFFICIAL").
  EXPECT_EQ(l.set.bodies[0].name, "Trojan.Gologger.UNOFFICIAL");
  EXPECT_EQ(l.set.bodies[0].target, 0);
  EXPECT_EQ(l.set.bodies[0].offset.kind, Offset::Kind::kAny);
  EXPECT_EQ(CodeOf("db", "Foo=4142"), "E0212");
  EXPECT_EQ(CodeOf("db", "=414243"), "E0005");
  EXPECT_EQ(CodeOf("db", "Foo"), "E0601");
  EXPECT_EQ(CodeOf("db", "Foo==414243"), "OK");  // ClamAV passes over it
  EXPECT_EQ(Load("t.db", "Foo==414243\n").set.known_viruses, 0u);
}

TEST(SigsNames, CutAtClamSuffixInEveryFormat) {
  EXPECT_EQ(Load("t.db", "X (Clam) tail=454647\n").set.bodies.at(0).name,
            "X.UNOFFICIAL");
  EXPECT_EQ(Load("t.ndb", "N (Clam)x:0:*:4445464748\n").set.bodies.at(0).name,
            "N.UNOFFICIAL");
  EXPECT_EQ(Load("t.ldb", "L (Clam);Engine:81-255,Target:0;0;4142434445\n")
                .set.logicals.at(0)
                .name,
            "L.UNOFFICIAL");
  EXPECT_EQ(Load("t.hdb", "0123456789abcdef0123456789abcdef:9:H (Clam) q\n")
                .set.hashes.at(0)
                .name,
            "H.UNOFFICIAL");
}

}  // namespace
}  // namespace vigil::sigs

// .cvd/.cld/.cud containers: header, MD5, compression, tar, manifest, and
// how their members load.
#include "sigs/clamav/container.h"

#include <gtest/gtest.h>

#include "sigs_test_util.h"

namespace vigil::sigs {
namespace {

using testing::Container;
using testing::ContainerSpec;
using testing::Load;

constexpr char kHdb[] = "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test\n";

ContainerSpec Spec() {
  ContainerSpec s;
  s.members = {{"daily.hdb", kHdb}, {"daily.ndb", "Body.Sig:0:*:414243\n"}};
  s.signatures = 2;
  return s;
}

TEST(SigsContainer, HeaderFields) {
  clamav::CvdHeader h;
  std::string data = Container(Spec());
  ASSERT_TRUE(clamav::ParseCvdHeader(AsBytes(data), &h).ok());
  EXPECT_EQ(h.version, 5u);
  EXPECT_EQ(h.signatures, 2u);
  EXPECT_EQ(h.flevel, 216u);
  EXPECT_EQ(h.build_time, "22 Jun 2021 21-34 -0400");
  EXPECT_EQ(h.builder, "test");
  EXPECT_EQ(h.build_seconds, 1624412045);
}

TEST(SigsContainer, UnsignedContainerLoadsUnofficialNames) {
  auto l = Load("daily.cud", Container(Spec()));
  ASSERT_TRUE(l.status.ok()) << l.Error();
  EXPECT_EQ(l.set.known_viruses, 2u);
  EXPECT_EQ(l.set.hashes[0].name, "Eicar-Test.UNOFFICIAL");
  EXPECT_EQ(l.set.files.back(), "daily.cud:daily.ndb");
  EXPECT_EQ(l.set.daily_version, 5u);
  EXPECT_EQ(l.set.daily_build_time, 1624412045);
}

TEST(SigsContainer, SignedContainerKeepsNames) {
  ContainerSpec s = Spec();
  s.dsig = true;
  auto l = Load("main.cvd", Container(s));
  ASSERT_TRUE(l.status.ok()) << l.Error();
  EXPECT_EQ(l.set.hashes[0].name, "Eicar-Test");
  EXPECT_FALSE(l.set.daily_version.has_value());  // not a daily.* file
}

TEST(SigsContainer, PlainTarCld) {
  ContainerSpec s = Spec();
  s.dsig = true;
  s.compress = false;
  s.md5 = std::string(32, '0');  // not checked for .cld
  auto l = Load("daily.cld", Container(s));
  ASSERT_TRUE(l.status.ok()) << l.Error();
  EXPECT_EQ(l.set.known_viruses, 2u);
}

TEST(SigsContainer, Md5IsCheckedForCvdOnly) {
  ContainerSpec s = Spec();
  s.dsig = true;
  s.md5 = std::string(32, '0');
  EXPECT_EQ(Load("x.cvd", Container(s)).Code(), "E0703");
  ContainerSpec u = Spec();
  u.md5 = std::string(32, '0');
  EXPECT_TRUE(Load("x.cud", Container(u)).status.ok());  // as ClamAV
}

TEST(SigsContainer, ManifestRules) {
  ContainerSpec s = Spec();
  s.dsig = true;
  EXPECT_EQ(Load("x.cud", Container(s)).Code(), "E0706");  // DSIG in .cud
  s.dsig = false;
  EXPECT_EQ(Load("x.cld", Container(s)).Code(), "E0706");  // none in .cld
  std::string data = Container(Spec());
  std::string tampered = data;
  // The manifest repeats the header; make them disagree.
  tampered.replace(tampered.find(":5:2:216:"), 9, ":6:2:216:");
  EXPECT_EQ(Load("x.cud", tampered).Code(), "E0706");
}

TEST(SigsContainer, ForeignMembers) {
  std::string body = testing::Gzip(testing::Tar({{"a.hdb", kHdb}}));
  std::string header =
      "ClamAV-VDB:x:1:1:216:" + testing::Md5Hex(body) + ":X:t:1";
  header.resize(512, ' ');
  EXPECT_EQ(Load("x.cud", header + body).Code(), "E0706");  // no manifest
}

TEST(SigsContainer, Errors) {
  EXPECT_EQ(Load("x.cud", "ClamAV-VDB:short").Code(), "E0701");
  EXPECT_EQ(Load("x.cud", std::string(600, ' ')).Code(), "E0701");
  std::string bad = "ClamAV-VDB:x:v:1:216:0:X:t:1";
  bad.resize(600, ' ');
  EXPECT_EQ(Load("x.cud", bad).Code(), "E0702");
  std::string gz = "ClamAV-VDB:x:1:1:216:0:X:t:1";
  gz.resize(512, ' ');
  EXPECT_EQ(Load("x.cud", gz + "\x1f\x8b garbage").Code(), "E0704");
  EXPECT_EQ(Load("x.cud", gz + testing::Gzip("not tar")).Code(), "E0705");
}

TEST(SigsContainer, MemberErrorsNameTheMember) {
  ContainerSpec s;
  s.members = {{"a.hdb", "zz\n"}};
  auto l = Load("x.cud", Container(s));
  EXPECT_EQ(l.Code(), "E0101");
  EXPECT_EQ(l.diagnostics.back().file, "x.cud:a.hdb");
  ContainerSpec empty;
  empty.members = {{"a.hdb", ""}};
  EXPECT_EQ(Load("x.cud", Container(empty)).Code(), "E0002");
  ContainerSpec slash;
  slash.members = {{"dir/a.hdb", kHdb}};
  EXPECT_EQ(Load("x.cud", Container(slash)).Code(), "E0707");
}

TEST(SigsContainer, MembersLoadInArchiveOrder) {
  // An ignore list applies only to the members after it (as in ClamAV).
  ContainerSpec late;
  late.members = {{"a.hdb", kHdb}, {"a.ign2", "Eicar-Test\n"}};
  EXPECT_EQ(Load("x.cud", Container(late)).set.known_viruses, 1u);
  ContainerSpec early;
  early.members = {{"a.ign2", "Eicar-Test\n"}, {"a.hdb", kHdb}};
  EXPECT_EQ(Load("x.cud", Container(early)).set.known_viruses, 0u);
}

TEST(SigsContainer, PuaAndUnsupportedMembers) {
  ContainerSpec s;
  s.members = {{"a.hdu", kHdb}, {"a.cdb", "# comment\n"}, {"a.hdb", kHdb}};
  auto l = Load("x.cud", Container(s));
  ASSERT_TRUE(l.status.ok()) << l.Error();
  EXPECT_EQ(l.set.known_viruses, 1u);
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0].code, "W0001");
  LoadOptions pua;
  pua.detect_pua = true;
  EXPECT_EQ(Load("x.cud", Container(s), pua).set.known_viruses, 2u);
}

TEST(SigsContainer, NewerFlevelWarns) {
  ContainerSpec s = Spec();
  s.flevel = 999;
  auto l = Load("x.cud", Container(s));
  ASSERT_TRUE(l.status.ok());
  ASSERT_FALSE(l.diagnostics.empty());
  EXPECT_EQ(l.diagnostics[0].code, "W0003");
}

TEST(SigsContainer, DecompressionIsBounded) {
  std::string body = testing::Gzip(std::string(1 << 20, '\0'));
  std::string header = "ClamAV-VDB:x:1:1:216:0:X:t:1";
  header.resize(512, ' ');
  clamav::CvdHeader h;
  std::vector<uint8_t> storage;
  std::vector<clamav::TarMember> members;
  clamav::ContainerLimits limits;
  limits.max_unpacked = 4096;
  clamav::ParseStatus st =
      clamav::OpenContainer(AsBytes(header + body), clamav::ContainerKind::kCud,
                            limits, &h, &storage, &members);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), DiagCode::kCvdCompression);
}

}  // namespace
}  // namespace vigil::sigs

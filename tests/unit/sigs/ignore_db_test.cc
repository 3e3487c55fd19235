// Ignore lists: their own syntax, and how loading applies them.
#include <gtest/gtest.h>

#include "sigs_test_util.h"

namespace vigil::sigs {
namespace {

using testing::CodeOf;
using testing::Load;
using testing::Md5Hex;

constexpr char kMd5[] = "44d88612fea8a8f36de82e1278abb02f";

TEST(SigsIgnoreDb, Forms) {
  auto l = Load("t.ign2", std::string("Plain Name\nWith.Md5:") + kMd5 +
                              "\ndaily.ndb:1234:Legacy.Form\n#comment\n");
  ASSERT_TRUE(l.status.ok()) << l.Error();
  ASSERT_EQ(l.set.ignores.size(), 3u);
  EXPECT_EQ(l.set.ignores[0].name, "Plain Name");
  EXPECT_FALSE(l.set.ignores[0].line_md5.has_value());
  EXPECT_TRUE(l.set.ignores[1].line_md5.has_value());
  EXPECT_EQ(l.set.ignores[2].name, "Legacy.Form");
  EXPECT_EQ(l.set.known_viruses, 0u);
}

TEST(SigsIgnoreDb, Rejections) {
  EXPECT_EQ(CodeOf("ign2", std::string(":") + kMd5), "E0501");
  EXPECT_EQ(CodeOf("ign2", "Foo:"), "E0502");
  EXPECT_EQ(CodeOf("ign2", "Foo:zz"), "E0502");
  EXPECT_EQ(CodeOf("ign", "a:b:c:d"), "E0503");
  // ClamAV 1.4 refuses Name:MD5 with names shorter than 3 characters.
  EXPECT_EQ(CodeOf("ign2", std::string("AB:") + kMd5), "E0502");
  EXPECT_EQ(CodeOf("ign2", std::string("ABC:") + kMd5), "OK");
  EXPECT_TRUE(Load("t.ign2", "").status.ok());  // empty lists are fine
}

TEST(SigsIgnoreDb, AppliesByNameAndLineMd5) {
  SignatureSet set;
  std::vector<Diagnostic> diags;
  std::string hdb =
      std::string(kMd5) + ":68:Foo\n" + kMd5 + ":69:Bar\n" + kMd5 + ":70:Baz\n";
  std::string ign = "Foo\nBar:" + Md5Hex(std::string(kMd5) + ":69:Bar") +
                    "\nBaz:" + Md5Hex("something else") + "\nQux.UNOFFICIAL\n";
  ASSERT_TRUE(LoadDatabaseText("x.ign2", ign, {}, &set, &diags).ok());
  ASSERT_TRUE(LoadDatabaseText("a.hdb", hdb, {}, &set, &diags).ok());
  ASSERT_EQ(set.hashes.size(), 1u);
  EXPECT_EQ(set.hashes[0].name, "Baz.UNOFFICIAL");
  EXPECT_EQ(set.ignored, 2u);
  EXPECT_EQ(set.known_viruses, 1u);
}

TEST(SigsIgnoreDb, IgnoredLinesAreNotParsed) {
  // ClamAV drops an ignored line before parsing it, so it cannot fail.
  SignatureSet set;
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(LoadDatabaseText("x.ign2", "T\n", {}, &set, &diags).ok());
  EXPECT_TRUE(LoadDatabaseText("a.ndb", "T:0:*:41\n", {}, &set, &diags).ok());
  EXPECT_TRUE(
      LoadDatabaseText("a.ldb", "T;Target:0;0;41\n", {}, &set, &diags).ok());
}

}  // namespace
}  // namespace vigil::sigs

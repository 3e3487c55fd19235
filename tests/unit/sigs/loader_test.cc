// The loader: files and directories, order, skips, flags and line rules.
#include "sigs/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sigs_test_util.h"

namespace vigil::sigs {
namespace {

namespace fs = std::filesystem;
using testing::Load;

constexpr char kHdb[] = "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test\n";

class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (fs::temp_directory_path() / "vigil-sigs-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, std::string_view content) {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(SigsLoader, DatabaseFileNames) {
  for (const char* n :
       {"a.hdb", "a.HSB", "a.mdb", "a.msb",  "a.imp",     "a.ndb", "a.ldb",
        "a.fp",  "a.sfp", "a.ign", "a.ign2", "a.db",      "a.cvd", "a.cld",
        "a.cud", "a.hdu", "a.ndu", "a.ldu",  "dir/x.mdu", "a.msu", "a.hsu"}) {
    EXPECT_TRUE(IsDatabaseFileName(n)) << n;
  }
  for (const char* n : {"a.yar", "a.cdb", "a.ftm", "a.info", "a.txt", "COPYING",
                        "a.cdiff", "a.cvd.sign"}) {
    EXPECT_FALSE(IsDatabaseFileName(n)) << n;
  }
}

TEST(SigsLoader, LineRules) {
  EXPECT_TRUE(Load("t.hdb", "# comment\r\n" + std::string(kHdb)).status.ok());
  EXPECT_EQ(Load("t.hdb", std::string(kHdb) + "\n").Code(), "E0003");
  EXPECT_EQ(Load("t.ndb", "T:0:*:414243\n \n").Code(), "E0301");
  EXPECT_EQ(Load("t.hdb", "").Code(), "E0002");
  EXPECT_TRUE(Load("t.hdb", "#only a comment\n").status.ok());
  std::string line(8190, 'N');
  line.replace(0, 36, "44d88612fea8a8f36de82e1278abb02f:68:");
  EXPECT_TRUE(Load("t.hdb", line + "\n").status.ok());
  EXPECT_EQ(Load("t.hdb", line + "N\n").Code(), "E0004");
  EXPECT_TRUE(Load("t.hdb", line + "N").status.ok());  // no newline: fits
}

TEST(SigsLoader, ErrorsCarryFileLineAndColumn) {
  auto l = Load("sigs.ndb", "Good:0:*:414243\nBad:0:*:41424g\n");
  ASSERT_FALSE(l.status.ok());
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.Error(),
            "sigs.ndb:2:14: error[E0201]: invalid character 'g' in "
            "hex signature");
  EXPECT_EQ(l.status.message(), l.Error());
  EXPECT_EQ(l.status.code(), StatusCode::kInvalidArgument);
}

TEST(SigsLoader, FlevelOption) {
  LoadOptions old;
  old.flevel = 100;
  auto l = Load("t.ndb", "A:0:*:414243:150\nB:0:*:414243\n", old);
  EXPECT_EQ(l.set.known_viruses, 1u);
  EXPECT_EQ(l.set.skipped_flevel, 1u);
}

TEST(SigsLoader, UnsupportedAndUnknownFilesWarn) {
  auto yar = Load("rules.yar", "rule x { condition: true }\n");
  ASSERT_TRUE(yar.status.ok());
  ASSERT_EQ(yar.diagnostics.size(), 1u);
  EXPECT_EQ(yar.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(yar.diagnostics[0].code, "W0001");
  auto txt = Load("notes.txt", "hello\n");
  ASSERT_TRUE(txt.status.ok());
  EXPECT_EQ(txt.diagnostics[0].code, "W0002");
}

TEST(SigsLoader, PuaVariantsNeedDetectPua) {
  EXPECT_EQ(Load("a.hdu", kHdb).set.known_viruses, 0u);
  EXPECT_EQ(Load("a.ndu", "T:0:*:41\n").set.known_viruses, 0u);  // unread
  LoadOptions pua;
  pua.detect_pua = true;
  EXPECT_EQ(Load("a.hdu", kHdb, pua).set.known_viruses, 1u);
}

TEST(SigsLoader, OfficialOnlySkipsLooseFiles) {
  LoadOptions official;
  official.official_only = true;
  EXPECT_EQ(Load("a.hdb", kHdb, official).set.known_viruses, 0u);
  testing::ContainerSpec unsigned_spec;
  unsigned_spec.members = {{"x.hdb", kHdb}};
  EXPECT_EQ(Load("x.cud", testing::Container(unsigned_spec), official)
                .set.known_viruses,
            0u);
  // Ignore lists still load (clamscan --official-db-only applies them).
  SignatureSet set;
  ASSERT_TRUE(
      LoadDatabaseText("x.ign2", "Eicar-Test\n", official, &set, nullptr).ok());
  EXPECT_EQ(set.ignores.size(), 1u);
  testing::ContainerSpec signed_spec = unsigned_spec;
  signed_spec.dsig = true;
  ASSERT_TRUE(LoadDatabaseText("x.cvd", testing::Container(signed_spec),
                               official, &set, nullptr)
                  .ok());
  EXPECT_EQ(set.known_viruses, 0u);
  EXPECT_EQ(set.ignored, 1u);
}

TEST(SigsLoader, DirectoryOrderIgnoreListsFirst) {
  TempDir dir;
  dir.Write("a.hdb", kHdb);
  dir.Write("z.ign2", "Eicar-Test\n");
  dir.Write("notes.txt", "x");
  dir.Write("b.yar", "rule x { condition: true }\n");
  fs::create_directory(dir.path() + "/sub");
  dir.Write("sub/c.hdb", kHdb);  // not recursive
  auto files = ListDatabaseFiles({dir.path()});
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ(fs::path((*files)[0]).filename(), "z.ign2");
  EXPECT_EQ(fs::path((*files)[1]).filename(), "a.hdb");
  SignatureSet set;
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(LoadDatabases({dir.path()}, {}, &set, &diags).ok());
  EXPECT_EQ(set.known_viruses, 0u);
  EXPECT_EQ(set.ignored, 1u);
  ASSERT_EQ(diags.size(), 1u);  // b.yar; notes.txt is silently passed over
  EXPECT_EQ(diags[0].code, "W0001");
}

TEST(SigsLoader, IgnoreListsOfLaterPathsApplyToo) {
  TempDir dir;
  std::string hdb = dir.Write("a.hdb", kHdb);
  std::string ign = dir.Write("x.ign2", "Eicar-Test\n");
  SignatureSet set;
  ASSERT_TRUE(LoadDatabases({hdb, ign}, {}, &set, nullptr).ok());
  EXPECT_EQ(set.known_viruses, 0u);
}

TEST(SigsLoader, MissingPathsAndEmptyDirectories) {
  TempDir dir;
  SignatureSet set;
  std::vector<Diagnostic> diags;
  Status st = LoadDatabases({dir.path() + "/nope.hdb"}, {}, &set, &diags);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(diags.back().code, "E0001");
  st = LoadDatabases({dir.path()}, {}, &set, &diags);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(diags.back().code, "E0006");
  EXPECT_FALSE(ListDatabaseFiles({dir.path() + "/nope"}).ok());
}

TEST(SigsLoader, NewerOfCvdAndCldWins) {
  TempDir dir;
  testing::ContainerSpec older;
  older.members = {{"x.hdb", kHdb}};
  older.dsig = true;
  testing::ContainerSpec newer = older;
  newer.version = 6;
  newer.members = {
      {"x.hdb",
       std::string(kHdb) + "44d88612fea8a8f36de82e1278abb02f:68:Second\n"}};
  dir.Write("daily.cvd", testing::Container(older));
  dir.Write("daily.cld", testing::Container(newer));
  SignatureSet set;
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(LoadDatabases({dir.path()}, {}, &set, &diags).ok());
  EXPECT_EQ(set.known_viruses, 2u);
  EXPECT_EQ(set.daily_version, 6u);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "W0006");
}

TEST(SigsLoader, SourceLocations) {
  SignatureSet set;
  ASSERT_TRUE(LoadDatabaseText("one.hdb", kHdb, {}, &set, nullptr).ok());
  ASSERT_TRUE(
      LoadDatabaseText("two.ndb", "#\nT:0:*:414243\n", {}, &set, nullptr).ok());
  ASSERT_EQ(set.files.size(), 2u);
  EXPECT_EQ(set.bodies[0].loc.file, 1u);
  EXPECT_EQ(set.bodies[0].loc.line, 2u);
  EXPECT_EQ(set.files[set.bodies[0].loc.file], "two.ndb");
}

}  // namespace
}  // namespace vigil::sigs

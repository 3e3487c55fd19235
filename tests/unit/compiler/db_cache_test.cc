// The compile-and-cache step of `vigil scan -d SRC`.
#include "compiler/db_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vigil::compiler {
namespace {

namespace fs = std::filesystem;

class DbCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("vigil_db_cache_test_" + std::to_string(getpid()));
    fs::create_directories(root_ / "src");
    fs::create_directories(root_ / "cache");
    Write("src/a.ndb", "Test.A:0:*:6162636465666768\n");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(root_ / rel) << text;
  }
  Result<LoadedDatabase> Open(std::string src = "") {
    SourceOptions o;
    o.paths = {src.empty() ? (root_ / "src").string() : src};
    o.cache_dir = (root_ / "cache").string();
    std::vector<sigs::Diagnostic> diags;
    return OpenDatabase(o, &diags);
  }
  size_t CachedFiles() {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(root_ / "cache"))
      n += e.path().extension() == ".vdb";
    return n;
  }
  fs::path root_;
};

TEST_F(DbCacheTest, SecondOpenUsesTheCache) {
  auto first = Open();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->from_cache);
  auto second = Open();
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->from_cache);
  EXPECT_EQ(first->cache_path, second->cache_path);
  EXPECT_EQ(second->database->info().body_signatures, 1u);
}

TEST_F(DbCacheTest, RelativeAndAbsoluteSourcesShareOneDatabase) {
  auto absolute = Open();
  ASSERT_TRUE(absolute.ok()) << absolute.status().ToString();
  const fs::path cwd = fs::current_path();
  fs::current_path(root_);
  auto relative = Open("src");
  auto dotted = Open("./src/../src");
  fs::current_path(cwd);
  ASSERT_TRUE(relative.ok() && dotted.ok());
  EXPECT_TRUE(relative->from_cache);
  EXPECT_TRUE(dotted->from_cache);
  EXPECT_EQ(relative->cache_path, absolute->cache_path);
  EXPECT_EQ(CachedFiles(), 1u);
}

TEST_F(DbCacheTest, ChangedContentMakesANewDatabase) {
  ASSERT_TRUE(Open().ok());
  Write("src/a.ndb",
        "Test.A:0:*:6162636465666768\nTest.B:0:*:7172737475767778\n");
  auto again = Open();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->from_cache);
  EXPECT_EQ(again->database->info().body_signatures, 2u);
  EXPECT_EQ(CachedFiles(), 2u);
}

TEST_F(DbCacheTest, MalformedSourcesFailWithADiagnostic) {
  Write("src/bad.ndb", "Broken:0:*:zz\n");
  SourceOptions o;
  o.paths = {(root_ / "src").string()};
  o.cache_dir = (root_ / "cache").string();
  std::vector<sigs::Diagnostic> diags;
  auto r = OpenDatabase(o, &diags);
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags.back().severity, sigs::Severity::kError);
  EXPECT_EQ(CachedFiles(), 0u);
}

TEST_F(DbCacheTest, ACompiledFileIsUsedDirectly) {
  auto first = Open();
  ASSERT_TRUE(first.ok());
  SourceOptions o;
  o.paths = {first->cache_path};
  std::vector<sigs::Diagnostic> diags;
  auto direct = OpenDatabase(o, &diags);
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_EQ(direct->database->info().body_signatures, 1u);
}

}  // namespace
}  // namespace vigil::compiler

// Directory walks of SCAN/CONTSCAN/MULTISCAN with CrossFilesystems no. The
// other file system is /dev/shm (a tmpfs), reached through symbolic links
// the walk follows, so that no mount is needed; a mount point inside the
// tree is tested by tests/daemon/test_config_effects.py. The replies are
// those clamd 1.4.6 gave for the same trees.
#include "daemon/path_scan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../scan/text_database.h"

namespace vigil::daemon {
namespace {

namespace fs = std::filesystem;

constexpr char kMarker[] = "vigil-test-marker";
constexpr char kFound[] = ": Test.Marker.UNOFFICIAL FOUND";

std::shared_ptr<const Database> MarkerDatabase() {
  // "vigil-test-marker" in hex.
  return testing::DatabaseFromText(
      {{"t.ndb", "Test.Marker:0:*:766967696c2d746573742d6d61726b6572\n"}});
}

fs::path MakeTempDir(const fs::path& parent) {
  std::string templ = (parent / "vigil-pathscan-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) return {};
  return templ;
}

dev_t DeviceOf(const fs::path& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 ? st.st_dev : 0;
}

class CrossFilesystemsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    here_ = MakeTempDir(fs::temp_directory_path());
    ASSERT_FALSE(here_.empty());
    if (!fs::is_directory("/dev/shm") ||
        DeviceOf("/dev/shm") == DeviceOf(here_)) {
      GTEST_SKIP() << "/dev/shm is not another file system here";
    }
    there_ = MakeTempDir("/dev/shm");
    ASSERT_FALSE(there_.empty());
    std::ofstream(there_ / "m.txt") << "a " << kMarker << " b\n";
    std::ofstream(here_ / "clean.txt") << "clean\n";
    fs::create_symlink(there_ / "m.txt", here_ / "link.txt");
    fs::create_directory_symlink(there_, here_ / "dlink");
  }
  void TearDown() override {
    if (!here_.empty()) fs::remove_all(here_);
    if (!there_.empty()) fs::remove_all(there_);
  }

  std::vector<std::string> Scan(const fs::path& path, PathMode mode, bool cross,
                                bool follow = true) {
    PathScanOptions o;
    o.cross_filesystems = cross;
    o.follow_directory_symlinks = follow;
    o.follow_file_symlinks = follow;
    std::vector<std::string> lines;
    ScanPath(
        engine_, path.string(), mode, o,
        [&](const std::string& l) { lines.push_back(l); }, nullptr);
    return lines;
  }

  Engine engine_{MarkerDatabase()};
  fs::path here_, there_;
};

TEST_F(CrossFilesystemsTest, YesFollowsLinksOntoTheOtherFileSystem) {
  std::vector<std::string> lines = Scan(here_, PathMode::kContScan, true);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines,
            (std::vector<std::string>{(here_ / "dlink/m.txt").string() + kFound,
                                      (here_ / "link.txt").string() + kFound}));
}

TEST_F(CrossFilesystemsTest, NoAnswersEntriesOnAnotherFileSystemExcluded) {
  for (PathMode mode :
       {PathMode::kScan, PathMode::kContScan, PathMode::kAllMatch}) {
    std::vector<std::string> lines = Scan(here_, mode, false);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines.back(), here_.string() + ": OK");
    lines.pop_back();
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ(lines, (std::vector<std::string>{
                         (here_ / "dlink").string() +
                             ": Excluded (another filesystem)",
                         (here_ / "link.txt").string() +
                             ": Excluded (another filesystem)"}));
  }
}

TEST_F(CrossFilesystemsTest, MultiscanSkipsThemSilently) {
  EXPECT_EQ(Scan(here_, PathMode::kMultiScan, false),
            std::vector<std::string>{here_.string() + ": OK"});
}

TEST_F(CrossFilesystemsTest, LinksNotFollowedGetNoLine) {
  EXPECT_EQ(Scan(here_, PathMode::kContScan, false, /*follow=*/false),
            std::vector<std::string>{here_.string() + ": OK"});
}

TEST_F(CrossFilesystemsTest, TheTopLevelDirectorysFileSystemIsTheWalks) {
  EXPECT_EQ(Scan(there_, PathMode::kContScan, false),
            std::vector<std::string>{(there_ / "m.txt").string() + kFound});
}

}  // namespace
}  // namespace vigil::daemon

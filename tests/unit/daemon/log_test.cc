// vigild's log: clamd 1.4.6's size limit and rotation, the log file lock,
// LogFacility, and lines from many threads. The texts expected here were
// seen in clamd 1.4.6's own log (docs/vigild-config.md, "How this was
// checked").
#include "daemon/log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "config/daemon_config.h"

namespace vigil::daemon {
namespace {

namespace fs = std::filesystem;

constexpr char kForcedWarning[] =
    "WARNING: Log size limit met but log file rotation turned off. Forcing "
    "log file rotation anyways.";

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "vigil-log-XXXXXX");
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    file_ = (dir_ / "vigild.log").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  LogOptions Options() const {
    LogOptions o;
    o.file = file_;
    return o;
  }

  static std::string Read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // The rotated files ("vigild-YYYYMMDD_HHMMSS.log"), by name.
  std::vector<fs::path> Rotated() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().filename() != "vigild.log") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  std::string file_;
};

TEST(LogRotatedName, IsClamdsName) {
  struct tm when {};
  when.tm_year = 2026 - 1900;
  when.tm_mon = 10;
  when.tm_mday = 30;
  when.tm_hour = 7;
  when.tm_min = 9;
  when.tm_sec = 19;
  EXPECT_EQ(RotatedLogName("/var/log/clamd.log", when),
            "/var/log/clamd-20261130_070919.log");
  // clamd would cut "mdlog" to "m": vigild appends.
  EXPECT_EQ(RotatedLogName("/var/log/clamdlog", when),
            "/var/log/clamdlog-20261130_070919.log");
  EXPECT_EQ(RotatedLogName("x", when), "x-20261130_070919.log");
}

TEST_F(LogTest, WritesLinesWithLevelsAndTime) {
  LogOptions o = Options();
  o.time = true;
  Log log(o);
  ASSERT_TRUE(log.Open().ok());
  log.Info("hello");
  log.Warning("careful");
  log.Error("broken");
  const std::string text = Read(file_);
  EXPECT_NE(text.find(" -> hello\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" -> WARNING: careful\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" -> ERROR: broken\n"), std::string::npos) << text;
  EXPECT_EQ(fs::status(file_).permissions() & fs::perms::others_all,
            fs::perms::none);  // created 0640, as clamd
}

TEST_F(LogTest, WithoutLogRotateTheFirstRotationIsForcedWithClamdsLines) {
  LogOptions o = Options();
  o.max_size = 100;
  Log log(o);
  ASSERT_TRUE(log.Open().ok());
  const std::string line(30, 'a');             // 31 bytes a line
  for (int i = 0; i < 4; ++i) log.Info(line);  // 124 bytes: over the limit
  EXPECT_TRUE(Rotated().empty());              // checked before a line only
  log.Info("next");
  ASSERT_EQ(Rotated().size(), 1u);
  std::string want;
  for (int i = 0; i < 4; ++i) want += line + "\n";
  want += "Log size = 124, max = 100\n" + std::string(kForcedWarning) + "\n";
  EXPECT_EQ(Read(Rotated()[0]), want);
  EXPECT_EQ(Read(file_), "next\n");
  // Rotation is on from now on: the next one (the fifth line) is silent.
  for (int i = 0; i < 5; ++i) log.Info(line);
  EXPECT_EQ(Read(file_), line + "\n");
  // (Within the same second it replaced the first rotated file, as clamd's
  // does.)
  EXPECT_EQ(Read(Rotated().back()),
            "next\n" + line + "\n" + line + "\n" + line + "\n" + line + "\n");
}

TEST_F(LogTest, LogRotateRotatesSilently) {
  LogOptions o = Options();
  o.max_size = 50;
  o.rotate = true;
  Log log(o);
  ASSERT_TRUE(log.Open().ok());
  log.Info(std::string(60, 'b'));
  log.Info("after");
  ASSERT_EQ(Rotated().size(), 1u);
  EXPECT_EQ(Read(Rotated()[0]), std::string(60, 'b') + "\n");
  EXPECT_EQ(Read(file_), "after\n");
}

TEST_F(LogTest, AFileAtTheLimitIsKept) {
  LogOptions o = Options();
  o.max_size = 10;
  o.rotate = true;
  Log log(o);
  ASSERT_TRUE(log.Open().ok());
  log.Info("123456789");  // 10 bytes: not past the limit
  log.Info("x");
  EXPECT_TRUE(Rotated().empty());
  EXPECT_EQ(Read(file_), "123456789\nx\n");
}

TEST_F(LogTest, NoLimitNeverRotates) {
  LogOptions o = Options();
  o.max_size = 0;
  Log log(o);
  ASSERT_TRUE(log.Open().ok());
  for (int i = 0; i < 200; ++i) log.Info(std::string(100, 'c'));
  EXPECT_TRUE(Rotated().empty());
  EXPECT_EQ(fs::file_size(file_), 200u * 101);
}

TEST_F(LogTest, ASecondLogOnTheFileIsRefusedUnlessUnlocked) {
  Log first(Options());
  ASSERT_TRUE(first.Open().ok());
  Log second(Options());
  Status s = second.Open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("Failed to lock the log file " + file_ +
                                  ": Resource temporarily unavailable",
                              0),
            0u)
      << s.message();
  LogOptions unlocked = Options();
  unlocked.lock = false;
  Log third(unlocked);
  ASSERT_TRUE(third.Open().ok());
  third.Info("shared");
  EXPECT_EQ(Read(file_), "shared\n");
}

TEST_F(LogTest, TheLockIsFreedWithTheLog) {
  {
    Log first(Options());
    ASSERT_TRUE(first.Open().ok());
  }
  Log second(Options());
  EXPECT_TRUE(second.Open().ok());
}

// clamd takes a classic fcntl() lock: vigild's lock conflicts with it (and
// the other way round), even inside one process.
TEST_F(LogTest, TheLockConflictsWithClamdsKindOfLock) {
  const int fd = open(file_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
  ASSERT_GE(fd, 0);
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  ASSERT_EQ(fcntl(fd, F_SETLK, &fl), 0);
  Log log(Options());
  EXPECT_FALSE(log.Open().ok());
  close(fd);
  EXPECT_TRUE(log.Open().ok());
}

TEST_F(LogTest, ReopenFollowsLogrotate) {
  Log log(Options());
  ASSERT_TRUE(log.Open().ok());
  log.Info("one");
  fs::rename(file_, file_ + ".1");
  log.Info("two");  // still the moved file, until SIGHUP
  log.Reopen();
  log.Info("three");
  EXPECT_EQ(Read(file_ + ".1"), "one\ntwo\n");
  EXPECT_EQ(Read(file_), "three\n");
  // The new file is locked, the moved one no more.
  Log other(Options());
  EXPECT_FALSE(other.Open().ok());
}

TEST_F(LogTest, SyslogLinesUseTheFacilityAndClamdsLevels) {
  std::vector<std::pair<int, std::string>> got;
  LogOptions o;  // no file
  o.syslog = true;
  o.facility = config::SyslogFacilityCode("LOG_MAIL").value();
  o.syslog_writer = [&](int priority, const std::string& line) {
    got.emplace_back(priority, line);
  };
  Log log(o);
  ASSERT_TRUE(log.Open().ok());
  log.Info("found");
  log.Warning("odd");
  log.Error("bad");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], std::make_pair(LOG_MAIL | LOG_INFO, std::string("found")));
  EXPECT_EQ(got[1], std::make_pair(LOG_MAIL | LOG_WARNING, std::string("odd")));
  EXPECT_EQ(got[2], std::make_pair(LOG_MAIL | LOG_ERR, std::string("bad")));
}

TEST(LogFacility, NamesAreClamds) {
  using config::SyslogFacilityCode;
  EXPECT_EQ(SyslogFacilityCode("LOG_MAIL"), LOG_MAIL);
  EXPECT_EQ(SyslogFacilityCode("LOG_DAEMON"), LOG_DAEMON);
  EXPECT_EQ(SyslogFacilityCode("LOG_USER"), LOG_USER);
  EXPECT_EQ(SyslogFacilityCode("LOG_AUTHPRIV"), LOG_AUTHPRIV);
  const int local[] = {LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                       LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(SyslogFacilityCode("LOG_LOCAL" + std::to_string(i)), local[i]);
  }
  // clamd compares as written: "log_mail" is no facility.
  EXPECT_EQ(SyslogFacilityCode("log_mail"), std::nullopt);
  EXPECT_EQ(SyslogFacilityCode("LOG_LOCAL8"), std::nullopt);
  EXPECT_EQ(SyslogFacilityCode("MAIL"), std::nullopt);
  EXPECT_EQ(SyslogFacilityCode(""), std::nullopt);
}

TEST_F(LogTest, LinesFromManyThreadsStayWhole) {
  Log log(Options());
  ASSERT_TRUE(log.Open().ok());
  constexpr int kThreads = 4, kLines = 500;
  std::vector<std::thread> team;
  for (int t = 0; t < kThreads; ++t) {
    team.emplace_back([&log, t] {
      for (int i = 0; i < kLines; ++i)
        log.Info("thread " + std::to_string(t) + " line " +
                 std::string(50, 'z'));
    });
  }
  for (std::thread& t : team) t.join();
  std::ifstream in(file_);
  int lines = 0;
  for (std::string l; std::getline(in, l); ++lines) {
    ASSERT_EQ(l.rfind("thread ", 0), 0u) << l;
    ASSERT_EQ(l.substr(l.size() - 50), std::string(50, 'z')) << l;
  }
  EXPECT_EQ(lines, kThreads * kLines);
}

}  // namespace
}  // namespace vigil::daemon

// vigild's log: clamd 1.4.6's LogFile, LogTime, LogSyslog, LogFacility,
// LogFileMaxSize, LogRotate and LogFileUnlock (docs/vigild-config.md).
//
// - The file is opened O_APPEND, created 0640, and write-locked (an open
//   file description lock, F_OFD_SETLK, which conflicts with the classic
//   fcntl lock clamd takes): a second vigild, or a clamd, on the same file
//   fails Open() unless the other side runs with LogFileUnlock. The lock
//   lives with the open file, so it survives vigild's fork into the
//   background.
// - Size limit, as clamd's logg(): before each line, when LogFileMaxSize is
//   not 0 and the file at the path is larger than it, the file is renamed to
//   "<name>-YYYYMMDD_HHMMSS.log" (".log" at the end of the name replaced) and
//   a new one started. Without LogRotate clamd 1.4.6 rotates all the same,
//   after writing "Log size = N, max = M" and a warning to the old file
//   (once): so does vigild.
// - Syslog lines go to LogFacility with clamd's levels (LOG_ERR for errors,
//   LOG_WARNING for warnings, LOG_INFO for the rest).
//
// Thread-safe: one mutex serialises lines, rotation and Reopen(). Tested by
// tests/unit/daemon/log_test.cc.
#ifndef VIGIL_DAEMON_LOG_H_
#define VIGIL_DAEMON_LOG_H_

#include <syslog.h>
#include <time.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "vigil/status.h"

namespace vigil::daemon {

struct LogOptions {
  std::string file;   // empty: no file
  bool time = false;  // prefix "Mon Nov 30 07:09:19 2026 -> "
  bool syslog = false;
  int facility = LOG_LOCAL6;  // LogFacility, as config::SyslogFacilityCode
  bool stderr_too = false;    // foreground without a log file
  bool verbose = false;
  bool clean = false;  // log clean files too
  // LogFileMaxSize: a file larger than this is rotated before the next
  // line. 0: no limit.
  uint64_t max_size = 0;
  bool rotate = false;  // LogRotate (clamd 1.4.6 rotates without it too)
  bool lock = true;     // false: LogFileUnlock
  // Receives syslog lines (priority is facility | level); empty: syslog(3).
  // A seam for tests.
  std::function<void(int priority, const std::string& line)> syslog_writer;
};

// The name a log file is rotated to at `when`, as clamd 1.4.6 names it:
// "/var/log/clamd.log" -> "/var/log/clamd-20261130_070919.log". clamd cuts
// the last four characters whatever they are; vigild appends to a name that
// does not end in ".log" ("/var/log/clamd" -> "/var/log/clamd-2026...log").
std::string RotatedLogName(const std::string& file, const struct tm& when);

class Log {
 public:
  explicit Log(LogOptions options);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Opens and locks the log file (nothing to do without one). Call once,
  // before the first line. An error ("Failed to lock the log file F:
  // Resource temporarily unavailable", clamd's words) means another daemon
  // holds the file: vigild must not start.
  [[nodiscard]] Status Open();

  void Info(const std::string& line) { Write(Level::kInfo, line); }
  void Warning(const std::string& line) { Write(Level::kWarning, line); }
  void Error(const std::string& line) { Write(Level::kError, line); }
  void Verbose(const std::string& line) {
    if (options_.verbose) Info(line);
  }
  bool log_clean() const { return options_.clean; }
  // Closes and reopens the file (SIGHUP, after logrotate moved it). A
  // failure leaves the file closed; each later line retries, as clamd does.
  void Reopen();

 private:
  enum class Level { kInfo, kWarning, kError };

  void Write(Level level, const std::string& line);
  // REQUIRES: mu_ held (for the five below).
  Status OpenFileLocked();
  // OpenFileLocked(), its first failure in a row reported on stderr.
  void RetryOpenLocked();
  void CloseFileLocked();
  void RotateIfFullLocked();
  void WriteFileLocked(const std::string& text);

  const LogOptions options_;
  std::mutex mu_;
  int fd_ = -1;               // guarded by mu_
  bool rotate_ = false;       // guarded by mu_; LogRotate, or forced on
  bool open_failed_ = false;  // guarded by mu_; the last retry failed
};

}  // namespace vigil::daemon

#endif  // VIGIL_DAEMON_LOG_H_

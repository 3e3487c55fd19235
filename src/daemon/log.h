// vigild's log: clamd's LogFile / LogTime / LogSyslog behaviour. Thread-safe;
// Reopen() (SIGHUP) lets logrotate move the file away.
#ifndef VIGIL_DAEMON_LOG_H_
#define VIGIL_DAEMON_LOG_H_

#include <cstdio>
#include <mutex>
#include <string>

namespace vigil::daemon {

struct LogOptions {
  std::string file;   // empty: no file
  bool time = false;  // prefix "Mon Nov 30 07:09:19 2026 -> "
  bool syslog = false;
  bool stderr_too = false;  // foreground without a log file
  bool verbose = false;
  bool clean = false;  // log clean files too
};

class Log {
 public:
  explicit Log(LogOptions options);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  void Info(const std::string& line);
  void Warning(const std::string& line) { Info("WARNING: " + line); }
  void Error(const std::string& line) { Info("ERROR: " + line); }
  void Verbose(const std::string& line) {
    if (options_.verbose) Info(line);
  }
  bool log_clean() const { return options_.clean; }
  // Reopens the file (after logrotate moved it).
  void Reopen();

 private:
  LogOptions options_;
  std::mutex mu_;
  FILE* file_ = nullptr;
};

}  // namespace vigil::daemon

#endif  // VIGIL_DAEMON_LOG_H_

// Reporter: what `vigil scan` prints, in clamscan's words or as JSON events.
//
// Text mode reproduces clamscan 1.4.6 line for line (result lines, warnings,
// the summary block, the --log file; docs/cli.md lists the few deliberate
// differences); JSON mode prints one event per line (docs/json-events.md).
// Events arrive in traversal order (OrderedSink puts parallel results back
// in order), so output is deterministic whatever the thread count.
//
// clamscan's channels, which the text mode keeps:
//   result lines ("PATH: OK", "... FOUND", "Empty file", ...) -> stdout;
//   "WARNING: ..." and "ERROR: ..." -> stderr, or stdout with --stdout;
//   the cause of an unreachable command-line path ("PATH: strerror") ->
//   stderr always (clamscan calls perror());
//   --quiet silences stdout and warnings, not errors;
//   -i hides every result line but FOUND;
//   the --log file gets everything but "OK" lines, --quiet or not.
#ifndef VIGIL_CLI_REPORTER_H_
#define VIGIL_CLI_REPORTER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cli/scan_options.h"
#include "vigil/report.h"

namespace vigil::cli {

struct FileEvent {
  enum class Kind {
    kScanned,        // `report` holds the verdict (or report.error)
    kEmpty,          // an empty regular file (not scanned)
    kExcluded,       // --exclude/--include, --exclude-dir/--include-dir,
                     // --cross-fs=no
    kExcludedProc,   // a file on /proc
    kSymlink,        // a symbolic link that is not followed
    kMissing,        // a command-line path lstat() cannot reach
    kNotSupported,   // a special file named on the command line
    kDirUnreadable,  // opendir() failed
    kAccessDenied,   // the file cannot be read by this user
    kOpenFailed,     // open() failed for another reason
  };
  Kind kind = Kind::kScanned;
  std::string display;     // the path as printed
  bool directory = false;  // the path is a directory
  uint64_t size = 0;       // st_size when the walk saw it ("Data read")
  ScanReport report;
  int error_number = 0;  // errno for kMissing, kDirUnreadable, kOpenFailed
};

struct Totals {
  uint64_t directories = 0;
  uint64_t files = 0;
  uint64_t infected = 0;
  uint64_t errors = 0;     // the summary's "Total errors"
  bool any_error = false;  // exit code 2 unless something was infected
  // clamscan counts data in 4 KiB blocks, each file rounded down.
  uint64_t blocks_scanned = 0;
  uint64_t blocks_read = 0;
  uint64_t bytes_scanned = 0;  // exact, for JSON
  uint64_t bytes_read = 0;
};

class Reporter {
 public:
  explicit Reporter(const ScanCommandOptions& options);
  ~Reporter();
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  // False with the strerror() text when the --log file cannot be opened.
  bool OpenLog(std::string* error);
  // Starts the clock and the log entry.
  void Start();
  // The database is loaded: the JSON start event.
  void DatabaseLoaded(uint64_t known_viruses);
  void Emit(const FileEvent& e);
  // "WARNING: text" / "ERROR: text" (stderr, or stdout with --stdout; also
  // logged). Neither counts as a scan error by itself.
  void Warning(const std::string& text);
  // `details`: vigil's diagnostic lines behind the error (JSON only: text
  // mode prints them on stderr before).
  void Error(const std::string& text,
             const std::vector<std::string>& details = {});
  // Something failed that makes the exit code 2 (unless infected).
  void MarkFailed() { totals_.any_error = true; }
  // The summary block (or JSON summary event).
  void Finish(uint64_t directories);
  int ExitCode() const;

  const Totals& totals() const { return totals_; }
  // Called before a line goes to the terminal (the progress line clears).
  void SetBeforeLine(std::function<void()> f) { before_line_ = std::move(f); }
  // For the progress line.
  uint64_t files_done() const {
    return files_done_.load(std::memory_order_relaxed);
  }

 private:
  void Count(const FileEvent& e);
  void Result(const std::string& text, bool log);  // a result line on stdout
  void Message(const std::string& text);           // warnings and errors
  void Log(const std::string& text);
  void JsonLine(const std::string& json);
  void EmitText(const FileEvent& e);
  void EmitScanned(const FileEvent& e);
  void EmitJson(const FileEvent& e);
  bool JsonWanted(const FileEvent& e) const;
  std::string SummaryText(double seconds, std::time_t end_time) const;

  const ScanCommandOptions& o_;
  uint64_t known_viruses_ = 0;
  std::FILE* log_ = nullptr;
  Totals totals_;
  std::atomic<uint64_t> files_done_{0};  // read by the progress line
  std::chrono::steady_clock::time_point t0_;
  std::time_t start_time_ = 0;
  std::function<void()> before_line_;
};

// Puts events produced in any order back into sequence order.
class OrderedSink {
 public:
  explicit OrderedSink(Reporter* reporter, size_t window = 1 << 16)
      : reporter_(reporter), window_(window) {}

  // Blocks while `seq` is more than `window` ahead of what was printed.
  void WaitForRoom(uint64_t seq);
  void Submit(uint64_t seq, FileEvent event);

 private:
  Reporter* reporter_;
  const size_t window_;
  std::mutex mu_;
  std::condition_variable room_;
  uint64_t next_ = 0;                      // guarded by mu_
  std::map<uint64_t, FileEvent> pending_;  // guarded by mu_
};

}  // namespace vigil::cli

#endif  // VIGIL_CLI_REPORTER_H_

// SCAN, CONTSCAN, MULTISCAN and ALLMATCHSCAN: clamd's replies for a path
// (docs/clamd-protocol.md, "Path scans").
//
// - A file: "<path>: <name> FOUND" (one line per name with ALLMATCHSCAN)
//   or "<path>: OK"; a file that cannot be read: "<path>: <reason> ERROR".
// - A directory, walked in clamd's order (MaxDirectoryRecursion deep,
//   symbolic links and special files skipped unless the configuration
//   follows links; entries ExcludePath matches answered "<path>: Excluded"
//   by all but MULTISCAN): a line per infected file or error, and "<dir>: OK"
//   at the end when nothing was found (MULTISCAN: and at least one file was
//   scanned). A file vigild may not read is "<path>: Access denied. ERROR",
//   a directory "<dir>: File path check failure: <strerror>. ERROR". SCAN and
//   ALLMATCHSCAN stop at the first infected file; CONTSCAN and MULTISCAN go
//   on (MULTISCAN scans the files on several threads, lines in completion
//   order).
// - A path that does not exist: "<path>: File path check failure: <strerror>.
//   ERROR"; another kind of file: "<path>: Not supported file type ERROR"
//   then "<path>: OK", as clamd 1.4.6 answers.
// The path is resolved (realpath) before it is opened; vigild reads it with
// its own rights only, so a client cannot read through it what vigild's
// user cannot.
#ifndef VIGIL_DAEMON_PATH_SCAN_H_
#define VIGIL_DAEMON_PATH_SCAN_H_

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "vigil/engine.h"
#include "vigil/limits.h"

namespace vigil::daemon {

enum class PathMode { kScan, kContScan, kMultiScan, kAllMatch };

struct PathScanOptions {
  ScanOptions scan;
  uint32_t max_directory_recursion = 15;
  bool follow_directory_symlinks = false;
  bool follow_file_symlinks = false;
  // CrossFilesystems: false keeps a directory walk on the top-level
  // directory's file system; entries on another one are answered
  // "<path>: Excluded (another filesystem)" (silently skipped by
  // MULTISCAN), as clamd does.
  bool cross_filesystems = true;
  unsigned multiscan_threads = 2;
  std::vector<std::regex> exclude;  // ExcludePath
};

// One reply body (no id prefix, no terminator).
using EmitFn = std::function<void(const std::string& body)>;
// Called for each file scanned, for the log: path, report.
using ScannedFn = std::function<void(const std::string&, const ScanReport&)>;

// Scans `path` and emits clamd's reply lines; returns the number of
// infected files.
uint64_t ScanPath(const Engine& engine, const std::string& path, PathMode mode,
                  const PathScanOptions& options, const EmitFn& emit,
                  const ScannedFn& scanned);

// The reply body for one scanned object named `name` ("stream",
// "fd[12]", or a path): FOUND lines (all of them, or the first), or OK, or
// an ERROR line. Appends to `out`; returns true when infected.
bool ReportLines(const std::string& name, const ScanReport& report,
                 bool all_match, std::vector<std::string>* out);

}  // namespace vigil::daemon

#endif  // VIGIL_DAEMON_PATH_SCAN_H_

// Options of `vigil scan`: clamscan's, with clamscan's meaning, plus vigil's.
#ifndef VIGIL_CLI_SCAN_OPTIONS_H_
#define VIGIL_CLI_SCAN_OPTIONS_H_

#include <regex.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vigil/limits.h"

namespace CLI {
class App;
}

namespace vigil::cli {

// A compiled POSIX extended regular expression, searched in paths as
// clamscan does (REG_EXTENDED | REG_NOSUB). Like clamscan's, a pattern that
// does not compile never matches; `error` then says why.
class PathRegex {
 public:
  static std::unique_ptr<PathRegex> Compile(const std::string& pattern,
                                            std::string* error);
  ~PathRegex();
  PathRegex(const PathRegex&) = delete;
  PathRegex& operator=(const PathRegex&) = delete;
  bool Search(const std::string& path) const;

 private:
  PathRegex() = default;
  regex_t re_{};
  bool valid_ = false;
};

struct ScanCommandOptions {
  std::vector<std::string> paths;
  std::vector<std::string> databases;  // -d, repeatable
  std::string file_list;               // -f
  std::string log_file;                // -l
  bool recursive = false;
  bool infected_only = false;  // -i
  bool suppress_ok = false;    // -o
  bool no_summary = false;
  bool quiet = false;
  bool to_stdout = false;  // --stdout: messages to stdout
  bool json = false;
  bool cross_fs = true;
  int follow_dir_symlinks = 1;  // 0 never, 1 command line only, 2 always
  int follow_file_symlinks = 1;
  uint32_t max_dir_recursion = 15;
  unsigned threads = 0;  // 0: every core
  bool official_db_only = false;
  bool progress = true;  // when stderr is a terminal
  std::string cache_dir;
  bool no_cache = false;
  // --daemon: scan through vigild (clamd protocol) at the socket of
  // --config's clamd.conf instead of loading a database.
  bool daemon = false;
  std::string daemon_config = "/etc/vigil/vigild.conf";
  std::vector<std::unique_ptr<PathRegex>> exclude, exclude_dir, include,
      include_dir;
  // Problems with options that do not stop the scan, printed as warnings.
  std::vector<std::string> warnings;
  ScanOptions scan;
};

// Declares the scan options on `app`, storing into `o`; `raw` receives the
// string-valued options that need checking after parsing.
struct RawScanOptions {
  std::vector<std::string> exclude, exclude_dir, include, include_dir;
  std::string max_filesize, max_scansize, max_files, max_recursion,
      max_scantime, max_compression_ratio, max_dir_recursion, pcre_match_limit,
      pcre_recmatch_limit, pcre_max_filesize, follow_dir_symlinks,
      follow_file_symlinks;
  std::string recursive, cross_fs, allmatch, alert_exceeds_max, scan_archive,
      official_db_only, alert_encrypted, alert_encrypted_archive,
      alert_encrypted_doc;
};
void AddScanOptions(CLI::App* app, ScanCommandOptions* o, RawScanOptions* raw);
// Converts `raw` into `o`; false on bad values, with clamscan's message
// (whole "ERROR: ..." lines) in `error`.
bool FinishScanOptions(const RawScanOptions& raw, ScanCommandOptions* o,
                       std::string* error);

// clamscan size syntax: a number with an optional K or M suffix.
bool ParseSize(const std::string& s, uint64_t* out);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_SCAN_OPTIONS_H_

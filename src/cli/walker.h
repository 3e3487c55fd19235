// Walker: the file-system traversal of `vigil scan`, with clamscan's rules.
//
// clamscan 1.4.6 (clamscan/manager.c: scan_files, scandirs, scanfile) is the
// specification; tests/e2e/ compares the two line for line. Its rules:
//
// - Command-line paths in order. A path lstat() cannot reach is reported
//   ("PATH: <strerror>" on stderr, then "WARNING: PATH: Can't access file")
//   with the path as typed; otherwise trailing slashes are dropped.
// - A command-line symbolic link is followed when the --follow-*-symlinks
//   value for its target's type is 1 or 2; when both values are 0 it is
//   "Symbolic link"; a dangling one is skipped without a word.
// - A directory lists its entries in readdir order, depth first with -r (no
//   sorting: clamscan prints in readdir order). It is "Excluded" when
//   --exclude-dir matches or --include-dir does not (the command-line
//   directory included), and skipped silently when deeper than
//   --max-dir-recursion (the command-line directory is depth 1).
// - Inside a directory: an entry on another file system is "Excluded" with
//   --cross-fs=no; a symbolic link is "Symbolic link" unless one of the
//   follow values is 2, and then followed only where its own value is 2
//   (a followed directory link only with -r); other special files are
//   skipped silently, subdirectories too without -r.
// - A file is "Excluded" when --exclude matches or --include does not,
//   both searched in its real path (symbolic links resolved, absolute),
//   as clamscan does; "Empty file" when empty; otherwise scanned.
#ifndef VIGIL_CLI_WALKER_H_
#define VIGIL_CLI_WALKER_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "cli/reporter.h"
#include "cli/scan_options.h"

namespace vigil::cli {

class Walker {
 public:
  // `scan(path, size)`: a regular file to scan, printed as `path`;
  // `event(e)`: a line that needs no scanning. Both are called in
  // traversal order.
  using ScanFn = std::function<void(const std::string& path, uint64_t size)>;
  using EventFn = std::function<void(FileEvent e)>;

  Walker(const ScanCommandOptions& options, ScanFn scan, EventFn event);

  // One command-line argument ("-" is stdin and handled by the caller).
  void Walk(const std::string& arg);
  // Directories opened so far ("Scanned directories").
  uint64_t directories() const { return directories_; }

 private:
  void ScanDir(const std::string& path, uint32_t depth, dev_t device);
  void DirEntry(const std::string& path, uint32_t depth, dev_t device);
  void FollowLink(const std::string& path, const struct stat& target,
                  bool top_level, uint32_t depth, dev_t device);
  void ScanFile(const std::string& path);
  bool FileExcluded(const std::string& path) const;
  bool DirExcluded(const std::string& path) const;
  void Emit(FileEvent::Kind kind, const std::string& path, int err = 0,
            bool directory = false);

  const ScanCommandOptions& o_;
  ScanFn scan_;
  EventFn event_;
  dev_t proc_device_ = 0;  // files on /proc are "Excluded (/proc)"
  bool have_proc_ = false;
  uint64_t directories_ = 0;
};

// `arg` without trailing slashes ("/" stays "/").
std::string StripTrailingSlashes(std::string arg);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_WALKER_H_

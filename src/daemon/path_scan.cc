#include "daemon/path_scan.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace vigil::daemon {

bool ReportLines(const std::string& name, const ScanReport& report,
                 bool all_match, std::vector<std::string>* out) {
  if (!report.detections.empty()) {
    for (const Detection& d : report.detections) {
      out->push_back(name + ": " + d.name + " FOUND");
      if (!all_match) break;
    }
    return true;
  }
  if (report.error) {
    out->push_back(name + ": " + report.error->message() + " ERROR");
    return false;
  }
  // A file a limit stopped is "OK" on the wire, as in clamd (the log and
  // JSON say it was not fully scanned).
  out->push_back(name + ": OK");
  return false;
}

namespace {

class DirScan {
 public:
  // One step of the walk, in walk order: a file to scan, a directory that
  // could not be opened (open_errno), or an entry skipped with a reason
  // (ExcludePath: "Excluded"; CrossFilesystems no: "Excluded (another
  // filesystem)"), which SCAN and CONTSCAN report and MULTISCAN does not.
  struct Item {
    std::string path;
    int open_errno = 0;
    const char* skipped = nullptr;
  };

  DirScan(const Engine& engine, PathMode mode, const PathScanOptions& o,
          const EmitFn& emit, const ScannedFn& scanned)
      : engine_(engine), mode_(mode), o_(o), emit_(emit), scanned_(scanned) {
    options_ = o.scan;
    options_.all_match = mode == PathMode::kAllMatch;
  }

  bool stop_at_first() const {
    return mode_ == PathMode::kScan || mode_ == PathMode::kAllMatch;
  }

  bool Excluded(const std::string& path) const {
    for (const std::regex& re : o_.exclude) {
      if (std::regex_search(path, re)) return true;
    }
    return false;
  }

  // Collects the steps of a walk of `dir`, depth first, in clamd's order
  // (cli_ftw): in each directory first the entries it skips, in readdir
  // order (clamd decides that while it reads the directory), then its
  // files before its sub-directories, each group by inode number.
  void Collect(const std::string& dir, uint32_t depth,
               std::vector<Item>* files) {
    if (depth > o_.max_directory_recursion) return;
    std::vector<Entry> entries;
    if (const int err = ReadEntries(dir, &entries, files); err != 0) {
      // Reported in walk order, where the directory's files would be.
      files->push_back({dir, err});
      return;
    }
    for (const Entry& entry : entries) {
      if (entry.is_dir) {
        Collect(entry.path, depth + 1, files);
      } else {
        files->push_back({entry.path});
      }
    }
  }

  // Scans one file; true when infected.
  bool ScanOne(const Item& item) {
    const std::string& path = item.path;
    if (item.skipped) {
      // MULTISCAN skips it silently, as clamd does.
      if (mode_ != PathMode::kMultiScan) Emit(path + ": " + item.skipped);
      return false;
    }
    if (item.open_errno != 0) {
      // clamd's words for a directory it may not read (as its User).
      Emit(path + ": File path check failure: " + strerror(item.open_errno) +
           ". ERROR");
      return false;
    }
    if (access(path.c_str(), R_OK) != 0) {
      // Checked before opening, as clamd does, with vigild's own rights.
      Emit(path + ": Access denied. ERROR");
      return false;
    }
    ScanReport r = engine_.ScanFile(path, options_);
    if (scanned_) scanned_(path, r);
    std::vector<std::string> lines;
    const bool infected = ReportLines(path, r, options_.all_match, &lines);
    if (!r.error) ++scanned_ok_;
    for (const std::string& l : lines) {
      // Clean files of a directory get no line of their own.
      if (infected || r.error) Emit(l);
    }
    return infected;
  }

  // `device`: the file system of the top-level directory, which
  // CrossFilesystems no keeps the walk on.
  void Run(const std::string& dir, dev_t device) {
    device_ = device;
    std::vector<Item> files;
    Collect(dir, 1, &files);
    if (mode_ == PathMode::kMultiScan && o_.multiscan_threads > 1 &&
        files.size() > 1) {
      std::atomic<size_t> next{0};
      std::vector<std::thread> team;
      const unsigned n = std::min<size_t>(o_.multiscan_threads, files.size());
      for (unsigned t = 0; t < n; ++t) {
        team.emplace_back([&] {
          for (size_t i; (i = next++) < files.size();) {
            if (ScanOne(files[i])) ++infected_;
          }
        });
      }
      for (std::thread& t : team) t.join();
    } else {
      for (const Item& f : files) {
        if (ScanOne(f)) {
          ++infected_;
          if (stop_at_first()) break;
        }
      }
    }
    // clamd 1.4.6 ends SCAN and CONTSCAN of a clean tree with "<dir>: OK"
    // whatever failed in it, but MULTISCAN only when at least one file was
    // scanned (not for an empty tree, nor one whose files all failed).
    const bool say_ok = mode_ != PathMode::kMultiScan || scanned_ok_ > 0;
    if (infected_ == 0 && say_ok) Emit(dir + ": OK");
  }

  uint64_t infected() const { return infected_; }

 private:
  struct Entry {
    std::string path;
    ino_t ino;    // of the entry itself (a link's own)
    bool is_dir;  // a directory, or a link to one the walk follows
  };

  // The entries of `dir` the walk goes into: regular files and directories,
  // and links to them the configuration follows, sorted as clamd walks
  // them (non-directories first, each group by the entry's inode; a
  // followed link counts as a non-directory). Entries ExcludePath excludes
  // or on another file system (CrossFilesystems no) go to `skipped` in
  // readdir order. Returns 0, or opendir()'s errno.
  int ReadEntries(const std::string& dir, std::vector<Entry>* entries,
                  std::vector<Item>* skipped) {
    DIR* d = opendir(dir.c_str());
    if (!d) return errno;
    struct Read {
      Entry entry;
      bool link_or_file;
    };
    std::vector<Read> read;
    while (struct dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      const std::string path = dir == "/" ? "/" + name : dir + "/" + name;
      if (Excluded(path)) {
        skipped->push_back({.path = path, .skipped = "Excluded"});
        continue;
      }
      struct stat st {};
      if (lstat(path.c_str(), &st) != 0) continue;
      struct stat target = st;
      const bool link = S_ISLNK(st.st_mode);
      if (link && stat(path.c_str(), &target) != 0) continue;
      const bool is_dir = S_ISDIR(target.st_mode);
      if (!is_dir && !S_ISREG(target.st_mode)) continue;
      if (link &&
          !(is_dir ? o_.follow_directory_symlinks : o_.follow_file_symlinks))
        continue;
      if (!o_.cross_filesystems && target.st_dev != device_) {
        skipped->push_back(
            {.path = path, .skipped = "Excluded (another filesystem)"});
        continue;
      }
      read.push_back({{path, st.st_ino, is_dir}, !S_ISDIR(st.st_mode)});
    }
    closedir(d);
    std::sort(read.begin(), read.end(), [](const Read& a, const Read& b) {
      if (a.link_or_file != b.link_or_file) return a.link_or_file;
      return a.entry.ino < b.entry.ino;
    });
    for (Read& r : read) entries->push_back(std::move(r.entry));
    return 0;
  }

  void Emit(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    emit_(line);
  }

  const Engine& engine_;
  const PathMode mode_;
  const PathScanOptions& o_;
  const EmitFn& emit_;
  const ScannedFn& scanned_;
  ScanOptions options_;
  dev_t device_ = 0;
  std::mutex mu_;
  std::atomic<uint64_t> infected_{0};
  std::atomic<uint64_t> scanned_ok_{0};
};

}  // namespace

uint64_t ScanPath(const Engine& engine, const std::string& path, PathMode mode,
                  const PathScanOptions& options, const EmitFn& emit,
                  const ScannedFn& scanned) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    emit(path + ": File path check failure: " + strerror(errno) + ". ERROR");
    return 0;
  }
  char resolved[PATH_MAX];
  if (!realpath(path.c_str(), resolved)) {
    emit(path + ": File path check failure: " + strerror(errno) + ". ERROR");
    return 0;
  }
  DirScan scan(engine, mode, options, emit, scanned);
  if (scan.Excluded(resolved)) {
    emit(path + ": Excluded");
    return 0;
  }
  if (S_ISDIR(st.st_mode)) {
    // Reported under the name the client gave, as clamd does.
    scan.Run(path.size() > 1 && path.back() == '/'
                 ? path.substr(0, path.size() - 1)
                 : path,
             st.st_dev);
    return scan.infected();
  }
  if (!S_ISREG(st.st_mode)) {
    emit(path + ": Not supported file type ERROR");
    emit(path + ": OK");
    return 0;
  }
  if (access(resolved, R_OK) != 0) {
    emit(path + ": Access denied. ERROR");
    return 0;
  }
  ScanOptions o = options.scan;
  o.all_match = mode == PathMode::kAllMatch;
  ScanReport r = engine.ScanFile(resolved, o);
  if (scanned) scanned(path, r);
  std::vector<std::string> lines;
  const bool infected = ReportLines(path, r, o.all_match, &lines);
  for (const std::string& l : lines) emit(l);
  return infected ? 1 : 0;
}

}  // namespace vigil::daemon

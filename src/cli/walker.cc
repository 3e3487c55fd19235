#include "cli/walker.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>

namespace vigil::cli {

namespace {

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

// The path clamscan matches --exclude/--include against: absolute, links
// resolved; the path itself when it cannot be resolved.
std::string RealPath(const std::string& path) {
  std::unique_ptr<char, FreeDeleter> real(::realpath(path.c_str(), nullptr));
  return real ? std::string(real.get()) : path;
}

bool AnyMatch(const std::vector<std::unique_ptr<PathRegex>>& res,
              const std::string& path) {
  for (const auto& re : res) {
    if (re->Search(path)) return true;
  }
  return false;
}

}  // namespace

std::string StripTrailingSlashes(std::string arg) {
  while (arg.size() > 1 && arg.back() == '/') arg.pop_back();
  return arg;
}

Walker::Walker(const ScanCommandOptions& options, ScanFn scan, EventFn event)
    : o_(options), scan_(std::move(scan)), event_(std::move(event)) {
  struct stat st {};
  if (::stat("/proc", &st) == 0 && st.st_size == 0) {
    proc_device_ = st.st_dev;
    have_proc_ = true;
  }
}

void Walker::Emit(FileEvent::Kind kind, const std::string& path, int err,
                  bool directory) {
  FileEvent e;
  e.kind = kind;
  e.display = path;
  e.error_number = err;
  e.directory = directory;
  event_(std::move(e));
}

bool Walker::FileExcluded(const std::string& path) const {
  if (o_.exclude.empty() && o_.include.empty()) return false;
  const std::string real = RealPath(path);
  if (AnyMatch(o_.exclude, real)) return true;
  return !o_.include.empty() && !AnyMatch(o_.include, real);
}

bool Walker::DirExcluded(const std::string& path) const {
  if (AnyMatch(o_.exclude_dir, path)) return true;
  return !o_.include_dir.empty() && !AnyMatch(o_.include_dir, path);
}

void Walker::ScanFile(const std::string& path) {
  if (FileExcluded(path)) {
    Emit(FileEvent::Kind::kExcluded, path);
    return;
  }
  struct stat st {};
  uint64_t size = 0;
  if (::stat(path.c_str(), &st) == 0) {
    if (have_proc_ && st.st_dev == proc_device_) {
      Emit(FileEvent::Kind::kExcludedProc, path);
      return;
    }
    if (st.st_size == 0) {
      Emit(FileEvent::Kind::kEmpty, path);
      return;
    }
    size = static_cast<uint64_t>(st.st_size);
  }
  scan_(path, size);
}

void Walker::Walk(const std::string& arg) {
  struct stat st {};
  if (::lstat(arg.c_str(), &st) != 0) {
    Emit(FileEvent::Kind::kMissing, arg, errno);
    return;
  }
  const std::string path = StripTrailingSlashes(arg);
  if (S_ISLNK(st.st_mode)) {
    if (o_.follow_dir_symlinks == 0 && o_.follow_file_symlinks == 0) {
      Emit(FileEvent::Kind::kSymlink, path);
    } else if (::stat(path.c_str(), &st) == 0) {
      FollowLink(path, st, /*top_level=*/true, 1, st.st_dev);
    }
    return;
  }
  if (S_ISREG(st.st_mode)) {
    ScanFile(path);
  } else if (S_ISDIR(st.st_mode)) {
    ScanDir(path, 1, st.st_dev);
  } else {
    Emit(FileEvent::Kind::kNotSupported, path);
  }
}

// A symbolic link whose target is `target`. On the command line a value of
// 1 or 2 follows it; inside a directory only 2 does.
void Walker::FollowLink(const std::string& path, const struct stat& target,
                        bool top_level, uint32_t depth, dev_t device) {
  const int need = top_level ? 1 : 2;
  if (S_ISREG(target.st_mode) && o_.follow_file_symlinks >= need) {
    ScanFile(path);
  } else if (S_ISDIR(target.st_mode) && o_.follow_dir_symlinks >= need) {
    if (top_level || o_.recursive) ScanDir(path, depth, device);
  } else {
    Emit(FileEvent::Kind::kSymlink, path);
  }
}

void Walker::ScanDir(const std::string& path, uint32_t depth, dev_t device) {
  if (DirExcluded(path)) {
    Emit(FileEvent::Kind::kExcluded, path, 0, /*directory=*/true);
    return;
  }
  if (depth > o_.max_dir_recursion) return;
  std::unique_ptr<DIR, DirCloser> dir(::opendir(path.c_str()));
  if (!dir) {
    Emit(FileEvent::Kind::kDirUnreadable, path, errno, /*directory=*/true);
    return;
  }
  ++directories_;
  const std::string prefix = path == "/" ? "/" : path + "/";
  while (dirent* ent = ::readdir(dir.get())) {
    if (ent->d_ino == 0) continue;
    const std::string name = ent->d_name;
    if (name == "." || name == "..") continue;
    DirEntry(prefix + name, depth + 1, device);
  }
}

void Walker::DirEntry(const std::string& path, uint32_t depth, dev_t device) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;  // vanished meanwhile
  if (!o_.cross_fs && st.st_dev != device) {
    Emit(FileEvent::Kind::kExcluded, path, 0, S_ISDIR(st.st_mode));
    return;
  }
  if (S_ISLNK(st.st_mode)) {
    if (o_.follow_dir_symlinks != 2 && o_.follow_file_symlinks != 2) {
      Emit(FileEvent::Kind::kSymlink, path);
    } else if (::stat(path.c_str(), &st) == 0) {
      FollowLink(path, st, /*top_level=*/false, depth, device);
    }
    return;
  }
  if (S_ISREG(st.st_mode)) {
    ScanFile(path);
  } else if (S_ISDIR(st.st_mode) && o_.recursive) {
    ScanDir(path, depth, device);
  }
  // Sockets, FIFOs and devices inside directories are skipped silently.
}

}  // namespace vigil::cli

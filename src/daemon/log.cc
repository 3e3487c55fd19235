#include "daemon/log.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string_view>

namespace vigil::daemon {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

std::string TimePrefix() {
  char buf[32] = {};
  const time_t now = time(nullptr);
  struct tm tm {};
  localtime_r(&now, &tm);
  strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm);
  return std::string(buf) + " -> ";
}

// Takes the write lock clamd takes (the whole file), on the open file
// description so that it conflicts with another process's lock whatever
// kind it is, and outlives fork().
int LockWholeFile(int fd) {
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  return fcntl(fd, F_OFD_SETLK, &fl);
}

}  // namespace

std::string RotatedLogName(const std::string& file, const struct tm& when) {
  constexpr std::string_view kSuffix = ".log";
  std::string stem = file;
  if (stem.ends_with(kSuffix)) stem.resize(stem.size() - kSuffix.size());
  char stamp[32] = {};
  strftime(stamp, sizeof stamp, "-%Y%m%d_%H%M%S.log", &when);
  return stem + stamp;
}

Log::Log(LogOptions options)
    : options_(std::move(options)), rotate_(options_.rotate) {
  if (options_.syslog && !options_.syslog_writer)
    openlog("vigild", LOG_PID, options_.facility);
}

Log::~Log() {
  CloseFileLocked();  // no other thread may log any more
  if (options_.syslog && !options_.syslog_writer) closelog();
}

Status Log::Open() {
  std::lock_guard<std::mutex> lock(mu_);
  if (options_.file.empty() || fd_ >= 0) return Status::Ok();
  return OpenFileLocked();
}

void Log::Reopen() {
  std::lock_guard<std::mutex> lock(mu_);
  CloseFileLocked();
  if (!options_.file.empty()) RetryOpenLocked();
}

void Log::RetryOpenLocked() {
  Status s = OpenFileLocked();
  if (!s.ok() && !open_failed_)
    std::fprintf(stderr, "ERROR: %s\n", s.message().c_str());
  open_failed_ = !s.ok();
}

Status Log::OpenFileLocked() {
  const std::string& path = options_.file;
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
           0640);
  if (fd < 0) {
    const int err = errno;
    return Status::IoError("Failed to open log file " + path + ": " +
                           ErrnoText(err));
  }
  // EOPNOTSUPP (NFS) is only a warning to clamd: the file is used unlocked.
  if (options_.lock && LockWholeFile(fd) != 0 && errno != EOPNOTSUPP) {
    const int err = errno;
    close(fd);
    return Status::PermissionDenied(
        "Failed to lock the log file " + path + ": " + ErrnoText(err) +
        " (another vigild or clamd logs to it; LogFileUnlock yes lets "
        "several daemons share it)");
  }
  fd_ = fd;
  return Status::Ok();
}

void Log::CloseFileLocked() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void Log::WriteFileLocked(const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk loses the line, as with clamd
    done += static_cast<size_t>(n);
  }
}

// clamd's rename_logg(): checked against the file at the path, before each
// line, so the file ends at most one line past the limit.
void Log::RotateIfFullLocked() {
  struct stat st {};
  if (options_.max_size == 0 || stat(options_.file.c_str(), &st) != 0 ||
      static_cast<uint64_t>(st.st_size) <= options_.max_size) {
    return;
  }
  if (!rotate_) {
    if (fd_ >= 0) {
      WriteFileLocked("Log size = " + std::to_string(st.st_size) +
                      ", max = " + std::to_string(options_.max_size) + "\n");
      WriteFileLocked(
          "WARNING: Log size limit met but log file rotation turned off. "
          "Forcing log file rotation anyways.\n");
    }
    rotate_ = true;
  }
  const time_t now = time(nullptr);
  struct tm tm {};
  localtime_r(&now, &tm);
  CloseFileLocked();
  // A failed rename leaves the file where it is: the line goes to it, and
  // the next line tries again (clamd too).
  (void)rename(options_.file.c_str(),
               RotatedLogName(options_.file, tm).c_str());
}

void Log::Write(Level level, const std::string& line) {
  const char* tag = level == Level::kError     ? "ERROR: "
                    : level == Level::kWarning ? "WARNING: "
                                               : "";
  std::lock_guard<std::mutex> lock(mu_);
  const std::string prefix = options_.time ? TimePrefix() : std::string();
  if (!options_.file.empty()) {
    RotateIfFullLocked();
    if (fd_ < 0) RetryOpenLocked();
    if (fd_ >= 0) WriteFileLocked(prefix + tag + line + "\n");
  }
  if (options_.stderr_too)
    std::fprintf(stderr, "%s%s%s\n", prefix.c_str(), tag, line.c_str());
  if (options_.syslog) {
    const int priority =
        options_.facility | (level == Level::kError     ? LOG_ERR
                             : level == Level::kWarning ? LOG_WARNING
                                                        : LOG_INFO);
    if (options_.syslog_writer) {
      options_.syslog_writer(priority, line);
    } else {
      syslog(priority, "%s", line.c_str());
    }
  }
}

}  // namespace vigil::daemon

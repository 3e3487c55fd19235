#include "cli/scan_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/daemon_client.h"
#include "cli/database_loader.h"
#include "cli/progress.h"
#include "cli/reporter.h"
#include "cli/walker.h"
#include "vigil/engine.h"

namespace vigil::cli {

namespace {

constexpr const char kStdin[] = "-";

// Standard input, copied aside when its turn in the traversal comes.
struct SpooledStdin {
  int fd = -1;                    // an unlinked temporary file, or -1
  std::vector<std::byte> memory;  // when no temporary file could be made
  uint64_t size = 0;
  SpooledStdin() = default;
  SpooledStdin(const SpooledStdin&) = delete;
  SpooledStdin& operator=(const SpooledStdin&) = delete;
  ~SpooledStdin() {
    if (fd >= 0) ::close(fd);
  }
};

bool WriteAll(int fd, const std::byte* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Everything written to `fd` so far.
std::vector<std::byte> ReadBack(int fd) {
  std::vector<std::byte> out;
  std::byte buf[1 << 16];
  for (off_t off = 0;;) {
    const ssize_t n = ::pread(fd, buf, sizeof(buf), off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.insert(out.end(), buf, buf + n);
    off += n;
  }
  return out;
}

struct WorkItem {
  uint64_t seq;
  std::string path;  // "-" for stdin
  uint64_t size;
  std::shared_ptr<const SpooledStdin> stdin_data;  // "-": what was read
};

// A bounded multi-consumer queue of files to scan.
class WorkQueue {
 public:
  explicit WorkQueue(size_t capacity) : capacity_(capacity) {}

  void Push(WorkItem item) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.push_back(std::move(item));
    not_empty_.notify_one();
  }
  bool Pop(WorkItem* out) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return false;
    *out = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<WorkItem> items_;  // guarded by mu_
  bool closed_ = false;         // guarded by mu_
};

// clamscan's filelist(): one path per line, trailing CR/LF removed. Unlike
// clamscan, blank lines are skipped (clamscan tries to open a file named
// "\n"). False if the list cannot be opened.
bool ReadFileList(const std::string& path, std::vector<std::string>* out) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return false;
  char buf[PATH_MAX + 2];
  while (std::fgets(buf, sizeof(buf), f)) {
    std::string line = buf;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
      line.pop_back();
    if (!line.empty()) out->push_back(line);
  }
  std::fclose(f);
  return true;
}

// What to scan: the --file-list (which wins over command-line paths, as in
// clamscan), the command-line paths, or else the current directory as an
// absolute path.
std::vector<std::string> Targets(const ScanCommandOptions& o,
                                 Reporter* reporter) {
  std::vector<std::string> targets;
  if (!o.file_list.empty()) {
    if (!o.paths.empty()) {
      reporter->Warning(
          "Only scanning files from --file-list (files passed at cmdline are "
          "ignored)");
    }
    if (!ReadFileList(o.file_list, &targets)) {
      const std::string message = "--file-list: Can't open file " + o.file_list;
      // clamscan writes this one straight to stderr: not logged, no --stdout.
      if (o.json) {
        reporter->Error(message);
      } else {
        std::fprintf(stderr, "ERROR: %s\n", message.c_str());
      }
      reporter->MarkFailed();
    }
    return targets;
  }
  if (!o.paths.empty()) return o.paths;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof(cwd)) == nullptr) {
    reporter->Error("Can't get absolute pathname of current working directory");
    reporter->MarkFailed();
    return targets;
  }
  targets.emplace_back(cwd);
  return targets;
}

// What is left on stdin, read in traversal order so that a second "-" sees
// what the first left (nothing), as in clamscan, which also copies stdin
// from its current position to a temporary file. vigil spools it into an
// unlinked file in $TMPDIR (mapped when scanned), so stdin of any size is
// scanned whole without holding it in memory; without O_TMPFILE support it
// falls back to memory.
std::shared_ptr<const SpooledStdin> ReadStdin() {
  auto spool = std::make_shared<SpooledStdin>();
  const char* tmp = std::getenv("TMPDIR");
  spool->fd =
      ::open(tmp && *tmp ? tmp : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  std::byte buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    spool->size += static_cast<uint64_t>(n);
    if (spool->fd >= 0) {
      if (WriteAll(spool->fd, buf, static_cast<size_t>(n))) continue;
      // The disk is full or the file system refused: keep it in memory.
      spool->memory = ReadBack(spool->fd);
      ::close(spool->fd);
      spool->fd = -1;
    }
    spool->memory.insert(spool->memory.end(), buf, buf + n);
  }
  return spool;
}

// Scans one file or stdin into an event, the way clamscan's scanfile()
// reports what keeps it from scanning.
// Scans what an open descriptor refers to: locally, or through vigild.
using FdScanner =
    std::function<ScanReport(int fd, const std::string& name)>;

FileEvent ScanOne(const FdScanner& scan_fd, const WorkItem& item) {
  FileEvent e;
  e.size = item.size;
  if (item.path == kStdin) {
    e.display = "stdin";
    const SpooledStdin& in = *item.stdin_data;
    if (in.fd >= 0) {
      e.report = scan_fd(in.fd, "stdin");
    } else {
      // Small stdin stays in memory: give it a descriptor of its own.
      int fds[2];
      if (pipe(fds) == 0) {
        std::thread writer([&] {
          size_t off = 0;
          while (off < in.memory.size()) {
            const ssize_t w = ::write(fds[1], in.memory.data() + off,
                                      in.memory.size() - off);
            if (w <= 0) break;
            off += static_cast<size_t>(w);
          }
          ::close(fds[1]);
        });
        e.report = scan_fd(fds[0], "stdin");
        writer.join();
        ::close(fds[0]);
      }
    }
    return e;
  }
  e.display = item.path;
  const int fd =
      ::open(item.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    e.error_number = errno;
    // clamscan checks access() first when not root: "Access denied".
    const bool denied = (e.error_number == EACCES || e.error_number == EPERM) &&
                        ::geteuid() != 0;
    e.kind =
        denied ? FileEvent::Kind::kAccessDenied : FileEvent::Kind::kOpenFailed;
    return e;
  }
  e.report = scan_fd(fd, item.path);
  ::close(fd);
  return e;
}

}  // namespace

int RunScan(ScanCommandOptions& o) {
  Reporter reporter(o);
  std::string error;
  if (!reporter.OpenLog(&error)) {
    std::printf("ERROR: Failed to open log file %s: %s\n", o.log_file.c_str(),
                error.c_str());
    std::fprintf(stderr, "ERROR: Problem with internal logger.\n");
    return 2;
  }
  reporter.Start();
  std::unique_ptr<const Engine> engine;
  FdScanner scan_fd;
  if (o.daemon) {
    auto address = DaemonAddressFromConfig(o.daemon_config);
    if (!address.ok()) {
      reporter.Error(address.status().message(), {});
      reporter.MarkFailed();
      reporter.Finish(0);
      return reporter.ExitCode();
    }
    scan_fd = [address = *address, &o](int fd, const std::string&) {
      return ScanThroughDaemon(address, fd, o.scan.all_match);
    };
  } else {
    auto loaded = LoadScanDatabase(o, &reporter);
    if (!loaded) {
      reporter.MarkFailed();
      reporter.Finish(0);
      return reporter.ExitCode();
    }
    engine = std::make_unique<const Engine>(loaded);
    reporter.DatabaseLoaded(engine->database().info().signatures);
    scan_fd = [&engine, &o](int fd, const std::string& name) {
      return engine->ScanFd(fd, o.scan, name);
    };
  }
  for (const std::string& w : o.warnings) reporter.Warning(w);

  OrderedSink sink(&reporter);
  Progress progress(o, &reporter);
  reporter.SetBeforeLine([&] { progress.Clear(); });

  const unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  WorkQueue queue(threads * 64);
  std::atomic<uint64_t> bytes_done{0};
  auto worker = [&] {
    WorkItem item;
    while (queue.Pop(&item)) {
      FileEvent e = ScanOne(scan_fd, item);
      bytes_done += item.size;
      sink.Submit(item.seq, std::move(e));
      progress.Update(bytes_done.load());
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);

  uint64_t seq = 0;
  auto scan = [&](const std::string& path, uint64_t size) {
    sink.WaitForRoom(seq);
    WorkItem item{seq++, path, size, nullptr};
    if (path == kStdin) {
      item.stdin_data = ReadStdin();
      item.size = item.stdin_data->size;
    }
    progress.Discovered(item.size);
    queue.Push(std::move(item));
  };
  auto event = [&](FileEvent e) {
    sink.WaitForRoom(seq);
    sink.Submit(seq++, std::move(e));
  };
  Walker walker(o, scan, event);
  for (const std::string& p : Targets(o, &reporter)) {
    if (p == kStdin) {
      scan(kStdin, 0);
    } else {
      walker.Walk(p);
    }
  }
  progress.WalkDone();
  queue.Close();
  for (auto& t : pool) t.join();
  progress.Clear();
  reporter.Finish(walker.directories());
  return reporter.ExitCode();
}

}  // namespace vigil::cli

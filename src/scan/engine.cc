// vigil::Engine: the public scanning entry points, and the pool of
// per-thread scratch that makes one Engine safe to share between threads.
#include "vigil/engine.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <mutex>

#include "core/mapped_file.h"
#include "db/database_impl.h"
#include "matcher/matcher.h"
#include "scan/scan_job.h"

namespace vigil {

const char* LimitName(LimitKind kind) {
  switch (kind) {
    case LimitKind::kMaxFileSize:
      return "MaxFileSize";
    case LimitKind::kMaxScanSize:
      return "MaxScanSize";
    case LimitKind::kMaxFiles:
      return "MaxFiles";
    case LimitKind::kMaxRecursion:
      return "MaxRecursion";
    case LimitKind::kMaxScanTime:
      return "MaxScanTime";
    case LimitKind::kMaxCompressionRatio:
      return "MaxCompressionRatio";
  }
  return "Unknown";
}

// Scratch objects are created on demand and returned after each scan, so a
// pool holds as many as there were concurrent scans at the peak.
class Engine::ScratchPool {
 public:
  explicit ScratchPool(const db::DatabaseImpl& db) : matcher(db) {}

  Result<std::unique_ptr<matcher::Scratch>> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return matcher.NewScratch();
  }
  void Release(std::unique_ptr<matcher::Scratch> s) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(s));
  }

  const matcher::Matcher matcher;

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<matcher::Scratch>> free_;  // guarded by mu_
};

Engine::Engine(std::shared_ptr<const Database> database)
    : database_(std::move(database)),
      scratch_(std::make_unique<ScratchPool>(database_->impl())) {}

Engine::~Engine() = default;

ScanReport Engine::ScanBuffer(ByteView data, const ScanOptions& options,
                              const std::string& name) const {
  return Scan(data, false, options, name);
}

ScanReport Engine::Scan(ByteView data, bool mapped, const ScanOptions& options,
                        const std::string& /*name*/) const {
  const auto t0 = std::chrono::steady_clock::now();
  ScanReport report;
  auto scratch = scratch_->Acquire();
  if (!scratch.ok()) {
    report.error = scratch.status();
    return report;
  }
  scan::ScanJob job(scratch_->matcher, scratch->get(), options, &report);
  job.ScanTopLevel(data, mapped);
  scratch_->Release(std::move(scratch).value());
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  return report;
}

ScanReport Engine::ScanFd(int fd, const ScanOptions& options,
                          const std::string& name) const {
  auto view = core::FileView::FromFd(fd);
  if (!view.ok()) {
    ScanReport report;
    report.error = view.status();
    return report;
  }
  return Scan(view->bytes(), view->mapped(), options, name);
}

ScanReport Engine::ScanFile(const std::string& path,
                            const ScanOptions& options) const {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    ScanReport report;
    report.error = core::ErrnoStatus(errno, path);
    return report;
  }
  ScanReport r = ScanFd(fd, options, path);
  ::close(fd);
  return r;
}

}  // namespace vigil

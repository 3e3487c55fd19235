#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace vigil::cli {

namespace {
constexpr auto kInterval = std::chrono::milliseconds(200);
constexpr double kMiB = 1024.0 * 1024.0;
}  // namespace

Progress::Progress(const ScanCommandOptions& o, const Reporter* reporter)
    : enabled_(o.progress && !o.quiet && !o.json && ::isatty(STDERR_FILENO)),
      reporter_(reporter),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::Discovered(uint64_t bytes) {
  files_total_ += 1;
  bytes_total_ += bytes;
}

void Progress::Update(uint64_t bytes_done) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < kInterval) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate =
      secs > 0 ? static_cast<double>(bytes_done) / kMiB / secs : 0;
  char eta[32] = "?";
  if (walk_done_ && rate > 0) {
    const double left =
        static_cast<double>(bytes_total_ -
                            std::min(bytes_total_.load(), bytes_done)) /
        kMiB / rate;
    std::snprintf(eta, sizeof(eta), "%d:%02d", static_cast<int>(left) / 60,
                  static_cast<int>(left) % 60);
  }
  std::fprintf(
      stderr, "\r\033[K%llu/%llu%s files, %.1f MiB, %.1f MiB/s, ETA %s",
      static_cast<unsigned long long>(reporter_->files_done()),
      static_cast<unsigned long long>(files_total_.load()),
      walk_done_ ? "" : "+", static_cast<double>(bytes_done) / kMiB, rate, eta);
  drawn_ = true;
}

void Progress::Clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) std::fputs("\r\033[K", stderr);
  drawn_ = false;
}

}  // namespace vigil::cli

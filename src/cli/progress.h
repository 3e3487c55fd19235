// The live progress line of `vigil scan` on stderr, when stderr is a
// terminal: files, bytes, rate and (once the walk is done) the ETA.
#ifndef VIGIL_CLI_PROGRESS_H_
#define VIGIL_CLI_PROGRESS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "cli/reporter.h"
#include "cli/scan_options.h"

namespace vigil::cli {

class Progress {
 public:
  Progress(const ScanCommandOptions& o, const Reporter* reporter);
  void Discovered(uint64_t bytes);
  void WalkDone() { walk_done_ = true; }
  // Redraws at most a few times a second; `bytes_done`: bytes scanned.
  void Update(uint64_t bytes_done);
  void Clear();

 private:
  const bool enabled_;
  const Reporter* reporter_;
  std::atomic<uint64_t> files_total_{0}, bytes_total_{0};
  std::atomic<bool> walk_done_{false};
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_, last_;  // guarded by mu_
  bool drawn_ = false;                                  // guarded by mu_
};

}  // namespace vigil::cli

#endif  // VIGIL_CLI_PROGRESS_H_

#include "daemon/log.h"

#include <syslog.h>
#include <time.h>

namespace vigil::daemon {

Log::Log(LogOptions options) : options_(std::move(options)) {
  if (options_.syslog) openlog("vigild", LOG_PID, LOG_LOCAL6);
  Reopen();
}

Log::~Log() {
  if (file_) std::fclose(file_);
  if (options_.syslog) closelog();
}

void Log::Reopen() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_) std::fclose(file_);
  file_ = nullptr;
  if (!options_.file.empty()) file_ = std::fopen(options_.file.c_str(), "ae");
}

void Log::Info(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string prefix;
  if (options_.time) {
    char buf[32] = {};
    const time_t now = time(nullptr);
    struct tm tm {};
    localtime_r(&now, &tm);
    strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm);
    prefix = std::string(buf) + " -> ";
  }
  if (file_) {
    std::fprintf(file_, "%s%s\n", prefix.c_str(), line.c_str());
    std::fflush(file_);
  }
  if (options_.stderr_too)
    std::fprintf(stderr, "%s%s\n", prefix.c_str(), line.c_str());
  if (options_.syslog) syslog(LOG_INFO, "%s", line.c_str());
}

}  // namespace vigil::daemon

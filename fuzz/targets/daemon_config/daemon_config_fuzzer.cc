// Fuzzes vigild's clamd.conf reader on arbitrary text: it must never crash,
// report an error exactly when it refuses the file, point every message at
// a line of the input, and hand back only settings vigild can use (a
// socket, at least one thread, a queue of twice the threads, regexes that
// compile).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "config/daemon_config.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<vigil::config::ConfigMessage> messages;
  vigil::Result<vigil::config::Config> r =
      vigil::config::ParseConfig(text, "fuzz.conf", &messages);
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  bool any_error = false;
  for (const auto& m : messages) {
    any_error |= m.error;
    Check(m.line <= lines);
    Check(!vigil::config::FormatConfigMessage(m).empty());
  }
  Check(any_error == !r.ok());
  if (!r.ok()) return 0;
  const vigil::config::Config& c = r.value();
  Check(!c.local_socket.empty() || c.tcp_socket.has_value());
  Check(c.max_threads >= 1 && c.max_queue >= 2ull * c.max_threads);
  Check(c.scan.limits.max_recursion >= 1);
  Check((c.local_socket_mode & ~0666u) == 0);
  Check(c.stream_max_length != 0);
  for (const std::string& re : c.exclude_path) {
    std::regex compiled(re, std::regex::extended);  // must not throw
  }
  return 0;
}

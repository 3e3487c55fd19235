// loadgen: the client side of bench/daemon.sh. Speaks the clamd protocol
// (z-commands, '\0'-terminated replies) over a Unix socket to vigild or
// clamd alike, so both daemons are measured by the same client.
//
//   loadgen stamp FILE -- CMD ARGS...
//       writes CLOCK_MONOTONIC (ns) to FILE, then execs CMD (same pid), so
//       that the caller can start a daemon in the background and still
//       wait for it, and "exec" has a timestamp taken just before execve.
//   loadgen waitping SOCK STAMPFILE PID [TIMEOUT_S]
//       sends PING every millisecond until PONG; prints the seconds from
//       the stamp to the first PONG. Fails when PID dies first.
//   loadgen run SOCK MODE CLIENTS LIST [VERDICTS]
//       MODE instream|scan|multiscan. LIST has one path a line: files
//       (instream, scan) or directories (multiscan). CLIENTS threads take
//       the next path from the list, connect, send one command, read the
//       reply. INSTREAM data is read into memory before the clock starts.
//       Prints requests, files, bytes, wall seconds, files/s, MiB/s, and
//       p50/p99 latency (connect to the reply's end) in milliseconds, and
//       the replies by kind; VERDICTS gets "path<TAB>name" per detection
//       and "path<TAB>ERROR ..." per error.
//   loadgen reload SOCK PID PROBE NAME [TIMEOUT_S]
//       samples /proc/PID/status VmRSS every 10 ms; sends RELOAD, then
//       SCANs PROBE until the reply names NAME. Prints the seconds from
//       RELOAD to that reply, and VmRSS before, peak (RELOAD .. new
//       verdict + 200 ms) and after, in KiB.
//
// Output is one line of key=value pairs separated by tabs.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "loadgen: %s\n", msg.c_str());
  std::exit(2);
}

int64_t MonotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// A connected Unix stream socket, closed on destruction; -1 on failure.
class Conn {
 public:
  explicit Conn(const std::string& path, int timeout_s = 300) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) return;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    timeval tv{timeout_s, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~Conn() {
    if (fd_ >= 0) close(fd_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool ok() const { return fd_ >= 0; }

  bool Send(const char* p, size_t n) {
    while (n > 0) {
      const ssize_t w = send(fd_, p, n, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }
  bool Send(const std::string& s) { return Send(s.data(), s.size()); }

  // Reads until the first '\0' (one reply) or, with `to_eof`, until the
  // daemon closes. False on a timeout or error.
  bool Read(std::string* out, bool to_eof) {
    char buf[4096];
    for (;;) {
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (n == 0) return true;
      out->append(buf, static_cast<size_t>(n));
      if (!to_eof && out->find('\0') != std::string::npos) return true;
    }
  }

 private:
  int fd_ = -1;
};

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Replies split at '\0'.
std::vector<std::string> Replies(const std::string& bytes) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= bytes.size(); ++i) {
    if (i == bytes.size() || bytes[i] == '\0' || bytes[i] == '\n') {
      if (i > start) out.push_back(bytes.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "<path>: <name> FOUND" -> (path, name without ".UNOFFICIAL").
std::pair<std::string, std::string> SplitFound(const std::string& line) {
  const std::string body = line.substr(0, line.size() - 6);  // " FOUND"
  const size_t colon = body.rfind(": ");
  std::string path = colon == std::string::npos ? "" : body.substr(0, colon);
  std::string name = colon == std::string::npos ? body : body.substr(colon + 2);
  if (EndsWith(name, ".UNOFFICIAL")) name.resize(name.size() - 11);
  return {path, name};
}

// ---------------------------------------------------------------- stamp
int Stamp(int argc, char** argv) {
  if (argc < 5 || std::strcmp(argv[3], "--") != 0)
    Die("usage: stamp FILE -- CMD ARGS...");
  const std::string text = std::to_string(MonotonicNs()) + "\n";
  std::ofstream(argv[2]) << text;
  execvp(argv[4], argv + 4);
  Die(std::string("exec ") + argv[4] + ": " + std::strerror(errno));
}

// True when `pid` has exited (gone or a zombie).
bool Dead(pid_t pid) {
  std::ifstream st("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!st || !std::getline(st, line)) return true;
  const size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() ||
         line[paren + 2] == 'Z';
}

bool Ping(const std::string& sock) {
  Conn c(sock, 5);
  if (!c.ok() || !c.Send(std::string("zPING", 6))) return false;
  std::string reply;
  return c.Read(&reply, false) && reply.rfind("PONG", 0) == 0;
}

int WaitPing(int argc, char** argv) {
  if (argc < 5) Die("usage: waitping SOCK STAMPFILE PID [TIMEOUT_S]");
  const std::string sock = argv[2];
  const pid_t pid = static_cast<pid_t>(std::atol(argv[4]));
  const double timeout = argc > 5 ? std::atof(argv[5]) : 1800;
  const int64_t begin = MonotonicNs();
  for (;;) {
    if (Ping(sock)) break;
    if (Dead(pid))
      Die("daemon " + std::to_string(pid) + " exited before answering PING");
    if ((MonotonicNs() - begin) / 1e9 > timeout)
      Die("no PONG within the timeout");
    usleep(1000);
  }
  const int64_t now = MonotonicNs();
  const int64_t stamp = std::atoll(ReadFile(argv[3]).c_str());
  std::printf("startup_s=%.6f\n", (now - stamp) / 1e9);
  return 0;
}

// ---------------------------------------------------------------- run
enum class Mode { kInstream, kScan, kMultiscan };

struct Outcome {
  double latency = 0;
  unsigned ok = 0, found = 0, error = 0, failed = 0;  // failed: no reply
  std::vector<std::string> verdicts;
};

std::string InstreamRequest(const std::string& data) {
  std::string req("zINSTREAM", 10);
  const uint32_t n = static_cast<uint32_t>(data.size());
  const unsigned char len[4] = {
      static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
      static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
  req.append(reinterpret_cast<const char*>(len), 4);
  req += data;
  req.append(4, '\0');
  return req;
}

Outcome OneRequest(const std::string& sock, Mode mode, const std::string& path,
                   const std::string* request) {
  Outcome o;
  const auto t0 = Clock::now();
  std::string reply;
  bool ok = false;
  {
    Conn c(sock);
    if (c.ok()) {
      if (mode == Mode::kInstream) {
        ok = c.Send(*request) && c.Read(&reply, false);
      } else {
        const std::string cmd =
            (mode == Mode::kScan ? "zSCAN " : "zMULTISCAN ") + path;
        ok = c.Send(cmd.c_str(), cmd.size() + 1) &&
             c.Read(&reply, mode == Mode::kMultiscan);
      }
    }
  }
  o.latency = Seconds(Clock::now() - t0);
  if (!ok || reply.empty()) {
    ++o.failed;
    o.verdicts.push_back(path + "\tNO REPLY");
    return o;
  }
  for (const std::string& line : Replies(reply)) {
    if (EndsWith(line, " FOUND")) {
      ++o.found;
      auto [p, name] = SplitFound(line);
      o.verdicts.push_back((mode == Mode::kInstream ? path : p) + "\t" + name);
    } else if (EndsWith(line, " ERROR")) {
      ++o.error;
      o.verdicts.push_back(path + "\tERROR " + line);
    } else if (EndsWith(line, " OK")) {
      ++o.ok;
    }
  }
  return o;
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank =
      static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

// Files and bytes the request for `path` covers.
void Count(const std::string& path, uint64_t* files, uint64_t* bytes) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(path)) {
    ++*files;
    *bytes += fs::file_size(path);
    return;
  }
  for (const auto& e : fs::recursive_directory_iterator(path)) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    ++*files;
    *bytes += e.file_size();
  }
}

int Run(int argc, char** argv) {
  if (argc < 6) Die("usage: run SOCK MODE CLIENTS LIST [VERDICTS]");
  const std::string sock = argv[2];
  const std::string m = argv[3];
  Mode mode = Mode::kScan;
  if (m == "instream")
    mode = Mode::kInstream;
  else if (m == "multiscan")
    mode = Mode::kMultiscan;
  else if (m != "scan")
    Die("unknown mode " + m);
  const unsigned clients =
      static_cast<unsigned>(std::max(1, std::atoi(argv[4])));
  const std::vector<std::string> paths = Lines(argv[5]);
  uint64_t files = 0, bytes = 0;
  for (const std::string& p : paths) Count(p, &files, &bytes);
  std::vector<std::string> requests;
  if (mode == Mode::kInstream) {
    for (const std::string& p : paths)
      requests.push_back(InstreamRequest(ReadFile(p)));
  }

  std::atomic<size_t> next{0};
  std::vector<Outcome> outcomes(paths.size());
  std::vector<std::thread> team;
  const auto t0 = Clock::now();
  for (unsigned t = 0; t < clients; ++t) {
    team.emplace_back([&] {
      for (size_t i; (i = next++) < paths.size();) {
        outcomes[i] =
            OneRequest(sock, mode, paths[i],
                       mode == Mode::kInstream ? &requests[i] : nullptr);
      }
    });
  }
  for (std::thread& t : team) t.join();
  const double wall = Seconds(Clock::now() - t0);

  Outcome sum;
  std::vector<double> lat;
  std::vector<std::string> verdicts;
  for (const Outcome& o : outcomes) {
    lat.push_back(o.latency);
    sum.ok += o.ok;
    sum.found += o.found;
    sum.error += o.error;
    sum.failed += o.failed;
    verdicts.insert(verdicts.end(), o.verdicts.begin(), o.verdicts.end());
  }
  if (argc > 6) {
    std::sort(verdicts.begin(), verdicts.end());
    std::ofstream out(argv[6]);
    for (const std::string& v : verdicts) out << v << "\n";
  }
  std::printf(
      "requests=%zu\tfiles=%llu\tbytes=%llu\twall_s=%.6f\tfiles_per_s=%.2f\t"
      "mib_per_s=%.3f\tp50_ms=%.3f\tp99_ms=%.3f\tok=%u\tfound=%u\terror=%u\t"
      "noreply=%u\n",
      paths.size(), static_cast<unsigned long long>(files),
      static_cast<unsigned long long>(bytes), wall, files / wall,
      bytes / wall / (1024.0 * 1024.0), Percentile(lat, 0.50) * 1000,
      Percentile(lat, 0.99) * 1000, sum.ok, sum.found, sum.error, sum.failed);
  return sum.failed == 0 ? 0 : 1;
}

// ---------------------------------------------------------------- reload
long VmRssKib(pid_t pid) {
  std::ifstream st("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(st, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

struct Sample {
  Clock::time_point t;
  long kib;
};

int Reload(int argc, char** argv) {
  if (argc < 6) Die("usage: reload SOCK PID PROBE NAME [TIMEOUT_S]");
  const std::string sock = argv[2];
  const pid_t pid = static_cast<pid_t>(std::atol(argv[3]));
  const std::string probe = argv[4];
  const std::string want = argv[5];
  const double timeout = argc > 6 ? std::atof(argv[6]) : 1800;

  std::mutex mu;
  std::vector<Sample> samples;
  std::atomic<bool> stop{false};
  std::thread sampler([&] {
    while (!stop) {
      const long kib = VmRssKib(pid);
      {
        std::lock_guard<std::mutex> lock(mu);
        samples.push_back({Clock::now(), kib});
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  const auto t0 = Clock::now();
  {
    Conn c(sock);
    std::string reply;
    if (!c.ok() || !c.Send(std::string("zRELOAD", 8)) ||
        !c.Read(&reply, false) || reply.rfind("RELOADING", 0) != 0) {
      stop = true;
      sampler.join();
      Die("RELOAD not answered RELOADING: '" + reply + "'");
    }
  }
  const std::string cmd = "zSCAN " + probe;
  Clock::time_point t1;
  unsigned polls = 0;
  for (;;) {
    std::string reply;
    {
      Conn c(sock);
      if (c.ok() && c.Send(cmd.c_str(), cmd.size() + 1)) c.Read(&reply, false);
    }
    ++polls;
    if (reply.find(want) != std::string::npos &&
        reply.find(" FOUND") != std::string::npos) {
      t1 = Clock::now();
      break;
    }
    const double elapsed = Seconds(Clock::now() - t0);
    if (elapsed > timeout || Dead(pid)) {
      stop = true;
      sampler.join();
      Die("no new verdict after " + std::to_string(elapsed) +
          " s; last reply '" + reply + "'");
    }
    // 1 ms steps at first, at most 10 ms later (2 % of a clamd reload).
    const double step = std::clamp(elapsed / 50, 0.001, 0.010);
    std::this_thread::sleep_for(std::chrono::duration<double>(step));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  sampler.join();

  long before = -1, peak = -1, after = -1;
  for (const Sample& s : samples) {
    if (s.t < t0)
      before = s.kib;
    else
      peak = std::max(peak, s.kib);
    after = s.kib;
  }
  std::printf(
      "reload_s=%.6f\trss_before_kib=%ld\trss_peak_kib=%ld\trss_after_kib=%ld\t"
      "samples=%zu\tpolls=%u\n",
      Seconds(t1 - t0), before, peak, after, samples.size(), polls);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "stamp") return Stamp(argc, argv);
  if (cmd == "waitping") return WaitPing(argc, argv);
  if (cmd == "run") return Run(argc, argv);
  if (cmd == "reload") return Reload(argc, argv);
  std::fprintf(
      stderr,
      "usage: loadgen stamp|waitping|run|reload ... (see the source)\n");
  return 2;
}

#include "daemon/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/spool.h"
#include "daemon/path_scan.h"
#include "protocol/clamd.h"
#include "vigil/version.h"

namespace vigil::daemon {
namespace {

// The path a descriptor is open on (/proc/self/fd), when it has one.
std::optional<std::string> PathOfFd(int fd) {
  char buf[PATH_MAX];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf || buf[0] != '/')
    return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

using Clock = std::chrono::steady_clock;
using Acceptor = asio::basic_socket_acceptor<asio::generic::stream_protocol>;
namespace proto = vigil::protocol;

constexpr size_t kReadChunk = 64 * 1024;
// INSTREAM data past this goes to an unnamed temporary file.
constexpr size_t kStreamInMemory = 1 << 20;
// A connection is not read while this much of its output waits: a client
// that sends commands without reading the replies blocks instead of making
// vigild buffer them (clamd stops reading too).
constexpr size_t kMaxQueuedOutput = 1 << 20;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Scan workers: MaxThreads threads, at most MaxQueue waiting jobs.
class WorkerPool {
 public:
  WorkerPool(unsigned threads, size_t max_queue, unsigned idle_timeout)
      : max_queue_(max_queue ? max_queue : 1), idle_timeout_(idle_timeout) {
    if (threads == 0) threads = 1;
    slots_.resize(threads);
    for (unsigned i = 0; i < threads; ++i)
      threads_.emplace_back([this, i] { Loop(i); });
  }
  ~WorkerPool() { Stop(); }

  bool TrySubmit(std::string task, std::string filename,
                 std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= max_queue_) return false;
    queue_.push_back(
        {std::move(task), std::move(filename), std::move(fn), Clock::now()});
    cv_.notify_one();
    return true;
  }

  // Waits until no job is queued or running.
  void Drain() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait(lock, [&] { return queue_.empty() && busy_ == 0; });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
      cv_.notify_all();
    }
    for (std::thread& t : threads_) t.join();
  }

  proto::PoolStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    proto::PoolStats s;
    s.live = static_cast<unsigned>(slots_.size());
    s.max = s.live;
    s.idle = s.live - busy_;
    s.idle_timeout = idle_timeout_;
    s.queue_items = queue_.size();
    if (!queue_.empty()) {
      double sum = 0;
      s.min_wait = 1e30;
      for (const Job& j : queue_) {
        const double w = SecondsSince(j.queued);
        s.min_wait = std::min(s.min_wait, w);
        s.max_wait = std::max(s.max_wait, w);
        sum += w;
      }
      s.avg_wait = sum / queue_.size();
    }
    for (const Slot& slot : slots_) {
      s.threads.push_back({slot.task, SecondsSince(slot.since), slot.filename});
    }
    return s;
  }

 private:
  struct Job {
    std::string task, filename;
    std::function<void()> fn;
    Clock::time_point queued;
  };
  struct Slot {
    std::string task = "IDLE";
    std::string filename;
    Clock::time_point since = Clock::now();
  };

  void Loop(unsigned i) {
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, nothing left
        job = std::move(queue_.front());
        queue_.pop_front();
        ++busy_;
        slots_[i] = {job.task, job.filename, Clock::now()};
      }
      job.fn();
      {
        std::lock_guard<std::mutex> lock(mu_);
        --busy_;
        slots_[i] = Slot{};
        if (queue_.empty() && busy_ == 0) idle_cv_.notify_all();
      }
    }
  }

  const size_t max_queue_;
  const unsigned idle_timeout_;
  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::deque<Job> queue_;
  std::vector<Slot> slots_;
  std::vector<std::thread> threads_;
  unsigned busy_ = 0;
  bool stopping_ = false;
};

// What INSTREAM received: in memory, then spooled past kStreamInMemory.
class StreamSink {
 public:
  explicit StreamSink(std::string dir) : dir_(std::move(dir)) {}
  Status Append(std::string_view bytes) {
    if (spool_) return spool_->Append(AsBytes(bytes));
    if (memory_.size() + bytes.size() <= kStreamInMemory) {
      memory_.append(bytes);
      return Status::Ok();
    }
    auto spool = core::Spool::Create(dir_);
    if (!spool.ok()) {  // no O_TMPFILE: keep it in memory
      memory_.append(bytes);
      return Status::Ok();
    }
    spool_.emplace(std::move(spool).value());
    Status s = spool_->Append(AsBytes(memory_));
    memory_.clear();
    memory_.shrink_to_fit();
    return s.ok() ? spool_->Append(AsBytes(bytes)) : s;
  }
  ScanReport Scan(const Engine& engine, const ScanOptions& o) const {
    if (spool_) {
      auto view = spool_->Map();
      if (!view.ok()) {
        ScanReport r;
        r.error = view.status();
        return r;
      }
      return engine.ScanBuffer(view->bytes(), o, "stream");
    }
    return engine.ScanBuffer(AsBytes(memory_), o, "stream");
  }

 private:
  std::string dir_;
  std::string memory_;
  std::optional<core::Spool> spool_;
};

std::string DirectoryFingerprint(const std::string& dir) {
  std::string out;
  DIR* d = opendir(dir.c_str());
  if (!d) return "missing";
  std::map<std::string, std::string> entries;
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (stat((dir + "/" + name).c_str(), &st) != 0) continue;
    entries[name] = std::to_string(st.st_size) + ":" +
                    std::to_string(st.st_mtim.tv_sec) + "." +
                    std::to_string(st.st_mtim.tv_nsec);
  }
  closedir(d);
  for (const auto& [k, v] : entries) out += k + "=" + v + ";";
  return out;
}

}  // namespace

class Server::Impl {
 public:
  Impl(config::Config config, DatabaseOpener opener, Log* log)
      : config_(std::move(config)),
        opener_(std::move(opener)),
        log_(log),
        signals_(io_),
        self_check_(io_) {
    // clamd's ExtendedDetectionInfo logs the MD5 of what was infected.
    config_.scan.md5_of_infected = config_.extended_detection_info;
    path_options_.scan = config_.scan;
    path_options_.max_directory_recursion = config_.max_directory_recursion;
    path_options_.follow_directory_symlinks = config_.follow_directory_symlinks;
    path_options_.follow_file_symlinks = config_.follow_file_symlinks;
    path_options_.cross_filesystems = config_.cross_filesystems;
    path_options_.multiscan_threads = std::max(
        1u, std::min(config_.max_threads, std::thread::hardware_concurrency()));
    for (const std::string& re : config_.exclude_path)
      path_options_.exclude.emplace_back(re, std::regex::extended);
  }

  ~Impl() {
    if (reload_thread_.joinable()) reload_thread_.join();
  }

  Status Start(const std::vector<int>& inherited) {
    std::string why;
    auto db = opener_(&why);
    if (!db.ok()) return db.status();
    SetDatabase(*db);
    if (!inherited.empty()) {
      for (int fd : inherited) Listen(fd);
    } else {
      if (!config_.local_socket.empty()) {
        Status s = BindUnix();
        if (!s.ok()) return s;
      }
      if (config_.tcp_socket) {
        Status s = BindTcp();
        if (!s.ok()) return s;
      }
    }
    if (acceptors_.empty())
      return Status::InvalidArgument(
          "no socket to listen on (set LocalSocket or TCPSocket)");
    pool_ = std::make_unique<WorkerPool>(config_.max_threads, config_.max_queue,
                                         config_.idle_timeout);
    return Status::Ok();
  }

  int Run() {
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    signals_.add(SIGHUP);
    signals_.add(SIGUSR2);
    WaitSignal();
    for (auto& a : acceptors_) Accept(a.get());
    ScheduleSelfCheck();
    log_->Info("vigild " + std::string(kVersionString) + " ready");
    io_.run();
    if (pool_) pool_->Stop();
    if (reload_thread_.joinable()) reload_thread_.join();
    for (const std::string& path : unix_paths_) unlink(path.c_str());
    log_->Info("vigild stopped");
    return 0;
  }

  // --- used by connections (I/O thread unless noted) ---
  struct Connection;
  std::shared_ptr<const Engine> engine() {  // any thread
    std::lock_guard<std::mutex> lock(engine_mu_);
    return engine_;
  }
  const config::Config& config() const { return config_; }
  const PathScanOptions& path_options() const { return path_options_; }
  WorkerPool& pool() { return *pool_; }
  Log& log() { return *log_; }
  asio::io_context& io() { return io_; }
  bool shutting_down() const { return shutting_down_; }
  void Forget(Connection* c);
  void Shutdown();
  void RequestReload();  // any thread

  std::string VersionBody() {
    auto e = engine();
    const DatabaseInfo& info = e->database().info();
    return proto::VersionBody(
        std::string("ClamAV 1.4.6 (vigil ") + kVersionString + ")",
        info.daily_version, info.daily_build_time);
  }

 private:
  void SetDatabase(std::shared_ptr<const Database> db) {
    auto engine = std::make_shared<const Engine>(std::move(db));
    std::lock_guard<std::mutex> lock(engine_mu_);
    engine_ = std::move(engine);
  }

  Status BindUnix() {
    const std::string& path = config_.local_socket;
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path))
      return Status::InvalidArgument("LocalSocket path too long: " + path);
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return Status::IoError(std::string("socket: ") + strerror(errno));
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0) {
      // A socket nobody answers on is stale (FixStaleSocket); anything else
      // is left alone.
      int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      const bool live =
          connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
      close(probe);
      if (live) {
        close(fd);
        return Status::InvalidArgument("socket " + path +
                                       " is in use by another process");
      }
      if (!S_ISSOCK(st.st_mode) || !config_.fix_stale_socket) {
        close(fd);
        return Status::InvalidArgument(path +
                                       " exists and is not a stale socket");
      }
      unlink(path.c_str());
    }
    // Created with no access for others, then given its configured mode.
    const mode_t old = umask(0777);
    const int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    umask(old);
    if (rc != 0) {
      const int err = errno;
      close(fd);
      return Status::IoError("bind " + path + ": " + strerror(err));
    }
    if (!config_.local_socket_group.empty()) {
      struct group* g = getgrnam(config_.local_socket_group.c_str());
      if (!g || chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
        close(fd);
        unlink(path.c_str());
        return Status::InvalidArgument("LocalSocketGroup " +
                                       config_.local_socket_group +
                                       ": cannot set the socket's group");
      }
    }
    chmod(path.c_str(), config_.local_socket_mode & 0777);
    if (listen(fd, static_cast<int>(config_.max_connection_queue_length)) !=
        0) {
      close(fd);
      return Status::IoError(std::string("listen: ") + strerror(errno));
    }
    unix_paths_.push_back(path);
    Listen(fd);
    log_->Info("LOCAL: Unix socket file " + path);
    return Status::Ok();
  }

  Status BindTcp() {
    std::vector<std::string> addrs = config_.tcp_addr;
    if (addrs.empty()) addrs.push_back("127.0.0.1");  // loopback unless told
    for (const std::string& a : addrs) {
      addrinfo hints{};
      hints.ai_socktype = SOCK_STREAM;
      hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
      addrinfo* res = nullptr;
      const std::string port = std::to_string(*config_.tcp_socket);
      if (getaddrinfo(a.c_str(), port.c_str(), &hints, &res) != 0 || !res)
        return Status::InvalidArgument("TCPAddr " + a + ": cannot resolve");
      int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      const int rc = bind(fd, res->ai_addr, res->ai_addrlen);
      freeaddrinfo(res);
      if (rc != 0 ||
          listen(fd, static_cast<int>(config_.max_connection_queue_length)) !=
              0) {
        const int err = errno;
        close(fd);
        return Status::IoError("TCP " + a + ":" + port + ": " + strerror(err));
      }
      Listen(fd);
      log_->Info("TCP: Bound to [" + a + "]:" + port);
    }
    return Status::Ok();
  }

  void Listen(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    const int family = ss.ss_family;
    auto acc = std::make_unique<Acceptor>(io_);
    acc->assign(asio::generic::stream_protocol(
                    family, family == AF_UNIX ? 0 : IPPROTO_TCP),
                fd);
    acceptors_.push_back(std::move(acc));
  }

  void Accept(Acceptor* acc);

  void WaitSignal() {
    signals_.async_wait([this](const asio::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        log_->Reopen();
        log_->Info("SIGHUP caught: re-opening log file.");
      } else if (sig == SIGUSR2) {
        RequestReload();
      } else {
        log_->Info("Received signal " + std::to_string(sig) +
                   ", shutting down");
        Shutdown();
        return;
      }
      WaitSignal();
    });
  }

  void ScheduleSelfCheck() {
    if (config_.self_check == 0) return;
    if (fingerprint_.empty())
      fingerprint_ = DirectoryFingerprint(config_.database_directory);
    self_check_.expires_after(std::chrono::seconds(config_.self_check));
    self_check_.async_wait([this](const asio::error_code& ec) {
      if (ec || shutting_down_) return;
      const std::string now = DirectoryFingerprint(config_.database_directory);
      if (now != fingerprint_) {
        log_->Info(
            "SelfCheck: Database modification detected. Forcing reload.");
        fingerprint_ = now;
        RequestReload();
      } else {
        log_->Verbose("SelfCheck: Database status OK.");
      }
      ScheduleSelfCheck();
    });
  }

  void ReloadLoop() {
    for (;;) {
      log_->Info("Reading databases from " + config_.database_directory);
      std::string why;
      auto db = opener_(&why);
      if (db.ok()) {
        const uint64_t n = (*db)->info().signatures;
        SetDatabase(*db);
        log_->Info("Database correctly reloaded (" + std::to_string(n) +
                   " signatures)");
        log_->Info("Activating the newly loaded database...");
      } else {
        log_->Error("reload failed, keeping the loaded database: " +
                    db.status().message() +
                    (why.empty() || why == db.status().message()
                         ? ""
                         : " (" + why + ")"));
      }
      std::lock_guard<std::mutex> lock(reload_mu_);
      if (!reload_again_) {
        reloading_ = false;
        return;
      }
      reload_again_ = false;
    }
  }

  config::Config config_;
  DatabaseOpener opener_;
  Log* log_;
  PathScanOptions path_options_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer self_check_;
  std::string fingerprint_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  std::vector<std::string> unix_paths_;
  std::unique_ptr<WorkerPool> pool_;
  std::mutex engine_mu_;
  std::shared_ptr<const Engine> engine_;
  std::set<std::shared_ptr<Connection>> connections_;
  bool shutting_down_ = false;
  std::mutex reload_mu_;
  bool reloading_ = false, reload_again_ = false;
  std::thread reload_thread_;
};

void Server::Impl::RequestReload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  if (reloading_) {
    reload_again_ = true;
    return;
  }
  reloading_ = true;
  if (reload_thread_.joinable()) reload_thread_.join();
  reload_thread_ = std::thread([this] { ReloadLoop(); });
}

// One client connection. All of its state is touched on the I/O thread
// only; scan jobs post their lines back to it.
struct Server::Impl::Connection
    : std::enable_shared_from_this<Server::Impl::Connection> {
  enum class State { kCommand, kInstream, kFildes, kDone };

  Connection(Impl* server, asio::generic::stream_protocol::socket socket,
             bool is_unix)
      : srv(server),
        sock(std::move(socket)),
        unix_socket(is_unix),
        timer(server->io()),
        retry(server->io()),
        send_timer(server->io()) {}

  ~Connection() {
    for (int fd : fds) close(fd);
  }

  Impl* srv;
  asio::generic::stream_protocol::socket sock;
  const bool unix_socket;
  asio::steady_timer timer, retry;
  asio::steady_timer send_timer;  // SendBufTimeout, while a write waits
  std::string in;
  std::deque<int> fds;
  State state = State::kCommand;
  bool in_session = false;
  bool session_ended = false;
  uint32_t next_id = 0;
  unsigned pending = 0;  // jobs not yet finished
  bool want_close = false;
  bool closed = false;
  bool eof = false;
  bool reading = false;
  bool paused = false;  // a job waits for room in the pool
  bool handled_one = false;
  bool garbage_reported = false;
  std::deque<std::string> out;
  size_t out_bytes = 0;   // in `out`, not yet written
  size_t out_offset = 0;  // bytes of out.front() already written
  Clock::time_point last_write = Clock::now();
  // When the socket last took bytes, or the current write began.
  Clock::time_point send_progress = Clock::now();
  bool writing = false;
  // The command being served while INSTREAM/FILDES data comes in.
  proto::Form form = proto::Form::kN;
  uint32_t id = 0;
  std::optional<proto::InstreamDecoder> decoder;
  std::shared_ptr<StreamSink> sink;

  void Start() {
    ArmTimer(srv->config().command_read_timeout);
    Read();
  }

  void ArmTimer(uint32_t seconds) {
    timer.cancel();
    if (seconds == 0) return;
    timer.expires_after(std::chrono::seconds(seconds));
    timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (!ec) self->TimedOut();
    });
  }

  void TimedOut() {
    if (closed) return;
    if (pending > 0) {  // a scan is running: its reply will come
      ArmTimer(srv->config().read_timeout);
      return;
    }
    if (want_close || out_bytes >= kMaxQueuedOutput) {
      if (!out.empty() &&
          SecondsSince(last_write) < srv->config().read_timeout) {
        ArmTimer(srv->config().read_timeout);  // slow, but reading
        return;
      }
      // Its replies have not been read for a whole timeout: give up.
      srv->log().Verbose("client does not read its replies, closing");
      Close();
      return;
    }
    // clamd answers every timeout so, with '\n' and no id: waiting for a
    // command, for FILDES' descriptor, for INSTREAM data, inside IDSESSION.
    Send(std::string(proto::kCommandReadTimedOut) + "\n");
    srv->log().Verbose("connection timed out");
    CloseAfterWrites();
    ArmTimer(srv->config().read_timeout);  // in case the reply is never read
  }

  void Read() {
    if (reading || closed || want_close || eof || paused ||
        out_bytes >= kMaxQueuedOutput)
      return;
    reading = true;
    sock.async_wait(asio::socket_base::wait_read,
                    [self = shared_from_this()](const asio::error_code& ec) {
                      self->reading = false;
                      if (ec) {
                        self->Close();
                        return;
                      }
                      self->OnReadable();
                    });
  }

  void OnReadable() {
    if (closed) return;
    char buf[kReadChunk];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)];
    // While a command is read, the buffer holds at most clamd's line limit
    // (the codec's contract): what one read brings decides what is one
    // old-style command and what is garbage after a command.
    size_t want = sizeof buf;
    if (state == State::kCommand) {
      want = in.size() < proto::kMaxCommandLength
                 ? proto::kMaxCommandLength - in.size()
                 : 1;
    }
    iovec iov{buf, want};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (unix_socket) {
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
    }
    const ssize_t n =
        recvmsg(sock.native_handle(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        Read();
        return;
      }
      Close();
      return;
    }
    bool got_fd = false;
    if (unix_socket) {
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
          int fd;
          std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
          // At most one descriptor waits for FILDES, as in clamd: a newer
          // one replaces it and the extra ones of a message are closed, so
          // a client cannot make vigild hold descriptors without end.
          if (got_fd) {
            close(fd);
            continue;
          }
          if (!fds.empty())
            srv->log().Verbose("Unclaimed file descriptor received, closing");
          for (int old : fds) close(old);
          fds.clear();
          fds.push_back(fd);
          got_fd = true;
        }
      }
    }
    if (n == 0) {
      eof = true;
      // A half-closed client still gets the replies of what it sent.
      Process(false);
      if (state == State::kInstream || state == State::kFildes) {
        Close();
      } else if (in_session || handled_one) {
        CloseAfterWrites();
      } else {
        Close();
      }
      return;
    }
    in.append(buf, static_cast<size_t>(n));
    Process(true);
    DropUnclaimedDescriptor();
    Read();
  }

  // A descriptor that came with bytes that are all served now, and no FILDES
  // waiting for it, is closed: it must not answer a later FILDES (clamd
  // calls it a protocol error).
  void DropUnclaimedDescriptor() {
    if (fds.empty() || !in.empty() || paused || state == State::kFildes) return;
    srv->log().Verbose("Unclaimed file descriptor received, closing");
    for (int fd : fds) close(fd);
    fds.clear();
  }

  // Serves what is buffered.
  void Process(bool packet_complete) {
    for (bool first = packet_complete; !closed && !want_close && !paused;
         first = false) {
      if (state == State::kInstream) {
        if (in.empty()) return;
        proto::InstreamDecoder::Step step = decoder->Feed(in);
        if (!step.payload.empty()) {
          Status s = sink->Append(step.payload);
          if (!s.ok()) {
            Send(proto::ReplyError(form, id, "",
                                   "Error writing to temporary file"));
            CloseAfterWrites();
            return;
          }
        }
        in.erase(0, step.consumed);
        if (step.state == proto::InstreamDecoder::State::kTooLong) {
          srv->log().Warning("INSTREAM: Size limit reached (max: " +
                             std::to_string(srv->config().stream_max_length) +
                             ")");
          Send(proto::ReplyError(form, id, "", proto::kInstreamTooLong));
          CloseAfterWrites();
          return;
        }
        if (step.state == proto::InstreamDecoder::State::kDone) {
          state = State::kCommand;
          SubmitStream();
          continue;
        }
        ArmTimer(srv->config().read_timeout);
        if (step.consumed == 0) return;
        continue;
      }
      if (state == State::kFildes) {
        if (!fds.empty()) {
          const int fd = fds.front();
          fds.pop_front();
          if (!in.empty()) in.erase(0, 1);  // the byte that carried it
          state = State::kCommand;
          // Bytes after it are garbage: clamd says so before the reply.
          if (!in_session && !in.empty()) ReportGarbage();
          SubmitFd(fd);
          continue;
        }
        if (in.empty()) return;
        Send(proto::ReplyError(form, id, "", "No file descriptor received."));
        CloseAfterWrites();
        return;
      }
      if (state == State::kDone) return;
      // Commands.
      if (in.empty()) return;
      if (!in_session && handled_one) {
        // One command per connection outside IDSESSION: the rest is
        // garbage, ignored as clamd does (only bytes that came with the
        // command get an error line, see below).
        srv->log().Warning("Client sent garbage after last command: " +
                           std::to_string(in.size()) + " bytes");
        in.clear();
        return;
      }
      if (srv->shutting_down()) {
        CloseAfterWrites();
        return;
      }
      proto::ParseResult r = proto::ParseCommand(in, first, in_session);
      using K = proto::ParseResult::Kind;
      if (r.kind == K::kNeedMore) return;
      if (r.kind == K::kTooLong) {
        Close();
        return;
      }
      const uint32_t cid = in_session ? ++next_id : 0;
      if (r.kind == K::kUnknown) {
        Send(in_session
                 ? proto::ReplyError(r.form, cid, "", proto::kInvalidInSession)
                 : proto::Reply(r.form, cid, proto::kUnknownCommand));
        CloseAfterWrites();
        return;
      }
      if (r.kind == K::kOldStyleInSession) {
        // Terminated like the session's previous command.
        Send(proto::OldStyleInSessionReplies(form, cid));
        CloseAfterWrites();
        return;
      }
      proto::ConsumeCommand(in, r);
      handled_one = true;
      garbage_reported = false;
      // Bytes after a command that clamd hands to a worker (scans, STATS)
      // get "Error processing command. ERROR" before its reply.
      if (!in_session && !in.empty() && Dispatched(r.request->command)) {
        form = r.form;
        ReportGarbage();
      }
      Dispatch(*r.request, cid);
    }
  }

  void Dispatch(const proto::Request& req, uint32_t cid) {
    using C = proto::Command;
    const config::Config& cfg = srv->config();
    form = req.form;
    id = cid;
    if (in_session && !proto::AllowedInSession(req.command)) {
      Send(proto::ReplyError(form, cid, "", proto::kInvalidInSession));
      CloseAfterWrites();
      return;
    }
    auto unavailable = [&] {
      Send(proto::Reply(form, cid, "COMMAND UNAVAILABLE"));
      Finish();
    };
    switch (req.command) {
      case C::kPing:
        Send(proto::Reply(form, cid, "PONG"));
        Finish();
        return;
      case C::kVersion:
        if (!cfg.enable_version_command) return unavailable();
        Send(proto::Reply(form, cid, srv->VersionBody()));
        Finish();
        return;
      case C::kVersionCommands:
        if (!cfg.enable_version_command) return unavailable();
        Send(proto::Reply(
            form, cid,
            proto::VersionCommandsBody(srv->VersionBody(), Disabled())));
        Finish();
        return;
      case C::kStats:
        if (!cfg.enable_stats_command) return unavailable();
        Send(proto::StatsReply(form, cid, srv->pool().Stats()));
        Finish();
        return;
      case C::kReload:
        if (!cfg.enable_reload_command) return unavailable();
        Send(proto::Reply(form, cid, "RELOADING"));
        srv->RequestReload();
        Finish();
        return;
      case C::kShutdown:
      case C::kQuit:
        if (!cfg.enable_shutdown_command) return unavailable();
        CloseAfterWrites();
        srv->Shutdown();
        return;
      case C::kIdSession:
        in_session = true;
        ArmTimer(cfg.read_timeout);
        return;
      case C::kEnd:
        session_ended = true;
        state = State::kDone;
        CloseAfterWrites();
        return;
      case C::kDetStats:
      case C::kDetStatsClear:
        CloseAfterWrites();
        return;
      case C::kInstream:
        state = State::kInstream;
        decoder.emplace(cfg.stream_max_length);
        sink = std::make_shared<StreamSink>(cfg.temporary_directory);
        ArmTimer(cfg.read_timeout);
        return;
      case C::kFildes:
        state = State::kFildes;
        ArmTimer(cfg.command_read_timeout);
        return;
      case C::kScan:
      case C::kContScan:
      case C::kMultiScan:
      case C::kAllMatchScan:
        if (req.command == C::kAllMatchScan && !cfg.allow_all_match_scan) {
          Send(proto::ReplyError(
              form, cid, req.argument,
              "ALLMATCHSCAN command disabled by clamd configuration."));
          Finish();
          return;
        }
        SubmitPath(req.command, req.argument);
        return;
    }
  }

  static bool Dispatched(proto::Command c) {
    return proto::TakesPath(c) || c == proto::Command::kStats;
  }

  // clamd's answer to bytes after the one command of a connection.
  void ReportGarbage() {
    if (garbage_reported) return;
    garbage_reported = true;
    Send(proto::ReplyError(form, 0, "", proto::kErrorProcessing));
  }

  std::vector<proto::Command> Disabled() const {
    const config::Config& cfg = srv->config();
    std::vector<proto::Command> d;
    if (!cfg.enable_shutdown_command) d.push_back(proto::Command::kShutdown);
    if (!cfg.enable_reload_command) d.push_back(proto::Command::kReload);
    if (!cfg.enable_stats_command) d.push_back(proto::Command::kStats);
    return d;
  }

  // A command answered at once: outside a session the connection ends.
  void Finish() {
    if (!in_session)
      CloseAfterWrites();
    else
      ArmTimer(srv->config().read_timeout);
  }

  // Queues a job; while the pool is full the connection is not read.
  void Submit(std::string task, std::string filename,
              std::function<void()> job) {
    ++pending;
    if (srv->pool().TrySubmit(task, filename, job)) return;
    paused = true;
    retry.expires_after(std::chrono::milliseconds(5));
    retry.async_wait([self = shared_from_this(), task = std::move(task),
                      filename = std::move(filename), job = std::move(job)](
                         const asio::error_code& ec) mutable {
      --self->pending;
      if (ec || self->closed) return;
      self->paused = false;
      self->Submit(std::move(task), std::move(filename), std::move(job));
      if (!self->paused) {
        self->Process(false);
        self->Read();
      }
    });
  }

  // Called from a worker: hands reply bytes to the I/O thread.
  void PostSend(std::string bytes) {
    asio::post(srv->io(),
               [self = shared_from_this(), bytes = std::move(bytes)]() mutable {
                 self->Send(std::move(bytes));
               });
  }
  void PostDone() {
    asio::post(srv->io(), [self = shared_from_this()] {
      --self->pending;
      if (!self->in_session)
        self->CloseAfterWrites();
      else
        self->MaybeClose();
    });
  }

  // What the log says of a scan, after the object's name; nothing when
  // the result is not logged (a clean one without LogClean).
  std::optional<std::string> LogTail(const ScanReport& r) const {
    if (r.infected()) {
      // ExtendedDetectionInfo: "NAME(MD5:SIZE)", as clamd logs it (not for
      // an empty object, which clamd logs plain too).
      std::string what = r.detections.front().name;
      if (!r.md5.empty() && r.bytes_read > 0)
        what += "(" + r.md5 + ":" + std::to_string(r.bytes_read) + ")";
      return ": " + what + " FOUND";
    }
    if (!r.limits_hit.empty()) {
      // "OK" on the wire, as clamd answers; the log tells the truth.
      std::string limits;
      for (const LimitHit& h : r.limits_hit)
        limits += std::string(limits.empty() ? "" : ", ") + LimitName(h.kind);
      return ": not fully scanned (" + limits + ")";
    }
    if (srv->log().log_clean()) return std::string(": OK");
    return std::nullopt;
  }

  void LogResult(const std::string& name, const ScanReport& r) {
    if (auto tail = LogTail(r)) srv->log().Info(name + *tail);
  }

  void SubmitPath(proto::Command command, std::string path) {
    PathMode mode = PathMode::kScan;
    if (command == proto::Command::kContScan) mode = PathMode::kContScan;
    if (command == proto::Command::kMultiScan) mode = PathMode::kMultiScan;
    if (command == proto::Command::kAllMatchScan) mode = PathMode::kAllMatch;
    const proto::Form f = form;
    const uint32_t cid = id;
    auto self = shared_from_this();
    Submit("SCAN", path, [self, path, mode, f, cid] {
      auto engine = self->srv->engine();
      ScanPath(
          *engine, path, mode, self->srv->path_options(),
          [&](const std::string& body) {
            self->PostSend(proto::Reply(f, cid, body));
          },
          [&](const std::string& p, const ScanReport& r) {
            self->LogResult(p, r);
          });
      self->PostDone();
    });
  }

  void SubmitStream() {
    const proto::Form f = form;
    const uint32_t cid = id;
    auto self = shared_from_this();
    std::shared_ptr<StreamSink> data = std::move(sink);
    decoder.reset();
    if (!in_session) state = State::kDone;
    Submit("INSTREAM", "", [self, data, f, cid] {
      auto engine = self->srv->engine();
      ScanReport r = data->Scan(*engine, self->srv->config().scan);
      const std::string name =
          self->unix_socket ? "instream(local)" : "instream(remote)";
      self->LogResult(name, r);
      std::vector<std::string> lines;
      ReportLines("stream", r, false, &lines);
      for (const std::string& l : lines)
        self->PostSend(proto::Reply(f, cid, l));
      self->PostDone();
    });
    ArmTimer(srv->config().read_timeout);
  }

  void SubmitFd(int fd) {
    const proto::Form f = form;
    const uint32_t cid = id;
    auto self = shared_from_this();
    if (!in_session) state = State::kDone;
    Submit("FILDES", "", [self, fd, f, cid] {
      auto engine = self->srv->engine();
      const std::string name = "fd[" + std::to_string(fd) + "]";
      struct stat st {};
      std::vector<std::string> lines;
      if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        lines.push_back(name + ": Not a regular file ERROR");
      } else {
        ScanReport r = engine->ScanFd(fd, self->srv->config().scan, name);
        // The log names the file the descriptor is open on, as clamd's
        // (looked up only for a line that is logged).
        if (auto tail = self->LogTail(r))
          self->srv->log().Info(PathOfFd(fd).value_or(name) + *tail);
        ReportLines(name, r, false, &lines);
      }
      close(fd);
      for (const std::string& l : lines)
        self->PostSend(proto::Reply(f, cid, l));
      self->PostDone();
    });
  }

  void Send(std::string bytes) {
    if (closed) return;
    out_bytes += bytes.size();
    out.push_back(std::move(bytes));
    if (!writing) WriteNext();
  }

  // Writes `out` piece by piece (async_write_some): every piece the socket
  // takes is progress. While replies wait, SendBufTimeout ms without
  // progress (the client does not drain the socket's send buffer) closes
  // the connection; see SendStalled().
  void WriteNext() {
    if (out.empty() || closed) {
      writing = false;
      MaybeClose();
      return;
    }
    if (!writing) {
      writing = true;
      send_progress = Clock::now();
      ArmSendTimer(std::chrono::milliseconds(srv->config().send_buf_timeout));
    }
    const std::string& front = out.front();
    sock.async_write_some(
        asio::buffer(front.data() + out_offset, front.size() - out_offset),
        [self = shared_from_this()](const asio::error_code& ec, size_t n) {
          self->Wrote(ec, n);
        });
  }

  void Wrote(const asio::error_code& ec, size_t n) {
    if (ec) {
      Close();
      return;
    }
    last_write = send_progress = Clock::now();
    out_bytes -= n;
    out_offset += n;
    if (out_offset == out.front().size()) {
      out.pop_front();
      out_offset = 0;
    }
    WriteNext();
    Read();  // if it had stopped for the output
  }

  void ArmSendTimer(Clock::duration after) {
    send_timer.expires_after(after);
    send_timer.async_wait(
        [self = shared_from_this()](const asio::error_code& ec) {
          if (!ec) self->SendStalled();
        });
  }

  // The send timer expired: close when the socket has taken nothing for
  // SendBufTimeout ms (clamd gives up a reply then, and goes on without it;
  // vigild closes, so that a client never misses one reply of many).
  void SendStalled() {
    if (closed || !writing) return;
    const auto limit =
        std::chrono::milliseconds(srv->config().send_buf_timeout);
    const Clock::time_point deadline = send_progress + limit;
    if (Clock::now() < deadline) {
      ArmSendTimer(deadline - Clock::now());
      return;
    }
    if (SocketWritable()) {  // the write's handler is about to run
      ArmSendTimer(limit);
      return;
    }
    srv->log().Verbose("client did not read its replies for " +
                       std::to_string(limit.count()) +
                       " ms (SendBufTimeout), closing");
    Close();
  }

  bool SocketWritable() {
    pollfd p{sock.native_handle(), POLLOUT, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) != 0;
  }

  void CloseAfterWrites() {
    want_close = true;
    MaybeClose();
  }

  void MaybeClose() {
    if (closed) return;
    if ((want_close || (eof && in_session)) && pending == 0 && out.empty() &&
        !writing) {
      Close();
    }
  }

  void Close() {
    if (closed) return;
    closed = true;
    asio::error_code ignored;
    timer.cancel();
    retry.cancel();
    send_timer.cancel();
    sock.shutdown(asio::socket_base::shutdown_both, ignored);
    sock.close(ignored);
    srv->Forget(this);
  }
};

void Server::Impl::Accept(Acceptor* acc) {
  acc->async_accept([this, acc](const asio::error_code& ec,
                                asio::generic::stream_protocol::socket socket) {
    if (shutting_down_) return;
    if (!ec) {
      socket.non_blocking(true);
      const bool is_unix = acc->local_endpoint().protocol().family() == AF_UNIX;
      auto c = std::make_shared<Connection>(this, std::move(socket), is_unix);
      connections_.insert(c);
      c->Start();
    } else if (ec == asio::error::operation_aborted) {
      return;
    }
    Accept(acc);
  });
}

void Server::Impl::Forget(Connection* c) {
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->get() == c) {
      // Destroyed once its pending handlers have run.
      asio::post(io_, [keep = *it] {});
      connections_.erase(it);
      break;
    }
  }
  if (shutting_down_ && connections_.empty()) io_.stop();
}

void Server::Impl::Shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  asio::error_code ignored;
  for (auto& a : acceptors_) a->close(ignored);
  signals_.cancel(ignored);
  self_check_.cancel();
  // Connections waiting for a command go now; the others once their jobs'
  // replies are written.
  std::vector<std::shared_ptr<Connection>> all(connections_.begin(),
                                               connections_.end());
  for (auto& c : all) {
    if (c->pending == 0 && c->out.empty() && !c->writing)
      c->Close();
    else
      c->want_close = true;
  }
  if (connections_.empty()) io_.stop();
}

Server::Server(config::Config config, DatabaseOpener opener, Log* log)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(opener), log)) {
}
Server::~Server() = default;
Status Server::Start(const std::vector<int>& inherited_fds) {
  return impl_->Start(inherited_fds);
}
int Server::Run() { return impl_->Run(); }

}  // namespace vigil::daemon

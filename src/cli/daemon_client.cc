#include "cli/daemon_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "config/daemon_config.h"

namespace vigil::cli {

Result<DaemonAddress> DaemonAddressFromConfig(const std::string& config_path) {
  std::vector<config::ConfigMessage> messages;
  auto cfg = config::LoadConfig(config_path, &messages);
  if (!cfg.ok()) return cfg.status();
  DaemonAddress a;
  a.unix_path = cfg->local_socket;
  if (cfg->tcp_socket) {
    a.port = *cfg->tcp_socket;
    a.host = cfg->tcp_addr.empty() ? "127.0.0.1" : cfg->tcp_addr.front();
  }
  a.stream_max_length = cfg->stream_max_length;
  if (a.unix_path.empty() && a.port == 0)
    return Status::InvalidArgument(config_path +
                                   ": no LocalSocket or TCPSocket");
  return a;
}

namespace {

int Connect(const DaemonAddress& a, std::string* error) {
  if (!a.unix_path.empty()) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (a.unix_path.size() >= sizeof addr.sun_path) {
      *error = "socket path too long";
      return -1;
    }
    std::memcpy(addr.sun_path, a.unix_path.c_str(), a.unix_path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 &&
        connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
      return fd;
    *error = "can't connect to " + a.unix_path + ": " + strerror(errno);
    if (fd >= 0) close(fd);
    return -1;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(a.port);
  if (getaddrinfo(a.host.c_str(), port.c_str(), &hints, &res) != 0 || !res) {
    *error = "can't resolve " + a.host;
    return -1;
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const bool ok = fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0;
  freeaddrinfo(res);
  if (ok) return fd;
  *error = "can't connect to " + a.host + ":" + port + ": " + strerror(errno);
  if (fd >= 0) close(fd);
  return -1;
}

bool SendAll(int sock, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = send(sock, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool SendFd(int sock, int fd) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1;
}

// INSTREAM: the file in chunks, each after its 4-byte big-endian length.
bool SendStream(int sock, int fd, uint64_t max_length) {
  if (!SendAll(sock, "zINSTREAM", 10)) return false;
  std::vector<char> buf(1 << 16);
  uint64_t sent = 0;
  // A file is read from its start, whatever its position; a pipe as it
  // comes.
  bool seekable = true;
  for (;;) {
    ssize_t n =
        seekable ? pread(fd, buf.data(), buf.size(), static_cast<off_t>(sent))
                 : -1;
    if (n < 0 && seekable && errno == ESPIPE) {
      seekable = false;
      continue;
    }
    if (!seekable) n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    // Past the daemon's limit it would refuse the stream: stop there, as
    // clamdscan does.
    if (sent + static_cast<uint64_t>(n) > max_length)
      n = static_cast<ssize_t>(max_length - sent);
    if (n <= 0) break;
    const uint32_t len = htonl(static_cast<uint32_t>(n));
    if (!SendAll(sock, &len, 4) ||
        !SendAll(sock, buf.data(), static_cast<size_t>(n)))
      return false;
    sent += static_cast<uint64_t>(n);
  }
  const uint32_t zero = 0;
  return SendAll(sock, &zero, 4);
}

}  // namespace

void ParseDaemonReply(const std::string& line, ScanReport* report) {
  // "<name>: <body>"; the name is "fd[N]" or "stream".
  const size_t colon = line.find(": ");
  const std::string body =
      colon == std::string::npos ? line : line.substr(colon + 2);
  constexpr std::string_view kFound = " FOUND", kError = " ERROR";
  auto ends_with = [&](std::string_view s) {
    return body.size() >= s.size() &&
           body.compare(body.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with(kFound)) {
    report->detections.push_back(
        {body.substr(0, body.size() - kFound.size()), {}, "daemon"});
  } else if (ends_with(kError)) {
    report->error =
        Status::IoError(body.substr(0, body.size() - kError.size()));
  } else if (body != "OK") {
    report->error =
        Status::IoError("unexpected reply from the daemon: " + line);
  }
}

ScanReport ScanThroughDaemon(const DaemonAddress& address, int fd,
                             bool all_match) {
  (void)all_match;  // FILDES and INSTREAM report the first match only
  ScanReport report;
  std::string error;
  const int sock = Connect(address, &error);
  if (sock < 0) {
    report.error = Status::IoError(error);
    return report;
  }
  bool sent;
  struct stat st {};
  const bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  // FILDES takes regular files only (as clamdscan, a pipe goes INSTREAM).
  if (!address.unix_path.empty() && regular) {
    sent = SendAll(sock, "zFILDES", 8) && SendFd(sock, fd);
  } else {
    sent = SendStream(sock, fd, address.stream_max_length);
  }
  std::string reply;
  if (sent) {
    char buf[4096];
    for (;;) {
      const ssize_t n = recv(sock, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      reply.append(buf, static_cast<size_t>(n));
    }
  }
  close(sock);
  if (reply.empty()) {
    report.error = Status::IoError(sent ? "no reply from the daemon"
                                        : "can't send to the daemon");
    return report;
  }
  size_t start = 0;
  while (start < reply.size()) {
    size_t end = reply.find('\0', start);
    if (end == std::string::npos) end = reply.size();
    if (end > start)
      ParseDaemonReply(reply.substr(start, end - start), &report);
    start = end + 1;
  }
  return report;
}

}  // namespace vigil::cli

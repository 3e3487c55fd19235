// `vigil scan --daemon`: the scan goes to a running vigild (or clamd) over
// the clamd protocol, one connection per file: FILDES on a Unix socket (the
// daemon reads the file through the descriptor vigil opened, with vigil's
// rights), INSTREAM over TCP. The reply becomes the same ScanReport a local
// scan gives, so the output is that of a local scan.
#ifndef VIGIL_CLI_DAEMON_CLIENT_H_
#define VIGIL_CLI_DAEMON_CLIENT_H_

#include <cstdint>
#include <string>

#include "vigil/report.h"
#include "vigil/status.h"

namespace vigil::cli {

struct DaemonAddress {
  std::string unix_path;  // preferred when set
  std::string host;       // TCP otherwise
  uint16_t port = 0;
  uint64_t stream_max_length = 100ull << 20;
};

// The socket of the daemon configured in `config_path` (LocalSocket, else
// TCPSocket on TCPAddr or 127.0.0.1).
Result<DaemonAddress> DaemonAddressFromConfig(const std::string& config_path);

// Scans what `fd` refers to through the daemon.
ScanReport ScanThroughDaemon(const DaemonAddress& address, int fd,
                             bool all_match);

// Turns one reply line ("fd[5]: Eicar-Signature FOUND", "stream: OK",
// "stream: ... ERROR") into `report`. Exposed for tests.
void ParseDaemonReply(const std::string& line, ScanReport* report);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_DAEMON_CLIENT_H_

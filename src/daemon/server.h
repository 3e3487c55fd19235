// vigild's server: listening sockets, one I/O thread running every
// connection's clamd protocol (src/protocol), and a bounded pool of scan
// workers. docs/vigild.md.
//
// - I/O never blocks on a scan: a command's scan is a job for the pool;
//   its reply lines are posted back to the I/O thread and written there.
// - Backpressure: when MaxQueue jobs are waiting, connections stop being
//   read until there is room (the clients' own sends then block), and
//   connections beyond the listen backlog (MaxConnectionQueueLength) wait
//   in the kernel. INSTREAM data goes to an unnamed temporary file past
//   1 MiB, so a connection holds at most that much memory.
// - Timeouts (as clamd): CommandReadTimeout for a command and for FILDES'
//   descriptor, ReadTimeout between INSTREAM chunks and between IDSESSION
//   commands; each answers "COMMAND READ TIMED OUT\n" and closes. A
//   client that does not drain its replies is dropped after SendBufTimeout
//   ms in which its socket took nothing.
// - Reload (RELOAD, SIGUSR2, SelfCheck finding a change) opens the new
//   database on a thread of its own and swaps it in; running scans keep the
//   old one, which is unmapped when the last of them ends. At most two
//   databases are mapped: a reload asked for during a reload is queued.
// - SHUTDOWN/SIGTERM: stop accepting and reading commands, let running
//   jobs finish and their replies go out, then exit.
#ifndef VIGIL_DAEMON_SERVER_H_
#define VIGIL_DAEMON_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/daemon_config.h"
#include "daemon/log.h"
#include "vigil/engine.h"
#include "vigil/status.h"

namespace vigil::daemon {

// Opens the database of `config` (DatabaseDirectory: signature sources,
// compiled and cached, or a compiled .vdb).
using DatabaseOpener =
    std::function<Result<std::shared_ptr<const Database>>(std::string* why)>;

class Server {
 public:
  Server(config::Config config, DatabaseOpener opener, Log* log);
  ~Server();

  // Loads the database and binds the sockets (or takes systemd's, given as
  // `inherited_fds`). Call before dropping privileges.
  Status Start(const std::vector<int>& inherited_fds);
  // Serves until SHUTDOWN or SIGTERM, then drains. Returns the exit code.
  int Run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::daemon

#endif  // VIGIL_DAEMON_SERVER_H_

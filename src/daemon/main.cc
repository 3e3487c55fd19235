// vigild: the clamd-compatible scanning daemon (docs/vigild.md).
//
//   vigild --config /etc/vigil/vigild.conf [--foreground] [--debug]
//
// Reads a clamd.conf, loads the database of DatabaseDirectory (signature
// sources compiled once and cached, or a compiled .vdb), binds the sockets
// (or takes systemd's), drops to User, and serves the clamd protocol.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/db_cache.h"
#include "config/daemon_config.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "vigil/version.h"

namespace {

using vigil::Status;

void Usage() {
  std::printf(
      "Usage: vigild [--config FILE] [--foreground] [--debug] [--version]\n"
      "       vigild [--config FILE] --compile\n"
      "  -c, --config FILE   clamd.conf to read (default "
      "/etc/vigil/vigild.conf)\n"
      "  -F, --foreground    do not fork; log to stderr when no LogFile\n"
      "  --compile           compile DatabaseDirectory into "
      "VigilCacheDirectory\n"
      "                      as the daemon would, then exit (for updaters: "
      "a\n"
      "                      RELOAD after it maps the result in "
      "milliseconds)\n"
      "  -V, --version       print the version and exit\n");
}

// Sockets systemd passed (socket activation), from fd 3 on.
std::vector<int> InheritedSockets() {
  std::vector<int> fds;
  const char* pid = std::getenv("LISTEN_PID");
  const char* n = std::getenv("LISTEN_FDS");
  if (!pid || !n || std::atol(pid) != getpid()) return fds;
  for (int i = 0; i < std::atoi(n); ++i) {
    fcntl(3 + i, F_SETFD, FD_CLOEXEC);
    fds.push_back(3 + i);
  }
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDS");
  return fds;
}

// Before vigild gives up root for `user`: as clamd, the log file becomes
// the user's (so SIGHUP can reopen it); a cache directory that does not
// exist yet is created for the user (so a RELOAD can store what it
// compiles).
Status PrepareForUser(const std::string& user, const std::string& log_file,
                      const std::string& cache_dir) {
  if (user.empty() || geteuid() != 0) return Status::Ok();
  struct passwd* pw = getpwnam(user.c_str());
  if (!pw) return Status::InvalidArgument("User " + user + ": no such user");
  if (!log_file.empty() &&
      lchown(log_file.c_str(), pw->pw_uid, pw->pw_gid) != 0)
    return Status::PermissionDenied("cannot give the log file " + log_file +
                                    " to user " + user + ": " +
                                    strerror(errno));
  if (!cache_dir.empty() && mkdir(cache_dir.c_str(), 0750) == 0 &&
      chown(cache_dir.c_str(), pw->pw_uid, pw->pw_gid) != 0)
    return Status::PermissionDenied("cannot give " + cache_dir + " to user " +
                                    user + ": " + strerror(errno));
  return Status::Ok();
}

Status DropPrivileges(const std::string& user) {
  if (user.empty() || geteuid() != 0) return Status::Ok();
  struct passwd* pw = getpwnam(user.c_str());
  if (!pw) return Status::InvalidArgument("User " + user + ": no such user");
  if (initgroups(user.c_str(), pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
      setuid(pw->pw_uid) != 0)
    return Status::PermissionDenied("cannot switch to user " + user + ": " +
                                    strerror(errno));
  return Status::Ok();
}

}  // namespace

// `vigild --compile-only DBDIR CACHEDIR OFFICIAL PUA` (flags 0 or 1, for
// OfficialDatabaseOnly and DetectPUA): compiles the signature sources of
// DBDIR into the cache and exits (0: done; 1: the diagnostics are on
// stderr). vigild runs itself so to compile: the compiler's memory
// (hundreds of MiB for a large set) is the child's, never the daemon's.
// `say`: print what was done on stdout (`vigild --compile`).
int CompileOnly(const std::string& db_dir, const std::string& cache_dir,
                const vigil::sigs::LoadOptions& load, bool say = false) {
  vigil::compiler::SourceOptions src;
  src.paths = {db_dir};
  src.cache_dir = cache_dir;
  src.load = load;
  std::vector<vigil::sigs::Diagnostic> diags;
  auto loaded = vigil::compiler::OpenDatabase(src, &diags);
  for (const auto& d : diags)
    std::fprintf(stderr, "%s\n", vigil::sigs::FormatDiagnostic(d).c_str());
  if (!loaded.ok()) {
    if (diags.empty())
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
    return 1;
  }
  if (say && loaded->cache_path.empty()) {
    std::fprintf(stderr,
                 "vigild: no writable compiled-database cache (set "
                 "VigilCacheDirectory): nothing was stored\n");
    return 1;
  }
  if (say) {
    std::printf("%s %s: %s\n",
                loaded->from_cache ? "Already compiled" : "Compiled",
                db_dir.c_str(), loaded->cache_path.c_str());
  }
  return 0;
}

// Runs CompileOnly in a child process; its stderr lines go to `lines`.
bool CompileInChild(const std::string& db_dir, const std::string& cache_dir,
                    const vigil::sigs::LoadOptions& load,
                    std::vector<std::string>* lines) {
  int err[2];
  if (pipe2(err, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::string exe = "/proc/self/exe";
  std::vector<std::string> args = {"vigild",
                                   "--compile-only",
                                   db_dir,
                                   cache_dir,
                                   load.official_only ? "1" : "0",
                                   load.detect_pua ? "1" : "0"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc =
      posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(err[1]);
  if (rc != 0) {
    close(err[0]);
    lines->push_back(std::string("cannot start the compiler process: ") +
                     strerror(rc));
    return false;
  }
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(err[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(err[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (end > at) lines->push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char** argv) {
  if (argc == 6 && std::strcmp(argv[1], "--compile-only") == 0) {
    vigil::sigs::LoadOptions load;
    load.official_only = std::strcmp(argv[4], "1") == 0;
    load.detect_pua = std::strcmp(argv[5], "1") == 0;
    return CompileOnly(argv[2], argv[3], load);
  }
  std::string config_path = "/etc/vigil/vigild.conf";
  bool foreground = false, debug = false, compile = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "-c" || a == "--config" || a == "--config-file") &&
        i + 1 < argc) {
      config_path = argv[++i];
    } else if (a.rfind("--config=", 0) == 0 ||
               a.rfind("--config-file=", 0) == 0) {
      config_path = a.substr(a.find('=') + 1);
    } else if (a == "-F" || a == "--foreground") {
      foreground = true;
    } else if (a == "--debug") {
      debug = true;
    } else if (a == "--compile") {
      compile = true;
    } else if (a == "-V" || a == "--version") {
      std::printf("vigild %s\n", vigil::kVersionString);
      return 0;
    } else if (a == "-h" || a == "--help") {
      Usage();
      return 0;
    } else {
      std::fprintf(stderr, "vigild: unknown option %s\n", a.c_str());
      Usage();
      return 2;
    }
  }
  std::vector<vigil::config::ConfigMessage> messages;
  auto cfg = vigil::config::LoadConfig(config_path, &messages);
  for (const auto& m : messages)
    std::fprintf(stderr, "%s\n", vigil::config::FormatConfigMessage(m).c_str());
  if (!cfg.ok()) {
    std::fprintf(stderr, "vigild: %s\n", cfg.status().message().c_str());
    return 1;
  }
  vigil::config::Config config = std::move(cfg).value();
  foreground |= config.foreground;
  debug |= config.debug;
  if (compile) {
    // As the daemon compiles: same sources, options and cache key, and as
    // its User (the cache stays the user's).
    vigil::sigs::LoadOptions load;
    load.official_only = config.official_database_only;
    load.detect_pua = config.detect_pua;
    Status s = PrepareForUser(config.user, "", config.cache_directory);
    if (s.ok()) s = DropPrivileges(config.user);
    if (!s.ok()) {
      std::fprintf(stderr, "vigild: %s\n", s.message().c_str());
      return 1;
    }
    return CompileOnly(config.database_directory, config.cache_directory, load,
                       /*say=*/true);
  }

  vigil::daemon::LogOptions lo;
  lo.file = config.log_file;
  lo.time = config.log_time;
  lo.syslog = config.log_syslog;
  lo.verbose = config.log_verbose || debug;
  lo.clean = config.log_clean;
  lo.stderr_too = foreground && config.log_file.empty();
  lo.facility = vigil::config::SyslogFacilityCode(config.log_facility)
                    .value_or(LOG_LOCAL6);  // checked when LogSyslog is on
  lo.max_size = config.log_file_max_size;
  lo.rotate = config.log_rotate;
  lo.lock = !config.log_file_unlock;
  vigil::daemon::Log log(lo);
  // Before the fork: the parent prints why, and the lock goes with the
  // file to the child. clamd fails the same way ("Can't initialize the
  // internal logger").
  if (Status s = log.Open(); !s.ok()) {
    std::fprintf(stderr, "vigild: %s\n", s.message().c_str());
    return 1;
  }

  // Forks before the database and sockets are set up (threads must not
  // exist at fork); the parent waits for the child to report readiness so
  // that a failure still prints here and gives a non-zero exit.
  int ready[2] = {-1, -1};
  if (!foreground) {
    if (pipe2(ready, O_CLOEXEC) != 0) return 1;
    const pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid > 0) {
      close(ready[1]);
      char buf[512] = {};
      const ssize_t n = read(ready[0], buf, sizeof buf - 1);
      if (n == 2 && std::strncmp(buf, "ok", 2) == 0) return 0;
      std::fprintf(stderr, "vigild: %s\n", n > 0 ? buf : "failed to start");
      return 1;
    }
    close(ready[0]);
    setsid();
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      if (null > 2) close(null);
    }
  }
  auto report = [&](const std::string& what) {
    if (ready[1] >= 0) {
      (void)!write(ready[1], what.data(), what.size());
      close(ready[1]);
      ready[1] = -1;
    }
  };

  signal(SIGPIPE, SIG_IGN);
  const std::string db_dir = config.database_directory;
  const std::string cache_dir = config.cache_directory;
  vigil::sigs::LoadOptions load;
  load.official_only = config.official_database_only;
  load.detect_pua = config.detect_pua;
  auto opener = [db_dir, cache_dir, load, &log](std::string* why)
      -> vigil::Result<std::shared_ptr<const vigil::Database>> {
    vigil::compiler::SourceOptions src;
    src.paths = {db_dir};
    src.cache_dir = cache_dir;
    src.load = load;
    std::vector<vigil::sigs::Diagnostic> diags;
    // What is compiled already is mapped here; sources that are not are
    // compiled by a child process into the cache, then mapped.
    src.compile = false;
    auto loaded = vigil::compiler::OpenDatabase(src, &diags);
    if (!loaded.ok() &&
        loaded.status().code() == vigil::StatusCode::kNotFound &&
        loaded.status().message().rfind("signatures not compiled yet", 0) ==
            0) {
      log.Info("Compiling the signatures of " + db_dir);
      std::vector<std::string> lines;
      const bool ok = CompileInChild(db_dir, cache_dir, load, &lines);
      for (const std::string& l : lines) log.Info(l);
      if (!ok) {
        *why = lines.empty() ? "the compiler process failed" : lines.back();
        return vigil::Status::InvalidArgument(
            "cannot compile the signatures of " + db_dir);
      }
      loaded = vigil::compiler::OpenDatabase(src, &diags);
    }
    for (const auto& d : diags) log.Info(vigil::sigs::FormatDiagnostic(d));
    if (!loaded.ok()) {
      if (!diags.empty()) *why = vigil::sigs::FormatDiagnostic(diags.back());
      return loaded.status();
    }
    return loaded->database;
  };
  const std::string pid_file = config.pid_file;
  const std::string user = config.user;
  const std::string log_file = config.log_file;
  vigil::daemon::Server server(std::move(config), opener, &log);
  log.Info("vigild " + std::string(vigil::kVersionString) + " starting");
  if (!log_file.empty()) {
    log.Info(lo.max_size == 0 ? std::string("Log file size limit disabled.")
                              : "Log file size limited to " +
                                    std::to_string(lo.max_size) + " bytes.");
  }
  Status s = PrepareForUser(user, log_file, cache_dir);
  if (s.ok()) s = server.Start(InheritedSockets());
  if (s.ok() && !pid_file.empty()) {
    // Written before the privilege drop, as clamd does: the PID file's
    // directory is usually root's.
    FILE* f = std::fopen(pid_file.c_str(), "we");
    if (!f || std::fprintf(f, "%d\n", getpid()) < 0 || std::fclose(f) != 0)
      s = Status::PermissionDenied("cannot write PidFile " + pid_file + ": " +
                                   strerror(errno));
  }
  if (s.ok()) s = DropPrivileges(user);
  if (!s.ok()) {
    log.Error(s.message());
    if (foreground) std::fprintf(stderr, "vigild: %s\n", s.message().c_str());
    report(s.message());
    return 1;
  }
  if (!user.empty() && !cache_dir.empty() &&
      access(cache_dir.c_str(), W_OK) != 0)
    log.Warning("VigilCacheDirectory " + cache_dir + " is not writable by " +
                user + ": changed signatures will be compiled inside vigild");
  report("ok");
  const int rc = server.Run();
  if (!pid_file.empty()) unlink(pid_file.c_str());
  return rc;
}

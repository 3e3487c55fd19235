// vigild's configuration: a clamd.conf (ClamAV 1.4.6 syntax and meaning, so
// an existing file works unchanged) read into one typed struct.
//
// Syntax, as clamd 1.4.6 reads it (checked against clamd and clamconf):
// one "Key value" per line, key and value separated by blanks (spaces or
// tabs), leading blanks ignored; the key is case-sensitive; the value is
// the rest of the line with trailing blanks removed, or, when it starts
// with '"', the text up to the next '"' (what follows is ignored). A line
// whose first non-blank character is '#' is a comment: there are no
// comments after a value. A line whose key starts with "Example" (the
// stock file's guard) is an error. A CRLF line end is accepted (clamd
// keeps the CR and then rejects numbers and booleans).
// Value types: booleans yes/no, true/false, 1/0 in any case (not on/off:
// clamd refuses them); numbers decimal, at most 2^31-1 (clamd wraps larger
// ones); sizes a number with an optional K/k, M/m or G/g suffix, where a
// leading 0 means octal as in clamd ("010K" is 8 KiB) and values past
// 2^63-1 are clamped with a warning; 0 means "no limit" for every size and
// limit. A key given twice: the first value wins, as in clamd (a warning),
// except the list keys (ExcludePath, TCPAddr, ...) which accumulate.
// Every clamd.conf key is known: the keys vigild honours fill Config, the
// others are checked for their type and get a warning "accepted but has no
// effect in vigild" when vigild does not do what they ask. Unknown keys are
// warnings (clamd refuses them). A bad value is an error naming file, line
// and reason, and vigild does not start. docs/vigild-config.md lists every
// key and every difference from clamd.
//
// Tested by tests/unit/config/daemon_config_test.cc; fuzzed by
// fuzz/targets/daemon_config.
#ifndef VIGIL_CONFIG_DAEMON_CONFIG_H_
#define VIGIL_CONFIG_DAEMON_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/limits.h"
#include "vigil/status.h"

namespace vigil::config {

struct Config {
  // Sockets. Neither set: error "no socket configured" (as clamd).
  std::string local_socket;  // LocalSocket
  // LocalSocketMode, octal text ("660"); masked with 0666 as clamd does.
  // clamd's default when absent is 0666; vigild's is 0660.
  uint32_t local_socket_mode = 0660;
  std::string local_socket_group;      // LocalSocketGroup
  std::optional<uint16_t> tcp_socket;  // TCPSocket (0 in the file: none)
  // TCPAddr, repeatable. Empty: vigild binds loopback only (clamd binds
  // every address, INADDR_ANY and in6addr_any).
  std::vector<std::string> tcp_addr;
  bool fix_stale_socket = true;  // FixStaleSocket

  std::string database_directory = "/var/lib/clamav";  // DatabaseDirectory
  // TemporaryDirectory. Empty: $TMPDIR, else /tmp (as clamd and
  // core::Spool::Create).
  std::string temporary_directory;
  bool official_database_only = false;  // OfficialDatabaseOnly

  uint32_t max_threads = 10;  // MaxThreads (0 is an error, as clamd fails)
  // MaxQueue; raised to 2 * MaxThreads when lower, with a warning (clamd).
  uint32_t max_queue = 100;
  uint32_t max_connection_queue_length = 200;  // MaxConnectionQueueLength
  // StreamMaxLength (size; 0 in the file is stored as 2^63-1, as clamd).
  uint64_t stream_max_length = 100ull << 20;
  uint32_t read_timeout = 120;             // ReadTimeout (s)
  uint32_t command_read_timeout = 30;      // CommandReadTimeout (s)
  uint32_t send_buf_timeout = 500;         // SendBufTimeout (ms)
  uint32_t idle_timeout = 30;              // IdleTimeout (s)
  uint32_t self_check = 600;               // SelfCheck (s, 0: off)
  uint32_t max_directory_recursion = 15;   // MaxDirectoryRecursion
  bool follow_directory_symlinks = false;  // FollowDirectorySymlinks
  bool follow_file_symlinks = false;       // FollowFileSymlinks
  bool cross_filesystems = true;           // CrossFilesystems
  bool exit_on_oom = false;                // ExitOnOOM

  // Logging.
  std::string log_file;                     // LogFile (empty: none)
  bool log_time = false;                    // LogTime
  bool log_syslog = false;                  // LogSyslog
  std::string log_facility = "LOG_LOCAL6";  // LogFacility
  bool log_verbose = false;                 // LogVerbose
  bool log_clean = false;                   // LogClean
  bool log_file_unlock = false;             // LogFileUnlock
  uint64_t log_file_max_size = 1ull << 20;  // LogFileMaxSize (size, 0: any)
  bool log_rotate = false;                  // LogRotate
  bool extended_detection_info = false;     // ExtendedDetectionInfo

  std::string pid_file;     // PidFile
  bool foreground = false;  // Foreground
  std::string user;         // User
  bool debug = false;       // Debug

  // Scanning.
  ScanOptions scan;  // MaxFileSize MaxScanSize MaxFiles MaxRecursion
                     // MaxScanTime PCRE* AlertExceedsMax (or the old
                     // BlockMax) AlertEncrypted* (or the old
                     // ArchiveBlockEncrypted) ScanArchive; vigil's
                     // MaxCompressionRatio. MaxRecursion 0: 17, as clamd.
  bool allow_all_match_scan = true;  // AllowAllMatchScan
  bool detect_pua = false;           // DetectPUA: load the PUA variants
  // ExcludePath, repeatable: POSIX extended regexes, each checked with
  // std::regex::extended; one that does not compile is dropped with a
  // warning (clamd silently never matches it).
  std::vector<std::string> exclude_path;

  // clamd 1.5's switches (all default yes; unknown to clamd 1.4.6).
  bool enable_shutdown_command = true;  // EnableShutdownCommand
  bool enable_reload_command = true;    // EnableReloadCommand
  bool enable_version_command = true;   // EnableVersionCommand
  bool enable_stats_command = true;     // EnableStatsCommand

  // vigil's own.
  std::string cache_directory;  // VigilCacheDirectory: compiled-db cache
};

struct ConfigMessage {
  std::string file;
  uint32_t line = 0;  // 0: the file as a whole (e.g. no socket configured)
  std::string text;   // "unknown option 'Foo'", "bad value 'x' for ..."
  bool error = false;
};
// "FILE:LINE: warning: TEXT" / "FILE:LINE: error: TEXT" ("FILE: ..." when
// line is 0).
std::string FormatConfigMessage(const ConfigMessage& m);

// The syslog facility (LOG_MAIL, LOG_LOCAL6, ...) a LogFacility value names,
// from clamd's table; nullopt for any other name (clamd: "No such
// facility"). Names are upper case, as clamd compares them.
std::optional<int> SyslogFacilityCode(std::string_view name);

// Parses `text` (the contents of `file_name`). Returns an error status when
// any message is an error (its message is the first error, formatted);
// `messages` (may be null) gets every warning and error in line order.
// Pure: reads no file and no environment.
Result<Config> ParseConfig(std::string_view text, std::string_view file_name,
                           std::vector<ConfigMessage>* messages);
// Reads and parses the file at `path`.
Result<Config> LoadConfig(const std::string& path,
                          std::vector<ConfigMessage>* messages);

}  // namespace vigil::config

#endif  // VIGIL_CONFIG_DAEMON_CONFIG_H_

// The clamd wire protocol (ClamAV 1.4.6), as a pure codec: no sockets, no
// threads, no clocks. vigild (src/daemon) feeds it the bytes a client sent
// and writes what it formats. The exact behaviour, with the byte sequences
// clamd answers, is docs/clamd-protocol.md; the reference observations are
// ../shared/reference/clamav.md section 1.
//
// Tested by tests/unit/protocol; fuzzed by fuzz/targets/clamd_protocol.
#ifndef VIGIL_PROTOCOL_CLAMD_H_
#define VIGIL_PROTOCOL_CLAMD_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::protocol {

// How a command was framed; replies use the same terminator.
enum class Form {
  kZ,    // "zCMD arg\0": replies end with '\0'
  kN,    // "nCMD arg\n": replies end with '\n'
  kOld,  // "CMD arg" (whole first packet, optional "\n"): replies end '\n'
};

char Terminator(Form form);  // '\0' for kZ, '\n' otherwise

enum class Command {
  kPing,
  kVersion,
  kVersionCommands,
  kReload,
  kShutdown,
  kQuit,  // undocumented alias of SHUTDOWN
  kScan,
  kContScan,
  kMultiScan,
  kAllMatchScan,
  kInstream,
  kFildes,
  kStats,
  kIdSession,
  kEnd,
  kDetStats,       // removed feature: accepted, no reply, connection closed
  kDetStatsClear,  // likewise
};

// The name as on the wire ("PING", "VERSIONCOMMANDS", ...).
std::string_view CommandName(Command c);
bool TakesPath(Command c);         // SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN
bool AllowedOldStyle(Command c);   // clamd's support_old
bool AllowedInSession(Command c);  // PING VERSION VERSIONCOMMANDS SCAN
                                   // INSTREAM FILDES STATS (and END)

struct Request {
  Command command;
  Form form;
  std::string argument;  // the path of SCAN-like commands, else empty
};

// The outcome of parsing the bytes buffered for one connection.
struct ParseResult {
  enum class Kind {
    kNeedMore,  // an incomplete z/n command, or an old-style byte when
                // not `packet_complete`: read more bytes
    kRequest,   // `request` is set; `consumed` bytes were used
    kUnknown,   // not a command (or a z/n-only command sent old style, or
                // a missing/unexpected argument, or END outside a
                // session): reply "UNKNOWN COMMAND" with `form`'s
                // terminator and close. Inside IDSESSION clamd answers
                // "<id>: Command invalid inside IDSESSION. ERROR" instead.
    kTooLong,   // no terminator within the line limit: close, no reply
    kOldStyleInSession,  // OldStyleInSessionReplies, then close
  };
  Kind kind = Kind::kNeedMore;
  size_t consumed = 0;
  Form form = Form::kN;  // kOld for kOldStyleInSession
  std::optional<Request> request;
  // clamd's n-form quirk: it chomps "\r" from the command by writing NULs
  // over it and over the "\n", then resumes after the chomped command, so
  // `consumed` stops short of the "\n" ("nPING\r\n": 6 of 7 bytes), and
  // the bytes it left over read as NULs. `rewrite` is those left-over bytes
  // (up to and including the "\n") as clamd sees them; empty otherwise.
  // ConsumeCommand applies it. It matters for INSTREAM data that follows
  // ("nINSTREAM\r\n" + "\0\0\0" is a complete empty stream) and for
  // the "garbage after the command" check (the left-over bytes count).
  std::string rewrite;
};

// Clamd's per-connection command buffer (PATH_MAX + 8 on Linux).
inline constexpr size_t kMaxCommandLength = 4104;

// Parses the next command at the start of `buffered`.
// `packet_complete`: `buffered` starts where clamd's buffer starts after a
// read, i.e. this is the first parse since bytes were last appended
// (left-over bytes + what the read returned). Pass false when parsing what
// follows a command already taken from the same read. An old-style command
// (first byte not 'z'/'n') is only recognised when true: it is the whole
// of `buffered` up to its first '\n' (that '\n' consumed) or to its end,
// cut at the first NUL, trailing "\r"s chomped; at most `max_length`
// bytes are looked at (clamd's read stops there). When false, an old-style
// first byte gives kNeedMore: clamd leaves it for the next read, after
// which it is old style (inside IDSESSION: kOldStyleInSession).
// `in_session`: inside IDSESSION (old style is then an error; END is only
// a command there).
// REQUIRES: the caller keeps at most `max_length` bytes buffered; a z/n
// command whose terminator is not in its first `max_length` bytes is
// kTooLong (clamd closes without a reply).
ParseResult ParseCommand(std::string_view buffered, bool packet_complete,
                         bool in_session,
                         size_t max_length = kMaxCommandLength);

// Removes a parsed command from the front of `buffer` as clamd does:
// erases `r.consumed` bytes and applies `r.rewrite`.
// REQUIRES: `r` came from ParseCommand(buffer, ...).
void ConsumeCommand(std::string& buffer, const ParseResult& r);

// Fixed reply bodies (no terminator, no id), as clamd 1.4.6 sends them.
inline constexpr std::string_view kUnknownCommand = "UNKNOWN COMMAND";
inline constexpr std::string_view kPong = "PONG";
inline constexpr std::string_view kReloading = "RELOADING";
// Sent with '\n' whatever the form, and without id.
inline constexpr std::string_view kCommandReadTimedOut =
    "COMMAND READ TIMED OUT";
// Messages for ReplyError (it appends " ERROR").
inline constexpr std::string_view kInvalidInSession =
    "Command invalid inside IDSESSION.";
inline constexpr std::string_view kErrorProcessing =
    "Error processing command.";
inline constexpr std::string_view kInstreamTooLong =
    "INSTREAM size limit exceeded.";

// Reply builders. `id` > 0 prefixes "<id>: " (inside IDSESSION). Each
// returns the bytes to write, terminator included.
std::string Reply(Form form, uint32_t id, std::string_view body);
// "<path>: OK"
std::string ReplyOk(Form form, uint32_t id, std::string_view path);
// "<path>: <name> FOUND"
std::string ReplyFound(Form form, uint32_t id, std::string_view path,
                       std::string_view name);
// "<path>: <message> ERROR" (empty path: "<message> ERROR")
std::string ReplyError(Form form, uint32_t id, std::string_view path,
                       std::string_view message);

// The two replies to an old-style command inside IDSESSION: "<id>: Only
// nCMDS\n and zCMDS\0 are accepted inside IDSESSION. ERROR" (with a
// literal backslash-n and backslash-0, two characters each) and "<id>:
// Error processing command. ERROR", each ended by the terminator of the
// session's previous command (`form`: IDSESSION's own form when it is the
// first one).
std::string OldStyleInSessionReplies(Form form, uint32_t id);
// The same for a z-form session.
std::string OldStyleInSessionReplies(uint32_t id);

// "ClamAV 1.4.6/27999/Mon Nov 30 07:09:19 2026" style VERSION body, from
// the daemon's version text (everything before the first '/', e.g.
// "ClamAV 1.4.6", used as given) and the database's daily version and
// build time (seconds since the epoch, shown as ctime(3) shows it in local
// time, without the newline). `daily_version` 0 means no daily database:
// the body is then `version` alone.
std::string VersionBody(std::string_view version, uint32_t daily_version,
                        int64_t daily_build_time);
// The VERSIONCOMMANDS body: VersionBody + "| COMMANDS: ..." (no space
// before '|') with clamd's command list in clamd's order, minus the ones
// switched off.
std::string VersionCommandsBody(std::string_view version_body,
                                const std::vector<Command>& disabled = {});

// INSTREAM payload: 4-byte big-endian lengths, each followed by that many
// bytes, ended by a zero length. Each length is checked against what is
// left of `max_length` as soon as its header arrives (clamd's
// StreamMaxLength; a total equal to the limit is accepted).
class InstreamDecoder {
 public:
  explicit InstreamDecoder(uint64_t max_length) : remaining_(max_length) {}

  enum class State { kData, kDone, kTooLong };
  struct Step {
    State state = State::kData;
    size_t consumed = 0;       // bytes of the input used
    std::string_view payload;  // stream bytes found in them (may be empty)
  };
  // Consumes from `input` up to the next chunk boundary or the end; call
  // again with the rest. After kDone, `consumed` tells where the next
  // command (inside IDSESSION) starts. After kTooLong, reply
  // "INSTREAM size limit exceeded. ERROR" and close.
  Step Feed(std::string_view input);

  uint64_t received() const { return received_; }

 private:
  uint64_t remaining_;
  uint64_t received_ = 0;
  uint32_t chunk_left_ = 0;
  unsigned char header_[4] = {};
  size_t header_have_ = 0;
  bool done_ = false;
  bool too_long_ = false;
};

// STATS (clamdtop reads it). One line per worker thread.
struct ThreadStat {
  std::string task;      // "IDLE", "SCAN", "INSTREAM", "STATS", ...
  double seconds = 0;    // in that state
  std::string filename;  // what it scans, may be empty
};
struct PoolStats {
  unsigned live = 0, idle = 0, max = 0, idle_timeout = 0;
  size_t queue_items = 0;
  // Queue wait times when the queue is not empty.
  double min_wait = 0, max_wait = 0, avg_wait = 0;
  std::vector<ThreadStat> threads;
  // MEMSTATS figures in MiB; nullopt prints "N/A" as Debian's clamd does.
  std::optional<double> heap, mmap, used, free, releasable;
  unsigned pools = 1;
  double pools_used = 0, pools_total = 0;  // MiB
};
// The whole STATS reply: "POOLS: 1\n\nSTATE: VALID PRIMARY\n..." ending
// "END" + terminator; inside IDSESSION the body is prefixed "<id>: " once.
std::string StatsReply(Form form, uint32_t id, const PoolStats& stats);

}  // namespace vigil::protocol

#endif  // VIGIL_PROTOCOL_CLAMD_H_

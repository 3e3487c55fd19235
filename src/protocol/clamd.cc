// The clamd codec. Framing follows what clamd 1.4.6 does with its
// per-connection buffer (observed on the wire, docs/clamd-protocol.md):
//
// - A command starting with 'z' ends at the first NUL, one starting with
//   'n' at the first '\n'; anything else is "old style": the rest of what
//   the latest read left in the buffer, up to its first '\n'.
// - The command text is then a C string: it stops at the first NUL. The
//   n-form and old-style texts lose their trailing '\r's; clamd does this
//   in place, and for the n-form it resumes after the chomped text, so the
//   chomped '\r's and the '\n' stay in the buffer as NULs
//   (ParseResult::rewrite).
// - The name is found by prefix comparison over clamd's command table, in
//   clamd's order (VERSIONCOMMANDS before VERSION, DETSTATSCLEAR before
//   DETSTATS); the first prefix that matches decides, right or wrong. A
//   command with an argument skips exactly one character after its name,
//   whatever it is; one without must end right after its name.
//
// Tested by tests/unit/protocol/clamd_test.cc.
#include "protocol/clamd.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace vigil::protocol {
namespace {

struct CommandInfo {
  std::string_view name;
  Command command;
  bool takes_path;
  bool old_style;   // clamd's support_old
  bool in_session;  // accepted inside IDSESSION
};

// clamd's table order: lookup and the VERSIONCOMMANDS list both use it.
constexpr std::array<CommandInfo, 17> kCommands = {{
    {"SCAN", Command::kScan, true, true, true},
    {"QUIT", Command::kQuit, false, true, false},
    {"RELOAD", Command::kReload, false, true, false},
    {"PING", Command::kPing, false, true, true},
    {"CONTSCAN", Command::kContScan, true, true, false},
    {"VERSIONCOMMANDS", Command::kVersionCommands, false, false, true},
    {"VERSION", Command::kVersion, false, true, true},
    {"END", Command::kEnd, false, false, true},
    {"SHUTDOWN", Command::kShutdown, false, true, false},
    {"MULTISCAN", Command::kMultiScan, true, true, false},
    {"FILDES", Command::kFildes, false, true, true},
    {"STATS", Command::kStats, false, false, true},
    {"IDSESSION", Command::kIdSession, false, false, false},
    {"INSTREAM", Command::kInstream, false, false, true},
    {"DETSTATSCLEAR", Command::kDetStatsClear, false, true, false},
    {"DETSTATS", Command::kDetStats, false, true, false},
    {"ALLMATCHSCAN", Command::kAllMatchScan, true, false, false},
}};

const CommandInfo& Info(Command c) {
  for (const CommandInfo& info : kCommands) {
    if (info.command == c) return info;
  }
  return kCommands[0];  // unreachable: every Command is in the table
}

// The C string at the start of `s`.
std::string_view CString(std::string_view s) {
  return s.substr(0, std::min(s.find('\0'), s.size()));
}

std::string_view ChompCarriageReturns(std::string_view s) {
  while (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

ParseResult Unknown(Form form, size_t consumed) {
  ParseResult r;
  r.kind = ParseResult::Kind::kUnknown;
  r.form = form;
  r.consumed = consumed;
  return r;
}

// clamd's parse_command on the command text (no prefix, no terminator).
ParseResult Lookup(std::string_view text, Form form, size_t consumed,
                   bool in_session) {
  for (const CommandInfo& info : kCommands) {
    if (!text.starts_with(info.name)) continue;
    std::string_view rest = text.substr(info.name.size());
    if (info.takes_path ? rest.empty() : !rest.empty()) break;
    if (form == Form::kOld && !info.old_style) break;
    if (info.command == Command::kEnd && !in_session) break;
    ParseResult r;
    r.kind = ParseResult::Kind::kRequest;
    r.form = form;
    r.consumed = consumed;
    std::string argument;
    if (info.takes_path) argument.assign(rest.substr(1));
    r.request = Request{info.command, form, std::move(argument)};
    return r;
  }
  return Unknown(form, consumed);
}

ParseResult ParseOldStyle(std::string_view buffered, bool in_session,
                          size_t max_length) {
  std::string_view window = buffered.substr(0, max_length);
  const size_t newline = window.find('\n');
  const size_t consumed =
      newline == std::string_view::npos ? window.size() : newline + 1;
  if (in_session) {
    ParseResult r;
    r.kind = ParseResult::Kind::kOldStyleInSession;
    r.form = Form::kOld;
    r.consumed = consumed;
    return r;
  }
  const std::string_view line =
      newline == std::string_view::npos ? window : window.substr(0, newline);
  const std::string_view text = ChompCarriageReturns(CString(line));
  return Lookup(text, Form::kOld, consumed, in_session);
}

// What clamd leaves of an n-form command's line (prefix included, '\n'
// excluded) after chomping: the bytes from `consumed` on, with the
// chomped '\r's (those before the first NUL) and the '\n' turned into
// NULs.
std::string NFormRewrite(std::string_view line, size_t consumed) {
  const size_t nul = std::min(line.find('\0'), line.size());
  std::string rest(line.substr(consumed));
  for (size_t i = consumed; i < nul; ++i) rest[i - consumed] = '\0';
  rest.push_back('\0');  // the '\n'
  return rest;
}

ParseResult ParseDelimited(std::string_view buffered, bool in_session,
                           size_t max_length) {
  const Form form = buffered[0] == 'z' ? Form::kZ : Form::kN;
  const size_t end = buffered.substr(0, max_length).find(Terminator(form));
  if (end == std::string_view::npos) {
    ParseResult r;
    r.form = form;
    if (buffered.size() >= max_length) r.kind = ParseResult::Kind::kTooLong;
    return r;
  }
  std::string_view line = buffered.substr(0, end);  // prefix included
  if (form == Form::kZ) {
    return Lookup(line.substr(1), form, end + 1, in_session);
  }
  const std::string_view text = ChompCarriageReturns(CString(line.substr(1)));
  const size_t consumed = text.size() + 2;
  ParseResult r = Lookup(text, form, std::min(consumed, end + 1), in_session);
  if (consumed <= end) r.rewrite = NFormRewrite(line, consumed);
  return r;
}

void AppendReplyPrefix(std::string& out, uint32_t id) {
  if (id == 0) return;
  out += std::to_string(id);
  out += ": ";
}

// printf's "%f" (six decimals), independent of the locale.
std::string Fixed(double value, int precision = 6) {
  char buf[400];
  const auto res = std::to_chars(buf, buf + sizeof buf, value,
                                 std::chars_format::fixed, precision);
  if (res.ec != std::errc()) return "0";
  return std::string(buf, res.ptr);
}

// ctime(3) without the newline: "Mon Nov 30 07:09:19 2026", local time.
// clamd refuses times past 2^31 - 1 with "invalid timestamp", whose last
// character its newline-cutting then eats.
std::string CTime(int64_t when) {
  if (when < 0 || when > 0x7fffffff) return "invalid timestam";
  const std::time_t t = static_cast<std::time_t>(when);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) return "invalid timestam";
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                               "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                                 "May", "Jun", "Jul", "Aug",
                                                 "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3s %.3s%3d %.2d:%.2d:%.2d %d",
                kDays[tm.tm_wday % 7].data(), kMonths[tm.tm_mon % 12].data(),
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                tm.tm_year + 1900);
  return buf;
}

std::string MemFigure(const std::optional<double>& mib) {
  return mib ? Fixed(*mib, 3) + "M" : "N/A";
}

std::string QueueLine(const PoolStats& s) {
  std::string line = "QUEUE: " + std::to_string(s.queue_items) + " items";
  if (s.queue_items > 0) {
    line += " min_wait: " + Fixed(s.min_wait) +
            " max_wait: " + Fixed(s.max_wait) +
            " avg_wait: " + Fixed(s.avg_wait);
  }
  return line + "\n";
}

std::string MemStatsLine(const PoolStats& s) {
  return "MEMSTATS: heap " + MemFigure(s.heap) + " mmap " + MemFigure(s.mmap) +
         " used " + MemFigure(s.used) + " free " + MemFigure(s.free) +
         " releasable " + MemFigure(s.releasable) + " pools " +
         std::to_string(s.pools) + " pools_used " + Fixed(s.pools_used, 3) +
         "M pools_total " + Fixed(s.pools_total, 3) + "M\n";
}

}  // namespace

char Terminator(Form form) { return form == Form::kZ ? '\0' : '\n'; }

std::string_view CommandName(Command c) { return Info(c).name; }
bool TakesPath(Command c) { return Info(c).takes_path; }
bool AllowedOldStyle(Command c) { return Info(c).old_style; }
bool AllowedInSession(Command c) { return Info(c).in_session; }

ParseResult ParseCommand(std::string_view buffered, bool packet_complete,
                         bool in_session, size_t max_length) {
  if (buffered.empty() || max_length == 0) return ParseResult{};
  if (buffered[0] == 'z' || buffered[0] == 'n') {
    return ParseDelimited(buffered, in_session, max_length);
  }
  if (!packet_complete) return ParseResult{};
  return ParseOldStyle(buffered, in_session, max_length);
}

void ConsumeCommand(std::string& buffer, const ParseResult& r) {
  buffer.erase(0, std::min(r.consumed, buffer.size()));
  const size_t n = std::min(r.rewrite.size(), buffer.size());
  buffer.replace(0, n, r.rewrite, 0, n);
}

std::string Reply(Form form, uint32_t id, std::string_view body) {
  std::string out;
  out.reserve(body.size() + 16);
  AppendReplyPrefix(out, id);
  out += body;
  out += Terminator(form);
  return out;
}

std::string ReplyOk(Form form, uint32_t id, std::string_view path) {
  return Reply(form, id, std::string(path) + ": OK");
}

std::string ReplyFound(Form form, uint32_t id, std::string_view path,
                       std::string_view name) {
  return Reply(form, id,
               std::string(path) + ": " + std::string(name) + " FOUND");
}

std::string ReplyError(Form form, uint32_t id, std::string_view path,
                       std::string_view message) {
  std::string body;
  if (!path.empty()) body = std::string(path) + ": ";
  body += message;
  body += " ERROR";
  return Reply(form, id, body);
}

std::string OldStyleInSessionReplies(Form form, uint32_t id) {
  return ReplyError(form, id, "",
                    "Only nCMDS\\n and zCMDS\\0 are accepted inside "
                    "IDSESSION.") +
         ReplyError(form, id, "", kErrorProcessing);
}

std::string OldStyleInSessionReplies(uint32_t id) {
  return OldStyleInSessionReplies(Form::kZ, id);
}

std::string VersionBody(std::string_view version, uint32_t daily_version,
                        int64_t daily_build_time) {
  std::string body(version);
  if (daily_version == 0) return body;
  body += "/" + std::to_string(daily_version) + "/" + CTime(daily_build_time);
  return body;
}

std::string VersionCommandsBody(std::string_view version_body,
                                const std::vector<Command>& disabled) {
  std::string body(version_body);
  body += "| COMMANDS:";
  for (const CommandInfo& info : kCommands) {
    if (std::find(disabled.begin(), disabled.end(), info.command) !=
        disabled.end()) {
      continue;
    }
    body += ' ';
    body += info.name;
  }
  return body;
}

InstreamDecoder::Step InstreamDecoder::Feed(std::string_view input) {
  Step step;
  if (done_ || too_long_) {
    step.state = done_ ? State::kDone : State::kTooLong;
    return step;
  }
  size_t pos = 0;
  if (chunk_left_ == 0) {
    while (header_have_ < 4 && pos < input.size()) {
      header_[header_have_++] = static_cast<unsigned char>(input[pos++]);
    }
    step.consumed = pos;
    if (header_have_ < 4) return step;
    header_have_ = 0;
    const uint32_t length = (uint32_t{header_[0]} << 24) |
                            (uint32_t{header_[1]} << 16) |
                            (uint32_t{header_[2]} << 8) | header_[3];
    if (length == 0) {
      done_ = true;
      step.state = State::kDone;
      return step;
    }
    if (length > remaining_) {
      too_long_ = true;
      step.state = State::kTooLong;
      return step;
    }
    remaining_ -= length;
    chunk_left_ = length;
  }
  const size_t take = std::min<size_t>(chunk_left_, input.size() - pos);
  step.payload = input.substr(pos, take);
  chunk_left_ -= static_cast<uint32_t>(take);
  received_ += take;
  step.consumed = pos + take;
  return step;
}

std::string StatsReply(Form form, uint32_t id, const PoolStats& stats) {
  std::string out;
  AppendReplyPrefix(out, id);
  out += "POOLS: 1\n\nSTATE: VALID PRIMARY\n";
  out += "THREADS: live " + std::to_string(stats.live) + "  idle " +
         std::to_string(stats.idle) + " max " + std::to_string(stats.max) +
         " idle-timeout " + std::to_string(stats.idle_timeout) + "\n";
  out += QueueLine(stats);
  for (const ThreadStat& t : stats.threads) {
    out += "\t" + t.task + " " + Fixed(t.seconds) + " " + t.filename + "\n";
  }
  out += "\n";
  out += MemStatsLine(stats);
  out += "END";
  out += Terminator(form);
  return out;
}

}  // namespace vigil::protocol

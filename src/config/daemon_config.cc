// Reading a clamd.conf the way clamd 1.4.6 does.
//
// Each line is split as clamd's option parser splits it (see the header),
// the key looked up in the table of clamd_keys.cc, the value checked by its
// type (config_value.cc) and, for the keys vigild honours, stored in the
// Config. clamd keeps the first value of a key given twice, so the first
// line of a key wins and later ones only get their syntax checked.
//
// A few options only make sense once the whole file is read, and clamd
// settles them after parsing too: the old spellings BlockMax and
// ArchiveBlockEncrypted add to AlertExceedsMax / AlertEncrypted whatever
// their order; MaxQueue is raised to twice MaxThreads; MaxRecursion 0 means
// the default; LogFacility is checked only when LogSyslog is on; and a file
// without LocalSocket or TCPSocket is refused. Finish() does these.
//
// Each of these behaviours was checked against clamd 1.4.6 and clamconf;
// docs/vigild-config.md lists them.
#include "config/daemon_config.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include "config/clamd_keys.h"
#include "config/config_value.h"

namespace vigil::config {
namespace {

constexpr uint32_t kDefaultMaxRecursion = Limits{}.max_recursion;
constexpr size_t kMaxFileBytes = 16u << 20;

struct Facility {
  std::string_view name;
  int code;
};
// clamd's facilitymap (common/output.c), which LogFacility is read with.
constexpr Facility kSyslogFacilities[] = {
    {"LOG_AUTH", LOG_AUTH},     {"LOG_AUTHPRIV", LOG_AUTHPRIV},
    {"LOG_CRON", LOG_CRON},     {"LOG_DAEMON", LOG_DAEMON},
    {"LOG_FTP", LOG_FTP},       {"LOG_KERN", LOG_KERN},
    {"LOG_LPR", LOG_LPR},       {"LOG_MAIL", LOG_MAIL},
    {"LOG_NEWS", LOG_NEWS},     {"LOG_SYSLOG", LOG_SYSLOG},
    {"LOG_USER", LOG_USER},     {"LOG_UUCP", LOG_UUCP},
    {"LOG_LOCAL0", LOG_LOCAL0}, {"LOG_LOCAL1", LOG_LOCAL1},
    {"LOG_LOCAL2", LOG_LOCAL2}, {"LOG_LOCAL3", LOG_LOCAL3},
    {"LOG_LOCAL4", LOG_LOCAL4}, {"LOG_LOCAL5", LOG_LOCAL5},
    {"LOG_LOCAL6", LOG_LOCAL6}, {"LOG_LOCAL7", LOG_LOCAL7},
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimLeft(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsBlank(s[i])) ++i;
  return s.substr(i);
}

std::string_view TrimRight(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && IsBlank(s[n - 1])) --n;
  return s.substr(0, n);
}

std::string Quoted(std::string_view s) { return QuoteForMessage(s); }

// A key spelled with other capitals ("maxthreads"), for the hint.
const KeySpec* FindKeyIgnoringCase(std::string_view name) {
  for (const KeySpec& k : ClamdKeys()) {
    if (k.name.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(k.name[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return &k;
  }
  return nullptr;
}

std::string NoEffectText(const KeySpec& key) {
  std::string t = "option '" + std::string(key.name) + "'";
  if (!key.replaced_by.empty()) {
    t += " (the old name of " + std::string(key.replaced_by) + ")";
  }
  t += " is accepted but has no effect in vigild";
  if (key.effect == Effect::kHonouredIfYes ||
      key.effect == Effect::kHonouredIfNo) {
    t += " (vigild always behaves as with '" + std::string(key.name) +
         (key.effect == Effect::kHonouredIfYes ? " yes')" : " no')");
  }
  return t;
}

class Parser {
 public:
  explicit Parser(std::string_view file) : file_(file) {}

  void Line(uint32_t n, std::string_view line);
  void Finish();
  Settings& settings() { return settings_; }
  std::vector<ConfigMessage>& messages() { return messages_; }

 private:
  void Warn(uint32_t line, std::string text) {
    messages_.push_back({file_, line, std::move(text), false});
  }
  void Error(uint32_t line, std::string text) {
    messages_.push_back({file_, line, std::move(text), true});
  }
  // The raw value after the key, quotes handled; nullopt after an error.
  std::optional<std::string_view> ValueText(uint32_t n, const KeySpec& key,
                                            std::string_view rest);
  void Known(uint32_t n, const KeySpec& key, std::string_view rest);
  void Unknown(uint32_t n, std::string_view key);
  void ReportEffect(uint32_t n, const KeySpec& key, const Value& v);
  uint32_t LineOf(std::string_view key) const {
    auto it = first_line_.find(key);
    return it == first_line_.end() ? 0 : it->second;
  }
  void FinishHeuristics();
  void FinishThreads();
  void FinishLogging();

  std::string file_;
  Settings settings_;
  std::vector<ConfigMessage> messages_;
  std::map<std::string_view, uint32_t> first_line_;
};

void Parser::Line(uint32_t n, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\0') != std::string_view::npos) {
    Error(n, "NUL byte in line");
    return;
  }
  line = TrimLeft(line);
  if (line.empty() || line[0] == '#') return;
  size_t key_end = 0;
  while (key_end < line.size() && !IsBlank(line[key_end])) ++key_end;
  const std::string_view key = line.substr(0, key_end);
  if (key.substr(0, 7) == "Example") {
    Error(n,
          "the 'Example' line of clamd's sample file: delete it or comment "
          "it out (clamd refuses to run too)");
    return;
  }
  const KeySpec* spec = FindKey(key);
  if (spec == nullptr) {
    Unknown(n, key);
    return;
  }
  Known(n, *spec, TrimRight(TrimLeft(line.substr(key_end))));
}

void Parser::Unknown(uint32_t n, std::string_view key) {
  std::string text = "unknown option " + Quoted(key);
  if (const KeySpec* near = FindKeyIgnoringCase(key)) {
    text += " (keys are case-sensitive: " + std::string(near->name) + "?)";
  }
  Warn(n, text + ", ignored");
}

std::optional<std::string_view> Parser::ValueText(uint32_t n,
                                                  const KeySpec& key,
                                                  std::string_view rest) {
  const std::string name(key.name);
  if (rest.empty()) {
    Error(n, "missing value for " + name);
    return std::nullopt;
  }
  if (rest[0] != '"') return rest;
  const size_t close = rest.find('"', 1);
  if (close == std::string_view::npos) {
    Error(n, "missing closing '\"' in the value of " + name);
    return std::nullopt;
  }
  const std::string_view inner = rest.substr(1, close - 1);
  if (inner.empty()) {
    Error(n, "empty value for " + name);
    return std::nullopt;
  }
  if (!TrimLeft(rest.substr(close + 1)).empty()) {
    Warn(n, "text after the closing '\"' of " + name +
                " is ignored, as clamd does");
  }
  return inner;
}

void Parser::Known(uint32_t n, const KeySpec& key, std::string_view rest) {
  std::optional<std::string_view> text = ValueText(n, key, rest);
  if (!text) return;
  CheckedValue checked = CheckValue(key, *text);
  if (!checked.error.empty()) {
    Error(n, std::move(checked.error));
    return;
  }
  if (!checked.warning.empty()) Warn(n, std::move(checked.warning));
  if (key.effect == Effect::kDeprecated) {
    Warn(n, "ignoring deprecated option '" + std::string(key.name) +
                "', as clamd does");
    return;
  }
  const auto [it, first] = first_line_.emplace(key.name, n);
  if (!first && !key.repeatable) {
    Warn(n, "option '" + std::string(key.name) +
                "' given again (first at line " + std::to_string(it->second) +
                "): the first value is kept, as clamd does");
    return;
  }
  ReportEffect(n, key, checked.value);
  if (key.apply != nullptr && !checked.drop)
    key.apply(settings_, checked.value);
}

void Parser::ReportEffect(uint32_t n, const KeySpec& key, const Value& v) {
  switch (key.effect) {
    case Effect::kHonoured:
      if (!key.replaced_by.empty() && v.boolean) {
        Warn(n, "option '" + std::string(key.name) +
                    "' is deprecated: read as '" +
                    std::string(key.replaced_by) + " yes', as clamd does");
      }
      return;
    case Effect::kHonouredIfYes:
      if (!v.boolean) Warn(n, NoEffectText(key));
      return;
    case Effect::kHonouredIfNo:
      if (v.boolean) Warn(n, NoEffectText(key));
      return;
    case Effect::kNoEffect:
      Warn(n, NoEffectText(key));
      return;
    case Effect::kInert:
    case Effect::kDeprecated:
      return;
  }
}

void Parser::Finish() {
  FinishHeuristics();
  FinishThreads();
  FinishLogging();
  const Config& c = settings_.config;
  if (c.local_socket.empty() && !c.tcp_socket) {
    Error(0,
          "no socket configured: set LocalSocket and/or TCPSocket (clamd: "
          "\"Please define server type\")");
  }
  // Line order; messages about the whole file last.
  std::stable_sort(messages_.begin(), messages_.end(),
                   [](const ConfigMessage& a, const ConfigMessage& b) {
                     auto key = [](uint32_t l) {
                       return l == 0 ? std::numeric_limits<uint32_t>::max() : l;
                     };
                     return key(a.line) < key(b.line);
                   });
}

void Parser::FinishHeuristics() {
  const Pending& p = settings_.pending;
  ScanOptions& scan = settings_.config.scan;
  scan.alert_exceeds_max = p.alert_exceeds_max || p.block_max;
  const bool all = p.alert_encrypted || p.archive_block_encrypted;
  scan.alert_encrypted_archive = all || p.alert_encrypted_archive;
  scan.alert_encrypted_doc = all || p.alert_encrypted_doc;
  Limits& limits = scan.limits;
  if (limits.max_recursion == 0) {
    limits.max_recursion = kDefaultMaxRecursion;
    Warn(LineOf("MaxRecursion"), "MaxRecursion 0 is not allowed: using " +
                                     std::to_string(kDefaultMaxRecursion) +
                                     ", as clamd does");
  }
}

void Parser::FinishThreads() {
  Config& c = settings_.config;
  if (c.max_threads == 0) {
    Error(LineOf("MaxThreads"),
          "MaxThreads 0: at least one thread is needed (clamd fails to "
          "start too)");
    return;
  }
  const uint32_t least = 2 * c.max_threads;  // MaxThreads < 2^31
  if (c.max_queue < least) {
    const uint32_t line =
        LineOf("MaxQueue") ? LineOf("MaxQueue") : LineOf("MaxThreads");
    Warn(line, "MaxQueue " + std::to_string(c.max_queue) +
                   " is lower than twice MaxThreads (" +
                   std::to_string(c.max_threads) + "): using " +
                   std::to_string(least) + ", as clamd does");
    c.max_queue = least;
  }
}

void Parser::FinishLogging() {
  const Config& c = settings_.config;
  if (!c.log_syslog || SyslogFacilityCode(c.log_facility)) return;
  Error(LineOf("LogFacility"),
        "LogFacility " + Quoted(c.log_facility) +
            " is not a syslog facility (LOG_MAIL, LOG_DAEMON, LOG_LOCAL0 to "
            "LOG_LOCAL7, ...; upper case)");
}

}  // namespace

std::optional<int> SyslogFacilityCode(std::string_view name) {
  for (const Facility& f : kSyslogFacilities) {
    if (f.name == name) return f.code;
  }
  return std::nullopt;
}

std::string FormatConfigMessage(const ConfigMessage& m) {
  std::string out = m.file;
  if (m.line != 0) {
    out += ':';
    out += std::to_string(m.line);
  }
  out += m.error ? ": error: " : ": warning: ";
  out += m.text;
  return out;
}

Result<Config> ParseConfig(std::string_view text, std::string_view file_name,
                           std::vector<ConfigMessage>* messages) {
  Parser parser(file_name);
  uint32_t n = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    if (n < std::numeric_limits<uint32_t>::max()) ++n;
    parser.Line(n, text.substr(pos, end - pos));
    pos = end + 1;
  }
  parser.Finish();
  std::vector<ConfigMessage>& found = parser.messages();
  const auto first_error =
      std::find_if(found.begin(), found.end(),
                   [](const ConfigMessage& m) { return m.error; });
  const size_t errors = static_cast<size_t>(
      std::count_if(found.begin(), found.end(),
                    [](const ConfigMessage& m) { return m.error; }));
  Status status;
  if (first_error != found.end()) {
    std::string why = FormatConfigMessage(*first_error);
    if (errors > 1) why += " (and " + std::to_string(errors - 1) + " more)";
    status = Status::InvalidArgument(std::move(why));
  }
  if (messages != nullptr) {
    messages->insert(messages->end(), found.begin(), found.end());
  }
  if (!status.ok()) return status;
  return std::move(parser.settings().config);
}

Result<Config> LoadConfig(const std::string& path,
                          std::vector<ConfigMessage>* messages) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string why = "cannot open " + path + ": " + std::strerror(err);
    if (err == ENOENT) return Status::NotFound(std::move(why));
    if (err == EACCES) return Status::PermissionDenied(std::move(why));
    return Status::IoError(std::move(why));
  }
  std::string text;
  char buf[65536];
  ssize_t got = 0;
  while ((got = read(fd, buf, sizeof(buf))) != 0) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 || text.size() + static_cast<size_t>(got) > kMaxFileBytes) {
      const std::string why =
          got < 0 ? std::strerror(errno) : "larger than 16 MiB";
      close(fd);
      return Status::IoError("cannot read " + path + ": " + why);
    }
    text.append(buf, static_cast<size_t>(got));
  }
  close(fd);
  return ParseConfig(text, path, messages);
}

}  // namespace vigil::config

#include "cli/reporter.h"

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "vigil/version.h"

namespace vigil::cli {

namespace {

// Keys in insertion order, so that every event starts with "v" and "event".
using Json = nlohmann::ordered_json;

// docs/json-events.md: bump on any incompatible change of the events.
constexpr int kJsonSchemaVersion = 1;
// clamscan counts data in blocks of CL_COUNT_PRECISION bytes.
constexpr uint64_t kBlock = 4096;

std::string FormatDate(std::time_t t) {
  char buf[32];
  std::tm tm{};
  localtime_r(&t, &tm);
  std::strftime(buf, sizeof(buf), "%Y:%m:%d %H:%M:%S", &tm);
  return buf;
}

std::string IsoTime(std::time_t t) {
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json Base(const char* event) {
  return Json{{"v", kJsonSchemaVersion}, {"event", event}};
}

std::string Engine() { return std::string("vigil ") + kVersionString; }

// clamscan prints cl_strerror() of the failed scan.
std::string ScanErrorText(const Status& s) {
  switch (s.code()) {
    case StatusCode::kIoError:
      return "Can't read file";
    case StatusCode::kPermissionDenied:
      return "Can't open file or directory";
    default:
      return s.message();
  }
}

const char* SkipReason(FileEvent::Kind k) {
  switch (k) {
    case FileEvent::Kind::kEmpty:
      return "empty";
    case FileEvent::Kind::kExcluded:
      return "excluded";
    case FileEvent::Kind::kExcludedProc:
      return "proc";
    case FileEvent::Kind::kSymlink:
      return "symlink";
    default:
      return "";
  }
}

const char* ErrorReason(FileEvent::Kind k) {
  switch (k) {
    case FileEvent::Kind::kMissing:
      return "not_accessible";
    case FileEvent::Kind::kNotSupported:
      return "unsupported_type";
    case FileEvent::Kind::kDirUnreadable:
      return "unreadable_directory";
    case FileEvent::Kind::kAccessDenied:
      return "access_denied";
    case FileEvent::Kind::kOpenFailed:
      return "open_failed";
    default:
      return "scan_failed";
  }
}

Json Detections(const ScanReport& r) {
  Json dets = Json::array();
  for (const Detection& d : r.detections) {
    dets.push_back({{"name", d.name}, {"kind", d.kind}, {"layers", d.layers}});
  }
  return dets;
}

void AddScanFields(const ScanReport& r, Json* j) {
  Json limits = Json::array();
  for (const LimitHit& h : r.limits_hit) {
    limits.push_back({{"limit", LimitName(h.kind)}, {"layers", h.layers}});
  }
  (*j)["fully_scanned"] = r.fully_scanned();
  (*j)["limits"] = limits;
  (*j)["notes"] = r.notes;
  (*j)["size"] = r.bytes_read;
  (*j)["bytes_scanned"] = r.bytes_scanned;
  (*j)["objects"] = r.objects_scanned;
  (*j)["seconds"] = r.seconds;
}

}  // namespace

Reporter::Reporter(const ScanCommandOptions& options) : o_(options) {}

Reporter::~Reporter() {
  if (log_) std::fclose(log_);
}

bool Reporter::OpenLog(std::string* error) {
  if (o_.log_file.empty()) return true;
  log_ = std::fopen(o_.log_file.c_str(), "a");
  if (!log_) {
    *error = std::strerror(errno);
    return false;
  }
  return true;
}

void Reporter::Start() {
  t0_ = std::chrono::steady_clock::now();
  start_time_ = std::time(nullptr);
  if (log_ && !o_.json) {
    std::fprintf(log_, "\n%s\n\n", std::string(79, '-').c_str());
    std::fflush(log_);
  }
}

void Reporter::DatabaseLoaded(uint64_t known_viruses) {
  known_viruses_ = known_viruses;
  if (!o_.json) return;
  Json j = Base("start");
  j["engine"] = Engine();
  j["time"] = IsoTime(start_time_);
  j["known_signatures"] = known_viruses_;
  JsonLine(j.dump());
}

void Reporter::Log(const std::string& text) {
  if (!log_) return;
  std::fputs(text.c_str(), log_);
  std::fputc('\n', log_);
}

void Reporter::Result(const std::string& text, bool log) {
  if (log) Log(text);
  if (o_.quiet) return;
  if (before_line_) before_line_();
  std::fputs(text.c_str(), stdout);
  std::fputc('\n', stdout);
}

void Reporter::JsonLine(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  std::fputc('\n', stdout);
  Log(text);
}

void Reporter::Message(const std::string& text) {
  if (before_line_) before_line_();
  std::FILE* out = o_.to_stdout ? stdout : stderr;
  std::fputs(text.c_str(), out);
  std::fputc('\n', out);
}

void Reporter::Warning(const std::string& text) {
  if (o_.json) {
    Json j = Base("warning");
    j["message"] = text;
    JsonLine(j.dump());
    return;
  }
  Log("WARNING: " + text);
  if (!o_.quiet) Message("WARNING: " + text);
}

void Reporter::Error(const std::string& text,
                     const std::vector<std::string>& details) {
  if (o_.json) {
    Json j = Base("error");
    j["message"] = text;
    if (!details.empty()) j["diagnostics"] = details;
    JsonLine(j.dump());
    return;
  }
  Log("ERROR: " + text);
  Message("ERROR: " + text);
}

void Reporter::Count(const FileEvent& e) {
  using K = FileEvent::Kind;
  switch (e.kind) {
    case K::kScanned:
      totals_.blocks_read += e.size / kBlock;
      totals_.bytes_read += e.size;
      if (e.report.error) {
        totals_.errors++;
        totals_.any_error = true;
        break;
      }
      totals_.files++;
      if (e.report.infected()) totals_.infected++;
      totals_.blocks_scanned += e.report.bytes_scanned / kBlock;
      totals_.bytes_scanned += e.report.bytes_scanned;
      break;
    case K::kAccessDenied:
    case K::kOpenFailed:
      totals_.blocks_read += e.size / kBlock;
      totals_.bytes_read += e.size;
      totals_.errors++;
      totals_.any_error = true;
      break;
    case K::kDirUnreadable:
      totals_.errors++;
      totals_.any_error = true;
      break;
    case K::kMissing:
    case K::kNotSupported:
      totals_.any_error = true;
      break;
    default:
      break;
  }
}

void Reporter::Emit(const FileEvent& e) {
  ++files_done_;
  Count(e);
  if (o_.json) {
    if (JsonWanted(e)) EmitJson(e);
    return;
  }
  EmitText(e);
}

void Reporter::EmitText(const FileEvent& e) {
  using K = FileEvent::Kind;
  const bool quiet_results = o_.infected_only;  // -i: only FOUND lines
  switch (e.kind) {
    case K::kScanned:
      EmitScanned(e);
      break;
    case K::kEmpty:
      if (!quiet_results) Result(e.display + ": Empty file", true);
      break;
    case K::kExcluded:
      if (!quiet_results) Result(e.display + ": Excluded", true);
      break;
    case K::kExcludedProc:
      if (!quiet_results) Result(e.display + ": Excluded (/proc)", true);
      break;
    case K::kSymlink:
      if (!quiet_results) Result(e.display + ": Symbolic link", true);
      break;
    case K::kDirUnreadable:
      if (!quiet_results) Result(e.display + ": Can't open directory.", true);
      break;
    case K::kAccessDenied:
      if (!quiet_results) Result(e.display + ": Access denied", true);
      break;
    case K::kMissing:
      // clamscan's perror(): stderr, whatever --quiet and --stdout say.
      if (before_line_) before_line_();
      std::fprintf(stderr, "%s: %s\n", e.display.c_str(),
                   std::strerror(e.error_number));
      Warning(e.display + ": Can't access file");
      break;
    case K::kNotSupported:
      Warning(e.display + ": Not supported file type");
      break;
    case K::kOpenFailed:
      Warning("Can't open file " + e.display + ": " +
              std::strerror(e.error_number));
      break;
  }
}

void Reporter::EmitScanned(const FileEvent& e) {
  const ScanReport& r = e.report;
  if (r.error) {
    if (!o_.infected_only)
      Result(e.display + ": " + ScanErrorText(*r.error) + " ERROR", true);
    return;
  }
  if (r.infected()) {
    for (const Detection& d : r.detections) {
      Result(e.display + ": " + d.name + " FOUND", true);
      if (!o_.scan.all_match) break;
    }
    return;
  }
  // clamscan never logs OK lines.
  if (!o_.infected_only && !o_.suppress_ok) Result(e.display + ": OK", false);
}

bool Reporter::JsonWanted(const FileEvent& e) const {
  const bool infected =
      e.kind == FileEvent::Kind::kScanned && e.report.infected();
  if (o_.infected_only) return infected;
  const bool clean = e.kind == FileEvent::Kind::kScanned && !e.report.error &&
                     !infected && e.report.fully_scanned();
  return !(o_.suppress_ok && clean);
}

void Reporter::EmitJson(const FileEvent& e) {
  using K = FileEvent::Kind;
  Json j = Base(e.directory ? "directory" : "file");
  j["path"] = e.display;
  const ScanReport& r = e.report;
  switch (e.kind) {
    case K::kScanned:
      if (r.error) {
        j["result"] = "error";
        j["reason"] = ErrorReason(e.kind);
        j["error"] = r.error->message();
      } else {
        j["result"] = r.infected()
                          ? "infected"
                          : (r.fully_scanned() ? "clean" : "not_fully_scanned");
      }
      j["detections"] = Detections(r);
      AddScanFields(r, &j);
      break;
    case K::kEmpty:
    case K::kExcluded:
    case K::kExcludedProc:
    case K::kSymlink:
      j["result"] = "skipped";
      j["reason"] = SkipReason(e.kind);
      if (!e.directory) j["detections"] = Json::array();
      break;
    default:
      j["result"] = "error";
      j["reason"] = ErrorReason(e.kind);
      j["error"] = e.kind == K::kNotSupported
                       ? std::string("Not supported file type")
                   : e.kind == K::kAccessDenied
                       ? std::string("Access denied")
                       : std::string(std::strerror(e.error_number));
      if (!e.directory) j["detections"] = Json::array();
      break;
  }
  JsonLine(j.dump());
}

int Reporter::ExitCode() const {
  if (totals_.infected > 0) return 1;
  return totals_.any_error ? 2 : 0;
}

std::string Reporter::SummaryText(double secs, std::time_t end_time) const {
  constexpr double kMiB = 1024.0 * 1024.0;
  const double mb_scanned =
      static_cast<double>(totals_.blocks_scanned * kBlock) / kMiB;
  const double mb_read =
      static_cast<double>(totals_.blocks_read * kBlock) / kMiB;
  const double ratio = totals_.blocks_read
                           ? static_cast<double>(totals_.blocks_scanned) /
                                 static_cast<double>(totals_.blocks_read)
                           : 0.0;
  // clamscan truncates to milliseconds: "%u.%3.3u sec (%u m %u s)".
  const auto ms = static_cast<unsigned long>(secs * 1000.0);
  const unsigned long whole = ms / 1000;
  char buf[512];
  std::string s = "\n----------- SCAN SUMMARY -----------\n";
  // Through a daemon the signature count, the engine and the bytes the
  // engine scanned are the daemon's, which the protocol does not tell:
  // those lines are left out (clamdscan prints none of them).
  if (!o_.daemon) {
    std::snprintf(buf, sizeof(buf), "Known viruses: %llu\nEngine version: %s\n",
                  static_cast<unsigned long long>(known_viruses_),
                  kVersionString);
    s += buf;
  }
  std::snprintf(buf, sizeof(buf),
                "Scanned directories: %llu\n"
                "Scanned files: %llu\n"
                "Infected files: %llu\n",
                static_cast<unsigned long long>(totals_.directories),
                static_cast<unsigned long long>(totals_.files),
                static_cast<unsigned long long>(totals_.infected));
  s += buf;
  if (totals_.errors) {
    s += "Total errors: " + std::to_string(totals_.errors) + "\n";
  }
  if (!o_.daemon) {
    std::snprintf(buf, sizeof(buf),
                  "Data scanned: %2.2lf MB\n"
                  "Data read: %2.2lf MB (ratio %.2f:1)\n",
                  mb_scanned, mb_read, ratio);
    s += buf;
  }
  std::snprintf(buf, sizeof(buf), "Time: %lu.%3.3lu sec (%lu m %lu s)\n", whole,
                ms % 1000, whole / 60, whole % 60);
  s += buf;
  s += "Start Date: " + FormatDate(start_time_) + "\n";
  s += "End Date:   " + FormatDate(end_time) + "\n";
  return s;
}

void Reporter::Finish(uint64_t directories) {
  totals_.directories = directories;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_)
          .count();
  const std::time_t end_time = std::time(nullptr);
  if (o_.json) {
    Json j = Base("summary");
    j["engine"] = Engine();
    j["known_signatures"] = known_viruses_;
    j["directories"] = totals_.directories;
    j["files"] = totals_.files;
    j["infected"] = totals_.infected;
    j["errors"] = totals_.errors;
    j["bytes_read"] = totals_.bytes_read;
    j["bytes_scanned"] = totals_.bytes_scanned;
    j["seconds"] = secs;
    j["start"] = IsoTime(start_time_);
    j["end"] = IsoTime(end_time);
    j["exit_code"] = ExitCode();
    JsonLine(j.dump());
    std::fflush(stdout);
    return;
  }
  if (o_.no_summary) return;
  const std::string s = SummaryText(secs, end_time);
  if (!o_.quiet) std::fputs(s.c_str(), stdout);
  if (log_) std::fputs(s.c_str(), log_);
  std::fflush(stdout);
}

void OrderedSink::WaitForRoom(uint64_t seq) {
  std::unique_lock<std::mutex> lock(mu_);
  room_.wait(lock, [&] { return seq < next_ + window_; });
}

void OrderedSink::Submit(uint64_t seq, FileEvent event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (seq != next_) {
    pending_.emplace(seq, std::move(event));
    return;
  }
  reporter_->Emit(event);
  ++next_;
  for (auto it = pending_.begin(); it != pending_.end() && it->first == next_;
       it = pending_.erase(it)) {
    reporter_->Emit(it->second);
    ++next_;
  }
  std::fflush(stdout);
  room_.notify_all();
}

}  // namespace vigil::cli

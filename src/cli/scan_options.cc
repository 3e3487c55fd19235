#include "cli/scan_options.h"

#include <CLI/CLI.hpp>
#include <charconv>

namespace vigil::cli {

std::unique_ptr<PathRegex> PathRegex::Compile(const std::string& pattern,
                                              std::string* error) {
  std::unique_ptr<PathRegex> r(new PathRegex());
  int rc = regcomp(&r->re_, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char buf[256];
    regerror(rc, &r->re_, buf, sizeof(buf));
    *error = "bad regular expression '" + pattern + "' (" + buf +
             "): it never matches";
    return r;
  }
  r->valid_ = true;
  return r;
}

PathRegex::~PathRegex() {
  if (valid_) regfree(&re_);
}

bool PathRegex::Search(const std::string& path) const {
  return valid_ && regexec(&re_, path.c_str(), 0, nullptr, 0) == 0;
}

bool ParseSize(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t mult = 1;
  std::string digits = s;
  const char last = s.back();
  if (last == 'K' || last == 'k') mult = 1024;
  if (last == 'M' || last == 'm') mult = 1024 * 1024;
  if (last == 'G' || last == 'g') mult = 1024ull * 1024 * 1024;
  if (mult != 1) digits.pop_back();
  uint64_t v = 0;
  auto [p, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size()) return false;
  if (v > ~0ull / mult) return false;
  *out = v * mult;
  return true;
}

namespace {

// clamscan's yes/no values (also accepted: true/false, 1/0, on/off).
bool ParseBool(const std::string& s, bool* out) {
  if (s.empty()) return true;  // not given: keep the default
  if (s == "yes" || s == "true" || s == "1" || s == "on") {
    *out = true;
    return true;
  }
  if (s == "no" || s == "false" || s == "0" || s == "off") {
    *out = false;
    return true;
  }
  return false;
}

bool ParseCount(const std::string& s, uint64_t* out) {
  if (s.empty()) return true;
  return ParseSize(s, out);
}

}  // namespace

void AddScanOptions(CLI::App* app, ScanCommandOptions* o, RawScanOptions* raw) {
  app->add_option("paths", o->paths,
                  "Files and directories to scan ('-' for stdin)");
  app->add_flag("--daemon", o->daemon,
                "Scan through a running vigild (or clamd) instead of locally");
  app->add_option("--config", o->daemon_config,
                  "clamd.conf naming the daemon's socket (with --daemon)");
  app->add_option("-d,--database", o->databases,
                  "Load signatures from FILE, or every database file in DIR "
                  "(repeatable)")
      ->allow_extra_args(false);
  app->add_flag("-r,--recursive{yes}", raw->recursive,
                "Scan subdirectories recursively");
  app->add_flag("-i,--infected", o->infected_only, "Only print infected files");
  app->add_flag("-o,--suppress-ok-results", o->suppress_ok,
                "Skip printing OK files");
  app->add_flag("--no-summary", o->no_summary,
                "Disable the summary at the end");
  app->add_flag("--quiet", o->quiet, "Only output error messages");
  app->add_flag("--stdout", o->to_stdout,
                "Write messages to stdout instead of stderr");
  app->add_flag("-z,--allmatch{yes}", raw->allmatch,
                "Continue scanning after a match");
  app->add_option("--exclude", raw->exclude,
                  "Skip files whose path matches REGEX")
      ->allow_extra_args(false);
  app->add_option("--exclude-dir", raw->exclude_dir,
                  "Skip directories matching REGEX")
      ->allow_extra_args(false);
  app->add_option("--include", raw->include, "Only scan files matching REGEX")
      ->allow_extra_args(false);
  app->add_option("--include-dir", raw->include_dir,
                  "Only enter directories matching REGEX")
      ->allow_extra_args(false);
  app->add_option("--max-filesize", raw->max_filesize,
                  "Largest file to scan (K/M suffixes)");
  app->add_option("--max-scansize", raw->max_scansize,
                  "Most data to scan per file");
  app->add_option("--max-files", raw->max_files,
                  "Most files to extract per file");
  app->add_option("--max-recursion", raw->max_recursion,
                  "Deepest container nesting");
  app->add_option("--max-scantime", raw->max_scantime,
                  "Time budget per file, in ms");
  app->add_option("--max-compression-ratio", raw->max_compression_ratio,
                  "Largest member/container size ratio (0: none)");
  app->add_option("--max-dir-recursion", raw->max_dir_recursion,
                  "Deepest directory recursion");
  app->add_option("--pcre-match-limit", raw->pcre_match_limit,
                  "PCRE match limit");
  app->add_option("--pcre-recmatch-limit", raw->pcre_recmatch_limit,
                  "PCRE recursion limit");
  app->add_option("--pcre-max-filesize", raw->pcre_max_filesize,
                  "Largest file PCRE runs on");
  app->add_flag("--cross-fs{yes}", raw->cross_fs,
                "Scan files on other file systems");
  app->add_option("--follow-dir-symlinks", raw->follow_dir_symlinks,
                  "0: never, 1: command line only (default), 2: always");
  app->add_option("--follow-file-symlinks", raw->follow_file_symlinks,
                  "0: never, 1: command line only (default), 2: always");
  app->add_option("-f,--file-list", o->file_list,
                  "Scan the paths listed in FILE");
  app->add_option("-l,--log", o->log_file, "Append the scan report to FILE");
  app->add_flag("--alert-exceeds-max{yes}", raw->alert_exceeds_max,
                "Report files a limit stopped as Heuristics.Limits.Exceeded.*");
  app->add_flag("--alert-encrypted{yes}", raw->alert_encrypted,
                "Report encrypted archives and documents as "
                "Heuristics.Encrypted.*");
  app->add_flag("--alert-encrypted-archive{yes}", raw->alert_encrypted_archive,
                "Report encrypted archive members as Heuristics.Encrypted.*");
  app->add_flag("--alert-encrypted-doc{yes}", raw->alert_encrypted_doc,
                "Report encrypted documents as Heuristics.Encrypted.*");
  app->add_flag("--scan-archive{yes}", raw->scan_archive,
                "Open archives (default yes)");
  app->add_flag("--official-db-only{yes}", raw->official_db_only,
                "Load only signatures from signed containers");
  // vigil's own.
  app->add_option("-j,--threads", o->threads,
                  "Scanning threads (default: every core)");
  app->add_flag("--json", o->json,
                "Print one JSON event per line (docs/json-events.md)");
  app->add_flag("!--no-progress", o->progress,
                "No progress line on a terminal");
  app->add_option("--cache-dir", o->cache_dir,
                  "Where compiled databases are cached");
  app->add_flag("--no-cache", o->no_cache,
                "Compile the database without caching it");
}

bool FinishScanOptions(const RawScanOptions& raw, ScanCommandOptions* o,
                       std::string* error) {
  // clamscan's messages for a value it cannot parse.
  auto fail = [&](const std::string& what, const std::string& /*value*/) {
    *error = "ERROR: Incorrect argument format for option " + what +
             "\nERROR: Can't parse command line options";
    return false;
  };
  if (!ParseBool(raw.recursive, &o->recursive))
    return fail("--recursive", raw.recursive);
  if (!ParseBool(raw.cross_fs, &o->cross_fs))
    return fail("--cross-fs", raw.cross_fs);
  if (!ParseBool(raw.allmatch, &o->scan.all_match))
    return fail("--allmatch", raw.allmatch);
  if (!ParseBool(raw.alert_exceeds_max, &o->scan.alert_exceeds_max)) {
    return fail("--alert-exceeds-max", raw.alert_exceeds_max);
  }
  // --alert-encrypted sets both; the specific options, given, override it.
  bool encrypted = false;
  if (!ParseBool(raw.alert_encrypted, &encrypted))
    return fail("--alert-encrypted", raw.alert_encrypted);
  o->scan.alert_encrypted_archive = o->scan.alert_encrypted_doc = encrypted;
  if (!ParseBool(raw.alert_encrypted_archive,
                 &o->scan.alert_encrypted_archive)) {
    return fail("--alert-encrypted-archive", raw.alert_encrypted_archive);
  }
  if (!ParseBool(raw.alert_encrypted_doc, &o->scan.alert_encrypted_doc)) {
    return fail("--alert-encrypted-doc", raw.alert_encrypted_doc);
  }
  if (!ParseBool(raw.scan_archive, &o->scan.scan_archives)) {
    return fail("--scan-archive", raw.scan_archive);
  }
  if (!ParseBool(raw.official_db_only, &o->official_db_only)) {
    return fail("--official-db-only", raw.official_db_only);
  }
  Limits& l = o->scan.limits;
  struct SizeOpt {
    const char* name;
    const std::string* raw;
    uint64_t* out;
  };
  uint64_t files = l.max_files, recursion = l.max_recursion,
           ratio = l.max_compression_ratio, dir_rec = o->max_dir_recursion,
           pcre_ml = l.pcre_match_limit, pcre_rl = l.pcre_recmatch_limit;
  for (SizeOpt s :
       {SizeOpt{"--max-filesize", &raw.max_filesize, &l.max_file_size},
        SizeOpt{"--max-scansize", &raw.max_scansize, &l.max_scan_size},
        SizeOpt{"--max-files", &raw.max_files, &files},
        SizeOpt{"--max-recursion", &raw.max_recursion, &recursion},
        SizeOpt{"--max-scantime", &raw.max_scantime, &l.max_scan_time_ms},
        SizeOpt{"--max-compression-ratio", &raw.max_compression_ratio, &ratio},
        SizeOpt{"--max-dir-recursion", &raw.max_dir_recursion, &dir_rec},
        SizeOpt{"--pcre-match-limit", &raw.pcre_match_limit, &pcre_ml},
        SizeOpt{"--pcre-recmatch-limit", &raw.pcre_recmatch_limit, &pcre_rl},
        SizeOpt{"--pcre-max-filesize", &raw.pcre_max_filesize,
                &l.pcre_max_file_size}}) {
    if (!ParseCount(*s.raw, s.out)) return fail(s.name, *s.raw);
  }
  auto narrow = [](uint64_t v) {
    return static_cast<uint32_t>(std::min<uint64_t>(v, ~0u));
  };
  l.max_files = narrow(files);
  l.max_compression_ratio = narrow(ratio);
  // clamscan 1.4: 0 is not allowed and means the default.
  l.max_recursion = recursion == 0 ? Limits{}.max_recursion : narrow(recursion);
  l.pcre_match_limit = narrow(pcre_ml);
  l.pcre_recmatch_limit = narrow(pcre_rl);
  o->max_dir_recursion = narrow(dir_rec);
  struct FollowOpt {
    const char* name;
    const std::string* raw;
    int* out;
  };
  for (FollowOpt f :
       {FollowOpt{"--follow-dir-symlinks", &raw.follow_dir_symlinks,
                  &o->follow_dir_symlinks},
        FollowOpt{"--follow-file-symlinks", &raw.follow_file_symlinks,
                  &o->follow_file_symlinks}}) {
    uint64_t v = static_cast<uint64_t>(*f.out);
    if (!ParseCount(*f.raw, &v)) return fail(f.name, *f.raw);
    if (v > 2) {
      *error = std::string("ERROR: ") + f.name + ": Invalid argument";
      return false;
    }
    *f.out = static_cast<int>(v);
  }
  struct RegexOpt {
    const char* name;
    const std::vector<std::string>* raw;
    std::vector<std::unique_ptr<PathRegex>>* out;
  };
  for (RegexOpt r :
       {RegexOpt{"--exclude", &raw.exclude, &o->exclude},
        RegexOpt{"--exclude-dir", &raw.exclude_dir, &o->exclude_dir},
        RegexOpt{"--include", &raw.include, &o->include},
        RegexOpt{"--include-dir", &raw.include_dir, &o->include_dir}}) {
    for (const std::string& p : *r.raw) {
      std::string bad;
      r.out->push_back(PathRegex::Compile(p, &bad));
      if (!bad.empty()) o->warnings.push_back(std::string(r.name) + ": " + bad);
    }
  }
  return true;
}

}  // namespace vigil::cli

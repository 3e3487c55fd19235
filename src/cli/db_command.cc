#include "cli/db_command.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/database_loader.h"
#include "compiler/compiler.h"
#include "core/hash.h"
#include "core/mapped_file.h"
#include "db/format.h"
#include "sigs/loader.h"
#include "vigil/engine.h"

namespace vigil::cli {

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

bool VerifyContent(const std::string& path, std::string* actual) {
  auto view = core::FileView::Map(path);
  if (!view.ok() || view->bytes().size() < db::kHeaderSize) return false;
  const auto* h = reinterpret_cast<const db::FileHeader*>(view->bytes().data());
  core::Digest d = core::HashBytes(core::HashAlgo::kSha256,
                                   view->bytes().subspan(db::kHeaderSize));
  *actual = core::DigestHex(d, core::HashAlgo::kSha256);
  return std::memcmp(d.data(), h->content_hash, sizeof(h->content_hash)) == 0;
}

// Vectorscan's version string ends with a blank when it has no build date.
std::string TrimRight(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

int RunDbCompile(const DbCompileOptions& o) {
  auto t0 = Clock::now();
  sigs::SignatureSet set;
  std::vector<sigs::Diagnostic> diags;
  sigs::LoadOptions lo;
  lo.official_only = o.official_only;
  Status s = sigs::LoadDatabases(o.sources, lo, &set, &diags);
  for (const std::string& l : DiagnosticLines(s, diags))
    std::fprintf(stderr, "%s\n", l.c_str());
  if (!s.ok()) {
    std::fprintf(stderr, "ERROR: %s\n",
                 ClamscanDatabaseError(s, diags).c_str());
    return 2;
  }
  const double load_s = Since(t0);
  compiler::CompileOptions co;
  co.threads = o.threads;
  compiler::CompileStats stats;
  auto image = compiler::Compile(set, co, &stats);
  if (!image.ok()) {
    std::fprintf(stderr, "ERROR: %s\n", image.status().message().c_str());
    return 2;
  }
  Status w = core::WriteFileAtomic(o.output, *image);
  if (!w.ok()) {
    std::fprintf(stderr, "ERROR: %s\n", w.message().c_str());
    return 2;
  }
  std::fprintf(
      stderr,
      "compiled %llu signatures (%zu hash, %zu body, %zu logical) into %s: "
      "%.1f MiB, %llu patterns; load %.2f s, patterns %.2f s, total %.2f s\n",
      static_cast<unsigned long long>(set.known_viruses), set.hashes.size(),
      set.bodies.size(), set.logicals.size(), o.output.c_str(),
      static_cast<double>(image->size()) / (1024.0 * 1024.0),
      static_cast<unsigned long long>(stats.patterns), load_s,
      stats.pattern_compile_seconds, Since(t0));
  return 0;
}

int RunDbInfo(const DbInfoOptions& o) {
  auto t0 = Clock::now();
  auto db = Database::Open(o.path);
  const double open_s = Since(t0);
  if (!db.ok()) {
    std::fprintf(stderr, "ERROR: %s\n", db.status().message().c_str());
    return 2;
  }
  const DatabaseInfo& i = (*db)->info();
  std::string actual;
  const bool verified = o.verify && VerifyContent(o.path, &actual);
  if (o.json) {
    nlohmann::json j = {{"path", i.path},
                        {"format_version", i.format_version},
                        {"engine_version", i.engine_version},
                        {"pattern_engine", TrimRight(i.pattern_engine)},
                        {"cpu_features", i.cpu_features},
                        {"content_hash", i.content_hash},
                        {"file_size", i.file_size},
                        {"signatures", i.signatures},
                        {"hash_signatures", i.hash_signatures},
                        {"body_signatures", i.body_signatures},
                        {"logical_signatures", i.logical_signatures},
                        {"allow_entries", i.allow_entries},
                        {"patterns", i.pattern_count},
                        {"pattern_bytes", i.pattern_bytes},
                        {"open_seconds", open_s}};
    if (o.verify) j["content_verified"] = verified;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf(
        "Path: %s\nFormat version: %u\nEngine version: %s\nPattern engine: %s\n"
        "CPU features: %s\nContent hash: %s\nFile size: %llu\n"
        "Signatures: %llu (hash %llu, body %llu, logical %llu)\nAllow-list "
        "entries: %llu\n"
        "Patterns: %llu (%.1f MiB)\nOpened in: %.3f ms\n",
        i.path.c_str(), i.format_version, i.engine_version.c_str(),
        TrimRight(i.pattern_engine).c_str(), i.cpu_features.c_str(),
        i.content_hash.c_str(), static_cast<unsigned long long>(i.file_size),
        static_cast<unsigned long long>(i.signatures),
        static_cast<unsigned long long>(i.hash_signatures),
        static_cast<unsigned long long>(i.body_signatures),
        static_cast<unsigned long long>(i.logical_signatures),
        static_cast<unsigned long long>(i.allow_entries),
        static_cast<unsigned long long>(i.pattern_count),
        static_cast<double>(i.pattern_bytes) / (1024.0 * 1024.0),
        open_s * 1000);
    if (o.verify)
      std::printf("Content: %s\n", verified ? "verified" : "HASH MISMATCH");
  }
  return o.verify && !verified ? 2 : 0;
}

}  // namespace vigil::cli

// The public scanning API.
//
//   auto db = vigil::Database::Open("main.vdb");        // mmap, milliseconds
//   vigil::Engine engine(*db);                          // shares the database
//   vigil::ScanReport r = engine.ScanFile("/tmp/x", {});
//
// A Database is immutable and may be shared by any number of threads and
// Engines; an Engine is thread-safe (it keeps a pool of per-thread scratch).
// Every front end (CLI, daemon, on-access, ICAP, HTTP) scans through
// Engine: nothing else decides verdicts.
#ifndef VIGIL_ENGINE_H_
#define VIGIL_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vigil/bytes.h"
#include "vigil/limits.h"
#include "vigil/report.h"
#include "vigil/status.h"

namespace vigil {

namespace db {
class DatabaseImpl;
}

struct DatabaseInfo {
  std::string path;
  uint32_t format_version = 0;
  std::string engine_version;
  std::string pattern_engine;  // "Vectorscan 5.4.9 2023-..."
  std::string cpu_features;    // what the pattern databases were built for
  std::string content_hash;    // SHA-256 of the database body, hex
  uint64_t file_size = 0;
  // Counts of loaded signatures.
  uint64_t signatures = 0;  // what clamscan calls "Known viruses"
  uint64_t hash_signatures = 0;
  uint64_t body_signatures = 0;
  uint64_t logical_signatures = 0;
  uint64_t allow_entries = 0;
  uint64_t pattern_count = 0;  // patterns in the pattern databases
  uint64_t pattern_bytes = 0;  // size of the pattern databases
  // VERSION reporting (clamd): from the last daily.* container, if any.
  uint32_t daily_version = 0;
  int64_t daily_build_time = 0;
};

class Database {
 public:
  // Maps a compiled database file. Checks the header (magic, format and
  // pattern-engine versions, CPU features, section bounds).
  static Result<std::shared_ptr<const Database>> Open(const std::string& path);
  // Takes ownership of an in-memory image (as `vigil db compile` makes it).
  static Result<std::shared_ptr<const Database>> FromImage(
      std::vector<std::byte> image);

  ~Database();
  const DatabaseInfo& info() const;
  const db::DatabaseImpl& impl() const { return *impl_; }

 private:
  explicit Database(std::unique_ptr<db::DatabaseImpl> impl);
  std::unique_ptr<db::DatabaseImpl> impl_;
};

class Engine {
 public:
  explicit Engine(std::shared_ptr<const Database> database);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // `name` is used in the report (e.g. "stdin"); it is never opened.
  ScanReport ScanBuffer(ByteView data, const ScanOptions& options,
                        const std::string& name = "") const;
  // Scans what `fd` refers to (a regular file is read from offset 0).
  ScanReport ScanFd(int fd, const ScanOptions& options,
                    const std::string& name = "") const;
  ScanReport ScanFile(const std::string& path,
                      const ScanOptions& options) const;

  const Database& database() const { return *database_; }

 private:
  class ScratchPool;
  ScanReport Scan(ByteView data, bool mapped, const ScanOptions& options,
                  const std::string& name) const;
  std::shared_ptr<const Database> database_;
  std::unique_ptr<ScratchPool> scratch_;
};

}  // namespace vigil

#endif  // VIGIL_ENGINE_H_

#include "compiler/db_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "compiler/compiler.h"
#include "core/hash.h"
#include "core/mapped_file.h"
#include "db/format.h"
#include "db/pattern_image.h"
#include "vigil/version.h"

namespace vigil::compiler {

namespace fs = std::filesystem;

namespace {

constexpr char kStatIndex[] = "stat-index";
constexpr size_t kKeepCompiled = 8;  // cached databases kept per cache dir

struct StatKey {
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const StatKey&) const = default;
};

std::optional<StatKey> StatOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  StatKey k;
  k.dev = st.st_dev;
  k.ino = st.st_ino;
  k.size = static_cast<uint64_t>(st.st_size);
  k.mtime_ns = st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec;
  k.ctime_ns = st.st_ctim.tv_sec * 1000000000ll + st.st_ctim.tv_nsec;
  return k;
}

// The stat index: absolute path -> (stat, content hash).
class StatIndex {
 public:
  explicit StatIndex(std::string dir)
      : path_(std::move(dir) + "/" + kStatIndex) {
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string hash;
      StatKey k;
      ls >> hash >> k.dev >> k.ino >> k.size >> k.mtime_ns >> k.ctime_ns;
      std::string path;
      if (ls.get() != ' ' || !std::getline(ls, path) || hash.size() != 64)
        continue;
      entries_[path] = {k, hash};
    }
  }

  // Content hash of `path`, from the index when its stat is unchanged.
  Result<std::string> Hash(const std::string& path) {
    std::string abs = fs::absolute(path).lexically_normal().string();
    auto st = StatOf(path);
    if (!st) return core::ErrnoStatus(errno, path);
    auto it = entries_.find(abs);
    if (it != entries_.end() && it->second.first == *st)
      return it->second.second;
    auto view = core::FileView::FromPath(path);
    if (!view.ok()) return view.status();
    core::Digest d = core::HashBytes(core::HashAlgo::kSha256, view->bytes());
    std::string hex = core::DigestHex(d, core::HashAlgo::kSha256);
    entries_[abs] = {*st, hex};
    dirty_ = true;
    return hex;
  }

  void Save() {
    if (!dirty_) return;
    std::ostringstream out;
    for (const auto& [path, e] : entries_) {
      if (!fs::exists(path)) continue;
      const StatKey& k = e.first;
      out << e.second << ' ' << k.dev << ' ' << k.ino << ' ' << k.size << ' '
          << k.mtime_ns << ' ' << k.ctime_ns << ' ' << path << '\n';
    }
    std::string s = out.str();
    (void)core::WriteFileAtomic(path_, AsBytes(s));
  }

 private:
  std::string path_;
  std::map<std::string, std::pair<StatKey, std::string>> entries_;
  bool dirty_ = false;
};

// The part of the cache key that does not depend on the sources.
std::string KeyPrefix(const SourceOptions& o) {
  const db::HostPlatform host = db::CurrentPlatform();
  std::ostringstream k;
  k << "vigil-db-cache/" << db::kFormatVersion << '\0' << kVersionString << '\0'
    << db::PatternEngineVersion() << '\0' << host.cpu_features << '\0'
    << o.load.flevel << '\0' << o.load.official_only << '\0' << o.load.bundled
    << '\0' << o.load.detect_pua << '\0';
  return k.str();
}

std::string FinishKey(const std::string& material) {
  core::Digest d = core::HashBytes(core::HashAlgo::kSha256, AsBytes(material));
  return core::DigestHex(d, core::HashAlgo::kSha256);
}

bool EnsureDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  return !ec && ::access(dir.c_str(), W_OK) == 0;
}

// Removes all but the newest kKeepCompiled compiled databases.
void Prune(const std::string& dir) {
  std::vector<std::pair<fs::file_time_type, fs::path>> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".vdb")
      files.emplace_back(e.last_write_time(ec), e.path());
  }
  if (files.size() <= kKeepCompiled) return;
  std::sort(files.begin(), files.end(), std::greater<>());
  for (size_t i = kKeepCompiled; i < files.size(); ++i)
    fs::remove(files[i].second, ec);
}

// Maps the cached database `key` if it is there and usable.
std::shared_ptr<const Database> TryCached(const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0) return nullptr;
  auto db = Database::Open(path);
  if (!db.ok()) return nullptr;  // stale or damaged: compile again
  // Touch it so that pruning keeps recently used databases.
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
  return *db;
}

Result<LoadedDatabase> CompileAndStore(const sigs::SignatureSet& set,
                                       const std::string& dir,
                                       const std::string& key) {
  auto image = Compile(set, CompileOptions{});
  if (!image.ok()) return image.status();
  LoadedDatabase out;
  if (!dir.empty()) {
    out.cache_path = dir + "/" + key + ".vdb";
    if (core::WriteFileAtomic(out.cache_path, *image).ok()) {
      Prune(dir);
      auto db = Database::Open(out.cache_path);
      if (db.ok()) {
        out.database = *db;
        return out;
      }
    }
    out.cache_path.clear();
  }
  auto db = Database::FromImage(std::move(image).value());
  if (!db.ok()) return db.status();
  out.database = *db;
  return out;
}

std::string CacheDirFor(const SourceOptions& o) {
  if (!o.use_cache) return "";
  std::string dir = o.cache_dir.empty() ? DefaultCacheDir() : o.cache_dir;
  return !dir.empty() && EnsureDir(dir) ? dir : "";
}

}  // namespace

std::string DefaultCacheDir() {
  if (const char* d = std::getenv("VIGIL_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    return std::string(x) + "/vigil";
  if (const char* h = std::getenv("HOME"); h && *h)
    return std::string(h) + "/.cache/vigil";
  return "";
}

bool IsCompiledDatabase(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[sizeof(db::kMagic)] = {};
  in.read(magic, sizeof(magic));
  return in && std::memcmp(magic, db::kMagic, sizeof(magic)) == 0;
}

Result<LoadedDatabase> OpenDatabase(
    const SourceOptions& options, std::vector<sigs::Diagnostic>* diagnostics) {
  size_t compiled = 0;
  for (const std::string& p : options.paths)
    compiled += IsCompiledDatabase(p) ? 1 : 0;
  if (compiled > 0) {
    if (options.paths.size() != 1) {
      return Status::InvalidArgument(
          "a compiled database (.vdb) must be the only --database given");
    }
    auto db = Database::Open(options.paths[0]);
    if (!db.ok()) return db.status();
    LoadedDatabase out;
    out.database = *db;
    out.from_cache = true;
    out.cache_path = options.paths[0];
    return out;
  }
  auto files = sigs::ListDatabaseFiles(options.paths);
  if (!files.ok()) return files.status();
  const std::string dir = CacheDirFor(options);
  std::string key;
  if (!dir.empty()) {
    StatIndex index(dir);
    std::string material = KeyPrefix(options);
    for (const std::string& f : *files) {
      auto h = index.Hash(f);
      if (!h.ok()) return h.status();
      // Absolute, so that `-d db` and `-d /srv/db` share one compiled file.
      std::error_code ec;
      const fs::path absolute = fs::absolute(f, ec).lexically_normal();
      material += (ec ? f : absolute.string()) + '\0' + *h + '\0';
    }
    index.Save();
    key = FinishKey(material);
    if (auto db = TryCached(dir + "/" + key + ".vdb")) {
      LoadedDatabase out;
      out.database = db;
      out.from_cache = true;
      out.cache_path = dir + "/" + key + ".vdb";
      return out;
    }
    if (!options.compile)
      return Status::NotFound("signatures not compiled yet: " + key);
  }
  sigs::SignatureSet set;
  VIGIL_RETURN_IF_ERROR(
      sigs::LoadDatabases(options.paths, options.load, &set, diagnostics));
  return CompileAndStore(set, dir, key);
}

Result<LoadedDatabase> OpenDatabaseText(
    const std::vector<std::pair<std::string, std::string>>& files,
    const SourceOptions& options, std::vector<sigs::Diagnostic>* diagnostics) {
  const std::string dir = CacheDirFor(options);
  std::string material = KeyPrefix(options);
  for (const auto& [name, content] : files) {
    material += name + '\0' +
                core::DigestHex(
                    core::HashBytes(core::HashAlgo::kSha256, AsBytes(content)),
                    core::HashAlgo::kSha256) +
                '\0';
  }
  const std::string key = FinishKey(material);
  if (!dir.empty()) {
    if (auto db = TryCached(dir + "/" + key + ".vdb")) {
      LoadedDatabase out;
      out.database = db;
      out.from_cache = true;
      out.cache_path = dir + "/" + key + ".vdb";
      return out;
    }
  }
  sigs::SignatureSet set;
  for (const auto& [name, content] : files) {
    VIGIL_RETURN_IF_ERROR(
        sigs::LoadDatabaseText(name, content, options.load, &set, diagnostics));
  }
  return CompileAndStore(set, dir, key);
}

}  // namespace vigil::compiler

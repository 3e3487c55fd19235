// Opening databases from signature sources: compile once, cache, mmap.
//
// `vigil scan -d SRC...` names ClamAV-format sources (or one compiled .vdb
// file). Sources are compiled on first use and the result is cached under
// a key made of the sources' *content* (SHA-256 of every file, in load
// order), the engine and pattern-engine versions and the CPU features, so
// that the next run maps the cached file in milliseconds. To avoid reading
// and hashing every source on every run, a stat index remembers each
// file's (device, inode, size, mtime, ctime) with its content hash, as git's
// index does; a file whose stat changed is hashed again.
#ifndef VIGIL_COMPILER_DB_CACHE_H_
#define VIGIL_COMPILER_DB_CACHE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sigs/diagnostic.h"
#include "sigs/loader.h"
#include "vigil/engine.h"

namespace vigil::compiler {

struct SourceOptions {
  std::vector<std::string> paths;  // files and directories, as -d takes them
  sigs::LoadOptions load;
  // Where compiled databases are cached; empty: $VIGIL_CACHE_DIR, else
  // $XDG_CACHE_HOME/vigil, else $HOME/.cache/vigil.
  std::string cache_dir;
  bool use_cache = true;
  // false: only map what is already compiled (a .vdb, or sources found in
  // the cache); sources not compiled yet give kNotFound without being
  // loaded. vigild compiles those in a child process.
  bool compile = true;
};

struct LoadedDatabase {
  std::shared_ptr<const Database> database;
  bool from_cache = false;  // an existing compiled file was mapped
  std::string cache_path;   // the compiled file used or written, if any
};

// Opens `options.paths`: a single compiled .vdb file is mapped directly;
// anything else is loaded as signature sources and compiled (or taken from
// the cache). Diagnostics of the load (errors and warnings) are appended to
// `diagnostics`.
Result<LoadedDatabase> OpenDatabase(const SourceOptions& options,
                                    std::vector<sigs::Diagnostic>* diagnostics);

// Same for sources held in memory (name, content), e.g. the bundled
// default database.
Result<LoadedDatabase> OpenDatabaseText(
    const std::vector<std::pair<std::string, std::string>>& files,
    const SourceOptions& options, std::vector<sigs::Diagnostic>* diagnostics);

// True if `path` starts with the compiled-database magic.
bool IsCompiledDatabase(const std::string& path);

std::string DefaultCacheDir();

}  // namespace vigil::compiler

#endif  // VIGIL_COMPILER_DB_CACHE_H_

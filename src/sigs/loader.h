// Loading signature databases: files and directories, in ClamAV's order.
//
// `-d` takes files and directories; a directory loads every database file in
// it (not recursively), as ClamAV's DatabaseDirectory does: ignore lists
// first, then daily.cld, daily.cvd and the rest by name. The ignore lists of
// all paths load before any other file. A malformed line stops the load: the
// Status is an error and `diagnostics` holds exactly one FILE:LINE:COL error
// (docs/signature-diagnostics.md lists the codes). Formats vigil does not
// load yet are skipped with a warning. Tested by tests/unit/sigs/.
#ifndef VIGIL_SIGS_LOADER_H_
#define VIGIL_SIGS_LOADER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sigs/diagnostic.h"
#include "sigs/ir.h"
#include "vigil/status.h"

namespace vigil::sigs {

struct LoadOptions {
  // Functionality level that signatures' FLEVEL ranges are checked against.
  uint32_t flevel = kEngineFlevel;
  // Load only signatures from signed containers (.cvd/.cld), as
  // --official-db-only does (ignore lists still apply).
  bool official_only = false;
  // Also load the PUA variants (.hdu .hsu .mdu .msu .ndu .ldu, and those
  // members of containers), as --detect-pua does; ClamAV skips them unread
  // otherwise.
  bool detect_pua = false;
  // The sources are vigil's own bundled database: names are printed as
  // written, without the ".UNOFFICIAL" suffix of other text databases.
  bool bundled = false;
  // Upper bound on a container's unpacked size, against decompression
  // bombs (ClamAV's own containers unpack to a few hundred MiB).
  uint64_t max_container_bytes = uint64_t{4} << 30;
};

// True for file names whose extension is a database format vigil loads
// (.hdb .hsb .mdb .msb .imp .ndb .ldb .fp .sfp .ign .ign2 .db .cvd .cld .cud
// and the PUA variants .hdu .hsu .mdu .msu .ndu .ldu).
bool IsDatabaseFileName(std::string_view name);

// The database files `paths` name, in load order (directories expanded).
// This is also the input of the compiled-database cache key.
Result<std::vector<std::string>> ListDatabaseFiles(
    const std::vector<std::string>& paths);

// Loads everything `paths` names into `out`. Warnings (e.g. a skipped
// unsupported format) are appended to `diagnostics` too.
Status LoadDatabases(const std::vector<std::string>& paths,
                     const LoadOptions& options, SignatureSet* out,
                     std::vector<Diagnostic>* diagnostics);

// Loads one database from memory; `file_name` decides the format by its
// extension and names the source in diagnostics.
Status LoadDatabaseText(std::string_view file_name, std::string_view content,
                        const LoadOptions& options, SignatureSet* out,
                        std::vector<Diagnostic>* diagnostics);

}  // namespace vigil::sigs

#endif  // VIGIL_SIGS_LOADER_H_

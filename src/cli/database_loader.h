// The database a `vigil scan` uses: -d sources (compiled and cached), a
// compiled .vdb, or the bundled default database.
#ifndef VIGIL_CLI_DATABASE_LOADER_H_
#define VIGIL_CLI_DATABASE_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "cli/reporter.h"
#include "cli/scan_options.h"
#include "sigs/diagnostic.h"
#include "vigil/engine.h"

namespace vigil::cli {

// nullptr on failure, after printing vigil's diagnostics ("FILE:LINE:COL:
// error[CODE]: message") on stderr and clamscan's one-line error through
// `reporter` ("ERROR: Malformed database" and the like).
std::shared_ptr<const Database> LoadScanDatabase(const ScanCommandOptions& o,
                                                 Reporter* reporter);

// Why a database did not load, in clamscan's words (cl_strerror): "Malformed
// database", "Can't get file status", "Can't open file or directory".
std::string ClamscanDatabaseError(
    const Status& status, const std::vector<sigs::Diagnostic>& diagnostics);

// vigil's own lines for a failed load: the diagnostics, or the status
// message when it is not one of them.
std::vector<std::string> DiagnosticLines(
    const Status& status, const std::vector<sigs::Diagnostic>& diagnostics);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_DATABASE_LOADER_H_

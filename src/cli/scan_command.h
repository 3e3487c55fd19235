// `vigil scan`: walk, scan in parallel, report in order.
#ifndef VIGIL_CLI_SCAN_COMMAND_H_
#define VIGIL_CLI_SCAN_COMMAND_H_

#include "cli/scan_options.h"

namespace vigil::cli {

// Returns clamscan's exit code: 0 clean, 1 something found, 2 errors only.
int RunScan(ScanCommandOptions& options);

}  // namespace vigil::cli

#endif  // VIGIL_CLI_SCAN_COMMAND_H_

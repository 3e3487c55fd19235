// Loads one text database (any line format) into a SignatureSet: the line
// loop, comments, blank and overlong lines, and the first-error-stops rule.
// Tested by tests/unit/sigs/loader_test.cc and the golden tests.
#ifndef VIGIL_SIGS_CLAMAV_TEXT_DB_H_
#define VIGIL_SIGS_CLAMAV_TEXT_DB_H_

#include <string_view>
#include <vector>

#include "sigs/clamav/db_format.h"
#include "sigs/clamav/sig_sink.h"
#include "sigs/diagnostic.h"
#include "sigs/ir.h"
#include "vigil/status.h"

namespace vigil::sigs::clamav {

struct TextDbRequest {
  DbFormat format;
  std::string_view display_name;  // "daily.cvd:daily.ndb" for members
  std::string_view content;
  SinkOptions sink;
};

// Parses every line of the request. A malformed line appends exactly one
// error Diagnostic and returns a non-ok Status carrying its text. Ignore
// list entries go to `ignores` as well as to set->ignores.
Status LoadTextDatabase(const TextDbRequest& request, SignatureSet* set,
                        IgnoreIndex* ignores,
                        std::vector<Diagnostic>* diagnostics);

// Appends a diagnostic and returns the matching Status (shared with the
// loader for file-level problems).
Status ReportError(DiagCode code, std::string_view file, uint32_t line,
                   uint32_t column, std::string message,
                   std::vector<Diagnostic>* diagnostics);
void ReportWarning(DiagCode code, std::string_view file, std::string message,
                   std::vector<Diagnostic>* diagnostics);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_TEXT_DB_H_

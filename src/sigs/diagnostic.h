// Diagnostics for malformed signature databases.
//
// Printed as `FILE:LINE:COL: error[CODE]: message` (GCC/Rust style, so that
// editors jump to the spot). Codes are stable: tests golden-check them and
// docs/signature-diagnostics.md lists every one.
#ifndef VIGIL_SIGS_DIAGNOSTIC_H_
#define VIGIL_SIGS_DIAGNOSTIC_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::sigs {

enum class Severity : uint8_t { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  uint32_t line = 0;    // 1-based; 0 when the problem is the whole file
  uint32_t column = 0;  // 1-based byte column; 0 when not known
  std::string code;     // stable, e.g. "E0201"
  std::string message;
};

// "FILE:LINE:COL: error[CODE]: message" (LINE/COL omitted when 0).
std::string FormatDiagnostic(const Diagnostic& d);

}  // namespace vigil::sigs

#endif  // VIGIL_SIGS_DIAGNOSTIC_H_

#include "sigs/diagnostic.h"

namespace vigil::sigs {

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line);
    if (d.column > 0) out += ':' + std::to_string(d.column);
  }
  out += d.severity == Severity::kError ? ": error[" : ": warning[";
  out += d.code;
  out += "]: ";
  out += d.message;
  return out;
}

}  // namespace vigil::sigs

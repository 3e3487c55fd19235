#include "cli/database_loader.h"

#include <cstdio>

#include "cli/default_db.h"
#include "compiler/db_cache.h"

namespace vigil::cli {

std::string ClamscanDatabaseError(const Status& status,
                                  const std::vector<sigs::Diagnostic>& diags) {
  const std::string text =
      diags.empty() ? status.message() : sigs::FormatDiagnostic(diags.back());
  auto has = [&](const char* s) { return text.find(s) != std::string::npos; };
  if (has("error[E0006]")) return "Can't open file or directory";
  if (has("error[E0001]")) {
    return has("no such file") ? "Can't get file status"
                               : "Can't open file or directory";
  }
  if (has("error[")) return "Malformed database";
  switch (status.code()) {
    case StatusCode::kNotFound:
      return "Can't get file status";
    case StatusCode::kPermissionDenied:
    case StatusCode::kIoError:
      return "Can't open file or directory";
    default:
      return status.message();
  }
}

std::vector<std::string> DiagnosticLines(
    const Status& status, const std::vector<sigs::Diagnostic>& diagnostics) {
  std::vector<std::string> lines;
  for (const sigs::Diagnostic& d : diagnostics)
    lines.push_back(sigs::FormatDiagnostic(d));
  const bool is_diagnostic =
      !diagnostics.empty() &&
      diagnostics.back().severity == sigs::Severity::kError;
  if (!status.ok() && !is_diagnostic) lines.push_back(status.message());
  return lines;
}

std::shared_ptr<const Database> LoadScanDatabase(const ScanCommandOptions& o,
                                                 Reporter* reporter) {
  compiler::SourceOptions src;
  src.paths = o.databases;
  src.load.official_only = o.official_db_only;
  src.cache_dir = o.cache_dir;
  src.use_cache = !o.no_cache;
  src.load.bundled = o.databases.empty();
  std::vector<sigs::Diagnostic> diags;
  auto loaded = o.databases.empty() ? compiler::OpenDatabaseText(
                                          DefaultDatabaseFiles(), src, &diags)
                                    : compiler::OpenDatabase(src, &diags);
  const Status status = loaded.ok() ? Status::Ok() : loaded.status();
  const std::vector<std::string> lines = DiagnosticLines(status, diags);
  for (const std::string& l : lines) std::fprintf(stderr, "%s\n", l.c_str());
  if (loaded.ok()) return loaded->database;
  reporter->Error(ClamscanDatabaseError(status, diags), lines);
  return nullptr;
}

}  // namespace vigil::cli

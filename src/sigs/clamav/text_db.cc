// ClamAV reads databases with fgets into fixed buffers and stops at the
// first bad line ("Malformed database"); vigil does the same and reports
// that line. Lines starting with '#' are comments in every text format; a
// blank line is an error in every one; a file with no line at all is an
// error except for ignore lists (all observed with clamscan 1.4.6).
#include "sigs/clamav/text_db.h"

#include <string>
#include <utility>

#include "sigs/clamav/body_db.h"
#include "sigs/clamav/hash_db.h"
#include "sigs/clamav/ignore_db.h"
#include "sigs/clamav/logical_db.h"
#include "sigs/clamav/parse_status.h"
#include "sigs/clamav/text.h"
#include "sigs/diagnostic_codes.h"

namespace vigil::sigs::clamav {

namespace {

ParseStatus ParseLine(DbFormat format, std::string_view line, SigSink* sink,
                      IgnoreIndex* ignores) {
  switch (format) {
    case DbFormat::kFileHash:
      return ParseHashLine(line, {HashScope::kFile, false, false}, sink);
    case DbFormat::kSectionHash:
      return ParseHashLine(line, {HashScope::kPeSection, true, false}, sink);
    case DbFormat::kImportHash:
      return ParseHashLine(line, {HashScope::kPeImport, false, false, false},
                           sink);
    case DbFormat::kAllowMd5:
    case DbFormat::kAllowSha:
      return ParseHashLine(line, {HashScope::kFile, false, true}, sink);
    case DbFormat::kBody:
      return ParseNdbLine(line, sink);
    case DbFormat::kLogical:
      return ParseLdbLine(line, sink);
    case DbFormat::kIgnore:
      return ParseIgnoreLine(line, sink, ignores);
    case DbFormat::kLegacy:
      return ParseLegacyDbLine(line, sink);
    default:
      return ParseStatus::Ok();
  }
}

size_t LineBufferFor(DbFormat format) {
  return format == DbFormat::kLogical ? kLogicalLineBuffer : kLineBuffer;
}

// Rough line count, to size the output vectors once.
size_t CountLines(std::string_view text) {
  size_t n = 0;
  for (size_t pos = text.find('\n'); pos != std::string_view::npos;
       pos = text.find('\n', pos + 1)) {
    ++n;
  }
  return n + 1;
}

void Reserve(DbFormat format, std::string_view content, SignatureSet* set) {
  size_t lines = CountLines(content);
  switch (format) {
    case DbFormat::kFileHash:
    case DbFormat::kSectionHash:
    case DbFormat::kImportHash:
      set->hashes.reserve(set->hashes.size() + lines);
      break;
    case DbFormat::kBody:
    case DbFormat::kLegacy:
      set->bodies.reserve(set->bodies.size() + lines);
      break;
    case DbFormat::kLogical:
      set->logicals.reserve(set->logicals.size() + lines);
      break;
    default:
      break;
  }
}

}  // namespace

Status ReportError(DiagCode code, std::string_view file, uint32_t line,
                   uint32_t column, std::string message,
                   std::vector<Diagnostic>* diagnostics) {
  Diagnostic d;
  d.severity = Severity::kError;
  d.file = std::string(file);
  d.line = line;
  d.column = column;
  d.code = std::string(DiagId(code));
  d.message = std::move(message);
  std::string text = FormatDiagnostic(d);
  if (diagnostics) diagnostics->push_back(std::move(d));
  return code == DiagCode::kIoError ? Status::IoError(std::move(text))
                                    : Status::InvalidArgument(std::move(text));
}

void ReportWarning(DiagCode code, std::string_view file, std::string message,
                   std::vector<Diagnostic>* diagnostics) {
  if (!diagnostics) return;
  Diagnostic d;
  d.severity = Severity::kWarning;
  d.file = std::string(file);
  d.code = std::string(DiagId(code));
  d.message = std::move(message);
  diagnostics->push_back(std::move(d));
}

Status LoadTextDatabase(const TextDbRequest& request, SignatureSet* set,
                        IgnoreIndex* ignores,
                        std::vector<Diagnostic>* diagnostics) {
  auto file_index = static_cast<uint32_t>(set->files.size());
  set->files.emplace_back(request.display_name);
  if (request.content.empty() && request.format != DbFormat::kIgnore) {
    return ReportError(DiagCode::kEmptyDatabase, request.display_name, 0, 0,
                       "empty database file", diagnostics);
  }
  Reserve(request.format, request.content, set);
  SigSink sink(set, ignores, request.sink, file_index, diagnostics);
  LineReader lines(request.content, LineBufferFor(request.format));
  while (lines.Next()) {
    std::string_view line = lines.line();
    if (lines.too_long()) {
      return ReportError(DiagCode::kLineTooLong, request.display_name,
                         lines.number(), 0,
                         "line longer than ClamAV's " +
                             std::to_string(LineBufferFor(request.format)) +
                             "-byte line buffer",
                         diagnostics);
    }
    if (line.empty()) {
      return ReportError(DiagCode::kBlankLine, request.display_name,
                         lines.number(), 1, "blank line", diagnostics);
    }
    if (line[0] == '#') continue;
    sink.set_line(lines.number(), line);
    ParseStatus st = ParseLine(request.format, line, &sink, ignores);
    if (!st.ok()) {
      return ReportError(st.code(), request.display_name, lines.number(),
                         ColumnOf(line, st.where()), st.message(), diagnostics);
    }
  }
  return Status::Ok();
}

}  // namespace vigil::sigs::clamav

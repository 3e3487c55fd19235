#include "sigs/clamav/sig_sink.h"

#include <algorithm>
#include <utility>

#include "core/hash.h"
#include "sigs/clamav/parse_status.h"
#include "sigs/diagnostic_codes.h"

namespace vigil::sigs::clamav {

namespace {
constexpr std::string_view kUnofficialSuffix = ".UNOFFICIAL";
constexpr std::string_view kClamSuffix = " (Clam)";
}  // namespace

void IgnoreIndex::Add(const IgnoreEntry& entry) {
  auto it = by_name_.find(std::string_view(entry.name));
  if (it == by_name_.end()) it = by_name_.emplace(entry.name, Entry()).first;
  if (entry.line_md5) {
    it->second.line_md5s.push_back(*entry.line_md5);
  } else {
    it->second.any = true;
  }
}

bool IgnoreIndex::Matches(std::string_view name, std::string_view line) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return false;
  if (it->second.any) return true;
  Digest md5 = core::HashBytes(core::HashAlgo::kMd5, AsBytes(line));
  const auto& md5s = it->second.line_md5s;
  return std::find(md5s.begin(), md5s.end(), md5) != md5s.end();
}

SigSink::SigSink(SignatureSet* set, const IgnoreIndex* ignores,
                 const SinkOptions& options, uint32_t file_index,
                 std::vector<Diagnostic>* diagnostics)
    : set_(set),
      ignores_(ignores),
      options_(options),
      file_index_(file_index),
      diagnostics_(diagnostics) {}

bool SigSink::Ignored(std::string_view name) {
  if (!ignores_ || ignores_->empty()) return false;
  if (!ignores_->Matches(name, line_)) return false;
  ++set_->ignored;
  return true;
}

bool SigSink::FlevelExcludes(const FlevelRange& range) {
  if (range.Includes(options_.flevel)) return false;
  ++set_->skipped_flevel;
  return true;
}

void SigSink::SkipUnsupported(DiagCode code, const char* where,
                              std::string message) {
  ++set_->skipped_unsupported;
  if (!diagnostics_) return;
  Diagnostic d;
  d.severity = DiagInfo(code).severity;
  d.file = set_->files[file_index_];
  d.line = line_number_;
  d.column = ColumnOf(line_, where);
  d.code = std::string(DiagId(code));
  d.message = std::move(message);
  diagnostics_->push_back(std::move(d));
}

std::string SigSink::FinalName(std::string_view name) const {
  // ClamAV's cli_virname() cuts every name at its first " (Clam)", a
  // leftover of the old databases' naming (clamscan prints "Trojan.Gologger"
  // for the viruses.db entry "Trojan.Gologger (Clam)").
  name = name.substr(0, name.find(kClamSuffix));
  std::string out;
  if (options_.official) {
    out.assign(name);
    return out;
  }
  out.reserve(name.size() + kUnofficialSuffix.size());
  out.append(name);
  out.append(kUnofficialSuffix);
  return out;
}

}  // namespace vigil::sigs::clamav

// SigSink: what every ClamAV line parser hands its signatures to.
//
// It owns the rules that are the same for all formats: ignore lists (.ign,
// .ign2), the ".UNOFFICIAL" suffix for signatures not from a signed
// container, FLEVEL filtering, the known-viruses count and source locations.
// Tested through the format tests and tests/unit/sigs/loader_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_SIG_SINK_H_
#define VIGIL_SIGS_CLAMAV_SIG_SINK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sigs/diagnostic.h"
#include "sigs/diagnostic_codes.h"
#include "sigs/ir.h"

namespace vigil::sigs::clamav {

// Ignore entries by signature name, for lookups while loading.
class IgnoreIndex {
 public:
  void Add(const IgnoreEntry& entry);
  bool empty() const { return by_name_.empty(); }
  // True when `name` (without ".UNOFFICIAL") is ignored; `line` is the whole
  // database line, hashed only if some entry for the name carries an MD5.
  bool Matches(std::string_view name, std::string_view line) const;

 private:
  struct Entry {
    bool any = false;  // an entry without MD5: every signature of the name
    std::vector<Digest> line_md5s;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>()(s);
    }
  };
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> by_name_;
};

struct SinkOptions {
  uint32_t flevel = kEngineFlevel;
  // Signatures from signed .cvd/.cld containers keep their names; all others
  // get ".UNOFFICIAL" appended (also those from unsigned .cud containers).
  bool official = false;
};

class SigSink {
 public:
  // `file_index` indexes set->files; `ignores` may be null.
  SigSink(SignatureSet* set, const IgnoreIndex* ignores,
          const SinkOptions& options, uint32_t file_index,
          std::vector<Diagnostic>* diagnostics);

  void set_line(uint32_t number, std::string_view text) {
    line_number_ = number;
    line_ = text;
  }
  SignatureSet* set() { return set_; }
  SourceLoc loc() const { return {file_index_, line_number_}; }
  uint32_t flevel() const { return options_.flevel; }

  // True (and counted) when an ignore entry drops the signature `name`.
  bool Ignored(std::string_view name);
  // True (and counted) when the FLEVEL range excludes this engine.
  bool FlevelExcludes(const FlevelRange& range);
  // Counts a signature skipped for needing something vigil lacks, with a
  // warning naming it.
  void SkipUnsupported(DiagCode code, const char* where, std::string message);
  // The name to store: `name` up to its first " (Clam)", plus ".UNOFFICIAL"
  // when due.
  std::string FinalName(std::string_view name) const;
  // Counts one loaded signature (clamscan's "Known viruses").
  void CountLoaded() { ++set_->known_viruses; }

 private:
  SignatureSet* set_;
  const IgnoreIndex* ignores_;
  SinkOptions options_;
  uint32_t file_index_;
  std::vector<Diagnostic>* diagnostics_;
  uint32_t line_number_ = 0;
  std::string_view line_;
};

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_SIG_SINK_H_

// Shared pieces of the differential tests: generated corpora, temp dirs,
// running clamscan, and reporting disagreements readably.
#ifndef VIGIL_TESTS_DIFF_DIFF_SUPPORT_H_
#define VIGIL_TESTS_DIFF_DIFF_SUPPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reference/input_generator.h"
#include "reference/sig_generator.h"
#include "sigs/ir.h"
#include "vigil/bytes.h"

namespace vigil::diff {

// One generated signature set with the inputs made for it.
struct Corpus {
  sigs::SignatureSet set;
  std::vector<std::vector<uint8_t>> inputs;
};

Corpus MakeCorpus(uint64_t seed, size_t bodies, size_t logicals, size_t inputs,
                  const reference::InputOptions& input_options);

inline ByteView View(const std::vector<uint8_t>& v) {
  return {reinterpret_cast<const std::byte*>(v.data()), v.size()};
}

// Features exercised by one signature that matched `data`: for the pattern
// of a body signature, or of each logical subsignature that matched, tags
// such as "boundary", "split-gap", "negated", "nocase", "pcre",
// "byte-compare" (for the coverage printout of the differential tests).
void TallyFeatures(const sigs::SignatureSet& set, const std::string& name,
                   ByteView data, std::map<std::string, size_t>* tally);
std::string FormatTally(const std::map<std::string, size_t>& tally);

// Name without a trailing ".UNOFFICIAL".
std::string StripUnofficial(std::string name);

// A private directory removed on destruction (unless VIGIL_DIFF_KEEP is set,
// for looking at a failure by hand).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& content);

// The clamscan binary to use, or nullopt when none is installed.
std::optional<std::string> FindClamscan();

// The `vigil` binary built with the tests, or nullopt when there is none
// (VIGIL_VIGIL overrides it).
std::optional<std::string> FindVigil();

// What one run of clamscan or `vigil scan` printed.
struct ClamscanResult {
  int exit_code = -1;
  std::string stderr_text;
  // File path -> names reported (".UNOFFICIAL" stripped unless the run
  // asked to keep names as printed).
  std::map<std::string, std::set<std::string>> found;
  // How often each file type was recognized ("binary data", "UTF-16BE
  // character data", ...), from the --debug log (clamscan only).
  std::map<std::string, int> recognized;
  // Type markers found ("HTML data", "PE", ...), from "Matched signature
  // for file type X at N" in the --debug log.
  std::map<std::string, int> markers;
  // Wall-clock time of the whole run (loading included).
  double seconds = 0;
};

// True when the scanner finished its run: exit code 0 (clean) or 1 (found);
// 2 is a load or scan error, -1 a crash (clamscan aborts on some inputs).
inline bool Completed(const ClamscanResult& r) {
  return r.exit_code == 0 || r.exit_code == 1;
}

// `clamscan --debug -z --no-summary -d db_dir files...`.
ClamscanResult RunClamscan(const std::string& clamscan,
                           const std::string& db_dir,
                           const std::vector<std::string>& files,
                           const std::string& work_dir);

// How to run a scanner in the differential tests: `-d` for each of
// `databases`, `-z --no-summary`, then `files`.
struct ScanCommand {
  std::vector<std::string> databases;
  std::vector<std::string> files;
  std::string work_dir;          // stdout/stderr captures go here
  bool debug = true;             // clamscan: --debug, for `recognized`
  bool keep_unofficial = false;  // report names exactly as printed
  std::string cache_dir;         // vigil: --cache-dir (empty: --no-cache)
};
ClamscanResult RunClamscan(const std::string& clamscan,
                           const ScanCommand& command);
// `vigil scan -z --no-summary --no-progress ...`.
ClamscanResult RunVigil(const std::string& vigil, const ScanCommand& command);

// One disagreement: input `input` and signature `name`, reported by exactly
// one side.
struct Disagreement {
  size_t input = 0;
  std::string name;
  bool by_reference = false;  // reported by the reference, not the other side
};

// Disagreements between the reference's and the other side's names for one
// input (both sorted, ".UNOFFICIAL" stripped).
void CompareNames(size_t input, const std::vector<std::string>& reference,
                  const std::set<std::string>& other,
                  std::vector<Disagreement>* out);

// A report of `disagreements` grouped by signature, with each signature's
// text and the per-subsignature counts the reference saw, for the log.
std::string DescribeDisagreements(
    const Corpus& corpus, const std::vector<Disagreement>& disagreements,
    const std::string& other_side, size_t max_signatures = 15);

}  // namespace vigil::diff

#endif  // VIGIL_TESTS_DIFF_DIFF_SUPPORT_H_

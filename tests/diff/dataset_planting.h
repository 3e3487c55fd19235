// Files that trigger the signatures of a real signature set, for
// datasets_vs_clamscan_test.
//
// A signature set is parsed with vigil's loader; each body or logical
// signature is either in scope (its bytes can be planted into a file of a
// type ClamAV matches it against) or excluded for a stated reason
// (executable-relative offsets, macro or icon subsignatures, container
// conditions, target types we do not build files for). In-scope signatures
// are grouped into files of the carrier type their target needs:
//
//   target 0, 14       binary data (reference::RandomBinary)
//   target 1           "MZ" + binary filler (CL_TYPE_MSEXE)
//   target 6           "\x7fELF" + binary filler
//   target 9           a Mach-O magic + binary filler
//   target 7           ASCII text
//   target 3           an HTML document
//
// and target-0 signatures whose literal bytes are all text go into text
// files as well. Instances come from reference::MakeInstance; a logical
// signature gets as many copies of each subsignature as its expression's
// leaves ask for (none for `i=0`), more while the reference matcher says the
// raw-pass expression does not hold (where it can tell). Anywhere-instances
// are laid out left to right with random gaps, fixed offsets (`n`, `n,m`,
// `EOF-n`) honoured; a body signature with a fixed offset or with markup
// gets a file of its own. Which planted signature clamscan then finds is
// only reported; the test compares vigil with clamscan.
#ifndef VIGIL_TESTS_DIFF_DATASET_PLANTING_H_
#define VIGIL_TESTS_DIFF_DATASET_PLANTING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reference/sig_generator.h"
#include "sigs/ir.h"

namespace vigil::diff {

enum class Carrier : uint8_t { kBinary, kPe, kElf, kMachO, kText, kHtml };
const char* CarrierName(Carrier c);

// Why a signature is not planted; nullopt when it is in scope.
std::optional<std::string> BodyExclusion(const sigs::BodySig& sig);
std::optional<std::string> LogicalExclusion(const sigs::LogicalSig& sig);

// The carrier a signature of `target` is planted into, if any.
std::optional<Carrier> CarrierFor(uint8_t target);
// True if every literal byte of `p` is printable ASCII, HT, LF or CR (and
// there is at least one): such a target-0 pattern is planted into text too.
bool IsTextPattern(const sigs::Pattern& p);

// One file built for a dataset, with the names of the signatures planted.
struct PlantedFile {
  Carrier carrier = Carrier::kBinary;
  std::vector<uint8_t> bytes;
  std::vector<std::string> planted;
};

struct PlantStats {
  std::map<std::string, size_t> excluded;  // reason -> signatures
  size_t bodies = 0;                       // body signatures planted
  size_t logicals = 0;                     // logical signatures planted
  size_t logicals_unsatisfied = 0;  // the reference says the expression fails
  size_t regexes_skipped = 0;       // PCRE subsignatures not instantiated
  size_t unplaceable = 0;           // no position fits the offsets
  size_t markup_alone = 0;          // planted alone: the pattern has markup
};

struct PlantOptions {
  // Plant every `stride`-th in-scope signature (1: all).
  size_t stride = 1;
  size_t bodies_per_file = 4;
};

// Files for the signatures of `set`; deterministic for a given `seed`.
std::vector<PlantedFile> PlantDataset(const sigs::SignatureSet& set,
                                      const PlantOptions& options,
                                      uint64_t seed, PlantStats* stats);

}  // namespace vigil::diff

#endif  // VIGIL_TESTS_DIFF_DATASET_PLANTING_H_

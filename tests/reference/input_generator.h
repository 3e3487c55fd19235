// Random inputs for the differential tests: binary data with planted
// instances (and near misses) of chosen signatures.
//
// An instance is only a likely match: the oracle is always the reference
// matcher, so nothing here has to be exact; sig_generator_test.cc checks that
// nearly all instances do match.
#ifndef VIGIL_TESTS_REFERENCE_INPUT_GENERATOR_H_
#define VIGIL_TESTS_REFERENCE_INPUT_GENERATOR_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "reference/sig_generator.h"
#include "sigs/ir.h"

namespace vigil::reference {

// Bytes a pattern matches from their first byte, with what must stand right
// before and after them (edge boundaries, ::f).
struct Instance {
  std::vector<uint8_t> bytes;
  std::optional<uint8_t> before;
  std::vector<uint8_t> after;
  // Positions of literal bytes: changing one of them breaks the match.
  std::vector<size_t> literal_positions;
};

struct InstanceOptions {
  bool nocase = false;    // flip the case of letters at random
  bool fullword = false;  // non-alphanumeric bytes around the instance
};

Instance MakeInstance(const sigs::Pattern& pattern, Rng& rng,
                      InstanceOptions options = {});
// An instance of a kBody subsignature with its modifiers (ASCII or wide form
// at random when both apply).
Instance MakeSubsigInstance(const sigs::Subsig& subsig, Rng& rng);
// An instance of a regex of the dialect SigGenerator writes; nullopt for
// anything else.
std::optional<Instance> MakeRegexInstance(std::string_view regex, Rng& rng);
// Changes one literal byte of `inst` (folding case when `nocase`); false if
// it has none.
bool MakeNearMiss(Instance* inst, Rng& rng, bool nocase = false);

// What every generated input starts with (as far as it is long): no file
// magic, and invalid as UTF-16 in both byte orders (an unpaired low
// surrogate), so that ClamAV types the data as binary rather than as UTF-16
// text, which it would decode and scan a second time. With only 00 01 02 in
// front, 60% of random inputs were typed UTF-16BE.
inline constexpr uint8_t kBinaryPrefix[] = {0x00, 0x01, 0x02, 0xdc,
                                            0x00, 0x00, 0xdc};

// `size` random bytes that ClamAV types as binary data: kBinaryPrefix first
// and several 00 bytes throughout.
std::vector<uint8_t> RandomBinary(Rng& rng, size_t size);
// A start for an instance of `len` bytes (plus `before`/`after`) that
// `offset` allows in data of `size` bytes, never inside kBinaryPrefix;
// nullopt if none fits.
std::optional<size_t> RandomStart(const sigs::Offset& offset, size_t size,
                                  const Instance& inst, Rng& rng);
// Writes `inst` at `pos`; false (and nothing written) if it does not fit.
bool Plant(std::vector<uint8_t>* data, const Instance& inst, size_t pos);

struct InputOptions {
  size_t min_size = 64;
  size_t max_size = 4096;
  // Signatures planted per input (each logical one with several subsigs).
  size_t max_plants = 6;
  double near_miss = 0.25;
};

// Random binary data with instances of random signatures of `set` planted.
std::vector<uint8_t> MakeInput(const sigs::SignatureSet& set, Rng& rng,
                               const InputOptions& options);
// Plants instances of `sig`'s subsignatures (and byte-compare values, PCRE
// instances) into `data`.
void PlantLogical(const sigs::LogicalSig& sig, std::vector<uint8_t>* data,
                  Rng& rng, double near_miss);
void PlantBody(const sigs::BodySig& sig, std::vector<uint8_t>* data, Rng& rng,
               double near_miss);

}  // namespace vigil::reference

#endif  // VIGIL_TESTS_REFERENCE_INPUT_GENERATOR_H_

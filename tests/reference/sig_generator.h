// Random signatures for the differential tests: IR plus ClamAV text.
//
// SigGenerator draws body (.ndb) and logical (.ldb) signatures from every
// syntax form of ClamAV's extended hex format (literals, `??`, nibbles, `*`,
// `{n}`, `{-n}`, `{n-}`, `{n-m}`, sets and negated sets, fixed and generic
// alternatives, negated fixed alternatives, `aa[x-y]HEX`, `HEX[x-y]aa`, (B)
// (L) (W), offsets `*` `n` `n,m` `EOF-n` `EOF-n,m`), logical signatures with
// count conditions, ::i ::w ::f ::a, PCRE and byte-compare subsignatures and
// TDB variations. It stays inside what ClamAV 1.4.6 loads and outside the
// cases docs/matching-semantics.md lists as deliberately excluded (sections 8
// and 9 there). The renderers turn IR back into ClamAV text; the input
// generator (input_generator.h) plants instances into random binary data.
//
// Everything is a pure function of the seed. Tested by sig_generator_test.cc
// and, against the text parser, by tests/diff/generator_roundtrip_test.cc.
#ifndef VIGIL_TESTS_REFERENCE_SIG_GENERATOR_H_
#define VIGIL_TESTS_REFERENCE_SIG_GENERATOR_H_

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sigs/ir.h"

namespace vigil::reference {

// A small seeded random source with the draws the generators need.
class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  // Uniform in [lo, hi] (inclusive).
  uint64_t Uniform(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(gen_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(gen_); }
  uint8_t Byte() { return static_cast<uint8_t>(Uniform(0, 255)); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Uniform(0, v.size() - 1)];
  }

 private:
  std::mt19937_64 gen_;
};

// Which syntax forms the generator may use (all by default).
struct GeneratorOptions {
  bool nibbles = true;       // a? ?a
  bool wildcards = true;     // ?? {n}
  bool sets = true;          // (aa|bb) !(aa|bb)
  bool alternations = true;  // (aabb|ccdd) !(aabb|ccdd) (aa|bbcc) (aa??|bb)
  bool boundaries = true;    // (B) (L) (W)
  bool split_gaps = true;    // * {n-m} {n-} {-n} {n>=128}
  bool range_gaps = true;    // aa[x-y]HEXSIG, HEXSIG[x-y]aa
  bool offsets = true;       // n  n,m  EOF-n  EOF-n,m
  bool modifiers = true;     // ::i ::w ::f ::a
  bool pcre = true;
  bool byte_compare = true;
  bool counts = true;       // =X >X <X and ,Y in expressions
  bool tdb_variety = true;  // FileSize, Target != 0, Engine ranges
};

class SigGenerator {
 public:
  explicit SigGenerator(uint64_t seed, GeneratorOptions options = {});

  // A pattern ClamAV accepts as a .ndb body (`for_ndb`) or an .ldb subsig;
  // without `with_prefix` every part starts with its literal run (what a
  // subsignature with modifiers needs).
  sigs::Pattern Pattern(bool for_ndb, bool with_prefix = true);
  sigs::Offset Offset();
  sigs::BodySig BodySig(std::string name);
  sigs::LogicalSig LogicalSig(std::string name);
  // `bodies` body and `logicals` logical signatures named
  // "<prefix>.N<i>" and "<prefix>.L<i>".
  sigs::SignatureSet Set(size_t bodies, size_t logicals,
                         std::string_view prefix);

  Rng& rng() { return rng_; }

 private:
  void AddPart(sigs::Pattern* p);
  void AddElement(sigs::Pattern* p, bool prefix);
  void AddFixedGap(sigs::Pattern* p, uint32_t n);
  void AddAlternation(sigs::Pattern* p);
  std::vector<sigs::Node> AlternationBranch(size_t len, bool allow_wild);
  void AddSplitGap(sigs::Pattern* p);
  sigs::Pattern RangeGapPattern();
  sigs::Subsig BodySubsig();
  sigs::Subsig PcreSubsig(const std::vector<uint32_t>& bodies);
  sigs::Subsig ByteCompareSubsig(const std::vector<uint32_t>& fixed);
  sigs::Expr RandomExpr(std::vector<uint32_t> ids, int depth);
  sigs::Expr Trigger(const std::vector<uint32_t>& ids);
  std::string RandomRegex();
  uint8_t LiteralByteForRegex();

  Rng rng_;
  GeneratorOptions options_;
  // State of the pattern being built: whether it has a range gap yet (after
  // which `{n}` splits), and whether parts may have prefix elements.
  bool range_seen_ = false;
  bool with_prefix_ = true;
};

// True if `pattern` always matches a fixed number of bytes from a fixed start
// (no gaps of variable length, no alternation branches of unequal length, no
// consuming boundaries): what a byte-compare trigger needs.
bool IsFixedLength(const sigs::Pattern& pattern);

// ---------------------------------------------------------------- rendering

// ClamAV's extended hex syntax for `pattern`. A bounded gap of at most 32
// next to a single literal byte at either end of the pattern renders as
// `[x-y]` (the only form ClamAV accepts there); other gaps as `*`, `{n}`,
// `{-n}`, `{n-}`, `{n-m}`. A set of more than 128 bytes renders negated.
std::string RenderHexPattern(const sigs::Pattern& pattern);
std::string RenderOffset(const sigs::Offset& offset);
// Sub-expressions: junctions in parentheses, then any count condition.
std::string RenderExpr(const sigs::Expr& expr);
// The same without the outer parentheses a bare junction does not need.
std::string RenderTopLevelExpr(const sigs::Expr& expr);
std::string RenderSubsig(const sigs::Subsig& subsig);
std::string RenderTargetDesc(const sigs::TargetDesc& tdb);
// One database line each, without the newline.
std::string RenderNdbLine(const sigs::BodySig& sig);
std::string RenderLdbLine(const sigs::LogicalSig& sig);

}  // namespace vigil::reference

#endif  // VIGIL_TESTS_REFERENCE_SIG_GENERATOR_H_

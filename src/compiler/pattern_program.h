// From a signature pattern to what the scanner runs: an anchor for the
// pattern engine and verification programs around it.
//
// The strategy (docs/matching.md has the measurements behind it):
//
// Vectorscan is very fast at finding many short, fixed-length patterns and
// slow to compile (and sometimes explosive) on long ones with large gaps,
// `*`, negations and context checks, which ClamAV signatures have plenty
// of. So every signature gives the pattern engine only its *anchor*: the
// contiguous, fixed-width window of at most kMaxAnchorWidth bytes that
// carries the most information (literal bytes count 8 bits, less for
// bytes common in files such as 00 and ff; a nibble 4; a class of k bytes
// log2(256/k); `??` nothing). Identical anchors are shared. When the
// pattern engine reports an anchor's end offset, the scanner verifies the
// rest exactly: the part left of the anchor backwards from the anchor's
// start, the part right of it forwards from its end. Both parts are small
// programs (db::Insn) with literal runs, classes, gaps, alternations and
// boundaries; the backwards one stores everything reversed.
//
// Signatures at a fixed offset (`n`, `EOF-n`, with a small MaxShift) need
// no anchor at all: the scanner runs their whole program from the one or
// few allowed start positions.
#ifndef VIGIL_COMPILER_PATTERN_PROGRAM_H_
#define VIGIL_COMPILER_PATTERN_PROGRAM_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "db/format.h"
#include "db/writer.h"
#include "sigs/ir.h"

namespace vigil::compiler {

inline constexpr uint32_t kMaxAnchorWidth = 32;
// Largest MaxShift for which a fixed-offset signature is checked at each
// allowed start instead of through the pattern engine.
inline constexpr uint64_t kMaxFixedShift = 16;

// A pattern after modifiers (nocase, wide) are applied, in the compiler's
// own element form.
struct Elem {
  enum class Kind : uint8_t {
    kLiteral,
    kNocase,
    kMasked,
    kAny,
    kSet,
    kGap,
    kAlternation,
    kBoundary
  };
  Kind kind = Kind::kLiteral;
  uint8_t value = 0;          // kLiteral, kNocase (lower case), kMasked
  uint8_t mask = 0;           // kMasked
  uint32_t set = 0;           // kSet: index into ProgramBuilder's set table
  uint32_t min = 0, max = 0;  // kGap
  uint32_t alt = 0;           // kAlternation: index into ElemPattern::alts
  sigs::BoundaryKind boundary = sigs::BoundaryKind::kWord;
  db::BoundaryEdge edge = db::BoundaryEdge::kConsume;  // kBoundary
};

struct ElemAlternation {
  bool negated = false;
  std::vector<std::vector<Elem>> branches;
};

// The lone byte of `aa[x-y]HEXSIG` / `HEXSIG[x-y]aa`: not part of the
// match, checked around it.
struct ByteContext {
  db::ContextSide side = db::ContextSide::kNone;
  uint8_t byte = 0;
  uint32_t min = 0, max = 0;
};

struct ElemPattern {
  std::vector<Elem> elems;
  std::vector<ElemAlternation> alts;
  ByteContext context;
};

// What one pattern signature compiles to.
struct CompiledPattern {
  db::PatternSigRecord record{};  // program fields filled; owner fields not
  std::string anchor_regex;       // empty for fixed-offset signatures
  int32_t fixed_key = -1;         // fixed-offset: first two literal bytes
};

class ProgramBuilder {
 public:
  explicit ProgramBuilder(db::DbWriter* writer) : writer_(writer) {}

  // Converts IR to elements, applying ::i and ::w, separating the context
  // byte of `[x-y]` and placing boundaries in their parts.
  ElemPattern Lower(const sigs::Pattern& p, bool nocase, bool wide);

  // Variants of `p` that each have a usable anchor: normally just `p`; a
  // pattern whose only informative part is a variable-length alternation is
  // split into one variant per branch.
  std::vector<ElemPattern> AnchorableVariants(ElemPattern p);

  // Emits the programs of one variant. `fixed` selects fixed-offset mode (no
  // anchor; the whole program runs forwards from each allowed start).
  CompiledPattern Build(const ElemPattern& p, bool fixed);

 private:
  uint32_t InternSet(const sigs::ByteSet& s);
  Elem ByteElem(const sigs::Pattern& p, const sigs::Node& n, bool nocase);
  // Emits elements [first, last) of `p` in the given direction; returns
  // (first insn, count).
  std::pair<uint32_t, uint32_t> Emit(const ElemPattern& p, size_t first,
                                     size_t last, bool backwards);
  void EmitBranchInsns(const std::vector<Elem>& elems, bool backwards,
                       std::vector<db::Insn>* out);
  void EmitOne(const ElemPattern& p, const Elem& e, bool backwards,
               std::vector<db::Insn>* out, std::vector<uint8_t>* run,
               bool* run_nocase);
  uint32_t EmitAlternation(const ElemPattern& p, const ElemAlternation& a);
  std::string Regex(const ElemPattern& p, size_t first, size_t last) const;
  std::string ElemRegex(const ElemPattern& p, const Elem& e) const;

  db::DbWriter* writer_;
  std::map<std::array<uint64_t, 4>, uint32_t> sets_;
  std::vector<sigs::ByteSet> set_table_;
  std::map<std::vector<uint8_t>, uint32_t> literal_runs_;
};

// Width in bytes of an element if fixed, else nullopt.
std::optional<uint32_t> FixedWidth(const ElemPattern& p, const Elem& e);

}  // namespace vigil::compiler

#endif  // VIGIL_COMPILER_PATTERN_PROGRAM_H_

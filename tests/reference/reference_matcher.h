// The reference matcher: a slow, obviously correct implementation of what
// ClamAV 1.4.6 reports for body (.ndb) and logical (.ldb) signatures, used as
// the oracle of the differential tests in tests/diff/.
//
// Nothing here is clever. A pattern is matched by trying every start position
// the offset allows and, from each, stepping the set of reachable end
// positions through the node list one node at a time (a breadth-first walk of
// the obvious nondeterministic automaton). Counts, expressions, PCRE and
// byte-compare subsignatures follow directly from the rules written down in
// docs/matching-semantics.md, each of which was established by running
// clamscan. Every function is a direct transcription of one rule.
//
// Tested by reference_matcher_test.cc; used by tests/diff/*.
#ifndef VIGIL_TESTS_REFERENCE_REFERENCE_MATCHER_H_
#define VIGIL_TESTS_REFERENCE_REFERENCE_MATCHER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sigs/ir.h"
#include "vigil/bytes.h"

namespace vigil::reference {

// A match [first, second): start and (exclusive) end in the data.
using Match = std::pair<size_t, size_t>;

// ClamAV does not scan objects of this many bytes or fewer at all.
inline constexpr size_t kMaxUnscannedSize = 5;

// Gaps `{n}` with n below this can be fixed: ClamAV expands them into `??`
// unless a range gap comes before them (see SplittingGaps).
inline constexpr uint32_t kFixedGapLimit = 128;

// Which gap nodes split the pattern into parts (ClamAV's subpatterns): `*`,
// every range (`{n-m}`, `{n-}`, `{-n}`, `{n}` with n >= kFixedGapLimit), and a
// small fixed `{n}` anywhere after a range (a `*` is no range here). A small
// fixed `{n}` before the first range is expanded to `??`s and does not split.
std::vector<bool> SplittingGaps(const std::vector<sigs::Node>& nodes);

// How a boundary node matches where it stands: first in its part (after a
// splitting gap or at the pattern start) it looks at the byte before, last in
// its part at the byte after, anywhere else it consumes a byte ("\r\n" for
// (L)).
enum class BoundaryEdge { kLookbehind, kLookahead, kConsume };
BoundaryEdge BoundaryEdgeAt(const std::vector<sigs::Node>& nodes, size_t i);
// Whether a boundary of `kind` standing at `edge` accepts byte `b` (as the
// byte it consumes, or the one before/after it). ClamAV's (B) accepts
// different bytes on each side: before " -./<@_", after "\n\r \"'-/=>_",
// inside a part the union of both.
bool InBoundaryClass(sigs::BoundaryKind kind, BoundaryEdge edge, uint8_t b);

// `aa[x-y]HEXSIG` (kLeft) and `HEXSIG[x-y]aa` (kRight): a single literal
// byte, a bounded gap of at most 32 that is not a plain `{n}`, and a rest that
// ClamAV matches as the signature proper. The lone byte is only looked for,
// x to y bytes away, outside the match: offsets constrain where HEXSIG starts
// and the match is HEXSIG alone. (An IR Gap(n, n) cannot tell `[n]` from
// `{n}`; it is read as `{n}`.)
enum class RangeAnchor { kNone, kLeft, kRight };
RangeAnchor RangeAnchorOf(const sigs::Pattern& pattern);

// The inclusive range of start positions that `offset` allows in data of
// `size` bytes, or nullopt when it allows none. Executable-relative and macro
// offsets allow none here (the reference knows no executable formats).
std::optional<std::pair<size_t, size_t>> StartRange(const sigs::Offset& offset,
                                                    size_t size);

// All matches of `pattern` in `data` whose start `offset` allows, sorted.
// `nocase` folds ASCII letters of literal bytes, sets and alternation
// branches (the ::i modifier); nibble-masked bytes compare raw.
std::vector<Match> FindMatches(const sigs::Pattern& pattern,
                               const sigs::Offset& offset, ByteView data,
                               bool nocase = false);

// The ::w form of `pattern`: every byte-consuming node followed by a 00
// literal (also inside alternation branches); gaps and boundaries unchanged.
sigs::Pattern WidePattern(const sigs::Pattern& pattern);

// Matches of a kBody subsignature with its modifiers (i, w, a, f) applied:
// the union of the ASCII and wide forms it asks for, each filtered by the
// fullword rule of its form.
std::vector<Match> FindSubsigMatches(const sigs::Subsig& subsig, ByteView data);

// The count ClamAV gives a subsignature: the number of distinct end positions.
uint64_t CountDistinctEnds(const std::vector<Match>& matches);

// The value of a logical expression (a sub-expression) over subsignature
// counts; see docs/matching-semantics.md "Logical expressions".
struct ExprValue {
  bool ok = false;
  uint64_t count = 0;
  uint64_t ids = 0;  // bit i: subsignature i counts as matched here
};
ExprValue EvaluateExpr(const sigs::Expr& expr,
                       std::span<const uint64_t> counts);

// Per-subsignature counts of `sig` on `data` (PCRE and byte-compare
// subsignatures included, evaluated in index order after the body ones).
std::vector<uint64_t> SubsigCounts(const sigs::LogicalSig& sig, ByteView data);

// The count of a PCRE subsignature whose trigger holds: the number of matches
// the ClamAV-style search finds. Returns nullopt if the regex does not compile.
std::optional<uint64_t> PcreMatchCount(const sigs::PcreSubsig& pcre,
                                       ByteView data);

// 1 if the byte compare holds at the last match of its trigger, else 0.
uint64_t ByteCompareCount(const sigs::ByteCompare& bc,
                          const std::vector<Match>& trigger_matches,
                          ByteView data);

// Whether a target type applies under `target_mask` (bit t = target t).
inline bool TargetApplies(uint8_t target, uint16_t target_mask) {
  return target < 16 && ((target_mask >> target) & 1u) != 0;
}

bool BodySigMatches(const sigs::BodySig& sig, ByteView data,
                    uint16_t target_mask);
bool LogicalSigMatches(const sigs::LogicalSig& sig, ByteView data,
                       uint16_t target_mask);

// Names of the file-hash, body and logical signatures of `set` that match
// `data` in one matching pass in which signatures of the target types in
// `target_mask` apply; sorted, without duplicates. Empty for data of
// kMaxUnscannedSize bytes or fewer, as in ClamAV.
std::vector<std::string> MatchingSignatures(const sigs::SignatureSet& set,
                                            ByteView data,
                                            uint16_t target_mask);

}  // namespace vigil::reference

#endif  // VIGIL_TESTS_REFERENCE_REFERENCE_MATCHER_H_

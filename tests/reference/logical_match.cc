// Logical signatures in the reference matcher: expressions over counts,
// PCRE and byte-compare subsignatures, target descriptions, and the
// per-signature-set entry point. The rules are those of
// docs/matching-semantics.md, each established against clamscan 1.4.6.
#include <algorithm>
#include <bit>

#include "core/hash.h"
#include "reference/reference_matcher.h"

namespace vigil::reference {
namespace {

using sigs::Expr;

bool CountHolds(Expr::CountOp op, uint64_t value, uint64_t x) {
  switch (op) {
    case Expr::CountOp::kNone:
      return value > 0;
    case Expr::CountOp::kEq:
      return value == x;
    case Expr::CountOp::kGt:
      return value > x;
    case Expr::CountOp::kLt:
      return value < x;
  }
  return false;
}

ExprValue Fail() { return ExprValue{}; }

// A leaf: with a count condition it holds when the condition does (even for
// 0 matches, e.g. `0=0`) and then contributes its count and its id; without
// one it holds when the subsignature matched at all. Y is ignored on leaves.
ExprValue EvaluateLeaf(const Expr& expr, std::span<const uint64_t> counts) {
  uint64_t c = expr.subsig < counts.size() ? counts[expr.subsig] : 0;
  if (!CountHolds(expr.op, c, expr.count)) return Fail();
  uint64_t id = expr.subsig < 64 ? (uint64_t{1} << expr.subsig) : 0;
  return ExprValue{true, c, id};
}

// `&`/`|` over the children: when it holds it contributes the sum of its
// children's counts and the union of their ids; when it fails, nothing.
ExprValue EvaluateJunction(const Expr& expr, std::span<const uint64_t> counts) {
  bool is_and = expr.kind == Expr::Kind::kAnd;
  bool ok = is_and;
  ExprValue sum;
  for (const Expr& child : expr.children) {
    ExprValue v = EvaluateExpr(child, counts);
    ok = is_and ? (ok && v.ok) : (ok || v.ok);
    sum.count += v.count;
    sum.ids |= v.ids;
  }
  if (!ok) return Fail();
  sum.ok = true;
  return sum;
}

}  // namespace

// A block with a count condition (`(A|B)>X,Y`) holds when the count of its
// junction (0 if the junction fails) satisfies the condition and, with Y, at
// least Y distinct subsignatures are among its ids. It then contributes its
// count but no ids to an enclosing block.
ExprValue EvaluateExpr(const sigs::Expr& expr,
                       std::span<const uint64_t> counts) {
  if (expr.kind == Expr::Kind::kSubsig) return EvaluateLeaf(expr, counts);
  ExprValue inner = EvaluateJunction(expr, counts);
  if (expr.op == Expr::CountOp::kNone) return inner;
  if (!CountHolds(expr.op, inner.count, expr.count)) return Fail();
  if (expr.distinct &&
      static_cast<uint32_t>(std::popcount(inner.ids)) < *expr.distinct) {
    return Fail();
  }
  return ExprValue{true, inner.count, 0};
}

std::vector<uint64_t> SubsigCounts(const sigs::LogicalSig& sig, ByteView data) {
  std::vector<uint64_t> counts(sig.subsigs.size(), 0);
  std::vector<std::vector<Match>> matches(sig.subsigs.size());
  for (size_t i = 0; i < sig.subsigs.size(); ++i) {
    if (sig.subsigs[i].kind != sigs::Subsig::Kind::kBody) continue;
    matches[i] = FindSubsigMatches(sig.subsigs[i], data);
    counts[i] = CountDistinctEnds(matches[i]);
  }
  for (size_t i = 0; i < sig.subsigs.size(); ++i) {
    const sigs::Subsig& sub = sig.subsigs[i];
    if (sub.kind != sigs::Subsig::Kind::kByteCompare) continue;
    uint32_t t = sub.byte_compare.trigger;
    if (t < matches.size()) {
      counts[i] = ByteCompareCount(sub.byte_compare, matches[t], data);
    }
  }
  for (size_t i = 0; i < sig.subsigs.size(); ++i) {
    const sigs::Subsig& sub = sig.subsigs[i];
    if (sub.kind != sigs::Subsig::Kind::kPcre) continue;
    if (!EvaluateExpr(sub.pcre.trigger, counts).ok) continue;
    counts[i] = PcreMatchCount(sub.pcre, data).value_or(0);
  }
  return counts;
}

namespace {

bool InRange(const std::optional<sigs::Range64>& r, uint64_t v) {
  return !r || (v >= r->min && v <= r->max);
}

// Target description checks that a top-level object of unknown executable
// format can satisfy; anything needing an executable parser, an icon, a
// container or a handler never matches here.
bool TargetDescriptionHolds(const sigs::TargetDesc& tdb, size_t size,
                            uint16_t target_mask) {
  if (!tdb.engine.Includes(sigs::kEngineFlevel)) return false;
  if (!TargetApplies(tdb.target.value_or(0), target_mask)) return false;
  if (!InRange(tdb.file_size, size)) return false;
  if (tdb.entry_point || tdb.number_of_sections) return false;
  if (tdb.icon_group1 || tdb.icon_group2 || tdb.handler_type) return false;
  if (!tdb.intermediates.empty()) return false;
  return !tdb.container || *tdb.container == "CL_TYPE_ANY";
}

bool HashSigMatches(const sigs::HashSig& sig, ByteView data) {
  if (sig.scope != sigs::HashScope::kFile) return false;
  if (!sig.flevel.Includes(sigs::kEngineFlevel)) return false;
  if (sig.size && *sig.size != data.size()) return false;
  return core::HashBytes(sig.algo, data) == sig.digest;
}

}  // namespace

bool BodySigMatches(const sigs::BodySig& sig, ByteView data,
                    uint16_t target_mask) {
  if (!sig.flevel.Includes(sigs::kEngineFlevel)) return false;
  if (!TargetApplies(sig.target, target_mask)) return false;
  return !FindMatches(sig.pattern, sig.offset, data).empty();
}

bool LogicalSigMatches(const sigs::LogicalSig& sig, ByteView data,
                       uint16_t target_mask) {
  if (!TargetDescriptionHolds(sig.tdb, data.size(), target_mask)) return false;
  std::vector<uint64_t> counts = SubsigCounts(sig, data);
  return EvaluateExpr(sig.expr, counts).ok;
}

std::vector<std::string> MatchingSignatures(const sigs::SignatureSet& set,
                                            ByteView data,
                                            uint16_t target_mask) {
  std::vector<std::string> names;
  if (data.size() <= kMaxUnscannedSize) return names;
  for (const sigs::HashSig& sig : set.hashes) {
    if (HashSigMatches(sig, data)) names.push_back(sig.name);
  }
  for (const sigs::BodySig& sig : set.bodies) {
    if (BodySigMatches(sig, data, target_mask)) names.push_back(sig.name);
  }
  for (const sigs::LogicalSig& sig : set.logicals) {
    if (LogicalSigMatches(sig, data, target_mask)) names.push_back(sig.name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace vigil::reference

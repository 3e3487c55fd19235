// Random logical signatures: body subsignatures with modifiers, PCRE and
// byte-compare subsignatures, and expressions with count conditions.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <string>

#include "reference/sig_generator.h"

namespace vigil::reference {
namespace {

using sigs::Expr;

Expr Leaf(uint32_t id) {
  Expr e;
  e.kind = Expr::Kind::kSubsig;
  e.subsig = id;
  return e;
}

// A count condition. `<X` and `=0` hold when nothing matched, so they are
// drawn less often (a signature that holds on every input tests little).
void RandomCondition(Rng& rng, uint32_t max_count, Expr* e) {
  uint64_t r = rng.Uniform(0, 99);
  if (r < 45) {
    e->op = Expr::CountOp::kGt;
    e->count = static_cast<uint32_t>(rng.Uniform(0, max_count));
  } else if (r < 85) {
    e->op = Expr::CountOp::kEq;
    e->count = static_cast<uint32_t>(rng.Uniform(1, max_count));
  } else if (r < 93) {
    e->op = Expr::CountOp::kLt;
    e->count = static_cast<uint32_t>(rng.Uniform(1, max_count));
  } else {
    e->op = Expr::CountOp::kEq;
    e->count = 0;
  }
}

std::string RegexChar(uint8_t c) {
  if (std::isalnum(c) != 0) return std::string(1, static_cast<char>(c));
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

uint64_t MaxValue(const sigs::ByteCompare& bc) {
  using Base = sigs::ByteCompare::Base;
  uint64_t digits = bc.num_bytes;
  switch (bc.base) {
    case Base::kRaw:
      return bc.num_bytes >= 8 ? UINT64_MAX
                               : (uint64_t{1} << (8 * bc.num_bytes)) - 1;
    case Base::kHex:
      return (uint64_t{1} << (4 * digits)) - 1;
    case Base::kAuto:
      digits = bc.num_bytes - 2;
      break;
    case Base::kDecimal:
      break;
  }
  uint64_t v = 1;
  for (uint64_t i = 0; i < digits; ++i) v *= 10;
  return v - 1;
}

}  // namespace

// Every id appears once; ids are split into 2-3 groups joined by & or |,
// and leaves and blocks get count conditions now and then.
sigs::Expr SigGenerator::RandomExpr(std::vector<uint32_t> ids, int depth) {
  if (ids.size() == 1) {
    Expr e = Leaf(ids[0]);
    if (options_.counts && rng_.Chance(0.25)) RandomCondition(rng_, 3, &e);
    return e;
  }
  for (size_t i = ids.size() - 1; i > 0; --i) {
    std::swap(ids[i], ids[rng_.Uniform(0, i)]);
  }
  size_t groups = std::min<size_t>(ids.size(), rng_.Uniform(2, 3));
  std::vector<size_t> cuts;
  for (size_t g = 1; g < groups; ++g) cuts.push_back(g);  // at least 1 each
  for (size_t& c : cuts) c = c + rng_.Uniform(0, ids.size() - groups);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  Expr e;
  e.kind = rng_.Chance(0.5) ? Expr::Kind::kAnd : Expr::Kind::kOr;
  size_t begin = 0;
  cuts.push_back(ids.size());
  for (size_t end : cuts) {
    std::vector<uint32_t> part(ids.begin() + static_cast<ptrdiff_t>(begin),
                               ids.begin() + static_cast<ptrdiff_t>(end));
    e.children.push_back(RandomExpr(std::move(part), depth + 1));
    begin = end;
  }
  if (options_.counts && rng_.Chance(0.3)) {
    RandomCondition(rng_, 5, &e);
    if (rng_.Chance(0.5)) {
      e.distinct = static_cast<uint32_t>(
          rng_.Uniform(1, std::min<size_t>(3, ids.size())));
    }
  }
  return e;
}

sigs::Expr SigGenerator::Trigger(const std::vector<uint32_t>& ids) {
  if (ids.size() == 1 || rng_.Chance(0.6)) return Leaf(rng_.Pick(ids));
  Expr e;
  e.kind = rng_.Chance(0.5) ? Expr::Kind::kAnd : Expr::Kind::kOr;
  uint32_t a = rng_.Pick(ids);
  uint32_t b = rng_.Pick(ids);
  while (b == a) b = rng_.Pick(ids);
  e.children = {Leaf(a), Leaf(b)};
  return e;
}

// A regex of the small dialect input_generator.cc can make instances of:
// items of a literal (alnum or \xHH), a class, or a group of alternatives,
// each with an optional bounded quantifier. It never matches the empty string.
std::string SigGenerator::RandomRegex() {
  static const std::vector<std::string> kClasses = {"[a-f]", "[0-9]", "\\d",
                                                    "[A-Z]", "."};
  std::string re;
  for (uint64_t i = rng_.Uniform(3, 6); i > 0; --i) {
    uint64_t r = rng_.Uniform(0, 99);
    if (r < 65) {
      re += RegexChar(rng_.Chance(0.8) ? LiteralByteForRegex() : rng_.Byte());
    } else if (r < 85) {
      re += rng_.Pick(kClasses);
    } else {
      re += "(" + RegexChar(LiteralByteForRegex()) + RegexChar('x') + "|" +
            RegexChar(LiteralByteForRegex()) + ")";
      continue;
    }
    if (rng_.Chance(0.2)) {
      re += rng_.Chance(0.5) ? "{2}" : "{1,3}";
    }
  }
  return re;
}

uint8_t SigGenerator::LiteralByteForRegex() {
  static const std::string kChars = "abcdefXYZ0123456789";
  return static_cast<uint8_t>(kChars[rng_.Uniform(0, kChars.size() - 1)]);
}

sigs::Subsig SigGenerator::PcreSubsig(const std::vector<uint32_t>& bodies) {
  sigs::Subsig s;
  s.kind = sigs::Subsig::Kind::kPcre;
  s.pcre.trigger = Trigger(bodies);
  s.pcre.regex = RandomRegex();
  s.pcre.offset = Offset();
  bool exact = s.pcre.offset.kind != sigs::Offset::Kind::kAny &&
               s.pcre.offset.max_shift == 0;
  bool floating = s.pcre.offset.max_shift > 0;
  if (rng_.Chance(0.5)) s.pcre.flags += 'g';
  if (exact && rng_.Chance(0.5)) s.pcre.flags += 'r';
  if (floating && rng_.Chance(0.5)) s.pcre.flags += 'e';
  if (rng_.Chance(0.2)) s.pcre.flags += 'i';
  if (rng_.Chance(0.1)) s.pcre.flags += 's';
  if (rng_.Chance(0.05)) s.pcre.flags += 'U';
  return s;
}

sigs::Subsig SigGenerator::ByteCompareSubsig(
    const std::vector<uint32_t>& fixed) {
  using Base = sigs::ByteCompare::Base;
  using Op = sigs::ByteCompare::Comparison::Op;
  sigs::Subsig s;
  s.kind = sigs::Subsig::Kind::kByteCompare;
  sigs::ByteCompare& bc = s.byte_compare;
  bc.trigger = rng_.Pick(fixed);
  bc.offset = rng_.Chance(0.8) ? static_cast<int64_t>(rng_.Uniform(0, 12))
                               : -static_cast<int64_t>(rng_.Uniform(1, 6));
  switch (rng_.Uniform(0, 9)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
      bc.base = Base::kRaw;
      bc.num_bytes =
          static_cast<uint32_t>(rng_.Pick(std::vector<uint32_t>{1, 2, 4, 8}));
      bc.little_endian = rng_.Chance(0.5);
      bc.exact = true;
      break;
    case 5:
    case 6:
      bc.base = Base::kHex;
      bc.num_bytes = static_cast<uint32_t>(2 * rng_.Uniform(1, 4));
      bc.little_endian = rng_.Chance(0.5);
      bc.exact = rng_.Chance(0.5);
      break;
    case 7:
    case 8:
      bc.base = Base::kDecimal;
      bc.num_bytes = static_cast<uint32_t>(rng_.Uniform(1, 6));
      bc.little_endian = false;
      bc.exact = rng_.Chance(0.5);
      break;
    default:
      bc.base = Base::kAuto;
      bc.num_bytes = static_cast<uint32_t>(rng_.Uniform(3, 6));
      bc.little_endian = false;
      bc.exact = false;
      break;
  }
  uint64_t max = MaxValue(bc);
  uint64_t v = rng_.Uniform(0, std::min<uint64_t>(max, 1000000));
  if (rng_.Chance(0.3) && v > 0 && v < max) {
    uint64_t hi = rng_.Uniform(v + 1, std::min<uint64_t>(max, v + 100000));
    bc.comparisons = {{Op::kGreater, v}, {Op::kLess, hi}};
  } else {
    Op op = rng_.Pick(std::vector<Op>{Op::kLess, Op::kGreater, Op::kEqual});
    bc.comparisons = {{op, v}};
  }
  return s;
}

sigs::LogicalSig SigGenerator::LogicalSig(std::string name) {
  sigs::LogicalSig sig;
  sig.name = std::move(name);
  sig.tdb.engine = {81, 255};
  sig.tdb.target = 0;
  std::vector<uint32_t> bodies;
  std::vector<uint32_t> fixed;
  for (uint64_t i = rng_.Uniform(1, 4); i > 0; --i) {
    auto id = static_cast<uint32_t>(sig.subsigs.size());
    sig.subsigs.push_back(BodySubsig());
    bodies.push_back(id);
    const sigs::Subsig& s = sig.subsigs.back();
    bool plain = !s.modifiers.nocase && !s.modifiers.wide &&
                 !s.modifiers.fullword && !s.modifiers.ascii;
    if (plain && IsFixedLength(s.pattern)) fixed.push_back(id);
  }
  if (options_.byte_compare && !fixed.empty() && rng_.Chance(0.35)) {
    sig.subsigs.push_back(ByteCompareSubsig(fixed));
  }
  if (options_.pcre && rng_.Chance(0.25)) {
    sig.subsigs.push_back(PcreSubsig(bodies));
  }
  std::vector<uint32_t> ids(sig.subsigs.size());
  std::iota(ids.begin(), ids.end(), 0u);
  sig.expr = RandomExpr(ids, 0);
  if (options_.tdb_variety) {
    uint64_t r = rng_.Uniform(0, 99);
    if (r < 10) {
      uint64_t lo = rng_.Uniform(0, 2000);
      sig.tdb.file_size = sigs::Range64{lo, lo + rng_.Uniform(0, 3000)};
    } else if (r < 13) {
      sig.tdb.target = 1;
    } else if (r < 16) {
      sig.tdb.engine = {217, 255};
    }
  }
  return sig;
}

sigs::SignatureSet SigGenerator::Set(size_t bodies, size_t logicals,
                                     std::string_view prefix) {
  sigs::SignatureSet set;
  for (size_t i = 0; i < bodies; ++i) {
    set.bodies.push_back(
        BodySig(std::string(prefix) + ".N" + std::to_string(i)));
  }
  for (size_t i = 0; i < logicals; ++i) {
    set.logicals.push_back(
        LogicalSig(std::string(prefix) + ".L" + std::to_string(i)));
  }
  return set;
}

}  // namespace vigil::reference

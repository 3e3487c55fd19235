// The reference matcher against the behaviour observed with clamscan 1.4.6
// (each case is one row of docs/matching-semantics.md).
#include "reference/reference_matcher.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::reference {
namespace {

using sigs::BoundaryKind;
using sigs::Expr;
using sigs::Node;
using sigs::Offset;

// Builds patterns without a text parser.
class P {
 public:
  P& Lit(std::string_view s) {
    for (char c : s) p_.nodes.push_back(Node::Literal(static_cast<uint8_t>(c)));
    return *this;
  }
  P& Byte(uint8_t b) {
    p_.nodes.push_back(Node::Literal(b));
    return *this;
  }
  P& Any() {
    p_.nodes.push_back(Node::AnyByte());
    return *this;
  }
  P& Masked(uint8_t v, uint8_t m) {
    p_.nodes.push_back(Node::Masked(v, m));
    return *this;
  }
  P& Gap(uint32_t lo, uint32_t hi) {
    p_.nodes.push_back(Node::Gap(lo, hi));
    return *this;
  }
  P& Star() { return Gap(0, Node::kUnbounded); }
  P& B(BoundaryKind k = BoundaryKind::kWord) {
    p_.nodes.push_back(Node::Boundary(k));
    return *this;
  }
  P& Set(std::string_view members, bool negated = false) {
    sigs::ByteSet set;
    for (char c : members) set.set(static_cast<uint8_t>(c));
    if (negated) set.flip();
    p_.sets.push_back(set);
    p_.nodes.push_back(Node::Set(static_cast<int32_t>(p_.sets.size() - 1)));
    return *this;
  }
  P& Alt(std::vector<std::string_view> branches, bool negated = false) {
    sigs::Alternation alt;
    alt.negated = negated;
    for (auto b : branches) {
      std::vector<Node> nodes;
      for (char c : b) nodes.push_back(Node::Literal(static_cast<uint8_t>(c)));
      alt.branches.push_back(nodes);
    }
    p_.alternations.push_back(alt);
    p_.nodes.push_back(
        Node::Alternation(static_cast<uint32_t>(p_.alternations.size() - 1)));
    return *this;
  }
  operator sigs::Pattern() const { return p_; }  // NOLINT

 private:
  sigs::Pattern p_;
};

const std::string kZ("\x00\x00\x00\x00\x01\x02", 6);
const std::string kXNul("x\0", 2);

uint64_t Count(const sigs::Pattern& p, std::string_view data, Offset off = {}) {
  return CountDistinctEnds(FindMatches(p, off, AsBytes(data)));
}

uint64_t CountSub(const sigs::Subsig& s, std::string_view data) {
  return CountDistinctEnds(FindSubsigMatches(s, AsBytes(data)));
}

sigs::Subsig Body(const sigs::Pattern& p, std::string_view mods = "",
                  Offset off = {}) {
  sigs::Subsig s;
  s.pattern = p;
  s.offset = off;
  for (char c : mods) {
    if (c == 'i') s.modifiers.nocase = true;
    if (c == 'w') s.modifiers.wide = true;
    if (c == 'f') s.modifiers.fullword = true;
    if (c == 'a') s.modifiers.ascii = true;
  }
  return s;
}

Offset Abs(uint64_t v, uint64_t shift = 0) {
  Offset o;
  o.kind = Offset::Kind::kAbsolute;
  o.value = v;
  o.max_shift = shift;
  return o;
}
Offset Eof(uint64_t v, uint64_t shift = 0) {
  Offset o = Abs(v, shift);
  o.kind = Offset::Kind::kEofMinus;
  return o;
}

std::string Wide(std::string_view s) {
  std::string out;
  for (char c : s) {
    out += c;
    out += '\0';
  }
  return out;
}

TEST(ReferenceCounts, DistinctEndPositions) {
  EXPECT_EQ(Count(P().Lit("AA"), "xxAAAAxx"), 3u);
  EXPECT_EQ(Count(P().Lit("AB").Star().Lit("CD"), "xABxxCDxxCDx"), 2u);
  EXPECT_EQ(Count(P().Lit("AB").Star().Lit("CD"), "xABxABxxCDx"), 1u);
  EXPECT_EQ(Count(P().Lit("AB").Gap(1, 3).Lit("CD"), "xABxCDCDx"), 2u);
  EXPECT_EQ(Count(P().Lit("AB").Gap(0, 4).Lit("AB"), "xABABABABx"), 3u);
}

TEST(ReferenceGaps, PartsDoNotOverlap) {
  EXPECT_EQ(Count(P().Lit("AB").Star().Lit("BC"), "xABCx"), 0u);
  EXPECT_EQ(Count(P().Lit("AB").Star().Lit("BC"), "xABBCx"), 1u);
  EXPECT_EQ(Count(P().Lit("AB").Gap(0, 2).Lit("CD"), "xABCDx"), 1u);
  EXPECT_EQ(Count(P().Lit("AB").Gap(0, 2).Lit("CD"), "xABxxxCDx"), 0u);
  EXPECT_EQ(Count(P().Lit("AB").Gap(2, Node::kUnbounded).Lit("CD"), "xABxCDx"),
            0u);
}

TEST(ReferenceBoundaries, Classes) {
  std::string word;
  std::string nonalnum;
  for (int b = 0; b < 256; ++b) {
    std::string d =
        kZ + "AB" + std::string(1, static_cast<char>(b)) + "CD" + kZ;
    if (Count(P().Lit("AB").B(BoundaryKind::kWord).Lit("CD"), d) > 0) {
      word += static_cast<char>(b);
    }
    if (Count(P().Lit("AB").B(BoundaryKind::kNonAlnum).Lit("CD"), d) > 0) {
      nonalnum += static_cast<char>(b);
    }
  }
  EXPECT_EQ(word, "\n\r \"'-./<=>@_");
  EXPECT_EQ(nonalnum.size(), 194u);
  auto line = P().Lit("AB").B(BoundaryKind::kLine).Lit("CD");
  EXPECT_EQ(Count(line, kZ + "AB\nCD" + kZ), 1u);
  EXPECT_EQ(Count(line, kZ + "AB\rCD" + kZ), 0u);
}

TEST(ReferenceBoundaries, PatternEdgesLookAround) {
  auto lead = P().B().Lit("ABCD");
  EXPECT_EQ(Count(lead, "ABCD" + kZ), 1u);  // start of data
  EXPECT_EQ(Count(lead, kZ + "xABCD" + kZ), 0u);
  EXPECT_EQ(Count(lead, "-ABCD" + kZ, Abs(1)), 1u);  // starts after '-'
  EXPECT_EQ(Count(lead, "-ABCD" + kZ, Abs(0)), 0u);
  auto trail = P().Lit("ABCD").B();
  EXPECT_EQ(Count(trail, kZ + "ABCD"), 1u);  // end of data
  EXPECT_EQ(Count(trail, kZ + "ABCDx" + kZ), 0u);
  EXPECT_EQ(Count(trail, kZ + "ABCD-", Eof(5)), 1u);
  auto line = P().B(BoundaryKind::kLine).Lit("ABCD");
  EXPECT_EQ(Count(line, "\r\nABCD" + kZ, Abs(2)), 1u);
  auto line_end = P().Lit("ABCD").B(BoundaryKind::kLine).Byte(0);
  EXPECT_EQ(Count(line_end, kZ + "ABCD\r\n" + kZ), 1u);  // consumes CRLF
}

TEST(ReferenceBoundaries, PartEdgesLookAround) {
  EXPECT_EQ(Count(P().Lit("A-").Star().B().Lit("CD"), kZ + "A-CD" + kZ), 1u);
  EXPECT_EQ(Count(P().Lit("AB").B().Star().Lit("-CD"), kZ + "AB-CD" + kZ), 1u);
  EXPECT_EQ(Count(P().Lit("AB").Gap(1, 3).B().Lit("CD"), kZ + "AB-CD" + kZ),
            1u);
  // {n} with n < 128 is fixed: the boundary consumes a byte.
  EXPECT_EQ(Count(P().Lit("AB").Gap(2, 2).B().Lit("CD"), kZ + "ABxx-CD" + kZ),
            1u);
  EXPECT_EQ(Count(P().Lit("AB").Gap(2, 2).B().Lit("CD"), kZ + "ABx-CD" + kZ),
            0u);
  std::string x127(127, 'x');
  std::string x128(128, 'x');
  EXPECT_EQ(Count(P().Lit("AB").Gap(128, 128).B().Lit("CD"),
                  kZ + "AB" + x127 + "-CD" + kZ),
            1u);
  EXPECT_EQ(Count(P().Lit("AB").Gap(128, 128).B().Lit("CD"),
                  kZ + "AB" + x128 + "-CD" + kZ),
            0u);
  EXPECT_EQ(Count(P().Lit("AB").B().B().Lit("CD"), kZ + "AB--CD" + kZ), 1u);
  EXPECT_EQ(Count(P().Lit("AB").B().B().Lit("CD"), kZ + "AB-CD" + kZ), 0u);
}

TEST(ReferenceBoundaries, WordClassDependsOnPosition) {
  auto lead = P().Lit("A").Lit("B").B().Star().B().Lit("CD");
  // After a part: "\n\r \"'-/=>_"; before one: " -./<@_".
  EXPECT_EQ(Count(P().Lit("ABCD").B(), kZ + "ABCD\n" + kZ), 1u);
  EXPECT_EQ(Count(P().Lit("ABCD").B(), kZ + "ABCD@" + kZ), 0u);
  EXPECT_EQ(Count(P().B().Lit("ABCD"), kZ + "@ABCD" + kZ), 1u);
  EXPECT_EQ(Count(P().B().Lit("ABCD"), kZ + "\nABCD" + kZ), 0u);
  EXPECT_EQ(Count(lead, kZ + "AB-xx-CD" + kZ), 1u);
  EXPECT_EQ(Count(lead, kZ + "AB@xx-CD" + kZ), 0u);
}

TEST(ReferenceGaps, FixedGapSplitsAfterARange) {
  auto after = P().Lit("AB").Gap(0, 2).Lit("CD").Gap(3, 3).B().Lit("EF");
  EXPECT_EQ(Count(after, kZ + "ABCDxx-EF" + kZ), 1u);  // split: looks back
  EXPECT_EQ(Count(after, kZ + "ABCDxxx-EF" + kZ), 0u);
  auto before = P().Lit("AB").Gap(3, 3).B().Lit("CD").Gap(0, 2).Lit("EF");
  EXPECT_EQ(Count(before, kZ + "ABxxx-CDEF" + kZ), 1u);  // expanded: consumes
  EXPECT_EQ(Count(before, kZ + "ABx-CDEF" + kZ), 0u);
  auto star = P().Lit("AB").Star().Lit("CD").Gap(3, 3).B().Lit("EF");
  EXPECT_EQ(Count(star, kZ + "ABCDxxx-EF" + kZ), 1u);  // `*` is no range
}

TEST(ReferenceGaps, RangeAnchorIsOutsideTheMatch) {
  auto left = P().Byte('Z').Gap(2, 4).Lit("ABCD");
  for (int k = 0; k < 7; ++k) {
    std::string d =
        kZ + "Z" + std::string(static_cast<size_t>(k), 'x') + "ABCD" + kZ;
    EXPECT_EQ(Count(left, d), k >= 2 && k <= 4 ? 1u : 0u) << k;
    EXPECT_EQ(Count(left, d, Abs(6)), 0u) << k;  // where Z is
  }
  EXPECT_EQ(Count(left, kZ + "ZxxABCD" + kZ, Abs(9)), 1u);  // where ABCD is
  auto right = P().Lit("ABCD").Gap(2, 5).Byte('j');
  EXPECT_EQ(Count(right, kZ + "ABCDxxj" + kZ), 1u);
  EXPECT_EQ(Count(right, kZ + "ABCDxxJ" + kZ), 0u);
  EXPECT_EQ(Count(right, kZ + "ABCDxj" + kZ), 0u);
}

TEST(ReferenceBytes, EdgesNeedRealBytes) {
  EXPECT_EQ(Count(P().Set("XY", true).Lit("CDEF"), "CDEF" + kZ), 0u);
  EXPECT_EQ(Count(P().Set("XY", true).Lit("CDEF"), "ZCDEF" + kZ), 1u);
  EXPECT_EQ(Count(P().Lit("CDEF").Alt({"AB", "BC"}, true), kZ + "CDEFA"), 0u);
  EXPECT_EQ(Count(P().Lit("CDEF").Alt({"AB", "BC"}, true), kZ + "CDEFAx"), 1u);
  EXPECT_EQ(Count(P().Any().Lit("CDEF"), "CDEF" + kZ), 0u);
  EXPECT_EQ(Count(P().Masked(0x40, 0xf0).Lit("CDEF"), "ACDEF" + kZ), 1u);
}

TEST(ReferenceOffsets, StartWindow) {
  std::string d = kZ + "ABCDABCDxABCD" + kZ;  // starts 6, 10, 15; size 25
  auto p = P().Lit("ABCD");
  EXPECT_EQ(Count(p, d, Abs(6)), 1u);
  EXPECT_EQ(Count(p, d, Abs(7)), 0u);
  EXPECT_EQ(Count(p, d, Abs(6, 4)), 2u);
  EXPECT_EQ(Count(p, d, Abs(6, 9)), 3u);
  EXPECT_EQ(Count(p, d, Eof(19)), 1u);
  EXPECT_EQ(Count(p, d, Eof(19, 4)), 2u);
  EXPECT_EQ(Count(p, d, Eof(20, 0)), 0u);
  EXPECT_EQ(Count(p, d, Eof(30)), 0u);
  EXPECT_EQ(Count(p, d, Abs(0, 5)), 0u);
}

TEST(ReferenceModifiers, Nocase) {
  EXPECT_EQ(CountSub(Body(P().Lit("ABCD"), "i"), "aBcD"), 1u);
  // Nibbles compare raw.
  EXPECT_EQ(CountSub(Body(P().Masked(0x40, 0xf0).Lit("BCD"), "i"), "abcd"), 0u);
  EXPECT_EQ(CountSub(Body(P().Set("AZ").Lit("BCD"), "i"), "zbcd"), 1u);
  EXPECT_EQ(CountSub(Body(P().Alt({"AB", "ZZ"}).Lit("CD"), "i"), "zzcd"), 1u);
}

TEST(ReferenceModifiers, WideInterleavesBytesNotGaps) {
  EXPECT_EQ(CountSub(Body(P().Lit("ABCD"), "w"), Wide("ABCD")), 1u);
  EXPECT_EQ(
      CountSub(Body(P().Lit("ABCD"), "w"), Wide("ABCD").substr(0, 7) + "x"),
      0u);
  EXPECT_EQ(CountSub(Body(P().Lit("AB").Any().Lit("CD"), "w"), Wide("ABxCD")),
            1u);
  EXPECT_EQ(CountSub(Body(P().Lit("AB").Gap(2, 2).Lit("CD"), "w"),
                     Wide("AB") + "xy" + Wide("CD")),
            1u);
  EXPECT_EQ(
      CountSub(Body(P().Lit("AB").Gap(2, 2).Lit("CD"), "w"), Wide("ABxyCD")),
      0u);
  EXPECT_EQ(CountSub(Body(P().Lit("AB").B().Lit("CD"), "w"),
                     Wide("AB") + " " + Wide("CD")),
            1u);
  EXPECT_EQ(
      CountSub(Body(P().Lit("ABCD"), "wa"), kZ + Wide("ABCD") + "ABCD" + kZ),
      2u);
  EXPECT_EQ(CountSub(Body(P().Lit("ABCD"), "a"), Wide("ABCD")), 0u);
}

TEST(ReferenceModifiers, Fullword) {
  auto f = Body(P().Lit("ABCD"), "f");
  EXPECT_EQ(CountSub(f, kZ + " ABCD " + kZ), 1u);
  EXPECT_EQ(CountSub(f, kZ + "_ABCD\x80" + kZ), 1u);
  EXPECT_EQ(CountSub(f, kZ + "1ABCD " + kZ), 0u);
  EXPECT_EQ(CountSub(f, "ABCD " + kZ), 1u);
  EXPECT_EQ(CountSub(Body(P().Lit("-BCD"), "f"), kZ + "x-BCD " + kZ), 0u);
  EXPECT_EQ(CountSub(Body(P().Lit("AAAA"), "f"), kZ + " AAAAAAA " + kZ), 0u);
  auto fw = Body(P().Lit("ABCD"), "fw");
  std::string w = Wide("ABCD");
  EXPECT_EQ(CountSub(fw, kZ + "  " + kXNul + w + "  " + kZ), 0u);
  EXPECT_EQ(CountSub(fw, kZ + "   x" + w + "  " + kZ), 1u);
  EXPECT_EQ(CountSub(fw, kZ + "  " + w + kXNul + kZ), 0u);
  EXPECT_EQ(CountSub(fw, kZ + "  " + w + "x " + kZ), 1u);
  EXPECT_EQ(CountSub(fw, kZ + "  " + w + "x"), 0u);
  EXPECT_EQ(CountSub(fw, "x" + w + "  " + kZ), 1u);
}

// ------------------------------------------------------------ expressions

Expr L(uint32_t id, Expr::CountOp op = Expr::CountOp::kNone, uint32_t x = 0) {
  Expr e;
  e.subsig = id;
  e.op = op;
  e.count = x;
  return e;
}
Expr J(Expr::Kind kind, std::vector<Expr> children,
       Expr::CountOp op = Expr::CountOp::kNone, uint32_t x = 0,
       std::optional<uint32_t> y = std::nullopt) {
  Expr e;
  e.kind = kind;
  e.children = std::move(children);
  e.op = op;
  e.count = x;
  e.distinct = y;
  return e;
}
constexpr auto kAnd = Expr::Kind::kAnd;
constexpr auto kOr = Expr::Kind::kOr;
constexpr auto kEq = Expr::CountOp::kEq;
constexpr auto kGt = Expr::CountOp::kGt;
constexpr auto kLt = Expr::CountOp::kLt;

// Counts 3, 1, 0 as in the clamscan runs of docs/matching-semantics.md.
bool Holds(const Expr& e) {
  std::vector<uint64_t> counts = {3, 1, 0};
  return EvaluateExpr(e, counts).ok;
}

TEST(ReferenceExpr, LeafConditions) {
  EXPECT_TRUE(Holds(L(0, kLt, 4)));
  EXPECT_FALSE(Holds(L(0, kLt, 3)));
  EXPECT_TRUE(Holds(L(0, kEq, 3)));
  EXPECT_TRUE(Holds(L(2, kEq, 0)));
  EXPECT_TRUE(Holds(L(2, kLt, 1)));
  EXPECT_FALSE(Holds(L(2)));
  EXPECT_FALSE(Holds(J(kAnd, {L(0, kLt, 3), L(1)})));
}

TEST(ReferenceExpr, BlockCountsAreSumsOfHoldingParts) {
  EXPECT_TRUE(Holds(J(kOr, {L(0), L(1)}, kEq, 4)));
  EXPECT_TRUE(Holds(J(kAnd, {L(0), L(1)}, kEq, 4)));
  EXPECT_TRUE(Holds(J(kAnd, {L(0), L(2)}, kEq, 0)));  // failing & counts 0
  EXPECT_FALSE(Holds(J(kAnd, {L(0), L(2)}, kGt, 2)));
  EXPECT_TRUE(Holds(J(kOr, {L(0, kEq, 2), L(1)}, kEq, 1)));  // failing leaf: 0
  EXPECT_TRUE(Holds(J(kOr, {L(0, kEq, 3), L(1)}, kEq, 4)));
  EXPECT_TRUE(Holds(J(kOr, {L(0), L(0)}, kEq, 6)));
  EXPECT_TRUE(Holds(J(kOr, {J(kOr, {L(0), L(1)}, kGt, 3), L(2)}, kEq, 4)));
  EXPECT_TRUE(Holds(J(kOr, {L(1, kEq, 0), L(2)}, kEq, 0)));
}

TEST(ReferenceExpr, DistinctCountsHoldingSubsigIds) {
  EXPECT_TRUE(Holds(J(kOr, {L(0), L(1)}, kGt, 3, 2)));
  EXPECT_FALSE(Holds(J(kOr, {L(0), L(1)}, kGt, 3, 3)));
  EXPECT_FALSE(Holds(J(kOr, {L(0), L(2)}, kGt, 2, 2)));
  EXPECT_TRUE(Holds(J(kOr, {L(2, kEq, 0), L(1)}, kGt, 0, 2)));  // 2=0 holds
  EXPECT_FALSE(Holds(J(kOr, {L(0, kEq, 2), L(1)}, kGt, 0, 2)));
  EXPECT_FALSE(Holds(J(kOr, {L(0), L(0)}, kGt, 0, 2)));  // a set
  // A block with a condition passes no ids up.
  EXPECT_FALSE(Holds(J(kOr, {J(kOr, {L(0), L(1)}, kGt, 3), L(2)}, kGt, 3, 2)));
  EXPECT_TRUE(Holds(J(kOr, {J(kOr, {L(0), L(1)}), L(1)}, kGt, 0, 2)));
  // Y on a single subsignature is ignored.
  EXPECT_TRUE(Holds(L(0, kGt, 2)));
}

// ------------------------------------------------------------ PCRE, bytes

uint64_t Pcre(std::string re, std::string flags, Offset off,
              std::string_view data) {
  sigs::PcreSubsig p;
  p.regex = std::move(re);
  p.flags = std::move(flags);
  p.offset = off;
  return PcreMatchCount(p, AsBytes(data)).value_or(999);
}

TEST(ReferencePcre, Windows) {
  std::string d = kZ + "xxABCDxxABCDyyABCDzz" + kZ;  // ABCD at 8, 14, 20
  EXPECT_EQ(Pcre("ABCD", "", {}, d), 1u);
  EXPECT_EQ(Pcre("ABCD", "g", {}, d), 3u);
  EXPECT_EQ(Pcre("ABCD", "g", Abs(8), d), 1u);
  EXPECT_EQ(Pcre("ABCD", "g", Abs(9), d), 0u);
  EXPECT_EQ(Pcre("ABCD", "gr", Abs(9), d), 2u);
  EXPECT_EQ(Pcre("ABCD", "g", Abs(8, 6), d), 2u);
  EXPECT_EQ(Pcre("ABCD", "ge", Abs(8, 6), d), 1u);
  EXPECT_EQ(Pcre("ABCD", "ge", Abs(8, 9), d), 1u);
  EXPECT_EQ(Pcre("ABCD", "ge", Abs(8, 10), d), 2u);
  EXPECT_EQ(Pcre("ABCD", "g", Abs(9, 4), d), 0u);
  EXPECT_EQ(Pcre("ABCD", "g", Eof(24), d), 1u);
  EXPECT_EQ(Pcre("^xx", "g", {}, d), 0u);
  EXPECT_EQ(Pcre("^ABCD", "g", Abs(8), d), 1u);  // the subject starts there
  std::string adj = kZ + "ABCDABCDxxABCD" + kZ;
  EXPECT_EQ(Pcre("ABCD", "g", Abs(6), adj), 2u);  // anchored at each resume
  EXPECT_EQ(Pcre("ABCD", "gr", Abs(6), adj), 3u);
}

uint64_t Bc(std::string_view opts_data, sigs::ByteCompare bc) {
  std::vector<Match> trig;
  for (size_t pos = opts_data.find("ABCD"); pos != std::string_view::npos;
       pos = opts_data.find("ABCD", pos + 1)) {
    trig.emplace_back(pos, pos + 4);
  }
  return ByteCompareCount(bc, trig, AsBytes(opts_data));
}

sigs::ByteCompare MakeBc(sigs::ByteCompare::Base base, bool little, bool exact,
                         uint32_t n, uint64_t eq, int64_t off = 4) {
  sigs::ByteCompare bc;
  bc.base = base;
  bc.little_endian = little;
  bc.exact = exact;
  bc.num_bytes = n;
  bc.offset = off;
  bc.comparisons = {{sigs::ByteCompare::Comparison::Op::kEqual, eq}};
  return bc;
}

TEST(ReferenceByteCompare, LastTriggerMatchAndBases) {
  using Base = sigs::ByteCompare::Base;
  std::string d = kZ + "xxABCDxxABCDyy" + kZ;
  EXPECT_EQ(Bc(d, MakeBc(Base::kRaw, false, true, 2, 0x0304)), 1u);
  EXPECT_EQ(Bc(d, MakeBc(Base::kRaw, false, true, 2, 0x0102)), 0u);
  EXPECT_EQ(Bc(d, MakeBc(Base::kRaw, true, true, 2, 0x0403)), 1u);
  EXPECT_EQ(Bc(d, MakeBc(Base::kRaw, false, true, 2, 0x7878, -2)), 1u);
  std::string h = kZ + "xxABCD1f2eyy" + kZ;
  EXPECT_EQ(Bc(h, MakeBc(Base::kHex, false, false, 4, 0x1f2e)), 1u);
  EXPECT_EQ(Bc(h, MakeBc(Base::kHex, true, false, 4, 0x2e1f)), 1u);
  std::string h2 = kZ + "xxABCD1fzzyy" + kZ;
  EXPECT_EQ(Bc(h2, MakeBc(Base::kHex, false, false, 4, 0x1f)), 1u);
  EXPECT_EQ(Bc(h2, MakeBc(Base::kHex, false, true, 4, 0x1f)), 0u);
  std::string dec = kZ + "xxABCD12yyy" + kZ;
  EXPECT_EQ(Bc(dec, MakeBc(Base::kDecimal, false, false, 3, 12)), 1u);
  EXPECT_EQ(Bc(dec, MakeBc(Base::kDecimal, false, true, 3, 12)), 0u);
  std::string aut = kZ + "xxABCD0x1fyy" + kZ;
  EXPECT_EQ(Bc(aut, MakeBc(Base::kAuto, false, false, 4, 31)), 1u);
}

TEST(ReferenceByteCompare, InvalidTextAndSignedness) {
  using Base = sigs::ByteCompare::Base;
  std::string td = kZ + "xxABCDtd" + kZ;
  EXPECT_EQ(Bc(td, MakeBc(Base::kHex, false, false, 2, 0)), 1u);  // no digit: 0
  EXPECT_EQ(Bc(td, MakeBc(Base::kHex, false, true, 2, 0)), 0u);  // exact: fails
  EXPECT_EQ(Bc(td, MakeBc(Base::kHex, true, true, 2, 0)), 1u);   // LE ignores e
  EXPECT_EQ(Bc(td, MakeBc(Base::kDecimal, false, false, 3, 0)), 1u);
  EXPECT_EQ(Bc(td, MakeBc(Base::kAuto, false, false, 6, 0)), 1u);
  std::string odd = kZ + "xxABCD1f2z" + kZ;
  EXPECT_EQ(Bc(odd, MakeBc(Base::kHex, true, false, 4, 0x1f)),
            1u);  // pairs only
  EXPECT_EQ(Bc(odd, MakeBc(Base::kHex, false, false, 4, 0x1f2)), 1u);
  std::string hi =
      kZ + std::string("xxABCD\xe1\xd9\x73\x64\xa1\x2d\x36\x9c", 14) + kZ;
  sigs::ByteCompare lt8 = MakeBc(Base::kRaw, false, true, 8, 0);
  lt8.comparisons[0] = {sigs::ByteCompare::Comparison::Op::kLess, 1};
  EXPECT_EQ(Bc(hi, lt8), 1u);  // 8 bytes are signed
  sigs::ByteCompare lt4 = MakeBc(Base::kRaw, false, true, 4, 0);
  lt4.comparisons[0] = {sigs::ByteCompare::Comparison::Op::kLess, 1};
  EXPECT_EQ(Bc(hi, lt4), 0u);  // 4 bytes are not
}

TEST(ReferenceSignatures, SmallObjectsAreNotScanned) {
  sigs::SignatureSet set;
  sigs::BodySig b;
  b.name = "T";
  b.pattern = P().Lit("ABC");
  set.bodies.push_back(b);
  EXPECT_TRUE(
      MatchingSignatures(set, AsBytes(std::string("\0ABC\0", 5)), 1).empty());
  EXPECT_EQ(
      MatchingSignatures(set, AsBytes(std::string("\0ABC\0\0", 6)), 1).size(),
      1u);
}

TEST(ReferenceSignatures, TargetDescription) {
  sigs::SignatureSet set;
  sigs::LogicalSig l;
  l.name = "T";
  l.tdb.engine = {51, 255};
  l.tdb.target = 0;
  l.tdb.file_size = sigs::Range64{20, 20};
  sigs::Subsig s;
  s.pattern = P().Lit("ABCD");
  l.subsigs.push_back(s);
  l.expr = L(0);
  set.logicals.push_back(l);
  std::string d = kZ + "xxABCDyy" + kZ;  // 20 bytes
  EXPECT_EQ(MatchingSignatures(set, AsBytes(d), 1).size(), 1u);
  set.logicals[0].tdb.file_size = sigs::Range64{21, 30};
  EXPECT_TRUE(MatchingSignatures(set, AsBytes(d), 1).empty());
  set.logicals[0].tdb.file_size.reset();
  set.logicals[0].tdb.engine = {217, 255};
  EXPECT_TRUE(MatchingSignatures(set, AsBytes(d), 1).empty());
  set.logicals[0].tdb.engine = {51, 255};
  set.logicals[0].tdb.target = 1;
  EXPECT_TRUE(MatchingSignatures(set, AsBytes(d), 1).empty());
}

}  // namespace
}  // namespace vigil::reference

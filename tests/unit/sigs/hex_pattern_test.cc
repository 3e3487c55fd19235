// ClamAV's hex syntax: every form decodes to the expected nodes, and the
// load-time rules accept and reject what clamscan 1.4.6 does (each rejection
// case below was checked against clamscan on a one-line database).
#include "sigs/clamav/hex_pattern.h"

#include <gtest/gtest.h>

#include <string>

#include "sigs_test_util.h"

namespace vigil::sigs::clamav {
namespace {

using K = Node::Kind;

Pattern Parse(std::string_view text, HexPatternOptions options = {}) {
  Pattern p;
  ParseStatus st = ParseHexPattern(text, options, &p);
  EXPECT_TRUE(st.ok()) << text << ": " << (st.ok() ? "" : st.message());
  return p;
}

std::string Code(std::string_view text, HexPatternOptions options = {}) {
  Pattern p;
  ParseStatus st = ParseHexPattern(text, options, &p);
  return st.ok() ? "OK" : std::string(DiagId(st.code()));
}

HexPatternOptions Target0() {
  HexPatternOptions o;
  o.class_position_rule = true;
  return o;
}

TEST(SigsHexPattern, Literals) {
  Pattern p = Parse("41424a4B");
  ASSERT_EQ(p.nodes.size(), 4u);
  EXPECT_TRUE(p.nodes[0].IsLiteral());
  EXPECT_EQ(p.nodes[0].value, 0x41);
  EXPECT_EQ(p.nodes[2].value, 0x4a);
  EXPECT_EQ(p.nodes[3].value, 0x4b);
}

TEST(SigsHexPattern, Wildcards) {
  Pattern p = Parse("4142??a??b43");
  ASSERT_EQ(p.nodes.size(), 6u);
  EXPECT_EQ(p.nodes[2].mask, 0);
  EXPECT_EQ(p.nodes[3].mask, 0xf0);
  EXPECT_EQ(p.nodes[3].value, 0xa0);
  EXPECT_EQ(p.nodes[4].mask, 0x0f);
  EXPECT_EQ(p.nodes[4].value, 0x0b);
}

TEST(SigsHexPattern, Gaps) {
  Pattern p = Parse("414243*4445{5}4647{-3}4849{2-}4a4b{2-4}4c4d");
  std::vector<std::pair<uint32_t, uint32_t>> gaps;
  for (const Node& n : p.nodes) {
    if (n.kind == K::kGap) gaps.emplace_back(n.gap_min, n.gap_max);
  }
  ASSERT_EQ(gaps.size(), 5u);
  EXPECT_EQ(gaps[0], std::make_pair(0u, Node::kUnbounded));
  EXPECT_EQ(gaps[1], std::make_pair(5u, 5u));
  EXPECT_EQ(gaps[2], std::make_pair(0u, 3u));
  EXPECT_EQ(gaps[3], std::make_pair(2u, Node::kUnbounded));
  EXPECT_EQ(gaps[4], std::make_pair(2u, 4u));
}

TEST(SigsHexPattern, RangeBelowMinimumActsAsMinimum) {
  // clamscan matches {2-1} like {2}.
  Pattern p = Parse("414243{2-1}4445");
  EXPECT_EQ(p.nodes[3].gap_min, 2u);
  EXPECT_EQ(p.nodes[3].gap_max, 2u);
}

TEST(SigsHexPattern, AnchoredByte) {
  Pattern p = Parse("414243[1-3]44");
  ASSERT_EQ(p.nodes.size(), 5u);
  EXPECT_EQ(p.nodes[3].kind, K::kGap);
  EXPECT_EQ(p.nodes[3].gap_min, 1u);
  EXPECT_EQ(p.nodes[3].gap_max, 3u);
  EXPECT_EQ(Code("44[0-32]414243"), "OK");
  EXPECT_EQ(Code("41[1-2]42434445[3-4]46"), "OK");  // both sides anchored
  Pattern single = Parse("414243[5]44");  // sscanf("%u-%u"): [5] is [5-5]
  EXPECT_EQ(single.nodes[3].gap_max, 5u);
}

TEST(SigsHexPattern, ByteClasses) {
  Pattern p = Parse("4142(43|44)!(45|46)");
  ASSERT_EQ(p.nodes.size(), 4u);
  ASSERT_GE(p.nodes[2].set_index, 0);
  const ByteSet& s = p.sets[static_cast<size_t>(p.nodes[2].set_index)];
  EXPECT_EQ(s.count(), 2u);
  EXPECT_TRUE(s.test(0x43) && s.test(0x44));
  const ByteSet& n = p.sets[static_cast<size_t>(p.nodes[3].set_index)];
  EXPECT_EQ(n.count(), 254u);
  EXPECT_FALSE(n.test(0x45) || n.test(0x46));
}

TEST(SigsHexPattern, FixedAlternatives) {
  Pattern p = Parse("4142(4344|4546)!(4748|494a)");
  ASSERT_EQ(p.alternations.size(), 2u);
  EXPECT_FALSE(p.alternations[0].negated);
  EXPECT_EQ(p.alternations[0].branches.size(), 2u);
  EXPECT_TRUE(p.alternations[1].negated);
  EXPECT_EQ(p.nodes[2].kind, K::kAlternation);
}

TEST(SigsHexPattern, GenericAlternatives) {
  Pattern p = Parse("4142(43??|4445{2}46|(47|48)49|)4a4b");
  ASSERT_EQ(p.alternations.size(), 1u);
  const auto& br = p.alternations[0].branches;
  // Nested blocks expand: 43??, 4445{2}46, 4749, 4849 and the empty one.
  ASSERT_EQ(br.size(), 5u);
  EXPECT_EQ(br[1][2].kind, K::kGap);
  EXPECT_EQ(br[2][0].value, 0x47);
  EXPECT_EQ(br[3][0].value, 0x48);
  EXPECT_TRUE(br[4].empty());
}

TEST(SigsHexPattern, Boundaries) {
  Pattern p = Parse("(B)414243(L)4445(W)");
  ASSERT_EQ(p.nodes.size(), 8u);
  EXPECT_EQ(p.nodes[0].boundary, BoundaryKind::kWord);
  EXPECT_EQ(p.nodes[4].boundary, BoundaryKind::kLine);
  EXPECT_EQ(p.nodes[7].boundary, BoundaryKind::kNonAlnum);
}

TEST(SigsHexPattern, NocaseFoldsLetters) {
  HexPatternOptions o;
  o.nocase = true;
  Pattern p = Parse("6142(63|44)", o);
  ASSERT_GE(p.nodes[0].set_index, 0);
  const ByteSet& a = p.sets[static_cast<size_t>(p.nodes[0].set_index)];
  EXPECT_TRUE(a.test('a') && a.test('A'));
  const ByteSet& c = p.sets[static_cast<size_t>(p.nodes[2].set_index)];
  EXPECT_TRUE(c.test('c') && c.test('C') && c.test('d') && c.test('D'));
}

TEST(SigsHexPattern, SmallFixedRangesDoNotSplit) {
  // {n} with n < 128 becomes n "??" and does not split the pattern...
  EXPECT_EQ(Code("4142{127}43"), "OK");
  EXPECT_EQ(Code("{5}4142"), "OK");
  // ...but larger ones, {0} and ranges do, and parts need 2 bytes.
  EXPECT_EQ(Code("4142{128}43"), "E0211");
  EXPECT_EQ(Code("4142{0}43"), "E0211");
  EXPECT_EQ(Code("4142{5-5}43"), "E0211");
  // Once a {} has split the pattern, later {n} split too.
  EXPECT_EQ(Code("4142{300}4344{5}45"), "E0211");
  EXPECT_EQ(Code("4142{5}4344{300}4546"), "OK");
  EXPECT_EQ(Code("4142*43{5}4445"), "OK");  // '*' does not
}

TEST(SigsHexPattern, RangeNumbersFollowStrtol) {
  EXPECT_EQ(Code("4142{ 5}4344"), "OK");
  EXPECT_EQ(Code("4142{+5}4344"), "OK");
  EXPECT_EQ(Code("4142{5 }4344"), "E0205");
  EXPECT_EQ(Code("4142{0x10}4344"), "E0205");
  EXPECT_EQ(Code("4142{4294967296}4344"), "OK");     // wraps to 0 in an int
  EXPECT_EQ(Code("4142{2147483648}4344"), "E0205");  // negative in an int
  EXPECT_EQ(Code("4142{5-6-7}4344"), "E0205");
  EXPECT_EQ(Code("4142{}4344"), "OK");
  EXPECT_EQ(Code("4142{-}4344"), "OK");
  EXPECT_EQ(Code("4142{1-2"), "E0205");
  // Splitting ranges take digits only.
  EXPECT_EQ(Code("4142{+300}4344"), "E0205");
  EXPECT_EQ(Code("4142{ 1-2}4344"), "E0205");
  EXPECT_EQ(Code("4142{300}4344{ 5}4546"), "E0205");
  EXPECT_EQ(Code("4142{00300}4344"), "OK");
}

TEST(SigsHexPattern, PartRules) {
  EXPECT_EQ(Code("414243*"), "E0210");
  EXPECT_EQ(Code("*414243"), "E0210");
  EXPECT_EQ(Code("414243**4445"), "E0210");
  EXPECT_EQ(Code("4243*44"), "E0211");
  EXPECT_EQ(Code("42??44"), "E0213");
  EXPECT_EQ(Code("41(42|43)44"), "E0213");
  EXPECT_EQ(Code("41??42??43??44??45??4647"), "OK");
  EXPECT_EQ(Code("(4142|4344)"), "E0211");  // a block is one position
  EXPECT_EQ(Code(""), "E0211");
}

TEST(SigsHexPattern, LiteralsForBoyerMooreNeedThreeBytes) {
  HexPatternOptions bm;
  bm.literal_needs_three = true;
  EXPECT_EQ(Code("4142", bm), "E0212");
  EXPECT_EQ(Code("414243", bm), "OK");
  EXPECT_EQ(Code("4142(B)", bm), "OK");  // not a pure literal
  EXPECT_EQ(Code("4142"), "OK");
}

TEST(SigsHexPattern, AnchorRules) {
  EXPECT_EQ(Code("414243[0-33]44"), "E0208");
  EXPECT_EQ(Code("414243[3-2]44"), "E0208");
  EXPECT_EQ(Code("414243[a-b]44"), "E0208");
  EXPECT_EQ(Code("414243[1-2]4445"), "E0209");
  EXPECT_EQ(Code("414243[1-2]44(B)"), "E0209");
  EXPECT_EQ(Code("41[1-2]4243[1-2]44[1-2]45"), "E0209");
  EXPECT_EQ(Code("41[1-2]42"), "E0211");
  EXPECT_EQ(Code("414243[1-2]??"), "OK");
  EXPECT_EQ(Code("41[1-2]42434445[3-4]{1}"), "OK");  // {1} is "??" by then
}

TEST(SigsHexPattern, AlternativeRules) {
  EXPECT_EQ(Code("4243(41"), "E0202");
  EXPECT_EQ(Code("4243()4546"), "E0203");
  EXPECT_EQ(Code("4243(|41)4546"), "E0203");
  EXPECT_EQ(Code("4243(|41|42)4546"), "E0203");
  EXPECT_EQ(Code("4243(41|)4546"), "OK");
  EXPECT_EQ(Code("4243(|41|)4546"), "OK");
  EXPECT_EQ(Code("4243(|41|4243)4546"), "OK");
  EXPECT_EQ(Code("4243!(41??|4344)4546"), "E0204");
  EXPECT_EQ(Code("4243!(41|)4546"), "E0204");
  EXPECT_EQ(Code("4243!4546"), "E0204");
  EXPECT_EQ(Code("4243(41*|4344)4546"), "E0206");
  EXPECT_EQ(Code("4243(41{2-3}|4344)4546"), "E0206");
  EXPECT_EQ(Code("4243(41{128}|4344)4546"), "E0206");
  EXPECT_EQ(Code("4243(41|42(B)43)4546"), "E0206");
  EXPECT_EQ(Code("4243(41|42!(43|44))4546"), "E0207");
  EXPECT_EQ(Code("4243(41|42{127}43)4546"), "OK");
  EXPECT_EQ(Code("4243(41|4)4546"), "E0201");
}

TEST(SigsHexPattern, ClassPositionRuleOfPrefilteredTargets) {
  HexPatternOptions t0 = Target0();
  EXPECT_EQ(Code("41(B)424344", t0), "E0214");
  EXPECT_EQ(Code("??\?\?(B)414243", t0), "E0214");
  EXPECT_EQ(Code("ff(4142|4344)4141", t0), "E0214");
  EXPECT_EQ(Code("(4142|4344)41(B)4243", t0), "E0214");
  EXPECT_EQ(Code("4142(B)4344", t0), "OK");
  EXPECT_EQ(Code("41?\?(B)434445", t0), "OK");
  EXPECT_EQ(Code("ff(41|42)4141", t0), "OK");  // byte classes are fine
  EXPECT_EQ(Code("(4142|4344)4142(B)43", t0), "OK");
  EXPECT_EQ(Code("4142(B)41(B)414243", t0), "OK");  // only the first counts
  EXPECT_EQ(Code("41(B)424344"), "OK");             // other targets
}

TEST(SigsHexPattern, Modifiers) {
  HexPatternOptions wide;
  wide.wide = true;
  EXPECT_EQ(Code("41", wide), "OK");  // 41 00
  HexPatternOptions wa = wide;
  wa.ascii = true;
  EXPECT_EQ(Code("41", wa), "E0211");
  HexPatternOptions nocase;
  nocase.nocase = true;
  EXPECT_EQ(Code("41!(41|42)4141", nocase), "E0204");  // blocks turn generic
  // ::w and ::f read [x-y] as {x-y}.
  HexPatternOptions full;
  full.fullword = true;
  EXPECT_EQ(Code("4142[1-2]44", full), "E0211");
  EXPECT_EQ(Code("4142[33]4344", full), "OK");
  // The wide form widens a written "??" but not {n}.
  HexPatternOptions wide_t1 = wide;
  wide_t1.class_position_rule = true;
  EXPECT_EQ(Code("?\?(B)414243", wide_t1), "OK");
  EXPECT_EQ(Code("{2}(B)414243", wide_t1), "E0214");
  // ClamAV misreads "(B" in ::w subsignatures.
  EXPECT_EQ(Code("42(B3|41)4243", wide), "E0206");
  EXPECT_EQ(Code("42(b3|41)4243", wide), "OK");
}

TEST(SigsHexPattern, CharacterErrorsPointAtTheCharacter) {
  Pattern p;
  std::string_view text = "41424g44";
  ParseStatus st = ParseHexPattern(text, {}, &p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.where() - text.data(), 5);
}

TEST(SigsHexPattern, NestedExpansionIsBounded) {
  std::string a = "(";
  for (int i = 0; i < 70; ++i) {
    if (i) a += '|';
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", i);
    a += buf;
  }
  a += ')';
  EXPECT_EQ(Code("414243(" + a + a + "|4142)4445"), "E0215");
}

}  // namespace
}  // namespace vigil::sigs::clamav

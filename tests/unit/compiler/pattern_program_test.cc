// White-box tests of anchor selection and program emission.
#include "compiler/pattern_program.h"

#include <gtest/gtest.h>

#include <set>

#include "sigs/clamav/hex_pattern.h"

namespace vigil::compiler {
namespace {

sigs::Pattern Hex(std::string_view hex) {
  sigs::Pattern p;
  sigs::clamav::ParseStatus s = sigs::clamav::ParseHexPattern(hex, {}, &p);
  EXPECT_TRUE(s.ok()) << hex << ": " << (s.ok() ? "" : s.message());
  return p;
}

class PatternProgramTest : public ::testing::Test {
 protected:
  CompiledPattern Build(std::string_view hex, bool nocase = false,
                        bool wide = false) {
    ElemPattern e = builder_.Lower(Hex(hex), nocase, wide);
    auto variants = builder_.AnchorableVariants(e);
    EXPECT_EQ(variants.size(), 1u);
    return builder_.Build(variants[0], false);
  }
  db::DbWriter writer_;
  ProgramBuilder builder_{&writer_};
};

TEST_F(PatternProgramTest, AnchorIsTheMostInformativeWindow) {
  // The random-looking run beats the zero padding and the nibbles.
  CompiledPattern c = Build("0000000000a?b?c?*6d8f2b3c9e");
  EXPECT_EQ(c.anchor_regex, "\\x6d\\x8f\\x2b\\x3c\\x9e");
  EXPECT_EQ(c.record.anchor_length, 5u);
  EXPECT_EQ(c.record.right_count, 0u);  // nothing right of the anchor
  EXPECT_GT(c.record.left_count, 0u);
}

TEST_F(PatternProgramTest, AnchorSpansFixedWildcards) {
  CompiledPattern c = Build("4142??4344(45|46)4748");
  EXPECT_EQ(c.anchor_regex, "\\x41\\x42.\\x43\\x44[\\x45-\\x46]\\x47\\x48");
  EXPECT_EQ(c.record.fixed_length, 8u);
}

TEST_F(PatternProgramTest, AnchorsAreAtMost32Bytes) {
  CompiledPattern c = Build(std::string(100, 'a'));
  EXPECT_LE(c.record.anchor_length, kMaxAnchorWidth);
}

TEST_F(PatternProgramTest, NocaseLettersBecomeClasses) {
  CompiledPattern c = Build("414243", /*nocase=*/true);
  EXPECT_EQ(c.anchor_regex, "[\\x41\\x61][\\x42\\x62][\\x43\\x63]");
}

TEST_F(PatternProgramTest, WideInterleavesZeroBytesButNotGaps) {
  CompiledPattern c = Build("4142{2}4344", false, /*wide=*/true);
  // A\0B\0 .. C\0D\0: the fixed gap is not widened.
  EXPECT_EQ(c.record.fixed_length, 10u);
}

TEST_F(PatternProgramTest, VariableAlternationOnlyIsSplitIntoVariants) {
  // IR made by hand: one generic alternative and nothing else fixed.
  sigs::Pattern p;
  sigs::Alternation alt;
  alt.branches.resize(2);
  for (uint8_t b : {0x41, 0x42, 0x43, 0x44})
    alt.branches[0].push_back(sigs::Node::Literal(b));
  for (uint8_t b : {0x45, 0x46, 0x47})
    alt.branches[1].push_back(sigs::Node::Literal(b));
  p.alternations.push_back(alt);
  p.nodes.push_back(sigs::Node::Alternation(0));
  ElemPattern e = builder_.Lower(p, false, false);
  auto variants = builder_.AnchorableVariants(e);
  ASSERT_EQ(variants.size(), 2u);
  std::set<std::string> anchors;
  for (const auto& v : variants)
    anchors.insert(builder_.Build(v, false).anchor_regex);
  EXPECT_TRUE(anchors.count("\\x41\\x42\\x43\\x44"));
  EXPECT_TRUE(anchors.count("\\x45\\x46\\x47"));
}

TEST_F(PatternProgramTest, FixedOffsetSignaturesAreKeyedByTheirFirstBytes) {
  ElemPattern e = builder_.Lower(Hex("4d5a900003"), false, false);
  CompiledPattern c = builder_.Build(e, /*fixed=*/true);
  EXPECT_TRUE(c.anchor_regex.empty());
  EXPECT_EQ(c.fixed_key, 0x4d5a);
  ElemPattern nibble = builder_.Lower(Hex("4?5a900003"), false, false);
  EXPECT_EQ(builder_.Build(nibble, true).fixed_key, -1);
}

TEST_F(PatternProgramTest, BoundariesTakeTheirEdgeFromTheirPart) {
  ElemPattern e =
      builder_.Lower(Hex("(B)41424344(B)4546*4748(L)"), false, false);
  std::vector<db::BoundaryEdge> edges;
  for (const Elem& el : e.elems) {
    if (el.kind == Elem::Kind::kBoundary) edges.push_back(el.edge);
  }
  EXPECT_EQ(edges,
            (std::vector<db::BoundaryEdge>{db::BoundaryEdge::kLookbehind,
                                           db::BoundaryEdge::kConsume,
                                           db::BoundaryEdge::kLookahead}));
}

TEST_F(PatternProgramTest, RangeContextByteStaysOutsideTheMatch) {
  ElemPattern e = builder_.Lower(Hex("5a[2-4]41424344"), false, false);
  EXPECT_EQ(e.context.side, db::ContextSide::kLeft);
  EXPECT_EQ(e.context.byte, 0x5a);
  EXPECT_EQ(e.context.min, 2u);
  EXPECT_EQ(e.context.max, 4u);
  EXPECT_EQ(builder_.Build(e, false).record.fixed_length, 4u);
}

}  // namespace
}  // namespace vigil::compiler

#include "reference/sig_generator.h"

#include <gtest/gtest.h>

#include "reference/input_generator.h"
#include "reference/reference_matcher.h"

namespace vigil::reference {
namespace {

using sigs::Node;

TEST(SigGenerator, DeterministicPerSeed) {
  SigGenerator a(42);
  SigGenerator b(42);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(RenderNdbLine(a.BodySig("X")), RenderNdbLine(b.BodySig("X")));
    EXPECT_EQ(RenderLdbLine(a.LogicalSig("Y")),
              RenderLdbLine(b.LogicalSig("Y")));
  }
}

TEST(RenderHexPattern, EveryForm) {
  sigs::Pattern p;
  p.nodes = {Node::Literal(0x41),
             Node::AnyByte(),
             Node::Masked(0x40, 0xf0),
             Node::Masked(0x0a, 0x0f),
             Node::Gap(0, Node::kUnbounded),
             Node::Literal(0x42),
             Node::Literal(0x43),
             Node::Gap(3, 3),
             Node::Gap(0, 4),
             Node::Gap(2, Node::kUnbounded),
             Node::Gap(1, 5),
             Node::Boundary(sigs::BoundaryKind::kWord),
             Node::Boundary(sigs::BoundaryKind::kLine),
             Node::Boundary(sigs::BoundaryKind::kNonAlnum)};
  EXPECT_EQ(RenderHexPattern(p), "41??4??a*4243{3}{-4}{2-}{1-5}(B)(L)(W)");

  sigs::Pattern s;
  sigs::ByteSet set;
  set.set(0x41);
  set.set(0x5a);
  s.sets = {set, ~set};
  s.nodes = {Node::Set(0), Node::Set(1)};
  sigs::Alternation alt;
  alt.branches = {{Node::Literal(1), Node::Literal(2)},
                  {Node::Literal(3), Node::AnyByte(), Node::Gap(2, 2)}};
  s.alternations = {alt};
  s.nodes.push_back(Node::Alternation(0));
  alt.negated = true;
  alt.branches.pop_back();
  s.alternations.push_back(alt);
  s.nodes.push_back(Node::Alternation(1));
  EXPECT_EQ(RenderHexPattern(s), "(41|5a)!(41|5a)(0102|03??{2})!(0102)");

  sigs::Pattern r;
  r.nodes = {Node::Literal(0x21), Node::Gap(1, 4), Node::Literal(0x25),
             Node::Literal(0x40)};
  EXPECT_EQ(RenderHexPattern(r), "21[1-4]2540");
}

TEST(RenderLdbLine, ExpressionsAndSubsigs) {
  SigGenerator gen(7);
  for (int i = 0; i < 200; ++i) {
    std::string line = RenderLdbLine(gen.LogicalSig("Vg.L"));
    EXPECT_EQ(line.rfind("Vg.L;Engine:", 0), 0u) << line;
    EXPECT_EQ(line.find(";;"), std::string::npos) << line;
  }
}

// Planted instances are found by the reference nearly always; near misses
// only rarely.
TEST(InputGenerator, InstancesMatch) {
  SigGenerator gen(1234);
  Rng rng(99);
  int hits = 0;
  int total = 0;
  for (int i = 0; i < 2000; ++i) {
    sigs::Subsig sub;
    sub.pattern = gen.Pattern(i % 2 == 0);
    if (i % 3 == 0)
      sub.modifiers = {rng.Chance(0.5), true, rng.Chance(0.5), false};
    bool has_boundary = false;
    for (const Node& n : sub.pattern.nodes) {
      has_boundary = has_boundary || n.kind == Node::Kind::kBoundary;
    }
    if (has_boundary) sub.modifiers = {};
    Instance inst = MakeSubsigInstance(sub, rng);
    std::vector<uint8_t> data = RandomBinary(rng, 600);
    auto pos = RandomStart(sub.offset, data.size(), inst, rng);
    ASSERT_TRUE(pos.has_value());
    ASSERT_TRUE(Plant(&data, inst, *pos));
    ByteView view(reinterpret_cast<const std::byte*>(data.data()), data.size());
    bool found = false;
    for (const Match& m : FindSubsigMatches(sub, view))
      found = found || m.first == *pos;
    hits += found ? 1 : 0;
    ++total;
  }
  EXPECT_GE(hits * 100, total * 97) << hits << " of " << total;
}

TEST(InputGenerator, RegexInstancesMatch) {
  SigGenerator gen(5);
  Rng rng(6);
  for (int i = 0; i < 300; ++i) {
    sigs::LogicalSig sig = gen.LogicalSig("X");
    for (const sigs::Subsig& s : sig.subsigs) {
      if (s.kind != sigs::Subsig::Kind::kPcre) continue;
      auto inst = MakeRegexInstance(s.pcre.regex, rng);
      ASSERT_TRUE(inst.has_value()) << s.pcre.regex;
      sigs::PcreSubsig any = s.pcre;
      any.offset = {};
      any.flags = "";
      std::string text(inst->bytes.begin(), inst->bytes.end());
      EXPECT_EQ(PcreMatchCount(any, AsBytes(text)).value_or(0), 1u)
          << s.pcre.regex << " on " << text;
    }
  }
}

}  // namespace
}  // namespace vigil::reference

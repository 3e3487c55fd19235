// The generator's text against the signature parser: every generated
// signature, rendered as ClamAV text and parsed back by sigs::LoadDatabaseText,
// must give the IR it was rendered from (up to the documented IR conventions:
// ::i folds letters into byte sets, same-operator junctions may be flattened),
// and must match the same inputs under the reference matcher.
#include <gtest/gtest.h>

#include <sstream>

#include "diff/diff_support.h"
#include "reference/input_generator.h"
#include "reference/reference_matcher.h"
#include "reference/sig_generator.h"
#include "sigs/loader.h"

namespace vigil::diff {
namespace {

using sigs::Expr;
using sigs::Node;

// --- canonical text of the IR, for comparing parser output with ours

std::string SetText(const sigs::ByteSet& set) {
  std::ostringstream os;
  os << "{" << set.to_string() << "}";
  return os.str();
}

std::string NodesText(const sigs::Pattern& p, const std::vector<Node>& nodes);

// Byte sets are compared by content, whatever index they have.
std::string NodeText(const sigs::Pattern& p, const Node& n) {
  switch (n.kind) {
    case Node::Kind::kByte:
      if (n.set_index >= 0)
        return SetText(p.sets[static_cast<size_t>(n.set_index)]);
      return "b" + std::to_string(n.value & n.mask) + "/" +
             std::to_string(n.mask);
    case Node::Kind::kGap:
      return "g" + std::to_string(n.gap_min) + "-" + std::to_string(n.gap_max);
    case Node::Kind::kBoundary:
      return "B" + std::to_string(static_cast<int>(n.boundary));
    case Node::Kind::kAlternation: {
      const auto& alt = p.alternations[n.alt_index];
      // Single-byte branches (also after ::i folding) are a byte set.
      sigs::ByteSet united;
      bool single = true;
      for (const auto& b : alt.branches) {
        single = single && b.size() == 1 && b[0].kind == Node::Kind::kByte &&
                 (b[0].set_index >= 0 || b[0].mask == 0xff);
        if (!single) break;
        if (b[0].set_index >= 0) {
          united |= p.sets[static_cast<size_t>(b[0].set_index)];
        } else {
          united.set(b[0].value);
        }
      }
      if (single) return SetText(alt.negated ? ~united : united);
      std::string s = alt.negated ? "!(" : "(";
      for (const auto& b : alt.branches) s += NodesText(p, b) + "|";
      return s + ")";
    }
  }
  return "?";
}

std::string NodesText(const sigs::Pattern& p, const std::vector<Node>& nodes) {
  std::string s;
  for (const Node& n : nodes) s += NodeText(p, n) + " ";
  return s;
}

// The ::i convention of the IR: letters become byte sets of both cases.
sigs::Pattern FoldCase(sigs::Pattern p) {
  auto fold = [&p](Node& n) {
    if (n.kind != Node::Kind::kByte || (n.set_index < 0 && n.mask != 0xff))
      return;
    sigs::ByteSet bytes;
    if (n.set_index >= 0) {
      bytes = p.sets[static_cast<size_t>(n.set_index)];
    } else {
      bytes.set(n.value);
    }
    sigs::ByteSet folded = bytes;
    for (size_t c = 'A'; c <= 'Z'; ++c) {
      if (bytes[c] || bytes[c + 32]) folded.set(c).set(c + 32);
    }
    if (folded == bytes) return;
    p.sets.push_back(folded);
    n = Node::Set(static_cast<int32_t>(p.sets.size() - 1));
  };
  for (Node& n : p.nodes) fold(n);
  for (auto& alt : p.alternations) {
    for (auto& b : alt.branches) {
      for (Node& n : b) fold(n);
    }
  }
  return p;
}

Expr Flatten(Expr e) {
  for (Expr& c : e.children) c = Flatten(std::move(c));
  std::vector<Expr> flat;
  for (Expr& c : e.children) {
    if (c.kind == e.kind && c.op == Expr::CountOp::kNone) {
      for (Expr& g : c.children) flat.push_back(std::move(g));
    } else {
      flat.push_back(std::move(c));
    }
  }
  e.children = std::move(flat);
  return e;
}

std::string OffsetText(const sigs::Offset& o) {
  return std::to_string(static_cast<int>(o.kind)) + ":" +
         std::to_string(o.value) + "," + std::to_string(o.max_shift);
}

std::string SubsigText(const sigs::Subsig& s) {
  using Kind = sigs::Subsig::Kind;
  switch (s.kind) {
    case Kind::kBody: {
      const auto& m = s.modifiers;
      sigs::Pattern p = m.nocase ? FoldCase(s.pattern) : s.pattern;
      return "body " + OffsetText(s.offset) + " " + NodesText(p, p.nodes) +
             (m.nocase ? "i" : "") + (m.wide ? "w" : "") +
             (m.fullword ? "f" : "") + (m.ascii ? "a" : "");
    }
    case Kind::kPcre:
      return "pcre " + OffsetText(s.pcre.offset) + " " +
             reference::RenderExpr(Flatten(s.pcre.trigger)) + " /" +
             s.pcre.regex + "/" + s.pcre.flags;
    default:
      return reference::RenderSubsig(s);
  }
}

std::string LogicalText(const sigs::LogicalSig& l) {
  std::string s = StripUnofficial(l.name) + ";" +
                  reference::RenderTargetDesc(l.tdb) + ";" +
                  reference::RenderExpr(Flatten(l.expr));
  for (const auto& sub : l.subsigs) s += ";" + SubsigText(sub);
  return s;
}

std::string BodyText(const sigs::BodySig& b) {
  return StripUnofficial(b.name) + ":" + std::to_string(b.target) + ":" +
         OffsetText(b.offset) + ":" + NodesText(b.pattern, b.pattern.nodes);
}

Status Load(const std::string& file, const std::string& text,
            sigs::SignatureSet* set, std::string* why) {
  std::vector<sigs::Diagnostic> diags;
  Status st =
      sigs::LoadDatabaseText(file, text, sigs::LoadOptions{}, set, &diags);
  if (!st.ok()) *why = st.ToString();
  return st;
}

class GeneratorRoundTrip : public ::testing::TestWithParam<uint64_t> {};

TEST_P(GeneratorRoundTrip, ParsedIrEqualsGenerated) {
  reference::SigGenerator gen(GetParam());
  reference::Rng rng(GetParam());
  int checked = 0;
  for (int i = 0; i < 300; ++i) {
    sigs::BodySig body = gen.BodySig("Vg.N" + std::to_string(i));
    std::string line = reference::RenderNdbLine(body);
    sigs::SignatureSet set;
    std::string why;
    if (!Load("gen.ndb", line + "\n", &set, &why).ok()) {
      ADD_FAILURE() << line << "\n  rejected: " << why;
      continue;
    }
    ASSERT_EQ(set.bodies.size(), 1u) << line;
    EXPECT_EQ(BodyText(set.bodies[0]), BodyText(body)) << line;
    ++checked;

    sigs::LogicalSig logical = gen.LogicalSig("Vg.L" + std::to_string(i));
    line = reference::RenderLdbLine(logical);
    set = {};
    if (!Load("gen.ldb", line + "\n", &set, &why).ok()) {
      ADD_FAILURE() << line << "\n  rejected: " << why;
      continue;
    }
    // A signature outside this engine's functionality level is skipped.
    if (!logical.tdb.engine.Includes(sigs::kEngineFlevel)) continue;
    ASSERT_EQ(set.logicals.size(), 1u) << line;
    EXPECT_EQ(LogicalText(set.logicals[0]), LogicalText(logical)) << line;
    ++checked;
  }
  EXPECT_GT(checked, 500);
}

// Whatever the representation, the parsed set matches what the generated one
// matches.
TEST_P(GeneratorRoundTrip, ParsedSetMatchesTheSame) {
  Corpus corpus = MakeCorpus(GetParam() + 50, 80, 80, 60, {});
  std::string ndb, ldb;
  for (const auto& b : corpus.set.bodies)
    ndb += reference::RenderNdbLine(b) + "\n";
  for (const auto& l : corpus.set.logicals)
    ldb += reference::RenderLdbLine(l) + "\n";
  sigs::SignatureSet parsed;
  std::string why;
  ASSERT_TRUE(Load("gen.ndb", ndb, &parsed, &why).ok()) << why;
  ASSERT_TRUE(Load("gen.ldb", ldb, &parsed, &why).ok()) << why;
  std::vector<Disagreement> disagreements;
  for (size_t i = 0; i < corpus.inputs.size(); ++i) {
    ByteView view = View(corpus.inputs[i]);
    auto mine = reference::MatchingSignatures(corpus.set, view, 1);
    auto theirs = reference::MatchingSignatures(parsed, view, 1);
    std::set<std::string> other;
    for (const auto& n : theirs) other.insert(StripUnofficial(n));
    CompareNames(i, mine, other, &disagreements);
  }
  EXPECT_TRUE(disagreements.empty())
      << DescribeDisagreements(corpus, disagreements, "the parsed set");
}

INSTANTIATE_TEST_SUITE_P(Seeds, GeneratorRoundTrip,
                         ::testing::Values(11, 12, 13));

}  // namespace
}  // namespace vigil::diff

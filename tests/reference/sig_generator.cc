// Random signature generation. The shape of a generated pattern:
//
//   part (splitting-gap part)*        or   aa[x-y]HEXSIG / HEXSIG[x-y]aa
//   part = [boundary] element* literal-run element* [boundary]
//
// where the literal run (2-4 literal bytes) gives ClamAV's Aho-Corasick trie
// the static bytes it needs in every part, and an element is a literal, `??`,
// a nibble, a set `(aa|bb)` / `!(aa|bb)`, a multi-byte alternation, a small
// fixed gap `{n}` or a boundary inside the part. Boundaries never stand next
// to each other. Which combinations are left out, and why, is in
// docs/matching-semantics.md ("Excluded from the differential tests").
#include "reference/sig_generator.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "reference/reference_matcher.h"

namespace vigil::reference {
namespace {

using sigs::Node;

sigs::BoundaryKind RandomBoundary(Rng& rng) {
  switch (rng.Uniform(0, 2)) {
    case 0:
      return sigs::BoundaryKind::kWord;
    case 1:
      return sigs::BoundaryKind::kLine;
    default:
      return sigs::BoundaryKind::kNonAlnum;
  }
}

// Literal bytes: mostly printable letters and digits (so that ::i and ::f
// have something to do), sometimes anything.
uint8_t LiteralByte(Rng& rng) {
  static const std::string kAlnum =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  if (rng.Chance(0.6)) return static_cast<uint8_t>(kAlnum[rng.Uniform(0, 61)]);
  return rng.Byte();
}

bool EndsWithBoundary(const sigs::Pattern& p) {
  return !p.nodes.empty() && p.nodes.back().kind == Node::Kind::kBoundary;
}

bool HasNegation(const sigs::Pattern& p) {
  for (const auto& alt : p.alternations) {
    if (alt.negated) return true;
  }
  for (const auto& set : p.sets) {
    if (set.count() > 128) return true;
  }
  return false;
}

bool HasBoundary(const sigs::Pattern& p) {
  for (const Node& n : p.nodes) {
    if (n.kind == Node::Kind::kBoundary) return true;
  }
  return false;
}

size_t LiteralCount(const sigs::Pattern& p) {
  size_t n = 0;
  for (const Node& node : p.nodes) {
    if (!node.IsLiteral()) return 0;
    ++n;
  }
  return n;
}

}  // namespace

SigGenerator::SigGenerator(uint64_t seed, GeneratorOptions options)
    : rng_(seed), options_(options) {}

sigs::Pattern SigGenerator::Pattern(bool for_ndb, bool with_prefix) {
  if (options_.range_gaps && with_prefix && rng_.Chance(0.06)) {
    return RangeGapPattern();
  }
  sigs::Pattern p;
  range_seen_ = false;
  with_prefix_ = with_prefix;
  size_t parts =
      options_.split_gaps && rng_.Chance(0.35) ? rng_.Uniform(2, 3) : 1;
  for (size_t k = 0; k < parts; ++k) {
    if (k > 0) AddSplitGap(&p);
    AddPart(&p);
  }
  // A pure literal .ndb body goes to ClamAV's Boyer-Moore matcher, which
  // wants at least 3 bytes.
  size_t literals = LiteralCount(p);
  if (for_ndb && literals > 0 && literals < 3) {
    p.nodes.push_back(Node::Literal(LiteralByte(rng_)));
  }
  return p;
}

// [boundary] prefix-element* literal-run element* [boundary]. ClamAV anchors
// a part at a run of static bytes and matches what stands before it
// backwards; there it rejects multi-byte alternations and boundaries after a
// byte, so the prefix holds only literals, `??`, nibbles, sets and `{n}`, and
// nothing at all in subsignatures with modifiers (which turn sets into
// alternations and add a (W) for ::f).
void SigGenerator::AddPart(sigs::Pattern* p) {
  if (options_.boundaries && rng_.Chance(0.15)) {
    p->nodes.push_back(Node::Boundary(RandomBoundary(rng_)));
  }
  for (uint64_t i = with_prefix_ ? rng_.Uniform(0, 2) : 0; i > 0; --i) {
    AddElement(p, true);
  }
  for (uint64_t i = rng_.Uniform(3, 4); i > 0; --i) {
    p->nodes.push_back(Node::Literal(LiteralByte(rng_)));
  }
  for (uint64_t i = rng_.Uniform(0, 3); i > 0; --i) AddElement(p, false);
  if (options_.boundaries && !EndsWithBoundary(*p) && rng_.Chance(0.15)) {
    p->nodes.push_back(Node::Boundary(RandomBoundary(rng_)));
  }
}

// A small fixed gap, or `??`s where ClamAV would treat `{n}` as a split.
void SigGenerator::AddFixedGap(sigs::Pattern* p, uint32_t n) {
  if (!range_seen_) {
    p->nodes.push_back(Node::Gap(n, n));
    return;
  }
  for (uint32_t i = 0; i < n; ++i) p->nodes.push_back(Node::AnyByte());
}

void SigGenerator::AddElement(sigs::Pattern* p, bool prefix) {
  uint64_t r = rng_.Uniform(0, 99);
  if (r < 40) {
    p->nodes.push_back(Node::Literal(LiteralByte(rng_)));
  } else if (r < 50 && options_.wildcards) {
    p->nodes.push_back(Node::AnyByte());
  } else if (r < 60 && options_.nibbles) {
    uint8_t m = rng_.Chance(0.5) ? 0xf0 : 0x0f;
    p->nodes.push_back(Node::Masked(rng_.Byte(), m));
  } else if (r < 72 && options_.sets) {
    sigs::ByteSet set;
    for (uint64_t i = rng_.Uniform(2, 4); i > 0; --i)
      set.set(LiteralByte(rng_));
    if (rng_.Chance(0.3)) set.flip();
    p->sets.push_back(set);
    p->nodes.push_back(Node::Set(static_cast<int32_t>(p->sets.size() - 1)));
  } else if (r < 78 && options_.wildcards) {
    AddFixedGap(p, static_cast<uint32_t>(rng_.Uniform(1, 6)));
  } else if (r < 90 && options_.alternations && !prefix) {
    AddAlternation(p);
  } else if (r < 96 && options_.boundaries && !prefix &&
             !EndsWithBoundary(*p)) {
    // Inside a part: followed by a literal so it never ends the part.
    p->nodes.push_back(Node::Boundary(RandomBoundary(rng_)));
    p->nodes.push_back(Node::Literal(LiteralByte(rng_)));
  } else {
    p->nodes.push_back(Node::Literal(LiteralByte(rng_)));
  }
}

std::vector<Node> SigGenerator::AlternationBranch(size_t len, bool wild) {
  std::vector<Node> branch;
  for (size_t i = 0; i < len; ++i) {
    if (wild && i > 0 && rng_.Chance(0.2)) {
      if (rng_.Chance(0.5) || range_seen_) {
        branch.push_back(Node::AnyByte());
      } else {
        auto n = static_cast<uint32_t>(rng_.Uniform(1, 3));
        branch.push_back(Node::Gap(n, n));
      }
    } else {
      branch.push_back(Node::Literal(LiteralByte(rng_)));
    }
  }
  return branch;
}

// Multi-byte alternations: fixed length (maybe negated), or generic with
// branches of different lengths and wildcards (never negated).
void SigGenerator::AddAlternation(sigs::Pattern* p) {
  sigs::Alternation alt;
  size_t branches = rng_.Uniform(2, 3);
  if (rng_.Chance(0.5)) {
    size_t len = rng_.Uniform(2, 3);
    alt.negated = rng_.Chance(0.3);
    for (size_t i = 0; i < branches; ++i) {
      alt.branches.push_back(AlternationBranch(len, false));
    }
  } else {
    for (size_t i = 0; i < branches; ++i) {
      alt.branches.push_back(AlternationBranch(rng_.Uniform(1, 4), true));
    }
  }
  bool single_bytes = std::all_of(alt.branches.begin(), alt.branches.end(),
                                  [](const std::vector<Node>& b) {
                                    return b.size() == 1 && b[0].IsLiteral();
                                  });
  if (single_bytes) {  // the IR writes `(aa|bb)` as a byte set
    sigs::ByteSet set;
    for (const auto& b : alt.branches) set.set(b[0].value);
    p->sets.push_back(set);
    p->nodes.push_back(Node::Set(static_cast<int32_t>(p->sets.size() - 1)));
    return;
  }
  p->alternations.push_back(std::move(alt));
  p->nodes.push_back(
      Node::Alternation(static_cast<uint32_t>(p->alternations.size() - 1)));
}

// Any splitting gap but `*` is a range, after which a small `{n}` splits too
// (SplittingGaps).
void SigGenerator::AddSplitGap(sigs::Pattern* p) {
  auto small = [&](uint64_t lo, uint64_t hi) {
    return static_cast<uint32_t>(rng_.Uniform(lo, hi));
  };
  uint64_t kind = rng_.Uniform(0, range_seen_ ? 5 : 4);
  switch (kind) {
    case 0:
      p->nodes.push_back(Node::Gap(0, Node::kUnbounded));
      return;
    case 1:
      p->nodes.push_back(Node::Gap(small(1, 8), Node::kUnbounded));
      break;
    case 2:
      p->nodes.push_back(Node::Gap(0, small(1, 10)));
      break;
    case 3: {
      uint32_t lo = small(0, 8);
      p->nodes.push_back(Node::Gap(lo, lo + small(1, 10)));
      break;
    }
    case 4: {
      uint32_t n = small(kFixedGapLimit, kFixedGapLimit + 12);
      p->nodes.push_back(Node::Gap(n, n));
      break;
    }
    default: {
      uint32_t n = small(1, 6);
      p->nodes.push_back(Node::Gap(n, n));
      break;
    }
  }
  range_seen_ = true;
}

// `aa[x-y]HEXSIG` or `HEXSIG[x-y]aa`.
sigs::Pattern SigGenerator::RangeGapPattern() {
  sigs::Pattern p;
  std::vector<Node> hexsig;
  for (uint64_t i = rng_.Uniform(2, 5); i > 0; --i) {
    hexsig.push_back(Node::Literal(LiteralByte(rng_)));
  }
  auto lo = static_cast<uint32_t>(rng_.Uniform(0, 8));
  Node gap =
      Node::Gap(lo, lo + static_cast<uint32_t>(rng_.Uniform(1, 24 - lo)));
  Node single = Node::Literal(LiteralByte(rng_));
  if (rng_.Chance(0.5)) {
    p.nodes = {single, gap};
    p.nodes.insert(p.nodes.end(), hexsig.begin(), hexsig.end());
  } else {
    p.nodes = hexsig;
    p.nodes.push_back(gap);
    p.nodes.push_back(single);
  }
  return p;
}

sigs::Offset SigGenerator::Offset() {
  sigs::Offset off;
  if (!options_.offsets || rng_.Chance(0.6)) return off;
  if (rng_.Chance(0.5)) {
    off.kind = sigs::Offset::Kind::kAbsolute;
    off.value = rng_.Uniform(0, 200);
  } else {
    off.kind = sigs::Offset::Kind::kEofMinus;
    off.value = rng_.Uniform(16, 300);
  }
  if (rng_.Chance(0.4)) off.max_shift = rng_.Uniform(1, 60);
  return off;
}

sigs::BodySig SigGenerator::BodySig(std::string name) {
  sigs::BodySig sig;
  sig.name = std::move(name);
  sig.pattern = Pattern(true, true);
  sig.offset = Offset();
  if (options_.tdb_variety && rng_.Chance(0.04)) {
    static const std::vector<uint8_t> kTargets = {1, 2, 5, 6};
    sig.target = rng_.Pick(kTargets);
  }
  return sig;
}

sigs::Subsig SigGenerator::BodySubsig() {
  sigs::Subsig s;
  s.kind = sigs::Subsig::Kind::kBody;
  bool modifiers = options_.modifiers && rng_.Chance(0.3);
  s.pattern = Pattern(false, !modifiers);
  s.offset = Offset();
  // ClamAV rejects any modifier on a pattern with a negated alternation or an
  // `[x-y]` gap; ::w and ::f are left out next to boundaries
  // (docs/matching-semantics.md).
  if (!modifiers || HasNegation(s.pattern) ||
      RangeAnchorOf(s.pattern) != RangeAnchor::kNone) {
    return s;
  }
  bool boundary = HasBoundary(s.pattern);
  sigs::SubsigModifiers& m = s.modifiers;
  m.nocase = rng_.Chance(0.5);
  m.wide = !boundary && rng_.Chance(0.4);
  m.fullword = !boundary && rng_.Chance(0.4);
  m.ascii = rng_.Chance(m.wide ? 0.5 : 0.15);
  return s;
}

bool IsFixedLength(const sigs::Pattern& pattern) {
  for (const Node& n : pattern.nodes) {
    switch (n.kind) {
      case Node::Kind::kByte:
        break;
      case Node::Kind::kGap:
        if (n.gap_min != n.gap_max || n.gap_max >= kFixedGapLimit) {
          return false;
        }
        break;
      case Node::Kind::kBoundary:
        return false;
      case Node::Kind::kAlternation: {
        const auto& alt = pattern.alternations[n.alt_index];
        for (const auto& b : alt.branches) {
          if (b.size() != alt.branches[0].size()) return false;
          for (const Node& bn : b) {
            if (bn.kind != Node::Kind::kByte) return false;
          }
        }
        break;
      }
    }
  }
  return true;
}

}  // namespace vigil::reference

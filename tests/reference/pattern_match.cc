// Pattern matching of the reference matcher: offsets, nodes, modifiers.
//
// A match attempt from start position s keeps the sorted set of positions the
// nodes consumed so far can end at, and maps it through one node at a time:
//   byte   p -> p+1 when data[p] matches,
//   gap    p -> every q in [p+min, p+max],
//   alternation  the union over branches (negated: p -> p+len when no branch
//          matches there),
//   boundary     depends on where the node stands (BoundaryEdge): at the
//          start of a part it looks at the byte before, at the end of a part
//          at the byte after, in the middle it consumes one byte ("\r\n" for
//          (L)); ClamAV matches it this way (docs/matching-semantics.md).
// Whatever set is left after the last node are the ends of matches from s.
#include <algorithm>
#include <cctype>
#include <string_view>

#include "reference/reference_matcher.h"

namespace vigil::reference {
namespace {

using sigs::BoundaryKind;
using sigs::Node;
using sigs::Pattern;
using Positions = std::vector<size_t>;

uint8_t Fold(uint8_t b) {
  return static_cast<uint8_t>(std::tolower(static_cast<unsigned char>(b)));
}
uint8_t OtherCase(uint8_t b) {
  if (b >= 'a' && b <= 'z') return static_cast<uint8_t>(b - 'a' + 'A');
  if (b >= 'A' && b <= 'Z') return static_cast<uint8_t>(b - 'A' + 'a');
  return b;
}

bool ByteMatches(const Pattern& p, const Node& n, uint8_t b, bool nocase) {
  if (n.set_index >= 0) {
    const sigs::ByteSet& set = p.sets[static_cast<size_t>(n.set_index)];
    return set[b] || (nocase && set[OtherCase(b)]);
  }
  if (n.mask == 0xff && nocase) return Fold(b) == Fold(n.value);
  return (b & n.mask) == (n.value & n.mask);
}

// Matches node lists of one pattern against one buffer. `top` is the node
// list matches start with; the edges of its boundaries are computed once.
class Stepper {
 public:
  Stepper(const Pattern& pattern, const std::vector<Node>& top,
          const uint8_t* data, size_t size, bool nocase)
      : p_(pattern), top_(top), d_(data), n_(size), nocase_(nocase) {
    for (size_t i = 0; i < top.size(); ++i) {
      top_edges_.push_back(top[i].kind == Node::Kind::kBoundary
                               ? BoundaryEdgeAt(top, i)
                               : BoundaryEdge::kConsume);
    }
  }

  // The ends of all matches of `nodes` starting at the positions in `from`.
  Positions Run(const std::vector<Node>& nodes, Positions from) const {
    for (size_t i = 0; i < nodes.size() && !from.empty(); ++i) {
      from = Step(nodes, i, from);
    }
    return from;
  }

  // The ends of the matches of the top node list that start at `start`.
  // (Skipping a start whose first byte cannot match only saves allocations:
  // the byte step would drop it just the same.)
  Positions RunFrom(size_t start) const {
    size_t first = 0;  // the first node that is not a lookbehind
    while (first < top_.size() && top_[first].kind == Node::Kind::kBoundary &&
           top_edges_[first] == BoundaryEdge::kLookbehind) {
      ++first;
    }
    if (first < top_.size() && top_[first].kind == Node::Kind::kByte &&
        (start >= n_ || !ByteMatches(p_, top_[first], d_[start], nocase_))) {
      return {};
    }
    return Run(top_, {start});
  }

 private:
  Positions Step(const std::vector<Node>& nodes, size_t i,
                 const Positions& in) const {
    const Node& node = nodes[i];
    switch (node.kind) {
      case Node::Kind::kByte:
        return StepByte(node, in);
      case Node::Kind::kGap:
        return StepGap(node, in);
      case Node::Kind::kAlternation:
        return StepAlternation(node, in);
      case Node::Kind::kBoundary:
        return StepBoundary(
            node.boundary,
            &nodes == &top_ ? top_edges_[i] : BoundaryEdgeAt(nodes, i), in);
    }
    return {};
  }

  Positions StepByte(const Node& node, const Positions& in) const {
    Positions out;
    for (size_t pos : in) {
      if (pos < n_ && ByteMatches(p_, node, d_[pos], nocase_)) {
        out.push_back(pos + 1);
      }
    }
    return out;
  }

  Positions StepGap(const Node& node, const Positions& in) const {
    Positions out;
    size_t next = 0;  // smallest position not yet emitted
    for (size_t pos : in) {
      size_t lo = pos + node.gap_min;
      size_t hi = node.gap_max == Node::kUnbounded
                      ? n_
                      : std::min(pos + node.gap_max, n_);
      for (size_t q = std::max(lo, next); q <= hi; ++q) out.push_back(q);
      next = std::max(next, hi + 1);
    }
    return out;
  }

  Positions StepAlternation(const Node& node, const Positions& in) const {
    const sigs::Alternation& alt = p_.alternations[node.alt_index];
    if (alt.negated) return StepNegated(alt, in);
    Positions out;
    for (const auto& branch : alt.branches) {
      Positions ends = Run(branch, in);
      Positions merged;
      std::set_union(out.begin(), out.end(), ends.begin(), ends.end(),
                     std::back_inserter(merged));
      out.swap(merged);
    }
    return out;
  }

  // `!(b1|b2|...)`: any string of the branches' length that none of them
  // matches. Branches of a negated alternation are byte strings of one length.
  Positions StepNegated(const sigs::Alternation& alt,
                        const Positions& in) const {
    size_t len = alt.branches.empty() ? 0 : alt.branches[0].size();
    Positions out;
    for (size_t pos : in) {
      if (pos + len > n_) continue;
      bool any = false;
      for (const auto& branch : alt.branches) {
        Positions ends = Run(branch, {pos});
        any =
            any || std::find(ends.begin(), ends.end(), pos + len) != ends.end();
      }
      if (!any) out.push_back(pos + len);
    }
    return out;
  }

  Positions StepBoundary(BoundaryKind kind, BoundaryEdge edge,
                         const Positions& in) const {
    Positions out;
    for (size_t pos : in) {
      switch (edge) {
        case BoundaryEdge::kLookbehind:
          if (pos == 0 || InBoundaryClass(kind, edge, d_[pos - 1])) {
            out.push_back(pos);
          }
          break;
        case BoundaryEdge::kLookahead:
          if (pos == n_ || InBoundaryClass(kind, edge, d_[pos]) ||
              IsCrLf(pos, kind)) {
            out.push_back(pos);
          }
          break;
        case BoundaryEdge::kConsume:
          ConsumeBoundary(kind, pos, &out);
          break;
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  bool IsCrLf(size_t pos, BoundaryKind kind) const {
    return kind == BoundaryKind::kLine && pos + 1 < n_ && d_[pos] == '\r' &&
           d_[pos + 1] == '\n';
  }

  void ConsumeBoundary(BoundaryKind kind, size_t pos, Positions* out) const {
    if (pos == 0 || pos == n_) out->push_back(pos);  // the data's edges
    if (pos < n_ && InBoundaryClass(kind, BoundaryEdge::kConsume, d_[pos])) {
      out->push_back(pos + 1);
    }
    if (IsCrLf(pos, kind)) out->push_back(pos + 2);
  }

  const Pattern& p_;
  const std::vector<Node>& top_;
  std::vector<BoundaryEdge> top_edges_;
  const uint8_t* d_;
  size_t n_;
  bool nocase_;
};

bool IsWordByte(uint8_t b) { return std::isalnum(b) != 0; }

// ::f on the ASCII form: no alphanumeric byte right before or after.
bool FullwordAscii(const Match& m, const uint8_t* d, size_t n) {
  bool before_ok = m.first == 0 || !IsWordByte(d[m.first - 1]);
  bool after_ok = m.second == n || !IsWordByte(d[m.second]);
  return before_ok && after_ok;
}

// ::f on the wide form: no wide alphanumeric character (alnum, 00) right
// before or after; a lone alnum byte at the very end of the data counts as one.
bool FullwordWide(const Match& m, const uint8_t* d, size_t n) {
  size_t s = m.first;
  size_t e = m.second;
  bool before_bad = s >= 2 && IsWordByte(d[s - 2]) && d[s - 1] == 0;
  bool after_bad = e < n && IsWordByte(d[e]) && (e + 1 >= n || d[e + 1] == 0);
  return !before_bad && !after_bad;
}

std::vector<Node> WideNodes(const std::vector<Node>& nodes,
                            Pattern* out_pattern, const Pattern& in_pattern) {
  std::vector<Node> out;
  for (const Node& node : nodes) {
    if (node.kind == Node::Kind::kAlternation) {
      sigs::Alternation alt = in_pattern.alternations[node.alt_index];
      for (auto& branch : alt.branches) {
        branch = WideNodes(branch, out_pattern, in_pattern);
      }
      out_pattern->alternations.push_back(std::move(alt));
      out.push_back(Node::Alternation(
          static_cast<uint32_t>(out_pattern->alternations.size() - 1)));
      continue;
    }
    out.push_back(node);
    if (node.kind == Node::Kind::kByte) out.push_back(Node::Literal(0));
  }
  return out;
}

}  // namespace

std::vector<bool> SplittingGaps(const std::vector<Node>& nodes) {
  std::vector<bool> split(nodes.size(), false);
  bool range_seen = false;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.kind != Node::Kind::kGap) continue;
    bool star = n.gap_min == 0 && n.gap_max == Node::kUnbounded;
    bool fixed = n.gap_min == n.gap_max && n.gap_max < kFixedGapLimit;
    split[i] = star || !fixed || range_seen;
    range_seen = range_seen || (!star && !fixed);
  }
  return split;
}

BoundaryEdge BoundaryEdgeAt(const std::vector<Node>& nodes, size_t i) {
  std::vector<bool> split = SplittingGaps(nodes);
  if (i == 0 || split[i - 1]) return BoundaryEdge::kLookbehind;
  if (i + 1 == nodes.size() || split[i + 1]) {
    return BoundaryEdge::kLookahead;
  }
  return BoundaryEdge::kConsume;
}

bool InBoundaryClass(BoundaryKind kind, BoundaryEdge edge, uint8_t b) {
  auto in = [b](std::string_view set) {
    return set.find(static_cast<char>(b)) != std::string_view::npos;
  };
  switch (kind) {
    case BoundaryKind::kWord:
      switch (edge) {
        case BoundaryEdge::kLookbehind:
          return in(" -./<@_");
        case BoundaryEdge::kLookahead:
          return in("\n\r \"'-/=>_");
        case BoundaryEdge::kConsume:
          return in("\n\r \"'-./<=>@_");
      }
      return false;
    case BoundaryKind::kLine:
      return b == '\n';
    case BoundaryKind::kNonAlnum:
      return std::isalnum(b) == 0;
  }
  return false;
}

std::optional<std::pair<size_t, size_t>> StartRange(const sigs::Offset& offset,
                                                    size_t size) {
  using Kind = sigs::Offset::Kind;
  uint64_t first = 0;
  switch (offset.kind) {
    case Kind::kAny:
      return std::make_pair(size_t{0}, size);
    case Kind::kAbsolute:
      first = offset.value;
      break;
    case Kind::kEofMinus:
      if (offset.value > size) return std::nullopt;
      first = size - offset.value;
      break;
    default:
      return std::nullopt;
  }
  if (first > size) return std::nullopt;
  uint64_t last = std::min<uint64_t>(first + offset.max_shift, size);
  return std::make_pair(static_cast<size_t>(first), static_cast<size_t>(last));
}

RangeAnchor RangeAnchorOf(const sigs::Pattern& pattern) {
  const std::vector<Node>& n = pattern.nodes;
  auto anchor_gap = [](const Node& g) {
    return g.kind == Node::Kind::kGap && g.gap_max != Node::kUnbounded &&
           g.gap_max <= 32 && g.gap_min < g.gap_max;
  };
  if (n.size() < 3) return RangeAnchor::kNone;
  if (n[0].IsLiteral() && anchor_gap(n[1])) return RangeAnchor::kLeft;
  if (n.back().IsLiteral() && anchor_gap(n[n.size() - 2])) {
    return RangeAnchor::kRight;
  }
  return RangeAnchor::kNone;
}

namespace {

// Whether the anchor byte of an `[x-y]` pattern stands `gap` bytes away
// from `pos` (before it for kLeft, after it for kRight).
bool AnchorByteNear(const sigs::Pattern& p, RangeAnchor side, ByteView data,
                    size_t pos) {
  const std::vector<Node>& n = p.nodes;
  const Node& byte = side == RangeAnchor::kLeft ? n.front() : n.back();
  const Node& gap = side == RangeAnchor::kLeft ? n[1] : n[n.size() - 2];
  const uint8_t* d = AsU8(data);
  for (uint64_t g = gap.gap_min; g <= gap.gap_max; ++g) {
    if (side == RangeAnchor::kLeft && pos >= g + 1 &&
        d[pos - g - 1] == byte.value) {
      return true;
    }
    if (side == RangeAnchor::kRight && pos + g < data.size() &&
        d[pos + g] == byte.value) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<Match> FindMatches(const sigs::Pattern& pattern,
                               const sigs::Offset& offset, ByteView data,
                               bool nocase) {
  std::vector<Match> out;
  auto range = StartRange(offset, data.size());
  if (!range) return out;
  RangeAnchor anchor = RangeAnchorOf(pattern);
  std::vector<Node> proper = pattern.nodes;  // what the match consists of
  if (anchor == RangeAnchor::kLeft)
    proper.erase(proper.begin(), proper.begin() + 2);
  if (anchor == RangeAnchor::kRight) proper.resize(proper.size() - 2);
  Stepper stepper(pattern, proper, AsU8(data), data.size(), nocase);
  for (size_t s = range->first; s <= range->second; ++s) {
    if (anchor == RangeAnchor::kLeft &&
        !AnchorByteNear(pattern, anchor, data, s)) {
      continue;
    }
    for (size_t e : stepper.RunFrom(s)) {
      if (anchor == RangeAnchor::kRight &&
          !AnchorByteNear(pattern, anchor, data, e)) {
        continue;
      }
      out.emplace_back(s, e);
    }
  }
  return out;
}

sigs::Pattern WidePattern(const sigs::Pattern& pattern) {
  sigs::Pattern out;
  out.sets = pattern.sets;
  out.nodes = WideNodes(pattern.nodes, &out, pattern);
  return out;
}

std::vector<Match> FindSubsigMatches(const sigs::Subsig& subsig,
                                     ByteView data) {
  const sigs::SubsigModifiers& mod = subsig.modifiers;
  const uint8_t* d = AsU8(data);
  std::vector<Match> out;
  if (!mod.wide || mod.ascii) {
    for (const Match& m :
         FindMatches(subsig.pattern, subsig.offset, data, mod.nocase)) {
      if (!mod.fullword || FullwordAscii(m, d, data.size())) out.push_back(m);
    }
  }
  if (mod.wide) {
    sigs::Pattern wide = WidePattern(subsig.pattern);
    for (const Match& m : FindMatches(wide, subsig.offset, data, mod.nocase)) {
      if (!mod.fullword || FullwordWide(m, d, data.size())) out.push_back(m);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

uint64_t CountDistinctEnds(const std::vector<Match>& matches) {
  std::vector<size_t> ends;
  for (const Match& m : matches) ends.push_back(m.second);
  std::sort(ends.begin(), ends.end());
  return static_cast<uint64_t>(std::unique(ends.begin(), ends.end()) -
                               ends.begin());
}

}  // namespace vigil::reference

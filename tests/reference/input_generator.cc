// Instances of patterns, regexes and byte compares, and inputs built from
// them. Boundaries are satisfied as the reference matches them
// (BoundaryEdgeAt): a consuming one gets a byte of its class, one at a part
// edge gets the neighbouring byte set (the gap next to it is made at least
// one byte long for that), one at the pattern's edge asks for a byte
// before/after the instance.
#include "reference/input_generator.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "reference/reference_matcher.h"

namespace vigil::reference {
namespace {

using sigs::BoundaryKind;
using sigs::Node;

// A random byte the boundary accepts where it stands.
uint8_t ClassByte(BoundaryKind kind, BoundaryEdge edge, Rng& rng) {
  for (;;) {
    uint8_t b = rng.Byte();
    if (InBoundaryClass(kind, edge, b)) return b;
  }
}

// A byte both boundaries accept, if there is one.
std::optional<uint8_t> CommonClassByte(BoundaryKind a, BoundaryEdge ea,
                                       BoundaryKind b, BoundaryEdge eb) {
  for (int v = 0; v < 256; ++v) {
    auto byte = static_cast<uint8_t>(v);
    if (InBoundaryClass(a, ea, byte) && InBoundaryClass(b, eb, byte))
      return byte;
  }
  return std::nullopt;
}

uint8_t NonAlnumByte(Rng& rng) {
  return ClassByte(BoundaryKind::kNonAlnum, BoundaryEdge::kConsume, rng);
}

uint8_t FlipCase(uint8_t b, Rng& rng) {
  if (std::isalpha(b) == 0 || !rng.Chance(0.5)) return b;
  return static_cast<uint8_t>(std::islower(b) != 0 ? std::toupper(b)
                                                   : std::tolower(b));
}

class InstanceBuilder {
 public:
  InstanceBuilder(const sigs::Pattern& p, Rng& rng, bool nocase)
      : p_(p), rng_(rng), nocase_(nocase) {}

  Instance Build() {
    Emit(p_.nodes);
    return std::move(inst_);
  }

 private:
  void Emit(const std::vector<Node>& nodes) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node& n = nodes[i];
      switch (n.kind) {
        case Node::Kind::kByte:
          EmitByte(n);
          break;
        case Node::Kind::kGap:
          EmitGap(nodes, i);
          break;
        case Node::Kind::kAlternation:
          EmitAlternation(n);
          break;
        case Node::Kind::kBoundary:
          EmitBoundary(nodes, i);
          break;
      }
    }
  }

  void EmitByte(const Node& n) {
    uint8_t b = 0;
    if (n.set_index >= 0) {
      const sigs::ByteSet& set = p_.sets[static_cast<size_t>(n.set_index)];
      size_t k = rng_.Uniform(0, set.count() - 1);
      for (size_t v = 0; v < 256; ++v) {
        if (set[v] && k-- == 0) {
          b = static_cast<uint8_t>(v);
          break;
        }
      }
    } else {
      b = static_cast<uint8_t>((rng_.Byte() & ~n.mask) | (n.value & n.mask));
    }
    if (n.IsLiteral()) inst_.literal_positions.push_back(inst_.bytes.size());
    inst_.bytes.push_back(nocase_ && n.mask == 0xff ? FlipCase(b, rng_) : b);
  }

  // A gap next to a part-edge boundary holds the byte that boundary looks at
  // (two bytes when no single byte suits both neighbours).
  void EmitGap(const std::vector<Node>& nodes, size_t i) {
    const Node& n = nodes[i];
    bool after_lookahead =
        i > 0 && nodes[i - 1].kind == Node::Kind::kBoundary &&
        BoundaryEdgeAt(nodes, i - 1) == BoundaryEdge::kLookahead;
    bool before_lookbehind =
        i + 1 < nodes.size() && nodes[i + 1].kind == Node::Kind::kBoundary &&
        BoundaryEdgeAt(nodes, i + 1) == BoundaryEdge::kLookbehind;
    uint64_t max = n.gap_max == Node::kUnbounded ? n.gap_min + 8 : n.gap_max;
    uint64_t len =
        rng_.Uniform(n.gap_min, std::min<uint64_t>(max, n.gap_min + 8));
    std::optional<uint8_t> common;
    if (after_lookahead && before_lookbehind) {
      common =
          CommonClassByte(nodes[i - 1].boundary, BoundaryEdge::kLookahead,
                          nodes[i + 1].boundary, BoundaryEdge::kLookbehind);
      if (len < 2 && max >= 2 && (!common || len == 0)) len = 2;
    }
    if ((after_lookahead || before_lookbehind) && len == 0 && max > 0) len = 1;
    size_t start = inst_.bytes.size();
    for (uint64_t k = 0; k < len; ++k) inst_.bytes.push_back(rng_.Byte());
    if (len == 0) return;
    if (after_lookahead) {
      inst_.bytes[start] =
          ClassByte(nodes[i - 1].boundary, BoundaryEdge::kLookahead, rng_);
    }
    if (before_lookbehind) {
      inst_.bytes.back() =
          ClassByte(nodes[i + 1].boundary, BoundaryEdge::kLookbehind, rng_);
    }
    if (after_lookahead && before_lookbehind && len == 1 && common) {
      inst_.bytes.back() = *common;
    }
  }

  void EmitAlternation(const Node& n) {
    const sigs::Alternation& alt = p_.alternations[n.alt_index];
    if (!alt.negated) {
      Emit(alt.branches[rng_.Uniform(0, alt.branches.size() - 1)]);
      return;
    }
    size_t len = alt.branches.empty() ? 0 : alt.branches[0].size();
    for (size_t k = 0; k < len; ++k) inst_.bytes.push_back(rng_.Byte());
  }

  void EmitBoundary(const std::vector<Node>& nodes, size_t i) {
    BoundaryKind kind = nodes[i].boundary;
    switch (BoundaryEdgeAt(nodes, i)) {
      case BoundaryEdge::kLookbehind:
        if (i == 0)
          inst_.before = ClassByte(kind, BoundaryEdge::kLookbehind, rng_);
        break;
      case BoundaryEdge::kLookahead:
        if (i + 1 == nodes.size()) {
          bool crlf = kind == BoundaryKind::kLine && rng_.Chance(0.3);
          inst_.after = crlf ? std::vector<uint8_t>{'\r', '\n'}
                             : std::vector<uint8_t>{ClassByte(
                                   kind, BoundaryEdge::kLookahead, rng_)};
        }
        break;
      case BoundaryEdge::kConsume:
        inst_.bytes.push_back(ClassByte(kind, BoundaryEdge::kConsume, rng_));
        break;
    }
  }

  const sigs::Pattern& p_;
  Rng& rng_;
  bool nocase_;
  Instance inst_;
};

// ---------------------------------------------------------------- regexes

class RegexInstanceBuilder {
 public:
  RegexInstanceBuilder(std::string_view re, Rng& rng) : re_(re), rng_(rng) {}

  std::optional<Instance> Build() {
    Instance inst;
    while (pos_ < re_.size()) {
      size_t atom_start = pos_;
      if (!SkipAtom()) return std::nullopt;
      std::string_view atom = re_.substr(atom_start, pos_ - atom_start);
      uint64_t reps = Quantifier();
      if (reps == kBad) return std::nullopt;
      for (uint64_t r = 0; r < reps; ++r) {
        if (!AppendAtom(atom, &inst.bytes)) return std::nullopt;
      }
    }
    return inst;
  }

 private:
  static constexpr uint64_t kBad = UINT64_MAX;

  bool SkipAtom() {
    char c = re_[pos_];
    if (c == '\\') {
      pos_ += re_.substr(pos_, 2) == "\\x" ? 4 : 2;
    } else if (c == '[' || c == '(') {
      size_t close = re_.find(c == '[' ? ']' : ')', pos_);
      if (close == std::string_view::npos) return false;
      pos_ = close + 1;
    } else {
      ++pos_;
    }
    return pos_ <= re_.size();
  }

  uint64_t Quantifier() {
    if (pos_ >= re_.size() || re_[pos_] != '{') return 1;
    size_t close = re_.find('}', pos_);
    if (close == std::string_view::npos) return kBad;
    std::string body(re_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    size_t comma = body.find(',');
    if (comma == std::string::npos) return std::stoull(body);
    return rng_.Uniform(std::stoull(body.substr(0, comma)),
                        std::stoull(body.substr(comma + 1)));
  }

  bool AppendAtom(std::string_view atom, std::vector<uint8_t>* out) {
    if (atom.size() == 4 && atom.substr(0, 2) == "\\x") {
      out->push_back(static_cast<uint8_t>(
          std::stoul(std::string(atom.substr(2)), nullptr, 16)));
    } else if (atom == "\\d") {
      out->push_back(static_cast<uint8_t>('0' + rng_.Uniform(0, 9)));
    } else if (atom == ".") {
      out->push_back(static_cast<uint8_t>(rng_.Uniform('!', '~')));
    } else if (atom.size() == 5 && atom[0] == '[' && atom[2] == '-') {
      out->push_back(static_cast<uint8_t>(rng_.Uniform(
          static_cast<uint8_t>(atom[1]), static_cast<uint8_t>(atom[3]))));
    } else if (atom.front() == '(') {
      std::vector<std::string_view> alts;
      std::string_view inner = atom.substr(1, atom.size() - 2);
      for (size_t bar; (bar = inner.find('|')) != std::string_view::npos;) {
        alts.push_back(inner.substr(0, bar));
        inner.remove_prefix(bar + 1);
      }
      alts.push_back(inner);
      auto sub =
          RegexInstanceBuilder(alts[rng_.Uniform(0, alts.size() - 1)], rng_)
              .Build();
      if (!sub) return false;
      out->insert(out->end(), sub->bytes.begin(), sub->bytes.end());
    } else if (atom.size() == 1 &&
               std::isalnum(static_cast<unsigned char>(atom[0])) != 0) {
      out->push_back(static_cast<uint8_t>(atom[0]));
    } else {
      return false;
    }
    return true;
  }

  std::string_view re_;
  Rng& rng_;
  size_t pos_ = 0;
};

}  // namespace

Instance MakeInstance(const sigs::Pattern& pattern, Rng& rng,
                      InstanceOptions options) {
  Instance inst = InstanceBuilder(pattern, rng, options.nocase).Build();
  if (options.fullword) {
    if (!inst.before) inst.before = NonAlnumByte(rng);
    if (inst.after.empty()) inst.after = {NonAlnumByte(rng)};
  }
  return inst;
}

Instance MakeSubsigInstance(const sigs::Subsig& subsig, Rng& rng) {
  const sigs::SubsigModifiers& m = subsig.modifiers;
  bool wide = m.wide && (!m.ascii || rng.Chance(0.5));
  InstanceOptions opts{m.nocase, m.fullword};
  if (!wide) return MakeInstance(subsig.pattern, rng, opts);
  return MakeInstance(WidePattern(subsig.pattern), rng, opts);
}

std::optional<Instance> MakeRegexInstance(std::string_view regex, Rng& rng) {
  return RegexInstanceBuilder(regex, rng).Build();
}

bool MakeNearMiss(Instance* inst, Rng& rng, bool nocase) {
  if (inst->literal_positions.empty()) return false;
  size_t pos = rng.Pick(inst->literal_positions);
  uint8_t old = inst->bytes[pos];
  uint8_t b = old;
  while (b == old || (nocase && std::tolower(b) == std::tolower(old))) {
    b = rng.Byte();
  }
  inst->bytes[pos] = b;
  return true;
}

std::vector<uint8_t> RandomBinary(Rng& rng, size_t size) {
  std::vector<uint8_t> data(size);
  for (uint8_t& b : data) b = rng.Byte();
  if (size == 0) return data;
  for (size_t k = 0; k < 3 + size / 64; ++k) data[rng.Uniform(0, size - 1)] = 0;
  std::copy_n(kBinaryPrefix, std::min(size, sizeof kBinaryPrefix),
              data.begin());
  return data;
}

std::optional<size_t> RandomStart(const sigs::Offset& offset, size_t size,
                                  const Instance& inst, Rng& rng) {
  auto range = StartRange(offset, size);
  if (!range) return std::nullopt;
  size_t lo = std::max<size_t>(range->first,
                               sizeof kBinaryPrefix + (inst.before ? 1 : 0));
  size_t need = inst.bytes.size() + inst.after.size();
  if (need > size) return std::nullopt;
  size_t hi = std::min(range->second, size - need);
  if (lo > hi) return std::nullopt;
  return rng.Uniform(lo, hi);
}

bool Plant(std::vector<uint8_t>* data, const Instance& inst, size_t pos) {
  size_t end = pos + inst.bytes.size() + inst.after.size();
  size_t first = inst.before ? pos - 1 : pos;
  if (end > data->size() || pos == 0 || first < sizeof kBinaryPrefix) {
    return false;
  }
  if (inst.before) (*data)[pos - 1] = *inst.before;
  std::copy(inst.bytes.begin(), inst.bytes.end(),
            data->begin() + static_cast<ptrdiff_t>(pos));
  std::copy(inst.after.begin(), inst.after.end(),
            data->begin() + static_cast<ptrdiff_t>(pos + inst.bytes.size()));
  return true;
}

}  // namespace vigil::reference

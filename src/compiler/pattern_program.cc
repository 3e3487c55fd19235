#include "compiler/pattern_program.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace vigil::compiler {

namespace {

using Kind = Elem::Kind;

Elem Literal(uint8_t b) {
  Elem e;
  e.kind = Kind::kLiteral;
  e.value = b;
  return e;
}

sigs::ByteSet MaskedSet(uint8_t value, uint8_t mask) {
  sigs::ByteSet s;
  for (int b = 0; b < 256; ++b) {
    if ((b & mask) == value) s.set(static_cast<size_t>(b));
  }
  return s;
}

sigs::ByteSet FoldCase(sigs::ByteSet s) {
  for (int b = 'A'; b <= 'Z'; ++b) {
    if (s.test(static_cast<size_t>(b)) || s.test(static_cast<size_t>(b + 32))) {
      s.set(static_cast<size_t>(b));
      s.set(static_cast<size_t>(b + 32));
    }
  }
  return s;
}

// Information carried by one literal byte, in bits: bytes that fill real
// files (zero padding, 0xff, spaces, NOP sleds) say less.
double LiteralBits(uint8_t b) {
  switch (b) {
    case 0x00:
    case 0xff:
      return 2;
    case 0x20:
    case 0x90:
    case 0xcc:
      return 5;
    default:
      return 8;
  }
}

std::string ByteEscape(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "\\x%02x", b);
  return buf;
}

std::string ClassRegex(const sigs::ByteSet& s) {
  if (s.count() == 256) return ".";
  if (s.count() == 1) {
    for (int b = 0; b < 256; ++b) {
      if (s.test(static_cast<size_t>(b)))
        return ByteEscape(static_cast<uint8_t>(b));
    }
  }
  std::string out = "[";
  for (int b = 0; b < 256;) {
    if (!s.test(static_cast<size_t>(b))) {
      ++b;
      continue;
    }
    int e = b;
    while (e + 1 < 256 && s.test(static_cast<size_t>(e + 1))) ++e;
    out += ByteEscape(static_cast<uint8_t>(b));
    if (e > b) out += "-" + ByteEscape(static_cast<uint8_t>(e));
    b = e + 1;
  }
  return out + "]";
}

}  // namespace

std::optional<uint32_t> FixedWidth(const ElemPattern& p, const Elem& e) {
  switch (e.kind) {
    case Kind::kLiteral:
    case Kind::kNocase:
    case Kind::kMasked:
    case Kind::kAny:
    case Kind::kSet:
      return 1;
    case Kind::kGap:
      if (e.min == e.max) return e.min;
      return std::nullopt;
    case Kind::kAlternation: {
      std::optional<uint32_t> width;
      for (const auto& branch : p.alts[e.alt].branches) {
        uint32_t w = 0;
        for (const Elem& b : branch) {
          auto bw = FixedWidth(p, b);
          if (!bw) return std::nullopt;
          w += *bw;
        }
        if (width && *width != w) return std::nullopt;
        width = w;
      }
      return width;
    }
    case Kind::kBoundary:
      if (e.edge == db::BoundaryEdge::kConsume) return std::nullopt;
      return 0;  // a lookbehind or lookahead
  }
  return std::nullopt;
}

namespace {

double Score(const ElemPattern& p, const std::vector<sigs::ByteSet>& sets,
             const Elem& e) {
  switch (e.kind) {
    case Kind::kLiteral:
      return LiteralBits(e.value);
    case Kind::kNocase:
      return 7;
    case Kind::kMasked:
      return static_cast<double>(std::popcount(e.mask));
    case Kind::kSet:
      return std::log2(256.0 / static_cast<double>(sets[e.set].count()));
    case Kind::kAlternation: {
      const ElemAlternation& a = p.alts[e.alt];
      if (a.negated) return 0;
      double worst = 1e9;
      for (const auto& branch : a.branches) {
        double s = 0;
        for (const Elem& b : branch) s += Score(p, sets, b);
        worst = std::min(worst, s);
      }
      return std::max(
          0.0, worst - std::log2(static_cast<double>(a.branches.size())));
    }
    default:
      return 0;
  }
}

struct Window {
  size_t first = 0, last = 0;
  double score = 0;
  uint32_t width = 0;
};

// The most informative fixed-width window of at most kMaxAnchorWidth bytes.
Window BestWindow(const ElemPattern& p,
                  const std::vector<sigs::ByteSet>& sets) {
  const size_t n = p.elems.size();
  std::vector<double> score(n);
  std::vector<uint32_t> width(n);  // kUnbounded: not fixed
  for (size_t i = 0; i < n; ++i) {
    score[i] = Score(p, sets, p.elems[i]);
    auto w = FixedWidth(p, p.elems[i]);
    width[i] = w ? *w : db::kUnbounded;
  }
  Window best;
  for (size_t i = 0; i < n; ++i) {
    // Windows start and end on informative elements.
    if (score[i] <= 0 || width[i] > kMaxAnchorWidth) continue;
    double total = 0;
    uint32_t w = 0;
    for (size_t j = i; j < n; ++j) {
      if (width[j] == db::kUnbounded || w + width[j] > kMaxAnchorWidth) break;
      w += width[j];
      total += score[j];
      if (score[j] > 0 &&
          (total > best.score + 1e-9 ||
           (std::abs(total - best.score) < 1e-9 && w < best.width))) {
        best = Window{i, j + 1, total, w};
      }
    }
  }
  return best;
}

}  // namespace

uint32_t ProgramBuilder::InternSet(const sigs::ByteSet& s) {
  std::array<uint64_t, 4> key{};
  for (size_t b = 0; b < 256; ++b) {
    if (s.test(b)) key[b / 64] |= uint64_t{1} << (b % 64);
  }
  auto [it, inserted] =
      sets_.emplace(key, static_cast<uint32_t>(set_table_.size()));
  if (inserted) {
    set_table_.push_back(s);
    db::ByteSetRecord rec{};
    std::copy(key.begin(), key.end(), rec.bits);
    writer_->Append(db::SectionId::kByteSets, rec);
  }
  return it->second;
}

Elem ProgramBuilder::ByteElem(const sigs::Pattern& p, const sigs::Node& n,
                              bool nocase) {
  sigs::ByteSet s;
  if (n.set_index >= 0) {
    s = p.sets.at(static_cast<size_t>(n.set_index));
  } else if (n.mask == 0) {
    Elem e;
    e.kind = Kind::kAny;
    return e;
  } else if (n.mask == 0xff) {
    if (nocase && std::isalpha(n.value)) {
      Elem e;
      e.kind = Kind::kNocase;
      e.value = static_cast<uint8_t>(std::tolower(n.value));
      return e;
    }
    return Literal(n.value);
  } else {
    // Nibbles compare raw bytes, even under ::i (observed).
    Elem e;
    e.kind = Kind::kMasked;
    e.value = n.value;
    e.mask = n.mask;
    return e;
  }
  if (nocase) s = FoldCase(s);
  Elem e;
  if (s.count() == 256) {
    e.kind = Kind::kAny;
  } else if (s.count() == 1) {
    for (int b = 0; b < 256; ++b) {
      if (s.test(static_cast<size_t>(b))) e = Literal(static_cast<uint8_t>(b));
    }
  } else if (s.count() == 2 && nocase) {
    // A case-folded letter: cheaper as a nocase literal.
    int lo = -1;
    for (int b = 'a'; b <= 'z'; ++b) {
      if (s.test(static_cast<size_t>(b)) && s.test(static_cast<size_t>(b - 32)))
        lo = b;
    }
    if (lo >= 0) {
      e.kind = Kind::kNocase;
      e.value = static_cast<uint8_t>(lo);
    } else {
      e.kind = Kind::kSet;
      e.set = InternSet(s);
    }
  } else {
    e.kind = Kind::kSet;
    e.set = InternSet(s);
  }
  return e;
}

namespace {

// `aa[x-y]HEXSIG` or `HEXSIG[x-y]aa`: the parser gives a literal next to a
// bounded gap of at most 32 with x < y ({n-m} needs two bytes on each
// side, so nothing else has this shape).
ByteContext ContextOf(const std::vector<sigs::Node>& n) {
  auto range = [](const sigs::Node& g) {
    return g.kind == sigs::Node::Kind::kGap &&
           g.gap_max != sigs::Node::kUnbounded && g.gap_max <= 32 &&
           g.gap_min < g.gap_max;
  };
  ByteContext c;
  if (n.size() < 3) return c;
  if (n[0].IsLiteral() && range(n[1])) {
    c = {db::ContextSide::kLeft, n[0].value, n[1].gap_min, n[1].gap_max};
  } else if (n.back().IsLiteral() && range(n[n.size() - 2])) {
    c = {db::ContextSide::kRight, n.back().value, n[n.size() - 2].gap_min,
         n[n.size() - 2].gap_max};
  }
  return c;
}

// ClamAV splits a pattern into parts at `*`, at every range and at {n} with
// n >= 128, and, once a range came earlier, at every {n}.
constexpr uint32_t kFixedGapLimit = 128;

void PlaceBoundaries(std::vector<Elem>* elems) {
  const size_t n = elems->size();
  std::vector<bool> split(n, false);
  bool range_seen = false;
  for (size_t i = 0; i < n; ++i) {
    const Elem& e = (*elems)[i];
    if (e.kind != Kind::kGap) continue;
    const bool star = e.min == 0 && e.max == sigs::Node::kUnbounded;
    const bool fixed = e.min == e.max && e.max < kFixedGapLimit;
    split[i] = star || !fixed || range_seen;
    range_seen = range_seen || (!star && !fixed);
  }
  for (size_t i = 0; i < n; ++i) {
    Elem& e = (*elems)[i];
    if (e.kind != Kind::kBoundary) continue;
    if (i == 0 || split[i - 1]) {
      e.edge = db::BoundaryEdge::kLookbehind;
    } else if (i + 1 == n || split[i + 1]) {
      e.edge = db::BoundaryEdge::kLookahead;
    } else {
      e.edge = db::BoundaryEdge::kConsume;
    }
  }
}

}  // namespace

ElemPattern ProgramBuilder::Lower(const sigs::Pattern& p, bool nocase,
                                  bool wide) {
  ElemPattern out;
  out.context = ContextOf(p.nodes);
  auto lower_seq = [&](const std::vector<sigs::Node>& nodes, size_t first,
                       size_t last, std::vector<Elem>* dst,
                       auto& self) -> void {
    for (size_t i = first; i < last; ++i) {
      const sigs::Node& n = nodes[i];
      switch (n.kind) {
        case sigs::Node::Kind::kByte:
          dst->push_back(ByteElem(p, n, nocase));
          // ::w: a 00 after every byte-consuming element, gaps unchanged.
          if (wide) dst->push_back(Literal(0));
          break;
        case sigs::Node::Kind::kGap: {
          Elem e;
          e.kind = Kind::kGap;
          e.min = n.gap_min;
          e.max = n.gap_max;
          dst->push_back(e);
          break;
        }
        case sigs::Node::Kind::kAlternation: {
          const sigs::Alternation& a = p.alternations.at(n.alt_index);
          ElemAlternation ea;
          ea.negated = a.negated;
          for (const auto& branch : a.branches) {
            ea.branches.emplace_back();
            self(branch, 0, branch.size(), &ea.branches.back(), self);
          }
          Elem e;
          e.kind = Kind::kAlternation;
          e.alt = static_cast<uint32_t>(out.alts.size());
          out.alts.push_back(std::move(ea));
          dst->push_back(e);
          break;
        }
        case sigs::Node::Kind::kBoundary: {
          Elem e;
          e.kind = Kind::kBoundary;
          e.boundary = n.boundary;
          dst->push_back(e);
          break;
        }
      }
    }
  };
  size_t first = 0, last = p.nodes.size();
  if (out.context.side == db::ContextSide::kLeft) first = 2;
  if (out.context.side == db::ContextSide::kRight) last -= 2;
  lower_seq(p.nodes, first, last, &out.elems, lower_seq);
  PlaceBoundaries(&out.elems);
  return out;
}

std::vector<ElemPattern> ProgramBuilder::AnchorableVariants(ElemPattern p) {
  std::vector<ElemPattern> done;
  std::vector<ElemPattern> todo{std::move(p)};
  while (!todo.empty() && done.size() + todo.size() <= 64) {
    ElemPattern cur = std::move(todo.back());
    todo.pop_back();
    if (BestWindow(cur, set_table_).score > 0) {
      done.push_back(std::move(cur));
      continue;
    }
    // Inline the first variable-length, non-negated alternation.
    size_t i = 0;
    for (; i < cur.elems.size(); ++i) {
      const Elem& e = cur.elems[i];
      if (e.kind == Kind::kAlternation && !cur.alts[e.alt].negated &&
          !FixedWidth(cur, e)) {
        break;
      }
    }
    if (i == cur.elems.size()) {
      done.push_back(std::move(cur));  // nothing to split: caller reports it
      continue;
    }
    for (const auto& branch : cur.alts[cur.elems[i].alt].branches) {
      ElemPattern v = cur;
      v.elems.erase(v.elems.begin() + static_cast<std::ptrdiff_t>(i));
      v.elems.insert(v.elems.begin() + static_cast<std::ptrdiff_t>(i),
                     branch.begin(), branch.end());
      todo.push_back(std::move(v));
    }
  }
  for (auto& t : todo) done.push_back(std::move(t));
  return done;
}

void ProgramBuilder::EmitOne(const ElemPattern& p, const Elem& e,
                             bool backwards, std::vector<db::Insn>* out,
                             std::vector<uint8_t>* run, bool* run_nocase) {
  auto flush = [&] {
    if (run->empty()) return;
    auto [it, inserted] = literal_runs_.emplace(
        *run, writer_->Count<uint8_t>(db::SectionId::kLiterals));
    if (inserted)
      writer_->Append(db::SectionId::kLiterals, run->data(), run->size());
    db::Insn in{};
    in.op = static_cast<uint8_t>(*run_nocase ? db::Op::kNocaseRun
                                             : db::Op::kLiteralRun);
    in.arg = it->second;
    in.arg2 = static_cast<uint32_t>(run->size());
    out->push_back(in);
    run->clear();
  };
  if (e.kind == Kind::kNocase) {
    // A case-sensitive run of non-letters can become nocase as it is.
    bool has_letter = false;
    for (uint8_t b : *run) has_letter |= std::isalpha(b) != 0;
    if (!run->empty() && !*run_nocase && has_letter) flush();
    *run_nocase = true;
    run->push_back(e.value);
    return;
  }
  if (e.kind == Kind::kLiteral) {
    // A non-letter may join a nocase run; a letter may not.
    if (!run->empty() && *run_nocase && std::isalpha(e.value)) flush();
    if (run->empty()) *run_nocase = false;
    run->push_back(e.value);
    return;
  }
  flush();
  db::Insn in{};
  switch (e.kind) {
    case Kind::kMasked:
      in.op = static_cast<uint8_t>(db::Op::kMasked);
      in.value = e.value;
      in.mask = e.mask;
      break;
    case Kind::kAny:
    case Kind::kGap:
      if (e.kind == Kind::kAny || e.min == e.max) {
        uint32_t count = e.kind == Kind::kAny ? 1 : e.min;
        if (count == 0) return;
        if (!out->empty() &&
            out->back().op == static_cast<uint8_t>(db::Op::kAnyRun)) {
          out->back().arg += count;
          return;
        }
        in.op = static_cast<uint8_t>(db::Op::kAnyRun);
        in.arg = count;
      } else {
        in.op = static_cast<uint8_t>(db::Op::kGap);
        in.arg = e.min;
        in.arg2 = e.max == sigs::Node::kUnbounded ? db::kUnbounded : e.max;
      }
      break;
    case Kind::kSet:
      in.op = static_cast<uint8_t>(db::Op::kSet);
      in.arg = e.set;
      break;
    case Kind::kAlternation:
      in.op = static_cast<uint8_t>(db::Op::kAlternation);
      in.arg = EmitAlternation(p, p.alts[e.alt]);
      break;
    case Kind::kBoundary:
      in.op = static_cast<uint8_t>(db::Op::kBoundary);
      in.value = static_cast<uint8_t>(e.boundary);
      in.mask = static_cast<uint8_t>(e.edge);
      break;
    default:
      return;
  }
  (void)backwards;
  out->push_back(in);
}

void ProgramBuilder::EmitBranchInsns(const std::vector<Elem>& elems,
                                     bool backwards,
                                     std::vector<db::Insn>* out) {
  ElemPattern empty;
  std::vector<uint8_t> run;
  bool run_nocase = false;
  auto each = [&](const Elem& e) {
    EmitOne(empty, e, backwards, out, &run, &run_nocase);
  };
  if (backwards) {
    for (auto it = elems.rbegin(); it != elems.rend(); ++it) each(*it);
  } else {
    for (const Elem& e : elems) each(e);
  }
  // Flush the last literal run through a harmless zero-length element.
  Elem stop;
  stop.kind = Kind::kGap;
  EmitOne(empty, stop, backwards, out, &run, &run_nocase);
}

uint32_t ProgramBuilder::EmitAlternation(const ElemPattern& p,
                                         const ElemAlternation& a) {
  db::AlternationRecord rec{};
  rec.negated = a.negated ? 1 : 0;
  rec.branch_count = static_cast<uint32_t>(a.branches.size());
  std::optional<uint32_t> common;
  bool fixed = true;
  std::vector<db::BranchRecord> branches;
  for (const auto& branch : a.branches) {
    uint32_t w = 0;
    for (const Elem& e : branch) {
      auto bw = FixedWidth(p, e);
      if (!bw)
        fixed = false;
      else
        w += *bw;
    }
    if (fixed && common && *common != w) fixed = false;
    common = w;
    db::BranchRecord b{};
    for (bool backwards : {false, true}) {
      std::vector<db::Insn> insns;
      EmitBranchInsns(branch, backwards, &insns);
      uint32_t first =
          writer_->Append(db::SectionId::kInsns, insns.data(), insns.size());
      (backwards ? b.rev_insn : b.insn) = first;
      (backwards ? b.rev_insn_count : b.insn_count) =
          static_cast<uint32_t>(insns.size());
    }
    branches.push_back(b);
  }
  rec.fixed_length = fixed && common ? *common : db::kUnbounded;
  rec.first_branch = writer_->Append(db::SectionId::kBranches, branches.data(),
                                     branches.size());
  return writer_->Append(db::SectionId::kAlternations, rec);
}

std::pair<uint32_t, uint32_t> ProgramBuilder::Emit(const ElemPattern& p,
                                                   size_t first, size_t last,
                                                   bool backwards) {
  std::vector<db::Insn> insns;
  std::vector<uint8_t> run;
  bool run_nocase = false;
  if (backwards) {
    for (size_t i = last; i-- > first;) {
      EmitOne(p, p.elems[i], backwards, &insns, &run, &run_nocase);
    }
  } else {
    for (size_t i = first; i < last; ++i) {
      EmitOne(p, p.elems[i], backwards, &insns, &run, &run_nocase);
    }
  }
  Elem stop;
  stop.kind = Kind::kGap;
  EmitOne(p, stop, backwards, &insns, &run, &run_nocase);
  if (insns.empty()) return {0, 0};
  uint32_t at =
      writer_->Append(db::SectionId::kInsns, insns.data(), insns.size());
  return {at, static_cast<uint32_t>(insns.size())};
}

std::string ProgramBuilder::ElemRegex(const ElemPattern& p,
                                      const Elem& e) const {
  switch (e.kind) {
    case Kind::kLiteral:
      return ByteEscape(e.value);
    case Kind::kNocase:
      return "[" + ByteEscape(static_cast<uint8_t>(std::toupper(e.value))) +
             ByteEscape(e.value) + "]";
    case Kind::kMasked:
      return ClassRegex(MaskedSet(e.value, e.mask));
    case Kind::kAny:
      return ".";
    case Kind::kSet:
      return ClassRegex(set_table_[e.set]);
    case Kind::kGap:
      return e.min == 0 ? std::string() : ".{" + std::to_string(e.min) + "}";
    case Kind::kAlternation: {
      const ElemAlternation& a = p.alts[e.alt];
      if (a.negated) return ".{" + std::to_string(*FixedWidth(p, e)) + "}";
      std::string out = "(?:";
      for (size_t i = 0; i < a.branches.size(); ++i) {
        if (i) out += "|";
        for (const Elem& b : a.branches[i]) out += ElemRegex(p, b);
      }
      return out + ")";
    }
    case Kind::kBoundary:
      return "";
  }
  return "";
}

std::string ProgramBuilder::Regex(const ElemPattern& p, size_t first,
                                  size_t last) const {
  std::string out;
  for (size_t i = first; i < last; ++i) out += ElemRegex(p, p.elems[i]);
  return out;
}

CompiledPattern ProgramBuilder::Build(const ElemPattern& p, bool fixed) {
  CompiledPattern out;
  db::PatternSigRecord& r = out.record;
  auto width_of = [&](size_t first, size_t last) -> uint32_t {
    uint64_t w = 0;
    for (size_t i = first; i < last; ++i) {
      auto fw = FixedWidth(p, p.elems[i]);
      if (!fw) return db::kUnbounded;
      w += *fw;
    }
    return w >= db::kUnbounded ? db::kUnbounded : static_cast<uint32_t>(w);
  };
  const size_t n = p.elems.size();
  r.fixed_length = width_of(0, n);
  r.context_side = static_cast<uint8_t>(p.context.side);
  r.context_byte = p.context.byte;
  r.context_min = p.context.min;
  r.context_max = p.context.max;
  if (fixed) {
    std::tie(r.right_insn, r.right_count) = Emit(p, 0, n, false);
    r.right_fixed_length = r.fixed_length;
    if (n >= 2 && p.elems[0].kind == Kind::kLiteral &&
        p.elems[1].kind == Kind::kLiteral) {
      out.fixed_key = (p.elems[0].value << 8) | p.elems[1].value;
    }
    return out;
  }
  Window w = BestWindow(p, set_table_);
  std::tie(r.left_insn, r.left_count) = Emit(p, 0, w.first, true);
  std::tie(r.anchor_insn, r.anchor_count) = Emit(p, w.first, w.last, false);
  std::tie(r.right_insn, r.right_count) = Emit(p, w.last, n, false);
  r.anchor_length = w.width;
  r.right_fixed_length = width_of(w.last, n);
  if (w.score > 0) out.anchor_regex = Regex(p, w.first, w.last);
  return out;
}

}  // namespace vigil::compiler

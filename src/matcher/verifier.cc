#include "matcher/verifier.h"

#include <cstring>

#include "sigs/ir.h"

namespace vigil::matcher {

namespace {

using db::Insn;
using db::Op;

inline uint8_t Lower(uint8_t b) {
  return (b >= 'A' && b <= 'Z') ? static_cast<uint8_t>(b + 32) : b;
}

using Edge = db::BoundaryEdge;

// The bytes a boundary accepts, which for (B) depend on where it stands
// (observed on clamscan 1.4.6, docs/matching-semantics.md 2.3).
bool InClass(sigs::BoundaryKind kind, Edge edge, uint8_t b) {
  switch (kind) {
    case sigs::BoundaryKind::kWord:
      switch (edge) {
        case Edge::kLookbehind:
          return b == ' ' || b == '-' || b == '.' || b == '/' || b == '<' ||
                 b == '@' || b == '_';
        case Edge::kLookahead:
          return b == '\n' || b == '\r' || b == ' ' || b == '"' || b == '\'' ||
                 b == '-' || b == '/' || b == '=' || b == '>' || b == '_';
        case Edge::kConsume:
          return b == '\n' || b == '\r' || b == ' ' || b == '"' || b == '\'' ||
                 b == '-' || b == '.' || b == '/' || b == '<' || b == '=' ||
                 b == '>' || b == '@' || b == '_';
      }
      return false;
    case sigs::BoundaryKind::kLine:
      return b == '\n';
    case sigs::BoundaryKind::kNonAlnum:
      return !IsAlnum(b);
  }
  return false;
}

}  // namespace

bool IsAlnum(uint8_t b) {
  return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') ||
         (b >= 'a' && b <= 'z');
}

bool Verifier::Forward(uint32_t first, uint32_t count, size_t pos,
                       Accept accept) {
  return Start(first, count, pos, false, accept);
}

bool Verifier::Backward(uint32_t first, uint32_t count, size_t pos,
                        Accept accept) {
  return Start(first, count, pos, true, accept);
}

bool Verifier::Start(uint32_t first, uint32_t count, size_t pos, bool backwards,
                     Accept accept) {
  if (!visited_.empty()) visited_.clear();
  Run r{db_.insns().data() + first, count, backwards, &accept};
  return Step(r, 0, pos);
}

// Continues with instruction i at pos. With `memo`, a state seen before is
// not explored again.
bool Verifier::Next(const Run& r, uint32_t i, size_t pos, bool memo) {
  // Each nesting level is one variable element of the program; real
  // signatures have a handful. The bound protects the stack from a damaged
  // database.
  if (depth_ >= kMaxDepth) return false;
  if (memo) {
    // Instruction indexes are unique across all programs of the database.
    const auto insn = static_cast<uint64_t>(r.insns + i - db_.insns().data());
    const uint64_t key = (insn << 40) ^ pos;
    if (!visited_.insert(key).second) return false;
  }
  ++depth_;
  const bool stop = Step(r, i, pos);
  --depth_;
  return stop;
}

bool Verifier::Step(const Run& r, uint32_t i, size_t pos) {
  const bool back = r.backwards;
  for (; i < r.count; ++i) {
    const Insn& in = r.insns[i];
    switch (static_cast<Op>(in.op)) {
      case Op::kLiteralRun: {
        const uint8_t* lit = db_.literals() + in.arg;
        const size_t n = in.arg2;
        if (!back) {
          if (n > size_ - pos || std::memcmp(data_ + pos, lit, n) != 0)
            return false;
          pos += n;
        } else {
          if (n > pos) return false;
          for (size_t k = 0; k < n; ++k) {
            if (data_[pos - 1 - k] != lit[k]) return false;
          }
          pos -= n;
        }
        break;
      }
      case Op::kNocaseRun: {
        const uint8_t* lit = db_.literals() + in.arg;
        const size_t n = in.arg2;
        if (!back) {
          if (n > size_ - pos) return false;
          for (size_t k = 0; k < n; ++k) {
            if (Lower(data_[pos + k]) != lit[k]) return false;
          }
          pos += n;
        } else {
          if (n > pos) return false;
          for (size_t k = 0; k < n; ++k) {
            if (Lower(data_[pos - 1 - k]) != lit[k]) return false;
          }
          pos -= n;
        }
        break;
      }
      case Op::kMasked: {
        if (!back) {
          if (pos >= size_ || (data_[pos] & in.mask) != in.value) return false;
          ++pos;
        } else {
          if (pos == 0 || (data_[pos - 1] & in.mask) != in.value) return false;
          --pos;
        }
        break;
      }
      case Op::kAnyRun: {
        if (!back) {
          if (in.arg > size_ - pos) return false;
          pos += in.arg;
        } else {
          if (in.arg > pos) return false;
          pos -= in.arg;
        }
        break;
      }
      case Op::kSet: {
        const db::ByteSetRecord& s = db_.byte_sets()[in.arg];
        uint8_t b;
        if (!back) {
          if (pos >= size_) return false;
          b = data_[pos++];
        } else {
          if (pos == 0) return false;
          b = data_[--pos];
        }
        if (!((s.bits[b >> 6] >> (b & 63)) & 1)) return false;
        break;
      }
      case Op::kGap:
        return Gap(r, i, pos, in.arg, in.arg2);
      case Op::kAlternation:
        return Alternation(r, i, pos, db_.alternations()[in.arg]);
      case Op::kBoundary:
        return Boundary(r, i, pos, in.value, in.mask);
      default:
        return false;
    }
  }
  return (*r.accept)(pos);
}

bool Verifier::Gap(const Run& r, uint32_t i, size_t pos, uint64_t min,
                   uint64_t max) {
  const size_t room = r.backwards ? pos : size_ - pos;
  if (min > room) return false;
  if (max == db::kUnbounded || max > room) max = room;
  const bool memo = max > min;
  // When a literal run follows, jump between occurrences of its first byte.
  const Insn* next = i + 1 < r.count ? &r.insns[i + 1] : nullptr;
  if (next && static_cast<Op>(next->op) == Op::kLiteralRun && max - min > 8) {
    const uint8_t first = db_.literals()[next->arg];
    if (!r.backwards) {
      const uint8_t* lo = data_ + pos + min;
      const uint8_t* hi = data_ + pos + max;  // inclusive
      while (lo <= hi) {
        const void* hit =
            std::memchr(lo, first, static_cast<size_t>(hi - lo) + 1);
        if (!hit) return false;
        const auto* p = static_cast<const uint8_t*>(hit);
        if (Next(r, i + 1, static_cast<size_t>(p - data_), memo)) return true;
        lo = p + 1;
      }
      return false;
    }
    // Backwards: the next byte to compare is data[pos - k - 1].
    for (uint64_t k = min; k <= max; ++k) {
      const size_t at = pos - k;
      if (at == 0) break;
      if (data_[at - 1] != first) continue;
      if (Next(r, i + 1, at, memo)) return true;
    }
    return false;
  }
  for (uint64_t k = min; k <= max; ++k) {
    if (Next(r, i + 1, r.backwards ? pos - k : pos + k, memo)) return true;
  }
  return false;
}

bool Verifier::Alternation(const Run& r, uint32_t i, size_t pos,
                           const db::AlternationRecord& a) {
  auto branches = db_.branches().subspan(a.first_branch, a.branch_count);
  if (a.negated) {
    const uint32_t len = a.fixed_length;
    const size_t room = r.backwards ? pos : size_ - pos;
    if (len == db::kUnbounded || len > room) return false;
    const size_t target = r.backwards ? pos - len : pos + len;
    for (const db::BranchRecord& b : branches) {
      auto exact_fn = [&](size_t end) { return end == target; };
      Accept exact = exact_fn;
      Run br{db_.insns().data() + (r.backwards ? b.rev_insn : b.insn),
             r.backwards ? b.rev_insn_count : b.insn_count, r.backwards,
             &exact};
      if (Step(br, 0, pos)) return false;  // a listed branch matches: rejected
    }
    return Next(r, i + 1, target, false);
  }
  const bool memo = branches.size() > 1;
  for (const db::BranchRecord& b : branches) {
    auto cont_fn = [&](size_t end) { return Next(r, i + 1, end, memo); };
    Accept cont = cont_fn;
    Run br{db_.insns().data() + (r.backwards ? b.rev_insn : b.insn),
           r.backwards ? b.rev_insn_count : b.insn_count, r.backwards, &cont};
    if (Step(br, 0, pos)) return true;
  }
  return false;
}

bool Verifier::Boundary(const Run& r, uint32_t i, size_t pos, uint8_t kind_byte,
                        uint8_t edge_byte) {
  const auto kind = static_cast<sigs::BoundaryKind>(kind_byte);
  const auto edge = static_cast<Edge>(edge_byte);
  const bool line = kind == sigs::BoundaryKind::kLine;
  auto crlf_at = [&](size_t p) {
    return p + 1 < size_ && data_[p] == '\r' && data_[p + 1] == '\n';
  };
  switch (edge) {
    case Edge::kLookbehind:
      // Zero width: the byte before `pos`, whichever way we are going.
      if (pos != 0 && !InClass(kind, edge, data_[pos - 1])) return false;
      return Next(r, i + 1, pos, false);
    case Edge::kLookahead:
      if (pos != size_ && !InClass(kind, edge, data_[pos]) &&
          !(line && crlf_at(pos))) {
        return false;
      }
      return Next(r, i + 1, pos, false);
    case Edge::kConsume:
      break;
  }
  // Inside a part: one byte of the class ("\r\n" for (L)), or nothing at
  // the very start or end of the data.
  if ((pos == 0 || pos == size_) && Next(r, i + 1, pos, true)) return true;
  if (!r.backwards) {
    if (pos < size_ && InClass(kind, edge, data_[pos]) &&
        Next(r, i + 1, pos + 1, true)) {
      return true;
    }
    return line && crlf_at(pos) && Next(r, i + 1, pos + 2, true);
  }
  if (pos > 0 && InClass(kind, edge, data_[pos - 1]) &&
      Next(r, i + 1, pos - 1, true)) {
    return true;
  }
  return line && pos >= 2 && crlf_at(pos - 2) && Next(r, i + 1, pos - 2, true);
}

}  // namespace vigil::matcher

// IR -> ClamAV signature text (.ndb and .ldb lines).
#include <cstdint>
#include <cstdio>
#include <string>

#include "reference/reference_matcher.h"
#include "reference/sig_generator.h"

namespace vigil::reference {
namespace {

using sigs::Node;

std::string Hex2(uint8_t b) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02x", b);
  return buf;
}

char Nibble(uint8_t v) { return "0123456789abcdef"[v & 0xf]; }

std::string RenderSet(const sigs::ByteSet& set) {
  bool negated = set.count() > 128;
  std::string out = negated ? "!(" : "(";
  bool first = true;
  for (int b = 0; b < 256; ++b) {
    if (set[static_cast<size_t>(b)] == negated) continue;
    if (!first) out += "|";
    out += Hex2(static_cast<uint8_t>(b));
    first = false;
  }
  return out + ")";
}

std::string RenderByte(const sigs::Pattern& p, const Node& n) {
  if (n.set_index >= 0)
    return RenderSet(p.sets[static_cast<size_t>(n.set_index)]);
  switch (n.mask) {
    case 0xff:
      return Hex2(n.value);
    case 0x00:
      return "??";
    case 0xf0:
      return std::string{Nibble(static_cast<uint8_t>(n.value >> 4)), '?'};
    case 0x0f:
      return std::string{'?', Nibble(n.value)};
    default:
      return "<mask>";  // not expressible in ClamAV syntax
  }
}

std::string RenderGap(const Node& n) {
  std::string lo = std::to_string(n.gap_min);
  if (n.gap_max == Node::kUnbounded) {
    return n.gap_min == 0 ? "*" : "{" + lo + "-}";
  }
  std::string hi = std::to_string(n.gap_max);
  if (n.gap_min == n.gap_max) return "{" + lo + "}";
  if (n.gap_min == 0) return "{-" + hi + "}";
  return "{" + lo + "-" + hi + "}";
}

std::string RenderBoundary(sigs::BoundaryKind k) {
  switch (k) {
    case sigs::BoundaryKind::kWord:
      return "(B)";
    case sigs::BoundaryKind::kLine:
      return "(L)";
    case sigs::BoundaryKind::kNonAlnum:
      return "(W)";
  }
  return "";
}

std::string RenderNodes(const sigs::Pattern& p, const std::vector<Node>& nodes,
                        size_t anchor_gap);

std::string RenderAlternation(const sigs::Pattern& p, const Node& n) {
  const sigs::Alternation& alt = p.alternations[n.alt_index];
  std::string out = alt.negated ? "!(" : "(";
  for (size_t i = 0; i < alt.branches.size(); ++i) {
    if (i > 0) out += "|";
    out += RenderNodes(p, alt.branches[i], SIZE_MAX);
  }
  return out + ")";
}

// `anchor_gap`: the index of the gap to render as `[x-y]`, if any.
std::string RenderNodes(const sigs::Pattern& p, const std::vector<Node>& nodes,
                        size_t anchor_gap) {
  std::string out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    switch (n.kind) {
      case Node::Kind::kByte:
        out += RenderByte(p, n);
        break;
      case Node::Kind::kGap:
        out += i == anchor_gap ? "[" + std::to_string(n.gap_min) + "-" +
                                     std::to_string(n.gap_max) + "]"
                               : RenderGap(n);
        break;
      case Node::Kind::kAlternation:
        out += RenderAlternation(p, n);
        break;
      case Node::Kind::kBoundary:
        out += RenderBoundary(n.boundary);
        break;
    }
  }
  return out;
}

std::string OpText(const sigs::Expr& e) {
  using Op = sigs::Expr::CountOp;
  std::string op;
  switch (e.op) {
    case Op::kNone:
      return "";
    case Op::kEq:
      op = "=";
      break;
    case Op::kGt:
      op = ">";
      break;
    case Op::kLt:
      op = "<";
      break;
  }
  op += std::to_string(e.count);
  if (e.distinct) op += "," + std::to_string(*e.distinct);
  return op;
}

std::string RenderModifiers(const sigs::SubsigModifiers& m) {
  std::string s;
  if (m.nocase) s += 'i';
  if (m.wide) s += 'w';
  if (m.fullword) s += 'f';
  if (m.ascii) s += 'a';
  return s.empty() ? s : "::" + s;
}

std::string RenderByteCompare(const sigs::ByteCompare& bc) {
  using Base = sigs::ByteCompare::Base;
  std::string out = std::to_string(bc.trigger) + "(";
  out += bc.offset < 0 ? "<<" + std::to_string(-bc.offset)
                       : ">>" + std::to_string(bc.offset);
  out += "#";
  switch (bc.base) {
    case Base::kHex:
      out += 'h';
      break;
    case Base::kDecimal:
      out += 'd';
      break;
    case Base::kAuto:
      out += 'a';
      break;
    case Base::kRaw:
      out += 'i';
      break;
  }
  out += bc.little_endian ? 'l' : 'b';
  if (bc.exact && bc.base != Base::kRaw) out += 'e';
  out += std::to_string(bc.num_bytes) + "#";
  for (size_t i = 0; i < bc.comparisons.size(); ++i) {
    using Op = sigs::ByteCompare::Comparison::Op;
    const auto& c = bc.comparisons[i];
    if (i > 0) out += ",";
    out += c.op == Op::kLess ? "<" : c.op == Op::kGreater ? ">" : "=";
    out += std::to_string(c.value);
  }
  return out + ")";
}

std::string RangeText(uint64_t lo, uint64_t hi) {
  return std::to_string(lo) + "-" + std::to_string(hi);
}

}  // namespace

std::string RenderHexPattern(const sigs::Pattern& pattern) {
  size_t anchor_gap = SIZE_MAX;
  switch (RangeAnchorOf(pattern)) {
    case RangeAnchor::kLeft:
      anchor_gap = 1;
      break;
    case RangeAnchor::kRight:
      anchor_gap = pattern.nodes.size() - 2;
      break;
    case RangeAnchor::kNone:
      break;
  }
  return RenderNodes(pattern, pattern.nodes, anchor_gap);
}

std::string RenderOffset(const sigs::Offset& offset) {
  using Kind = sigs::Offset::Kind;
  std::string out;
  switch (offset.kind) {
    case Kind::kAny:
      return "*";
    case Kind::kAbsolute:
      out = std::to_string(offset.value);
      break;
    case Kind::kEofMinus:
      out = "EOF-" + std::to_string(offset.value);
      break;
    case Kind::kEpPlus:
      out = "EP+" + std::to_string(offset.value);
      break;
    case Kind::kEpMinus:
      out = "EP-" + std::to_string(offset.value);
      break;
    case Kind::kSectionPlus:
      out = "S" + std::to_string(offset.section) + "+" +
            std::to_string(offset.value);
      break;
    case Kind::kSectionEntire:
      out = "SE" + std::to_string(offset.section);
      break;
    case Kind::kLastSectionPlus:
      out = "SL+" + std::to_string(offset.value);
      break;
    case Kind::kVersionInfo:
      return "VI";
    case Kind::kMacro:
      return "$" + std::to_string(offset.value);
  }
  if (offset.max_shift > 0) out += "," + std::to_string(offset.max_shift);
  return out;
}

std::string RenderExpr(const sigs::Expr& expr) {
  if (expr.kind == sigs::Expr::Kind::kSubsig) {
    return std::to_string(expr.subsig) + OpText(expr);
  }
  const char* sep = expr.kind == sigs::Expr::Kind::kAnd ? "&" : "|";
  std::string out = "(";
  for (size_t i = 0; i < expr.children.size(); ++i) {
    if (i > 0) out += sep;
    out += RenderExpr(expr.children[i]);
  }
  return out + ")" + OpText(expr);
}

std::string RenderSubsig(const sigs::Subsig& subsig) {
  using Kind = sigs::Subsig::Kind;
  std::string off;
  switch (subsig.kind) {
    case Kind::kBody:
      if (subsig.offset.kind != sigs::Offset::Kind::kAny) {
        off = RenderOffset(subsig.offset) + ":";
      }
      return off + RenderHexPattern(subsig.pattern) +
             RenderModifiers(subsig.modifiers);
    case Kind::kPcre:
      if (subsig.pcre.offset.kind != sigs::Offset::Kind::kAny) {
        off = RenderOffset(subsig.pcre.offset) + ":";
      }
      return off + RenderTopLevelExpr(subsig.pcre.trigger) + "/" +
             subsig.pcre.regex + "/" + subsig.pcre.flags;
    case Kind::kByteCompare:
      return RenderByteCompare(subsig.byte_compare);
    case Kind::kMacro:
      return "${" + RangeText(subsig.macro.min, subsig.macro.max) + "}" +
             std::to_string(subsig.macro.group) + "$";
    case Kind::kFuzzyImage:
      return "fuzzy_img#" + subsig.fuzzy_hash;
  }
  return "";
}

std::string RenderTargetDesc(const sigs::TargetDesc& tdb) {
  std::string out = "Engine:" + RangeText(tdb.engine.min, tdb.engine.max);
  if (tdb.target) out += ",Target:" + std::to_string(*tdb.target);
  if (tdb.file_size) {
    out += ",FileSize:" + RangeText(tdb.file_size->min, tdb.file_size->max);
  }
  if (tdb.container) out += ",Container:" + *tdb.container;
  return out;
}

std::string RenderNdbLine(const sigs::BodySig& sig) {
  return sig.name + ":" + std::to_string(sig.target) + ":" +
         RenderOffset(sig.offset) + ":" + RenderHexPattern(sig.pattern);
}

std::string RenderTopLevelExpr(const sigs::Expr& expr) {
  std::string text = RenderExpr(expr);
  bool bare = expr.kind != sigs::Expr::Kind::kSubsig &&
              expr.op == sigs::Expr::CountOp::kNone;
  return bare ? text.substr(1, text.size() - 2) : text;
}

std::string RenderLdbLine(const sigs::LogicalSig& sig) {
  std::string out = sig.name + ";" + RenderTargetDesc(sig.tdb) + ";";
  out += RenderTopLevelExpr(sig.expr);
  for (const sigs::Subsig& s : sig.subsigs) out += ";" + RenderSubsig(s);
  return out;
}

}  // namespace vigil::reference

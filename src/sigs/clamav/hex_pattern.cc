// Parsing ClamAV's extended hex syntax, and the load-time rules ClamAV puts
// on it.
//
// The syntax is documented (BodySignatureFormat.md); the rules are not, or
// only loosely, so they were established by loading crafted one-line
// databases into clamscan 1.4.6. ClamAV matches body signatures with an
// Aho-Corasick trie (AC) plus, for some plain literals, Boyer-Moore (BM), and
// most rules fall out of what those matchers need:
//
//  * `*` and every `{}` that is not turned into plain wildcards split the
//    pattern into parts that are matched separately. `{n}` with 0 < n < 128
//    is turned into n `??` (and so does not split) - but only while no
//    splitting `{}` has been seen earlier in the pattern. `*` does not stop
//    the conversion. A part may not be empty.
//  * Each part, after dropping leading and trailing (B)/(L)/(W) (they turn
//    into flags on the part), needs at least 2 positions (an alternative
//    block counts as one position) and two consecutive fully fixed bytes
//    somewhere ("static subpattern": the trie is keyed on them).
//  * For targets 0, 1, 4 and 7 (those ClamAV prefilters): skipping any
//    classes and blocks (other than plain byte classes `(aa|bb)`) at the
//    start of a part, the first such class or block after that must follow
//    at least 2 positions that are not all `??` (CheckPrefilter).
//  * `HEX[x-y]aa` / `aa[x-y]HEX` / `aa[x-y]HEX[x-y]bb`: inside one part the
//    outer sides must be exactly one byte written as two characters (or
//    `{1}`, already "??" then); HEX is checked as a part. x and y are read
//    with sscanf("%u-%u") (`[n]` means `[n-n]`); x <= y <= 32.
//  * Alternative blocks: all branches single literal bytes -> a byte class,
//    negatable; all branches literal strings of one length -> fixed
//    alternatives, negatable; anything else (wildcards, `{n}` with
//    0 < n < 128, nested blocks, different lengths, empty branches) ->
//    generic alternatives, not negatable. Empty branches are fine in a
//    generic block unless they all come first and the others are literal
//    strings of one length (`(|41)`, `(|41|42)` and `(|)` are refused,
//    `(41|)`, `(|41|)` and `(|41|4243)` accepted).
//  * A pure literal sent to BM needs 3 bytes (the caller says when).
//  * With ::w each byte, nibble and written `??` is followed by 00 (`{n}`,
//    classes and blocks are not widened) and the checks run on that form;
//    with ::wa on both forms.
//  * With any modifier (::i ::w ::a ::f) every alternative block is generic
//    (so none is negatable), and with ::w or ::f `[x-y]` is read as `{x-y}`.
//
// Numbers in `{}`: the `{n}` that become wildcards are read with strtol
// (" 5" and "+5" pass); splitting ranges take digits only, read with atoi,
// so 4294967296 wraps to 0 and 2147483648 is negative (refused). A range
// whose maximum is below its minimum behaves as {min}.
#include "sigs/clamav/hex_pattern.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sigs/clamav/text.h"

namespace vigil::sigs::clamav {

namespace {

// Branch count limit when nested alternative blocks are expanded (ours; the
// expansion is a product and must stay bounded).
constexpr size_t kMaxAltBranches = 4096;
// `{n}` below this becomes n `??` (ClamAV's optimisation, which also decides
// whether `{n}` splits the pattern).
constexpr int64_t kInlineGapLimit = 128;
constexpr uint32_t kMaxAnchorDistance = 32;

// One item of the pattern as ClamAV's checks see it.
enum class ElemKind : uint8_t {
  kLiteral,    // hh
  kNibble,     // h? ?h
  kAny,        // ??
  kAnyRun,     // {n}, 0 < n < 128: `width` wildcards
  kByteClass,  // (aa|bb) or !(aa|bb) without modifiers: one byte position
  kBlock,      // any other (..|..) or !(..): one position
  kBoundary,   // (B) (L) (W)
  kSplit,      // * or a splitting {}
  kAnchor,     // [x-y]
};

struct Elem {
  ElemKind kind;
  const char* begin;  // its text, for diagnostics and the [x-y] side rule
  const char* end;
  uint32_t width;  // positions (kAnyRun: n; kSplit/kAnchor: 0; else 1)
  Node node;
};

// Position classes for the per-part checks: a fixed byte, `??`, another
// single byte (nibble, byte class), a class or block the prefilter cares
// about, and a (B)/(L)/(W).
enum class Pos : uint8_t { kFixed, kWild, kOther, kSpecial, kBoundary };

bool IsByteElem(const Elem& e) {
  return e.kind == ElemKind::kLiteral || e.kind == ElemKind::kNibble ||
         e.kind == ElemKind::kAny;
}

// --- alternative blocks -------------------------------------------------

// The result of parsing one (...) block's alternatives.
struct Block {
  std::vector<std::vector<Node>> branches;
  bool single_bytes = true;    // every branch is one literal byte, "hh"
  bool fixed_literals = true;  // every branch is literal hex, same length
};

class BlockParser {
 public:
  // `generic_only`: subsignature modifiers are present, which makes ClamAV
  // treat every block as generic.
  explicit BlockParser(bool generic_only) : generic_only_(generic_only) {}

  // Parses the block whose '(' is at `open`; `close` is its ')'.
  ParseStatus Parse(const char* open, const char* close, Block* block);

 private:
  ParseStatus ParseBranch(const char* begin, const char* end,
                          std::vector<std::vector<Node>>* out);
  ParseStatus ParseBranchItem(const char*& p, const char* end,
                              std::vector<std::vector<Node>>* partial);
  ParseStatus AppendGap(const char*& p, const char* end,
                        std::vector<std::vector<Node>>* partial);
  ParseStatus AppendNested(const char*& p, const char* end,
                           std::vector<std::vector<Node>>* partial);

  bool generic_only_;
};

// Finds the ')' matching the '(' at `open` (nesting counted), or null.
const char* MatchingParen(const char* open, const char* end) {
  int depth = 0;
  for (const char* p = open; p < end; ++p) {
    if (*p == '(') ++depth;
    if (*p == ')' && --depth == 0) return p;
  }
  return nullptr;
}

// Splits [begin, end) at '|' outside nested parentheses.
std::vector<std::pair<const char*, const char*>> SplitBranches(
    const char* begin, const char* end) {
  std::vector<std::pair<const char*, const char*>> out;
  int depth = 0;
  const char* start = begin;
  for (const char* p = begin; p < end; ++p) {
    if (*p == '(') ++depth;
    if (*p == ')') --depth;
    if (*p == '|' && depth == 0) {
      out.emplace_back(start, p);
      start = p + 1;
    }
  }
  out.emplace_back(start, end);
  return out;
}

// Appends `tail` to every partial branch (a cartesian product).
ParseStatus Multiply(std::vector<std::vector<Node>>* partial,
                     const std::vector<std::vector<Node>>& tails,
                     const char* where) {
  if (partial->size() * tails.size() > kMaxAltBranches) {
    return ParseStatus::Error(DiagCode::kHexAltTooLarge, where,
                              "nested alternatives expand to more than " +
                                  std::to_string(kMaxAltBranches) + " strings");
  }
  std::vector<std::vector<Node>> result;
  result.reserve(partial->size() * tails.size());
  for (const auto& head : *partial) {
    for (const auto& tail : tails) {
      result.push_back(head);
      result.back().insert(result.back().end(), tail.begin(), tail.end());
    }
  }
  *partial = std::move(result);
  return ParseStatus::Ok();
}

void AppendToAll(std::vector<std::vector<Node>>* partial, const Node& node) {
  for (auto& branch : *partial) branch.push_back(node);
}

// A hex pair at `p` ("hh", "h?", "?h", "??") as a node; false if it is not.
bool ReadBytePair(const char* p, const char* end, Node* node, ElemKind* kind) {
  if (end - p < 2) return false;
  int hi = p[0] == '?' ? -2 : HexDigit(p[0]);
  int lo = p[1] == '?' ? -2 : HexDigit(p[1]);
  if (hi == -1 || lo == -1) return false;
  if (hi == -2 && lo == -2) {
    *node = Node::AnyByte();
    *kind = ElemKind::kAny;
  } else if (hi == -2) {
    *node = Node::Masked(static_cast<uint8_t>(lo), 0x0f);
    *kind = ElemKind::kNibble;
  } else if (lo == -2) {
    *node = Node::Masked(static_cast<uint8_t>(hi << 4), 0xf0);
    *kind = ElemKind::kNibble;
  } else {
    *node = Node::Literal(static_cast<uint8_t>(hi << 4 | lo));
    *kind = ElemKind::kLiteral;
  }
  return true;
}

// The error for a byte pair that is not one: points at the bad character.
ParseStatus BadChar(const char* p, const char* end) {
  auto ok = [](char c) { return c == '?' || HexDigit(c) >= 0; };
  if (ok(*p)) {
    if (p + 1 == end) {
      return ParseStatus::Error(DiagCode::kHexCharacter, p,
                                "odd number of hex digits");
    }
    ++p;
  }
  return ParseStatus::Error(
      DiagCode::kHexCharacter, p,
      std::string("invalid character '") + *p + "' in hex signature");
}

// ClamAV's rule for empty branches (see the essay at the top).
bool LeadingEmptiesRefused(
    const std::vector<std::pair<const char*, const char*>>& branches) {
  size_t lead = 0;
  while (lead < branches.size() &&
         branches[lead].first == branches[lead].second) {
    ++lead;
  }
  if (lead == 0) return false;
  size_t len = 0;
  for (size_t i = lead; i < branches.size(); ++i) {
    std::string_view b(
        branches[i].first,
        static_cast<size_t>(branches[i].second - branches[i].first));
    if (b.empty() || !IsHexString(b) || (len != 0 && b.size() != len)) {
      return false;
    }
    len = b.size();
  }
  return true;
}

ParseStatus BlockParser::Parse(const char* open, const char* close,
                               Block* block) {
  const char* begin = open + 1;
  if (begin == close) {
    return ParseStatus::Error(DiagCode::kHexEmptyAlternation, open,
                              "empty alternative block '()'");
  }
  auto branches = SplitBranches(begin, close);
  if (!generic_only_ && LeadingEmptiesRefused(branches)) {
    return ParseStatus::Error(
        DiagCode::kHexEmptyAlternation, open,
        "empty first alternative(s) before literal strings of one length");
  }
  size_t literal_len = 0;
  for (auto [b, e] : branches) {
    size_t len = static_cast<size_t>(e - b);
    bool literal = len > 0 && len % 2 == 0 && IsHexString({b, len});
    block->single_bytes &= literal && len == 2;
    if (literal_len == 0) literal_len = len;
    block->fixed_literals &= literal && len == literal_len;
    std::vector<std::vector<Node>> expanded;
    VIGIL_SIGS_RETURN_IF_ERROR(ParseBranch(b, e, &expanded));
    if (block->branches.size() + expanded.size() > kMaxAltBranches) {
      return ParseStatus::Error(DiagCode::kHexAltTooLarge, open,
                                "nested alternatives expand to more than " +
                                    std::to_string(kMaxAltBranches) +
                                    " strings");
    }
    for (auto& x : expanded) block->branches.push_back(std::move(x));
  }
  return ParseStatus::Ok();
}

ParseStatus BlockParser::ParseBranch(const char* begin, const char* end,
                                     std::vector<std::vector<Node>>* out) {
  std::vector<std::vector<Node>> partial(1);
  for (const char* p = begin; p < end;) {
    VIGIL_SIGS_RETURN_IF_ERROR(ParseBranchItem(p, end, &partial));
  }
  *out = std::move(partial);
  return ParseStatus::Ok();
}

ParseStatus BlockParser::ParseBranchItem(
    const char*& p, const char* end, std::vector<std::vector<Node>>* partial) {
  switch (*p) {
    case '{':
      return AppendGap(p, end, partial);
    case '(':
      return AppendNested(p, end, partial);
    case '!':
      return ParseStatus::Error(
          DiagCode::kHexAltNestedNegation, p,
          "generic alternatives cannot contain negated blocks");
    case '*':
      return ParseStatus::Error(
          DiagCode::kHexAltContent, p,
          "alternatives cannot contain the unbounded wildcard '*'");
    case '[':
      return ParseStatus::Error(DiagCode::kHexAltContent, p,
                                "alternatives cannot contain [x-y]");
    default:
      break;
  }
  Node node;
  ElemKind kind;
  if (!ReadBytePair(p, end, &node, &kind)) return BadChar(p, end);
  AppendToAll(partial, node);
  p += 2;
  return ParseStatus::Ok();
}

ParseStatus BlockParser::AppendGap(const char*& p, const char* end,
                                   std::vector<std::vector<Node>>* partial) {
  const char* close = std::find(p, end, '}');
  if (close == end) {
    return ParseStatus::Error(DiagCode::kHexRange, p, "missing '}'");
  }
  std::string_view inner(p + 1, static_cast<size_t>(close - p - 1));
  StrtolResult n = Strtol(inner);
  bool fixed = !inner.empty() && n.consumed == inner.size() && n.value > 0 &&
               n.value < kInlineGapLimit;
  if (!fixed) {
    return ParseStatus::Error(
        DiagCode::kHexAltContent, p,
        "alternatives allow only {n} with 0 < n < 128, not {" +
            std::string(inner) + "}");
  }
  auto count = static_cast<uint32_t>(n.value);
  AppendToAll(partial, Node::Gap(count, count));
  p = close + 1;
  return ParseStatus::Ok();
}

ParseStatus BlockParser::AppendNested(const char*& p, const char* end,
                                      std::vector<std::vector<Node>>* partial) {
  const char* close = MatchingParen(p, end);
  if (!close) {
    return ParseStatus::Error(DiagCode::kHexUnclosedParen, p,
                              "missing ')' for this '('");
  }
  std::string_view inner(p + 1, static_cast<size_t>(close - p - 1));
  if (inner == "B" || inner == "L" || inner == "W") {
    return ParseStatus::Error(DiagCode::kHexAltContent, p,
                              "alternatives cannot contain (B), (L) or (W)");
  }
  if (inner.empty()) {  // ClamAV reads a nested "()" as an empty string
    p = close + 1;
    return ParseStatus::Ok();
  }
  Block nested;
  VIGIL_SIGS_RETURN_IF_ERROR(Parse(p, close, &nested));
  VIGIL_SIGS_RETURN_IF_ERROR(Multiply(partial, nested.branches, p));
  p = close + 1;
  return ParseStatus::Ok();
}

// --- the whole pattern --------------------------------------------------

// Which forms of the pattern one parse checks, and how it reads `[..]`.
struct Forms {
  bool wide = false;
  bool ascii = true;
  bool brackets_as_braces = false;
};

class HexParser {
 public:
  HexParser(std::string_view text, const HexPatternOptions& options,
            const Forms& forms, Pattern* out)
      : text_(text), options_(options), forms_(forms), out_(out) {}

  ParseStatus Run();

 private:
  ParseStatus Tokenize();
  ParseStatus ReadBrace(const char*& p, char closer);
  ParseStatus ReadBracket(const char*& p);
  ParseStatus ReadParen(const char*& p, bool negated);
  ParseStatus ReadBlock(const char* open, const char* close, bool negated,
                        const char* elem_begin);
  ParseStatus CheckLiteralLength() const;
  ParseStatus CheckParts() const;
  ParseStatus CheckPart(const Elem* begin, const Elem* end,
                        const char* part_start) const;
  ParseStatus CheckAnchoredPart(const Elem* begin, const Elem* end,
                                const Elem* anchor) const;
  ParseStatus CheckDoublyAnchoredPart(const Elem* begin, const Elem* end,
                                      const Elem* first,
                                      const Elem* second) const;
  ParseStatus CheckForms(const Elem* begin, const Elem* end,
                         const char* part_start) const;
  ParseStatus CheckPositions(const Elem* begin, const Elem* end,
                             const char* part_start, bool wide) const;
  void Emit();
  Node FoldCase(const Node& node);
  int32_t AddSet(const ByteSet& set);

  std::string_view text_;
  HexPatternOptions options_;
  Forms forms_;
  Pattern* out_;
  std::vector<Elem> elems_;
  bool split_brace_seen_ = false;
};

// ClamAV 1.4 builds the ::w form by rewriting the text and takes any "(B"
// for the (B) class, so a block starting with the byte Bx fails to load
// ("42(B3|41)::w"; "(b3|41)" loads). Observed with clamscan; kept so that
// such a line loads in both engines or neither.
ParseStatus CheckWideBlockQuirk(std::string_view text) {
  for (size_t i = text.find("(B"); i != std::string_view::npos;
       i = text.find("(B", i + 1)) {
    if (text.substr(i, 3) != "(B)") {
      return ParseStatus::Error(
          DiagCode::kHexAltContent, text.data() + i,
          "in a ::w subsignature ClamAV misreads '(B' as the (B) class; "
          "write the byte in lower case");
    }
  }
  return ParseStatus::Ok();
}

ParseStatus HexParser::Run() {
  *out_ = Pattern();
  if (forms_.wide) VIGIL_SIGS_RETURN_IF_ERROR(CheckWideBlockQuirk(text_));
  VIGIL_SIGS_RETURN_IF_ERROR(Tokenize());
  if (elems_.empty() && !options_.literal_needs_three) {
    return ParseStatus::Error(DiagCode::kHexTooShort, text_.data(),
                              "empty hex signature");
  }
  VIGIL_SIGS_RETURN_IF_ERROR(CheckLiteralLength());
  VIGIL_SIGS_RETURN_IF_ERROR(CheckParts());
  Emit();
  return ParseStatus::Ok();
}

ParseStatus HexParser::Tokenize() {
  const char* end = text_.data() + text_.size();
  for (const char* p = text_.data(); p < end;) {
    const char* start = p;
    switch (*p) {
      case '*':
        elems_.push_back(
            {ElemKind::kSplit, p, p + 1, 0, Node::Gap(0, Node::kUnbounded)});
        ++p;
        continue;
      case '{':
        VIGIL_SIGS_RETURN_IF_ERROR(ReadBrace(p, '}'));
        continue;
      case '[':
        if (forms_.brackets_as_braces) {
          VIGIL_SIGS_RETURN_IF_ERROR(ReadBrace(p, ']'));
        } else {
          VIGIL_SIGS_RETURN_IF_ERROR(ReadBracket(p));
        }
        continue;
      case '(':
        VIGIL_SIGS_RETURN_IF_ERROR(ReadParen(p, false));
        continue;
      case '!':
        if (p + 1 == end || p[1] != '(') {
          return ParseStatus::Error(DiagCode::kHexNegation, p,
                                    "'!' must be followed by '('");
        }
        ++p;
        VIGIL_SIGS_RETURN_IF_ERROR(ReadParen(p, true));
        elems_.back().begin = start;
        continue;
      default:
        break;
    }
    Node node;
    ElemKind kind;
    if (!ReadBytePair(p, end, &node, &kind)) return BadChar(p, end);
    elems_.push_back({kind, p, p + 2, 1, node});
    p += 2;
  }
  return ParseStatus::Ok();
}

// Whether `{inner}` becomes inline wildcards: one number read with strtol
// (spaces and a sign allowed, nothing after it), 0 < n < 128, and no
// splitting `{}` earlier in the pattern.
std::optional<uint32_t> InlineGapLength(std::string_view inner,
                                        bool split_seen) {
  if (split_seen || inner.empty() ||
      inner.find('-') != std::string_view::npos) {
    return std::nullopt;
  }
  StrtolResult r = Strtol(inner);
  if (r.consumed != inner.size() || r.value <= 0 ||
      r.value >= kInlineGapLimit) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(r.value);
}

// One side of a splitting range: digits only (empty is 0), read with atoi;
// a value that is negative as an int is refused.
bool ReadRangeBound(std::string_view s, int32_t* out) {
  if (!IsAllDigits(s)) return false;
  *out = Atoi(s);
  return *out >= 0;
}

// `{...}` (or, under ::w/::f, `[...]`, which ClamAV rewrites to braces).
ParseStatus HexParser::ReadBrace(const char*& p, char closer) {
  const char* end = text_.data() + text_.size();
  const char* close = std::find(p, end, closer);
  if (close == end) {
    return ParseStatus::Error(DiagCode::kHexRange, p,
                              std::string("missing '") + closer + "'");
  }
  std::string_view inner(p + 1, static_cast<size_t>(close - p - 1));
  const char* after = close + 1;
  if (auto n = InlineGapLength(inner, split_brace_seen_)) {
    elems_.push_back({ElemKind::kAnyRun, p, after, *n, Node::Gap(*n, *n)});
    p = after;
    return ParseStatus::Ok();
  }
  size_t dash = inner.find('-');
  std::string_view lo_text = inner.substr(0, dash);
  int32_t lo = 0, hi = -1;
  bool ok = ReadRangeBound(lo_text, &lo);
  if (dash == std::string_view::npos) {
    hi = lo;
  } else if (dash + 1 < inner.size()) {
    ok = ok && ReadRangeBound(inner.substr(dash + 1), &hi);
  }
  if (!ok) {
    return ParseStatus::Error(DiagCode::kHexRange, p,
                              "malformed range {" + std::string(inner) + "}");
  }
  split_brace_seen_ = true;
  auto min = static_cast<uint32_t>(lo);
  uint32_t max = hi < 0 ? Node::kUnbounded : static_cast<uint32_t>(hi);
  elems_.push_back(
      {ElemKind::kSplit, p, after, 0, Node::Gap(min, std::max(min, max))});
  p = after;
  return ParseStatus::Ok();
}

ParseStatus HexParser::ReadBracket(const char*& p) {
  const char* end = text_.data() + text_.size();
  const char* close = std::find(p, end, ']');
  if (close == end) {
    return ParseStatus::Error(DiagCode::kHexAnchorRange, p, "missing ']'");
  }
  std::string_view inner(p + 1, static_cast<size_t>(close - p - 1));
  size_t used = 0;
  std::optional<uint32_t> lo = ScanUnsigned(inner, &used);
  if (!lo) {
    return ParseStatus::Error(DiagCode::kHexAnchorRange, p,
                              "malformed range [" + std::string(inner) + "]");
  }
  uint32_t hi = *lo;
  if (used < inner.size() && inner[used] == '-') {
    if (auto v = ScanUnsigned(inner.substr(used + 1), nullptr)) hi = *v;
  }
  if (*lo > hi || hi > kMaxAnchorDistance) {
    return ParseStatus::Error(
        DiagCode::kHexAnchorRange, p,
        "range [" + std::string(inner) + "] must satisfy x <= y <= 32");
  }
  elems_.push_back({ElemKind::kAnchor, p, close + 1, 0, Node::Gap(*lo, hi)});
  p = close + 1;
  return ParseStatus::Ok();
}

ParseStatus HexParser::ReadParen(const char*& p, bool negated) {
  const char* end = text_.data() + text_.size();
  const char* close = MatchingParen(p, end);
  if (!close) {
    return ParseStatus::Error(DiagCode::kHexUnclosedParen, p,
                              "missing ')' for this '('");
  }
  std::string_view inner(p + 1, static_cast<size_t>(close - p - 1));
  const char* begin = p;
  if (inner == "B" || inner == "L" || inner == "W") {
    if (negated) {
      return ParseStatus::Error(DiagCode::kHexNegation, p - 1,
                                "(B), (L) and (W) cannot be negated");
    }
    BoundaryKind kind = inner == "B"   ? BoundaryKind::kWord
                        : inner == "L" ? BoundaryKind::kLine
                                       : BoundaryKind::kNonAlnum;
    elems_.push_back(
        {ElemKind::kBoundary, begin, close + 1, 1, Node::Boundary(kind)});
  } else {
    VIGIL_SIGS_RETURN_IF_ERROR(ReadBlock(p, close, negated, begin));
  }
  p = close + 1;
  return ParseStatus::Ok();
}

ByteSet NodeBytes(const Node& n, const Pattern& pattern) {
  if (n.set_index >= 0) return pattern.sets[static_cast<size_t>(n.set_index)];
  ByteSet s;
  for (int b = 0; b < 256; ++b) {
    if ((b & n.mask) == n.value) s.set(static_cast<size_t>(b));
  }
  return s;
}

bool IsSingleByteBranch(const std::vector<Node>& branch) {
  return branch.size() == 1 && branch[0].kind == Node::Kind::kByte;
}

ParseStatus HexParser::ReadBlock(const char* open, const char* close,
                                 bool negated, const char* elem_begin) {
  bool modifiers =
      options_.nocase || options_.wide || options_.ascii || options_.fullword;
  Block block;
  VIGIL_SIGS_RETURN_IF_ERROR(BlockParser(modifiers).Parse(open, close, &block));
  bool negatable = (block.single_bytes || block.fixed_literals) && !modifiers;
  if (negated && !negatable) {
    return ParseStatus::Error(
        DiagCode::kHexNegation, open - 1,
        "generic alternatives (wildcards, different lengths, nesting) "
        "cannot be negated");
  }
  Node node;
  bool all_single = std::all_of(block.branches.begin(), block.branches.end(),
                                IsSingleByteBranch);
  if (all_single && (!negated || block.single_bytes)) {
    ByteSet set;
    for (const auto& b : block.branches) set |= NodeBytes(b[0], *out_);
    if (negated) set.flip();
    node = Node::Set(AddSet(set));
  } else {
    Alternation alt;
    alt.negated = negated;
    alt.branches = std::move(block.branches);
    out_->alternations.push_back(std::move(alt));
    node =
        Node::Alternation(static_cast<uint32_t>(out_->alternations.size() - 1));
  }
  ElemKind kind = block.single_bytes && !modifiers ? ElemKind::kByteClass
                                                   : ElemKind::kBlock;
  elems_.push_back({kind, elem_begin, close + 1, 1, node});
  return ParseStatus::Ok();
}

int32_t HexParser::AddSet(const ByteSet& set) {
  for (size_t i = 0; i < out_->sets.size(); ++i) {
    if (out_->sets[i] == set) return static_cast<int32_t>(i);
  }
  out_->sets.push_back(set);
  return static_cast<int32_t>(out_->sets.size() - 1);
}

// --- load-time checks ---------------------------------------------------

ParseStatus HexParser::CheckLiteralLength() const {
  if (!options_.literal_needs_three) return ParseStatus::Ok();
  bool literal = std::all_of(elems_.begin(), elems_.end(), [](const Elem& e) {
    return e.kind == ElemKind::kLiteral;
  });
  if (literal && elems_.size() < 3) {
    return ParseStatus::Error(
        DiagCode::kHexLiteralTooShort, text_.data(),
        "a literal body signature needs at least 3 bytes, this has " +
            std::to_string(elems_.size()));
  }
  return ParseStatus::Ok();
}

ParseStatus HexParser::CheckParts() const {
  const Elem* part = elems_.data();
  const Elem* end = elems_.data() + elems_.size();
  const char* part_start = text_.data();
  for (const Elem* e = part;; ++e) {
    if (e != end && e->kind != ElemKind::kSplit) continue;
    if (e == part) {
      const char* where = e != end ? e->begin : part_start;
      return ParseStatus::Error(DiagCode::kHexEmptyPart, where,
                                e != end ? "nothing before this wildcard"
                                         : "nothing after the last wildcard");
    }
    VIGIL_SIGS_RETURN_IF_ERROR(CheckPart(part, e, part_start));
    if (e == end) return ParseStatus::Ok();
    part = e + 1;
    part_start = e->end;
  }
}

ParseStatus HexParser::CheckPart(const Elem* begin, const Elem* end,
                                 const char* part_start) const {
  const Elem* first_anchor = nullptr;
  const Elem* second_anchor = nullptr;
  for (const Elem* e = begin; e < end; ++e) {
    if (e->kind != ElemKind::kAnchor) continue;
    if (second_anchor) {
      return ParseStatus::Error(DiagCode::kHexAnchorSide, e->begin,
                                "at most two [x-y] per subpattern");
    }
    (first_anchor ? second_anchor : first_anchor) = e;
  }
  if (second_anchor) {
    return CheckDoublyAnchoredPart(begin, end, first_anchor, second_anchor);
  }
  if (first_anchor) return CheckAnchoredPart(begin, end, first_anchor);
  return CheckForms(begin, end, part_start);
}

// One side of [x-y] must be a single byte written as two characters.
bool IsSingleByteSide(const Elem* begin, const Elem* end) {
  if (end - begin != 1) return false;
  // `{1}` counts: ClamAV has turned it into "??" by then.
  if (begin->kind == ElemKind::kAnyRun) return begin->width == 1;
  return IsByteElem(*begin) && begin->end - begin->begin == 2;
}

ParseStatus HexParser::CheckAnchoredPart(const Elem* begin, const Elem* end,
                                         const Elem* anchor) const {
  const Elem* hex_begin = begin;
  const Elem* hex_end = anchor;
  if (!IsSingleByteSide(anchor + 1, end)) {
    if (!IsSingleByteSide(begin, anchor)) {
      return ParseStatus::Error(
          DiagCode::kHexAnchorSide, anchor->begin,
          "[x-y] needs a single byte (two hex characters) on one side");
    }
    hex_begin = anchor + 1;
    hex_end = end;
  }
  const char* start = hex_begin < hex_end ? hex_begin->begin : anchor->end;
  return CheckForms(hex_begin, hex_end, start);
}

// `aa[x-y]HEX[x-y]bb`
ParseStatus HexParser::CheckDoublyAnchoredPart(const Elem* begin,
                                               const Elem* end,
                                               const Elem* first,
                                               const Elem* second) const {
  if (!IsSingleByteSide(begin, first) || !IsSingleByteSide(second + 1, end)) {
    return ParseStatus::Error(
        DiagCode::kHexAnchorSide, first->begin,
        "with two [x-y], both outer sides must be single bytes");
  }
  const char* start = first + 1 < second ? first[1].begin : first->end;
  return CheckForms(first + 1, second, start);
}

// Checks the ascii and/or wide forms, as the modifiers ask.
ParseStatus HexParser::CheckForms(const Elem* begin, const Elem* end,
                                  const char* part_start) const {
  if (forms_.wide) {
    VIGIL_SIGS_RETURN_IF_ERROR(CheckPositions(begin, end, part_start, true));
  }
  if (forms_.ascii) {
    VIGIL_SIGS_RETURN_IF_ERROR(CheckPositions(begin, end, part_start, false));
  }
  return ParseStatus::Ok();
}

// The positions ClamAV's trie sees for one part (widened for ::w).
void Positions(const Elem* begin, const Elem* end, bool wide,
               std::vector<Pos>* out, std::vector<const Elem*>* owner) {
  for (const Elem* e = begin; e < end; ++e) {
    switch (e->kind) {
      case ElemKind::kLiteral:
      case ElemKind::kNibble:
        out->push_back(e->kind == ElemKind::kLiteral ? Pos::kFixed
                                                     : Pos::kOther);
        owner->push_back(e);
        if (wide) {
          out->push_back(Pos::kFixed);
          owner->push_back(e);
        }
        break;
      case ElemKind::kAny:  // a written "??" is widened too; {n} is not
        out->push_back(Pos::kWild);
        owner->push_back(e);
        if (wide) {
          out->push_back(Pos::kFixed);
          owner->push_back(e);
        }
        break;
      case ElemKind::kAnyRun:
        out->insert(out->end(), e->width, Pos::kWild);
        owner->insert(owner->end(), e->width, e);
        break;
      case ElemKind::kByteClass:
        out->push_back(Pos::kOther);
        owner->push_back(e);
        break;
      case ElemKind::kBlock:
        out->push_back(Pos::kSpecial);
        owner->push_back(e);
        break;
      case ElemKind::kBoundary:
        out->push_back(Pos::kBoundary);
        owner->push_back(e);
        break;
      case ElemKind::kSplit:
      case ElemKind::kAnchor:
        break;
    }
  }
}

bool IsSpecial(Pos p) { return p == Pos::kBoundary || p == Pos::kSpecial; }

// The prefilter rule: skipping any leading classes and blocks, the run of
// plain positions before the next class or block must be at least 2 long
// and not all `??` (observed; later classes and blocks are not checked).
ParseStatus CheckPrefilter(const std::vector<Pos>& pos,
                           const std::vector<const Elem*>& owner, size_t first,
                           size_t last) {
  size_t run = first;
  while (run < last && IsSpecial(pos[run])) ++run;
  size_t next = run;
  bool all_wild = true;
  for (; next < last && !IsSpecial(pos[next]); ++next) {
    all_wild &= pos[next] == Pos::kWild;
  }
  if (next == last || (next - run >= 2 && !all_wild)) return ParseStatus::Ok();
  return ParseStatus::Error(
      DiagCode::kHexClassPosition, owner[next]->begin,
      "for this target type, a class or alternative block must follow at "
      "least 2 positions that are not all '\?\?' (or start the pattern)");
}

ParseStatus HexParser::CheckPositions(const Elem* begin, const Elem* end,
                                      const char* part_start, bool wide) const {
  std::vector<Pos> pos;
  std::vector<const Elem*> owner;
  Positions(begin, end, wide, &pos, &owner);
  size_t first = 0;
  size_t last = pos.size();
  while (first < last && pos[first] == Pos::kBoundary) ++first;
  while (last > first && pos[last - 1] == Pos::kBoundary) --last;
  size_t n = last - first;
  if (n < 2) {
    return ParseStatus::Error(DiagCode::kHexTooShort, part_start,
                              "subpattern too short: " + std::to_string(n) +
                                  (n == 1 ? " position" : " positions") +
                                  (wide ? " in its wide form" : "") +
                                  ", at least 2 needed");
  }
  if (options_.class_position_rule) {
    VIGIL_SIGS_RETURN_IF_ERROR(CheckPrefilter(pos, owner, first, last));
  }
  for (size_t i = first; i + 1 < last; ++i) {
    if (pos[i] == Pos::kFixed && pos[i + 1] == Pos::kFixed) {
      return ParseStatus::Ok();
    }
  }
  return ParseStatus::Error(DiagCode::kHexNoStaticPair, part_start,
                            "subpattern has no 2 consecutive fixed bytes");
}

// --- output -------------------------------------------------------------

Node HexParser::FoldCase(const Node& node) {
  if (node.kind != Node::Kind::kByte) return node;
  if (node.set_index < 0 && node.mask != 0xff) return node;
  ByteSet bytes = NodeBytes(node, *out_);
  ByteSet folded = bytes;
  for (int c = 'A'; c <= 'Z'; ++c) {
    auto up = static_cast<size_t>(c);
    auto low = static_cast<size_t>(c - 'A' + 'a');
    if (bytes.test(up) || bytes.test(low)) {
      folded.set(up);
      folded.set(low);
    }
  }
  if (folded == bytes) return node;
  return Node::Set(AddSet(folded));
}

void HexParser::Emit() {
  out_->nodes.reserve(elems_.size());
  for (const Elem& e : elems_) out_->nodes.push_back(e.node);
  if (!options_.nocase) return;
  for (Node& n : out_->nodes) n = FoldCase(n);
  for (size_t a = 0; a < out_->alternations.size(); ++a) {
    for (auto& branch : out_->alternations[a].branches) {
      for (Node& n : branch) n = FoldCase(n);
    }
  }
}

// Most signatures are plain hex: decode them without the general machinery.
bool ParseLiteralFast(std::string_view text, const HexPatternOptions& options,
                      Pattern* out) {
  if (options.nocase || text.size() % 2 != 0) return false;
  size_t n = text.size() / 2;
  size_t min = options.literal_needs_three ? 3 : 2;
  if (n < min && !(options.wide && !options.ascii && n >= 1)) return false;
  *out = Pattern();
  out->nodes.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    int hi = HexDigit(text[2 * i]);
    int lo = HexDigit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->nodes.push_back(Node::Literal(static_cast<uint8_t>(hi << 4 | lo)));
  }
  return true;
}

}  // namespace

bool ClassPositionMatters(uint32_t target) {
  return target == 0 || target == 1 || target == 4 || target == 7;
}

ParseStatus ParseHexPattern(std::string_view text,
                            const HexPatternOptions& options, Pattern* out) {
  if (ParseLiteralFast(text, options, out)) return ParseStatus::Ok();
  // ::w and ::f make ClamAV read `[x-y]` as `{x-y}`, but the ascii form of
  // ::wa (without f) keeps `[x-y]`: then each form needs its own parse.
  // Both readings give the same nodes, so either parse can be kept.
  Forms forms;
  forms.wide = options.wide;
  forms.ascii = !options.wide || options.ascii;
  forms.brackets_as_braces = options.wide || options.fullword;
  if (forms.wide && forms.ascii && !options.fullword) {
    Forms ascii_only{false, true, false};
    Pattern scratch;
    VIGIL_SIGS_RETURN_IF_ERROR(
        HexParser(text, options, ascii_only, &scratch).Run());
    forms.ascii = false;
  }
  return HexParser(text, options, forms, out).Run();
}

}  // namespace vigil::sigs::clamav

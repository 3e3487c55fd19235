#include "diff/text_corpus.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include "reference/input_generator.h"
#include "reference/reference_matcher.h"

namespace vigil::diff {
namespace {

using reference::Instance;
using reference::Rng;
using sigs::Node;

// Text bytes a literal may become: mostly letters and digits.
constexpr char kLiteralText[] =
    "abcdefghijklmnopqrstuvwxyz0123456789-_.,;:!?/=+*#%@ ";

// What a non-text byte of an instance becomes: never alphanumeric (so a
// `(W)` or ::f neighbour stays one), never a tag or reference start.
constexpr char kFillerPunct[] = " -._/:;,!";

bool IsTextByte(uint8_t b) {
  return (b >= 0x20 && b <= 0x7e) || b == '\t' || b == '\n' || b == '\r';
}

uint8_t NonTextReplacement(uint8_t b) {
  return static_cast<uint8_t>(kFillerPunct[b % (sizeof kFillerPunct - 1)]);
}

sigs::ByteSet MapSet(const sigs::ByteSet& set) {
  bool negated = set.count() > 128;
  sigs::ByteSet members = negated ? ~set : set;
  sigs::ByteSet out;
  for (size_t v = 0; v < 256; ++v) {
    if (members[v]) out.set(TextLiteral(static_cast<uint8_t>(v)));
  }
  // Two members at least, as the generator made it (a lone one would be a
  // literal in ClamAV's syntax).
  for (uint8_t extra = 'a'; out.count() < 2; ++extra) out.set(extra);
  return negated ? ~out : out;
}

void MapNodes(std::vector<Node>* nodes) {
  for (Node& n : *nodes) {
    if (n.kind == Node::Kind::kByte && n.IsLiteral()) {
      n.value = TextLiteral(n.value);
    }
  }
}

// A branch as the bytes it matches: a literal value, or -1 for any byte.
std::vector<int> BranchBytes(const std::vector<Node>& branch) {
  std::vector<int> out;
  for (const Node& n : branch) {
    if (n.kind == Node::Kind::kGap) {
      out.insert(out.end(), n.gap_min, -1);
    } else {
      out.push_back(n.IsLiteral() ? n.value : -1);
    }
  }
  return out;
}

// Branches of different lengths of which one can match where the other
// matches a prefix: ClamAV's "derivative" alternatives, of which it takes
// only the first that completes the match (docs/matching-semantics.md
// 2.2), while vigil and the reference count the ends of both.
bool Derivative(const std::vector<Node>& a, const std::vector<Node>& b) {
  std::vector<int> x = BranchBytes(a), y = BranchBytes(b);
  if (x.size() == y.size()) return false;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    if (x[i] >= 0 && y[i] >= 0 && x[i] != y[i]) return false;
  }
  return true;
}

// Mapping literals into a small alphabet makes derivative branches common;
// the first byte of a branch (always a literal) is moved until none are.
void KeepBranchesApart(sigs::Alternation* alt) {
  auto& br = alt->branches;
  for (int round = 0; round < 64; ++round) {
    bool changed = false;
    for (size_t i = 0; i < br.size(); ++i) {
      for (size_t j = 0; j < br.size(); ++j) {
        if (i == j || !Derivative(br[i], br[j]) || !br[j][0].IsLiteral()) {
          continue;
        }
        br[j][0].value =
            static_cast<uint8_t>('a' + (br[j][0].value + 1 + round) % 26);
        changed = true;
      }
    }
    if (!changed) return;
  }
}

void MapPattern(sigs::Pattern* p) {
  MapNodes(&p->nodes);
  for (sigs::ByteSet& set : p->sets) set = MapSet(set);
  for (sigs::Alternation& alt : p->alternations) {
    for (auto& branch : alt.branches) MapNodes(&branch);
    if (!alt.negated) KeepBranchesApart(&alt);
  }
}

// `aa[x-y]HEXSIG` becomes `HEXSIG[x-y]aa`: in the text matcher ClamAV does
// not find the lone byte further back than its prefilter's cut, which
// depends on the longest target-7 pattern (docs/matching-semantics.md,
// section 9).
void NoLeftRangeAnchor(sigs::Pattern* p) {
  if (reference::RangeAnchorOf(*p) != reference::RangeAnchor::kLeft) return;
  std::vector<Node> nodes(p->nodes.begin() + 2, p->nodes.end());
  nodes.push_back(p->nodes[1]);
  nodes.push_back(p->nodes[0]);
  p->nodes = std::move(nodes);
}

std::string HexEscape(uint8_t b) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\x%02x", b);
  return buf;
}

// `\xHH` escapes mapped like literals, letters outside classes lower-cased
// (a class such as `[A-Z]` stays: it then only matches the raw pass).
std::string MapRegex(const std::string& re) {
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\' && i + 3 < re.size() && re[i + 1] == 'x') {
      auto b =
          static_cast<uint8_t>(std::stoul(re.substr(i + 2, 2), nullptr, 16));
      uint8_t t = TextLiteral(b);
      out += std::isalnum(t) != 0 ? std::string(1, static_cast<char>(t))
                                  : HexEscape(t);
      i += 3;
      continue;
    }
    if (c == '\\' && i + 1 < re.size()) {  // \d and the like
      out += re.substr(i, 2);
      ++i;
      continue;
    }
    if (c == '[') in_class = true;
    if (c == ']') in_class = false;
    out += in_class ? c : static_cast<char>(std::tolower(c));
  }
  return out;
}

uint8_t PickTarget(Rng& rng, TextKind kind) {
  uint64_t r = rng.Uniform(0, 99);
  if (kind == TextKind::kText) {
    return r < 45 ? 0 : r < 90 ? 7 : r < 95 ? 1 : 3;
  }
  return r < 40 ? 0 : r < 85 ? 3 : r < 95 ? 7 : 1;
}

void MakeTextual(sigs::LogicalSig* sig, Rng& rng, TextKind kind) {
  for (sigs::Subsig& s : sig->subsigs) {
    if (s.kind == sigs::Subsig::Kind::kBody) {
      MapPattern(&s.pattern);
      s.modifiers.wide = false;  // ::a alone is the plain form
    } else if (s.kind == sigs::Subsig::Kind::kPcre) {
      s.pcre.regex = MapRegex(s.pcre.regex);
    }
  }
  if (sig->tdb.target == 0) sig->tdb.target = PickTarget(rng, kind);
  if (sig->tdb.target == 7) {
    for (sigs::Subsig& s : sig->subsigs) {
      if (s.kind == sigs::Subsig::Kind::kBody) NoLeftRangeAnchor(&s.pattern);
    }
  }
}

// ---------------------------------------------------------------- inputs

const std::vector<std::string>& WordList() {
  static const std::vector<std::string> kWords = {
      "the",    "of",     "and",   "server", "file",   "report", "value",
      "update", "system", "data",  "line",   "first",  "second", "page",
      "user",   "admin",  "index", "config", "return", "print",  "error",
      "open",   "close",  "today", "number", "string", "list",   "table"};
  return kWords;
}

std::string RandomWord(Rng& rng) {
  std::string w = rng.Pick(WordList());
  uint64_t r = rng.Uniform(0, 99);
  if (r < 15) {
    w[0] = static_cast<char>(std::toupper(w[0]));
  } else if (r < 20) {
    for (char& c : w) c = static_cast<char>(std::toupper(c));
  } else if (r < 25) {
    w += std::to_string(rng.Uniform(0, 999));
  }
  return w;
}

std::string Separator(Rng& rng) {
  static const std::vector<std::string> kSeps = {
      " ", " ", " ", " ", " ", ", ", ". ", "\n", "  ", "\t", "\r\n", " - "};
  return rng.Pick(kSeps);
}

// Text of about `size` bytes. It starts with "notes: " so that no magic
// (`MZ`, `BM`, `From `, ...) types it as something else.
std::vector<uint8_t> TextFiller(Rng& rng, size_t size) {
  std::string text = "notes: ";
  while (text.size() < size) text += RandomWord(rng) + Separator(rng);
  text.resize(size);
  return {text.begin(), text.end()};
}

void Upper(Instance* inst) {
  for (uint8_t& b : inst->bytes) b = static_cast<uint8_t>(std::toupper(b));
}

// An instance of a body pattern or of a body subsignature, maybe
// upper-cased or a near miss.
Instance TextInstance(const sigs::Subsig* sub, const sigs::Pattern& pattern,
                      Rng& rng) {
  Instance inst = sub ? reference::MakeSubsigInstance(*sub, rng)
                      : reference::MakeInstance(pattern, rng);
  if (rng.Chance(0.25)) Upper(&inst);
  if (rng.Chance(0.15)) {
    reference::MakeNearMiss(&inst, rng, sub && sub->modifiers.nocase);
  }
  return inst;
}

// The instances planting `sig` needs, each with the offset it must start at.
// A logical signature gets 0-2 copies of each body subsignature and 0-2
// instances of each regex.
std::vector<std::pair<Instance, sigs::Offset>> SigInstances(
    const sigs::SignatureSet& set, Rng& rng) {
  std::vector<std::pair<Instance, sigs::Offset>> out;
  bool body = !set.bodies.empty() && (set.logicals.empty() || rng.Chance(0.4));
  if (body) {
    const sigs::BodySig& sig = rng.Pick(set.bodies);
    out.emplace_back(TextInstance(nullptr, sig.pattern, rng), sig.offset);
    return out;
  }
  static const std::vector<int> kCopies = {0, 1, 1, 1, 2};
  const sigs::LogicalSig& sig = rng.Pick(set.logicals);
  for (const sigs::Subsig& sub : sig.subsigs) {
    for (int k = rng.Pick(kCopies); k > 0; --k) {
      if (sub.kind == sigs::Subsig::Kind::kBody) {
        out.emplace_back(TextInstance(&sub, sub.pattern, rng), sub.offset);
      } else if (sub.kind == sigs::Subsig::Kind::kPcre) {
        if (auto inst = reference::MakeRegexInstance(sub.pcre.regex, rng)) {
          out.emplace_back(*inst, sub.pcre.offset);
        }
      }
    }
  }
  return out;
}

// Instance bytes as they go into an HTML document: text, with `<`, `>` and
// `&` (which would start markup) replaced.
std::string HtmlSegment(const Instance& inst) {
  std::string s(1, inst.before ? static_cast<char>(*inst.before) : ' ');
  s.append(inst.bytes.begin(), inst.bytes.end());
  s.append(inst.after.begin(), inst.after.end());
  s += ' ';
  for (char& c : s) {
    auto b = static_cast<uint8_t>(c);
    if (!IsTextByte(b) || c == '<' || c == '>' || c == '&') {
      c = static_cast<char>(NonTextReplacement(b));
    }
  }
  return s;
}

std::string Words(Rng& rng, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += (i ? " " : "") + RandomWord(rng);
  return s;
}

// One piece of HTML markup with some text.
std::string HtmlMarkup(Rng& rng) {
  switch (rng.Uniform(0, 7)) {
    case 0:
      return "<p>" + Words(rng, rng.Uniform(2, 12)) + "</p>\n";
    case 1:
      return "<b>" + Words(rng, 2) + "</b> ";
    case 2:
      return "<a href=\"http://example.com/" + RandomWord(rng) + "\">" +
             Words(rng, 2) + "</a>\n";
    case 3:
      return "<img src='" + RandomWord(rng) + ".gif'>";
    case 4:
      return "<!-- " + Words(rng, 3) + " -->";
    case 5:
      return rng.Chance(0.5) ? " &amp; " : " &lt;&#65;&gt; ";
    case 6:
      return "<div class=\"" + RandomWord(rng) + "\">" + Words(rng, 4) +
             "</div>\n";
    default:
      return Words(rng, rng.Uniform(1, 8)) + Separator(rng);
  }
}

}  // namespace

uint8_t TextLiteral(uint8_t b) {
  if (std::isalpha(b) != 0) return static_cast<uint8_t>(std::tolower(b));
  if (std::isdigit(b) != 0) return b;
  return static_cast<uint8_t>(kLiteralText[b % (sizeof kLiteralText - 1)]);
}

sigs::SignatureSet MakeTextSet(uint64_t seed, size_t bodies, size_t logicals,
                               TextKind kind, const std::string& prefix) {
  reference::GeneratorOptions options;
  options.nibbles = false;
  options.byte_compare = false;
  // Offsets count in the normalised buffer, which HTML reshapes completely.
  options.offsets = kind == TextKind::kText;
  reference::SigGenerator gen(seed, options);
  sigs::SignatureSet set = gen.Set(bodies, logicals, prefix);
  Rng rng(seed * 31 + 7);
  for (sigs::BodySig& sig : set.bodies) {
    MapPattern(&sig.pattern);
    if (sig.target == 0) sig.target = PickTarget(rng, kind);
    if (sig.target == 7) NoLeftRangeAnchor(&sig.pattern);
  }
  for (sigs::LogicalSig& sig : set.logicals) MakeTextual(&sig, rng, kind);
  return set;
}

std::vector<uint8_t> MakeTextInput(const sigs::SignatureSet& set, Rng& rng) {
  std::vector<uint8_t> data = TextFiller(rng, rng.Uniform(64, 4096));
  for (uint64_t k = rng.Uniform(0, 6); k > 0; --k) {
    for (auto& [inst, offset] : SigInstances(set, rng)) {
      if (auto pos = reference::RandomStart(offset, data.size(), inst, rng)) {
        reference::Plant(&data, inst, *pos);
      }
    }
  }
  for (uint8_t& b : data) {
    if (!IsTextByte(b)) b = NonTextReplacement(b);
  }
  return data;
}

std::vector<uint8_t> MakeHtmlInput(const sigs::SignatureSet& set, Rng& rng) {
  std::vector<std::string> pieces;
  for (uint64_t k = rng.Uniform(3, 30); k > 0; --k) {
    pieces.push_back(HtmlMarkup(rng));
  }
  for (uint64_t k = rng.Uniform(0, 6); k > 0; --k) {
    for (auto& entry : SigInstances(set, rng)) {
      size_t at = rng.Uniform(0, pieces.size());
      pieces.insert(pieces.begin() + static_cast<ptrdiff_t>(at),
                    HtmlSegment(entry.first));
    }
  }
  std::string doc =
      "<html><head><title>" + Words(rng, 3) + "</title></head>\n<body>\n";
  for (const std::string& p : pieces) doc += p;
  // No <script>: ClamAV matches JavaScript-normalised scripts, which vigil
  // does not make (its script passes see an empty buffer).
  doc += "</body></html>\n";
  return {doc.begin(), doc.end()};
}

}  // namespace vigil::diff

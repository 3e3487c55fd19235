#include "diff/dataset_planting.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "reference/input_generator.h"
#include "reference/reference_matcher.h"

namespace vigil::diff {
namespace {

using reference::Instance;
using reference::Rng;

// One instance to place, with the offset its start must satisfy.
struct Piece {
  Instance inst;
  sigs::Offset offset;
  size_t Before() const { return inst.before ? 1 : 0; }
  size_t Extent() const {
    return Before() + inst.bytes.size() + inst.after.size();
  }
  bool Anywhere() const { return offset.kind == sigs::Offset::Kind::kAny; }
};

bool IsTextByte(uint8_t b) {
  return (b >= 0x20 && b <= 0x7e) || b == '\t' || b == '\n' || b == '\r';
}

// Non-text bytes of a text carrier's instance (wildcards, boundary
// neighbours) become punctuation: never alphanumeric, so `(W)` and ::f
// neighbours stay what they were.
uint8_t TextReplacement(uint8_t b) {
  static const char kPunct[] = " -._/:;,!";
  return static_cast<uint8_t>(kPunct[b % (sizeof kPunct - 1)]);
}

void Textify(Instance* inst) {
  for (uint8_t& b : inst->bytes) {
    if (!IsTextByte(b)) b = TextReplacement(b);
  }
  for (uint8_t& b : inst->after) {
    if (!IsTextByte(b)) b = TextReplacement(b);
  }
  if (inst->before && !IsTextByte(*inst->before)) {
    inst->before = TextReplacement(*inst->before);
  }
}

std::vector<uint8_t> Magic(Carrier c) {
  switch (c) {
    case Carrier::kPe:
      return {'M', 'Z'};
    case Carrier::kElf:
      return {0x7f, 'E', 'L', 'F'};
    case Carrier::kMachO:
      return {0xce, 0xfa, 0xed, 0xfe};
    default:
      return {};
  }
}

const std::vector<std::string>& Words() {
  static const std::vector<std::string> kWords = {
      "the",  "server", "file",  "report", "value", "update", "system",
      "data", "line",   "first", "page",   "user",  "index",  "config"};
  return kWords;
}

std::string TextWords(Rng& rng, size_t size) {
  std::string text = "notes: ";
  while (text.size() < size) {
    text += rng.Pick(Words());
    text += rng.Chance(0.1) ? "\n" : " ";
  }
  text.resize(size);
  return text;
}

std::vector<uint8_t> Filler(Carrier c, Rng& rng, size_t size) {
  if (c == Carrier::kText) {
    std::string t = TextWords(rng, size);
    return {t.begin(), t.end()};
  }
  std::vector<uint8_t> data = reference::RandomBinary(rng, size);
  std::vector<uint8_t> magic = Magic(c);
  std::copy(magic.begin(), magic.end(), data.begin());
  return data;
}

// Bytes at the start that instances must leave alone (the magic; for
// binary data the prefix that keeps it typed binary), unless an offset
// forces them there.
size_t Reserved(Carrier c) {
  if (c == Carrier::kText) return 0;
  return std::max(Magic(c).size(), sizeof reference::kBinaryPrefix);
}

// Free ranges of one file being laid out.
class Layout {
 public:
  Layout(size_t size, size_t reserved) : used_(size, false) {
    std::fill_n(used_.begin(), std::min(reserved, size), true);
  }

  // A start for `p` its offset allows, where it overlaps nothing placed.
  std::optional<size_t> Find(const Piece& p, Rng& rng) {
    auto range = reference::StartRange(p.offset, used_.size());
    if (!range) return std::nullopt;
    size_t lo = std::max(range->first, p.Before());
    if (p.Extent() > used_.size()) return std::nullopt;
    size_t hi = std::min(range->second, used_.size() - p.Extent() + p.Before());
    if (lo > hi) return std::nullopt;
    for (int k = 0; k < 64; ++k) {
      size_t s = rng.Uniform(lo, hi);
      if (Free(p, s)) return s;
    }
    for (size_t s = lo; s <= hi; ++s) {
      if (Free(p, s)) return s;
    }
    // A fixed offset may need the reserved prefix (`0:` signatures).
    if (!p.Anywhere()) return lo;
    return std::nullopt;
  }

  // The first free start at or after `from` (anywhere-pieces are laid out
  // left to right, so that random starts do not fragment the file).
  std::optional<size_t> FindFrom(const Piece& p, size_t from) {
    auto range = reference::StartRange(p.offset, used_.size());
    if (!range || p.Extent() > used_.size()) return std::nullopt;
    size_t lo = std::max({range->first, p.Before(), from});
    size_t hi = std::min(range->second, used_.size() - p.Extent() + p.Before());
    for (size_t s = lo; s <= hi; ++s) {
      if (Free(p, s)) return s;
    }
    return std::nullopt;
  }

  void Take(const Piece& p, size_t start) {
    size_t first = start - p.Before();
    std::fill_n(used_.begin() + static_cast<ptrdiff_t>(first), p.Extent(),
                true);
  }

 private:
  bool Free(const Piece& p, size_t start) const {
    size_t first = start - p.Before();
    return std::none_of(
        used_.begin() + static_cast<ptrdiff_t>(first),
        used_.begin() + static_cast<ptrdiff_t>(first + p.Extent()),
        [](bool u) { return u; });
  }
  std::vector<bool> used_;
};

void Write(std::vector<uint8_t>* data, const Piece& p, size_t start) {
  if (p.inst.before) (*data)[start - 1] = *p.inst.before;
  std::copy(p.inst.bytes.begin(), p.inst.bytes.end(),
            data->begin() + static_cast<ptrdiff_t>(start));
  std::copy(
      p.inst.after.begin(), p.inst.after.end(),
      data->begin() + static_cast<ptrdiff_t>(start + p.inst.bytes.size()));
}

// A size that fits every piece: anywhere-pieces with room between them,
// fixed ones at their offsets.
size_t SizeFor(const std::vector<Piece>& pieces, Carrier c, Rng& rng) {
  size_t any = Reserved(c) + 64;
  size_t fixed = 0;
  for (const Piece& p : pieces) {
    any += p.Extent() + rng.Uniform(8, 48);
    if (p.offset.kind == sigs::Offset::Kind::kAbsolute) {
      fixed = std::max<size_t>(fixed, p.offset.value + p.Extent() + 32);
    } else if (p.offset.kind == sigs::Offset::Kind::kEofMinus) {
      fixed = std::max<size_t>(fixed, p.offset.value + 32);
    }
  }
  return std::max({any, fixed, size_t{128}}) + rng.Uniform(0, 128);
}

// Lays `pieces` out in a new file; nullopt if one does not fit.
std::optional<std::vector<uint8_t>> Build(std::vector<Piece> pieces, Carrier c,
                                          Rng& rng) {
  size_t size = SizeFor(pieces, c, rng);
  std::vector<uint8_t> data = Filler(c, rng, size);
  Layout layout(size, Reserved(c));
  // Fixed offsets first, then the rest.
  std::stable_sort(pieces.begin(), pieces.end(),
                   [](const Piece& a, const Piece& b) {
                     return !a.Anywhere() && b.Anywhere();
                   });
  size_t cursor = Reserved(c);
  for (Piece& p : pieces) {
    if (c == Carrier::kText) Textify(&p.inst);
    std::optional<size_t> start;
    if (p.Anywhere()) start = layout.FindFrom(p, cursor + rng.Uniform(0, 24));
    if (!start) start = layout.Find(p, rng);
    if (!start) return std::nullopt;
    layout.Take(p, *start);
    Write(&data, p, *start);
    if (p.Anywhere())
      cursor = *start + p.inst.bytes.size() + p.inst.after.size();
  }
  return data;
}

// An HTML document with the pieces in its text (offsets are not kept: the
// normalised buffers move everything).
std::vector<uint8_t> BuildHtml(std::vector<Piece> pieces, Rng& rng) {
  std::string doc = "<html><head><title>page</title></head>\n<body>\n<p>";
  for (Piece& p : pieces) {
    Textify(&p.inst);
    doc += TextWords(rng, rng.Uniform(8, 60)).substr(7) + " ";
    if (p.inst.before) doc += static_cast<char>(*p.inst.before);
    doc.append(p.inst.bytes.begin(), p.inst.bytes.end());
    doc.append(p.inst.after.begin(), p.inst.after.end());
    doc += " ";
  }
  doc += "</p>\n</body></html>\n";
  return {doc.begin(), doc.end()};
}

uint16_t RawTargets(Carrier c) {
  switch (c) {
    case Carrier::kBinary:
      return 1u | (1u << 14);
    case Carrier::kPe:
      return 1u | (1u << 1);
    case Carrier::kElf:
      return 1u | (1u << 6);
    case Carrier::kMachO:
      return 1u | (1u << 9);
    default:
      return 1u;
  }
}

// Copies of each subsignature that the expression asks for, read off its
// leaves: `i=X` X, `i>X` X+1, `i<X` at most one, a plain leaf one (16 at
// most). Sums over blocks are left to the plain leaves.
void PlanCopies(const sigs::Expr& e, std::vector<int>* copies) {
  if (e.kind != sigs::Expr::Kind::kSubsig) {
    for (const sigs::Expr& c : e.children) PlanCopies(c, copies);
    return;
  }
  int n = 1;
  switch (e.op) {
    case sigs::Expr::CountOp::kNone:
      break;
    case sigs::Expr::CountOp::kEq:
      n = static_cast<int>(e.count);
      break;
    case sigs::Expr::CountOp::kGt:
      n = static_cast<int>(e.count) + 1;
      break;
    case sigs::Expr::CountOp::kLt:
      n = e.count > 1 ? 1 : 0;
      break;
  }
  if (e.subsig < copies->size()) (*copies)[e.subsig] = std::min(n, 16);
}

// The pieces of a logical signature: copies[i] instances of body
// subsignature i, and of each regex the reference can instantiate.
std::vector<Piece> LogicalPieces(const sigs::LogicalSig& sig,
                                 const std::vector<int>& copies, Rng& rng,
                                 size_t* regexes_skipped) {
  std::vector<Piece> pieces;
  for (size_t i = 0; i < sig.subsigs.size(); ++i) {
    const sigs::Subsig& sub = sig.subsigs[i];
    for (int k = 0; k < copies[i]; ++k) {
      if (sub.kind == sigs::Subsig::Kind::kBody) {
        pieces.push_back({reference::MakeSubsigInstance(sub, rng), sub.offset});
      } else if (sub.kind == sigs::Subsig::Kind::kPcre) {
        auto inst = reference::MakeRegexInstance(sub.pcre.regex, rng);
        if (inst) {
          pieces.push_back({*inst, sub.pcre.offset});
        } else if (k == 0 && regexes_skipped) {
          ++*regexes_skipped;
        }
      }
    }
  }
  return pieces;
}

// `<` followed by a letter, `/` or `!` among the literal bytes of `p`.
bool HasMarkup(const sigs::Pattern& p) {
  for (size_t i = 0; i + 1 < p.nodes.size(); ++i) {
    const sigs::Node& a = p.nodes[i];
    const sigs::Node& b = p.nodes[i + 1];
    if (!a.IsLiteral() || a.value != '<' || !b.IsLiteral()) continue;
    if (std::isalpha(b.value) != 0 || b.value == '/' || b.value == '!') {
      return true;
    }
  }
  return false;
}

bool SubsigsAreText(const sigs::LogicalSig& sig) {
  bool any = false;
  for (const sigs::Subsig& s : sig.subsigs) {
    if (s.kind != sigs::Subsig::Kind::kBody) continue;
    if (s.modifiers.wide || !IsTextPattern(s.pattern)) return false;
    any = true;
  }
  return any;
}

class Planter {
 public:
  Planter(const PlantOptions& options, uint64_t seed, PlantStats* stats)
      : options_(options), rng_(seed), stats_(stats) {}

  void AddBody(const sigs::BodySig& sig) {
    Carrier c = *CarrierFor(sig.target);
    Queue(c, sig);
    if (sig.target == 0 && IsTextPattern(sig.pattern))
      Queue(Carrier::kText, sig);
    ++stats_->bodies;
  }

  void AddLogical(const sigs::LogicalSig& sig) {
    uint8_t target = sig.tdb.target.value_or(0);
    Carrier c = *CarrierFor(target);
    PlantLogical(sig, c);
    if (target == 0 && SubsigsAreText(sig)) PlantLogical(sig, Carrier::kText);
    ++stats_->logicals;
  }

  std::vector<PlantedFile> Finish() {
    for (auto& [carrier, queue] : queued_) {
      if (!queue.empty()) FlushBodies(carrier);
    }
    return std::move(files_);
  }

 private:
  struct Queued {
    std::string name;
    Piece piece;
  };

  void Queue(Carrier c, const sigs::BodySig& sig) {
    Piece p{reference::MakeInstance(sig.pattern, rng_), sig.offset};
    // A fixed offset gets a file of its own (offsets of different
    // signatures could collide), and so does markup: it makes the file
    // HTML, where an unclosed tag or a script would swallow the instances
    // after it into what ClamAV normalises its own way (JavaScript, damaged
    // attribute values: docs/matching-semantics.md, "Public signature
    // sets").
    const bool markup = HasMarkup(sig.pattern);
    if (markup) ++stats_->markup_alone;
    if (!p.Anywhere() || markup) {
      Emit(c, {p}, {sig.name});
      return;
    }
    queued_[c].push_back({sig.name, std::move(p)});
    if (queued_[c].size() == options_.bodies_per_file) FlushBodies(c);
  }

  void FlushBodies(Carrier c) {
    std::vector<Piece> pieces;
    std::vector<std::string> names;
    for (Queued& q : queued_[c]) {
      pieces.push_back(std::move(q.piece));
      names.push_back(q.name);
    }
    queued_[c].clear();
    Emit(c, std::move(pieces), std::move(names));
  }

  bool Emit(Carrier c, std::vector<Piece> pieces,
            std::vector<std::string> names) {
    PlantedFile f;
    f.carrier = c;
    if (c == Carrier::kHtml) {
      f.bytes = BuildHtml(std::move(pieces), rng_);
    } else {
      auto bytes = Build(std::move(pieces), c, rng_);
      if (!bytes) {
        stats_->unplaceable += names.size();
        return false;
      }
      f.bytes = std::move(*bytes);
    }
    f.planted = std::move(names);
    files_.push_back(std::move(f));
    return true;
  }

  // One file per logical signature. Tried in turn until the reference says
  // the expression holds on the raw pass (where the reference can say:
  // binary and executable carriers): the copies the expression's leaves ask
  // for, twice that, then every subsignature once, twice, three times.
  void PlantLogical(const sigs::LogicalSig& sig, Carrier c) {
    const bool checkable = c != Carrier::kText && c != Carrier::kHtml;
    std::vector<int> plan(sig.subsigs.size(), 1);
    PlanCopies(sig.expr, &plan);
    std::vector<std::vector<int>> attempts = {plan, plan};
    for (int& n : attempts[1]) n *= 2;
    for (int k = 1; k <= 3; ++k) attempts.emplace_back(sig.subsigs.size(), k);
    for (size_t a = 0; a < attempts.size(); ++a) {
      size_t* skipped =
          a == 0 && c != Carrier::kText ? &stats_->regexes_skipped : nullptr;
      std::vector<Piece> pieces =
          LogicalPieces(sig, attempts[a], rng_, skipped);
      std::optional<std::vector<uint8_t>> bytes;
      if (c == Carrier::kHtml) {
        bytes = BuildHtml(std::move(pieces), rng_);
      } else {
        bytes = Build(std::move(pieces), c, rng_);
      }
      if (!bytes) continue;
      bool holds =
          !checkable ||
          reference::LogicalSigMatches(
              sig,
              ByteView(reinterpret_cast<const std::byte*>(bytes->data()),
                       bytes->size()),
              RawTargets(c));
      if (holds || a + 1 == attempts.size()) {
        if (!holds) ++stats_->logicals_unsatisfied;
        files_.push_back({c, std::move(*bytes), {sig.name}});
        return;
      }
    }
    ++stats_->unplaceable;
  }

  const PlantOptions& options_;
  Rng rng_;
  PlantStats* stats_;
  std::map<Carrier, std::vector<Queued>> queued_;
  std::vector<PlantedFile> files_;
};

std::optional<std::string> OffsetExclusion(const sigs::Offset& o) {
  if (o.IsExecutableRelative()) {
    return "executable-relative offset (EP+, Sx+, SL+, SE, VI)";
  }
  if (o.kind == sigs::Offset::Kind::kMacro) return "macro offset ($n)";
  return std::nullopt;
}

}  // namespace

const char* CarrierName(Carrier c) {
  switch (c) {
    case Carrier::kBinary:
      return "binary";
    case Carrier::kPe:
      return "pe";
    case Carrier::kElf:
      return "elf";
    case Carrier::kMachO:
      return "macho";
    case Carrier::kText:
      return "text";
    case Carrier::kHtml:
      return "html";
  }
  return "?";
}

std::optional<Carrier> CarrierFor(uint8_t target) {
  switch (target) {
    case 0:
    case 14:
      return Carrier::kBinary;
    case 1:
      return Carrier::kPe;
    case 3:
      return Carrier::kHtml;
    case 6:
      return Carrier::kElf;
    case 7:
      return Carrier::kText;
    case 9:
      return Carrier::kMachO;
    default:
      return std::nullopt;
  }
}

bool IsTextPattern(const sigs::Pattern& p) {
  bool any = false;
  for (const sigs::Node& n : p.nodes) {
    if (n.kind != sigs::Node::Kind::kByte || !n.IsLiteral()) continue;
    if (!IsTextByte(n.value)) return false;
    any = true;
  }
  return any;
}

// clamscan 1.4.6 aborts (a Rust panic, "name is not valid unicode") when a
// signature whose name is not valid UTF-8 matches: nothing after that file
// is scanned. viruses.db has one ("Hafenstra\xe1e.1640").
bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<uint8_t>(s[i]);
    size_t n = b < 0x80             ? 0
               : (b & 0xe0) == 0xc0 ? 1
               : (b & 0xf0) == 0xe0 ? 2
               : (b & 0xf8) == 0xf0 ? 3
                                    : 4;
    if (n == 4 || (n > 0 && i + n >= s.size())) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<uint8_t>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

std::optional<std::string> NameExclusion(const std::string& name) {
  if (!ValidUtf8(name)) return "name not valid UTF-8 (clamscan aborts on it)";
  return std::nullopt;
}

std::optional<std::string> BodyExclusion(const sigs::BodySig& sig) {
  if (auto why = NameExclusion(sig.name)) return why;
  if (auto why = OffsetExclusion(sig.offset)) return why;
  if (!CarrierFor(sig.target)) {
    return "target type " + std::to_string(sig.target) + " (no carrier file)";
  }
  if (sig.target == 3 && sig.offset.kind != sigs::Offset::Kind::kAny) {
    return "offset in a target-3 (HTML) signature";
  }
  return std::nullopt;
}

std::optional<std::string> LogicalExclusion(const sigs::LogicalSig& sig) {
  if (auto why = NameExclusion(sig.name)) return why;
  const sigs::TargetDesc& t = sig.tdb;
  if (t.icon_group1 || t.icon_group2) return "icon group (PE icons)";
  if (t.entry_point || t.number_of_sections) {
    return "EntryPoint/NumberOfSections (PE parser)";
  }
  if (t.container || !t.intermediates.empty() || t.handler_type) {
    return "Container/Intermediates/HandlerType (extraction)";
  }
  for (const sigs::Subsig& s : sig.subsigs) {
    if (s.kind == sigs::Subsig::Kind::kMacro) return "macro subsignature";
    if (s.kind == sigs::Subsig::Kind::kFuzzyImage) return "fuzzy image hash";
    const sigs::Offset& o =
        s.kind == sigs::Subsig::Kind::kPcre ? s.pcre.offset : s.offset;
    if (auto why = OffsetExclusion(o)) return why;
  }
  uint8_t target = t.target.value_or(0);
  if (!CarrierFor(target)) {
    return "target type " + std::to_string(target) + " (no carrier file)";
  }
  return std::nullopt;
}

std::vector<PlantedFile> PlantDataset(const sigs::SignatureSet& set,
                                      const PlantOptions& options,
                                      uint64_t seed, PlantStats* stats) {
  Planter planter(options, seed, stats);
  size_t in_scope = 0;
  for (const sigs::BodySig& sig : set.bodies) {
    if (auto why = BodyExclusion(sig)) {
      ++stats->excluded[*why];
    } else if (in_scope++ % options.stride == 0) {
      planter.AddBody(sig);
    }
  }
  for (const sigs::LogicalSig& sig : set.logicals) {
    if (auto why = LogicalExclusion(sig)) {
      ++stats->excluded[*why];
    } else if (in_scope++ % options.stride == 0) {
      planter.AddLogical(sig);
    }
  }
  return planter.Finish();
}

}  // namespace vigil::diff

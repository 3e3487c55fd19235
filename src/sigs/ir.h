// The signature IR: what every source format parses into and what the
// compiler consumes.
//
// Each ClamAV text format (.hdb .hsb .mdb .msb .imp .ndb .ldb .fp .sfp .ign
// .ign2 .db, and the .cvd/.cld/.cud containers that hold them) has its own
// parser under src/sigs/clamav/; all of them produce the types below, so the
// compiler and the reference matcher in tests/ know nothing of text syntax.
//
// A Pattern is ClamAV's extended hex syntax, decoded:
//   Byte        one byte whose bits under `mask` equal `value` (literal: mask
//               0xff; `??`: mask 0; `a?`: 0xf0; `?a`: 0x0f), or, when
//               `set_index` >= 0, any byte of Pattern::sets[set_index]
//               (`(aa|bb)`, `!(aa|bb)`, case-folded bytes of `::i`).
//   Gap         between min and max arbitrary bytes (`{n}`, `{-n}`, `{n-}`,
//               `{n-m}`, `*`, and the `[x-y]` of `HEXSIG[x-y]aa`).
//   Alternation one of several byte strings (`(aabb|ccdd)`, generic
//               variable-length `(aa??|bbcc{2}dd)`), or, negated, any string of
//               the (common) branch length that is none of them.
//   Boundary    `(B)`, `(L)`, `(W)`: see BoundaryKind.
#ifndef VIGIL_SIGS_IR_H_
#define VIGIL_SIGS_IR_H_

#include <array>
#include <bitset>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/hash.h"

namespace vigil::sigs {

// The functionality level this engine implements (ClamAV 1.4.6 reports 216).
// Signatures whose [min, max] FLEVEL range excludes it are skipped at load.
inline constexpr uint32_t kEngineFlevel = 216;

struct FlevelRange {
  uint32_t min = 0;
  uint32_t max = std::numeric_limits<uint32_t>::max();
  bool Includes(uint32_t level) const { return level >= min && level <= max; }
};

// Where a signature came from: an index into SignatureSet::files (the path
// given to the loader; for members of a .cvd "daily.cvd:daily.ndb") and the
// 1-based line.
struct SourceLoc {
  uint32_t file = 0;
  uint32_t line = 0;
};

// ---------------------------------------------------------------- patterns

using ByteSet = std::bitset<256>;

enum class BoundaryKind : uint8_t {
  // (B): one byte of "\n\r \"'-./<=>@_", or nothing at the start/end of data.
  kWord,
  // (L): "\n" or "\r\n", or nothing at the start/end of data.
  kLine,
  // (W): one byte that is not [0-9A-Za-z], or nothing at the start/end of data.
  kNonAlnum,
};

struct Node {
  enum class Kind : uint8_t { kByte, kGap, kAlternation, kBoundary };
  static constexpr uint32_t kUnbounded = std::numeric_limits<uint32_t>::max();

  Kind kind = Kind::kByte;
  // kByte
  uint8_t value = 0;
  uint8_t mask = 0xff;
  int32_t set_index = -1;
  // kGap
  uint32_t gap_min = 0;
  uint32_t gap_max = 0;
  // kAlternation: index into Pattern::alternations
  uint32_t alt_index = 0;
  // kBoundary
  BoundaryKind boundary = BoundaryKind::kWord;

  static Node Literal(uint8_t b) { return Node{}.WithByte(b, 0xff); }
  static Node Masked(uint8_t v, uint8_t m) {
    return Node{}.WithByte(static_cast<uint8_t>(v & m), m);
  }
  static Node AnyByte() { return Node{}.WithByte(0, 0); }
  static Node Set(int32_t index) {
    Node n;
    n.set_index = index;
    n.mask = 0;
    return n;
  }
  static Node Gap(uint32_t min, uint32_t max) {
    Node n;
    n.kind = Kind::kGap;
    n.gap_min = min;
    n.gap_max = max;
    return n;
  }
  static Node Alternation(uint32_t index) {
    Node n;
    n.kind = Kind::kAlternation;
    n.alt_index = index;
    return n;
  }
  static Node Boundary(BoundaryKind b) {
    Node n;
    n.kind = Kind::kBoundary;
    n.boundary = b;
    return n;
  }

  bool IsLiteral() const {
    return kind == Kind::kByte && set_index < 0 && mask == 0xff;
  }

 private:
  Node WithByte(uint8_t v, uint8_t m) {
    value = v;
    mask = m;
    return *this;
  }
};

struct Alternation {
  // Negated: matches any string of the branches' common length that none of
  // the branches matches (`!(aa|bb)`, `!(aabb|ccdd)`).
  bool negated = false;
  // Each branch holds only kByte and bounded kGap nodes.
  std::vector<std::vector<Node>> branches;
};

struct Pattern {
  std::vector<Node> nodes;
  std::vector<Alternation> alternations;
  std::vector<ByteSet> sets;
};

// ---------------------------------------------------------------- offsets

struct Offset {
  enum class Kind : uint8_t {
    kAny,              // *
    kAbsolute,         // n
    kEofMinus,         // EOF-n
    kEpPlus,           // EP+n   (executables)
    kEpMinus,          // EP-n
    kSectionPlus,      // Sx+n   section `section`, plus value
    kSectionEntire,    // SEx    anywhere within section `section`
    kLastSectionPlus,  // SL+n
    kVersionInfo,      // VI     (PE VersionInfo)
    kMacro,            // $n     member of macro group `value`
  };
  Kind kind = Kind::kAny;
  uint64_t value = 0;
  uint32_t section = 0;
  // Floating offset `Offset,MaxShift`: the match may start anywhere in
  // [offset, offset + max_shift].
  uint64_t max_shift = 0;

  bool IsExecutableRelative() const {
    return kind == Kind::kEpPlus || kind == Kind::kEpMinus ||
           kind == Kind::kSectionPlus || kind == Kind::kSectionEntire ||
           kind == Kind::kLastSectionPlus || kind == Kind::kVersionInfo;
  }
};

// ---------------------------------------------------------------- signatures

using core::Digest;
using core::HashAlgo;

enum class HashScope : uint8_t {
  kFile,       // .hdb .hsb  (and .fp .sfp allow lists)
  kPeSection,  // .mdb .msb
  kPeImport,   // .imp
};

struct HashSig {
  std::string name;  // as printed, ".UNOFFICIAL" already appended if due
  HashAlgo algo = HashAlgo::kMd5;
  HashScope scope = HashScope::kFile;
  Digest digest{};
  std::optional<uint64_t> size;  // nullopt: '*' (any size)
  FlevelRange flevel;
  SourceLoc loc;
};

struct BodySig {
  std::string name;
  uint8_t target = 0;  // ClamAV target type 0..14
  Offset offset;
  Pattern pattern;
  FlevelRange flevel;
  SourceLoc loc;
};

// --- logical signatures

struct Range64 {
  uint64_t min = 0;
  uint64_t max = std::numeric_limits<uint64_t>::max();
};

struct TargetDesc {
  FlevelRange engine;
  std::optional<uint8_t> target;
  std::optional<Range64> file_size;
  std::optional<Range64> entry_point;
  std::optional<Range64> number_of_sections;
  std::optional<std::string> container;     // CL_TYPE_* name
  std::vector<std::string> intermediates;   // CL_TYPE_* names, outer first
  std::optional<std::string> handler_type;  // CL_TYPE_* name
  std::optional<std::string> icon_group1;
  std::optional<std::string> icon_group2;
};

// Logical expression tree over subsignature indexes.
struct Expr {
  enum class Kind : uint8_t { kSubsig, kAnd, kOr };
  enum class CountOp : uint8_t { kNone, kEq, kGt, kLt };

  Kind kind = Kind::kSubsig;
  uint32_t subsig = 0;         // kSubsig
  std::vector<Expr> children;  // kAnd, kOr (two or more)
  // A count condition on this sub-expression: `A=X`, `A>X,Y`, ...
  CountOp op = CountOp::kNone;
  uint32_t count = 0;                // X
  std::optional<uint32_t> distinct;  // Y
};

struct SubsigModifiers {
  bool nocase = false;    // ::i
  bool wide = false;      // ::w
  bool fullword = false;  // ::f
  bool ascii = false;     // ::a (with ::w: match both forms)
};

struct PcreSubsig {
  Expr trigger;       // when the regex runs
  std::string regex;  // PCRE2 source (\x3B already as written)
  std::string flags;  // ClamAV flags: g r e i s m x A E U
  Offset offset;
};

// Byte compare: `trigger(>>off#options#comparisons)`.
struct ByteCompare {
  uint32_t trigger = 0;  // subsignature whose matches anchor the read
  int64_t offset = 0;    // signed: `>>n` is +n, `<<n` is -n
  enum class Base : uint8_t { kHex, kDecimal, kAuto, kRaw } base = Base::kHex;
  bool little_endian = true;  // `l` / `b`
  bool exact = false;         // `e`: exactly num_bytes
  uint32_t num_bytes = 0;
  struct Comparison {
    enum class Op : uint8_t { kLess, kGreater, kEqual } op = Op::kEqual;
    uint64_t value = 0;
  };
  std::vector<Comparison> comparisons;  // one or two, all must hold
};

struct MacroSubsig {
  uint32_t min = 0;
  uint32_t max = 0;
  uint32_t group = 0;
};

struct Subsig {
  enum class Kind : uint8_t { kBody, kPcre, kByteCompare, kMacro, kFuzzyImage };
  Kind kind = Kind::kBody;
  Offset offset;    // kBody
  Pattern pattern;  // kBody
  SubsigModifiers modifiers;
  PcreSubsig pcre;           // kPcre
  ByteCompare byte_compare;  // kByteCompare
  MacroSubsig macro;         // kMacro
  std::string fuzzy_hash;    // kFuzzyImage (parsed; not matched)
};

struct LogicalSig {
  std::string name;
  TargetDesc tdb;
  Expr expr;
  std::vector<Subsig> subsigs;
  SourceLoc loc;
};

// --- allow and ignore lists

// .fp (MD5) and .sfp (SHA1/SHA256): a file with this hash is reported clean.
struct AllowHash {
  std::string name;
  HashAlgo algo = HashAlgo::kMd5;
  Digest digest{};
  std::optional<uint64_t> size;
  SourceLoc loc;
};

// .ign / .ign2: drop the signature of this name (compared without the
// ".UNOFFICIAL" suffix); with `line_md5`, only the one whose database line
// has that MD5.
struct IgnoreEntry {
  std::string name;
  std::optional<Digest> line_md5;
  SourceLoc loc;
};

// Everything loaded from a set of database files.
struct SignatureSet {
  std::vector<HashSig> hashes;
  std::vector<BodySig> bodies;
  std::vector<LogicalSig> logicals;
  std::vector<AllowHash> allows;
  std::vector<IgnoreEntry> ignores;
  std::vector<std::string> files;  // SourceLoc::file indexes this
  // Signatures dropped by an ignore entry (ClamAV applies .ign/.ign2 while
  // loading; so does vigil).
  uint64_t ignored = 0;

  // From the last `daily.*` container loaded: what clamd's VERSION reports.
  std::optional<uint32_t> daily_version;
  std::optional<int64_t> daily_build_time;  // seconds since the epoch

  // Signatures skipped because of their FLEVEL range (not an error).
  uint64_t skipped_flevel = 0;
  // Signatures skipped because they need something the engine lacks: target
  // types past 14, unknown TDB attributes or CL_TYPE names. ClamAV 1.4 skips
  // them silently; vigil also warns. Not counted as known viruses.
  uint64_t skipped_unsupported = 0;
  // What clamscan reports as "Known viruses" for the same files (ClamAV
  // counts some formats its own way; the parsers follow it).
  uint64_t known_viruses = 0;
};

}  // namespace vigil::sigs

#endif  // VIGIL_SIGS_IR_H_

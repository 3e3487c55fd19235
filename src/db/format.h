// The compiled database file format (docs/database-format.md).
//
// One file, little-endian, made of a header and sections. Every record is a
// fixed-size POD struct read in place from the mmapped file, so opening a
// database is an mmap plus bounds checks: no parsing, no copying. Pattern
// databases (Vectorscan) are stored as ready-to-use images at page-aligned
// offsets, so they are used in place too (see db/pattern_image.h).
//
// Layout:
//   FileHeader (kHeaderSize bytes, zero padded)
//   sections, each 8-byte aligned (pattern images 4096-byte aligned),
//   described by the SectionEntry table that follows the header fields.
//
// All offsets are from the start of the file unless the field says
// otherwise. A reader must validate every offset and count before use
// (db/reader.cc does, once, at open).
#ifndef VIGIL_DB_FORMAT_H_
#define VIGIL_DB_FORMAT_H_

#include <cstdint>

namespace vigil::db {

inline constexpr char kMagic[8] = {'V', 'I', 'G', 'I', 'L', 'D', 'B', '\0'};
inline constexpr uint32_t kFormatVersion = 2;
inline constexpr uint32_t kHeaderSize = 4096;
inline constexpr uint32_t kPageAlign = 4096;
inline constexpr uint32_t kMaxSections = 96;
inline constexpr int kTargetCount = 15;  // ClamAV target types 0..14

enum class SectionId : uint32_t {
  kMeta = 1,           // MetaRecord
  kStrings = 2,        // bytes; names are (offset, length) into it
  kHashes = 3,         // HashTableHeader + HashEntry[], one per (scope, algo)
  kAllow = 4,          // same layout as kHashes: the .fp/.sfp allow list
  kPatternSigs = 5,    // PatternSigRecord[]
  kInsns = 6,          // Insn[]: verification programs
  kLiterals = 7,       // bytes used by Insn kLiteralRun
  kByteSets = 8,       // ByteSetRecord[]
  kAlternations = 9,   // AlternationRecord[]
  kBranches = 10,      // BranchRecord[]
  kAnchorRefs = 11,    // AnchorRef[]: pattern-engine id -> pattern sigs
  kAnchorIndex = 12,   // AnchorIndexRecord[] per target: id -> AnchorRef range
  kFixedSigs = 13,     // FixedGroupRecord[] + u32 sig ids: fixed-offset sigs
  kFixedIds = 14,      // uint32_t[]
  kLogicalSigs = 15,   // LogicalRecord[]
  kExprOps = 16,       // ExprOp[]
  kSubsigs = 17,       // SubsigRecord[]
  kPcres = 18,         // PcreRecord[]
  kByteCompares = 19,  // ByteCompareRecord[]
  kZeroTrue = 20,      // uint32_t[]: logical sigs true with no match at all
  kFixedKeys = 21,     // FixedKeyRecord[]
  // Pattern-engine images, one per target type: kPatternDb + target.
  kPatternDb = 64,
};

struct SectionEntry {
  uint32_t id;
  uint32_t reserved;
  uint64_t offset;
  uint64_t size;
};

struct FileHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t header_size;
  uint64_t file_size;
  char engine_version[32];        // NUL-terminated
  char pattern_engine[96];        // hs_version(), NUL-terminated
  char cpu_features[64];          // e.g. "avx2,avx512" NUL-terminated
  uint64_t hs_platform_features;  // hs_platform_info.cpu_features
  uint32_t hs_platform_tune;
  uint32_t section_count;
  uint8_t content_hash[32];  // SHA-256 of bytes [header_size, file_size)
  uint8_t reserved[64];
  SectionEntry sections[kMaxSections];
};
static_assert(sizeof(FileHeader) <= kHeaderSize);

struct StringRef {
  uint32_t offset;
  uint32_t length;
};

// MetaRecord::flags.
// A target-7 pattern has an offset relative to the end (`EOF-n`): ClamAV
// then scans the normalised text of every text object as an object of its
// own (its FileSize: is the normalised size) and evaluates the target-0 and
// target-7 logical signatures once more without any match
// (docs/matching-semantics.md, "Normalised text as an object").
inline constexpr uint32_t kMetaTextAsObject = 1u << 0;

struct MetaRecord {
  uint64_t known_viruses;
  uint64_t hash_signatures;
  uint64_t body_signatures;
  uint64_t logical_signatures;
  uint64_t allow_entries;
  uint64_t pattern_count;
  uint32_t daily_version;
  uint32_t max_anchor_length;  // longest pattern-engine match, for chunking
  int64_t daily_build_time;
  // Per target type: the pattern-engine ids of that target's pattern
  // database index kAnchorIndex[anchor_first[t] + id].
  uint32_t anchor_first[16];
  uint32_t anchor_count[16];
  // Longest fixed-width part of a target-7 pattern (ClamAV's maxpatlen of
  // its text matcher, which decides where text normalisation restarts).
  uint32_t max_text_pattern_length;
  uint32_t flags;  // kMeta* bits
  uint64_t reserved[8];
};

// ---------------------------------------------------------------- hashes

// ClamAV limits hash signature sizes to 32 bits (4294967294).
inline constexpr uint64_t kMaxHashSize = 0xfffffffeull;

// One hash table: entries sorted by (size, digest), the entries of '*'
// (any size) last. The entries are followed by an index of the table's
// distinct sizes (SizeIndexRecord, sorted): whether an object's size has a
// signature at all is decided there, in a small array, before any digest is
// computed, and a lookup then reads only the entries of that one size. The
// index is followed by a fence: the size of every kFenceStride-th record
// (uint32_t), so that a lookup reads the small fence and one block of the
// index instead of binary-searching across all of it (pages of a mapped
// file come in large units).
struct HashTableHeader {
  uint8_t scope;  // sigs::HashScope
  uint8_t algo;   // core::HashAlgo
  uint16_t reserved;
  uint32_t count;
  uint32_t any_size_count;
  uint32_t size_count;
};

struct HashEntry {
  uint8_t digest[32];  // MD5/SHA1 zero padded
  StringRef name;
};

inline constexpr uint32_t kFenceStride = 256;

// The entries of `size` are [first, next record's first), the last
// record's run ending where the '*' entries begin.
struct SizeIndexRecord {
  uint32_t size;
  uint32_t first;
};

// ---------------------------------------------------------------- patterns

// Verification program instructions. A program is a run of Insns matched in
// one direction (forward for the part right of the anchor, backward, with
// the instructions in reverse order, for the part left of it).
enum class Op : uint8_t {
  kLiteralRun = 1,   // arg = offset into kLiterals, arg2 = length
  kMasked = 2,       // value, mask: (byte & mask) == value
  kAnyRun = 3,       // arg = count of arbitrary bytes
  kSet = 4,          // arg = ByteSetRecord index
  kGap = 5,          // arg = min, arg2 = max (kUnbounded)
  kAlternation = 6,  // arg = AlternationRecord index
  kBoundary = 7,     // value = sigs::BoundaryKind, mask = BoundaryEdge
  kNocaseRun = 8,    // arg/arg2 as kLiteralRun, ASCII case-insensitive
};
inline constexpr uint32_t kUnbounded = 0xffffffffu;

// Where a boundary stands in its part decides how it matches
// (docs/matching-semantics.md 2.3).
enum class BoundaryEdge : uint8_t {
  kConsume = 0,     // inside a part: consumes one byte ("\r\n" for (L))
  kLookbehind = 1,  // first in a part: looks at the byte before
  kLookahead = 2,   // last in a part: looks at the byte after
};

struct Insn {
  uint8_t op;
  uint8_t value;
  uint8_t mask;
  uint8_t reserved;
  uint32_t arg;
  uint32_t arg2;
};

struct ByteSetRecord {
  uint64_t bits[4];
};

struct AlternationRecord {
  uint8_t negated;
  uint8_t reserved[3];
  uint32_t first_branch;  // index into kBranches
  uint32_t branch_count;
  uint32_t fixed_length;  // common branch length, kUnbounded if variable
};

// A branch is a forward program; its reversed twin is used when matching
// backwards.
struct BranchRecord {
  uint32_t insn;  // forward program
  uint32_t insn_count;
  uint32_t rev_insn;  // the same, reversed
  uint32_t rev_insn_count;
};

// Where a pattern signature's match may start.
enum class OffsetKind : uint8_t {
  kAny = 0,
  kAbsolute = 1,
  kEofMinus = 2,
  kExecutable = 3,  // EP/section relative: needs executable info (not yet)
  kNever = 4,       // macro-group members: never alert by themselves
};

// Flags of a PatternSigRecord.
enum PatternSigFlags : uint16_t {
  kFlagFullword = 1,      // ::f: no alphanumeric byte right before or after
  kFlagRecordStarts = 2,  // keep the last match (byte-compare trigger)
  kFlagWide = 4,          // the ::w form (::f then looks for wide characters)
};

// `aa[x-y]HEXSIG` / `HEXSIG[x-y]aa`: a byte that must stand x..y bytes
// before (kLeft) or after (kRight) the match, outside of it.
enum class ContextSide : uint8_t { kNone = 0, kLeft = 1, kRight = 2 };

// A body signature, or one variant (ascii / wide) of a logical subsig.
struct PatternSigRecord {
  StringRef name;   // plain body sigs; empty for subsigs
  int32_t logical;  // index of the owning logical sig, -1 if plain
  uint16_t subsig;  // subsig index within it
  uint16_t flags;
  uint8_t target;
  uint8_t offset_kind;   // OffsetKind
  uint8_t context_side;  // ContextSide
  uint8_t context_byte;
  uint32_t context_min, context_max;
  uint64_t offset_value;  // kAbsolute: n; kEofMinus: n
  uint64_t max_shift;
  // Program around the anchor: `left` runs backwards from the anchor's
  // start, `right` forwards from its end. Fixed-offset sigs have no anchor:
  // their whole program is in `right`, run from each allowed start.
  uint32_t left_insn, left_count;
  uint32_t right_insn, right_count;
  uint32_t anchor_insn, anchor_count;  // the anchor itself (forward)
  uint32_t anchor_length;              // bytes matched by the anchor
  // Fixed total length if every match has the same length, else kUnbounded.
  uint32_t fixed_length;
  uint32_t right_fixed_length;  // same for the right part
};

// Pattern-engine match id -> the pattern sigs using that anchor.
struct AnchorIndexRecord {
  uint32_t first_ref;  // into kAnchorRefs
  uint32_t ref_count;
};
struct AnchorRef {
  uint32_t pattern_sig;
};

// Fixed-offset signatures of one target, grouped by start position rule so
// that a scan only looks at one or a few offsets per group. Signatures that
// start with two literal bytes are found by those bytes (`keys`, sorted);
// the others (`ids`) are tried at every allowed start.
struct FixedGroupRecord {
  uint8_t target;
  uint8_t offset_kind;  // kAbsolute or kEofMinus
  uint8_t reserved[2];
  uint32_t first_id;  // into kFixedIds (pattern sig indexes)
  uint32_t count;
  uint32_t first_key;  // into kFixedKeys
  uint32_t key_count;
  uint32_t reserved2;
  uint64_t offset_value;
  uint64_t max_shift;
};
struct FixedKeyRecord {
  uint16_t key;  // first two bytes, big-endian: (b0 << 8) | b1
  uint16_t reserved;
  uint32_t pattern_sig;
};

// ---------------------------------------------------------------- logical

// Postfix expression over subsig counts (semantics:
// docs/matching-semantics.md section 4, matcher/logical_eval.cc).
enum class ExprOpCode : uint8_t {
  kLeaf = 1,  // arg = subsig index, with an optional count condition
  kAnd = 2,   // arg = operand count, with an optional count condition
  kOr = 3,
};
enum class CountOp : uint8_t { kNone = 0, kEq = 1, kGt = 2, kLt = 3 };
struct ExprOp {
  uint8_t code;
  uint8_t count_op;  // CountOp
  uint8_t reserved[2];
  uint32_t arg;
  uint32_t count;     // X of `=X`, `>X`, `<X`
  uint32_t distinct;  // Y of `,Y` (0: none)
};

enum LogicalFlags : uint32_t {
  kLogicalHasPcre = 1,
  kLogicalHasByteCompare = 2,
  kLogicalNeedsExec =
      4,                 // EntryPoint / NumberOfSections / IconGroup in the TDB
  kLogicalHasMacro = 8,  // macro subsigs: not matched yet
  kLogicalHasContainer = 16,
  kLogicalHasIntermediates = 32,
  kLogicalHasFileSize = 64,
  kLogicalUnsupported = 128,  // can never match in this version
};

struct LogicalRecord {
  StringRef name;
  uint32_t flags;
  uint8_t target;  // 0..14, or 255: any
  uint8_t reserved[3];
  uint64_t file_size_min, file_size_max;
  uint32_t expr_op, expr_count;
  uint32_t first_subsig, subsig_count;  // into kSubsigs
  StringRef container;                  // CL_TYPE_* or empty
  StringRef intermediates;              // "CL_TYPE_A>CL_TYPE_B" or empty
};

enum class SubsigKind : uint8_t {
  kPattern = 0,
  kPcre = 1,
  kByteCompare = 2,
  kMacro = 3,
  kUnsupported = 4,
};
struct SubsigRecord {
  uint8_t kind;
  uint8_t reserved[3];
  uint32_t index;  // kPcre: PcreRecord; kByteCompare: ByteCompareRecord
};

struct PcreRecord {
  StringRef regex;
  StringRef flags;
  uint32_t trigger_op, trigger_count;  // ExprOps of the trigger expression
  uint8_t offset_kind;                 // OffsetKind
  uint8_t reserved[7];
  uint64_t offset_value;
  uint64_t max_shift;
};

struct ByteCompareRecord {
  uint32_t trigger;  // subsig index
  uint8_t base;      // sigs::ByteCompare::Base
  uint8_t little_endian;
  uint8_t exact;
  uint8_t comparison_count;
  int64_t offset;
  uint32_t num_bytes;
  uint8_t ops[2];  // sigs::ByteCompare::Comparison::Op
  uint8_t reserved[2];
  uint64_t values[2];
};

}  // namespace vigil::db

#endif  // VIGIL_DB_FORMAT_H_

// Matcher: runs a compiled database over one buffer.
//
// One matching *pass* is one buffer (the raw object, or one of its
// normalised forms) with the set of target types whose signatures apply.
// A pass runs the pattern engine of each applicable target, verifies anchor
// hits, checks fixed-offset signatures, then evaluates the logical
// signatures it touched (logical signatures are evaluated per pass, as
// ClamAV does). Hash signatures are looked up separately, once per object.
//
// Matcher is immutable and shared; all per-scan state lives in a Scratch,
// one per thread.
#ifndef VIGIL_MATCHER_MATCHER_H_
#define VIGIL_MATCHER_MATCHER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/function_ref.h"
#include "core/hash.h"
#include "db/database_impl.h"
#include "matcher/verifier.h"
#include "vigil/bytes.h"
#include "vigil/status.h"

struct hs_scratch;
struct pcre2_real_match_data_8;

namespace vigil::matcher {

class PcreCache;

// Per-thread matching state for one database (Vectorscan scratch, the
// verifier, per-pass subsignature matches). Not thread-safe.
class Scratch {
 public:
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

 private:
  friend class Matcher;
  friend class PassRun;
  explicit Scratch(const db::DatabaseImpl& db);

  hs_scratch* hs_ = nullptr;
  uint16_t hs_targets_ = 0;  // bit t: hs_ can scan target t's database
  Verifier verifier_;
  std::vector<std::vector<uint64_t>> ends_;  // per global subsig index
  // Byte-compare triggers: the last match (greatest end, then start).
  std::vector<std::pair<uint64_t, uint64_t>> last_match_;
  std::vector<uint8_t> logical_touched_;
  std::vector<uint32_t> touched_;  // logical indexes
  pcre2_real_match_data_8* match_data_ = nullptr;
};

struct PassInput {
  ByteView data;
  uint16_t target_mask = 1;  // bit t: signatures of target type t apply
  uint64_t object_size = 0;  // size of the object (for FileSize:)
  // CL_TYPE_* name of the container the object came out of; empty for a
  // top-level object. `intermediates`: all containers, outermost first,
  // joined with '>'.
  std::string_view container;
  std::string_view intermediates;
  bool all_match = false;
  // Limits for PCRE subsignatures.
  uint32_t pcre_match_limit = 100000;
  uint32_t pcre_recmatch_limit = 2000;
  uint64_t pcre_max_file_size = 100ull << 20;
  // The pattern engine takes at most 4 GiB per call: larger buffers are
  // scanned in blocks of this size, overlapping by the longest anchor.
  // Smaller values bound the memory of mapped files (with `release`) and
  // test the block joins.
  uint64_t block_size = 1ull << 30;
  // Called with [begin, end) of `data` once the pattern engine is past it
  // (the scanner drops those pages of a mapped file); may be null.
  const core::FunctionRef<void(uint64_t, uint64_t)>* release = nullptr;
};

struct MatchResult {
  std::string_view name;
  enum class Kind : uint8_t { kHash, kBody, kLogical } kind;
};

class Matcher {
 public:
  explicit Matcher(const db::DatabaseImpl& db);
  ~Matcher();

  const db::DatabaseImpl& db() const { return db_; }

  // Creates per-thread state for this database.
  Result<std::unique_ptr<Scratch>> NewScratch() const;

  // Digests that must be computed for an object of `size` bytes: those of
  // algorithms with a signature of exactly that size or of any size.
  core::HashAlgoSet NeededHashes(uint64_t size) const;
  // Same, for the allow list (.fp/.sfp).
  core::HashAlgoSet NeededAllowHashes(uint64_t size) const;
  // Appends the names of file hash signatures matching the digests
  // (computed for at least NeededHashes(size)).
  void MatchHashes(uint64_t size, const core::MultiHasher& digests,
                   bool all_match, std::vector<MatchResult>* out) const;
  bool Allowed(uint64_t size, const core::MultiHasher& digests) const;

  // Runs one pass; appends detections (at most one unless all_match).
  // Returns false if the pattern engine failed (a note for the report).
  bool ScanPass(const PassInput& in, Scratch* scratch,
                std::vector<MatchResult>* out) const;

 private:
  friend class PassRun;
  const db::DatabaseImpl& db_;
  std::unique_ptr<PcreCache> pcre_;
  // Per target: [first, last) of db.fixed_groups() (they are sorted by target).
  std::array<std::pair<uint32_t, uint32_t>, db::kTargetCount> fixed_range_{};
  // Per (scope=file) hash table index by algorithm, or -1.
  std::array<int, core::kHashAlgoCount> file_table_{};
  std::array<int, core::kHashAlgoCount> allow_table_{};
};

}  // namespace vigil::matcher

#endif  // VIGIL_MATCHER_MATCHER_H_

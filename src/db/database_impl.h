// DatabaseImpl: a validated, read-only view of a compiled database.
//
// Constructed by Open()/FromImage() in reader.cc, which check the header and
// every offset, count and cross-reference once; afterwards accessors return
// spans over the mapped file without further checks. Thread-safe: immutable.
#ifndef VIGIL_DB_DATABASE_IMPL_H_
#define VIGIL_DB_DATABASE_IMPL_H_

#include <array>
#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapped_file.h"
#include "db/format.h"
#include "vigil/engine.h"

struct hs_database;

namespace vigil::db {

// One hash table of the file (see HashTableHeader).
struct HashTable {
  HashTableHeader header{};
  std::span<const HashEntry> entries;      // sorted, '*' sizes last
  std::span<const SizeIndexRecord> sizes;  // distinct sizes, sorted
  std::span<const uint32_t> fence;         // sizes[i * kFenceStride].size
};

class DatabaseImpl {
 public:
  // Validates `bytes` (which must stay alive and page aligned for the
  // lifetime of this object; `owner` keeps them alive).
  // `fd`, when >= 0, is the open file `bytes` maps; the object owns it.
  static Result<std::unique_ptr<DatabaseImpl>> Create(
      ByteView bytes, std::shared_ptr<void> owner, std::string path,
      bool mapped, int fd = -1);
  ~DatabaseImpl();
  DatabaseImpl(const DatabaseImpl&) = delete;
  DatabaseImpl& operator=(const DatabaseImpl&) = delete;

  const DatabaseInfo& info() const { return info_; }
  const MetaRecord& meta() const { return meta_; }

  // REQUIRES: `r` was validated at open (every StringRef but hash entries').
  std::string_view String(StringRef r) const {
    return {strings_.data() + r.offset, r.length};
  }
  // For references not validated at open: "" when out of range.
  std::string_view SafeString(StringRef r) const {
    if (r.offset > strings_.size() || r.length > strings_.size() - r.offset)
      return {};
    return String(r);
  }

  std::span<const HashTable> hash_tables() const { return hash_tables_; }
  std::span<const HashTable> allow_tables() const { return allow_tables_; }

  // Copies entries [first, first + count) of `t` (in range) into `out`.
  // A mapped database reads them with pread: entries are looked up at
  // random, a few per scanned object, and reading 40 bytes through the
  // mapping maps the whole page-cache folio around them (up to 2 MiB on
  // current kernels) into the resident set. pread copies from the page
  // cache without mapping anything.
  void ReadHashEntries(const HashTable& t, size_t first, size_t count,
                       HashEntry* out) const;

  // True when pattern signature `index` and its programs are well formed
  // (checked on first use, then remembered). Thread-safe.
  // REQUIRES before any record of pattern_sigs() is used.
  bool PatternSigUsable(uint32_t index) const;
  std::span<const PatternSigRecord> pattern_sigs() const {
    return pattern_sigs_;
  }
  std::span<const Insn> insns() const { return insns_; }
  const uint8_t* literals() const { return literals_.data(); }
  std::span<const ByteSetRecord> byte_sets() const { return byte_sets_; }
  std::span<const AlternationRecord> alternations() const {
    return alternations_;
  }
  std::span<const BranchRecord> branches() const { return branches_; }

  // Pattern-engine database of target `t`, or nullptr when it has none.
  const hs_database* pattern_db(int t) const { return pattern_dbs_[t]; }
  // Pattern sigs that use anchor `id` of target `t`.
  std::span<const AnchorRef> Anchor(int t, uint32_t id) const {
    const AnchorIndexRecord& r = anchor_index_[meta_.anchor_first[t] + id];
    return anchor_refs_.subspan(r.first_ref, r.ref_count);
  }
  uint32_t anchor_count(int t) const { return meta_.anchor_count[t]; }

  std::span<const FixedGroupRecord> fixed_groups() const {
    return fixed_groups_;
  }
  std::span<const uint32_t> fixed_ids() const { return fixed_ids_; }
  std::span<const FixedKeyRecord> fixed_keys() const { return fixed_keys_; }

  std::span<const LogicalRecord> logicals() const { return logicals_; }
  std::span<const ExprOp> expr_ops() const { return expr_ops_; }
  std::span<const SubsigRecord> subsigs() const { return subsigs_; }
  std::span<const PcreRecord> pcres() const { return pcres_; }
  std::span<const ByteCompareRecord> byte_compares() const {
    return byte_compares_;
  }
  std::span<const uint32_t> zero_true() const { return zero_true_; }

  // Drops the pages of the rarely used parts (names, hash entries) of a
  // mapped database from the resident set; they come back from the page
  // cache when next read. Thread-safe (the data never changes).
  void ReleaseColdPages() const;

 private:
  DatabaseImpl() = default;
  Status Validate();
  Status ValidateProgram(uint32_t first, uint32_t count, bool in_branch) const;
  bool CheckPatternSig(const PatternSigRecord& p) const;

  std::shared_ptr<void> owner_;
  ByteView bytes_;
  bool mapped_ = false;
  int fd_ = -1;                 // the mapped file, for ReadHashEntries
  std::vector<ByteView> cold_;  // sections ReleaseColdPages drops
  static constexpr int64_t kColdReleaseIntervalMs = 20;
  mutable std::atomic<int64_t> last_cold_release_ms_{0};
  const FileHeader* header_ = nullptr;
  DatabaseInfo info_;
  MetaRecord meta_{};
  std::string_view strings_;
  std::vector<HashTable> hash_tables_, allow_tables_;
  std::span<const PatternSigRecord> pattern_sigs_;
  std::span<const Insn> insns_;
  std::span<const uint8_t> literals_;
  std::span<const ByteSetRecord> byte_sets_;
  std::span<const AlternationRecord> alternations_;
  std::span<const BranchRecord> branches_;
  std::span<const AnchorRef> anchor_refs_;
  std::span<const AnchorIndexRecord> anchor_index_;
  std::span<const FixedGroupRecord> fixed_groups_;
  std::span<const uint32_t> fixed_ids_;
  std::span<const FixedKeyRecord> fixed_keys_;
  std::span<const LogicalRecord> logicals_;
  std::span<const ExprOp> expr_ops_;
  std::span<const SubsigRecord> subsigs_;
  std::span<const PcreRecord> pcres_;
  std::span<const ByteCompareRecord> byte_compares_;
  std::span<const uint32_t> zero_true_;
  std::array<const hs_database*, kTargetCount> pattern_dbs_{};
  // Per pattern signature: 0 not checked yet, 1 usable, 2 damaged.
  std::unique_ptr<std::atomic<uint8_t>[]> sig_state_;
};

}  // namespace vigil::db

#endif  // VIGIL_DB_DATABASE_IMPL_H_

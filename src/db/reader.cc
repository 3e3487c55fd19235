// Opening a compiled database: map, check the header, check every offset.
//
// Everything the scanner later dereferences without checks is validated
// here, once, so that a damaged or hostile file gives an error, never a
// crash (fuzz/targets/db_loader replays this).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "db/database_impl.h"
#include "db/pattern_image.h"
#include "sigs/ir.h"

namespace vigil::db {

namespace {

// A span of T over a section, if the section's size is a multiple of T.
template <typename T>
Status TypedSection(ByteView bytes, const SectionEntry* e,
                    std::span<const T>* out) {
  *out = {};
  if (e == nullptr) return Status::Ok();
  if (e->size % sizeof(T) != 0 || e->offset % alignof(T) != 0) {
    return Status::Corrupt("section " + std::to_string(e->id) +
                           " is misaligned");
  }
  *out =
      std::span<const T>(reinterpret_cast<const T*>(bytes.data() + e->offset),
                         e->size / sizeof(T));
  return Status::Ok();
}

bool InRange(uint64_t first, uint64_t count, uint64_t size) {
  return first <= size && count <= size - first;
}

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace

Result<std::unique_ptr<DatabaseImpl>> DatabaseImpl::Create(
    ByteView bytes, std::shared_ptr<void> owner, std::string path, bool mapped,
    int fd) {
  std::unique_ptr<DatabaseImpl> db(new DatabaseImpl());
  db->fd_ = fd;
  db->owner_ = std::move(owner);
  db->bytes_ = bytes;
  db->mapped_ = mapped;
  db->info_.path = std::move(path);
  VIGIL_RETURN_IF_ERROR(db->Validate());
  return db;
}

DatabaseImpl::~DatabaseImpl() {
  if (fd_ >= 0) ::close(fd_);
}

void DatabaseImpl::ReadHashEntries(const HashTable& t, size_t first,
                                   size_t count, HashEntry* out) const {
  const size_t bytes = count * sizeof(HashEntry);
  const std::byte* src =
      reinterpret_cast<const std::byte*>(t.entries.data() + first);
  if (fd_ >= 0) {
    const auto offset = static_cast<off_t>(src - bytes_.data());
    size_t done = 0;
    while (done < bytes) {
      ssize_t n = ::pread(fd_, reinterpret_cast<char*>(out) + done,
                          bytes - done, offset + static_cast<off_t>(done));
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        break;  // read error: the mapping has the same bytes
      }
    }
    if (done == bytes) return;
  }
  std::memcpy(out, src, bytes);
}

Status DatabaseImpl::Validate() {
  if (bytes_.size() < sizeof(FileHeader) ||
      std::memcmp(bytes_.data(), kMagic, sizeof(kMagic)) != 0) {
    return Status::Corrupt(info_.path + ": not a vigil database");
  }
  header_ = reinterpret_cast<const FileHeader*>(bytes_.data());
  const FileHeader& h = *header_;
  if (h.format_version != kFormatVersion) {
    return Status::Unsupported(info_.path + ": database format version " +
                               std::to_string(h.format_version) +
                               " (this vigil reads version " +
                               std::to_string(kFormatVersion) + ")");
  }
  if (h.file_size != bytes_.size() || h.header_size != kHeaderSize ||
      h.section_count > kMaxSections) {
    return Status::Corrupt(info_.path + ": truncated or damaged header");
  }
  auto cstr = [](const char* s, size_t cap) {
    return std::string(s, strnlen(s, cap));
  };
  info_.format_version = h.format_version;
  info_.engine_version = cstr(h.engine_version, sizeof(h.engine_version));
  info_.pattern_engine = cstr(h.pattern_engine, sizeof(h.pattern_engine));
  info_.cpu_features = cstr(h.cpu_features, sizeof(h.cpu_features));
  info_.content_hash = core::ToHex(h.content_hash, sizeof(h.content_hash));
  info_.file_size = h.file_size;

  std::array<const SectionEntry*, 256> by_id{};
  for (uint32_t i = 0; i < h.section_count; ++i) {
    const SectionEntry& e = h.sections[i];
    if (e.offset < kHeaderSize || !InRange(e.offset, e.size, bytes_.size()) ||
        e.id >= by_id.size() || by_id[e.id] != nullptr) {
      return Status::Corrupt(info_.path + ": bad section table");
    }
    by_id[e.id] = &e;
  }
  auto section = [&](SectionId id) { return by_id[static_cast<uint32_t>(id)]; };
  if (const SectionEntry* e = section(SectionId::kStrings)) {
    cold_.push_back(bytes_.subspan(e->offset, e->size));
  }

  std::span<const MetaRecord> meta;
  VIGIL_RETURN_IF_ERROR(TypedSection(bytes_, section(SectionId::kMeta), &meta));
  if (meta.size() != 1) return Status::Corrupt(info_.path + ": no meta record");
  meta_ = meta[0];
  std::span<const char> strings;
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kStrings), &strings));
  strings_ = std::string_view(strings.data(), strings.size());

  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kPatternSigs), &pattern_sigs_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kInsns), &insns_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kLiterals), &literals_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kByteSets), &byte_sets_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kAlternations), &alternations_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kBranches), &branches_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kAnchorRefs), &anchor_refs_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kAnchorIndex), &anchor_index_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kFixedSigs), &fixed_groups_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kFixedIds), &fixed_ids_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kFixedKeys), &fixed_keys_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kLogicalSigs), &logicals_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kExprOps), &expr_ops_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kSubsigs), &subsigs_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kPcres), &pcres_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kByteCompares), &byte_compares_));
  VIGIL_RETURN_IF_ERROR(
      TypedSection(bytes_, section(SectionId::kZeroTrue), &zero_true_));

  auto bad = [&](const char* what) {
    return Status::Corrupt(info_.path + ": bad " + what);
  };
  auto string_ok = [&](StringRef r) {
    return InRange(r.offset, r.length, strings_.size());
  };

  // Hash tables: a sequence of (HashTableHeader, HashEntry[count]).
  for (auto [id, out] : {std::pair{SectionId::kHashes, &hash_tables_},
                         std::pair{SectionId::kAllow, &allow_tables_}}) {
    const SectionEntry* e = section(id);
    if (e == nullptr) continue;
    uint64_t pos = e->offset;
    const uint64_t end = e->offset + e->size;
    while (pos < end) {
      if (end - pos < sizeof(HashTableHeader)) return bad("hash table");
      HashTable t;
      std::memcpy(&t.header, bytes_.data() + pos, sizeof(t.header));
      pos += sizeof(HashTableHeader);
      if (t.header.algo >= core::kHashAlgoCount || t.header.scope > 2 ||
          t.header.any_size_count > t.header.count ||
          (end - pos) / sizeof(HashEntry) < t.header.count) {
        return bad("hash table");
      }
      t.entries = std::span<const HashEntry>(
          reinterpret_cast<const HashEntry*>(bytes_.data() + pos),
          t.header.count);
      pos += uint64_t{t.header.count} * sizeof(HashEntry);
      if ((end - pos) / sizeof(SizeIndexRecord) < t.header.size_count)
        return bad("hash table");
      t.sizes = std::span<const SizeIndexRecord>(
          reinterpret_cast<const SizeIndexRecord*>(bytes_.data() + pos),
          t.header.size_count);
      pos += uint64_t{t.header.size_count} * sizeof(SizeIndexRecord);
      const uint64_t fence_count =
          (uint64_t{t.header.size_count} + kFenceStride - 1) / kFenceStride;
      if ((end - pos) / sizeof(uint32_t) < fence_count)
        return bad("hash table");
      t.fence = std::span<const uint32_t>(
          reinterpret_cast<const uint32_t*>(bytes_.data() + pos), fence_count);
      pos += fence_count * sizeof(uint32_t);
      pos = (pos + 7) / 8 * 8;  // the next table starts 8-byte aligned
      // The entries are read only for objects whose size some signature
      // has; the size index and fence stay resident.
      cold_.push_back(
          ByteView(reinterpret_cast<const std::byte*>(t.entries.data()),
                   t.entries.size_bytes()));
      // Size records and entry names are checked where a lookup uses them
      // (EntriesOfSize, SafeString): checking a million of them here would
      // read every page of the table.
      out->push_back(t);
    }
  }

  for (const AlternationRecord& a : alternations_) {
    if (!InRange(a.first_branch, a.branch_count, branches_.size()) ||
        a.branch_count == 0) {
      return bad("alternation");
    }
  }
  for (const BranchRecord& b : branches_) {
    VIGIL_RETURN_IF_ERROR(ValidateProgram(b.insn, b.insn_count, true));
    VIGIL_RETURN_IF_ERROR(ValidateProgram(b.rev_insn, b.rev_insn_count, true));
  }
  // Pattern signatures and their programs are checked on first use
  // (PatternSigUsable): a large database has a hundred thousand of them,
  // and a scan touches a few.
  sig_state_ = std::make_unique<std::atomic<uint8_t>[]>(pattern_sigs_.size());
  for (const AnchorIndexRecord& r : anchor_index_) {
    if (!InRange(r.first_ref, r.ref_count, anchor_refs_.size())) {
      return bad("anchor index");
    }
  }
  for (const FixedGroupRecord& g : fixed_groups_) {
    if (!InRange(g.first_id, g.count, fixed_ids_.size()) ||
        !InRange(g.first_key, g.key_count, fixed_keys_.size()) ||
        g.target >= kTargetCount) {
      return bad("fixed-offset group");
    }
  }
  for (const FixedKeyRecord& k : fixed_keys_) {
    if (k.pattern_sig >= pattern_sigs_.size()) return bad("fixed-offset key");
  }
  for (uint32_t id : fixed_ids_) {
    if (id >= pattern_sigs_.size()) return bad("fixed-offset signature");
  }
  for (const LogicalRecord& l : logicals_) {
    if (!string_ok(l.name) || !string_ok(l.container) ||
        (l.target >= kTargetCount && l.target != 255) ||
        !string_ok(l.intermediates) ||
        !InRange(l.expr_op, l.expr_count, expr_ops_.size()) ||
        !InRange(l.first_subsig, l.subsig_count, subsigs_.size()) ||
        l.subsig_count > 64 || l.expr_count == 0) {
      return bad("logical signature");
    }
    for (const ExprOp& op : expr_ops_.subspan(l.expr_op, l.expr_count)) {
      if (op.code == static_cast<uint8_t>(ExprOpCode::kLeaf) &&
          op.arg >= l.subsig_count) {
        return bad("logical expression");
      }
    }
  }
  for (const SubsigRecord& s : subsigs_) {
    if ((s.kind == static_cast<uint8_t>(SubsigKind::kPcre) &&
         s.index >= pcres_.size()) ||
        (s.kind == static_cast<uint8_t>(SubsigKind::kByteCompare) &&
         s.index >= byte_compares_.size())) {
      return bad("subsignature");
    }
  }
  for (const PcreRecord& p : pcres_) {
    if (!string_ok(p.regex) || !string_ok(p.flags) ||
        !InRange(p.trigger_op, p.trigger_count, expr_ops_.size())) {
      return bad("pcre subsignature");
    }
    for (const ExprOp& op : expr_ops_.subspan(p.trigger_op, p.trigger_count)) {
      if (op.code == static_cast<uint8_t>(ExprOpCode::kLeaf) && op.arg >= 64) {
        return bad("pcre trigger");
      }
    }
  }
  for (const ByteCompareRecord& b : byte_compares_) {
    if (b.comparison_count > 2 || b.num_bytes > 64) return bad("byte compare");
  }
  for (uint32_t id : zero_true_) {
    if (id >= logicals_.size()) return bad("logical index");
  }

  // Anchor index ranges and pattern databases per target.
  const HostPlatform host = CurrentPlatform();
  const bool engine_matches = info_.pattern_engine == PatternEngineVersion();
  for (int t = 0; t < kTargetCount; ++t) {
    if (!InRange(meta_.anchor_first[t], meta_.anchor_count[t],
                 anchor_index_.size())) {
      return bad("anchor table");
    }
    const SectionEntry* e =
        by_id[static_cast<uint32_t>(SectionId::kPatternDb) + t];
    if (e == nullptr) continue;
    if (!engine_matches) {
      return Status::Unsupported(info_.path + ": compiled with " +
                                 info_.pattern_engine + "; this vigil uses " +
                                 PatternEngineVersion() +
                                 " (recompile the database)");
    }
    if ((h.hs_platform_features & ~host.cpu_features) != 0) {
      return Status::Unsupported(info_.path + ": compiled for CPU features " +
                                 info_.cpu_features + " that this CPU lacks (" +
                                 host.feature_names +
                                 "); recompile the database");
    }
    auto db = UsePatternImage(bytes_.subspan(e->offset, e->size));
    if (!db.ok())
      return Status::Corrupt(info_.path + ": " + db.status().message());
    pattern_dbs_[t] = *db;
    info_.pattern_bytes += e->size;
  }

  info_.signatures = meta_.known_viruses;
  info_.hash_signatures = meta_.hash_signatures;
  info_.body_signatures = meta_.body_signatures;
  info_.logical_signatures = meta_.logical_signatures;
  info_.allow_entries = meta_.allow_entries;
  info_.pattern_count = meta_.pattern_count;
  info_.daily_version = meta_.daily_version;
  info_.daily_build_time = meta_.daily_build_time;
  return Status::Ok();
}

bool DatabaseImpl::CheckPatternSig(const PatternSigRecord& p) const {
  auto string_ok = [&](StringRef r) {
    return InRange(r.offset, r.length, strings_.size());
  };
  if (!string_ok(p.name) || p.target >= kTargetCount ||
      p.offset_kind > static_cast<uint8_t>(OffsetKind::kNever) ||
      p.context_side > static_cast<uint8_t>(ContextSide::kRight) ||
      (p.logical >= 0 &&
       (static_cast<uint64_t>(p.logical) >= logicals_.size() ||
        p.subsig >= logicals_[static_cast<size_t>(p.logical)].subsig_count))) {
    return false;
  }
  return ValidateProgram(p.left_insn, p.left_count, false).ok() &&
         ValidateProgram(p.right_insn, p.right_count, false).ok() &&
         ValidateProgram(p.anchor_insn, p.anchor_count, false).ok();
}

bool DatabaseImpl::PatternSigUsable(uint32_t index) const {
  if (index >= pattern_sigs_.size()) return false;
  std::atomic<uint8_t>& state = sig_state_[index];
  uint8_t s = state.load(std::memory_order_acquire);
  if (s == 0) {
    // Two threads may check the same record at once; both get the same answer.
    s = CheckPatternSig(pattern_sigs_[index]) ? 1 : 2;
    state.store(s, std::memory_order_release);
  }
  return s == 1;
}

void DatabaseImpl::ReleaseColdPages() const {
  if (!mapped_) return;
  // At most every kColdReleaseInterval: each call costs a system call per
  // part and, with several threads, TLB shootdowns.
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_cold_release_ms_.load(std::memory_order_relaxed);
  if (now - last < kColdReleaseIntervalMs ||
      !last_cold_release_ms_.compare_exchange_strong(last, now)) {
    return;
  }
  for (ByteView part : cold_) core::ReleasePages(part);
}

Status DatabaseImpl::ValidateProgram(uint32_t first, uint32_t count,
                                     bool in_branch) const {
  if (!InRange(first, count, insns_.size())) {
    return Status::Corrupt(info_.path + ": bad program range");
  }
  for (const Insn& in : insns_.subspan(first, count)) {
    bool ok = true;
    switch (static_cast<Op>(in.op)) {
      case Op::kLiteralRun:
      case Op::kNocaseRun:
        ok = in.arg2 > 0 && InRange(in.arg, in.arg2, literals_.size());
        break;
      case Op::kMasked:
      case Op::kAnyRun:
        break;
      case Op::kSet:
        ok = in.arg < byte_sets_.size();
        break;
      case Op::kGap:
        ok = in.arg <= in.arg2 && !(in_branch && in.arg2 == kUnbounded);
        break;
      case Op::kAlternation:
        ok = !in_branch && in.arg < alternations_.size();
        break;
      case Op::kBoundary:
        ok = in.value <= static_cast<uint8_t>(sigs::BoundaryKind::kNonAlnum) &&
             in.mask <= static_cast<uint8_t>(BoundaryEdge::kLookahead);
        break;
      default:
        ok = false;
    }
    if (!ok) return Status::Corrupt(info_.path + ": bad program instruction");
  }
  return Status::Ok();
}

}  // namespace vigil::db

namespace vigil {

Database::Database(std::unique_ptr<db::DatabaseImpl> impl)
    : impl_(std::move(impl)) {}
Database::~Database() = default;
const DatabaseInfo& Database::info() const { return impl_->info(); }

Result<std::shared_ptr<const Database>> Database::Open(
    const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return core::ErrnoStatus(errno, path);
  auto view = core::FileView::FromFd(fd, 1, core::FileView::Access::kRandom);
  if (!view.ok() || !view->mapped()) {
    ::close(fd);
    if (!view.ok())
      return Status(view.status().code(),
                    path + ": " + view.status().message());
    // Too small to be mapped or not mappable: fall back to an aligned copy.
    ByteView bytes = view->bytes();
    std::vector<std::byte> copy(bytes.begin(), bytes.end());
    return FromImage(std::move(copy));
  }
  auto owner = std::make_shared<core::FileView>(std::move(view).value());
  ByteView bytes = owner->bytes();
  // Create owns fd from here, also when validation fails.
  auto impl = db::DatabaseImpl::Create(bytes, owner, path, true, fd);
  if (!impl.ok()) return impl.status();
  return std::shared_ptr<const Database>(new Database(std::move(impl).value()));
}

Result<std::shared_ptr<const Database>> Database::FromImage(
    std::vector<std::byte> image) {
  const size_t padded =
      (image.size() + db::kPageAlign - 1) / db::kPageAlign * db::kPageAlign +
      db::kPageAlign;
  std::shared_ptr<void> owner(std::aligned_alloc(db::kPageAlign, padded),
                              db::AlignedFree());
  if (!owner) return Status::Internal("out of memory");
  if (!image.empty()) std::memcpy(owner.get(), image.data(), image.size());
  ByteView bytes(static_cast<const std::byte*>(owner.get()), image.size());
  auto impl = db::DatabaseImpl::Create(bytes, owner, "(memory)", false);
  if (!impl.ok()) return impl.status();
  return std::shared_ptr<const Database>(new Database(std::move(impl).value()));
}

}  // namespace vigil

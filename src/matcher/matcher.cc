#include "matcher/matcher.h"

#include <hs/hs.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>

#include "db/expr_eval.h"
#include "matcher/logical_eval.h"
#include "matcher/verifier.h"
#include "sigs/ir.h"
#include "sigs/pcre_flags.h"

namespace vigil::matcher {

namespace {

// Ends kept per subsignature and pass; counts saturate beyond it.
constexpr size_t kMaxEndsPerSubsig = 1 << 16;

int TableFor(std::span<const db::HashTable> tables, int algo) {
  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i].header.scope == 0 && tables[i].header.algo == algo) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Index range [begin, end) of the entries of `t` with exactly this size
// (`any`: the '*' entries instead); empty when there are none. Reads only
// the resident size index.
struct EntryRange {
  size_t begin = 0, end = 0;
  bool empty() const { return begin >= end; }
};
EntryRange EntriesOfSize(const db::HashTable& t, uint64_t size, bool any) {
  const size_t sized = t.entries.size() - t.header.any_size_count;
  if (any) return {sized, t.entries.size()};
  if (size > db::kMaxHashSize) return {};
  const auto s32 = static_cast<uint32_t>(size);
  // The fence says which block of the index can hold `size`.
  const auto block = static_cast<size_t>(
      std::upper_bound(t.fence.begin(), t.fence.end(), s32) - t.fence.begin());
  if (block == 0) return {};
  const size_t lo = (block - 1) * db::kFenceStride;
  const size_t hi = std::min<size_t>(block * db::kFenceStride, t.sizes.size());
  auto first = t.sizes.begin() + static_cast<std::ptrdiff_t>(lo);
  auto last = t.sizes.begin() + static_cast<std::ptrdiff_t>(hi);
  auto it = std::lower_bound(
      first, last, s32,
      [](const db::SizeIndexRecord& r, uint32_t v) { return r.size < v; });
  if (it == last || it->size != s32) return {};
  const size_t begin = it->first;
  const size_t end = it + 1 != t.sizes.end() ? (it + 1)->first : sized;
  // Not validated at open (see reader.cc): a damaged record finds nothing.
  if (begin > end || end > sized) return {};
  return {begin, end};
}

bool HasSize(const db::HashTable& t, uint64_t size) {
  return t.header.any_size_count > 0 || !EntriesOfSize(t, size, false).empty();
}

// Calls on_entry(entry) for each entry of `t` equal to (size, digest).
// Entries are read with DatabaseImpl::ReadHashEntries: a binary search by
// single-entry reads narrows the range to a window, read at once.
template <typename OnEntry>
void Find(const db::DatabaseImpl& db, const db::HashTable& t, uint64_t size,
          bool any, const core::Digest& d, OnEntry on_entry) {
  constexpr size_t kWindow = 32;
  const EntryRange range = EntriesOfSize(t, size, any);
  auto cmp = [&](const db::HashEntry& e) {
    return std::memcmp(e.digest, d.data(), sizeof(e.digest));
  };
  size_t lo = range.begin;
  size_t count = range.end - range.begin;
  db::HashEntry probe;
  while (count > kWindow) {  // lower bound of the digest in [lo, lo + count]
    const size_t step = count / 2;
    db.ReadHashEntries(t, lo + step, 1, &probe);
    if (cmp(probe) < 0) {
      lo += step + 1;
      count -= step + 1;
    } else {
      count = step;
    }
  }
  // The equal run starts in [lo, lo + count] and may continue past it.
  std::array<db::HashEntry, kWindow> window;
  for (size_t pos = lo; pos < range.end;) {
    const size_t n = std::min(kWindow, range.end - pos);
    db.ReadHashEntries(t, pos, n, window.data());
    for (size_t i = 0; i < n; ++i) {
      const int c = cmp(window[i]);
      if (c > 0) return;
      if (c == 0 && !on_entry(window[i])) return;
    }
    pos += n;
  }
}

}  // namespace

// ---------------------------------------------------------------- PCRE

// Regexes of PCRE subsignatures, compiled (and JIT-compiled) on first use.
class PcreCache {
 public:
  explicit PcreCache(const db::DatabaseImpl& db)
      : db_(db), codes_(db.pcres().size()), failed_(db.pcres().size(), 0) {}
  ~PcreCache() {
    for (auto& c : codes_) pcre2_code_free(c.load());
  }
  // nullptr if the regex does not compile (the subsig then never matches).
  const pcre2_code* Get(uint32_t index) {
    if (pcre2_code* c = codes_[index].load(std::memory_order_acquire)) return c;
    std::lock_guard<std::mutex> lock(mu_);
    if (pcre2_code* c = codes_[index].load()) return c;
    if (failed_[index]) return nullptr;
    const db::PcreRecord& r = db_.pcres()[index];
    std::string_view re = db_.String(r.regex);
    const uint32_t options = sigs::PcreCompileOptions(db_.String(r.flags));
    int err = 0;
    PCRE2_SIZE err_off = 0;
    pcre2_code* c = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(re.data()),
                                  re.size(), options, &err, &err_off, nullptr);
    if (!c) {
      failed_[index] = 1;
      return nullptr;
    }
    pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
    codes_[index].store(c, std::memory_order_release);
    return c;
  }

 private:
  const db::DatabaseImpl& db_;
  std::mutex mu_;
  std::vector<std::atomic<pcre2_code*>> codes_;
  std::vector<uint8_t> failed_;  // guarded by mu_
};

// ---------------------------------------------------------------- Scratch

Scratch::Scratch(const db::DatabaseImpl& db) : verifier_(db) {
  ends_.resize(db.subsigs().size());
  last_match_.resize(db.subsigs().size());
  logical_touched_.assign(db.logicals().size(), 0);
}

Scratch::~Scratch() {
  if (hs_) hs_free_scratch(hs_);
  if (match_data_) pcre2_match_data_free(match_data_);
}

// ---------------------------------------------------------------- Matcher

Matcher::Matcher(const db::DatabaseImpl& db)
    : db_(db), pcre_(std::make_unique<PcreCache>(db)) {
  auto groups = db.fixed_groups();
  for (int t = 0; t < db::kTargetCount; ++t) {
    uint32_t first = 0;
    while (first < groups.size() && groups[first].target < t) ++first;
    uint32_t last = first;
    while (last < groups.size() && groups[last].target == t) ++last;
    fixed_range_[t] = {first, last};
  }
  for (int a = 0; a < core::kHashAlgoCount; ++a) {
    file_table_[a] = TableFor(db.hash_tables(), a);
    allow_table_[a] = TableFor(db.allow_tables(), a);
  }
}

Matcher::~Matcher() = default;

Result<std::unique_ptr<Scratch>> Matcher::NewScratch() const {
  // The pattern-engine scratch grows on demand, one target's database at a
  // time (PassRun::ScanTarget): a scan of text never pays for PE patterns.
  std::unique_ptr<Scratch> s(new Scratch(db_));
  s->match_data_ = pcre2_match_data_create(1, nullptr);
  return s;
}

core::HashAlgoSet Matcher::NeededHashes(uint64_t size) const {
  core::HashAlgoSet set = 0;
  for (int a = 0; a < core::kHashAlgoCount; ++a) {
    if (file_table_[a] >= 0 &&
        HasSize(db_.hash_tables()[file_table_[a]], size)) {
      set |= core::AlgoBit(static_cast<core::HashAlgo>(a));
    }
  }
  return set;
}

core::HashAlgoSet Matcher::NeededAllowHashes(uint64_t size) const {
  core::HashAlgoSet set = 0;
  for (int a = 0; a < core::kHashAlgoCount; ++a) {
    if (allow_table_[a] >= 0 &&
        HasSize(db_.allow_tables()[allow_table_[a]], size)) {
      set |= core::AlgoBit(static_cast<core::HashAlgo>(a));
    }
  }
  return set;
}

void Matcher::MatchHashes(uint64_t size, const core::MultiHasher& digests,
                          bool all_match, std::vector<MatchResult>* out) const {
  for (int a = 0; a < core::kHashAlgoCount; ++a) {
    if (file_table_[a] < 0) continue;
    const db::HashTable& t = db_.hash_tables()[file_table_[a]];
    const core::Digest& d = digests.Get(static_cast<core::HashAlgo>(a));
    bool more = true;
    for (bool any : {false, true}) {
      Find(db_, t, size, any, d, [&](const db::HashEntry& e) {
        out->push_back({db_.SafeString(e.name), MatchResult::Kind::kHash});
        more = all_match;
        return more;
      });
      if (!more) return;
    }
  }
}

bool Matcher::Allowed(uint64_t size, const core::MultiHasher& digests) const {
  for (int a = 0; a < core::kHashAlgoCount; ++a) {
    if (allow_table_[a] < 0) continue;
    const db::HashTable& t = db_.allow_tables()[allow_table_[a]];
    const core::Digest& d = digests.Get(static_cast<core::HashAlgo>(a));
    bool found = false;
    for (bool any : {false, true}) {
      Find(db_, t, size, any, d, [&](const db::HashEntry&) {
        found = true;
        return false;
      });
    }
    if (found) return true;
  }
  return false;
}

// ---------------------------------------------------------------- one pass

class PassRun {
 public:
  PassRun(const Matcher& m, const PassInput& in, Scratch* s,
          std::vector<MatchResult>* out)
      : m_(m), db_(m.db_), in_(in), s_(s), out_(out), size_(in.data.size()) {
    s_->verifier_.Reset(in.data);
  }

  bool Run();

 private:
  static int OnAnchor(unsigned id, unsigned long long from,
                      unsigned long long to, unsigned flags, void* ctx);
  bool ScanTarget(int t);
  void CheckFixed(int t);
  // Verifies pattern sig `p` given its anchor ending at `to`; true = stop.
  bool VerifyAnchored(uint32_t p, uint64_t to);
  bool VerifyFrom(uint32_t p, uint64_t start);
  // Matches the right part from `from` and records each end.
  bool RightPart(uint32_t p, const db::PatternSigRecord& r, uint64_t start,
                 uint64_t from);
  bool StartRange(const db::PatternSigRecord& r, uint64_t* lo,
                  uint64_t* hi) const;
  bool FullwordStartOk(const db::PatternSigRecord& r, uint64_t start) const;
  bool FullwordEndOk(const db::PatternSigRecord& r, uint64_t end) const;
  bool ContextOk(const db::PatternSigRecord& r, uint64_t start,
                 uint64_t end) const;
  // Records a verified match ending at `end`; true = stop the pass.
  bool Record(uint32_t p, uint64_t start, uint64_t end);
  bool Report(std::string_view name, MatchResult::Kind kind);
  void EvaluateLogicals();
  bool LogicalMatches(uint32_t index);
  uint64_t PatternCount(uint32_t global_subsig);
  uint64_t RunPcre(const db::PcreRecord& pr, uint32_t pcre_index);
  bool ByteCompareHolds(const db::LogicalRecord& l,
                        const db::ByteCompareRecord& b);
  void Clear();

  const Matcher& m_;
  const db::DatabaseImpl& db_;
  const PassInput& in_;
  Scratch* s_;
  std::vector<MatchResult>* out_;
  const uint64_t size_;
  int target_ = 0;
  uint64_t accept_after_ =
      0;  // chunked scans: hits ending at or before this were seen
  uint64_t chunk_base_ = 0;
  bool stop_ = false;
  bool engine_ok_ = true;
};

bool PassRun::Run() {
  for (int t = 0; t < db::kTargetCount && !stop_; ++t) {
    if (!(in_.target_mask & (1u << t))) continue;
    if (db_.pattern_db(t) != nullptr && !ScanTarget(t)) engine_ok_ = false;
    if (!stop_) CheckFixed(t);
  }
  if (!stop_) EvaluateLogicals();
  Clear();
  return engine_ok_;
}

bool PassRun::ScanTarget(int t) {
  target_ = t;
  if (!(s_->hs_targets_ & (1u << t))) {
    if (hs_alloc_scratch(db_.pattern_db(t), &s_->hs_) != HS_SUCCESS)
      return false;
    s_->hs_targets_ |= static_cast<uint16_t>(1u << t);
  }
  const uint64_t overlap = db_.meta().max_anchor_length;
  accept_after_ = 0;
  for (uint64_t base = 0; base < size_ || (base == 0 && size_ == 0);) {
    const uint64_t block = std::max<uint64_t>(in_.block_size, overlap + 1);
    const uint64_t len = std::min<uint64_t>(size_ - base, block + overlap);
    chunk_base_ = base;
    // An empty buffer (an HTML script pass: vigil has no JavaScript
    // normaliser yet) may have no address; Vectorscan rejects a null one.
    static const char kEmpty[1] = {};
    const char* at =
        size_ == 0 ? kEmpty
                   : reinterpret_cast<const char*>(in_.data.data() + base);
    hs_error_t rc = hs_scan(db_.pattern_db(t), at, static_cast<unsigned>(len),
                            0, s_->hs_, &PassRun::OnAnchor, this);
    if (rc == HS_SCAN_TERMINATED) return true;
    if (rc != HS_SUCCESS) return false;
    if (in_.release) (*in_.release)(base, base + len - std::min(len, overlap));
    if (base + len >= size_) break;
    accept_after_ = base + len;
    base = base + len - overlap;
  }
  return true;
}

int PassRun::OnAnchor(unsigned id, unsigned long long /*from*/,
                      unsigned long long to, unsigned /*flags*/, void* ctx) {
  auto* self = static_cast<PassRun*>(ctx);
  const uint64_t end = self->chunk_base_ + to;
  if (end <= self->accept_after_ || id >= self->db_.anchor_count(self->target_))
    return 0;
  for (const db::AnchorRef& ref : self->db_.Anchor(self->target_, id)) {
    if (self->VerifyAnchored(ref.pattern_sig, end)) {
      self->stop_ = true;
      return 1;
    }
  }
  return 0;
}

bool PassRun::StartRange(const db::PatternSigRecord& r, uint64_t* lo,
                         uint64_t* hi) const {
  switch (static_cast<db::OffsetKind>(r.offset_kind)) {
    case db::OffsetKind::kAny:
      *lo = 0;
      *hi = size_;
      return true;
    case db::OffsetKind::kAbsolute:
      *lo = r.offset_value;
      break;
    case db::OffsetKind::kEofMinus:
      if (r.offset_value > size_) return false;
      *lo = size_ - r.offset_value;
      break;
    default:
      return false;  // executable-relative (not yet) and macro members
  }
  *hi = *lo + r.max_shift;
  return *lo <= size_;
}

bool PassRun::FullwordStartOk(const db::PatternSigRecord& r,
                              uint64_t start) const {
  if (!(r.flags & db::kFlagFullword)) return true;
  const uint8_t* d = AsU8(in_.data);
  if (r.flags & db::kFlagWide) {
    // The wide form fails only next to a wide alphanumeric (alnum, 00).
    return !(start >= 2 && IsAlnum(d[start - 2]) && d[start - 1] == 0);
  }
  return start == 0 || !IsAlnum(d[start - 1]);
}

bool PassRun::FullwordEndOk(const db::PatternSigRecord& r, uint64_t end) const {
  if (!(r.flags & db::kFlagFullword)) return true;
  const uint8_t* d = AsU8(in_.data);
  if (r.flags & db::kFlagWide) {
    return !(end < size_ && IsAlnum(d[end]) &&
             (end + 1 >= size_ || d[end + 1] == 0));
  }
  return end >= size_ || !IsAlnum(d[end]);
}

bool PassRun::ContextOk(const db::PatternSigRecord& r, uint64_t start,
                        uint64_t end) const {
  const uint8_t* d = AsU8(in_.data);
  switch (static_cast<db::ContextSide>(r.context_side)) {
    case db::ContextSide::kNone:
      return true;
    case db::ContextSide::kLeft:
      for (uint64_t g = r.context_min; g <= r.context_max; ++g) {
        if (start >= g + 1 && d[start - g - 1] == r.context_byte) return true;
      }
      return false;
    case db::ContextSide::kRight:
      for (uint64_t g = r.context_min; g <= r.context_max; ++g) {
        if (end + g < size_ && d[end + g] == r.context_byte) return true;
      }
      return false;
  }
  return false;
}

bool PassRun::VerifyAnchored(uint32_t p, uint64_t to) {
  if (!db_.PatternSigUsable(p)) return false;
  const db::PatternSigRecord& r = db_.pattern_sigs()[p];
  if (r.logical < 0 && !in_.all_match && stop_) return true;
  uint64_t lo, hi;
  if (!StartRange(r, &lo, &hi) || to < r.anchor_length) return false;
  const uint64_t anchor_start = to - r.anchor_length;
  Verifier& v = s_->verifier_;
  if (!v.Forward(r.anchor_insn, r.anchor_count, anchor_start,
                 [&](size_t e) { return e == to; })) {
    return false;
  }
  // Left part: some start within [lo, hi].
  const bool left_context =
      r.context_side == static_cast<uint8_t>(db::ContextSide::kLeft);
  uint64_t start = anchor_start;
  bool have_start = false;
  v.Backward(r.left_insn, r.left_count, anchor_start, [&](size_t s) {
    if (s < lo || s > hi || !FullwordStartOk(r, s)) return false;
    if (left_context && !ContextOk(r, s, 0)) return false;
    start = s;
    have_start = true;
    return true;
  });
  if (!have_start) return false;
  return RightPart(p, r, start, to);
}

bool PassRun::RightPart(uint32_t p, const db::PatternSigRecord& r,
                        uint64_t start, uint64_t from) {
  const bool right_context =
      r.context_side == static_cast<uint8_t>(db::ContextSide::kRight);
  bool stop = false;
  s_->verifier_.Forward(r.right_insn, r.right_count, from, [&](size_t e) {
    if (!FullwordEndOk(r, e) || (right_context && !ContextOk(r, start, e)))
      return false;
    stop = Record(p, start, e);
    // A plain signature needs one end; a subsig wants every end.
    return stop || r.logical < 0;
  });
  return stop;
}

bool PassRun::VerifyFrom(uint32_t p, uint64_t start) {
  if (!db_.PatternSigUsable(p)) return false;
  const db::PatternSigRecord& r = db_.pattern_sigs()[p];
  if (!FullwordStartOk(r, start)) return false;
  if (r.context_side == static_cast<uint8_t>(db::ContextSide::kLeft) &&
      !ContextOk(r, start, 0)) {
    return false;
  }
  return RightPart(p, r, start, start);
}

void PassRun::CheckFixed(int t) {
  auto [first, last] = m_.fixed_range_[t];
  const uint8_t* d = AsU8(in_.data);
  for (const db::FixedGroupRecord& g :
       db_.fixed_groups().subspan(first, last - first)) {
    uint64_t lo;
    if (g.offset_kind == static_cast<uint8_t>(db::OffsetKind::kAbsolute)) {
      lo = g.offset_value;
    } else {
      if (g.offset_value > size_) continue;
      lo = size_ - g.offset_value;
    }
    if (lo >= size_) continue;
    const uint64_t hi = std::min<uint64_t>(size_ - 1, lo + g.max_shift);
    auto keyed = db_.fixed_keys().subspan(g.first_key, g.key_count);
    auto unkeyed = db_.fixed_ids().subspan(g.first_id, g.count);
    for (uint64_t start = lo; start <= hi; ++start) {
      if (start + 1 < size_ && !keyed.empty()) {
        const uint16_t key =
            static_cast<uint16_t>((d[start] << 8) | d[start + 1]);
        auto it = std::lower_bound(
            keyed.begin(), keyed.end(), key,
            [](const db::FixedKeyRecord& r, uint16_t k) { return r.key < k; });
        for (; it != keyed.end() && it->key == key; ++it) {
          if (VerifyFrom(it->pattern_sig, start)) {
            stop_ = true;
            return;
          }
        }
      }
      for (uint32_t id : unkeyed) {
        if (VerifyFrom(id, start)) {
          stop_ = true;
          return;
        }
      }
    }
  }
}

bool PassRun::Report(std::string_view name, MatchResult::Kind kind) {
  for (const MatchResult& m : *out_) {
    if (m.name == name) return !in_.all_match;
  }
  out_->push_back({name, kind});
  return !in_.all_match;
}

bool PassRun::Record(uint32_t p, uint64_t start, uint64_t end) {
  const db::PatternSigRecord& r = db_.pattern_sigs()[p];
  if (r.logical < 0)
    return Report(db_.String(r.name), MatchResult::Kind::kBody);
  const db::LogicalRecord& l = db_.logicals()[static_cast<size_t>(r.logical)];
  const size_t global = l.first_subsig + r.subsig;
  if (!s_->logical_touched_[static_cast<size_t>(r.logical)]) {
    s_->logical_touched_[static_cast<size_t>(r.logical)] = 1;
    s_->touched_.push_back(static_cast<uint32_t>(r.logical));
  }
  auto& ends = s_->ends_[global];
  if (ends.size() < kMaxEndsPerSubsig) ends.push_back(end);
  if (r.flags & db::kFlagRecordStarts) {
    s_->last_match_[global] =
        std::max(s_->last_match_[global], std::make_pair(end + 1, start));
  }
  return false;
}

uint64_t PassRun::PatternCount(uint32_t global) {
  auto& ends = s_->ends_[global];
  std::sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  return ends.size();
}

uint64_t PassRun::RunPcre(const db::PcreRecord& pr, uint32_t index) {
  if (size_ > in_.pcre_max_file_size) return 0;
  const pcre2_code* code = m_.pcre_->Get(index);
  if (code == nullptr) return 0;
  db::PatternSigRecord offset{};
  offset.offset_kind = pr.offset_kind;
  offset.offset_value = pr.offset_value;
  offset.max_shift = pr.max_shift;
  uint64_t lo = 0, hi = 0;
  if (!StartRange(offset, &lo, &hi)) return 0;
  // The subject starts at the first allowed offset (so `^` matches there).
  // An exact offset anchors every attempt unless `r`; a floating one
  // accepts matches starting within the shift, or with `e` lying in it.
  std::string_view flags = db_.String(pr.flags);
  auto has = [&](char f) { return flags.find(f) != std::string_view::npos; };
  const bool any = pr.offset_kind == static_cast<uint8_t>(db::OffsetKind::kAny);
  uint64_t end = size_;
  bool anchored = false;
  uint64_t last_start = ~0ull;
  if (!any && pr.max_shift == 0) {
    anchored = !has('r');
  } else if (!any && has('e')) {
    end = std::min<uint64_t>(size_, lo + pr.max_shift);
  } else if (!any) {
    last_start = pr.max_shift;
  }
  if (lo > end) return 0;
  pcre2_match_context* mctx = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(mctx, in_.pcre_match_limit);
  pcre2_set_depth_limit(mctx, in_.pcre_recmatch_limit);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(AsU8(in_.data) + lo);
  const size_t length = end - lo;
  const bool global = has('g');
  uint64_t count = 0;
  for (size_t pos = 0; pos <= length;) {
    int rc = pcre2_match(code, subject, length, pos,
                         anchored ? PCRE2_ANCHORED : 0, s_->match_data_, mctx);
    if (rc < 0) break;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(s_->match_data_);
    if (ov[0] > last_start) break;
    ++count;
    if (!global) break;
    pos = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
  }
  pcre2_match_context_free(mctx);
  return count;
}

namespace {

int DigitValue(uint8_t c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (!hex) return -1;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Text (h, d, a): the valid digits, at most n, are the value (0 when there
// are none); a big-endian exact read fails on fewer digits; little-endian
// hex reads complete digit pairs as bytes, least significant first.
std::optional<int64_t> TextValue(const db::ByteCompareRecord& b,
                                 const uint8_t* d, uint64_t size,
                                 uint64_t pos) {
  using Base = sigs::ByteCompare::Base;
  bool hex = static_cast<Base>(b.base) == Base::kHex;
  uint64_t n = b.num_bytes;
  if (static_cast<Base>(b.base) == Base::kAuto && pos + 1 < size &&
      d[pos] == '0' && (d[pos + 1] == 'x' || d[pos + 1] == 'X')) {
    hex = true;
    pos += 2;
    n = n >= 2 ? n - 2 : 0;
  }
  const bool little = hex && b.little_endian;
  std::vector<int> digits;
  while (digits.size() < n && pos + digits.size() < size) {
    const int v = DigitValue(d[pos + digits.size()], hex);
    if (v < 0) break;
    digits.push_back(v);
  }
  if (b.exact && !little && digits.size() != n) return std::nullopt;
  uint64_t v = 0;
  if (!little) {
    for (int x : digits) v = v * (hex ? 16 : 10) + static_cast<uint64_t>(x);
  } else {
    for (size_t i = digits.size() / 2; i > 0; --i) {
      v = v * 256 +
          static_cast<uint64_t>(digits[2 * i - 2] * 16 + digits[2 * i - 1]);
    }
  }
  return static_cast<int64_t>(v);
}

// Raw (i): 1, 2 or 4 bytes unsigned; 8 bytes a signed 64-bit value.
std::optional<int64_t> RawValue(const db::ByteCompareRecord& b,
                                const uint8_t* d, uint64_t size, uint64_t pos) {
  const uint64_t n = b.num_bytes;
  if ((n != 1 && n != 2 && n != 4 && n != 8) || pos + n > size)
    return std::nullopt;
  uint64_t v = 0;
  for (uint64_t i = 0; i < n; ++i)
    v = (v << 8) | d[pos + (b.little_endian ? n - 1 - i : i)];
  return static_cast<int64_t>(v);
}

}  // namespace

bool PassRun::ByteCompareHolds(const db::LogicalRecord& l,
                               const db::ByteCompareRecord& b) {
  if (b.trigger >= l.subsig_count || b.comparison_count == 0) return false;
  const auto [end_plus_one, start] =
      s_->last_match_[l.first_subsig + b.trigger];
  if (end_plus_one == 0) return false;  // the trigger never matched
  const int64_t at = static_cast<int64_t>(start) + b.offset;
  if (at < 0 || static_cast<uint64_t>(at) >= size_) return false;
  const uint8_t* d = AsU8(in_.data);
  const auto pos = static_cast<uint64_t>(at);
  const std::optional<int64_t> v = static_cast<sigs::ByteCompare::Base>(
                                       b.base) == sigs::ByteCompare::Base::kRaw
                                       ? RawValue(b, d, size_, pos)
                                       : TextValue(b, d, size_, pos);
  if (!v) return false;
  for (uint32_t c = 0; c < b.comparison_count; ++c) {
    const auto x = static_cast<int64_t>(b.values[c]);
    using CmpOp = sigs::ByteCompare::Comparison::Op;
    switch (static_cast<CmpOp>(b.ops[c])) {
      case CmpOp::kLess:
        if (!(*v < x)) return false;
        break;
      case CmpOp::kGreater:
        if (!(*v > x)) return false;
        break;
      case CmpOp::kEqual:
        if (*v != x) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

bool PassRun::LogicalMatches(uint32_t index) {
  const db::LogicalRecord& l = db_.logicals()[index];
  if (l.flags & (db::kLogicalNeedsExec | db::kLogicalHasMacro |
                 db::kLogicalUnsupported)) {
    return false;
  }
  if ((l.flags & db::kLogicalHasFileSize) &&
      (in_.object_size < l.file_size_min ||
       in_.object_size > l.file_size_max)) {
    return false;
  }
  if (l.flags & db::kLogicalHasContainer) {
    std::string_view want = db_.String(l.container);
    if (want == "CL_TYPE_ANY" ? !in_.container.empty() : in_.container != want)
      return false;
  }
  if ((l.flags & db::kLogicalHasIntermediates) &&
      !IntermediatesMatch(db_.String(l.intermediates), in_.intermediates)) {
    return false;
  }
  // Counts in ClamAV's order: patterns, then byte compares (on the
  // patterns' matches), then PCREs, whose triggers see all counts so far.
  std::array<uint64_t, 64> counts{};
  auto subs = db_.subsigs().subspan(l.first_subsig, l.subsig_count);
  for (uint32_t k = 0; k < subs.size(); ++k) {
    if (subs[k].kind == static_cast<uint8_t>(db::SubsigKind::kPattern)) {
      counts[k] = PatternCount(l.first_subsig + k);
    }
  }
  for (uint32_t k = 0; k < subs.size(); ++k) {
    if (subs[k].kind == static_cast<uint8_t>(db::SubsigKind::kByteCompare)) {
      counts[k] =
          ByteCompareHolds(l, db_.byte_compares()[subs[k].index]) ? 1 : 0;
    }
  }
  auto count = [&](uint32_t sub) -> uint64_t {
    return sub < 64 ? counts[sub] : 0;
  };
  for (uint32_t k = 0; k < subs.size(); ++k) {
    if (subs[k].kind != static_cast<uint8_t>(db::SubsigKind::kPcre)) continue;
    const db::PcreRecord& pr = db_.pcres()[subs[k].index];
    if (db::EvalExpr(db_.expr_ops().subspan(pr.trigger_op, pr.trigger_count),
                     count)) {
      counts[k] = RunPcre(pr, subs[k].index);
    }
  }
  return db::EvalExpr(db_.expr_ops().subspan(l.expr_op, l.expr_count), count);
}

void PassRun::EvaluateLogicals() {
  for (uint32_t index : db_.zero_true()) {
    if (!s_->logical_touched_[index]) {
      s_->logical_touched_[index] = 1;
      s_->touched_.push_back(index);
    }
  }
  for (uint32_t index : s_->touched_) {
    const db::LogicalRecord& l = db_.logicals()[index];
    if (l.target != 255 && !(in_.target_mask & (1u << l.target))) continue;
    if (LogicalMatches(index) &&
        Report(db_.String(l.name), MatchResult::Kind::kLogical)) {
      return;
    }
  }
}

void PassRun::Clear() {
  for (uint32_t index : s_->touched_) {
    const db::LogicalRecord& l = db_.logicals()[index];
    for (uint32_t k = 0; k < l.subsig_count; ++k) {
      s_->ends_[l.first_subsig + k].clear();
      s_->last_match_[l.first_subsig + k] = {0, 0};
    }
    s_->logical_touched_[index] = 0;
  }
  s_->touched_.clear();
}

bool Matcher::ScanPass(const PassInput& in, Scratch* scratch,
                       std::vector<MatchResult>* out) const {
  PassRun run(*this, in, scratch, out);
  return run.Run();
}

}  // namespace vigil::matcher

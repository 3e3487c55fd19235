#include "compiler/compiler.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <unordered_map>

#include "compiler/pattern_program.h"
#include "db/expr_eval.h"
#include "db/format.h"
#include "db/pattern_image.h"
#include "db/writer.h"
#include "vigil/version.h"

namespace vigil::compiler {

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// ---------------------------------------------------------------- hashes

template <typename Entry>
Status WriteHashTables(db::DbWriter* w, db::SectionId section,
                       const std::vector<Entry>& in, uint64_t* count) {
  struct Sortable {
    uint64_t size;  // kAnySize for '*'
    db::HashEntry entry;
  };
  constexpr uint64_t kAnySize = ~0ull;
  // Group by (scope, algo).
  std::map<std::pair<uint8_t, uint8_t>, std::vector<Sortable>> tables;
  for (const Entry& e : in) {
    if constexpr (std::is_same_v<Entry, sigs::HashSig>) {
      if (!e.flevel.Includes(sigs::kEngineFlevel)) continue;
    }
    if (e.size && *e.size > db::kMaxHashSize) {
      return Status::InvalidArgument(e.name +
                                     ": hash signature size over 4 GiB");
    }
    Sortable s{};
    s.size = e.size ? *e.size : kAnySize;
    std::memcpy(s.entry.digest, e.digest.data(), core::DigestSize(e.algo));
    s.entry.name = w->AddString(e.name);
    uint8_t scope = 0;
    if constexpr (std::is_same_v<Entry, sigs::HashSig>) {
      scope = static_cast<uint8_t>(e.scope);
    }
    tables[{scope, static_cast<uint8_t>(e.algo)}].push_back(s);
  }
  for (auto& [key, rows] : tables) {
    std::sort(rows.begin(), rows.end(),
              [](const Sortable& a, const Sortable& b) {
                if (a.size != b.size) return a.size < b.size;
                return std::memcmp(a.entry.digest, b.entry.digest,
                                   sizeof(a.entry.digest)) < 0;
              });
    db::HashTableHeader h{};
    h.scope = key.first;
    h.algo = key.second;
    h.count = static_cast<uint32_t>(rows.size());
    std::vector<db::HashEntry> entries;
    std::vector<db::SizeIndexRecord> sizes;
    for (size_t i = 0; i < rows.size(); ++i) {
      entries.push_back(rows[i].entry);
      if (rows[i].size == kAnySize) {
        ++h.any_size_count;
      } else if (sizes.empty() || sizes.back().size != rows[i].size) {
        sizes.push_back(
            {static_cast<uint32_t>(rows[i].size), static_cast<uint32_t>(i)});
      }
    }
    h.size_count = static_cast<uint32_t>(sizes.size());
    std::vector<uint32_t> fence;
    for (size_t k = 0; k < sizes.size(); k += db::kFenceStride)
      fence.push_back(sizes[k].size);
    // Header, entries, index and fence go into one byte stream; the next
    // table starts 8-byte aligned.
    w->Append(section, reinterpret_cast<const std::byte*>(&h), sizeof(h));
    w->Append(section, reinterpret_cast<const std::byte*>(entries.data()),
              entries.size() * sizeof(db::HashEntry));
    w->Append(section, reinterpret_cast<const std::byte*>(sizes.data()),
              sizes.size() * sizeof(db::SizeIndexRecord));
    w->Append(section, reinterpret_cast<const std::byte*>(fence.data()),
              fence.size() * sizeof(uint32_t));
    const std::byte pad[8] = {};
    w->Append(section, pad, (8 - fence.size() * sizeof(uint32_t) % 8) % 8);
    *count += entries.size();
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- offsets

void SetOffset(const sigs::Offset& o, db::PatternSigRecord* r) {
  using K = sigs::Offset::Kind;
  r->offset_value = o.value;
  r->max_shift = o.max_shift;
  switch (o.kind) {
    case K::kAny:
      r->offset_kind = static_cast<uint8_t>(db::OffsetKind::kAny);
      break;
    case K::kAbsolute:
      r->offset_kind = static_cast<uint8_t>(db::OffsetKind::kAbsolute);
      break;
    case K::kEofMinus:
      r->offset_kind = static_cast<uint8_t>(db::OffsetKind::kEofMinus);
      break;
    case K::kMacro:
      r->offset_kind = static_cast<uint8_t>(db::OffsetKind::kNever);
      break;
    default:
      r->offset_kind = static_cast<uint8_t>(db::OffsetKind::kExecutable);
      break;
  }
}

bool IsFixed(const sigs::Offset& o) {
  return (o.kind == sigs::Offset::Kind::kAbsolute ||
          o.kind == sigs::Offset::Kind::kEofMinus) &&
         o.max_shift <= kMaxFixedShift;
}

// True if the expression holds with every count zero: such a logical
// signature must be evaluated on every object, matched or not.
bool TrueWithoutMatches(const std::vector<db::ExprOp>& ops) {
  return db::EvalExpr(ops, [](uint32_t) -> uint64_t { return 0; });
}

// Width of the longest run of fixed-width elements of `p`.
uint32_t LongestPart(const ElemPattern& p) {
  uint64_t best = 0, run = 0;
  for (const Elem& e : p.elems) {
    auto w = FixedWidth(p, e);
    run = w ? run + *w : 0;
    best = std::max(best, run);
  }
  return static_cast<uint32_t>(std::min<uint64_t>(best, ~0u));
}

// ---------------------------------------------------------------- builder

struct TargetPatterns {
  std::unordered_map<std::string, uint32_t> ids;  // anchor regex -> id
  std::vector<std::string> regexes;
  std::vector<std::vector<uint32_t>> users;  // id -> pattern sigs
};

struct FixedKey {
  uint8_t target, kind;
  uint64_t value, shift;
  auto operator<=>(const FixedKey&) const = default;
};

class Builder {
 public:
  Builder() : programs_(&w_) {}

  Status AddBody(const std::string& name, uint8_t target,
                 const sigs::Offset& offset, const sigs::Pattern& pattern,
                 const sigs::SubsigModifiers& mods, int32_t logical,
                 uint16_t subsig, uint16_t flags);
  Status AddLogical(const sigs::LogicalSig& l, uint32_t index);
  void CountBody() { ++body_count_; }
  Status AddHashes(const sigs::SignatureSet& set);
  Result<std::vector<std::byte>> Finish(const sigs::SignatureSet& set,
                                        const CompileOptions& options,
                                        CompileStats* stats);

 private:
  uint32_t EmitExpr(const sigs::Expr& e, std::vector<db::ExprOp>* ops);
  Status CompilePatternDbs(unsigned threads, CompileStats* stats);

  db::DbWriter w_;
  ProgramBuilder programs_;
  std::array<TargetPatterns, db::kTargetCount> targets_;
  // Fixed-offset sigs per group: (key or -1, pattern sig).
  std::map<FixedKey, std::vector<std::pair<int32_t, uint32_t>>> fixed_;
  std::vector<uint32_t> zero_true_;
  uint32_t max_anchor_ = 0;
  uint32_t max_text_part_ = 0;
  uint32_t meta_flags_ = 0;
  uint64_t body_count_ = 0, logical_count_ = 0, hash_count_ = 0,
           allow_count_ = 0;
  uint64_t pattern_count_ = 0;
};

Status Builder::AddBody(const std::string& name, uint8_t target,
                        const sigs::Offset& offset,
                        const sigs::Pattern& pattern,
                        const sigs::SubsigModifiers& mods, int32_t logical,
                        uint16_t subsig, uint16_t flags) {
  if (target >= db::kTargetCount) {
    return Status::InvalidArgument(name + ": target type " +
                                   std::to_string(target));
  }
  // ::w alone: the wide form only; ::w with ::a: both forms.
  std::vector<bool> forms;
  if (!mods.wide || mods.ascii) forms.push_back(false);
  if (mods.wide) forms.push_back(true);
  const bool fixed = IsFixed(offset);
  for (bool wide : forms) {
    ElemPattern lowered = programs_.Lower(pattern, mods.nocase, wide);
    std::vector<ElemPattern> variants;
    if (fixed) {
      variants.push_back(std::move(lowered));
    } else {
      variants = programs_.AnchorableVariants(std::move(lowered));
    }
    for (const ElemPattern& v : variants) {
      CompiledPattern cp = programs_.Build(v, fixed);
      if (!fixed && cp.anchor_regex.empty()) {
        return Status::InvalidArgument((name.empty() ? "subsignature" : name) +
                                       ": no fixed byte sequence to search for "
                                       "(signature cannot be compiled)");
      }
      db::PatternSigRecord& r = cp.record;
      if (target == 7)
        max_text_part_ = std::max(max_text_part_, LongestPart(v));
      // ClamAV counts these as relative offsets of its text matcher
      // (absolute ones, `n,m` included, do not count).
      if (target == 7 && offset.kind != sigs::Offset::Kind::kAny &&
          offset.kind != sigs::Offset::Kind::kAbsolute) {
        meta_flags_ |= db::kMetaTextAsObject;
      }
      r.name = w_.AddString(name);
      r.logical = logical;
      r.subsig = subsig;
      r.flags = static_cast<uint16_t>(flags |
                                      (mods.fullword ? db::kFlagFullword : 0) |
                                      (wide ? db::kFlagWide : 0));
      r.target = target;
      SetOffset(offset, &r);
      const uint32_t index = w_.Append(db::SectionId::kPatternSigs, r);
      if (fixed) {
        fixed_[FixedKey{target, r.offset_kind, r.offset_value, r.max_shift}]
            .emplace_back(cp.fixed_key, index);
        continue;
      }
      TargetPatterns& tp = targets_[target];
      auto [it, inserted] = tp.ids.emplace(
          cp.anchor_regex, static_cast<uint32_t>(tp.regexes.size()));
      if (inserted) {
        tp.regexes.push_back(cp.anchor_regex);
        tp.users.emplace_back();
      }
      tp.users[it->second].push_back(index);
      max_anchor_ = std::max(max_anchor_, r.anchor_length);
    }
  }
  return Status::Ok();
}

uint32_t Builder::EmitExpr(const sigs::Expr& e, std::vector<db::ExprOp>* ops) {
  db::ExprOp op{};
  if (e.kind == sigs::Expr::Kind::kSubsig) {
    op.code = static_cast<uint8_t>(db::ExprOpCode::kLeaf);
    op.arg = e.subsig;
  } else {
    for (const sigs::Expr& c : e.children) EmitExpr(c, ops);
    op.code = static_cast<uint8_t>(e.kind == sigs::Expr::Kind::kAnd
                                       ? db::ExprOpCode::kAnd
                                       : db::ExprOpCode::kOr);
    op.arg = static_cast<uint32_t>(e.children.size());
  }
  switch (e.op) {
    case sigs::Expr::CountOp::kNone:
      op.count_op = static_cast<uint8_t>(db::CountOp::kNone);
      break;
    case sigs::Expr::CountOp::kEq:
      op.count_op = static_cast<uint8_t>(db::CountOp::kEq);
      break;
    case sigs::Expr::CountOp::kGt:
      op.count_op = static_cast<uint8_t>(db::CountOp::kGt);
      break;
    case sigs::Expr::CountOp::kLt:
      op.count_op = static_cast<uint8_t>(db::CountOp::kLt);
      break;
  }
  op.count = e.count;
  op.distinct = e.distinct.value_or(0);
  ops->push_back(op);
  return static_cast<uint32_t>(ops->size());
}

Status Builder::AddLogical(const sigs::LogicalSig& l, uint32_t index) {
  db::LogicalRecord rec{};
  rec.name = w_.AddString(l.name);
  rec.target = l.tdb.target ? *l.tdb.target : 0;
  if (rec.target >= db::kTargetCount) {
    return Status::InvalidArgument(l.name + ": target type " +
                                   std::to_string(rec.target));
  }
  rec.file_size_min = l.tdb.file_size ? l.tdb.file_size->min : 0;
  rec.file_size_max = l.tdb.file_size ? l.tdb.file_size->max : ~0ull;
  if (l.tdb.file_size) rec.flags |= db::kLogicalHasFileSize;
  // These need the PE parser (entry point, sections, icon resources); ClamAV
  // never matches them on other files, nor does vigil until it parses PE.
  if (l.tdb.entry_point || l.tdb.number_of_sections || l.tdb.icon_group1 ||
      l.tdb.icon_group2) {
    rec.flags |= db::kLogicalNeedsExec;
  }
  if (l.tdb.container) {
    rec.flags |= db::kLogicalHasContainer;
    rec.container = w_.AddString(*l.tdb.container);
  }
  if (!l.tdb.intermediates.empty()) {
    rec.flags |= db::kLogicalHasIntermediates;
    std::string joined;
    for (const auto& s : l.tdb.intermediates)
      joined += (joined.empty() ? "" : ">") + s;
    rec.intermediates = w_.AddString(joined);
  }
  std::vector<db::ExprOp> ops;
  EmitExpr(l.expr, &ops);
  const bool zero_true = TrueWithoutMatches(ops);
  rec.expr_op = w_.Append(db::SectionId::kExprOps, ops.data(), ops.size());
  rec.expr_count = static_cast<uint32_t>(ops.size());

  // Subsigs that anchor byte compares keep their match starts.
  std::vector<bool> record_starts(l.subsigs.size(), false);
  for (const sigs::Subsig& s : l.subsigs) {
    if (s.kind == sigs::Subsig::Kind::kByteCompare &&
        s.byte_compare.trigger < record_starts.size()) {
      record_starts[s.byte_compare.trigger] = true;
    }
  }
  std::vector<db::SubsigRecord> subs;
  for (size_t i = 0; i < l.subsigs.size(); ++i) {
    const sigs::Subsig& s = l.subsigs[i];
    db::SubsigRecord sr{};
    switch (s.kind) {
      case sigs::Subsig::Kind::kBody:
        sr.kind = static_cast<uint8_t>(db::SubsigKind::kPattern);
        VIGIL_RETURN_IF_ERROR(
            AddBody("", rec.target, s.offset, s.pattern, s.modifiers,
                    static_cast<int32_t>(index), static_cast<uint16_t>(i),
                    record_starts[i] ? db::kFlagRecordStarts : 0));
        break;
      case sigs::Subsig::Kind::kPcre: {
        sr.kind = static_cast<uint8_t>(db::SubsigKind::kPcre);
        db::PcreRecord p{};
        p.regex = w_.AddString(s.pcre.regex);
        p.flags = w_.AddString(s.pcre.flags);
        std::vector<db::ExprOp> tops;
        EmitExpr(s.pcre.trigger, &tops);
        p.trigger_op =
            w_.Append(db::SectionId::kExprOps, tops.data(), tops.size());
        p.trigger_count = static_cast<uint32_t>(tops.size());
        db::PatternSigRecord tmp{};
        SetOffset(s.pcre.offset, &tmp);
        p.offset_kind = tmp.offset_kind;
        p.offset_value = tmp.offset_value;
        p.max_shift = tmp.max_shift;
        sr.index = w_.Append(db::SectionId::kPcres, p);
        rec.flags |= db::kLogicalHasPcre;
        break;
      }
      case sigs::Subsig::Kind::kByteCompare: {
        sr.kind = static_cast<uint8_t>(db::SubsigKind::kByteCompare);
        const sigs::ByteCompare& b = s.byte_compare;
        db::ByteCompareRecord br{};
        br.trigger = b.trigger;
        br.base = static_cast<uint8_t>(b.base);
        br.little_endian = b.little_endian;
        br.exact = b.exact;
        br.offset = b.offset;
        br.num_bytes = b.num_bytes;
        br.comparison_count =
            static_cast<uint8_t>(std::min<size_t>(2, b.comparisons.size()));
        for (size_t c = 0; c < br.comparison_count; ++c) {
          br.ops[c] = static_cast<uint8_t>(b.comparisons[c].op);
          br.values[c] = b.comparisons[c].value;
        }
        sr.index = w_.Append(db::SectionId::kByteCompares, br);
        rec.flags |= db::kLogicalHasByteCompare;
        break;
      }
      case sigs::Subsig::Kind::kMacro:
        sr.kind = static_cast<uint8_t>(db::SubsigKind::kMacro);
        rec.flags |= db::kLogicalHasMacro;
        break;
      case sigs::Subsig::Kind::kFuzzyImage:
        sr.kind = static_cast<uint8_t>(db::SubsigKind::kUnsupported);
        break;
    }
    subs.push_back(sr);
  }
  rec.first_subsig =
      w_.Append(db::SectionId::kSubsigs, subs.data(), subs.size());
  rec.subsig_count = static_cast<uint32_t>(subs.size());
  w_.Append(db::SectionId::kLogicalSigs, rec);
  if (zero_true) zero_true_.push_back(index);
  ++logical_count_;
  return Status::Ok();
}

Status Builder::AddHashes(const sigs::SignatureSet& set) {
  VIGIL_RETURN_IF_ERROR(
      WriteHashTables(&w_, db::SectionId::kHashes, set.hashes, &hash_count_));
  return WriteHashTables(&w_, db::SectionId::kAllow, set.allows, &allow_count_);
}

// Compiles one target's anchors into a pattern-engine image.
Result<std::vector<std::byte>> CompileTarget(const TargetPatterns& tp) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  exprs.reserve(tp.regexes.size());
  for (size_t i = 0; i < tp.regexes.size(); ++i) {
    exprs.push_back(tp.regexes[i].c_str());
    flags.push_back(HS_FLAG_DOTALL);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  hs_platform_info_t platform{};
  hs_populate_platform(&platform);
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       &platform, &db, &err) != HS_SUCCESS) {
    std::string msg = err ? err->message : "unknown error";
    if (err && err->expression >= 0) {
      msg += " in anchor /" + tp.regexes[static_cast<size_t>(err->expression)] +
             "/";
    }
    hs_free_compile_error(err);
    return Status::Internal("pattern compilation failed: " + msg);
  }
  auto image = db::MakePatternImage(db);
  hs_free_database(db);
  return image;
}

Status Builder::CompilePatternDbs(unsigned threads, CompileStats* stats) {
  auto t0 = Clock::now();
  std::vector<int> todo;
  for (int t = 0; t < db::kTargetCount; ++t) {
    if (!targets_[t].regexes.empty()) todo.push_back(t);
  }
  // Largest first, so the long compiles start early.
  std::sort(todo.begin(), todo.end(), [&](int a, int b) {
    return targets_[a].regexes.size() > targets_[b].regexes.size();
  });
  std::vector<Result<std::vector<std::byte>>> results(
      db::kTargetCount, Status::Internal("not compiled"));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < todo.size();) {
      results[static_cast<size_t>(todo[i])] = CompileTarget(targets_[todo[i]]);
    }
  };
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < std::min<size_t>(threads, todo.size()); ++i)
    pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  for (int t : todo) {
    auto& r = results[static_cast<size_t>(t)];
    if (!r.ok()) return r.status();
    w_.SetRaw(static_cast<uint32_t>(db::SectionId::kPatternDb) +
                  static_cast<uint32_t>(t),
              std::move(r).value(), true);
    pattern_count_ += targets_[t].regexes.size();
  }
  if (stats) stats->pattern_compile_seconds = Since(t0);
  return Status::Ok();
}

Result<std::vector<std::byte>> Builder::Finish(const sigs::SignatureSet& set,
                                               const CompileOptions& options,
                                               CompileStats* stats) {
  db::MetaRecord meta{};
  // Anchor index per target.
  for (int t = 0; t < db::kTargetCount; ++t) {
    TargetPatterns& tp = targets_[t];
    meta.anchor_first[t] =
        w_.Count<db::AnchorIndexRecord>(db::SectionId::kAnchorIndex);
    meta.anchor_count[t] = static_cast<uint32_t>(tp.users.size());
    for (const auto& users : tp.users) {
      db::AnchorIndexRecord r{};
      r.first_ref = w_.Count<db::AnchorRef>(db::SectionId::kAnchorRefs);
      r.ref_count = static_cast<uint32_t>(users.size());
      for (uint32_t u : users)
        w_.Append(db::SectionId::kAnchorRefs, db::AnchorRef{u});
      w_.Append(db::SectionId::kAnchorIndex, r);
    }
  }
  for (auto& [key, sigs] : fixed_) {
    db::FixedGroupRecord g{};
    g.target = key.target;
    g.offset_kind = key.kind;
    g.offset_value = key.value;
    g.max_shift = key.shift;
    std::sort(sigs.begin(), sigs.end());
    std::vector<uint32_t> unkeyed;
    std::vector<db::FixedKeyRecord> keyed;
    for (auto [k, id] : sigs) {
      if (k < 0) {
        unkeyed.push_back(id);
      } else {
        keyed.push_back(db::FixedKeyRecord{static_cast<uint16_t>(k), 0, id});
      }
    }
    g.first_id =
        w_.Append(db::SectionId::kFixedIds, unkeyed.data(), unkeyed.size());
    g.count = static_cast<uint32_t>(unkeyed.size());
    g.first_key =
        w_.Append(db::SectionId::kFixedKeys, keyed.data(), keyed.size());
    g.key_count = static_cast<uint32_t>(keyed.size());
    w_.Append(db::SectionId::kFixedSigs, g);
  }
  if (!zero_true_.empty()) {
    w_.Append(db::SectionId::kZeroTrue, zero_true_.data(), zero_true_.size());
  }
  VIGIL_RETURN_IF_ERROR(CompilePatternDbs(options.threads, stats));

  meta.known_viruses = set.known_viruses;
  meta.hash_signatures = hash_count_;
  meta.body_signatures = body_count_;
  meta.logical_signatures = logical_count_;
  meta.allow_entries = allow_count_;
  meta.pattern_count = pattern_count_;
  meta.daily_version = set.daily_version.value_or(0);
  meta.daily_build_time = set.daily_build_time.value_or(0);
  meta.max_anchor_length = max_anchor_;
  meta.max_text_pattern_length = max_text_part_;
  meta.flags = meta_flags_;
  w_.Append(db::SectionId::kMeta, meta);
  // Make sure the string section exists even when empty.
  w_.AddString("");

  db::HeaderFields fields;
  fields.engine_version = kVersionString;
  fields.pattern_engine = db::PatternEngineVersion();
  const db::HostPlatform host = db::CurrentPlatform();
  fields.cpu_features = host.feature_names;
  fields.hs_platform_features = host.cpu_features;
  fields.hs_platform_tune = host.tune;
  if (stats) {
    stats->patterns = pattern_count_;
    stats->verify_programs =
        w_.Count<db::PatternSigRecord>(db::SectionId::kPatternSigs);
  }
  return w_.Finish(fields);
}

}  // namespace

Result<std::vector<std::byte>> Compile(const sigs::SignatureSet& set,
                                       const CompileOptions& options,
                                       CompileStats* stats) {
  auto t0 = Clock::now();
  Builder b;
  // The loader already skips signatures for other functionality levels;
  // IR built by other means (tests, tools) is filtered the same way.
  for (const sigs::BodySig& s : set.bodies) {
    if (!s.flevel.Includes(sigs::kEngineFlevel)) continue;
    VIGIL_RETURN_IF_ERROR(
        b.AddBody(s.name, s.target, s.offset, s.pattern, {}, -1, 0, 0));
    b.CountBody();
  }
  uint32_t logical_index = 0;
  for (const sigs::LogicalSig& l : set.logicals) {
    if (!l.tdb.engine.Includes(sigs::kEngineFlevel)) continue;
    VIGIL_RETURN_IF_ERROR(b.AddLogical(l, logical_index++));
  }
  VIGIL_RETURN_IF_ERROR(b.AddHashes(set));
  auto image = b.Finish(set, options, stats);
  if (stats) stats->total_seconds = Since(t0);
  return image;
}

}  // namespace vigil::compiler

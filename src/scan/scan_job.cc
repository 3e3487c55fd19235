#include "scan/scan_job.h"

#include <algorithm>

#include "core/hash.h"
#include "filetype/filetype.h"
#include "formats/archive/archive.h"
#include "formats/arj/arj.h"
#include "formats/chm/chm.h"
#include "formats/compress/compress.h"
#include "formats/mail/data_uri.h"
#include "formats/mail/mail.h"
#include "formats/mail/tnef.h"
#include "formats/ole2/ole2.h"
#include "formats/pdf/pdf.h"
#include "formats/rtf/rtf.h"
#include "scan/type_actions.h"

namespace vigil::scan {

namespace {

std::string HeuristicName(LimitKind kind) {
  return std::string("Heuristics.Limits.Exceeded.") + LimitName(kind);
}

const char* KindName(matcher::MatchResult::Kind k) {
  switch (k) {
    case matcher::MatchResult::Kind::kHash:
      return "hash";
    case matcher::MatchResult::Kind::kBody:
      return "body";
    case matcher::MatchResult::Kind::kLogical:
      return "logical";
  }
  return "body";
}

}  // namespace

ScanJob::ScanJob(const matcher::Matcher& matcher, matcher::Scratch* scratch,
                 const ScanOptions& options, ScanReport* report)
    : matcher_(matcher),
      scratch_(scratch),
      options_(options),
      report_(report),
      start_(std::chrono::steady_clock::now()) {}

// Blocks in which a mapped object is hashed and scanned, with its pages
// dropped behind: the resident memory of a large file stays near this.
constexpr size_t kReleaseBlock = size_t{4} << 20;

void ScanJob::ScanTopLevel(ByteView data, bool mapped) {
  report_->bytes_read = data.size();
  report_->empty = data.empty();
  if (mapped) mapped_ = data;
  std::vector<Layer> layers{{"", ""}};
  ScanObject(data, &layers);
  if (options_.md5_of_infected && report_->infected()) {
    core::MultiHasher md5(core::AlgoBit(core::HashAlgo::kMd5));
    HashObject(data, &md5);
    report_->md5 =
        core::DigestHex(md5.Get(core::HashAlgo::kMd5), core::HashAlgo::kMd5);
  }
  Release(data);
}

void ScanJob::Release(ByteView part) const {
  if (mapped_.empty() || part.empty() || part.data() < mapped_.data() ||
      part.data() + part.size() > mapped_.data() + mapped_.size()) {
    return;
  }
  core::ReleasePages(part);
}

void ScanJob::HashObject(ByteView data, core::MultiHasher* hasher) const {
  for (size_t at = 0; at < data.size(); at += kReleaseBlock) {
    ByteView block =
        data.subspan(at, std::min(kReleaseBlock, data.size() - at));
    hasher->Update(block);
    Release(block);
  }
  hasher->Finish();
}

std::vector<std::string> ScanJob::LayerNames(
    const std::vector<Layer>& layers) const {
  std::vector<std::string> out;
  for (size_t i = 1; i < layers.size(); ++i) out.push_back(layers[i].name);
  return out;
}

bool ScanJob::OutOfTime() {
  const uint64_t limit = options_.limits.max_scan_time_ms;
  if (limit == 0) return false;
  auto elapsed = std::chrono::steady_clock::now() - start_;
  return std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)
             .count() > static_cast<int64_t>(limit);
}

bool ScanJob::NoteLimit(LimitKind kind, const std::vector<Layer>& layers,
                        bool alert) {
  bool noted = false;
  for (const vigil::LimitHit& h : report_->limits_hit) noted |= h.kind == kind;
  if (!noted) report_->limits_hit.push_back({kind, LayerNames(layers)});
  if (!alert || !options_.alert_exceeds_max || noted) return false;
  report_->detections.push_back(
      {HeuristicName(kind), LayerNames(layers), "heuristic"});
  return !options_.all_match;
}

bool ScanJob::Detect(const std::vector<matcher::MatchResult>& found,
                     const std::vector<Layer>& layers) {
  for (const matcher::MatchResult& m : found) {
    // clamscan -z prints a name once per object and kind of signature
    // that found it: a hash and a body signature of one name give two
    // lines, and so does a body signature matching both a tar's raw bytes
    // and its member.
    const char* kind = KindName(m.kind);
    const bool is_hash = m.kind == matcher::MatchResult::Kind::kHash;
    const std::vector<std::string> where = LayerNames(layers);
    bool seen = false;
    for (const Detection& d : report_->detections) {
      seen |= d.name == m.name && (d.kind == std::string("hash")) == is_hash &&
              d.layers == where;
    }
    if (!seen)
      report_->detections.push_back({std::string(m.name), where, kind});
  }
  return !found.empty() && !options_.all_match;
}

// Limits, with ClamAV's meaning (observed on clamscan 1.4.6):
// - an extracted object over MaxFileSize is skipped silently and the
//   container goes on; a top-level one is not scanned (and alerts with
//   --alert-exceeds-max);
// - MaxScanSize (all bytes of one top-level scan) stops everything;
// - MaxFiles counts the top-level object too, MaxRecursion the depth of the
//   object to scan (the top level is 0): objects at depth >= MaxRecursion
//   are not scanned.
bool ScanJob::ScanObject(ByteView data, std::vector<Layer>* layers) {
  const Limits& lim = options_.limits;
  const bool top = layers->size() == 1;
  if (OutOfTime()) {
    NoteLimit(LimitKind::kMaxScanTime, *layers, true);
    halted_ = true;
    return true;
  }
  if (lim.max_file_size && data.size() > lim.max_file_size) {
    return NoteLimit(LimitKind::kMaxFileSize, *layers, top);
  }
  if (lim.max_scan_size &&
      report_->bytes_scanned + data.size() > lim.max_scan_size) {
    NoteLimit(LimitKind::kMaxScanSize, *layers, true);
    halted_ = true;
    return true;
  }
  report_->bytes_scanned += data.size();
  ++report_->objects_scanned;
  if (data.size() < filetype::kMinScannableSize) return false;

  const filetype::FileType type = filetype::Detect(data);
  layers->back().type_name = std::string(filetype::ClamAvName(type));
  std::vector<matcher::MatchResult> found;
  if (!MatchObject(data, *layers, type, &found)) {
    report_->notes.push_back("pattern engine failed on part of the data");
  }
  // Names and hash entries are read for few objects: keep them out of the
  // resident set after an object that read them (an archive can hold
  // thousands of objects).
  if (!found.empty() || matcher_.NeededHashes(data.size()) != 0) {
    matcher_.db().ReleaseColdPages();
  }
  if (!found.empty()) {
    // The allow list (.fp/.sfp) clears an object whatever matched in it.
    core::HashAlgoSet algos = matcher_.NeededAllowHashes(data.size());
    if (algos) {
      core::MultiHasher h(algos);
      h.Update(data);
      h.Finish();
      if (matcher_.Allowed(data.size(), h)) return false;
    }
    if (Detect(found, *layers)) return true;
  }
  if (options_.scan_archives) {
    const Extractor extractor = ExtractorFor(type, data);
    if (extractor != Extractor::kNone)
      return ExtractChildren(data, type, extractor, layers);
    // Self-extracting and appended archives: the first candidate that
    // yields members is the one (a magic inside other data yields none).
    for (const EmbeddedArchive& e : FindEmbeddedArchives(type, data)) {
      const uint64_t before = files_;
      if (ExtractChildren(data.subspan(e.offset), e.type,
                          Extractor::kLibarchive, layers)) {
        return true;
      }
      if (files_ != before) break;
    }
  }
  return false;
}

bool ScanJob::MatchObject(ByteView data, const std::vector<Layer>& layers,
                          filetype::FileType detected,
                          std::vector<matcher::MatchResult>* found) {
  const bool all = options_.all_match;
  std::string intermediates;
  for (size_t i = 0; i + 1 < layers.size(); ++i) {
    if (!intermediates.empty()) intermediates += '>';
    intermediates += layers[i].type_name;
  }
  matcher::PassInput in;
  in.object_size = data.size();
  in.container = layers.size() > 1
                     ? std::string_view(layers[layers.size() - 2].type_name)
                     : std::string_view();
  in.intermediates = intermediates;
  in.all_match = all;
  in.pcre_match_limit = options_.limits.pcre_match_limit;
  in.pcre_recmatch_limit = options_.limits.pcre_recmatch_limit;
  in.pcre_max_file_size = options_.limits.pcre_max_file_size;
  // Digests first, while the bytes are read anyway; their matches are
  // reported after the body ones, as in ClamAV (a file both detect is
  // reported by its body signature).
  const core::HashAlgoSet algos = matcher_.NeededHashes(data.size());
  core::MultiHasher digests(algos);
  if (algos) HashObject(data, &digests);
  const bool mapped = !mapped_.empty() && data.data() == mapped_.data();
  // Drops pages of the buffer being scanned (a mapped object or spool).
  const auto release_range = [&](uint64_t begin, uint64_t end) {
    core::ReleasePages(in.data.subspan(begin, end - begin));
  };
  const core::FunctionRef<void(uint64_t, uint64_t)> release = release_range;
  std::function<void(size_t)> release_prefix;
  if (mapped)
    release_prefix = [this, data](size_t n) { Release(data.first(n)); };
  bool ok = true;
  const filetype::FileType retyped =
      detected == filetype::FileType::kTextAscii
          ? filetype::RetypeAfterRawScan(detected, data)
          : detected;
  if (mapped) Release(data);
  const db::MetaRecord& meta = matcher_.db().meta();
  const bool text_as_object = (meta.flags & db::kMetaTextAsObject) != 0;
  buffers_.Reset(data, meta.max_text_pattern_length, release_prefix);
  const std::span<const filetype::Pass> passes =
      filetype::PassesAfterRetype(detected, retyped);
  for (const filetype::Pass& pass : passes) {
    std::optional<ByteView> buffer = buffers_.Get(pass);
    if (!buffer) continue;
    in.target_mask = pass.target_mask;
    in.data = *buffer;
    in.object_size =
        FileSizeInPass(pass, data.size(), buffer->size(), text_as_object);
    const bool file_backed =
        (mapped && buffer->data() == data.data()) || buffers_.Spooled(*buffer);
    in.release = file_backed ? &release : nullptr;
    in.block_size = file_backed ? kReleaseBlock : uint64_t{1} << 30;
    ok &= matcher_.ScanPass(in, scratch_, found);
    if (file_backed) core::ReleasePages(*buffer);
    in.release = nullptr;
    in.block_size = uint64_t{1} << 30;
    if (mapped) Release(data);
    if (!found->empty() && !all) return ok;
    if (ScannedAsObject(pass, text_as_object) && !buffer->empty()) {
      // A buffer ClamAV scans as an object of its own is hashed like one.
      if (const core::HashAlgoSet own = matcher_.NeededHashes(buffer->size())) {
        core::MultiHasher h(own);
        h.Update(*buffer);
        h.Finish();
        matcher_.MatchHashes(buffer->size(), h, all, found);
        if (!found->empty() && !all) return ok;
      }
    }
    if (pass.buffer == filetype::Pass::Buffer::kNormalizedText &&
        text_as_object) {
      // ClamAV's cli_scanscript then evaluates the logical signatures of
      // targets 0 and 7 once more on match data it never filled: the ones
      // that hold without any match alert again, against the object's size.
      static constexpr std::byte kNothing[1] = {};
      in.data = ByteView(kNothing, 0);
      in.object_size = data.size();
      ok &= matcher_.ScanPass(in, scratch_, found);
      if (!found->empty() && !all) return ok;
    }
  }
  // ClamAV matches an object's hash in its raw pass: HTML (which has none)
  // and the types it does not scan are never found by their hash.
  if (algos && HasRawPass(passes))
    matcher_.MatchHashes(data.size(), digests, all, found);
  return ok;
}

bool ScanJob::NoteEncrypted(filetype::FileType type, const std::string& member,
                            const std::vector<Layer>& layers) {
  report_->notes.push_back(member.empty() ? "encrypted container"
                                          : "encrypted member: " + member);
  const std::string_view name = EncryptedHeuristic(type);
  const bool alert = type == filetype::FileType::kPdf
                         ? options_.alert_encrypted_doc
                         : options_.alert_encrypted_archive;
  if (!alert || name.empty()) return false;
  for (const Detection& d : report_->detections) {
    if (d.name == name && d.layers == LayerNames(layers)) return false;
  }
  report_->detections.push_back(
      {std::string(name), LayerNames(layers), "heuristic"});
  return !options_.all_match;
}

bool ScanJob::ExtractChildren(ByteView data, filetype::FileType type,
                              Extractor extractor, std::vector<Layer>* layers) {
  const Limits& lim = options_.limits;
  // Children are one layer deeper than this object.
  if (lim.max_recursion && layers->size() >= lim.max_recursion) {
    return NoteLimit(LimitKind::kMaxRecursion, *layers, true);
  }
  formats::ExtractLimits el;
  // One byte over a limit is enough to know a member is too large: for
  // max-filesize, or for the compression ratio against this container.
  const uint64_t size_cap = lim.max_file_size ? lim.max_file_size : ~0ull;
  uint64_t ratio_cap = ~0ull;
  if (lim.max_compression_ratio &&
      data.size() < ~0ull / lim.max_compression_ratio) {
    ratio_cap = std::max<uint64_t>(data.size(), 1) * lim.max_compression_ratio;
  }
  const bool ratio_bound = ratio_cap < size_cap;
  const uint64_t cap = std::min(size_cap, ratio_cap);
  el.max_member_size = cap == ~0ull ? cap : cap + 1;
  el.max_members = ~0u;
  el.stream_only = extractor == Extractor::kStream;
  if (!mapped_.empty() && data.data() == mapped_.data()) {
    el.consumed = [this, data](uint64_t offset) {
      Release(data.first(offset));
    };
  }
  bool stop = false;
  const auto on_member = [&](const formats::ArchiveMember& m) {
    // The top-level object counts as the first file.
    if (lim.max_files && files_ >= lim.max_files) {
      stop = NoteLimit(LimitKind::kMaxFiles, *layers, true);
      halted_ = true;  // no further object of this scan
      return false;
    }
    ++files_;
    if (m.encrypted) {
      stop = NoteEncrypted(type, m.name, *layers);
      return !stop;
    }
    layers->push_back({m.name, ""});
    if (m.truncated && ratio_bound) {
      stop = NoteLimit(LimitKind::kMaxCompressionRatio, *layers, true);
    } else if (m.truncated) {
      stop = NoteLimit(LimitKind::kMaxFileSize, *layers, false);
    } else {
      stop = ScanObject(m.data, layers);
    }
    layers->pop_back();
    return !stop && !halted_;
  };
  formats::ExtractResult r;
  switch (extractor) {
    case Extractor::kUnixCompress:
      r = formats::ExtractUnixCompress(data, el, on_member);
      break;
    case Extractor::kSzdd:
      r = formats::ExtractSzdd(data, el, on_member);
      break;
    case Extractor::kMail:
      r = formats::ExtractMail(data, el, on_member);
      break;
    case Extractor::kTnef:
      r = formats::ExtractTnef(data, el, on_member);
      break;
    case Extractor::kDataUri:
      r = formats::ExtractDataUris(data, el, on_member);
      break;
    case Extractor::kOle2:
      r = formats::ExtractOle2(data, el, on_member);
      break;
    case Extractor::kArj:
      r = formats::ExtractArj(data, el, on_member);
      break;
    case Extractor::kPdf:
      r = formats::ExtractPdf(data, el, on_member);
      break;
    case Extractor::kRtf:
      r = formats::ExtractRtf(data, el, on_member);
      break;
    case Extractor::kChm:
      r = formats::ExtractChm(data, el, on_member);
      break;
    default:
      r = formats::ExtractArchive(data, el, on_member);
      break;
  }
  for (std::string& note : r.notes) report_->notes.push_back(std::move(note));
  // Encrypted before any member could be listed (7z with encrypted
  // headers), or an encrypted document (its objects come out encrypted).
  if (!stop && r.encrypted &&
      (r.members == 0 || type == filetype::FileType::kPdf))
    stop = NoteEncrypted(type, "", *layers);
  return stop || halted_;
}

}  // namespace vigil::scan

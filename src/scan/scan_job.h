// ScanJob: one top-level scan, with every layer under it.
//
// For each object (the top-level one, then every extracted child, depth
// first): limits, hash signatures, file type, the matching passes of that
// type (raw and normalised buffers), the allow list, then extraction of
// children, each scanned the same way one layer deeper under the same
// budget (bytes, files, depth, time). Only this module decides verdicts.
#ifndef VIGIL_SCAN_SCAN_JOB_H_
#define VIGIL_SCAN_SCAN_JOB_H_

#include <chrono>
#include <string>
#include <vector>

#include "core/hash.h"
#include "matcher/matcher.h"
#include "scan/type_actions.h"
#include "vigil/limits.h"
#include "vigil/report.h"

namespace vigil::scan {

class ScanJob {
 public:
  ScanJob(const matcher::Matcher& matcher, matcher::Scratch* scratch,
          const ScanOptions& options, ScanReport* report);

  // `mapped`: `data` is a read-only file mapping whose pages may be dropped
  // behind the scan (bounded memory for large files).
  void ScanTopLevel(ByteView data, bool mapped);

 private:
  struct Layer {
    std::string name;       // member name ("" for the top level)
    std::string type_name;  // CL_TYPE_* of this object
  };
  // Returns true when scanning should stop (a detection without all_match,
  // or the time budget ran out).
  bool ScanObject(ByteView data, std::vector<Layer>* layers);
  bool MatchObject(ByteView data, const std::vector<Layer>& layers,
                   filetype::FileType type,
                   std::vector<matcher::MatchResult>* found);
  bool ExtractChildren(ByteView data, filetype::FileType type,
                       Extractor extractor, std::vector<Layer>* layers);
  // An encrypted member of a container of `type`: a note, and with
  // --alert-encrypted-archive a Heuristics.Encrypted.* detection (once per
  // container). True when scanning should stop.
  bool NoteEncrypted(filetype::FileType type, const std::string& member,
                     const std::vector<Layer>& layers);
  // Records a limit hit; with `alert` (and --alert-exceeds-max) also as a
  // Heuristics.Limits.Exceeded.* detection. True when scanning should stop.
  bool NoteLimit(LimitKind kind, const std::vector<Layer>& layers, bool alert);
  bool Detect(const std::vector<matcher::MatchResult>& found,
              const std::vector<Layer>& layers);
  bool OutOfTime();
  // Drops the pages of `part` if it lies in the mapped top-level object.
  void Release(ByteView part) const;
  // Digests of `data` for `algos`, read in blocks released behind.
  void HashObject(ByteView data, core::MultiHasher* hasher) const;
  std::vector<std::string> LayerNames(const std::vector<Layer>& layers) const;

  const matcher::Matcher& matcher_;
  matcher::Scratch* scratch_;
  const ScanOptions& options_;
  ScanReport* report_;
  std::chrono::steady_clock::time_point start_;
  uint64_t files_ = 1;   // objects so far, the top-level one included
  bool halted_ = false;  // a limit ended the whole scan
  PassBuffers buffers_;
  ByteView mapped_;  // the top-level object, when it is a file mapping  // of
                     // the object being matched (children come after)
};

}  // namespace vigil::scan

#endif  // VIGIL_SCAN_SCAN_JOB_H_

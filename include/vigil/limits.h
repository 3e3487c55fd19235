// Limits and options of one scan.
//
// Defaults are ClamAV 1.4's engine defaults (libclamav/default.h), so that a
// clamd.conf or a clamscan command line means the same thing to vigil.
#ifndef VIGIL_LIMITS_H_
#define VIGIL_LIMITS_H_

#include <cstdint>

namespace vigil {

struct Limits {
  // Largest object (top-level file or extracted member) that is scanned.
  // Larger objects are skipped and reported not fully scanned. 0: no limit.
  uint64_t max_file_size = 100ull << 20;
  // Total bytes scanned for one top-level object, extracted children
  // included. 0: no limit.
  uint64_t max_scan_size = 400ull << 20;
  // Objects extracted from one top-level object. 0: no limit.
  uint32_t max_files = 10000;
  // Container nesting depth (the top-level object is depth 0).
  uint32_t max_recursion = 17;
  // Wall-clock budget of one top-level scan, children included. 0: no limit.
  uint64_t max_scan_time_ms = 120000;
  // Largest ratio of an extracted member's size to the size of the container
  // it comes from (the whole archive or stream, which for a one-member bomb
  // is its compressed size). A member past it is not scanned and is
  // reported as Heuristics.Limits.Exceeded.MaxCompressionRatio. ClamAV has
  // no such limit, so the default is none; bombs are bounded anyway by
  // max_file_size per member and max_scan_size per scan. 0: no limit.
  uint32_t max_compression_ratio = 0;
  // PCRE: match and recursion limits, and largest object a regex runs on.
  uint32_t pcre_match_limit = 100000;
  uint32_t pcre_recmatch_limit = 2000;
  uint64_t pcre_max_file_size = 100ull << 20;
};

struct ScanOptions {
  Limits limits;
  // Report every signature that matches, not only the first (clamscan -z).
  bool all_match = false;
  // Report limit hits as Heuristics.Limits.Exceeded.* detections
  // (clamscan --alert-exceeds-max).
  bool alert_exceeds_max = false;
  // Open containers (archives, compressed streams). clamscan --scan-archive.
  bool scan_archives = true;
  // Report encrypted archive members as Heuristics.Encrypted.{Zip,RAR,7Zip}
  // (clamscan --alert-encrypted-archive, or --alert-encrypted for both).
  bool alert_encrypted_archive = false;
  // Report encrypted PDFs as Heuristics.Encrypted.PDF
  // (clamscan --alert-encrypted-doc).
  bool alert_encrypted_doc = false;
  // Fill ScanReport::md5 when the object is infected (clamd's
  // ExtendedDetectionInfo logs it). Reads the object once more, for
  // infected objects only.
  bool md5_of_infected = false;
};

}  // namespace vigil

#endif  // VIGIL_LIMITS_H_

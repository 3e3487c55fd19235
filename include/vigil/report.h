// ScanReport: the verdict of one scan. A verdict is never an error code.
#ifndef VIGIL_REPORT_H_
#define VIGIL_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/status.h"

namespace vigil {

struct Detection {
  std::string name;  // as clamscan prints it, e.g. "Eicar-Signature.UNOFFICIAL"
  // Layers from the top-level object to the one that matched; empty when it
  // was the top-level object itself, e.g. {"a.zip", "b.tar"} for a match in
  // member "c.exe" of b.tar inside a.zip ({"a.zip","b.tar","c.exe"}).
  std::vector<std::string> layers;
  // "hash", "body", "logical" or "heuristic".
  std::string kind;
};

// Why an object was not scanned completely.
enum class LimitKind {
  kMaxFileSize,
  kMaxScanSize,
  kMaxFiles,
  kMaxRecursion,
  kMaxScanTime,
  kMaxCompressionRatio,  // vigil's own: no ClamAV equivalent
};
const char* LimitName(LimitKind kind);  // "MaxFileSize", ...

struct LimitHit {
  LimitKind kind;
  std::vector<std::string> layers;  // where it happened, as in Detection
};

struct ScanReport {
  std::vector<Detection> detections;
  // Limits that stopped part of the scan. Non-empty means "not fully
  // scanned": such an object is never reported as plain clean in JSON.
  std::vector<LimitHit> limits_hit;
  // Problems inside the object that did not stop the scan (a truncated
  // archive member, a corrupt header): the result is partial.
  std::vector<std::string> notes;
  // The object itself could not be scanned (unreadable, vanished). When set,
  // detections may still hold what was found before the error.
  std::optional<Status> error;

  uint64_t bytes_read = 0;       // bytes of the top-level object
  uint64_t bytes_scanned = 0;    // bytes matched, extracted children included
  uint32_t objects_scanned = 0;  // the object plus extracted children
  double seconds = 0;
  // The object was empty (clamscan prints "Empty file" for top-level files).
  bool empty = false;
  // MD5 of the top-level object, 32 lower-case hex digits: set for an
  // infected object when ScanOptions::md5_of_infected, else empty.
  std::string md5;

  bool infected() const { return !detections.empty(); }
  bool fully_scanned() const { return limits_hit.empty() && !error; }
};

}  // namespace vigil

#endif  // VIGIL_REPORT_H_

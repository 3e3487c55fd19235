// Helpers shared by the signature parser tests: load text in memory, and
// build ClamAV containers (tar, gzip, header, .info manifest) from parts.
#ifndef VIGIL_TESTS_UNIT_SIGS_SIGS_TEST_UTIL_H_
#define VIGIL_TESTS_UNIT_SIGS_SIGS_TEST_UTIL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigs/diagnostic.h"
#include "sigs/ir.h"
#include "sigs/loader.h"
#include "vigil/status.h"

namespace vigil::sigs::testing {

struct Loaded {
  Status status;
  SignatureSet set;
  std::vector<Diagnostic> diagnostics;

  // The first error diagnostic, formatted; empty when there is none.
  std::string Error() const;
  // The code of the first error diagnostic ("E0201"), or "".
  std::string Code() const;
};

// Loads `content` as the database `name` (its extension picks the format).
Loaded Load(std::string_view name, std::string_view content,
            const LoadOptions& options = {});

// Loads one line as a database of type `ext` ("ndb") and returns the first
// error code, or "OK".
std::string CodeOf(std::string_view ext, std::string_view line);

// --- containers

using Members = std::vector<std::pair<std::string, std::string>>;

std::string Tar(const Members& members);
std::string Gzip(std::string_view data);
std::string Md5Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);

struct ContainerSpec {
  Members members;  // database members (COPYING is added)
  uint32_t version = 5;
  uint32_t signatures = 1;
  uint32_t flevel = 216;
  int64_t build_seconds = 1624412045;
  bool dsig = false;  // .cvd/.cld manifests need one
  bool compress = true;
  std::string md5;  // empty: the real MD5 of the body
};
// A whole .cvd/.cld/.cud file, with a matching golden.info manifest.
std::string Container(const ContainerSpec& spec);

}  // namespace vigil::sigs::testing

#endif  // VIGIL_TESTS_UNIT_SIGS_SIGS_TEST_UTIL_H_

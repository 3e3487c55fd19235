// Shared by the signature-parser fuzz targets: the invariant every load
// must keep, whatever the input.
#ifndef VIGIL_FUZZ_SUPPORT_SIGS_CHECK_H_
#define VIGIL_FUZZ_SUPPORT_SIGS_CHECK_H_

#include <cstdlib>
#include <vector>

#include "sigs/loader.h"

namespace vigil::fuzz {

// A failed load must explain itself with exactly one error diagnostic; a
// successful one has none.
inline void CheckLoadResult(const Status& st,
                            const std::vector<sigs::Diagnostic>& diags) {
  size_t errors = 0;
  for (const auto& d : diags) errors += d.severity == sigs::Severity::kError;
  if (st.ok() ? errors != 0 : errors != 1) std::abort();
}

}  // namespace vigil::fuzz

#endif  // VIGIL_FUZZ_SUPPORT_SIGS_CHECK_H_

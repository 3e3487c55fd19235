// Fuzzes the loader on .ldb files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sigs/loader.h"

namespace {

// A failed load must explain itself with exactly one error diagnostic.
void CheckResult(const vigil::Status& st,
                 const std::vector<vigil::sigs::Diagnostic>& diags) {
  size_t errors = 0;
  for (const auto& d : diags) {
    errors += d.severity == vigil::sigs::Severity::kError;
  }
  if (st.ok() ? errors != 0 : errors != 1) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigil::sigs::SignatureSet set;
  std::vector<vigil::sigs::Diagnostic> diags;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckResult(vigil::sigs::LoadDatabaseText("f.ldb", text, {}, &set, &diags),
              diags);
  return 0;
}

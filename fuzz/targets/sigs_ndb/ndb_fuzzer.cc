// Fuzzes the loader on .ndb files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sigs/loader.h"
#include "support/sigs_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigil::sigs::SignatureSet set;
  std::vector<vigil::sigs::Diagnostic> diags;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  vigil::fuzz::CheckLoadResult(
      vigil::sigs::LoadDatabaseText("f.ndb", text, {}, &set, &diags), diags);
  return 0;
}

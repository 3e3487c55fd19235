// Fuzzes the loader on hash databases. The first byte picks the extension.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sigs/loader.h"
#include "support/sigs_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kNames[] = {"f.hdb", "f.hsb", "f.mdb", "f.msb",
                                       "f.imp", "f.fp",  "f.sfp", "f.hdu"};
  vigil::sigs::LoadOptions options;
  options.detect_pua = true;
  vigil::sigs::SignatureSet set;
  std::vector<vigil::sigs::Diagnostic> diags;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  vigil::fuzz::CheckLoadResult(
      vigil::sigs::LoadDatabaseText(kNames[data[0] % 8], text, options, &set,
                                    &diags),
      diags);
  return 0;
}

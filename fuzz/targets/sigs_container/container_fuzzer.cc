// Fuzzes the loader on containers. The first byte picks .cvd, .cld or .cud;
// unpacking is capped at 64 MiB.
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
  static const char* const kNames[] = {"daily.cvd", "daily.cld", "daily.cud"};
  vigil::sigs::LoadOptions options;
  options.max_container_bytes = 64 << 20;
  options.detect_pua = data[0] & 4;
  vigil::sigs::SignatureSet set;
  std::vector<vigil::sigs::Diagnostic> diags;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  vigil::fuzz::CheckLoadResult(
      vigil::sigs::LoadDatabaseText(kNames[data[0] % 3], text, options, &set,
                                    &diags),
      diags);
  return 0;
}

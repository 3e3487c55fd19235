// Fuzzes the loader on an ignore list followed by a database. The input is
// split at the first NUL: an .ign2 list, then an .ndb or .hdb file (by the
// first byte of the second part).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sigs/loader.h"
#include "support/sigs_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  size_t nul = all.find('\0');
  std::string_view list = all.substr(0, nul);
  std::string_view db =
      nul == std::string_view::npos ? "" : all.substr(nul + 1);
  vigil::sigs::SignatureSet set;
  std::vector<vigil::sigs::Diagnostic> diags;
  vigil::Status st =
      vigil::sigs::LoadDatabaseText("f.ign2", list, {}, &set, &diags);
  vigil::fuzz::CheckLoadResult(st, diags);
  if (!st.ok() || db.empty()) return 0;
  const char* name = (db[0] & 1) ? "f.hdb" : "f.ndb";
  diags.clear();
  vigil::fuzz::CheckLoadResult(
      vigil::sigs::LoadDatabaseText(name, db.substr(1), {}, &set, &diags),
      diags);
  return 0;
}

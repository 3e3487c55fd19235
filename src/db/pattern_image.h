// Vectorscan databases stored ready to use inside a compiled database file.
//
// Vectorscan's public API loads a database with hs_deserialize_database*,
// which copies the bytecode into fresh memory: for a large signature set
// that copy alone would cost more than everything else of opening a
// database. So the compiler stores the *deserialized* database (the bytes of
// an hs_database_t, made by hs_deserialize_database_at into a page-aligned
// buffer) at a page-aligned offset of the file, and the reader hands a
// pointer into the read-only mapping straight to hs_scan.
//
// This relies on two properties of the database layout (Vectorscan 5.4):
// the bytecode is position independent (serialisation is a plain copy), and
// its alignment is computed relative to the hs_database_t's address, which
// is page aligned both when the image is made and when it is mapped. The
// reader only accepts images made by the very same library version and
// for CPU features the host has (checked from the file header), and checks
// the image's own header fields (magic, version, lengths) before use.
#ifndef VIGIL_DB_PATTERN_IMAGE_H_
#define VIGIL_DB_PATTERN_IMAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "vigil/bytes.h"
#include "vigil/status.h"

struct hs_database;

namespace vigil::db {

struct HostPlatform {
  uint64_t cpu_features = 0;
  uint32_t tune = 0;
  std::string feature_names;  // "avx2,avx512" for humans
};
HostPlatform CurrentPlatform();
std::string PatternEngineVersion();  // "Vectorscan 5.4.9 ..." (hs_version())

// Turns a compiled database into a page-aligned image (caller keeps
// ownership of `db`).
Result<std::vector<std::byte>> MakePatternImage(const hs_database* db);

// Checks an image read from a file; returns the database pointer inside it.
// REQUIRES: image.data() is page aligned.
Result<const hs_database*> UsePatternImage(ByteView image);

}  // namespace vigil::db

#endif  // VIGIL_DB_PATTERN_IMAGE_H_

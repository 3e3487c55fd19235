// Database formats by file name, as ClamAV's loader dispatches them (by
// extension, case-insensitively).
#ifndef VIGIL_SIGS_CLAMAV_DB_FORMAT_H_
#define VIGIL_SIGS_CLAMAV_DB_FORMAT_H_

#include <cstdint>
#include <string_view>

namespace vigil::sigs::clamav {

enum class DbFormat : uint8_t {
  kFileHash,     // .hdb .hsb (.hdu .hsu)
  kSectionHash,  // .mdb .msb (.mdu .msu)
  kImportHash,   // .imp
  kAllowMd5,     // .fp
  kAllowSha,     // .sfp
  kBody,         // .ndb (.ndu)
  kLogical,      // .ldb (.ldu)
  kIgnore,       // .ign .ign2
  kLegacy,       // .db
  kCvd,          // .cvd
  kCld,          // .cld
  kCud,          // .cud
  // ClamAV formats vigil does not load yet: skipped with a warning.
  kUnsupported,  // .cdb .cbc .pdb .gdb .wdb .ftm .cfg .crb .cat .pwdb .idb
                 // .yar .yara .info
  kNotDatabase,  // anything else
};

struct DbFileKind {
  DbFormat format = DbFormat::kNotDatabase;
  bool pua = false;  // a PUA variant (.?du): loaded only on request
};

DbFileKind ClassifyDbFileName(std::string_view name);

inline bool IsContainer(DbFormat f) {
  return f == DbFormat::kCvd || f == DbFormat::kCld || f == DbFormat::kCud;
}
inline bool IsLoadable(DbFormat f) {
  return f != DbFormat::kUnsupported && f != DbFormat::kNotDatabase;
}

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_DB_FORMAT_H_

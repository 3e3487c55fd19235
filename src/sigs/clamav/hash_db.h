// Hash signature lines: .hdb .hsb .hdu .hsu (file hashes), .mdb .msb .mdu
// .msu (PE section hashes, size first), .imp (PE import table hashes), and
// the .fp/.sfp allow lists. MD5, SHA1 or SHA256 is chosen by the hash's
// length in every one of them (ClamAV accepts all three everywhere).
// Tested by tests/unit/sigs/hash_db_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_HASH_DB_H_
#define VIGIL_SIGS_CLAMAV_HASH_DB_H_

#include <string_view>

#include "sigs/clamav/parse_status.h"
#include "sigs/clamav/sig_sink.h"
#include "sigs/ir.h"

namespace vigil::sigs::clamav {

struct HashFormat {
  HashScope scope = HashScope::kFile;
  bool size_first = false;  // .mdb/.msb: Size:Hash:Name
  bool allow_list = false;  // .fp/.sfp: the entry goes to SignatureSet::allows
  // Size '*' needs ":73" or a later minimum FLEVEL (not in .imp files).
  bool wildcard_needs_flevel = true;
};

// Parses one non-comment line `Hash:Size:Name[:MinFL[:MaxFL]]` (or
// `Size:Hash:Name...`) and hands the signature to `sink`.
ParseStatus ParseHashLine(std::string_view line, const HashFormat& format,
                          SigSink* sink);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_HASH_DB_H_

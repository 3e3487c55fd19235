// Reads the members of a tar archive held in memory (the body of a ClamAV
// .cvd/.cld/.cud container), without copying or extracting anything.
// Tested by tests/unit/sigs/container_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_TAR_READER_H_
#define VIGIL_SIGS_CLAMAV_TAR_READER_H_

#include <string>
#include <vector>

#include "sigs/clamav/parse_status.h"
#include "vigil/bytes.h"

namespace vigil::sigs::clamav {

struct TarMember {
  std::string name;
  ByteView data;  // points into the archive
};

// Lists the regular files of `archive` in archive order. Stops at the first
// all-zero block (the end marker) or at the end of the data; a partial
// header block is an error. Errors have no position (`where` is null).
ParseStatus ReadTar(ByteView archive, std::vector<TarMember>* members);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_TAR_READER_H_

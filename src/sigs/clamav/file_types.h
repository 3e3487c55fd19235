// The CL_TYPE_* names ClamAV 1.4.6 accepts in .ldb target descriptions
// (Container, Intermediates, HandlerType). A signature naming any other type
// is skipped by ClamAV, and by vigil.
#ifndef VIGIL_SIGS_CLAMAV_FILE_TYPES_H_
#define VIGIL_SIGS_CLAMAV_FILE_TYPES_H_

#include <string_view>

namespace vigil::sigs::clamav {

bool IsKnownClType(std::string_view name);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_FILE_TYPES_H_

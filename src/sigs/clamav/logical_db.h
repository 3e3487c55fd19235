// Logical signatures (.ldb, PUA .ldu):
// `Name;TargetDescriptionBlock;LogicalExpression;Subsig0[;Subsig1...]`,
// at most 64 subsignatures. Tested by tests/unit/sigs/logical_db_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_LOGICAL_DB_H_
#define VIGIL_SIGS_CLAMAV_LOGICAL_DB_H_

#include <string_view>

#include "sigs/clamav/parse_status.h"
#include "sigs/clamav/sig_sink.h"

namespace vigil::sigs::clamav {

inline constexpr size_t kMaxSubsigs = 64;

ParseStatus ParseLdbLine(std::string_view line, SigSink* sink);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_LOGICAL_DB_H_

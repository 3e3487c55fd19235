// Extended body signatures (.ndb, PUA .ndu):
// `Name:TargetType:Offset:HexSig[:MinFL[:MaxFL]]`, and legacy .db lines
// `Name=HexSig`. Tested by tests/unit/sigs/body_db_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_BODY_DB_H_
#define VIGIL_SIGS_CLAMAV_BODY_DB_H_

#include <string_view>

#include "sigs/clamav/parse_status.h"
#include "sigs/clamav/sig_sink.h"

namespace vigil::sigs::clamav {

ParseStatus ParseNdbLine(std::string_view line, SigSink* sink);

// Legacy .db: the name runs to the first '=' (it may hold spaces, '#', '/',
// '('), the rest is a hex signature of target 0 at any offset.
ParseStatus ParseLegacyDbLine(std::string_view line, SigSink* sink);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_BODY_DB_H_

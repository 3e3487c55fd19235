// .ldb subsignatures: body patterns `[Offset:]HexSig[::Modifiers]`, macros
// `${Min-Max}Group$`, byte compares `Trigger(>>Off#Options#Comparisons)`,
// PCRE `[Offset:]Trigger/Regex/[Flags]` and `fuzzy_img#Hash[#Distance]`.
// Tested by tests/unit/sigs/subsig_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_SUBSIG_H_
#define VIGIL_SIGS_CLAMAV_SUBSIG_H_

#include <cstdint>
#include <string_view>

#include "sigs/clamav/parse_status.h"
#include "sigs/ir.h"

namespace vigil::sigs::clamav {

struct SubsigContext {
  uint32_t index = 0;   // this subsignature's position in the line
  uint32_t target = 0;  // the TDB's Target
};

ParseStatus ParseSubsig(std::string_view text, const SubsigContext& context,
                        Subsig* out);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_SUBSIG_H_

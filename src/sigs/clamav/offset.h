// ClamAV signature offsets: `*`, `n`, `EOF-n`, `EP+n`, `EP-n`, `Sx+n`, `SEx`,
// `SL+n`, `VI`, `$n`, each (but `*`) optionally floating as `Offset,MaxShift`.
// Used by .ndb lines and by .ldb body and PCRE subsignatures.
// Tested by tests/unit/sigs/offset_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_OFFSET_H_
#define VIGIL_SIGS_CLAMAV_OFFSET_H_

#include <cstdint>
#include <string_view>

#include "sigs/clamav/parse_status.h"
#include "sigs/ir.h"

namespace vigil::sigs::clamav {

struct ParsedOffset {
  Offset offset;
  // Written with ",MaxShift" (even ",0"): ClamAV then never uses its
  // Boyer-Moore matcher for the signature.
  bool floating = false;
};

// ClamAV's target types: 0..14 are defined; the executable-relative offsets
// (EP, Sx, SE, SL, VI) need PE (1), ELF (6) or Mach-O (9).
inline constexpr uint32_t kTargetTypeCount = 15;
bool IsExecutableTarget(uint32_t target);

// Parses `text` as the offset of a signature of `target`.
ParseStatus ParseOffset(std::string_view text, uint32_t target,
                        ParsedOffset* out);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_OFFSET_H_

// ClamAV's extended hex signature syntax -> sigs::Pattern.
//
// Accepts exactly what ClamAV 1.4 accepts when it loads a body signature,
// observed with clamscan on crafted one-line databases; see the essay at the
// top of hex_pattern.cc for the rules and docs/signature-diagnostics.md for
// each rejection. Tested by tests/unit/sigs/hex_pattern_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_HEX_PATTERN_H_
#define VIGIL_SIGS_CLAMAV_HEX_PATTERN_H_

#include <string_view>

#include "sigs/clamav/parse_status.h"
#include "sigs/ir.h"

namespace vigil::sigs::clamav {

struct HexPatternOptions {
  // ClamAV sends a pure-literal pattern (only hex digit pairs) of some
  // .ndb/.db signatures to its Boyer-Moore matcher, which needs 3 bytes
  // instead of the Aho-Corasick matcher's 2. The caller knows when (target,
  // offset); the parser knows whether the pattern is a pure literal.
  bool literal_needs_three = false;
  // ClamAV runs the signatures of some target types (0, 1, 4 and 7)
  // through a prefilter that refuses a class (B)/(L)/(W) or an alternative
  // block that follows fewer than 2 plain positions, or only `??` (see
  // hex_pattern.cc). ClassPositionMatters() says for which targets.
  bool class_position_rule = false;
  // .ldb subsignature modifiers. `nocase` folds letters into byte sets in
  // the output; the others only change validation (the compiler builds the
  // wide form from SubsigModifiers). With any modifier ClamAV treats every
  // alternative block as generic, and with ::w or ::f it reads `[x-y]` as
  // `{x-y}`.
  bool nocase = false;
  bool wide = false;
  bool ascii = false;
  bool fullword = false;
};

// Whether ClamAV applies the class-position rule to signatures of `target`.
bool ClassPositionMatters(uint32_t target);

// Parses `text` into `out` (replacing its contents). On error the status
// points at the offending character of `text`.
ParseStatus ParseHexPattern(std::string_view text,
                            const HexPatternOptions& options, Pattern* out);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_HEX_PATTERN_H_

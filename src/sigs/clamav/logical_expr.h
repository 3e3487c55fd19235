// Logical expressions of .ldb signatures (and PCRE triggers):
//
//   expr     := term [ ('&' | '|') expr ]
//   term     := primary [ ('=' | '>' | '<') count [ ',' [ distinct ] ] ]
//   primary  := subsig-index | '(' expr ')'
//
// Spaces between tokens are ignored. There is no precedence: like ClamAV,
// an expression splits at its first top-level operator, so `0&1|2` means
// `0&(1|2)` (checked with clamscan). Runs of one operator are flattened.
// Tested by tests/unit/sigs/logical_expr_test.cc.
#ifndef VIGIL_SIGS_CLAMAV_LOGICAL_EXPR_H_
#define VIGIL_SIGS_CLAMAV_LOGICAL_EXPR_H_

#include <cstdint>
#include <string_view>

#include "sigs/clamav/parse_status.h"
#include "sigs/ir.h"

namespace vigil::sigs::clamav {

// Parses `text` into `out`; `max_index` receives the largest subsignature
// index it mentions.
ParseStatus ParseLogicalExpression(std::string_view text, Expr* out,
                                   uint32_t* max_index);

}  // namespace vigil::sigs::clamav

#endif  // VIGIL_SIGS_CLAMAV_LOGICAL_EXPR_H_

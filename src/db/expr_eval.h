// Evaluation of ClamAV logical expressions: postfix db::ExprOp programs
// over subsignature match counts.
//
// Each sub-expression has a value (holds or not), a count and a set of
// subsignature ids (docs/matching-semantics.md section 4, every rule
// observed on clamscan 1.4.6):
// - a leaf holds when its count is above zero, or, with a condition
//   (`=X`, `>X`, `<X`), when the condition holds (also for 0 matches); when
//   it holds it contributes its count and its id (`,Y` is ignored);
// - `&` / `|` hold as the Boolean says and then contribute the sum of their
//   parts' counts and the union of their ids, nothing when they fail;
// - a block with a condition holds when its junction's count (0 if the
//   junction failed) meets it and, with Y, at least Y ids are in its set;
//   it contributes its count but no ids.
#ifndef VIGIL_DB_EXPR_EVAL_H_
#define VIGIL_DB_EXPR_EVAL_H_

#include <cstdint>
#include <span>

#include "core/function_ref.h"
#include "db/format.h"

namespace vigil::db {

// `count(i)`: the match count of subsignature i. False for a malformed
// program (a damaged database) as well.
bool EvalExpr(std::span<const ExprOp> ops,
              core::FunctionRef<uint64_t(uint32_t)> count);

}  // namespace vigil::db

#endif  // VIGIL_DB_EXPR_EVAL_H_

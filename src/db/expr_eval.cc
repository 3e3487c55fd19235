#include "db/expr_eval.h"

#include <bit>
#include <vector>

namespace vigil::db {

namespace {

struct Value {
  bool holds = false;
  uint64_t count = 0;
  uint64_t ids = 0;  // bit i: subsignature i
};

bool CountHolds(CountOp op, uint64_t value, uint64_t x) {
  switch (op) {
    case CountOp::kNone:
      return value > 0;
    case CountOp::kEq:
      return value == x;
    case CountOp::kGt:
      return value > x;
    case CountOp::kLt:
      return value < x;
  }
  return false;
}

}  // namespace

bool EvalExpr(std::span<const ExprOp> ops,
              core::FunctionRef<uint64_t(uint32_t)> count) {
  std::vector<Value> stack;
  stack.reserve(16);
  for (const ExprOp& op : ops) {
    if (op.count_op > static_cast<uint8_t>(CountOp::kLt)) return false;
    const auto cond = static_cast<CountOp>(op.count_op);
    switch (static_cast<ExprOpCode>(op.code)) {
      case ExprOpCode::kLeaf: {
        const uint64_t c = count(op.arg);
        Value v;
        if (CountHolds(cond, c, op.count)) {
          v = Value{true, c, op.arg < 64 ? uint64_t{1} << op.arg : 0};
        }
        stack.push_back(v);
        break;
      }
      case ExprOpCode::kAnd:
      case ExprOpCode::kOr: {
        if (op.arg == 0 || op.arg > stack.size()) return false;
        const bool is_and = op.code == static_cast<uint8_t>(ExprOpCode::kAnd);
        Value sum{is_and, 0, 0};
        for (size_t k = stack.size() - op.arg; k < stack.size(); ++k) {
          sum.holds = is_and ? (sum.holds && stack[k].holds)
                             : (sum.holds || stack[k].holds);
          sum.count += stack[k].count;
          sum.ids |= stack[k].ids;
        }
        stack.resize(stack.size() - op.arg);
        if (!sum.holds) sum = Value{};
        if (cond != CountOp::kNone) {
          const bool ok =
              CountHolds(cond, sum.count, op.count) &&
              static_cast<uint32_t>(std::popcount(sum.ids)) >= op.distinct;
          sum = ok ? Value{true, sum.count, 0} : Value{};
        }
        stack.push_back(sum);
        break;
      }
      default:
        return false;
    }
  }
  return stack.size() == 1 && stack.back().holds;
}

}  // namespace vigil::db

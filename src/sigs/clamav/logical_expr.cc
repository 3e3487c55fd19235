#include "sigs/clamav/logical_expr.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace vigil::sigs::clamav {

namespace {

// Deep nesting only arises from hostile input; ClamAV's own expressions
// stay far below this.
constexpr int kMaxDepth = 200;

class ExprParser {
 public:
  explicit ExprParser(std::string_view text)
      : p_(text.data()), end_(text.data() + text.size()) {}

  ParseStatus Parse(Expr* out, uint32_t* max_index) {
    SkipSpaces();
    if (p_ == end_) return Error("empty logical expression");
    VIGIL_SIGS_RETURN_IF_ERROR(ParseExpr(out, 0));
    SkipSpaces();
    if (p_ != end_) {
      return *p_ == ')' ? Error("')' without a matching '('")
                        : Error(std::string("unexpected '") + *p_ + "'");
    }
    *max_index = max_index_;
    return ParseStatus::Ok();
  }

 private:
  ParseStatus Error(std::string message) const {
    return ParseStatus::Error(DiagCode::kExprSyntax, p_, std::move(message));
  }

  void SkipSpaces() {
    while (p_ < end_ && *p_ == ' ') ++p_;
  }

  bool IsDigitAt() const { return p_ < end_ && *p_ >= '0' && *p_ <= '9'; }

  ParseStatus ReadNumber(uint32_t* value, const char* what) {
    SkipSpaces();
    if (!IsDigitAt()) return Error(std::string("missing ") + what);
    uint64_t v = 0;
    while (IsDigitAt()) {
      v = std::min<uint64_t>(v * 10 + static_cast<uint64_t>(*p_ - '0'),
                             std::numeric_limits<uint32_t>::max());
      ++p_;
    }
    *value = static_cast<uint32_t>(v);
    return ParseStatus::Ok();
  }

  // Reads `term (op term)*` and builds it right-associated (ClamAV splits
  // at the first operator), flattening runs of one operator.
  ParseStatus ParseExpr(Expr* out, int depth) {
    if (depth > kMaxDepth) return Error("expression nested too deeply");
    std::vector<Expr> terms(1);
    std::vector<Expr::Kind> ops;
    VIGIL_SIGS_RETURN_IF_ERROR(ParseTerm(&terms.back(), depth));
    while (true) {
      SkipSpaces();
      if (p_ == end_ || (*p_ != '&' && *p_ != '|')) break;
      ops.push_back(*p_ == '&' ? Expr::Kind::kAnd : Expr::Kind::kOr);
      ++p_;
      SkipSpaces();
      if (p_ == end_) return Error("missing right operand");
      terms.emplace_back();
      VIGIL_SIGS_RETURN_IF_ERROR(ParseTerm(&terms.back(), depth));
    }
    return Combine(std::move(terms), ops, out, depth);
  }

  ParseStatus Combine(std::vector<Expr> terms,
                      const std::vector<Expr::Kind>& ops, Expr* out,
                      int depth) {
    Expr node = std::move(terms.back());
    for (size_t i = ops.size(); i-- > 0;) {
      if (node.kind == ops[i] && node.op == Expr::CountOp::kNone &&
          !node.children.empty()) {
        node.children.insert(node.children.begin(), std::move(terms[i]));
        continue;
      }
      if (++depth > kMaxDepth) return Error("expression nested too deeply");
      Expr parent;
      parent.kind = ops[i];
      parent.children.push_back(std::move(terms[i]));
      parent.children.push_back(std::move(node));
      node = std::move(parent);
    }
    *out = std::move(node);
    return ParseStatus::Ok();
  }

  ParseStatus ParseTerm(Expr* out, int depth) {
    SkipSpaces();
    if (p_ == end_) return Error("missing operand");
    if (*p_ == '(') {
      ++p_;
      VIGIL_SIGS_RETURN_IF_ERROR(ParseExpr(out, depth + 1));
      SkipSpaces();
      if (p_ == end_ || *p_ != ')') return Error("missing ')'");
      ++p_;
    } else if (IsDigitAt()) {
      out->kind = Expr::Kind::kSubsig;
      VIGIL_SIGS_RETURN_IF_ERROR(ReadNumber(&out->subsig, "index"));
      max_index_ = std::max(max_index_, out->subsig);
    } else if (*p_ == '&' || *p_ == '|') {
      return Error("missing left operand");
    } else {
      return Error(std::string("unexpected '") + *p_ + "'");
    }
    return ParseCount(out);
  }

  ParseStatus ParseCount(Expr* out) {
    SkipSpaces();
    if (p_ == end_ || (*p_ != '=' && *p_ != '>' && *p_ != '<')) {
      return ParseStatus::Ok();
    }
    if (out->op != Expr::CountOp::kNone) {
      return Error("a sub-expression takes one count condition");
    }
    char op = *p_++;
    out->op = op == '='   ? Expr::CountOp::kEq
              : op == '>' ? Expr::CountOp::kGt
                          : Expr::CountOp::kLt;
    VIGIL_SIGS_RETURN_IF_ERROR(ReadNumber(
        &out->count, (std::string("number after '") + op + "'").c_str()));
    SkipSpaces();
    if (p_ == end_ || *p_ != ',') return ParseStatus::Ok();
    ++p_;
    SkipSpaces();
    // ClamAV accepts "A=X," (no distinct count).
    if (!IsDigitAt()) return ParseStatus::Ok();
    uint32_t distinct = 0;
    VIGIL_SIGS_RETURN_IF_ERROR(ReadNumber(&distinct, "distinct count"));
    out->distinct = distinct;
    return ParseStatus::Ok();
  }

  const char* p_;
  const char* end_;
  uint32_t max_index_ = 0;
};

}  // namespace

ParseStatus ParseLogicalExpression(std::string_view text, Expr* out,
                                   uint32_t* max_index) {
  *out = Expr();
  return ExprParser(text).Parse(out, max_index);
}

}  // namespace vigil::sigs::clamav

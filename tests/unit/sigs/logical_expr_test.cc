#include "sigs/clamav/logical_expr.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::sigs::clamav {
namespace {

using K = Expr::Kind;
using Op = Expr::CountOp;

Expr Parse(std::string_view text, uint32_t* max = nullptr) {
  Expr e;
  uint32_t m = 0;
  ParseStatus st = ParseLogicalExpression(text, &e, &m);
  EXPECT_TRUE(st.ok()) << text << ": " << (st.ok() ? "" : st.message());
  if (max) *max = m;
  return e;
}

std::string Error(std::string_view text) {
  Expr e;
  uint32_t m = 0;
  ParseStatus st = ParseLogicalExpression(text, &e, &m);
  return st.ok() ? "OK" : st.message();
}

TEST(SigsLogicalExpr, SingleIndex) {
  uint32_t max = 0;
  Expr e = Parse("7", &max);
  EXPECT_EQ(e.kind, K::kSubsig);
  EXPECT_EQ(e.subsig, 7u);
  EXPECT_EQ(max, 7u);
}

TEST(SigsLogicalExpr, RunsAreFlattened) {
  Expr e = Parse("0&1&2&3");
  EXPECT_EQ(e.kind, K::kAnd);
  EXPECT_EQ(e.children.size(), 4u);
}

TEST(SigsLogicalExpr, SplitsAtTheFirstOperatorLikeClamAV) {
  // clamscan: "1&0|2" with only 0 and 2 matching does not alert, so it is
  // 1&(0|2).
  Expr e = Parse("1&0|2");
  ASSERT_EQ(e.kind, K::kAnd);
  ASSERT_EQ(e.children.size(), 2u);
  EXPECT_EQ(e.children[0].subsig, 1u);
  EXPECT_EQ(e.children[1].kind, K::kOr);
  Expr p = Parse("(1&0)|2");
  EXPECT_EQ(p.kind, K::kOr);
}

TEST(SigsLogicalExpr, Counts) {
  Expr a = Parse("0=0");
  EXPECT_EQ(a.op, Op::kEq);
  EXPECT_EQ(a.count, 0u);
  Expr b = Parse("(0|1|2)>5,2");
  EXPECT_EQ(b.kind, K::kOr);
  EXPECT_EQ(b.op, Op::kGt);
  EXPECT_EQ(b.count, 5u);
  EXPECT_EQ(b.distinct, 2u);
  Expr c = Parse("0<3&1=2");
  EXPECT_EQ(c.children[0].op, Op::kLt);
  EXPECT_EQ(c.children[1].op, Op::kEq);
  Expr d = Parse("0=1,");  // ClamAV accepts the dangling comma
  EXPECT_FALSE(d.distinct.has_value());
}

TEST(SigsLogicalExpr, SpacesAreIgnored) {
  Expr e = Parse(" 0 & ( 1 | 2 ) > 1 ");
  EXPECT_EQ(e.kind, K::kAnd);
}

TEST(SigsLogicalExpr, Errors) {
  EXPECT_EQ(Error(""), "empty logical expression");
  EXPECT_EQ(Error("0&"), "missing right operand");
  EXPECT_EQ(Error("&0"), "missing left operand");
  EXPECT_EQ(Error("0&&1"), "missing left operand");
  EXPECT_EQ(Error("(0"), "missing ')'");
  EXPECT_EQ(Error("0)"), "')' without a matching '('");
  EXPECT_EQ(Error("()"), "unexpected ')'");
  EXPECT_EQ(Error("a"), "unexpected 'a'");
  EXPECT_EQ(Error("0="), "missing number after '='");
  EXPECT_EQ(Error("(0>1)<5"), "a sub-expression takes one count condition");
}

TEST(SigsLogicalExpr, DeepNestingIsRefused) {
  std::string deep(300, '(');
  deep += "0";
  deep += std::string(300, ')');
  EXPECT_EQ(Error(deep), "expression nested too deeply");
}

}  // namespace
}  // namespace vigil::sigs::clamav

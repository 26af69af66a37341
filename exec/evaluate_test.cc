// Evaluate's shortcut for two INTEGER operands must agree with the general
// operators of function/ on every operator and corner case.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "exec/executor.h"
#include "function/value_ops.h"

namespace tessera::exec {
namespace {

planner::BoundPtr Constant(int64_t v) {
  auto e = std::make_unique<planner::BoundExpr>();
  e->kind = planner::BoundKind::kConstant;
  e->value = Value::Integer(v);
  return e;
}

// The general path: what function/ computes for `op`.
Value General(ast::Op op, const Value& a, const Value& b) {
  switch (op) {
    case ast::Op::kAdd: return function::Add(a, b);
    case ast::Op::kSub: return function::Subtract(a, b);
    case ast::Op::kMul: return function::Multiply(a, b);
    case ast::Op::kDiv: return function::Divide(a, b);
    case ast::Op::kMod: return function::Remainder(a, b);
    default: break;
  }
  int c = *function::Compare(a, b);
  bool r = op == ast::Op::kLt   ? c < 0
           : op == ast::Op::kLe ? c <= 0
           : op == ast::Op::kGt ? c > 0
           : op == ast::Op::kGe ? c >= 0
           : op == ast::Op::kEq ? c == 0
                                : c != 0;
  return Value::Integer(r ? 1 : 0);
}

TEST(EvaluateTest, IntegerShortcutMatchesGeneralOperators) {
  const std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(), -7, -2, -1, 0, 1, 2,
                                       3, 7, 1 << 30, std::numeric_limits<int64_t>::max()};
  const std::vector<ast::Op> ops = {ast::Op::kAdd, ast::Op::kSub, ast::Op::kMul, ast::Op::kDiv,
                                    ast::Op::kMod, ast::Op::kLt,  ast::Op::kLe,  ast::Op::kGt,
                                    ast::Op::kGe,  ast::Op::kEq,  ast::Op::kNe};
  ExecContext ctx;
  Row row;
  for (ast::Op op : ops) {
    for (int64_t x : values) {
      for (int64_t y : values) {
        planner::BoundExpr e;
        e.kind = planner::BoundKind::kBinary;
        e.op = op;
        e.children.push_back(Constant(x));
        e.children.push_back(Constant(y));
        absl::StatusOr<Value> got = Evaluate(e, row, &ctx);
        ASSERT_TRUE(got.ok()) << got.status();
        Value want = General(op, Value::Integer(x), Value::Integer(y));
        EXPECT_EQ(Value::Compare(*got, want), 0)
            << static_cast<int>(op) << " " << x << " " << y;
        EXPECT_EQ(got->type(), want.type()) << static_cast<int>(op) << " " << x << " " << y;
      }
    }
  }
}

}  // namespace
}  // namespace tessera::exec

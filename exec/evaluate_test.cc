// Evaluate's shortcut for two INTEGER operands must agree with the general
// operators of function/ on every operator and corner case.

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>
#include <limits>
#include <vector>

#include "exec/executor.h"
#include "exec/internal.h"
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

// Random trees of columns, constants and operators over rows of mixed
// types: whenever the integer shortcut answers, it answers what Evaluate
// does; it answers for every all-integer tree without overflow.
TEST(EvaluateTest, IntegerEvaluationAgreesWithEvaluate) {
  std::mt19937 rng(3);
  const std::vector<ast::Op> ops = {ast::Op::kAdd, ast::Op::kSub, ast::Op::kMul, ast::Op::kDiv,
                                    ast::Op::kMod, ast::Op::kLt,  ast::Op::kEq,  ast::Op::kNe,
                                    ast::Op::kGe,  ast::Op::kAnd, ast::Op::kOr,  ast::Op::kConcat};
  std::function<planner::BoundPtr(int)> tree = [&](int depth) -> planner::BoundPtr {
    auto e = std::make_unique<planner::BoundExpr>();
    int pick = depth == 0 ? static_cast<int>(rng() % 2) : static_cast<int>(rng() % 4);
    if (pick == 0) {
      e->kind = planner::BoundKind::kConstant;
      int t = static_cast<int>(rng() % 6);
      e->value = t == 0   ? Value()
                 : t == 1 ? Value::Real(2.5)
                 : t == 2 ? Value::Text("7")
                          : Value::Integer(static_cast<int64_t>(rng() % 21) - 10);
    } else if (pick == 1) {
      e->kind = planner::BoundKind::kColumn;
      e->index = static_cast<int>(rng() % 5);  // 4 is past the row: an error
    } else {
      e->kind = planner::BoundKind::kBinary;
      e->op = ops[rng() % ops.size()];
      e->children.push_back(tree(depth - 1));
      e->children.push_back(tree(depth - 1));
    }
    return e;
  };
  ExecContext ctx;
  int answered = 0;
  for (int i = 0; i < 20000; ++i) {
    Row row = {Value::Integer(static_cast<int64_t>(rng() % 41) - 20),
               Value::Integer(std::numeric_limits<int64_t>::max() - static_cast<int64_t>(rng() % 3)),
               rng() % 4 == 0 ? Value() : Value::Integer(3), Value::Text("x")};
    planner::BoundPtr e = tree(3);
    int64_t fast;
    if (!internal::EvaluateInteger(*e, row, &fast)) continue;
    ++answered;
    absl::StatusOr<Value> general = Evaluate(*e, row, &ctx);
    ASSERT_TRUE(general.ok()) << general.status();
    ASSERT_EQ(general->type(), Type::kInteger);
    ASSERT_EQ(general->integer(), fast);
  }
  EXPECT_GT(answered, 2000);
}

}  // namespace
}  // namespace tessera::exec

#include "exec/internal.h"
#include "function/functions.h"
#include "function/value_ops.h"

namespace tessera::exec {

using internal::Bool;
using planner::BoundExpr;
using planner::BoundKind;

namespace {

// `x op y` for two INTEGER operands when the result is an INTEGER, as the
// function:: operators compute it (comparisons give 0 or 1); false where
// the general path must decide (overflow, division or remainder by 0 or
// -1, operators without an integer shortcut).
bool IntegerBinary(ast::Op op, int64_t x, int64_t y, int64_t* r) {
  switch (op) {
    case ast::Op::kLt: *r = x < y; return true;
    case ast::Op::kLe: *r = x <= y; return true;
    case ast::Op::kGt: *r = x > y; return true;
    case ast::Op::kGe: *r = x >= y; return true;
    case ast::Op::kEq: *r = x == y; return true;
    case ast::Op::kNe: *r = x != y; return true;
    case ast::Op::kAdd: return !__builtin_add_overflow(x, y, r);
    case ast::Op::kSub: return !__builtin_sub_overflow(x, y, r);
    case ast::Op::kMul: return !__builtin_mul_overflow(x, y, r);
    case ast::Op::kDiv:
      if (y == 0 || y == -1) return false;
      *r = x / y;
      return true;
    case ast::Op::kMod:
      if (y == 0 || y == -1) return false;
      *r = x % y;
      return true;
    default:
      return false;
  }
}

}  // namespace

namespace internal {

bool EvaluateInteger(const BoundExpr& e, const Row& row, int64_t* out) {
  switch (e.kind) {
    case BoundKind::kConstant:
      if (e.value.type() != Type::kInteger) return false;
      *out = e.value.integer();
      return true;
    case BoundKind::kColumn: {
      if (e.depth != 0 || e.index < 0 || static_cast<size_t>(e.index) >= row.size()) return false;
      const Value& v = row[e.index];
      if (v.type() != Type::kInteger) return false;
      *out = v.integer();
      return true;
    }
    case BoundKind::kBinary: {
      if (e.op == ast::Op::kAnd || e.op == ast::Op::kOr) return false;
      int64_t x, y;
      if (!EvaluateInteger(*e.children[0], row, &x) || !EvaluateInteger(*e.children[1], row, &y)) {
        return false;
      }
      return IntegerBinary(e.op, x, y, out);
    }
    default:
      return false;
  }
}

}  // namespace internal

absl::StatusOr<Value> Evaluate(const BoundExpr& e, const Row& row,
                               ExecContext* ctx) {
  auto eval = [&](int i) { return Evaluate(*e.children[i], row, ctx); };
  switch (e.kind) {
    case BoundKind::kConstant:
      return e.value;
    case BoundKind::kColumn: {
      const Row* r = &row;
      if (e.depth > 0) {
        if (static_cast<size_t>(e.depth) > ctx->outer.size()) {
          return absl::InternalError("outer row missing for correlated column");
        }
        r = ctx->outer[ctx->outer.size() - e.depth];
      }
      if (e.index < 0 || static_cast<size_t>(e.index) >= r->size()) {
        return absl::InternalError("column index out of range");
      }
      return (*r)[e.index];
    }
    case BoundKind::kSessionValue: {
      if (ctx->session == nullptr) return Value::Integer(0);
      switch (static_cast<planner::SessionValue>(e.index)) {
        case planner::SessionValue::kLastInsertRowid:
          return Value::Integer(ctx->session->last_insert_rowid);
        case planner::SessionValue::kChanges:
          return Value::Integer(ctx->session->changes);
        case planner::SessionValue::kTotalChanges:
          return Value::Integer(ctx->session->total_changes);
      }
      return absl::InternalError("unknown session value");
    }
    case BoundKind::kParameter: {
      if (ctx->params == nullptr || e.index < 1 ||
          static_cast<size_t>(e.index) > ctx->params->size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("no value bound for parameter ", e.index));
      }
      return (*ctx->params)[e.index - 1];
    }
    case BoundKind::kUnary: {
      absl::StatusOr<Value> v = eval(0);
      if (!v.ok()) return v;
      switch (e.op) {
        case ast::Op::kNegate:
          return function::Negate(*v);
        case ast::Op::kPlus:
          return *v;
        case ast::Op::kBitNot:
          return function::BitNot(*v);
        default:
          return function::Not(*v);
      }
    }
    case BoundKind::kBinary: {
      absl::StatusOr<Value> a = eval(0);
      if (!a.ok()) return a;
      // Short-circuit AND/OR like SQLite.
      if (e.op == ast::Op::kAnd) {
        std::optional<bool> t = function::Truth(*a);
        if (t.has_value() && !*t) return Bool(false);
        absl::StatusOr<Value> b = eval(1);
        if (!b.ok()) return b;
        return function::And(*a, *b);
      }
      if (e.op == ast::Op::kOr) {
        std::optional<bool> t = function::Truth(*a);
        if (t.has_value() && *t) return Bool(true);
        absl::StatusOr<Value> b = eval(1);
        if (!b.ok()) return b;
        return function::Or(*a, *b);
      }
      absl::StatusOr<Value> b = eval(1);
      if (!b.ok()) return b;
      if (a->type() == Type::kInteger && b->type() == Type::kInteger) {
        // Two integers (the common case): no conversions. Overflow and the
        // corner cases of / and % take the general path below.
        if (int64_t r; IntegerBinary(e.op, a->integer(), b->integer(), &r)) {
          return Value::Integer(r);
        }
      }
      switch (e.op) {
        case ast::Op::kConcat: return function::Concat(*a, *b);
        case ast::Op::kJsonGet: return function::JsonArrow(*a, *b, /*sql_value=*/false);
        case ast::Op::kJsonGetText: return function::JsonArrow(*a, *b, /*sql_value=*/true);
        case ast::Op::kMul: return function::Multiply(*a, *b);
        case ast::Op::kDiv: return function::Divide(*a, *b);
        case ast::Op::kMod: return function::Remainder(*a, *b);
        case ast::Op::kAdd: return function::Add(*a, *b);
        case ast::Op::kSub: return function::Subtract(*a, *b);
        case ast::Op::kShiftLeft: return function::ShiftLeft(*a, *b);
        case ast::Op::kShiftRight: return function::ShiftRight(*a, *b);
        case ast::Op::kBitAnd: return function::BitAnd(*a, *b);
        case ast::Op::kBitOr: return function::BitOr(*a, *b);
        case ast::Op::kIs: return Bool(!function::IsDistinctFrom(*a, *b));
        case ast::Op::kIsNot: return Bool(function::IsDistinctFrom(*a, *b));
        default: break;
      }
      std::optional<int> c = function::Compare(*a, *b);
      if (!c.has_value()) return Value::Null();
      switch (e.op) {
        case ast::Op::kLt: return Bool(*c < 0);
        case ast::Op::kLe: return Bool(*c <= 0);
        case ast::Op::kGt: return Bool(*c > 0);
        case ast::Op::kGe: return Bool(*c >= 0);
        case ast::Op::kEq: return Bool(*c == 0);
        case ast::Op::kNe: return Bool(*c != 0);
        default:
          return absl::InternalError("unknown binary operator");
      }
    }
    case BoundKind::kIsNull: {
      absl::StatusOr<Value> v = eval(0);
      if (!v.ok()) return v;
      return Bool(v->is_null() != e.negated);
    }
    case BoundKind::kBetween: {
      absl::StatusOr<Value> x = eval(0), lo = eval(1), hi = eval(2);
      if (!x.ok()) return x;
      if (!lo.ok()) return lo;
      if (!hi.ok()) return hi;
      std::optional<int> a = function::Compare(*x, *lo), b = function::Compare(*x, *hi);
      Value ge = a.has_value() ? Bool(*a >= 0) : Value::Null();
      Value le = b.has_value() ? Bool(*b <= 0) : Value::Null();
      Value r = function::And(ge, le);
      return e.negated ? function::Not(r) : r;
    }
    case BoundKind::kInList:
    case BoundKind::kInSubquery: {
      if (e.kind == BoundKind::kInSubquery && e.correlated) {
        absl::StatusOr<std::optional<Value>> probed = internal::ProbeSemiJoin(e, row, ctx);
        if (!probed.ok()) return probed.status();
        if (probed->has_value()) return **probed;
      }
      absl::StatusOr<Value> x = eval(0);
      if (!x.ok()) return x;
      std::vector<Value> candidates;
      if (e.kind == BoundKind::kInList) {
        for (size_t i = 1; i < e.children.size(); ++i) {
          absl::StatusOr<Value> v = eval(static_cast<int>(i));
          if (!v.ok()) return v;
          candidates.push_back(*std::move(v));
        }
      } else {
        absl::StatusOr<std::vector<Row>> rows = internal::RunSubquery(e, row, ctx);
        if (!rows.ok()) return rows.status();
        for (Row& r : *rows) candidates.push_back(std::move(r[0]));
      }
      return internal::InResult(*x, candidates, e.negated);
    }
    case BoundKind::kExists: {
      if (e.correlated) {
        absl::StatusOr<std::optional<Value>> probed = internal::ProbeSemiJoin(e, row, ctx);
        if (!probed.ok()) return probed.status();
        if (probed->has_value()) return **probed;
      }
      absl::StatusOr<std::vector<Row>> rows = internal::RunSubquery(e, row, ctx);
      if (!rows.ok()) return rows.status();
      return Bool(!rows->empty() != e.negated);
    }
    case BoundKind::kScalarSubquery: {
      absl::StatusOr<std::vector<Row>> rows = internal::RunSubquery(e, row, ctx);
      if (!rows.ok()) return rows.status();
      if (rows->empty()) return Value::Null();
      return (*rows)[0][0];
    }
    case BoundKind::kCase: {
      size_t i = 0;
      Value operand;
      if (e.has_operand) {
        absl::StatusOr<Value> v = eval(0);
        if (!v.ok()) return v;
        operand = *std::move(v);
        i = 1;
      }
      size_t end = e.children.size() - (e.has_else ? 1 : 0);
      for (; i + 1 < end; i += 2) {
        absl::StatusOr<Value> w = eval(static_cast<int>(i));
        if (!w.ok()) return w;
        bool hit;
        if (e.has_operand) {
          std::optional<int> c = function::Compare(operand, *w);
          hit = c.has_value() && *c == 0;
        } else {
          hit = function::Truth(*w).value_or(false);
        }
        if (hit) return eval(static_cast<int>(i + 1));
      }
      if (e.has_else) return eval(static_cast<int>(e.children.size() - 1));
      return Value::Null();
    }
    case BoundKind::kAffinity: {
      absl::StatusOr<Value> v = eval(0);
      if (!v.ok()) return v;
      return function::ApplyAffinity(*v, e.cast_type);
    }
    case BoundKind::kCast: {
      absl::StatusOr<Value> v = eval(0);
      if (!v.ok()) return v;
      return function::Cast(*v, e.cast_type);
    }
    case BoundKind::kFunction: {
      std::vector<Value> args;
      args.reserve(e.children.size());
      for (size_t i = 0; i < e.children.size(); ++i) {
        absl::StatusOr<Value> v = eval(static_cast<int>(i));
        if (!v.ok()) return v;
        args.push_back(*std::move(v));
      }
      return e.function->fn(args);
    }
    case BoundKind::kLike: {
      absl::StatusOr<Value> t = eval(0), p = eval(1), esc = eval(2);
      if (!t.ok()) return t;
      if (!p.ok()) return p;
      if (!esc.ok()) return esc;
      absl::StatusOr<Value> r = e.op == ast::Op::kGlob ? function::Glob(*t, *p)
                                                       : function::Like(*t, *p, *esc);
      if (!r.ok()) return r;
      return e.negated ? function::Not(*r) : *r;
    }
  }
  return absl::InternalError("unknown bound expression");
}

}  // namespace tessera::exec

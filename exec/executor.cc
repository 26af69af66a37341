#include "exec/executor.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "catalog/row_codec.h"
#include "common/key_encoding.h"
#include "function/functions.h"
#include "function/value_ops.h"

namespace tessera::exec {

namespace {

using planner::BoundExpr;
using planner::BoundKind;
using planner::LogicalKind;
using planner::LogicalOp;

// A canonical byte string for grouping and DISTINCT: values that compare
// equal (1 and 1.0) get the same bytes.
void AppendCanonical(const Value& v, std::string* out) {
  if (v.type() == Type::kReal) {
    double d = v.real();
    if (std::trunc(d) == d && d >= -9.2e18 && d <= 9.2e18) {
      EncodeKeyValue(Value::Integer(static_cast<int64_t>(d)), SortOrder::kAscending, out);
      return;
    }
  }
  if (v.type() == Type::kBoolean) {
    EncodeKeyValue(Value::Integer(v.boolean() ? 1 : 0), SortOrder::kAscending, out);
    return;
  }
  EncodeKeyValue(v, SortOrder::kAscending, out);
}

std::string RowKey(const Row& row) {
  std::string k;
  for (const Value& v : row) AppendCanonical(v, &k);
  return k;
}

// ORDER BY / compound order: NULL first, then SQL comparison order.
int CompareForSort(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) {
    return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
  }
  return *function::Compare(a, b);
}

int CompareRows(const Row& a, const Row& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = CompareForSort(a[i], b[i]);
    if (c != 0) return c;
  }
  return 0;
}

absl::Status TooManyRows(const ExecContext* ctx) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "query needs more than ", ctx->options.max_rows,
      " rows in memory in one operator (the configured budget)"));
}

absl::StatusOr<std::vector<Row>> RunSubquery(const BoundExpr& e, const Row& row,
                                             ExecContext* ctx) {
  if (!e.correlated) {
    auto it = ctx->subquery_cache.find(e.subquery.get());
    if (it != ctx->subquery_cache.end()) return it->second;
  }
  ctx->outer.push_back(&row);
  absl::StatusOr<std::vector<Row>> rows = Execute(*e.subquery, ctx);
  ctx->outer.pop_back();
  if (rows.ok() && !e.correlated) ctx->subquery_cache[e.subquery.get()] = *rows;
  return rows;
}

Value Bool(bool b) { return Value::Integer(b ? 1 : 0); }

}  // namespace

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
      switch (e.op) {
        case ast::Op::kConcat: return function::Concat(*a, *b);
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
        absl::StatusOr<std::vector<Row>> rows = RunSubquery(e, row, ctx);
        if (!rows.ok()) return rows.status();
        for (Row& r : *rows) candidates.push_back(std::move(r[0]));
      }
      if (candidates.empty()) return Bool(e.negated);
      if (x->is_null()) return Value::Null();
      bool saw_null = false;
      for (const Value& c : candidates) {
        std::optional<int> cmp = function::Compare(*x, c);
        if (!cmp.has_value()) {
          saw_null = true;
        } else if (*cmp == 0) {
          return Bool(!e.negated);
        }
      }
      if (saw_null) return Value::Null();
      return Bool(e.negated);
    }
    case BoundKind::kExists: {
      absl::StatusOr<std::vector<Row>> rows = RunSubquery(e, row, ctx);
      if (!rows.ok()) return rows.status();
      return Bool(!rows->empty() != e.negated);
    }
    case BoundKind::kScalarSubquery: {
      absl::StatusOr<std::vector<Row>> rows = RunSubquery(e, row, ctx);
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
      Value r = e.op == ast::Op::kGlob ? function::Glob(*t, *p)
                                       : function::Like(*t, *p, *esc);
      return e.negated ? function::Not(r) : r;
    }
  }
  return absl::InternalError("unknown bound expression");
}

namespace {

// The key value as the primary key column stores it, or nullopt when no
// stored value can equal it (then the lookup finds nothing) — or when the
// types differ in a way only a full scan can judge (`*exact` false).
std::optional<Value> KeyValueFor(const Value& v, Type column_type, bool* exact) {
  *exact = true;
  if (v.is_null()) return std::nullopt;
  if (column_type == Type::kNull || v.type() == column_type) return v;
  if (column_type == Type::kInteger && v.type() == Type::kReal) {
    double d = v.real();
    if (std::trunc(d) == d && std::fabs(d) < 9.2e18) return Value::Integer(static_cast<int64_t>(d));
    return std::nullopt;
  }
  if (column_type == Type::kReal && v.type() == Type::kInteger) {
    return Value::Real(static_cast<double>(v.integer()));
  }
  *exact = false;
  return std::nullopt;
}

absl::StatusOr<std::vector<Row>> ExecScan(const LogicalOp& op, ExecContext* ctx) {
  std::vector<Row> out;
  const catalog::TableDescriptor& t = *op.table;
  if (!op.key_exprs.empty()) {
    std::string key = catalog::IndexPrefix(t.id, t.primary.id);
    bool point = true;
    Row empty;
    for (size_t k = 0; k < op.key_exprs.size(); ++k) {
      absl::StatusOr<Value> v = Evaluate(*op.key_exprs[k], empty, ctx);
      if (!v.ok()) return v.status();
      int pos = t.ColumnIndexById(t.primary.column_ids[k]);
      bool exact = true;
      std::optional<Value> kv = KeyValueFor(*v, t.columns[pos].type, &exact);
      if (!exact) {
        point = false;  // let the full scan and the filter decide
        break;
      }
      if (!kv.has_value()) return out;  // nothing can match
      EncodeKeyValue(*kv, t.primary.orders[k], &key);
    }
    if (point) {
      absl::StatusOr<std::optional<std::string>> value = ctx->txn->Get(key);
      if (!value.ok()) return value.status();
      if (value->has_value()) {
        Row row;
        if (absl::Status s = catalog::DecodeRow(t, key, **value, &row); !s.ok()) return s;
        out.push_back(std::move(row));
      }
      return out;
    }
  }
  if (op.index_id != 0) {
    const catalog::IndexDescriptor* ix = nullptr;
    for (const catalog::IndexDescriptor& i : t.indexes) {
      if (i.id == op.index_id) ix = &i;
    }
    std::vector<Value> values;
    bool usable = ix != nullptr;
    Row empty;
    for (size_t k = 0; usable && k < op.index_values.size(); ++k) {
      absl::StatusOr<Value> v = Evaluate(*op.index_values[k], empty, ctx);
      if (!v.ok()) return v.status();
      int pos = t.ColumnIndexById(ix->column_ids[k]);
      bool exact = true;
      std::optional<Value> kv = KeyValueFor(*v, t.columns[pos].type, &exact);
      if (!exact) {
        usable = false;  // fall back to the full scan below
        break;
      }
      if (!kv.has_value()) return out;  // = NULL, or a value no row can hold
      values.push_back(*std::move(kv));
    }
    if (usable) {
      std::string prefix = catalog::IndexValuesPrefix(t, *ix, values);
      std::string pk_prefix = catalog::IndexPrefix(t.id, t.primary.id);
      std::vector<std::string> keys;
      absl::Status decode;
      absl::Status s = ctx->txn->Scan(
          prefix, PrefixEnd(prefix), false, [&](absl::string_view k, absl::string_view v) {
            if (ix->unique && !v.empty()) {
              keys.emplace_back(v);
              return true;
            }
            // Non-unique entries end with the primary key columns.
            absl::string_view rest = k.substr(catalog::IndexPrefix(t.id, ix->id).size());
            for (SortOrder o : ix->orders) {
              Value skip;
              decode = DecodeKeyValue(&rest, o, &skip);
              if (!decode.ok()) return false;
            }
            keys.push_back(pk_prefix + std::string(rest));
            return true;
          });
      if (!s.ok()) return s;
      if (!decode.ok()) return decode;
      for (const std::string& key : keys) {
        absl::StatusOr<std::optional<std::string>> value = ctx->txn->Get(key);
        if (!value.ok()) return value.status();
        if (!value->has_value()) continue;
        Row row;
        if (absl::Status d = catalog::DecodeRow(t, key, **value, &row); !d.ok()) return d;
        out.push_back(std::move(row));
      }
      // Primary key order, as a table scan would return them.
      if (!keys.empty()) {
        std::vector<std::pair<std::string, Row>> keyed;
        for (size_t i = 0; i < out.size(); ++i) keyed.emplace_back(catalog::PrimaryKey(t, out[i]), std::move(out[i]));
        std::sort(keyed.begin(), keyed.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        out.clear();
        for (auto& [k, r] : keyed) out.push_back(std::move(r));
      }
      return out;
    }
  }
  std::string prefix = catalog::IndexPrefix(t.id, t.primary.id);
  std::string start = prefix, end = PrefixEnd(prefix);
  if (op.range_lo || op.range_hi) {
    // Encoded bounds of the first key column; a bound whose type the column
    // cannot hold exactly leaves that side open (the filter above decides).
    const int first = t.ColumnIndexById(t.primary.column_ids[0]);
    const bool desc = t.primary.orders[0] == SortOrder::kDescending;
    Row empty;
    auto bound = [&](const planner::BoundPtr& e, bool inclusive, bool is_lower,
                     bool* empty_result) -> absl::Status {
      if (!e) return absl::OkStatus();
      absl::StatusOr<Value> v = Evaluate(*e, empty, ctx);
      if (!v.ok()) return v.status();
      if (v->is_null()) {
        *empty_result = true;  // comparisons with NULL match nothing
        return absl::OkStatus();
      }
      bool exact = true;
      std::optional<Value> kv = KeyValueFor(*v, t.columns[first].type, &exact);
      if (!exact || !kv.has_value()) return absl::OkStatus();
      std::string enc = prefix;
      EncodeKeyValue(*kv, t.primary.orders[0], &enc);
      // In key order a lower value bound is a start unless the column
      // sorts descending.
      bool is_start = is_lower != desc;
      if (is_start) {
        std::string k = inclusive ? enc : PrefixEnd(enc);
        if (k > start) start = k;
      } else {
        std::string k = inclusive ? PrefixEnd(enc) : enc;
        if (k < end) end = k;
      }
      return absl::OkStatus();
    };
    bool none = false;
    if (absl::Status s = bound(op.range_lo, op.lo_inclusive, true, &none); !s.ok()) return s;
    if (absl::Status s = bound(op.range_hi, op.hi_inclusive, false, &none); !s.ok()) return s;
    if (none || start >= end) return out;
  }
  absl::Status decode;
  absl::Status s = ctx->txn->Scan(start, end, false,
                                  [&](absl::string_view k, absl::string_view v) {
                                    Row row;
                                    decode = catalog::DecodeRow(t, k, v, &row);
                                    if (!decode.ok()) return false;
                                    out.push_back(std::move(row));
                                    return out.size() <= ctx->options.max_rows;
                                  });
  if (!s.ok()) return s;
  if (!decode.ok()) return decode;
  if (out.size() > ctx->options.max_rows) return TooManyRows(ctx);
  return out;
}

absl::StatusOr<std::vector<Row>> ExecAggregate(const LogicalOp& op,
                                               std::vector<Row> input,
                                               ExecContext* ctx) {
  struct Group {
    Row keys;
    std::vector<function::AggregateState> states;
    std::vector<absl::flat_hash_set<std::string>> seen;  // DISTINCT
    std::vector<Value> any;  // bare columns: the last row's value
  };
  const size_t n = op.aggregates.size();
  std::vector<Group> groups;
  absl::flat_hash_map<std::string, size_t> index;
  for (const Row& row : input) {
    Row keys;
    for (const planner::BoundPtr& g : op.group_by) {
      absl::StatusOr<Value> v = Evaluate(*g, row, ctx);
      if (!v.ok()) return v.status();
      keys.push_back(*std::move(v));
    }
    std::string k = RowKey(keys);
    auto [it, inserted] = index.try_emplace(k, groups.size());
    if (inserted) {
      if (groups.size() >= ctx->options.max_rows) return TooManyRows(ctx);
      groups.push_back(Group{std::move(keys), std::vector<function::AggregateState>(n),
                             std::vector<absl::flat_hash_set<std::string>>(n),
                             std::vector<Value>(n)});
    }
    Group& g = groups[it->second];
    for (size_t a = 0; a < n; ++a) {
      const planner::AggregateCall& call = op.aggregates[a];
      Value arg;
      if (call.arg) {
        absl::StatusOr<Value> v = Evaluate(*call.arg, row, ctx);
        if (!v.ok()) return v.status();
        arg = *std::move(v);
      }
      if (call.any_value) {
        g.any[a] = arg;
        continue;
      }
      if (call.distinct) {
        if (arg.is_null()) continue;
        std::string dk;
        AppendCanonical(arg, &dk);
        if (!g.seen[a].insert(dk).second) continue;
      }
      function::AggregateUpdate(call.kind, arg, call.separator, &g.states[a]);
    }
  }
  if (groups.empty() && op.group_by.empty()) {
    groups.push_back(Group{{}, std::vector<function::AggregateState>(n), {}, std::vector<Value>(n)});
  }
  std::vector<Row> out;
  out.reserve(groups.size());
  for (Group& g : groups) {
    Row row = std::move(g.keys);
    for (size_t a = 0; a < n; ++a) {
      if (op.aggregates[a].any_value) {
        row.push_back(g.any[a]);
        continue;
      }
      absl::StatusOr<Value> v = function::AggregateFinish(op.aggregates[a].kind, g.states[a]);
      if (!v.ok()) return v.status();
      row.push_back(*std::move(v));
    }
    out.push_back(std::move(row));
  }
  return out;
}

// Finds conjuncts `left_col = right_col` in a join predicate: hash-join keys.
void EquiKeys(const BoundExpr& e, int left_width, std::vector<std::pair<int, int>>* keys) {
  if (e.kind == BoundKind::kBinary && e.op == ast::Op::kAnd) {
    EquiKeys(*e.children[0], left_width, keys);
    EquiKeys(*e.children[1], left_width, keys);
    return;
  }
  if (e.kind != BoundKind::kBinary || e.op != ast::Op::kEq) return;
  const BoundExpr& a = *e.children[0];
  const BoundExpr& b = *e.children[1];
  if (a.kind != BoundKind::kColumn || b.kind != BoundKind::kColumn || a.depth != 0 ||
      b.depth != 0) {
    return;
  }
  if (a.index < left_width && b.index >= left_width) {
    keys->emplace_back(a.index, b.index - left_width);
  } else if (b.index < left_width && a.index >= left_width) {
    keys->emplace_back(b.index, a.index - left_width);
  }
}

absl::StatusOr<std::vector<Row>> ExecJoin(const LogicalOp& op, std::vector<Row> left,
                                          std::vector<Row> right, ExecContext* ctx) {
  std::vector<Row> out;
  const int left_width = static_cast<int>(op.children[0]->width());
  const size_t right_width = op.children[1]->width();
  std::vector<std::pair<int, int>> keys;
  if (op.predicate) EquiKeys(*op.predicate, left_width, &keys);
  // Hash join on the equality keys (NULL keys never match); the whole
  // predicate is still evaluated on each candidate pair.
  absl::flat_hash_map<std::string, std::vector<size_t>> table;
  auto key_of = [&](const Row& r, bool right_side, std::string* k) {
    k->clear();
    for (auto [l, rr] : keys) {
      const Value& v = right_side ? r[rr] : r[l];
      if (v.is_null()) return false;
      AppendCanonical(v, k);
    }
    return true;
  };
  if (!keys.empty()) {
    std::string k;
    for (size_t i = 0; i < right.size(); ++i) {
      if (key_of(right[i], true, &k)) table[k].push_back(i);
    }
  }
  std::vector<size_t> all(right.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  static const std::vector<size_t> kNone;
  std::string k;
  for (const Row& l : left) {
    const std::vector<size_t>* candidates = &all;
    if (!keys.empty()) {
      if (!key_of(l, false, &k)) {
        candidates = &kNone;
      } else {
        auto it = table.find(k);
        candidates = it == table.end() ? &kNone : &it->second;
      }
    }
    bool matched = false;
    for (size_t i : *candidates) {
      const Row& r = right[i];
      Row joined = l;
      joined.insert(joined.end(), r.begin(), r.end());
      if (op.predicate) {
        absl::StatusOr<Value> c = Evaluate(*op.predicate, joined, ctx);
        if (!c.ok()) return c.status();
        if (!function::Truth(*c).value_or(false)) continue;
      }
      matched = true;
      if (out.size() >= ctx->options.max_rows) return TooManyRows(ctx);
      out.push_back(std::move(joined));
    }
    if (!matched && op.join_type == ast::JoinType::kLeft) {
      Row joined = l;
      joined.resize(joined.size() + right_width);
      out.push_back(std::move(joined));
    }
  }
  return out;
}

absl::Status CheckJoinBudget(size_t rows, size_t width, const ExecContext* ctx) {
  if (rows * std::max<size_t>(width, 1) * sizeof(Value) > ctx->options.max_join_bytes ||
      rows > ctx->options.max_rows) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "join result of ", rows, " rows exceeds the memory budget of ",
        ctx->options.max_join_bytes, " bytes"));
  }
  return absl::OkStatus();
}

// Inner join of many inputs. Rows are kept at full width (every input's
// columns at its offset) so conjuncts evaluate on their original positions.
// The order is chosen greedily from the inputs' actual sizes: start with the
// smallest, then repeatedly add the smallest input connected to the joined
// set by an equality (hash join), else the smallest one left.
absl::StatusOr<std::vector<Row>> ExecMultiJoin(const LogicalOp& op,
                                               std::vector<std::vector<Row>> inputs,
                                               ExecContext* ctx) {
  const size_t n = inputs.size();
  const size_t width = op.width();
  std::vector<int> offset(n + 1, 0);
  for (size_t k = 0; k < n; ++k) {
    offset[k + 1] = offset[k] + static_cast<int>(op.children[k]->width());
  }
  auto leaf_of = [&](int col) {
    size_t k = 0;
    while (k + 1 < n && col >= offset[k + 1]) ++k;
    return k;
  };
  struct Conjunct {
    const BoundExpr* expr;
    std::vector<bool> leaves;
    bool applied = false;
  };
  std::vector<Conjunct> conjuncts;
  for (const planner::BoundPtr& e : op.exprs) {
    Conjunct c{e.get(), std::vector<bool>(n, false)};
    std::vector<const BoundExpr*> stack = {e.get()};
    while (!stack.empty()) {
      const BoundExpr* x = stack.back();
      stack.pop_back();
      if (x->kind == BoundKind::kColumn && x->depth == 0) c.leaves[leaf_of(x->index)] = true;
      for (const planner::BoundPtr& ch : x->children) stack.push_back(ch.get());
    }
    conjuncts.push_back(std::move(c));
  }
  std::vector<bool> joined(n, false);
  auto covered = [&](const Conjunct& c, size_t extra) {
    for (size_t k = 0; k < n; ++k) {
      if (c.leaves[k] && !joined[k] && k != extra) return false;
    }
    return true;
  };
  // An equality conjunct between a joined column and a column of `leaf`.
  auto equi_key = [&](size_t leaf, int* joined_col, int* leaf_col) -> const Conjunct* {
    for (const Conjunct& c : conjuncts) {
      if (c.applied) continue;
      const BoundExpr& e = *c.expr;
      if (e.kind != BoundKind::kBinary || e.op != ast::Op::kEq) continue;
      const BoundExpr& a = *e.children[0];
      const BoundExpr& b = *e.children[1];
      if (a.kind != BoundKind::kColumn || b.kind != BoundKind::kColumn || a.depth || b.depth) continue;
      size_t la = leaf_of(a.index), lb = leaf_of(b.index);
      if (lb == leaf && la != leaf && joined[la]) {
        *joined_col = a.index;
        *leaf_col = b.index;
        return &c;
      }
      if (la == leaf && lb != leaf && joined[lb]) {
        *joined_col = b.index;
        *leaf_col = a.index;
        return &c;
      }
    }
    return nullptr;
  };
  auto apply_covered = [&](std::vector<Row>* rows) -> absl::Status {
    for (Conjunct& c : conjuncts) {
      if (c.applied || !covered(c, n)) continue;
      c.applied = true;
      std::vector<Row> kept;
      for (Row& r : *rows) {
        absl::StatusOr<Value> v = Evaluate(*c.expr, r, ctx);
        if (!v.ok()) return v.status();
        if (function::Truth(*v).value_or(false)) kept.push_back(std::move(r));
      }
      *rows = std::move(kept);
    }
    return absl::OkStatus();
  };
  // Start with the smallest input.
  size_t first = 0;
  for (size_t k = 1; k < n; ++k) {
    if (inputs[k].size() < inputs[first].size()) first = k;
  }
  std::vector<Row> current;
  for (Row& r : inputs[first]) {
    Row full(width);
    std::move(r.begin(), r.end(), full.begin() + offset[first]);
    current.push_back(std::move(full));
  }
  joined[first] = true;
  if (absl::Status s = apply_covered(&current); !s.ok()) return s;
  for (size_t step = 1; step < n; ++step) {
    size_t pick = n;
    int joined_col = -1, leaf_col = -1;
    for (size_t k = 0; k < n; ++k) {
      if (joined[k]) continue;
      int jc, lc;
      if (equi_key(k, &jc, &lc) != nullptr &&
          (pick == n || inputs[k].size() < inputs[pick].size())) {
        pick = k;
        joined_col = jc;
        leaf_col = lc;
      }
    }
    if (pick == n) {
      for (size_t k = 0; k < n; ++k) {
        if (!joined[k] && (pick == n || inputs[k].size() < inputs[pick].size())) pick = k;
      }
    }
    std::vector<Row>& leaf = inputs[pick];
    std::vector<Row> next;
    if (joined_col >= 0) {
      absl::flat_hash_map<std::string, std::vector<size_t>> table;
      std::string key;
      const int local = leaf_col - offset[pick];
      for (size_t i = 0; i < leaf.size(); ++i) {
        if (leaf[i][local].is_null()) continue;
        key.clear();
        AppendCanonical(leaf[i][local], &key);
        table[key].push_back(i);
      }
      for (const Row& r : current) {
        if (r[joined_col].is_null()) continue;
        key.clear();
        AppendCanonical(r[joined_col], &key);
        auto it = table.find(key);
        if (it == table.end()) continue;
        for (size_t i : it->second) {
          Row full = r;
          std::copy(leaf[i].begin(), leaf[i].end(), full.begin() + offset[pick]);
          next.push_back(std::move(full));
        }
        if (absl::Status s = CheckJoinBudget(next.size(), width, ctx); !s.ok()) return s;
      }
    } else {
      if (absl::Status s = CheckJoinBudget(current.size() * leaf.size(), width, ctx); !s.ok()) {
        return s;
      }
      for (const Row& r : current) {
        for (const Row& l : leaf) {
          Row full = r;
          std::copy(l.begin(), l.end(), full.begin() + offset[pick]);
          next.push_back(std::move(full));
        }
      }
    }
    joined[pick] = true;
    current = std::move(next);
    if (absl::Status s = apply_covered(&current); !s.ok()) return s;
  }
  return current;
}

std::vector<Row> Distinct(std::vector<Row> rows) {
  absl::flat_hash_set<std::string> seen;
  std::vector<Row> out;
  for (Row& r : rows) {
    if (seen.insert(RowKey(r)).second) out.push_back(std::move(r));
  }
  return out;
}

std::vector<Row> SortedDistinct(std::vector<Row> rows) {
  rows = Distinct(std::move(rows));
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return CompareRows(a, b) < 0; });
  return rows;
}

}  // namespace

absl::StatusOr<std::vector<Row>> Execute(const LogicalOp& op, ExecContext* ctx) {
  std::vector<std::vector<Row>> inputs;
  for (const planner::LogicalPtr& c : op.children) {
    absl::StatusOr<std::vector<Row>> rows = Execute(*c, ctx);
    if (!rows.ok()) return rows.status();
    inputs.push_back(*std::move(rows));
  }
  switch (op.kind) {
    case LogicalKind::kScan:
      return ExecScan(op, ctx);
    case LogicalKind::kSingleRow:
      return std::vector<Row>{Row{}};
    case LogicalKind::kValues: {
      std::vector<Row> out;
      Row empty;
      for (const auto& exprs : op.rows) {
        Row r;
        for (const planner::BoundPtr& e : exprs) {
          absl::StatusOr<Value> v = Evaluate(*e, empty, ctx);
          if (!v.ok()) return v.status();
          r.push_back(*std::move(v));
        }
        out.push_back(std::move(r));
      }
      return out;
    }
    case LogicalKind::kFilter: {
      std::vector<Row> out;
      for (Row& r : inputs[0]) {
        absl::StatusOr<Value> c = Evaluate(*op.predicate, r, ctx);
        if (!c.ok()) return c.status();
        if (function::Truth(*c).value_or(false)) out.push_back(std::move(r));
      }
      return out;
    }
    case LogicalKind::kProject: {
      std::vector<Row> out;
      out.reserve(inputs[0].size());
      for (const Row& r : inputs[0]) {
        Row p;
        p.reserve(op.exprs.size());
        for (const planner::BoundPtr& e : op.exprs) {
          absl::StatusOr<Value> v = Evaluate(*e, r, ctx);
          if (!v.ok()) return v.status();
          p.push_back(*std::move(v));
        }
        out.push_back(std::move(p));
      }
      return out;
    }
    case LogicalKind::kJoin:
      return ExecJoin(op, std::move(inputs[0]), std::move(inputs[1]), ctx);
    case LogicalKind::kMultiJoin:
      return ExecMultiJoin(op, std::move(inputs), ctx);
    case LogicalKind::kAggregate:
      return ExecAggregate(op, std::move(inputs[0]), ctx);
    case LogicalKind::kSort: {
      std::vector<Row>& rows = inputs[0];
      std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        for (const planner::SortKey& k : op.sort_keys) {
          const Value& x = a[k.column];
          const Value& y = b[k.column];
          if (x.is_null() || y.is_null()) {
            if (x.is_null() == y.is_null()) continue;
            return x.is_null() == k.nulls_first;
          }
          int c = *function::Compare(x, y);
          if (c != 0) return k.descending ? c > 0 : c < 0;
        }
        return false;
      });
      return std::move(rows);
    }
    case LogicalKind::kLimit: {
      Row empty;
      int64_t limit = -1, offset = 0;
      absl::StatusOr<Value> l = Evaluate(*op.limit, empty, ctx);
      if (!l.ok()) return l.status();
      limit = function::Cast(*l, Type::kInteger).integer();
      if (op.offset) {
        absl::StatusOr<Value> o = Evaluate(*op.offset, empty, ctx);
        if (!o.ok()) return o.status();
        offset = std::max<int64_t>(0, function::Cast(*o, Type::kInteger).integer());
      }
      std::vector<Row>& rows = inputs[0];
      std::vector<Row> out;
      for (size_t i = static_cast<size_t>(std::min<int64_t>(offset, rows.size()));
           i < rows.size() && (limit < 0 || static_cast<int64_t>(out.size()) < limit); ++i) {
        out.push_back(std::move(rows[i]));
      }
      return out;
    }
    case LogicalKind::kDistinct:
      return Distinct(std::move(inputs[0]));
    case LogicalKind::kSetOp: {
      std::vector<Row>& a = inputs[0];
      std::vector<Row>& b = inputs[1];
      switch (op.set_op) {
        case ast::SetOp::kUnionAll:
          for (Row& r : b) a.push_back(std::move(r));
          return std::move(a);
        case ast::SetOp::kUnion:
          for (Row& r : b) a.push_back(std::move(r));
          return SortedDistinct(std::move(a));
        case ast::SetOp::kIntersect:
        case ast::SetOp::kExcept: {
          absl::flat_hash_set<std::string> right;
          for (const Row& r : b) right.insert(RowKey(r));
          std::vector<Row> out;
          for (Row& r : a) {
            bool in_right = right.contains(RowKey(r));
            if (in_right == (op.set_op == ast::SetOp::kIntersect)) out.push_back(std::move(r));
          }
          return SortedDistinct(std::move(out));
        }
      }
      return absl::InternalError("unknown set operation");
    }
  }
  return absl::InternalError("unknown plan node");
}

}  // namespace tessera::exec

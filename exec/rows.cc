#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "common/key_encoding.h"
#include "exec/internal.h"
#include "function/value_ops.h"

namespace tessera::exec::internal {

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

namespace {

template <typename Parts>
bool MakeJoinKey(const Parts& parts, JoinHashIndex::Key* key) {
  key->bytes.clear();
  key->integral = false;
  if (parts.size() == 1) {
    const Value& v = **parts.begin();
    if (v.is_null()) return false;
    if (std::optional<int64_t> i = CanonicalInteger(v)) {
      key->integral = true;
      key->integer = *i;
      return true;
    }
  }
  for (const Value* v : parts) {
    if (v->is_null()) return false;
    AppendCanonical(*v, &key->bytes);
  }
  return true;
}

}  // namespace

bool JoinHashIndex::Make(std::initializer_list<const Value*> parts, Key* key) {
  return MakeJoinKey(parts, key);
}

bool JoinHashIndex::Make(const std::vector<const Value*>& parts, Key* key) {
  return MakeJoinKey(parts, key);
}

void JoinHashIndex::Append(Chain* chain, bool inserted, uint32_t row) {
  if (next_.size() <= row) next_.resize(std::max<size_t>(row + 1, next_.size() * 2), kEnd);
  next_[row] = kEnd;
  if (inserted) {
    *chain = Chain{row, row};
  } else {
    next_[chain->tail] = row;
    chain->tail = row;
  }
}

size_t JoinHashIndex::PartitionOf(const Key& key, size_t parts) {
  if (parts <= 1) return 0;
  size_t h = key.integral ? absl::HashOf(key.integer) : absl::HashOf(key.bytes);
  return (h >> 7) % parts;  // above the bits the tables index by
}

void JoinHashIndex::Reserve(size_t rows) {
  integers_.reserve(rows);
  next_.reserve(rows);
}

void JoinHashIndex::Insert(const Key& key, uint32_t row) {
  if (key.integral) {
    auto [it, inserted] = integers_.try_emplace(key.integer, Chain{row, row});
    Append(&it->second, inserted, row);
  } else {
    auto [it, inserted] = bytes_.try_emplace(key.bytes, Chain{row, row});
    Append(&it->second, inserted, row);
  }
}

uint32_t JoinHashIndex::First(const Key& key) const {
  if (key.integral) {
    auto it = integers_.find(key.integer);
    return it == integers_.end() ? kEnd : it->second.head;
  }
  auto it = bytes_.find(key.bytes);
  return it == bytes_.end() ? kEnd : it->second.head;
}

bool JoinKeyOperand(const planner::BoundExpr& e, int* column, Collation* collation) {
  const planner::BoundExpr* x = &e;
  *collation = Collation::kBinary;
  if (x->kind == planner::BoundKind::kFunction && x->children.size() == 1) {
    for (Collation c : {Collation::kNoCase, Collation::kRtrim}) {
      if (x->function == function::CollationKey(c)) *collation = c;
    }
    if (*collation == Collation::kBinary) return false;
    x = x->children[0].get();
  }
  if (x->kind != planner::BoundKind::kColumn || x->depth != 0) return false;
  *column = x->index;
  return true;
}

void AppendCanonical(const Value& v, Collation c, std::string* out) {
  if (c == Collation::kBinary || v.type() != Type::kText) return AppendCanonical(v, out);
  AppendCanonical(Collate(c, v), out);
}

std::string RowKey(const Row& row, const std::vector<Collation>& collations) {
  std::string k;
  for (size_t i = 0; i < row.size(); ++i) AppendCanonical(row[i], CollationAt(collations, i), &k);
  return k;
}

namespace {

int CompareForSort(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) {
    return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
  }
  return *function::Compare(a, b);
}

}  // namespace

int CompareRows(const Row& a, const Row& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = CompareForSort(a[i], b[i]);
    if (c != 0) return c;
  }
  return 0;
}

int CompareUnder(const Value& x, const Value& y, const planner::SortKey& key) {
  if (x.type() == Type::kInteger && y.type() == Type::kInteger) {  // the common case, fast
    const int c = (x.integer() > y.integer()) - (x.integer() < y.integer());
    return key.descending ? -c : c;
  }
  if (x.is_null() || y.is_null()) {
    if (x.is_null() == y.is_null()) return 0;
    return x.is_null() == key.nulls_first ? -1 : 1;
  }
  const int c = key.collation != Collation::kBinary && x.type() == Type::kText &&
                        y.type() == Type::kText
                    ? CompareText(key.collation, x.bytes(), y.bytes())
                    : *function::Compare(x, y);
  const int sign = (c > 0) - (c < 0);
  return key.descending ? -sign : sign;
}

bool SortsBefore(const std::vector<planner::SortKey>& keys, const Row& a, const Row& b) {
  for (const planner::SortKey& k : keys) {
    if (int c = CompareUnder(a[k.column], b[k.column], k); c != 0) return c < 0;
  }
  return false;
}

absl::Status TooManyRows(const ExecContext* ctx) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "query needs more than ", ctx->options.max_rows,
      " rows in memory in one operator (the configured budget)"));
}

absl::StatusOr<bool> Holds(const planner::BoundExpr& predicate, const Row& row,
                           ExecContext* ctx) {
  if (int64_t i; EvaluateInteger(predicate, row, &i)) return i != 0;
  absl::StatusOr<Value> v = Evaluate(predicate, row, ctx);
  if (!v.ok()) return v.status();
  return function::Truth(*v).value_or(false);
}

absl::StatusOr<LimitOffset> EvalLimit(const planner::LogicalOp& op, ExecContext* ctx) {
  LimitOffset lo;
  Row empty;
  absl::StatusOr<Value> l = Evaluate(*op.limit, empty, ctx);
  if (!l.ok()) return l.status();
  lo.limit = function::Cast(*l, Type::kInteger).integer();
  if (op.offset) {
    absl::StatusOr<Value> o = Evaluate(*op.offset, empty, ctx);
    if (!o.ok()) return o.status();
    lo.offset = std::max<int64_t>(0, function::Cast(*o, Type::kInteger).integer());
  }
  return lo;
}

std::vector<Row> ApplyLimit(std::vector<Row> rows, const LimitOffset& lo) {
  std::vector<Row> out;
  for (size_t i = static_cast<size_t>(std::min<int64_t>(lo.offset, rows.size()));
       i < rows.size() && (lo.limit < 0 || static_cast<int64_t>(out.size()) < lo.limit); ++i) {
    out.push_back(std::move(rows[i]));
  }
  return out;
}

}  // namespace tessera::exec::internal

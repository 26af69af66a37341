// Table access: span scans read whole, point lookups, index lookups and
// reads by key for lookup joins.

#include <algorithm>
#include <cmath>

#include "catalog/row_codec.h"
#include "common/key_encoding.h"
#include "exec/internal.h"
#include "function/value_ops.h"

namespace tessera::exec::internal {

std::optional<Value> KeyValueFor(const Value& v, Type column_type, bool* exact) {
  *exact = true;
  if (v.is_null()) return std::nullopt;
  if (column_type == Type::kNull || v.type() == column_type) return v;
  // A NUMERIC column stores a value as ToNumericAffinity makes it (5.0 as 5).
  if (column_type == Type::kNumeric) return function::ToNumericAffinity(v);
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

namespace {

bool IsNumber(const Value& v) { return v.type() == Type::kInteger || v.type() == Type::kReal; }

// An untyped column's keys hold every INTEGER before every REAL, so one
// span cannot hold just the numbers within a bound. A lower bound starts
// at the INTEGER ceiling (and takes in every REAL), an upper bound ends at
// the REAL (and takes in every INTEGER); the filter above decides. Nullopt:
// leave that side open.
std::optional<Value> UntypedBound(const Value& v, bool is_lower) {
  if (!is_lower) return v.type() == Type::kReal ? v : Value::Real(static_cast<double>(v.integer()));
  if (v.type() == Type::kInteger) return v;
  if (std::fabs(v.real()) >= 9.2e18) return std::nullopt;
  return Value::Integer(static_cast<int64_t>(std::ceil(v.real())));
}

// The span of entries under `prefix` whose first column (of `column_type`,
// sorted `order`) lies within the bounds of `op` (range_lo / range_hi);
// nullopt when they admit no entry.
absl::StatusOr<std::optional<Span>> BoundedSpan(const planner::LogicalOp& op,
                                                const std::string& prefix, Type column_type,
                                                SortOrder order, ExecContext* ctx) {
  Span span{prefix, PrefixEnd(prefix)};
  const bool desc = order == SortOrder::kDescending;
  Row empty;
  bool none = false;
  auto bound = [&](const planner::BoundPtr& e, bool inclusive, bool is_lower) -> absl::Status {
    if (!e) return absl::OkStatus();
    absl::StatusOr<Value> v = Evaluate(*e, empty, ctx);
    if (!v.ok()) return v.status();
    if (v->is_null()) {
      none = true;  // comparisons with NULL match nothing
      return absl::OkStatus();
    }
    // A bound whose type the column cannot hold exactly leaves that side
    // open (the filter above decides).
    bool exact = true;
    std::optional<Value> kv;
    if ((column_type == Type::kNull || column_type == Type::kNumeric) && IsNumber(*v)) {
      kv = UntypedBound(*v, is_lower);
      inclusive = true;
    } else {
      kv = KeyValueFor(*v, column_type, &exact);
    }
    if (!exact || !kv.has_value()) return absl::OkStatus();
    std::string enc = prefix;
    EncodeKeyValue(*kv, order, &enc);
    // In key order a lower value bound is a start unless the column sorts
    // descending.
    if (is_lower != desc) {
      std::string k = inclusive ? enc : PrefixEnd(enc);
      if (k > span.start) span.start = k;
    } else {
      std::string k = inclusive ? PrefixEnd(enc) : enc;
      if (k < span.end) span.end = k;
    }
    return absl::OkStatus();
  };
  if (absl::Status s = bound(op.range_lo, op.lo_inclusive, true); !s.ok()) return s;
  if (absl::Status s = bound(op.range_hi, op.hi_inclusive, false); !s.ok()) return s;
  if (none || span.start >= span.end) return std::optional<Span>();
  return std::optional<Span>(std::move(span));
}

const catalog::IndexDescriptor* FindIndex(const catalog::TableDescriptor& t, uint32_t id) {
  for (const catalog::IndexDescriptor& ix : t.indexes) {
    if (ix.id == id) return &ix;
  }
  return nullptr;
}

// The primary keys of the entries of index `ix` in [start, end).
absl::Status IndexEntryKeys(const catalog::TableDescriptor& t, const catalog::IndexDescriptor& ix,
                            const std::string& start, const std::string& end, ExecContext* ctx,
                            std::vector<std::string>* keys) {
  const std::string pk_prefix = catalog::IndexPrefix(t.id, t.primary.id);
  const size_t entry_prefix = catalog::IndexPrefix(t.id, ix.id).size();
  absl::Status decode;
  absl::Status s = ctx->txn->Scan(
      start, end, false, [&](absl::string_view k, absl::string_view v) {
        if (ix.unique && !v.empty()) {
          keys->emplace_back(v);
        } else {
          // Non-unique entries end with the primary key columns.
          absl::string_view rest = k.substr(entry_prefix);
          for (SortOrder o : ix.orders) {
            Value skip;
            decode = DecodeKeyValue(&rest, o, &skip);
            if (!decode.ok()) return false;
          }
          keys->push_back(pk_prefix + std::string(rest));
        }
        return keys->size() <= ctx->options.max_rows;
      });
  if (!s.ok()) return s;
  if (!decode.ok()) return decode;
  if (keys->size() > ctx->options.max_rows) return TooManyRows(ctx);
  return absl::OkStatus();
}

// Reads the rows of primary keys `keys`, in key order.
absl::Status FetchRows(const catalog::TableDescriptor& t, std::vector<std::string> keys,
                       ExecContext* ctx, std::vector<Row>* out) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const catalog::RowDecoder decoder(t);
  for (const std::string& key : keys) {
    absl::StatusOr<std::optional<std::string>> value = ctx->txn->Get(key);
    if (!value.ok()) return value.status();
    if (!value->has_value()) continue;
    Row row;
    if (absl::Status d = decoder.Decode(key, **value, &row); !d.ok()) return d;
    out->push_back(std::move(row));
  }
  return absl::OkStatus();
}

// Rows read by several probes, put in primary key order as one read
// returns them.
void SortByPrimaryKey(const catalog::TableDescriptor& t, std::vector<Row>* rows) {
  std::vector<std::pair<std::string, Row>> keyed;
  keyed.reserve(rows->size());
  for (Row& r : *rows) {
    std::string key = catalog::PrimaryKey(t, r);
    keyed.emplace_back(std::move(key), std::move(r));
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  rows->clear();
  for (auto& [key, r] : keyed) rows->push_back(std::move(r));
}

}  // namespace

absl::StatusOr<std::optional<Span>> ScanSpan(const planner::LogicalOp& op, ExecContext* ctx) {
  const catalog::TableDescriptor& t = *op.table;
  std::string prefix = catalog::IndexPrefix(t.id, t.primary.id);
  // Lookups that fell back to scanning read the whole table.
  if ((!op.range_lo && !op.range_hi) || !op.key_exprs.empty() || op.index_id != 0 ||
      !op.in_list.empty()) {
    return std::optional<Span>(Span{prefix, PrefixEnd(prefix)});
  }
  const int first = t.ColumnIndexById(t.primary.column_ids[0]);
  return BoundedSpan(op, prefix, t.columns[first].type, t.primary.orders[0], ctx);
}

absl::Status ReadByKey(const catalog::TableDescriptor& t, uint32_t index_id,
                       const std::vector<Value>& values, ExecContext* ctx,
                       std::vector<Row>* out) {
  if (index_id == 0) {
    std::string key = catalog::IndexPrefix(t.id, t.primary.id);
    for (size_t k = 0; k < values.size(); ++k) EncodeKeyValue(values[k], t.primary.orders[k], &key);
    if (values.size() == t.primary.column_ids.size()) {
      absl::StatusOr<std::optional<std::string>> value = ctx->txn->Get(key);
      if (!value.ok()) return value.status();
      if (value->has_value()) {
        Row row;
        if (absl::Status s = catalog::DecodeRow(t, key, **value, &row); !s.ok()) return s;
        out->push_back(std::move(row));
      }
      return absl::OkStatus();
    }
    absl::Status decode;
    const catalog::RowDecoder decoder(t);
    absl::Status s = ctx->txn->Scan(key, PrefixEnd(key), false,
                                    [&](absl::string_view k, absl::string_view v) {
                                      Row row;
                                      decode = decoder.Decode(k, v, &row);
                                      if (!decode.ok()) return false;
                                      out->push_back(std::move(row));
                                      return out->size() <= ctx->options.max_rows;
                                    });
    if (!s.ok()) return s;
    if (!decode.ok()) return decode;
    if (out->size() > ctx->options.max_rows) return TooManyRows(ctx);
    return absl::OkStatus();
  }
  const catalog::IndexDescriptor* ix = FindIndex(t, index_id);
  if (ix == nullptr) return absl::InternalError("index of the plan no longer exists");
  std::string prefix = catalog::IndexValuesPrefix(t, *ix, values);
  std::vector<std::string> keys;
  if (absl::Status s = IndexEntryKeys(t, *ix, prefix, PrefixEnd(prefix), ctx, &keys); !s.ok()) {
    return s;
  }
  // Primary key order, as a table scan would return them.
  return FetchRows(t, std::move(keys), ctx, out);
}

namespace {

// The type a key column holds: its column's; for an expression key (id 0,
// no declared type) any type, with `*v` made the value such a key holds
// (catalog::ExpressionKeyValue).
Type KeyType(const catalog::TableDescriptor& t, uint32_t column_id, Value* v) {
  if (column_id != 0) return t.columns[t.ColumnIndexById(column_id)].type;
  *v = catalog::ExpressionKeyValue(std::move(*v));
  return Type::kNull;
}

// The key value equal to `v` in key column `column_id` (nullopt when no
// stored value can equal it), and in `*twin` the other one a number has in
// an untyped table column (5 and 5.0). `*exact` false when only a full
// comparison can judge.
std::optional<Value> EqualKey(const catalog::TableDescriptor& t, uint32_t column_id, Value v,
                              bool* exact, std::optional<Value>* twin) {
  const Type type = KeyType(t, column_id, &v);
  std::optional<Value> kv = KeyValueFor(v, type, exact);
  if (kv.has_value() && column_id != 0 && type == Type::kNull) *twin = catalog::UntypedKeyTwin(*kv);
  return kv;
}

// The key values `exprs` give the columns `column_ids`, with in `*twins`
// the other key of each that has two (position, value): the reads are
// then every combination. `*none` when no row can match; nullopt when a
// value's type needs a full comparison (then the caller scans).
absl::StatusOr<std::optional<std::vector<Value>>> KeyValues(
    const catalog::TableDescriptor& t, const std::vector<uint32_t>& column_ids,
    const std::vector<planner::BoundPtr>& exprs, ExecContext* ctx,
    std::vector<std::pair<size_t, Value>>* twins, bool* none) {
  std::vector<Value> values;
  Row empty;
  *none = false;
  for (size_t k = 0; k < exprs.size(); ++k) {
    absl::StatusOr<Value> v = Evaluate(*exprs[k], empty, ctx);
    if (!v.ok()) return v.status();
    bool exact = true;
    std::optional<Value> twin;
    std::optional<Value> kv = EqualKey(t, column_ids[k], *std::move(v), &exact, &twin);
    if (!exact) return std::optional<std::vector<Value>>();
    if (!kv.has_value()) *none = true;
    if (twin.has_value()) twins->emplace_back(k, *std::move(twin));
    values.push_back(kv.has_value() ? *std::move(kv) : Value());
  }
  return std::optional<std::vector<Value>>(std::move(values));
}

// An IN list on the first column of the primary key or of an index: one
// read by key per distinct value. False in `*usable` when a value needs a
// full comparison.
absl::Status ReadInList(const planner::LogicalOp& op, ExecContext* ctx, bool* usable,
                        std::vector<Row>* out) {
  const catalog::TableDescriptor& t = *op.table;
  const catalog::IndexDescriptor* ix = op.index_id != 0 ? FindIndex(t, op.index_id) : nullptr;
  if (op.index_id != 0 && ix == nullptr) {
    return absl::InternalError("index of the plan no longer exists");
  }
  const uint32_t column_id = ix != nullptr ? ix->column_ids[0] : t.primary.column_ids[0];
  const SortOrder order = ix != nullptr ? ix->orders[0] : t.primary.orders[0];
  std::vector<std::pair<std::string, Value>> values;  // encoded, value
  Row empty;
  *usable = true;
  for (const planner::BoundPtr& e : op.in_list) {
    absl::StatusOr<Value> v = Evaluate(*e, empty, ctx);
    if (!v.ok()) return v.status();
    bool exact = true;
    std::optional<Value> twin;
    std::optional<Value> kv = EqualKey(t, column_id, *std::move(v), &exact, &twin);
    if (!exact) {
      *usable = false;
      return absl::OkStatus();
    }
    for (std::optional<Value>* key : {&kv, &twin}) {  // none: NULL, or no row can hold it
      if (!key->has_value()) continue;
      std::string enc;
      EncodeKeyValue(**key, order, &enc);
      values.emplace_back(std::move(enc), **std::move(key));
    }
  }
  // Key order, each value once.
  std::sort(values.begin(), values.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  values.erase(std::unique(values.begin(), values.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               values.end());
  if (ix != nullptr) {
    // Through an index: the entries of every value, then the rows in primary
    // key order.
    std::vector<std::string> keys;
    for (auto& [enc, v] : values) {
      std::string prefix = catalog::IndexValuesPrefix(t, *ix, {v});
      if (absl::Status s = IndexEntryKeys(t, *ix, prefix, PrefixEnd(prefix), ctx, &keys); !s.ok()) {
        return s;
      }
    }
    return FetchRows(t, std::move(keys), ctx, out);
  }
  for (auto& [enc, v] : values) {
    if (absl::Status s = ReadByKey(t, 0, {v}, ctx, out); !s.ok()) return s;
    if (out->size() > ctx->options.max_rows) return TooManyRows(ctx);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Row>> ExecScan(const planner::LogicalOp& op, ExecContext* ctx) {
  std::vector<Row> out;
  const catalog::TableDescriptor& t = *op.table;
  if (!op.in_list.empty()) {
    bool usable = true;
    if (absl::Status s = ReadInList(op, ctx, &usable, &out); !s.ok()) return s;
    if (usable) return out;
    out.clear();  // fall through to the full scan
  } else if (op.index_id != 0 && op.index_values.empty()) {
    // Bounds on an index's first column: the entries in their span.
    const catalog::IndexDescriptor* ix = FindIndex(t, op.index_id);
    if (ix == nullptr) return absl::InternalError("index of the plan no longer exists");
    if (ix->IsExpression(0)) return absl::InternalError("a range over an index on expressions");
    const Type type = t.columns[t.ColumnIndexById(ix->column_ids[0])].type;
    absl::StatusOr<std::optional<Span>> span = BoundedSpan(
        op, catalog::IndexPrefix(t.id, ix->id), type, ix->orders[0], ctx);
    if (!span.ok()) return span.status();
    if (!span->has_value()) return out;
    std::vector<std::string> keys;
    if (absl::Status s = IndexEntryKeys(t, *ix, (*span)->start, (*span)->end, ctx, &keys);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = FetchRows(t, std::move(keys), ctx, &out); !s.ok()) return s;
    return out;
  } else if (!op.key_exprs.empty() || op.index_id != 0) {
    uint32_t index_id = 0;
    const std::vector<uint32_t>* column_ids = &t.primary.column_ids;
    for (const catalog::IndexDescriptor& ix : t.indexes) {
      if (op.index_id != 0 && ix.id == op.index_id) {
        index_id = ix.id;
        column_ids = &ix.column_ids;
      }
    }
    if (op.index_id != 0 && index_id == 0) {
      return absl::InternalError("index of the plan no longer exists");
    }
    std::vector<std::pair<size_t, Value>> twins;
    bool none = false;
    absl::StatusOr<std::optional<std::vector<Value>>> values = KeyValues(
        t, *column_ids, index_id != 0 ? op.index_values : op.key_exprs, ctx, &twins, &none);
    if (!values.ok()) return values.status();
    if (values->has_value()) {
      if (none) return out;
      std::vector<Value>& probe = **values;
      if (twins.empty()) {
        if (absl::Status s = ReadByKey(t, index_id, probe, ctx, &out); !s.ok()) return s;
        return out;
      }
      // One read per combination of the keys' twins (bit i: twin i).
      std::vector<Value> firsts;
      for (const auto& [pos, twin] : twins) firsts.push_back(probe[pos]);
      for (size_t combination = 0; combination < (size_t{1} << twins.size()); ++combination) {
        for (size_t i = 0; i < twins.size(); ++i) {
          probe[twins[i].first] = (combination >> i & 1) ? twins[i].second : firsts[i];
        }
        if (absl::Status s = ReadByKey(t, index_id, probe, ctx, &out); !s.ok()) return s;
        if (out.size() > ctx->options.max_rows) return TooManyRows(ctx);
      }
      SortByPrimaryKey(t, &out);
      return out;
    }
    // Fall through: the full scan and the filter above decide.
  }
  absl::StatusOr<std::optional<Span>> span = ScanSpan(op, ctx);
  if (!span.ok()) return span.status();
  if (!span->has_value()) return out;
  absl::Status decode;
  const catalog::RowDecoder decoder(t);
  absl::Status s = ctx->txn->Scan((*span)->start, (*span)->end, false,
                                  [&](absl::string_view k, absl::string_view v) {
                                    Row row;
                                    decode = decoder.Decode(k, v, &row);
                                    if (!decode.ok()) return false;
                                    out.push_back(std::move(row));
                                    return out.size() <= ctx->options.max_rows;
                                  });
  if (!s.ok()) return s;
  if (!decode.ok()) return decode;
  if (out.size() > ctx->options.max_rows) return TooManyRows(ctx);
  return out;
}

}  // namespace tessera::exec::internal

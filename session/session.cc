#include "session/session.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "catalog/catalog.h"
#include "catalog/row_codec.h"
#include "common/errors.h"
#include "common/key_encoding.h"
#include "common/keys.h"
#include "exec/executor.h"
#include "function/value_ops.h"
#include "parser/ast_printer.h"
#include "parser/parser.h"
#include "planner/binder.h"
#include "session/dml.h"
#include "session/foreign_keys.h"

namespace tessera::session {

// Bound and physical plans of a prepared statement's SELECTs, each valid
// under the schema version it was bound in.
class PlanCache {
 public:
  struct Entry {
    uint64_t schema_version = 0;
    planner::LogicalPtr logical;
    std::shared_ptr<const planner::PhysicalOp> physical;
  };

  std::optional<Entry> Get(size_t statement, uint64_t schema_version) const {
    absl::MutexLock l(&mu_);
    auto it = entries_.find(statement);
    if (it == entries_.end() || it->second.schema_version != schema_version) return std::nullopt;
    return it->second;
  }
  void Put(size_t statement, Entry entry) {
    absl::MutexLock l(&mu_);
    entries_[statement] = std::move(entry);
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<size_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

namespace {

using catalog::Row;
using catalog::TableDescriptor;

constexpr int kMaxRetries = 50;

absl::Status Constraint(absl::string_view what, absl::string_view target) {
  return absl::FailedPreconditionError(absl::StrCat(what, " constraint failed: ", target));
}

// Converts `v` to column `col`'s strict type the way an assignment does:
// numbers between INTEGER and REAL when exact, numbers to TEXT, numeric text
// to numbers; anything else is a type error.
absl::StatusOr<Value> Coerce(const Value& v, const catalog::ColumnDescriptor& col,
                             const std::string& table) {
  if (v.is_null() || col.type == Type::kNull || v.type() == col.type) return v;
  auto mismatch = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot store ", TypeName(v.type()), " value ", v.ToString(), " in ",
        TypeName(col.type), " column ", table, ".", col.name));
  };
  switch (col.type) {
    case Type::kInteger: {
      Value n = v.type() == Type::kText ? function::ToNumeric(v) : v;
      if (v.type() == Type::kBoolean) return Value::Integer(v.boolean() ? 1 : 0);
      if (n.type() == Type::kInteger) {
        if (v.type() == Type::kText && function::RenderText(n) != absl::StripAsciiWhitespace(v.bytes())) {
          return mismatch();
        }
        return n;
      }
      if (n.type() == Type::kReal && std::trunc(n.real()) == n.real() &&
          std::fabs(n.real()) < 9.2e18) {
        return Value::Integer(static_cast<int64_t>(n.real()));
      }
      return mismatch();
    }
    case Type::kReal: {
      if (v.type() == Type::kInteger) return Value::Real(static_cast<double>(v.integer()));
      if (v.type() == Type::kText) {
        Value n = function::ToNumeric(v);
        return Value::Real(n.type() == Type::kInteger ? static_cast<double>(n.integer()) : n.real());
      }
      return mismatch();
    }
    case Type::kText:
      if (v.type() == Type::kBlob) return mismatch();
      return Value::Text(function::RenderText(v));
    case Type::kBlob:
      if (v.type() == Type::kText) return Value::Blob(v.bytes());
      return mismatch();
    case Type::kBoolean: {
      if (v.type() == Type::kInteger && (v.integer() == 0 || v.integer() == 1)) {
        return Value::Boolean(v.integer() == 1);
      }
      return mismatch();
    }
    case Type::kNull:
      return v;
  }
  return v;
}

// Reads every row of `table` (primary index order).
absl::StatusOr<std::vector<Row>> ScanTable(txn::Txn* txn, const TableDescriptor& t) {
  std::vector<Row> rows;
  std::string prefix = catalog::IndexPrefix(t.id, t.primary.id);
  absl::Status decode;
  const catalog::RowDecoder decoder(t);
  absl::Status s = txn->Scan(prefix, PrefixEnd(prefix), false,
                             [&](absl::string_view k, absl::string_view v) {
                               Row r;
                               decode = decoder.Decode(k, v, &r);
                               if (!decode.ok()) return false;
                               rows.push_back(std::move(r));
                               return true;
                             });
  if (!s.ok()) return s;
  if (!decode.ok()) return decode;
  return rows;
}


// The value of `sql`, an expression over a row of `t` that an index
// stores (a partial index's WHERE, a key expression), for `row`. Bound
// once per table layout and kept.
absl::StatusOr<Value> EvaluateStored(txn::Txn* txn, const TableDescriptor& t,
                                     const std::string& sql, const Row& row) {
  static absl::Mutex mu;
  static auto* bound = new absl::flat_hash_map<std::string, std::shared_ptr<const planner::BoundExpr>>();
  std::string key = absl::StrCat(t.id, "/", sql);
  for (const catalog::ColumnDescriptor& c : t.columns) absl::StrAppend(&key, "/", c.name);
  std::shared_ptr<const planner::BoundExpr> expr;
  {
    absl::MutexLock lock(&mu);
    auto it = bound->find(key);
    if (it != bound->end()) expr = it->second;
  }
  if (expr == nullptr) {
    absl::StatusOr<ast::ExprPtr> e = parser::ParseExpression(sql);
    if (!e.ok()) return e.status();
    planner::Binder binder(txn);
    absl::StatusOr<planner::BoundPtr> b = binder.BindTableExpr(**e, &t);
    if (!b.ok()) return b.status();
    expr = std::shared_ptr<const planner::BoundExpr>(std::move(*b));
    absl::MutexLock lock(&mu);
    if (bound->size() > 10000) bound->clear();  // table layouts that are gone
    bound->emplace(key, expr);
  }
  exec::ExecContext ctx;
  return exec::Evaluate(*expr, row, &ctx);
}

// Whether partial index `ix` holds `row` (an index without WHERE holds
// every row).
absl::StatusOr<bool> IndexHolds(txn::Txn* txn, const TableDescriptor& t,
                                const catalog::IndexDescriptor& ix, const Row& row) {
  if (ix.where_sql.empty()) return true;
  absl::StatusOr<Value> v = EvaluateStored(txn, t, ix.where_sql, row);
  if (!v.ok()) return v.status();
  std::optional<bool> truth = function::Truth(*v);
  return truth.has_value() && *truth;
}

// The values `row` gives the key columns of `ix`: a column's value, or an
// expression's.
absl::StatusOr<std::vector<Value>> IndexKeyValues(txn::Txn* txn, const TableDescriptor& t,
                                                  const catalog::IndexDescriptor& ix,
                                                  const Row& row) {
  std::vector<Value> values;
  for (size_t i = 0; i < ix.column_ids.size(); ++i) {
    if (ix.IsExpression(i)) {
      absl::StatusOr<Value> v = EvaluateStored(txn, t, ix.expressions[i], row);
      if (!v.ok()) return v.status();
      // An expression has no column type: a REAL with an integral value is
      // keyed as that INTEGER, so 3 and 3.0, which SQL holds equal, collide
      // in a UNIQUE index (the key encoding tags the two types apart).
      if (v->type() == Type::kReal && std::trunc(v->real()) == v->real() &&
          std::fabs(v->real()) < 9.2e18) {
        v = Value::Integer(static_cast<int64_t>(v->real()));
      }
      values.push_back(*std::move(v));
    } else {
      const int pos = t.ColumnIndexById(ix.column_ids[i]);
      values.push_back(pos >= 0 ? row[pos] : Value());
    }
  }
  return values;
}

// The key of `row` in `ix` (catalog::IndexEntryKey, with the values of
// key expressions computed).
absl::StatusOr<std::string> IndexKey(txn::Txn* txn, const TableDescriptor& t,
                                     const catalog::IndexDescriptor& ix, const Row& row) {
  if (!ix.HasExpressions()) return catalog::IndexEntryKey(t, ix, row);
  absl::StatusOr<std::vector<Value>> values = IndexKeyValues(txn, t, ix, row);
  if (!values.ok()) return values.status();
  return catalog::IndexEntryKeyOf(t, ix, *values, row);
}

// Deletes the row and its index entries. A partial index's entry only
// where the index holds the row: a UNIQUE one's entry for the same values
// may be another row's.
absl::Status DeleteRowEntries(txn::Txn* txn, const TableDescriptor& t, const Row& row) {
  txn->Delete(catalog::PrimaryKey(t, row));
  for (const catalog::IndexDescriptor& ix : t.indexes) {
    absl::StatusOr<bool> holds = IndexHolds(txn, t, ix, row);
    if (!holds.ok()) return holds.status();
    if (!*holds) continue;
    absl::StatusOr<std::string> key = IndexKey(txn, t, ix, row);
    if (!key.ok()) return key.status();
    txn->Delete(*key);
  }
  return absl::OkStatus();
}

// Writes the row's index entries.
absl::Status PutIndexEntries(txn::Txn* txn, const TableDescriptor& t, const Row& row) {
  for (const catalog::IndexDescriptor& ix : t.indexes) {
    absl::StatusOr<bool> holds = IndexHolds(txn, t, ix, row);
    if (!holds.ok()) return holds.status();
    if (!*holds) continue;
    absl::StatusOr<std::string> key = IndexKey(txn, t, ix, row);
    if (!key.ok()) return key.status();
    txn->Put(*key, catalog::IndexEntryValue(t, ix, row));
  }
  return absl::OkStatus();
}

// Writes the row, whose primary key is `pk`, and its index entries.
// `scratch` is a buffer to reuse across rows.
absl::Status PutRowEntries(txn::Txn* txn, const TableDescriptor& t, const Row& row,
                           absl::string_view pk, std::string* scratch) {
  scratch->clear();
  catalog::AppendRowValue(t, row, scratch);
  txn->Put(pk, *scratch);
  return PutIndexEntries(txn, t, row);
}

absl::Status PutRowEntries(txn::Txn* txn, const TableDescriptor& t, const Row& row) {
  std::string scratch;
  return PutRowEntries(txn, t, row, catalog::PrimaryKey(t, row), &scratch);
}

// SQLite's sqlite_sequence: one row (name, seq) per AUTOINCREMENT table, the
// largest key it handed out. A table like any other, so it can be read,
// reset and dumped; made with the first AUTOINCREMENT table and never
// dropped.
constexpr absl::string_view kSequenceTable = "sqlite_sequence";

absl::Status EnsureSequenceTable(txn::Txn* txn) {
  absl::StatusOr<std::optional<catalog::SchemaObject>> existing =
      catalog::LookupObject(txn, kSequenceTable);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    if ((*existing)->table.has_value()) return absl::OkStatus();
    return absl::AlreadyExistsError("sqlite_sequence exists and is not a table");
  }
  TableDescriptor t;
  absl::StatusOr<uint32_t> id = catalog::AllocateTableId(txn);
  if (!id.ok()) return id.status();
  t.id = *id;
  t.name = std::string(kSequenceTable);
  t.columns = {{1, "name", Type::kText, false, false, "", ""},
               {2, "seq", Type::kInteger, true, false, "", ""}};
  t.primary = catalog::IndexDescriptor{1, "primary", true, {1}, {SortOrder::kAscending}, ""};
  t.next_column_id = 3;
  catalog::SchemaObject obj;
  obj.table = std::move(t);
  return catalog::PutObject(txn, kSequenceTable, obj, true);
}

// The row of sqlite_sequence for `table`, if there is one.
absl::StatusOr<std::optional<Row>> SequenceRow(txn::Txn* txn, const TableDescriptor& seq,
                                               absl::string_view table) {
  const std::string key = catalog::PrimaryKey(seq, Row{Value::Text(table), Value()});
  absl::StatusOr<std::optional<std::string>> raw = txn->Get(key);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<Row>();
  Row row;
  if (absl::Status s = catalog::DecodeRow(seq, key, **raw, &row); !s.ok()) return s;
  return std::optional<Row>(std::move(row));
}

// The largest key AUTOINCREMENT table `table` handed out (0: none yet).
absl::StatusOr<int64_t> ReadSequence(txn::Txn* txn, absl::string_view table) {
  absl::StatusOr<TableDescriptor> seq = catalog::GetTable(txn, kSequenceTable);
  if (!seq.ok()) return seq.status();
  absl::StatusOr<std::optional<Row>> row = SequenceRow(txn, *seq, table);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return 0;
  const Value n = function::ToNumeric((**row)[1]);
  return n.type() == Type::kInteger ? n.integer() : 0;
}

// Sets `table`'s row of sqlite_sequence to `value`; nullopt removes it.
absl::Status WriteSequence(txn::Txn* txn, absl::string_view table, std::optional<int64_t> value) {
  absl::StatusOr<TableDescriptor> seq = catalog::GetTable(txn, kSequenceTable);
  if (!seq.ok()) return seq.status();
  absl::StatusOr<std::optional<Row>> row = SequenceRow(txn, *seq, table);
  if (!row.ok()) return row.status();
  if (row->has_value()) {
    if (absl::Status s = DeleteRowEntries(txn, *seq, **row); !s.ok()) return s;
  }
  if (!value.has_value()) return absl::OkStatus();
  return PutRowEntries(txn, *seq, Row{Value::Text(table), Value::Integer(*value)});
}

// Whether `ix` is a UNIQUE constraint's index (CREATE TABLE makes it, under
// SQLite's name for it), not one CREATE INDEX made.
bool IsConstraintIndex(const catalog::IndexDescriptor& ix) {
  return ix.unique && absl::StartsWith(ix.name, "sqlite_autoindex_");
}

std::string IndexTarget(const TableDescriptor& t, const catalog::IndexDescriptor& ix) {
  // SQLite names an index on expressions rather than its columns.
  if (ix.HasExpressions()) return absl::StrCat("index '", ix.name, "'");
  std::vector<std::string> cols;
  for (uint32_t id : ix.column_ids) {
    int pos = t.ColumnIndexById(id);
    cols.push_back(absl::StrCat(t.name, ".", pos >= 0 ? t.columns[pos].name : "?"));
  }
  return absl::StrJoin(cols, ", ");
}

// The error of a row whose primary key another row holds.
absl::Status PrimaryKeyTaken(const TableDescriptor& t) {
  return Constraint("UNIQUE", IndexTarget(t, t.primary));
}


absl::StatusOr<std::vector<std::vector<Value>>> SchemaRows(txn::Txn* txn, bool sqlite_master);

planner::Binder NewBinder(const Dml& d) {
  planner::Binder b(d.txn);
  if (d.trigger_table != nullptr) b.SetTriggerRow(*d.trigger_table);
  txn::Txn* const txn = d.txn;
  b.set_schema_rows([txn] { return SchemaRows(txn, /*sqlite_master=*/true); });
  // Constant subexpressions are evaluated once, at bind time.
  b.set_constant_evaluator([](const planner::BoundExpr& e) -> absl::StatusOr<Value> {
    exec::ExecContext ctx;
    return exec::Evaluate(e, Row(), &ctx);
  });
  return b;
}

void InitContext(const Dml& d, exec::ExecContext* ctx) {
  ctx->txn = d.txn;
  ctx->params = d.params;
  ctx->session = d.values;
  if (d.trigger_row != nullptr) ctx->outer.push_back(d.trigger_row);
}

absl::StatusOr<Value> EvalConst(Dml& d, planner::Binder& binder, const ast::Expr& e,
                                const TableDescriptor* table, const Row* row) {
  absl::StatusOr<planner::BoundPtr> b = binder.BindTableExpr(e, table);
  if (!b.ok()) return b.status();
  exec::ExecContext ctx;
  InitContext(d, &ctx);
  Row empty;
  return exec::Evaluate(**b, row != nullptr ? *row : empty, &ctx);
}

// Fills defaults, coerces types, checks NOT NULL and CHECK constraints and
// assigns a rowid / INTEGER PRIMARY KEY where needed. `inserting`: a new
// row (an AUTOINCREMENT table records its key), not an updated one.
absl::Status PrepareRow(Dml& d, const TableDescriptor& t, Row* row,
                        absl::Span<const bool> given, bool inserting = true) {
  // Made only for the defaults and checks that need one (most rows: none).
  std::optional<planner::Binder> binder;
  auto bind = [&]() -> planner::Binder& {
    if (!binder.has_value()) binder.emplace(NewBinder(d));
    return *binder;
  };
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const catalog::ColumnDescriptor& c = t.columns[i];
    if (!given[i] && !c.hidden && !c.default_sql.empty()) {
      absl::StatusOr<ast::ExprPtr> e = parser::ParseExpression(c.default_sql);
      if (!e.ok()) return e.status();
      absl::StatusOr<Value> v = EvalConst(d, bind(), **e, nullptr, nullptr);
      if (!v.ok()) return v.status();
      (*row)[i] = *std::move(v);
    }
    const Value& given_value = (*row)[i];
    // Already of the column's type (Coerce would copy it unchanged).
    if (given_value.is_null() || c.type == Type::kNull || given_value.type() == c.type) continue;
    absl::StatusOr<Value> v = Coerce(given_value, c, t.name);
    if (!v.ok()) return v.status();
    (*row)[i] = *std::move(v);
  }
  // The hidden rowid comes from the node's hybrid clock (unique and
  // increasing on this node, like CockroachDB's unique_rowid): no read, no
  // conflict between concurrent inserters. An INTEGER PRIMARY KEY left NULL
  // gets the largest existing key + 1, as in SQLite (AUTOINCREMENT: also
  // above every key handed out before; WITHOUT ROWID: none).
  if (t.primary.column_ids.size() == 1) {
    int pos = t.ColumnIndexById(t.primary.column_ids[0]);
    const catalog::ColumnDescriptor& c = t.columns[pos];
    std::optional<int64_t> sequence;
    if (t.autoincrement && inserting) {
      absl::StatusOr<int64_t> seq = ReadSequence(d.txn, t.name);
      if (!seq.ok()) return seq.status();
      sequence = *seq;
    }
    if ((*row)[pos].is_null() && c.hidden) {
      Timestamp ts = d.db->clock()->Now();
      (*row)[pos] = Value::Integer((ts.wall_ms << 20) | (ts.logical & 0xFFFFF));
    } else if ((*row)[pos].is_null() && c.type == Type::kInteger && !t.without_rowid) {
      // Largest existing key + 1, as SQLite assigns rowids.
      std::string prefix = catalog::IndexPrefix(t.id, t.primary.id);
      int64_t max_id = 0;
      absl::Status decode;
      absl::Status s = d.txn->Scan(prefix, PrefixEnd(prefix), true,
                                   [&](absl::string_view k, absl::string_view v) {
                                     Row r;
                                     decode = catalog::DecodeRow(t, k, v, &r);
                                     if (decode.ok() && r[pos].type() == Type::kInteger) {
                                       max_id = r[pos].integer();
                                     }
                                     return false;  // the last key only
                                   },
                                   /*limit=*/1);
      if (!s.ok()) return s;
      if (!decode.ok()) return decode;
      if (sequence.has_value()) max_id = std::max(max_id, *sequence);
      if (max_id == std::numeric_limits<int64_t>::max()) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "cannot assign a key to the new row of ", t.name, ": its largest key is ", max_id));
      }
      (*row)[pos] = Value::Integer(max_id + 1);
    }
    if (sequence.has_value() && (*row)[pos].type() == Type::kInteger &&
        (*row)[pos].integer() > *sequence) {
      if (absl::Status s = WriteSequence(d.txn, t.name, (*row)[pos].integer()); !s.ok()) return s;
    }
  }
  // Generated columns, from the row's other values. One may read another:
  // as many rounds as there are generated columns reach every chain (the
  // schema has no loops: CreateTable refuses them).
  size_t generated = 0;
  for (const catalog::ColumnDescriptor& c : t.columns) generated += c.generated_sql.empty() ? 0 : 1;
  for (size_t round = 0; round < generated; ++round) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const catalog::ColumnDescriptor& c = t.columns[i];
      if (c.generated_sql.empty()) continue;
      absl::StatusOr<ast::ExprPtr> e = parser::ParseExpression(c.generated_sql);
      if (!e.ok()) return e.status();
      absl::StatusOr<Value> v = EvalConst(d, bind(), **e, &t, row);
      if (!v.ok()) return v.status();
      if (!v->is_null() && c.type != Type::kNull && v->type() != c.type) {
        v = Coerce(*v, c, t.name);
        if (!v.ok()) return v.status();
      }
      (*row)[i] = *std::move(v);
    }
  }
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (!t.columns[i].nullable && (*row)[i].is_null()) {
      return Constraint("NOT NULL", absl::StrCat(t.name, ".", t.columns[i].name));
    }
  }
  for (const std::string& check : t.checks) {
    absl::StatusOr<ast::ExprPtr> e = parser::ParseExpression(check);
    if (!e.ok()) return e.status();
    absl::StatusOr<Value> v = EvalConst(d, bind(), **e, &t, row);
    if (!v.ok()) return v.status();
    std::optional<bool> ok = function::Truth(*v);
    if (ok.has_value() && !*ok) return Constraint("CHECK", check);
  }
  return absl::OkStatus();
}

// Finds rows that `row`, whose primary key is `pk`, would collide with in
// the primary key or a unique index; returns their primary keys (excluding
// `self_key`).
absl::StatusOr<std::vector<std::string>> Conflicts(Dml& d, const TableDescriptor& t,
                                                   const Row& row, absl::string_view pk,
                                                   absl::string_view self_key,
                                                   std::string* what) {
  std::vector<std::string> out;
  if (pk != self_key) {
    absl::StatusOr<std::optional<std::string>> existing = d.txn->Get(pk);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      out.emplace_back(pk);
      *what = IndexTarget(t, t.primary);
    }
  }
  for (const catalog::IndexDescriptor& ix : t.indexes) {
    if (!ix.unique) continue;
    absl::StatusOr<bool> holds = IndexHolds(d.txn, t, ix, row);
    if (!holds.ok()) return holds.status();
    if (!*holds) continue;  // a partial index without this row
    // NULLs never collide.
    std::string entry;
    if (ix.HasExpressions()) {
      absl::StatusOr<std::vector<Value>> values = IndexKeyValues(d.txn, t, ix, row);
      if (!values.ok()) return values.status();
      if (std::any_of(values->begin(), values->end(), [](const Value& v) { return v.is_null(); })) {
        continue;
      }
      entry = catalog::IndexEntryKeyOf(t, ix, *values, row);
    } else {
      if (std::any_of(ix.column_ids.begin(), ix.column_ids.end(),
                      [&](uint32_t id) { return row[t.ColumnIndexById(id)].is_null(); })) {
        continue;
      }
      entry = catalog::IndexEntryKey(t, ix, row);
    }
    absl::StatusOr<std::optional<std::string>> owner = d.txn->Get(entry);
    if (!owner.ok()) return owner.status();
    if (owner->has_value() && **owner != self_key &&
        std::find(out.begin(), out.end(), **owner) == out.end()) {
      out.push_back(**owner);
      *what = IndexTarget(t, ix);
    }
  }
  return out;
}


// The triggers defined on `t` (none inside a trigger body: triggers do not
// fire recursively, as SQLite's default).
absl::StatusOr<std::vector<Trigger>> LoadTriggers(Dml& d, const TableDescriptor& t) {
  std::vector<Trigger> out;
  if (d.trigger_table != nullptr) return out;
  absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
      catalog::ListObjects(d.txn);
  if (!all.ok()) return all.status();
  for (auto& [name, o] : *all) {
    if (!o.trigger.has_value() || !absl::EqualsIgnoreCase(o.trigger->table, t.name)) continue;
    absl::StatusOr<ast::StatementPtr> parsed = parser::ParseOne(o.trigger->create_sql);
    if (!parsed.ok()) return parsed.status();
    Trigger tr;
    tr.def = static_cast<const ast::CreateTriggerStatement*>(parsed->get());
    tr.parsed = *std::move(parsed);
    out.push_back(std::move(tr));
  }
  return out;
}

// An INSERT, UPDATE or DELETE's RETURNING clause: its expressions over each
// row the statement wrote (or deleted), evaluated once the statement's
// writes are done, so a subquery in it sees the table as the statement
// leaves it rather than half changed.
class Returning {
 public:
  // Binds `columns` (none: no clause, and Add() does nothing) over `t`'s
  // rows; sets up `rs` (not owned) to receive the rows.
  absl::Status Bind(Dml& d, planner::Binder& binder, const TableDescriptor& t,
                    const std::vector<ast::ResultColumn>& columns, ResultSet* rs) {
    if (columns.empty()) return absl::OkStatus();
    for (const ast::ResultColumn& rc : columns) {
      if (rc.kind == ast::ResultColumn::Kind::kExpr) {
        if (planner::ContainsAggregate(*rc.expr)) {
          return absl::InvalidArgumentError("aggregate functions are not allowed in RETURNING");
        }
        absl::StatusOr<planner::BoundPtr> e = binder.BindTableExpr(*rc.expr, &t);
        if (!e.ok()) return e.status();
        exprs_.push_back(*std::move(e));
        rs->columns.push_back(planner::ResultName(rc));
        continue;
      }
      if (rc.kind == ast::ResultColumn::Kind::kTableStar &&
          !absl::EqualsIgnoreCase(rc.table, t.name)) {
        return absl::NotFoundError(absl::StrCat("no such table: ", rc.table));
      }
      for (size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].hidden) continue;
        auto column = std::make_unique<planner::BoundExpr>();
        column->kind = planner::BoundKind::kColumn;
        column->index = static_cast<int>(i);
        exprs_.push_back(std::move(column));
        rs->columns.push_back(t.columns[i].name);
      }
    }
    rs->has_rows = true;
    rs_ = rs;
    ctx_ = std::make_unique<exec::ExecContext>();
    InitContext(d, ctx_.get());
    return absl::OkStatus();
  }

  // Keeps `row` (the table's columns, as written) for Finish().
  void Add(const Row& row) {
    if (rs_ != nullptr) written_.push_back(row);
  }

  // Evaluates the clause over the rows added, into the result.
  absl::Status Finish() {
    if (rs_ == nullptr) return absl::OkStatus();
    rs_->rows.reserve(written_.size());
    for (const Row& row : written_) {
      Row out;
      out.reserve(exprs_.size());
      for (const planner::BoundPtr& e : exprs_) {
        absl::StatusOr<Value> v = exec::Evaluate(*e, row, ctx_.get());
        if (!v.ok()) return v.status();
        out.push_back(*std::move(v));
      }
      rs_->rows.push_back(std::move(out));
    }
    written_.clear();
    return absl::OkStatus();
  }

 private:
  std::vector<planner::BoundPtr> exprs_;
  ResultSet* rs_ = nullptr;
  std::vector<Row> written_;
  // Made by Bind() only for a statement with RETURNING: the INSERTs that
  // have none do not pay for it.
  std::unique_ptr<exec::ExecContext> ctx_;
};


}  // namespace


// The table `name` and its triggers, from the session's cache when it
// holds them for this snapshot's schema version.
absl::StatusOr<TableInfo> LoadTable(Dml& d, const std::string& name) {
  // Inside a trigger body no triggers fire: that answer is not cached.
  const bool cacheable = d.tables != nullptr && d.trigger_table == nullptr;
  if (cacheable) {
    if (std::optional<TableInfo> hit = d.tables->Get(name, d.schema_version)) {
      // It stands for the catalog reads it saves: a schema change committed
      // after this snapshot must abort a writing transaction, as re-reading
      // the catalog would (LoadTriggers reads this whole span).
      const auto& [start, end] = catalog::ObjectSpan();
      d.txn->NoteRead(start, end);
      return *std::move(hit);
    }
  }
  absl::StatusOr<TableDescriptor> t = catalog::GetTable(d.txn, name);
  if (!t.ok()) return t.status();
  absl::StatusOr<std::vector<Trigger>> triggers = LoadTriggers(d, *t);
  if (!triggers.ok()) return triggers.status();
  TableInfo info{std::make_shared<const TableDescriptor>(*std::move(t)),
                 std::make_shared<const std::vector<Trigger>>(*std::move(triggers))};
  if (cacheable) d.tables->Put(name, d.schema_version, info);
  return info;
}

namespace {

// Runs the triggers of `event` and `timing` for one row. `changed` lists the
// columns an UPDATE assigns.
absl::Status Fire(Dml& d, const std::vector<Trigger>& triggers, const TableDescriptor& t,
                  ast::TriggerEvent event, ast::TriggerTiming timing, const Row* new_row,
                  const Row* old_row, const std::vector<int>& changed) {
  for (const Trigger& tr : triggers) {
    const ast::CreateTriggerStatement& def = *tr.def;
    if (def.event != event || def.timing != timing) continue;
    if (event == ast::TriggerEvent::kUpdate && !def.update_columns.empty()) {
      bool hit = false;
      for (const std::string& c : def.update_columns) {
        int pos = t.ColumnIndex(c);
        hit = hit || std::find(changed.begin(), changed.end(), pos) != changed.end();
      }
      if (!hit) continue;
    }
    const size_t w = t.columns.size();
    Row both(2 * w);
    if (new_row != nullptr) std::copy(new_row->begin(), new_row->end(), both.begin());
    if (old_row != nullptr) std::copy(old_row->begin(), old_row->end(), both.begin() + w);
    Dml inner = d;
    inner.trigger_row = &both;
    inner.trigger_table = &t;
    if (def.when) {
      planner::Binder binder = NewBinder(inner);
      absl::StatusOr<planner::BoundPtr> b = binder.BindTableExpr(*def.when, nullptr);
      if (!b.ok()) return b.status();
      exec::ExecContext ctx;
      InitContext(inner, &ctx);
      absl::StatusOr<Value> v = exec::Evaluate(**b, Row(), &ctx);
      if (!v.ok()) return v.status();
      if (!function::Truth(*v).value_or(false)) continue;
    }
    for (const ast::StatementPtr& body : def.body) {
      absl::StatusOr<ResultSet> r = RunDml(inner, *body);
      if (!r.ok()) return r.status();
      if (d.trigger_changes != nullptr) *d.trigger_changes += r->rows_affected;
    }
  }
  return absl::OkStatus();
}


absl::StatusOr<ResultSet> Insert(Dml& d, const ast::InsertStatement& st) {
  absl::StatusOr<TableInfo> info = LoadTable(d, st.table);
  if (!info.ok()) return info.status();
  const TableDescriptor* t = info->table.get();
  const std::vector<Trigger>* triggers = info->triggers.get();
  // Target columns.
  // (A generated column is never given: SQLite's implicit list leaves it
  // out, and naming it is an error.)
  absl::InlinedVector<int, 16> targets;
  if (st.columns.empty()) {
    for (size_t i = 0; i < t->columns.size(); ++i) {
      if (!t->columns[i].hidden && t->columns[i].generated_sql.empty()) {
        targets.push_back(static_cast<int>(i));
      }
    }
  } else {
    for (const std::string& c : st.columns) {
      int pos = t->ColumnIndex(c);
      if (pos < 0) return absl::NotFoundError(absl::StrCat("table ", t->name, " has no column named ", c));
      if (!t->columns[pos].generated_sql.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot INSERT into generated column \"", t->columns[pos].name, "\""));
      }
      targets.push_back(pos);
    }
  }
  // The input rows: a SELECT's rows, or the VALUES rows laid out one after
  // another in `values` (one allocation, not one per row).
  std::vector<Row> selected;
  std::vector<Value> values;
  absl::InlinedVector<absl::Span<Value>, 1> inputs;
  planner::Binder binder = NewBinder(d);
  if (st.select) {
    absl::StatusOr<planner::LogicalPtr> plan = binder.BindSelect(*st.select);
    if (!plan.ok()) return plan.status();
    exec::ExecContext ctx;
    InitContext(d, &ctx);
    absl::StatusOr<std::vector<Row>> rows = exec::Execute(**plan, &ctx);
    if (!rows.ok()) return rows.status();
    selected = *std::move(rows);
    inputs.reserve(selected.size());
    for (Row& r : selected) inputs.emplace_back(r);
  } else if (!st.default_values) {
    size_t total = 0;
    for (const auto& exprs : st.values) total += exprs.size();
    values.reserve(total);
    for (const auto& exprs : st.values) {
      for (const ast::ExprPtr& e : exprs) {
        if (e->kind == ast::ExprKind::kLiteral) {  // most VALUES: no binding needed
          values.push_back(e->literal);
          continue;
        }
        absl::StatusOr<Value> v = EvalConst(d, binder, *e, nullptr, nullptr);
        if (!v.ok()) return v.status();
        values.push_back(*std::move(v));
      }
    }
    size_t at = 0;
    inputs.reserve(st.values.size());
    for (const auto& exprs : st.values) {
      inputs.emplace_back(values.data() + at, exprs.size());
      at += exprs.size();
    }
  } else {
    inputs.emplace_back();
  }
  // Read the primary keys the rows will take in one batch up front (the
  // transaction keeps what it read), instead of one round trip per row.
  // Only when every key is given: an INTEGER PRIMARY KEY left NULL is
  // assigned from the rows inserted before it.
  // The keys, one per input row, are used again below.
  std::vector<std::string> keys;
  if (inputs.size() > 1 && t->primary.column_ids.size() == 1 && targets.size() == inputs[0].size()) {
    const int pk = t->ColumnIndexById(t->primary.column_ids[0]);
    int source = -1;
    for (size_t i = 0; i < targets.size(); ++i) {
      if (targets[i] == pk) source = static_cast<int>(i);
    }
    keys.reserve(inputs.size());
    const std::string prefix = catalog::IndexPrefix(t->id, t->primary.id);
    for (absl::Span<Value> in : inputs) {
      if (source < 0 || in.size() != targets.size()) break;
      absl::StatusOr<Value> v = Coerce(in[source], t->columns[pk], t->name);
      if (!v.ok() || v->is_null()) break;
      std::string& key = keys.emplace_back();
      key.reserve(prefix.size() + 16);
      catalog::AppendPrimaryKeyOfValue(*t, prefix, *v, &key);
    }
    if (keys.size() == inputs.size()) {
      if (absl::Status s = d.txn->Prefetch(keys); !s.ok()) return s;
    } else {
      keys.clear();
    }
  }
  // A single row in a transaction of its own, with nothing to run on a
  // conflict and no other unique key: the commit checks the primary key
  // where it writes it (txn::Txn::Insert), which saves reading it first.
  const bool check_at_commit =
      d.unique_at_commit != nullptr && d.trigger_table == nullptr && inputs.size() == 1 &&
      !st.has_upsert && st.or_action == ast::ConflictAction::kNone && triggers->empty() &&
      std::none_of(t->indexes.begin(), t->indexes.end(),
                   [](const catalog::IndexDescriptor& ix) { return ix.unique; });
  // The column last_insert_rowid() reports: the hidden rowid or a lone
  // INTEGER primary key (-1: the table has neither, as SQLite's WITHOUT
  // ROWID tables, and an insert leaves the value as it was).
  int rowid_column = -1;
  if (t->primary.column_ids.size() == 1 && d.trigger_table == nullptr && !t->without_rowid) {
    const int pos = t->ColumnIndexById(t->primary.column_ids[0]);
    if (t->columns[pos].type == Type::kInteger) rowid_column = pos;
  }
  auto note_rowid = [&](const Row& r) {
    if (rowid_column >= 0 && r[rowid_column].type() == Type::kInteger) {
      d.last_rowid = r[rowid_column].integer();
    }
  };
  ResultSet rs;
  Returning returning;
  if (absl::Status s = returning.Bind(d, binder, *t, st.returning, &rs); !s.ok()) return s;
  // Foreign keys (empty unless enforced): the table's own, and those that
  // reference it where this INSERT may delete or update its rows.
  absl::StatusOr<std::vector<ForeignKey>> child_fks = ChildForeignKeys(d, info->table, nullptr);
  if (!child_fks.ok()) return child_fks.status();
  absl::StatusOr<std::vector<ForeignKey>> parent_fks = std::vector<ForeignKey>();
  if (st.or_action == ast::ConflictAction::kReplace || st.has_upsert) {
    parent_fks = ParentForeignKeys(d, *t, nullptr);
    if (!parent_fks.ok()) return parent_fks.status();
  }
  std::string pk, value_scratch;  // reused row by row
  Row row;
  // Which columns the statement gives: the same for every row.
  absl::InlinedVector<bool, 16> given(t->columns.size(), false);
  if (!st.default_values) {
    for (int target : targets) given[target] = true;
  }
  for (size_t n = 0; n < inputs.size(); ++n) {
    absl::Span<Value> in = inputs[n];
    if (!st.default_values && in.size() != targets.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "table ", t->name, " has ", targets.size(), " columns but ", in.size(),
          " values were supplied"));
    }
    row.assign(t->columns.size(), Value());
    for (size_t i = 0; i < in.size(); ++i) row[targets[i]] = std::move(in[i]);
    if (absl::Status s = PrepareRow(d, *t, &row, given); !s.ok()) {
      if (st.or_action == ast::ConflictAction::kIgnore) continue;
      return s;
    }
    if (!keys.empty()) {
      // PrepareRow coerced the given key as the prefetch did, so the row's
      // key is the one already encoded.
      pk.swap(keys[n]);
    } else {
      pk.clear();
      catalog::AppendPrimaryKey(*t, row, &pk);
    }
    if (check_at_commit) {
      value_scratch.clear();
      catalog::AppendRowValue(*t, row, &value_scratch);
      if (absl::Status s = d.txn->Insert(pk, value_scratch); !s.ok()) {
        return s.code() == absl::StatusCode::kAlreadyExists ? PrimaryKeyTaken(*t) : s;
      }
      if (absl::Status s = PutIndexEntries(d.txn, *t, row); !s.ok()) return s;
      ChildRowWritten(d, *child_fks, row, nullptr);
      *d.unique_at_commit = info->table;
      d.last_insert_key.assign(pk);
      note_rowid(row);
      ++rs.rows_affected;
      returning.Add(row);
      continue;
    }
    std::string what;
    absl::StatusOr<std::vector<std::string>> conflicts = Conflicts(d, *t, row, pk, "", &what);
    if (!conflicts.ok()) return conflicts.status();
    if (!conflicts->empty()) {
      if (st.or_action == ast::ConflictAction::kIgnore ||
          (st.has_upsert && st.do_nothing)) {
        continue;
      }
      if (st.has_upsert) {
        // ON CONFLICT DO UPDATE: update the existing row instead.
        const std::string& key = conflicts->front();
        absl::StatusOr<std::optional<std::string>> raw = d.txn->Get(key);
        if (!raw.ok()) return raw.status();
        if (!raw->has_value()) return absl::InternalError("conflicting row vanished");
        Row old_row;
        if (absl::Status s = catalog::DecodeRow(*t, key, **raw, &old_row); !s.ok()) return s;
        Row both = old_row;
        both.insert(both.end(), row.begin(), row.end());
        exec::ExecContext ctx;
        InitContext(d, &ctx);
        if (st.do_update_where) {
          absl::StatusOr<planner::BoundPtr> w = binder.BindUpsertExpr(*st.do_update_where, *t);
          if (!w.ok()) return w.status();
          absl::StatusOr<Value> keep = exec::Evaluate(**w, both, &ctx);
          if (!keep.ok()) return keep.status();
          if (!function::Truth(*keep).value_or(false)) continue;
        }
        Row updated = old_row;
        for (const ast::Assignment& a : st.do_update) {
          int pos = t->ColumnIndex(a.column);
          if (pos < 0) return absl::NotFoundError(absl::StrCat("no such column: ", a.column));
          if (!t->columns[pos].generated_sql.empty()) {
            return absl::InvalidArgumentError(
                absl::StrCat("cannot UPDATE generated column \"", t->columns[pos].name, "\""));
          }
          absl::StatusOr<planner::BoundPtr> b = binder.BindUpsertExpr(*a.value, *t);
          if (!b.ok()) return b.status();
          absl::StatusOr<Value> v = exec::Evaluate(**b, both, &ctx);
          if (!v.ok()) return v.status();
          updated[pos] = *std::move(v);
        }
        if (absl::Status s = DeleteRowEntries(d.txn, *t, old_row); !s.ok()) return s;
        absl::InlinedVector<bool, 16> all(t->columns.size(), true);
        if (absl::Status s = PrepareRow(d, *t, &updated, all, /*inserting=*/false); !s.ok()) {
          return s;
        }
        std::string again;
        absl::StatusOr<std::vector<std::string>> c2 =
            Conflicts(d, *t, updated, catalog::PrimaryKey(*t, updated), "", &again);
        if (!c2.ok()) return c2.status();
        if (!c2->empty()) return Constraint("UNIQUE", again);
        if (absl::Status s = PutRowEntries(d.txn, *t, updated); !s.ok()) return s;
        if (absl::Status s = ParentRowChanged(d, *parent_fks, old_row, &updated); !s.ok()) return s;
        ChildRowWritten(d, *child_fks, updated, &old_row);
        ++rs.rows_affected;
        returning.Add(updated);
        continue;
      }
      if (st.or_action != ast::ConflictAction::kReplace) {
        return Constraint("UNIQUE", what);
      }
      for (const std::string& key : *conflicts) {
        absl::StatusOr<std::optional<std::string>> old = d.txn->Get(key);
        if (!old.ok()) return old.status();
        if (!old->has_value()) continue;
        Row old_row;
        if (absl::Status s = catalog::DecodeRow(*t, key, **old, &old_row); !s.ok()) return s;
        if (absl::Status s = DeleteRowEntries(d.txn, *t, old_row); !s.ok()) return s;
        // REPLACE deletes the row it replaces, with its foreign key actions.
        if (absl::Status s = ParentRowChanged(d, *parent_fks, old_row, nullptr); !s.ok()) return s;
      }
    }
    if (absl::Status f = Fire(d, *triggers, *t, ast::TriggerEvent::kInsert,
                              ast::TriggerTiming::kBefore, &row, nullptr, {});
        !f.ok()) {
      return f;
    }
    if (absl::Status s = PutRowEntries(d.txn, *t, row, pk, &value_scratch); !s.ok()) return s;
    ChildRowWritten(d, *child_fks, row, nullptr);
    d.last_insert_key.assign(pk);
    note_rowid(row);
    ++rs.rows_affected;
    returning.Add(row);
    if (absl::Status f = Fire(d, *triggers, *t, ast::TriggerEvent::kInsert,
                              ast::TriggerTiming::kAfter, &row, nullptr, {});
        !f.ok()) {
      return f;
    }
  }
  d.inserted_table = t->id;
  if (absl::Status s = returning.Finish(); !s.ok()) return s;
  return rs;
}

absl::StatusOr<ResultSet> UpdateOrDelete(Dml& d, const ast::Statement& st) {
  const bool is_update = st.kind == ast::StatementKind::kUpdate;
  const std::string& table_name = is_update
      ? static_cast<const ast::UpdateStatement&>(st).table
      : static_cast<const ast::DeleteStatement&>(st).table;
  const ast::Expr* where = is_update
      ? static_cast<const ast::UpdateStatement&>(st).where.get()
      : static_cast<const ast::DeleteStatement&>(st).where.get();
  const std::vector<ast::ResultColumn>& returning_columns =
      is_update ? static_cast<const ast::UpdateStatement&>(st).returning
                : static_cast<const ast::DeleteStatement&>(st).returning;
  absl::StatusOr<TableInfo> info = LoadTable(d, table_name);
  if (!info.ok()) return info.status();
  const TableDescriptor* t = info->table.get();
  // DROP TABLE's implicit DELETE fires no triggers of its table (what it
  // sets off in other tables does).
  static const std::vector<Trigger> kNoTriggers;
  const std::vector<Trigger>* triggers = d.no_triggers ? &kNoTriggers : info->triggers.get();
  d.no_triggers = false;
  const ast::TriggerEvent event =
      is_update ? ast::TriggerEvent::kUpdate : ast::TriggerEvent::kDelete;
  planner::Binder binder = NewBinder(d);
  // The columns an UPDATE assigns.
  std::vector<int> changed;
  if (is_update) {
    for (const ast::Assignment& a : static_cast<const ast::UpdateStatement&>(st).assignments) {
      int pos = t->ColumnIndex(a.column);
      if (pos < 0) return absl::NotFoundError(absl::StrCat("no such column: ", a.column));
      if (!t->columns[pos].generated_sql.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot UPDATE generated column \"", t->columns[pos].name, "\""));
      }
      changed.push_back(pos);
    }
  }
  // What an UPDATE may change: what it assigns, and the generated columns
  // (which follow what they read).
  std::vector<int> touched = changed;
  for (size_t i = 0; i < t->columns.size(); ++i) {
    if (is_update && !t->columns[i].generated_sql.empty()) touched.push_back(static_cast<int>(i));
  }
  exec::ExecContext ctx;
  InitContext(d, &ctx);
  ResultSet rs;
  Returning returning;
  if (absl::Status s = returning.Bind(d, binder, *t, returning_columns, &rs); !s.ok()) return s;
  // Foreign keys (empty unless enforced): those that reference the rows
  // it deletes or the key columns it assigns (all of them for UPDATE OR
  // REPLACE, which may delete rows), and the table's own it assigns.
  const bool replaces =
      is_update && static_cast<const ast::UpdateStatement&>(st).or_action == ast::ConflictAction::kReplace;
  absl::StatusOr<std::vector<ForeignKey>> parent_fks =
      ParentForeignKeys(d, *t, is_update && !replaces ? &touched : nullptr);
  if (!parent_fks.ok()) return parent_fks.status();
  absl::StatusOr<std::vector<ForeignKey>> child_fks = std::vector<ForeignKey>();
  if (is_update) child_fks = ChildForeignKeys(d, info->table, &touched);
  if (!child_fks.ok()) return child_fks.status();
  // Decide every row first, so the statement sees the table as it was.
  std::vector<std::pair<Row, Row>> changes;
  const ast::TableRef* from =
      is_update ? static_cast<const ast::UpdateStatement&>(st).from.get() : nullptr;
  if (from != nullptr) {
    // UPDATE ... FROM: the target joined with FROM; each target row takes
    // its first match (SQLite leaves which one unspecified).
    std::vector<const ast::Expr*> values;
    for (const ast::Assignment& a : static_cast<const ast::UpdateStatement&>(st).assignments) {
      values.push_back(a.value.get());
    }
    absl::StatusOr<planner::LogicalPtr> plan = binder.BindUpdateFrom(*t, *from, where, values);
    if (!plan.ok()) return plan.status();
    absl::StatusOr<std::vector<Row>> matches = exec::Execute(**plan, &ctx);
    if (!matches.ok()) return matches.status();
    const size_t width = t->columns.size();
    absl::flat_hash_set<std::string> seen;
    for (Row& m : *matches) {
      Row old_row(std::make_move_iterator(m.begin()), std::make_move_iterator(m.begin() + width));
      if (!seen.insert(catalog::PrimaryKey(*t, old_row)).second) continue;
      Row updated = old_row;
      for (size_t i = 0; i < changed.size(); ++i) updated[changed[i]] = std::move(m[width + i]);
      changes.emplace_back(std::move(old_row), std::move(updated));
    }
  } else {
    planner::BoundPtr pred;
    if (where != nullptr) {
      absl::StatusOr<planner::BoundPtr> b = binder.BindTableExpr(*where, &*t);
      if (!b.ok()) return b.status();
      pred = *std::move(b);
    }
    std::vector<planner::BoundPtr> sets;
    if (is_update) {
      for (const ast::Assignment& a : static_cast<const ast::UpdateStatement&>(st).assignments) {
        absl::StatusOr<planner::BoundPtr> b = binder.BindTableExpr(*a.value, &*t);
        if (!b.ok()) return b.status();
        sets.push_back(*std::move(b));
      }
    }
    // Only the rows the WHERE clause can match are read (and so can
    // conflict with concurrent writers).
    planner::LogicalPtr candidates;
    if (pred) candidates = binder.BindTableScan(*t, *pred);
    absl::StatusOr<std::vector<Row>> rows =
        candidates ? exec::Execute(*candidates, &ctx) : ScanTable(d.txn, *t);
    if (!rows.ok()) return rows.status();
    for (Row& row : *rows) {
      if (pred) {
        absl::StatusOr<Value> c = exec::Evaluate(*pred, row, &ctx);
        if (!c.ok()) return c.status();
        if (!function::Truth(*c).value_or(false)) continue;
      }
      Row updated = row;
      for (size_t i = 0; i < sets.size(); ++i) {
        absl::StatusOr<Value> v = exec::Evaluate(*sets[i], row, &ctx);
        if (!v.ok()) return v.status();
        updated[changed[i]] = *std::move(v);
      }
      changes.emplace_back(std::move(row), std::move(updated));
    }
  }
  for (auto& [old_row, new_row] : changes) {
    if (absl::Status f = Fire(d, *triggers, *t, event, ast::TriggerTiming::kBefore,
                              is_update ? &new_row : nullptr, &old_row, changed);
        !f.ok()) {
      return f;
    }
  }
  for (auto& [old_row, new_row] : changes) {
    if (absl::Status s = DeleteRowEntries(d.txn, *t, old_row); !s.ok()) return s;
    ++rs.rows_affected;
    if (!is_update) {
      returning.Add(old_row);
    }
  }
  if (!is_update) {
    for (auto& [old_row, new_row] : changes) {
      if (absl::Status s = ParentRowChanged(d, *parent_fks, old_row, nullptr); !s.ok()) return s;
    }
  }
  if (is_update) {
    const auto& up = static_cast<const ast::UpdateStatement&>(st);
    for (auto& [old_row, new_row] : changes) {
      absl::InlinedVector<bool, 16> given(t->columns.size(), true);
      if (absl::Status s = PrepareRow(d, *t, &new_row, given, /*inserting=*/false); !s.ok()) {
        return s;
      }
      std::string what;
      absl::StatusOr<std::vector<std::string>> conflicts =
          Conflicts(d, *t, new_row, catalog::PrimaryKey(*t, new_row), "", &what);
      if (!conflicts.ok()) return conflicts.status();
      if (!conflicts->empty()) {
        if (up.or_action == ast::ConflictAction::kReplace) {
          for (const std::string& key : *conflicts) {
            absl::StatusOr<std::optional<std::string>> old = d.txn->Get(key);
            if (!old.ok()) return old.status();
            if (!old->has_value()) continue;
            Row victim;
            if (absl::Status s = catalog::DecodeRow(*t, key, **old, &victim); !s.ok()) return s;
            if (absl::Status s = DeleteRowEntries(d.txn, *t, victim); !s.ok()) return s;
            if (absl::Status s = ParentRowChanged(d, *parent_fks, victim, nullptr); !s.ok()) return s;
          }
        } else if (up.or_action == ast::ConflictAction::kIgnore) {
          if (absl::Status s = PutRowEntries(d.txn, *t, old_row); !s.ok()) return s;
          --rs.rows_affected;
          continue;
        } else {
          return Constraint("UNIQUE", what);
        }
      }
      if (absl::Status s = PutRowEntries(d.txn, *t, new_row); !s.ok()) return s;
      if (absl::Status s = ParentRowChanged(d, *parent_fks, old_row, &new_row); !s.ok()) return s;
      ChildRowWritten(d, *child_fks, new_row, &old_row);
      returning.Add(new_row);
    }
  }
  for (auto& [old_row, new_row] : changes) {
    if (absl::Status f = Fire(d, *triggers, *t, event, ast::TriggerTiming::kAfter,
                              is_update ? &new_row : nullptr, &old_row, changed);
        !f.ok()) {
      return f;
    }
  }
  if (absl::Status s = returning.Finish(); !s.ok()) return s;
  return rs;
}

absl::StatusOr<ResultSet> CreateTableAs(Dml& d, const ast::CreateTableStatement& st);

// The COLLATE of each key or index column names a collation Tessera has.
absl::Status CheckCollations(const std::vector<ast::IndexedColumn>& columns) {
  for (const ast::IndexedColumn& c : columns) {
    if (c.collation.empty()) continue;
    if (absl::Status s = parser::CheckCollation(c.collation); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Whether column `c` can hold TEXT, the only type a collation changes.
bool HoldsText(const catalog::ColumnDescriptor& c) {
  return c.type == Type::kText || c.type == Type::kNull;
}

// The collation key column `c` of a new index uses: its COLLATE, else its
// table column's (SQLite's rule).
Collation KeyColumnCollation(const catalog::ColumnDescriptor& column, const ast::IndexedColumn& c) {
  if (!c.collation.empty()) return CollationNamed(c.collation).value_or(Collation::kBinary);
  return column.collation;
}

// Fills ix.collations for its `columns` (empty when every one is BINARY
// or holds no TEXT).
void SetIndexCollations(const TableDescriptor& t, const std::vector<ast::IndexedColumn>& columns,
                        catalog::IndexDescriptor* ix) {
  ix->collations.clear();
  for (size_t i = 0; i < columns.size() && i < ix->column_ids.size(); ++i) {
    Collation c = Collation::kBinary;
    if (!columns[i].expression.empty()) {
      // An expression's value has no column collation: only its COLLATE.
      c = CollationNamed(columns[i].collation).value_or(Collation::kBinary);
    } else {
      const catalog::ColumnDescriptor& column = t.columns[t.ColumnIndexById(ix->column_ids[i])];
      if (HoldsText(column)) c = KeyColumnCollation(column, columns[i]);
    }
    if (c != Collation::kBinary) {
      ix->collations.resize(columns.size(), Collation::kBinary);
      ix->collations[i] = c;
    }
  }
}

const char* PartialIndexProblem(const planner::BoundExpr& e);

// A table's generated columns: each binds against the table, reads no
// subquery, parameter or non-deterministic function, and no chain of them
// reads itself (SQLite's "generated column loop").
absl::Status CheckGeneratedColumns(planner::Binder& binder, const TableDescriptor& t) {
  std::vector<std::vector<int>> reads(t.columns.size());  // generated -> generated columns it reads
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const catalog::ColumnDescriptor& c = t.columns[i];
    if (c.generated_sql.empty()) continue;
    absl::StatusOr<ast::ExprPtr> e = parser::ParseExpression(c.generated_sql);
    if (!e.ok()) return e.status();
    absl::StatusOr<planner::BoundPtr> b = binder.BindTableExpr(**e, &t);
    if (!b.ok()) return b.status();
    if (const char* why = PartialIndexProblem(**b)) {
      // The same rules as a partial index's WHERE, said for this place.
      std::string message(why);
      message = message.substr(0, message.find(" in partial index"));
      return absl::InvalidArgumentError(absl::StrCat(message, " in generated columns"));
    }
    for (size_t j = 0; j < t.columns.size(); ++j) {
      if (j != i && !t.columns[j].generated_sql.empty() &&
          parser::MentionsName(c.generated_sql, t.columns[j].name)) {
        reads[i].push_back(static_cast<int>(j));
      }
      if (j == i && parser::MentionsName(c.generated_sql, c.name)) reads[i].push_back(static_cast<int>(j));
    }
  }
  // Depth-first: 1 = on the path, 2 = done.
  std::vector<int> state(t.columns.size(), 0);
  std::function<bool(int)> loops = [&](int i) {
    if (state[i] == 1) return true;
    if (state[i] == 2) return false;
    state[i] = 1;
    for (int j : reads[i]) {
      if (loops(j)) return true;
    }
    state[i] = 2;
    return false;
  };
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (!t.columns[i].generated_sql.empty() && loops(static_cast<int>(i))) {
      return absl::InvalidArgumentError(
          absl::StrCat("generated column loop on \"", t.columns[i].name, "\""));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ResultSet> CreateTable(Dml& d, const ast::CreateTableStatement& st) {
  if (absl::EqualsIgnoreCase(st.table, kSequenceTable)) {
    return absl::InvalidArgumentError(
        absl::StrCat("object name reserved for internal use: ", st.table));
  }
  // A TEMP table may share its name with a main one (it hides it).
  absl::StatusOr<std::optional<catalog::SchemaObject>> existing =
      st.temp ? catalog::LookupTempObject(d.txn, st.table) : catalog::LookupObject(d.txn, st.table);
  if (!existing.ok()) return existing.status();
  if (existing->has_value() && (st.temp || !(*existing)->temp)) {
    if (st.if_not_exists) return ResultSet();
    return absl::AlreadyExistsError(absl::StrCat("table ", st.table, " already exists"));
  }
  if (st.as_select) return CreateTableAs(d, st);
  TableDescriptor t;
  t.temp = st.temp;
  absl::StatusOr<uint32_t> id = catalog::AllocateTableId(d.txn);
  if (!id.ok()) return id.status();
  t.id = *id;
  t.name = st.table;
  t.primary.id = 1;
  t.primary.name = "primary";
  t.primary.unique = true;
  std::vector<std::vector<ast::IndexedColumn>> uniques = st.uniques;
  for (const ast::ColumnDef& c : st.columns) {
    if (!c.collation.empty()) {
      if (absl::Status s = parser::CheckCollation(c.collation); !s.ok()) return s;
    }
    if (t.ColumnIndex(c.name) >= 0) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate column name: ", c.name));
    }
    catalog::ColumnDescriptor cd;
    cd.id = t.next_column_id++;
    cd.name = c.name;
    cd.type = c.type;
    cd.declared_type = c.type_text;
    if (!c.collation.empty()) cd.collation = *CollationNamed(c.collation);
    cd.nullable = !c.not_null && !c.primary_key;
    if (c.generated) {
      if (c.primary_key) {
        return absl::InvalidArgumentError("generated columns cannot be part of the PRIMARY KEY");
      }
      if (c.default_value) {
        return absl::InvalidArgumentError("cannot use DEFAULT on a generated column");
      }
      cd.generated_sql = ast::ToSql(*c.generated);
      cd.generated_stored = c.generated_stored;
    }
    if (c.default_value) cd.default_sql = ast::ToSql(*c.default_value);
    for (const ast::ExprPtr& ck : c.checks) t.checks.push_back(ast::ToSql(*ck));
    if (c.primary_key) {
      if (!t.primary.column_ids.empty() || !st.primary_key.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("table ", st.table, " has more than one primary key"));
      }
      t.primary.column_ids.push_back(cd.id);
      t.primary.orders.push_back(c.primary_key_desc ? SortOrder::kDescending : SortOrder::kAscending);
    }
    if (c.unique) uniques.push_back({ast::IndexedColumn{c.name, false, ""}});
    if (c.autoincrement) {
      if (c.type != Type::kInteger) {
        return absl::InvalidArgumentError("AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY");
      }
      t.autoincrement = true;
    }
    if (c.foreign_key) t.foreign_keys.push_back({{cd.id}, c.foreign_key->references});
    if (st.strict) {
      // SQLite's STRICT types; Tessera's columns are strictly typed anyway.
      static constexpr const char* kStrictTypes[] = {"int", "integer", "real", "text", "blob", "any"};
      const std::string type = absl::AsciiStrToLower(c.type_text);
      if (type.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("missing datatype for ", st.table, ".", c.name));
      }
      if (std::find(std::begin(kStrictTypes), std::end(kStrictTypes), type) == std::end(kStrictTypes)) {
        return absl::InvalidArgumentError(absl::StrCat("unknown datatype for ", st.table, ".", c.name,
                                                       ": \"", c.type_text, "\""));
      }
    }
    t.columns.push_back(std::move(cd));
  }
  for (const ast::ForeignKeyDef& fk : st.foreign_keys) {
    catalog::ForeignKeyDescriptor d;
    for (const std::string& name : fk.columns) {
      const int pos = t.ColumnIndex(name);
      if (pos < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown column \"", name, "\" in foreign key definition"));
      }
      d.column_ids.push_back(t.columns[pos].id);
    }
    d.references = fk.references;
    t.foreign_keys.push_back(std::move(d));
  }
  t.without_rowid = st.without_rowid;
  t.strict = st.strict;
  if (st.without_rowid && t.primary.column_ids.empty() && st.primary_key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("PRIMARY KEY missing on table ", st.table));
  }
  if (t.autoincrement && st.without_rowid) {
    return absl::InvalidArgumentError("AUTOINCREMENT not allowed on WITHOUT ROWID tables");
  }
  if (t.autoincrement) {
    if (absl::Status s = EnsureSequenceTable(d.txn); !s.ok()) return s;
  }
  if (absl::Status s = CheckCollations(st.primary_key); !s.ok()) return s;
  for (const ast::IndexedColumn& pk : st.primary_key) {
    int pos = t.ColumnIndex(pk.name);
    if (pos < 0) return absl::NotFoundError(absl::StrCat("no such column: ", pk.name));
    if (!t.columns[pos].generated_sql.empty()) {
      return absl::InvalidArgumentError("generated columns cannot be part of the PRIMARY KEY");
    }
    t.columns[pos].nullable = false;
    t.primary.column_ids.push_back(t.columns[pos].id);
    t.primary.orders.push_back(pk.descending ? SortOrder::kDescending : SortOrder::kAscending);
  }
  for (const ast::ExprPtr& ck : st.checks) t.checks.push_back(ast::ToSql(*ck));
  {
    // A primary key on TEXT compared under NOCASE or RTRIM: row keys hold
    // BINARY values, so it becomes what SQLite makes of any primary key
    // but an INTEGER one in a rowid table: a UNIQUE NOT NULL key (an index
    // under the collation) beside a hidden rowid.
    std::vector<ast::IndexedColumn> key = st.primary_key;
    if (key.empty()) {
      for (uint32_t id : t.primary.column_ids) {
        key.push_back(ast::IndexedColumn{t.columns[t.ColumnIndexById(id)].name,
                                         t.primary.orders[key.size()] == SortOrder::kDescending,
                                         ""});
      }
    }
    catalog::IndexDescriptor probe;
    probe.column_ids = t.primary.column_ids;
    SetIndexCollations(t, key, &probe);
    if (!probe.collations.empty()) {
      if (st.without_rowid) {
        return absl::UnimplementedError(
            "statement not supported: a WITHOUT ROWID table's PRIMARY KEY under NOCASE or "
            "RTRIM (its key compares under BINARY; use a rowid table)");
      }
      uniques.insert(uniques.begin(), key);  // becomes indexes[0]
      t.primary.column_ids.clear();
      t.primary.orders.clear();
      t.key_is_first_index = true;
    }
  }
  if (t.primary.column_ids.empty()) {
    catalog::ColumnDescriptor rowid;
    rowid.id = t.next_column_id++;
    rowid.name = "rowid";
    rowid.type = Type::kInteger;
    rowid.nullable = false;
    rowid.hidden = true;
    t.columns.push_back(rowid);
    t.primary.column_ids.push_back(rowid.id);
    t.primary.orders.push_back(SortOrder::kAscending);
  }
  for (size_t u = 0; u < uniques.size(); ++u) {
    catalog::IndexDescriptor ix;
    ix.id = t.next_index_id++;
    ix.name = absl::StrCat("sqlite_autoindex_", t.name, "_", u + 1);
    ix.unique = true;
    if (absl::Status s = CheckCollations(uniques[u]); !s.ok()) return s;
    for (const ast::IndexedColumn& c : uniques[u]) {
      int pos = t.ColumnIndex(c.name);
      if (pos < 0) return absl::NotFoundError(absl::StrCat("no such column: ", c.name));
      ix.column_ids.push_back(t.columns[pos].id);
      ix.orders.push_back(c.descending ? SortOrder::kDescending : SortOrder::kAscending);
    }
    SetIndexCollations(t, uniques[u], &ix);
    t.indexes.push_back(std::move(ix));
  }
  // CHECK expressions must bind against the table now, not at first insert.
  planner::Binder binder = NewBinder(d);
  if (std::all_of(t.columns.begin(), t.columns.end(), [](const catalog::ColumnDescriptor& c) {
        return c.hidden || !c.generated_sql.empty();
      })) {
    return absl::InvalidArgumentError("must have at least one non-generated column");
  }
  if (absl::Status s = CheckGeneratedColumns(binder, t); !s.ok()) return s;
  for (const std::string& ck : t.checks) {
    absl::StatusOr<ast::ExprPtr> e = parser::ParseExpression(ck);
    if (!e.ok()) return e.status();
    if (absl::StatusOr<planner::BoundPtr> b = binder.BindTableExpr(**e, &t); !b.ok()) {
      return b.status();
    }
  }
  catalog::SchemaObject obj;
  obj.table = t;
  if (absl::Status s = catalog::PutObject(d.txn, t.name, obj, false); !s.ok()) return s;
  return ResultSet();
}

// CREATE TABLE t AS SELECT, as SQLite makes it: one column per result
// column, named after it (a repeated name gets ":1", ":2"...), typed by the
// affinity it keeps (none for computed columns), no constraints and a
// hidden rowid; then the query's rows.
absl::StatusOr<ResultSet> CreateTableAs(Dml& d, const ast::CreateTableStatement& st) {
  planner::Binder binder = NewBinder(d);
  absl::StatusOr<planner::LogicalPtr> plan = binder.BindSelect(*st.as_select);
  if (!plan.ok()) return plan.status();
  if ((*plan)->column_names.size() > parser::kMaxTableColumns) {
    return parser::StatementTooComplex(
        absl::StrCat("more than ", parser::kMaxTableColumns, " columns in a table"));
  }
  exec::ExecContext ctx;
  InitContext(d, &ctx);
  absl::StatusOr<std::vector<Row>> rows = exec::Execute(**plan, &ctx);
  if (!rows.ok()) return rows.status();
  const std::vector<Type> affinity = planner::OutputAffinity(**plan);
  ast::CreateTableStatement create;
  create.table = st.table;
  create.temp = st.temp;
  absl::flat_hash_set<std::string> taken;
  for (size_t i = 0; i < (*plan)->column_names.size(); ++i) {
    std::string name = (*plan)->column_names[i];
    for (int n = 1; !taken.insert(absl::AsciiStrToLower(name)).second; ++n) {
      name = absl::StrCat((*plan)->column_names[i], ":", n);
    }
    ast::ColumnDef& c = create.columns.emplace_back();
    c.name = std::move(name);
    c.type = i < affinity.size() ? affinity[i] : Type::kNull;
  }
  absl::StatusOr<ResultSet> created = CreateTable(d, create);
  if (!created.ok()) return created.status();
  absl::StatusOr<TableDescriptor> t = catalog::GetTable(d.txn, st.table);
  if (!t.ok()) return t.status();
  absl::InlinedVector<bool, 16> given(t->columns.size(), true);
  for (size_t i = 0; i < t->columns.size(); ++i) given[i] = !t->columns[i].hidden;
  ResultSet rs;
  Row row;
  for (Row& r : *rows) {
    row.assign(t->columns.size(), Value());
    for (size_t i = 0; i < r.size() && i < row.size(); ++i) row[i] = std::move(r[i]);
    if (absl::Status s = PrepareRow(d, *t, &row, given); !s.ok()) return s;
    if (absl::Status s = PutRowEntries(d.txn, *t, row); !s.ok()) return s;
    ++rs.rows_affected;
  }
  return rs;
}

// A view or trigger that names table `table` (and, when `column` is not
// empty, a column of that name too): a rename or drop would leave it
// reading what is gone. Refused rather than rewritten: Tessera cannot yet
// tell which mention of a name is the table's. kFailedPrecondition (2BP01).
absl::Status NoDependents(Dml& d, const std::string& table, const std::string& column,
                          absl::string_view change) {
  absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
      catalog::ListObjects(d.txn);
  if (!all.ok()) return all.status();
  for (const auto& [key, o] : *all) {
    const std::string* sql = nullptr;
    const char* kind = nullptr;
    std::string name;
    if (o.view.has_value()) {
      sql = &o.view->select_sql, kind = "view", name = o.view->name;
    } else if (o.trigger.has_value()) {
      sql = &o.trigger->create_sql, kind = "trigger", name = o.trigger->name;
    } else {
      continue;
    }
    if (!parser::MentionsName(*sql, table)) continue;
    if (!column.empty() && !parser::MentionsName(*sql, column)) continue;
    return absl::FailedPreconditionError(
        absl::StrCat("cannot ", change, ": ", kind, " ", name, " depends on it (drop the ", kind,
                     " first, then create it again)"));
  }
  return absl::OkStatus();
}

// Rewrites every row of `t` from the layout of `before` (same table id and
// primary key) to `t`'s, with `change` applied to each decoded row.
absl::Status RewriteRows(Dml& d, const TableDescriptor& before, const TableDescriptor& t,
                         absl::FunctionRef<void(Row*)> change) {
  std::string lo = catalog::IndexPrefix(t.id, t.primary.id);
  std::vector<std::pair<std::string, std::string>> old_rows;
  absl::Status s = d.txn->Scan(lo, PrefixEnd(lo), false,
                               [&](absl::string_view k, absl::string_view v) {
                                 old_rows.emplace_back(k, v);
                                 return true;
                               });
  if (!s.ok()) return s;
  const catalog::RowDecoder decoder(before);
  for (const auto& [k, v] : old_rows) {
    Row row;
    if (absl::Status dr = decoder.Decode(k, v, &row); !dr.ok()) return dr;
    change(&row);
    d.txn->Put(k, catalog::EncodeRowValue(t, row));
  }
  return absl::OkStatus();
}

// ALTER TABLE t RENAME TO n, and RENAME COLUMN c TO n. Rows, keys and
// indexes are by id, so only the descriptors change.
absl::StatusOr<ResultSet> AlterRename(Dml& d, const ast::AlterRenameStatement& st) {
  absl::StatusOr<TableDescriptor> t = catalog::GetTable(d.txn, st.table);
  if (!t.ok()) return t.status();
  const std::string old_name = t->name;
  if (absl::EqualsIgnoreCase(old_name, kSequenceTable)) {
    return absl::FailedPreconditionError("table sqlite_sequence may not be altered");
  }
  if (st.column.empty() && t->autoincrement) {
    // Its sqlite_sequence row follows the new name, as in SQLite.
    absl::StatusOr<int64_t> seq = ReadSequence(d.txn, old_name);
    if (!seq.ok()) return seq.status();
    if (absl::Status s = WriteSequence(d.txn, old_name, std::nullopt); !s.ok()) return s;
    if (*seq > 0) {
      if (absl::Status s = WriteSequence(d.txn, st.new_name, *seq); !s.ok()) return s;
    }
  }
  if (st.column.empty()) {
    absl::StatusOr<std::optional<catalog::SchemaObject>> taken =
        catalog::LookupObject(d.txn, st.new_name);
    if (!taken.ok()) return taken.status();
    if (taken->has_value() && !absl::EqualsIgnoreCase(st.new_name, old_name)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "there is already another table, index or view with this name: ", st.new_name));
    }
    if (absl::Status s = NoDependents(d, old_name, "", absl::StrCat("rename table ", old_name));
        !s.ok()) {
      return s;
    }
    t->name = st.new_name;
    // SQLite's names for the indexes of UNIQUE constraints follow the table.
    const std::string auto_prefix = absl::StrCat("sqlite_autoindex_", old_name, "_");
    for (catalog::IndexDescriptor& ix : t->indexes) {
      if (absl::StartsWith(ix.name, auto_prefix)) {
        ix.name = absl::StrCat("sqlite_autoindex_", t->name, "_", ix.name.substr(auto_prefix.size()));
        continue;
      }
      catalog::SchemaObject index_obj;
      index_obj.index_of_table = t->name;
      if (absl::Status s = catalog::PutObject(d.txn, ix.name, index_obj, false); !s.ok()) return s;
    }
    if (absl::Status s = catalog::DeleteObject(d.txn, old_name); !s.ok()) return s;
    catalog::SchemaObject obj;
    obj.table = *t;
    if (absl::Status s = catalog::PutObject(d.txn, t->name, obj, false); !s.ok()) return s;
    return ResultSet();
  }
  const int pos = t->ColumnIndex(st.column);
  if (pos < 0 || t->columns[pos].hidden) {
    return absl::NotFoundError(absl::StrCat("no such column: \"", st.column, "\""));
  }
  const int other = t->ColumnIndex(st.new_name);
  if (other >= 0 && other != pos) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate column name: ", st.new_name));
  }
  const std::string old_column = t->columns[pos].name;
  if (absl::Status s = NoDependents(d, old_name, old_column,
                                    absl::StrCat("rename column ", old_column));
      !s.ok()) {
    return s;
  }
  t->columns[pos].name = st.new_name;
  for (std::string& check : t->checks) {
    absl::StatusOr<std::string> renamed = parser::RenameIdentifier(check, old_column, st.new_name);
    if (!renamed.ok()) return renamed.status();
    check = *std::move(renamed);
  }
  for (catalog::IndexDescriptor& ix : t->indexes) {
    for (std::string& e : ix.expressions) {
      if (e.empty()) continue;
      absl::StatusOr<std::string> renamed = parser::RenameIdentifier(e, old_column, st.new_name);
      if (!renamed.ok()) return renamed.status();
      e = *std::move(renamed);
    }
    if (ix.where_sql.empty()) continue;
    absl::StatusOr<std::string> renamed =
        parser::RenameIdentifier(ix.where_sql, old_column, st.new_name);
    if (!renamed.ok()) return renamed.status();
    ix.where_sql = *std::move(renamed);
  }
  for (catalog::ColumnDescriptor& c : t->columns) {
    if (c.generated_sql.empty()) continue;
    absl::StatusOr<std::string> renamed =
        parser::RenameIdentifier(c.generated_sql, old_column, st.new_name);
    if (!renamed.ok()) return renamed.status();
    c.generated_sql = *std::move(renamed);
  }
  catalog::SchemaObject obj;
  obj.table = *t;
  if (absl::Status s = catalog::PutObject(d.txn, t->name, obj, false); !s.ok()) return s;
  return ResultSet();
}

// ALTER TABLE t DROP COLUMN c, with SQLite's refusals: not a key or
// indexed column, not one a CHECK reads, not the last column.
absl::StatusOr<ResultSet> AlterDropColumn(Dml& d, const ast::AlterDropColumnStatement& st) {
  absl::StatusOr<TableDescriptor> t = catalog::GetTable(d.txn, st.table);
  if (!t.ok()) return t.status();
  const int pos = t->ColumnIndex(st.column);
  if (pos < 0 || t->columns[pos].hidden) {
    return absl::NotFoundError(absl::StrCat("no such column: \"", st.column, "\""));
  }
  const catalog::ColumnDescriptor column = t->columns[pos];
  auto refuse = [&](absl::string_view why) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot drop column \"", column.name, "\": ", why));
  };
  if (std::count(t->primary.column_ids.begin(), t->primary.column_ids.end(), column.id) > 0) {
    return refuse("PRIMARY KEY");
  }
  for (const catalog::IndexDescriptor& ix : t->indexes) {
    const bool in_expression =
        std::any_of(ix.expressions.begin(), ix.expressions.end(), [&](const std::string& e) {
          return !e.empty() && parser::MentionsName(e, column.name);
        });
    if (std::count(ix.column_ids.begin(), ix.column_ids.end(), column.id) > 0 || in_expression ||
        (!ix.where_sql.empty() && parser::MentionsName(ix.where_sql, column.name))) {
      return refuse(IsConstraintIndex(ix) ? "UNIQUE" : absl::StrCat("indexed by ", ix.name));
    }
  }
  for (const std::string& check : t->checks) {
    if (parser::MentionsName(check, column.name)) return refuse("used in a CHECK constraint");
  }
  for (const catalog::ColumnDescriptor& c : t->columns) {
    if (!c.generated_sql.empty() && c.id != column.id && parser::MentionsName(c.generated_sql, column.name)) {
      return refuse(absl::StrCat("used by generated column ", c.name));
    }
  }
  for (const catalog::ForeignKeyDescriptor& fk : t->foreign_keys) {
    if (std::count(fk.column_ids.begin(), fk.column_ids.end(), column.id) > 0) {
      return refuse("used in a FOREIGN KEY");
    }
  }
  int visible = 0;
  for (const catalog::ColumnDescriptor& c : t->columns) visible += c.hidden ? 0 : 1;
  if (visible == 1) return refuse("no other columns exist");
  if (absl::Status s = NoDependents(d, t->name, column.name,
                                    absl::StrCat("drop column ", column.name));
      !s.ok()) {
    return s;
  }
  const TableDescriptor before = *t;
  t->columns.erase(t->columns.begin() + pos);
  // The rows lose the value (and its bytes), as SQLite rewrites the table.
  if (absl::Status s = RewriteRows(d, before, *t, [&](Row* row) { row->erase(row->begin() + pos); });
      !s.ok()) {
    return s;
  }
  catalog::SchemaObject obj;
  obj.table = *t;
  if (absl::Status s = catalog::PutObject(d.txn, t->name, obj, false); !s.ok()) return s;
  return ResultSet();
}

// Why an expression cannot be a partial index's WHERE (SQLite's rules), or
// null when it can: it must give the same answer for a row every time.
const char* PartialIndexProblem(const planner::BoundExpr& e) {
  switch (e.kind) {
    case planner::BoundKind::kScalarSubquery:
    case planner::BoundKind::kExists:
    case planner::BoundKind::kInSubquery:
      return "subqueries prohibited in partial index WHERE clauses";
    case planner::BoundKind::kParameter:
      return "parameters prohibited in partial index WHERE clauses";
    case planner::BoundKind::kSessionValue:
      return "non-deterministic functions prohibited in partial index WHERE clauses";
    case planner::BoundKind::kFunction:
      if (e.function != nullptr && !e.function->deterministic) {
        return "non-deterministic functions prohibited in partial index WHERE clauses";
      }
      break;
    default:
      break;
  }
  for (const planner::BoundPtr& c : e.children) {
    if (const char* why = PartialIndexProblem(*c)) return why;
  }
  return nullptr;
}

absl::Status BackfillIndex(Dml& d, const TableDescriptor& t, const catalog::IndexDescriptor& ix) {
  absl::StatusOr<std::vector<Row>> rows = ScanTable(d.txn, t);
  if (!rows.ok()) return rows.status();
  absl::flat_hash_set<std::string> seen;
  for (const Row& r : *rows) {
    absl::StatusOr<bool> holds = IndexHolds(d.txn, t, ix, r);
    if (!holds.ok()) return holds.status();
    if (!*holds) continue;
    absl::StatusOr<std::string> entry = IndexKey(d.txn, t, ix, r);
    if (!entry.ok()) return entry.status();
    const std::string& key = *entry;
    if (ix.unique && !seen.insert(key).second) {
      return Constraint("UNIQUE", IndexTarget(t, ix));
    }
    d.txn->Put(key, catalog::IndexEntryValue(t, ix, r));
  }
  return absl::OkStatus();
}

absl::StatusOr<ResultSet> CreateIndex(Dml& d, const ast::CreateIndexStatement& st) {
  absl::StatusOr<std::optional<catalog::SchemaObject>> existing =
      catalog::LookupObject(d.txn, st.index);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    if (st.if_not_exists) return ResultSet();
    return absl::AlreadyExistsError(absl::StrCat("index ", st.index, " already exists"));
  }
  absl::StatusOr<TableDescriptor> t = catalog::GetTable(d.txn, st.table);
  if (!t.ok()) return t.status();
  catalog::IndexDescriptor ix;
  ix.id = t->next_index_id++;
  ix.name = st.index;
  ix.unique = st.unique;
  if (absl::Status s = CheckCollations(st.columns); !s.ok()) return s;
  for (const ast::IndexedColumn& c : st.columns) {
    ix.orders.push_back(c.descending ? SortOrder::kDescending : SortOrder::kAscending);
    if (!c.expression.empty()) {
      // A key on an expression: over this row only, the same on every
      // evaluation (SQLite's rules, as for a partial index's WHERE).
      absl::StatusOr<ast::ExprPtr> e = parser::ParseExpression(c.expression);
      if (!e.ok()) return e.status();
      planner::Binder binder(d.txn);
      absl::StatusOr<planner::BoundPtr> b = binder.BindTableExpr(**e, &*t);
      if (!b.ok()) return b.status();
      if (const char* why = PartialIndexProblem(**b)) {
        std::string message(why);
        message = message.substr(0, message.find(" in partial index"));
        return absl::InvalidArgumentError(absl::StrCat(message, " in index expressions"));
      }
      ix.column_ids.push_back(0);
      ix.expressions.resize(st.columns.size());
      ix.expressions[ix.column_ids.size() - 1] = c.expression;
      continue;
    }
    int pos = t->ColumnIndex(c.name);
    if (pos < 0) return absl::NotFoundError(absl::StrCat("no such column: ", c.name));
    ix.column_ids.push_back(t->columns[pos].id);
  }
  SetIndexCollations(*t, st.columns, &ix);
  if (st.where) {
    // A partial index: its WHERE reads this row only, the same way on
    // every evaluation (SQLite's rules).
    planner::Binder binder(d.txn);
    absl::StatusOr<planner::BoundPtr> b = binder.BindTableExpr(*st.where, &*t);
    if (!b.ok()) return b.status();
    if (const char* why = PartialIndexProblem(**b)) return absl::InvalidArgumentError(why);
    ix.where_sql = ast::ToSql(*st.where);
  }
  if (absl::Status s = BackfillIndex(d, *t, ix); !s.ok()) return s;
  t->indexes.push_back(ix);
  catalog::SchemaObject table_obj;
  table_obj.table = *t;
  if (absl::Status s = catalog::PutObject(d.txn, t->name, table_obj, false); !s.ok()) return s;
  catalog::SchemaObject name_obj;
  name_obj.index_of_table = t->name;
  name_obj.temp = t->temp;
  if (absl::Status s = catalog::PutObject(d.txn, st.index, name_obj, false); !s.ok()) return s;
  return ResultSet();
}

void DeletePrefix(txn::Txn* txn, const std::string& prefix, absl::Status* status) {
  std::vector<std::string> keys;
  *status = txn->Scan(prefix, PrefixEnd(prefix), false,
                      [&](absl::string_view k, absl::string_view) {
                        keys.emplace_back(k);
                        return true;
                      });
  for (const std::string& k : keys) txn->Delete(k);
}

absl::StatusOr<ResultSet> Drop(Dml& d, const ast::DropStatement& st) {
  absl::StatusOr<std::optional<catalog::SchemaObject>> obj = catalog::LookupObject(d.txn, st.name);
  if (!obj.ok()) return obj.status();
  const char* kind = st.object == ast::ObjectKind::kTable   ? "table"
                     : st.object == ast::ObjectKind::kIndex ? "index"
                     : st.object == ast::ObjectKind::kView  ? "view"
                                                            : "trigger";
  bool matches = obj->has_value() &&
                 ((st.object == ast::ObjectKind::kTable && (*obj)->table.has_value()) ||
                  (st.object == ast::ObjectKind::kIndex && (*obj)->index_of_table.has_value()) ||
                  (st.object == ast::ObjectKind::kView && (*obj)->view.has_value()) ||
                  (st.object == ast::ObjectKind::kTrigger && (*obj)->trigger.has_value()));
  if (!matches) {
    if (st.if_exists) return ResultSet();
    return absl::NotFoundError(absl::StrCat("no such ", kind, ": ", st.name));
  }
  absl::Status s;
  switch (st.object) {
    case ast::ObjectKind::kTable: {
      const TableDescriptor& t = *(*obj)->table;
      if (absl::EqualsIgnoreCase(t.name, kSequenceTable)) {
        return absl::FailedPreconditionError("table sqlite_sequence may not be dropped");
      }
      if (absl::Status f = DeleteBeforeDrop(d, t); !f.ok()) return f;
      DeletePrefix(d.txn, catalog::TablePrefix(t.id), &s);
      if (!s.ok()) return s;
      if (t.autoincrement) {
        if (absl::Status w = WriteSequence(d.txn, t.name, std::nullopt); !w.ok()) return w;
      }
      for (const catalog::IndexDescriptor& ix : t.indexes) {
        if (!IsConstraintIndex(ix)) {  // those have no catalog object of their own
          (void)catalog::DeleteObject(d.txn, ix.name);
        }
      }
      absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
          catalog::ListObjects(d.txn);
      if (!all.ok()) return all.status();
      for (auto& [name, o] : *all) {
        if (o.trigger.has_value() && absl::EqualsIgnoreCase(o.trigger->table, t.name)) {
          (void)catalog::DeleteObject(d.txn, name);
        }
      }
      break;
    }
    case ast::ObjectKind::kIndex: {
      absl::StatusOr<TableDescriptor> t = catalog::GetTable(d.txn, *(*obj)->index_of_table);
      if (!t.ok()) return t.status();
      for (auto it = t->indexes.begin(); it != t->indexes.end(); ++it) {
        if (absl::EqualsIgnoreCase(it->name, st.name)) {
          DeletePrefix(d.txn, catalog::IndexPrefix(t->id, it->id), &s);
          if (!s.ok()) return s;
          t->indexes.erase(it);
          break;
        }
      }
      catalog::SchemaObject table_obj;
      table_obj.table = *t;
      if (absl::Status p = catalog::PutObject(d.txn, t->name, table_obj, false); !p.ok()) return p;
      break;
    }
    default:
      break;
  }
  if (absl::Status del = catalog::DeleteObject(d.txn, st.name); !del.ok()) return del;
  return ResultSet();
}

absl::StatusOr<ResultSet> Select(Dml& d, const ast::SelectStmt& select) {
  planner::Binder binder = NewBinder(d);
  absl::StatusOr<planner::LogicalPtr> plan = binder.BindSelect(select);
  if (!plan.ok()) return plan.status();
  exec::ExecContext ctx;
  InitContext(d, &ctx);
  absl::StatusOr<std::vector<Row>> rows = exec::Execute(**plan, &ctx);
  if (!rows.ok()) return rows.status();
  ResultSet rs;
  rs.has_rows = true;
  rs.columns = (*plan)->column_names;
  rs.rows = *std::move(rows);
  return rs;
}

// "a, b DESC": an index's columns as CREATE INDEX names them.
std::string IndexColumnsSql(const TableDescriptor& t, const catalog::IndexDescriptor& ix) {
  std::vector<std::string> cols;
  for (size_t i = 0; i < ix.column_ids.size(); ++i) {
    int pos = t.ColumnIndexById(ix.column_ids[i]);
    std::string c = ix.IsExpression(i) ? ix.expressions[i]
                    : pos >= 0         ? parser::SqlIdentifier(t.columns[pos].name)
                                       : "?";
    // COLLATE where the key's collation is not its column's (an
    // expression's is BINARY unless it says otherwise).
    const Collation column_collation = pos >= 0 ? t.columns[pos].collation : Collation::kBinary;
    if (ix.CollationAt(i) != column_collation) {
      absl::StrAppend(&c, " COLLATE ", CollationName(ix.CollationAt(i)));
    }
    if (ix.orders[i] == SortOrder::kDescending) c += " DESC";
    cols.push_back(std::move(c));
  }
  return absl::StrJoin(cols, ", ");
}

// The CREATE INDEX statement that recreates `ix` of `t`.
std::string CreateIndexSql(const TableDescriptor& t, const catalog::IndexDescriptor& ix) {
  return absl::StrCat("CREATE ", ix.unique ? "UNIQUE " : "", "INDEX ",
                      parser::SqlIdentifier(ix.name), " ON ", parser::SqlIdentifier(t.name), " (",
                      IndexColumnsSql(t, ix), ")",
                      ix.where_sql.empty() ? "" : absl::StrCat(" WHERE ", ix.where_sql), ";");
}

// A CREATE TABLE statement that recreates `t`'s columns and constraints.
std::string CreateTableSql(const TableDescriptor& t) {
  std::vector<std::string> parts;
  for (const catalog::ColumnDescriptor& c : t.columns) {
    if (c.hidden) continue;
    std::string col = parser::SqlIdentifier(c.name);
    if (!c.declared_type.empty()) {
      absl::StrAppend(&col, " ", c.declared_type);
    } else {
      switch (c.type) {
        case Type::kInteger: col += " INTEGER"; break;
        case Type::kReal: col += " REAL"; break;
        case Type::kText: col += " TEXT"; break;
        case Type::kBlob: col += " BLOB"; break;
        case Type::kBoolean: col += " BOOLEAN"; break;
        case Type::kNull: break;
      }
    }
    // AUTOINCREMENT is only written on the column.
    if (t.autoincrement && c.id == t.primary.column_ids[0]) {
      col += " PRIMARY KEY AUTOINCREMENT";
    } else if (!c.nullable) {
      col += " NOT NULL";
    }
    if (!c.default_sql.empty()) absl::StrAppend(&col, " DEFAULT ", c.default_sql);
    if (c.collation != Collation::kBinary) absl::StrAppend(&col, " COLLATE ", CollationName(c.collation));
    if (!c.generated_sql.empty()) {
      absl::StrAppend(&col, " GENERATED ALWAYS AS (", c.generated_sql, ")",
                      c.generated_stored ? " STORED" : " VIRTUAL");
    }
    parts.push_back(std::move(col));
  }
  bool rowid = t.primary.column_ids.size() == 1 &&
               t.columns[t.ColumnIndexById(t.primary.column_ids[0])].hidden;
  if (!rowid && !t.autoincrement) {
    parts.push_back(absl::StrCat("PRIMARY KEY (", IndexColumnsSql(t, t.primary), ")"));
  }
  for (size_t i = 0; i < t.indexes.size(); ++i) {
    const catalog::IndexDescriptor& ix = t.indexes[i];
    if (!IsConstraintIndex(ix)) continue;
    const char* kind = i == 0 && t.key_is_first_index ? "PRIMARY KEY" : "UNIQUE";
    parts.push_back(absl::StrCat(kind, " (", IndexColumnsSql(t, ix), ")"));
  }
  for (const std::string& check : t.checks) parts.push_back(absl::StrCat("CHECK (", check, ")"));
  for (const catalog::ForeignKeyDescriptor& fk : t.foreign_keys) {
    std::vector<std::string> names;
    for (uint32_t id : fk.column_ids) {
      const int pos = t.ColumnIndexById(id);
      names.push_back(parser::SqlIdentifier(pos >= 0 ? t.columns[pos].name : "?"));
    }
    parts.push_back(absl::StrCat("FOREIGN KEY (", absl::StrJoin(names, ", "), ") ", fk.references));
  }
  std::vector<std::string> options;
  if (t.without_rowid) options.push_back("WITHOUT ROWID");
  if (t.strict) options.push_back("STRICT");
  return absl::StrCat("CREATE TABLE ", parser::SqlIdentifier(t.name), " (",
                      absl::StrJoin(parts, ", "), ")", options.empty() ? "" : " ",
                      absl::StrJoin(options, ", "), ";");
}

// A key of `t` as a person reads it: "/kv/pk/2" for the row whose primary
// key is 2, "/kv/pk" and "/kv/pk/end" for the ends of its rows, else the
// raw form.
std::string PrettyTableKey(const TableDescriptor& t, absl::string_view key) {
  const std::string prefix = catalog::IndexPrefix(t.id, t.primary.id);
  if (key == PrefixEnd(prefix)) return absl::StrCat("/", t.name, "/pk/end");
  if (key.substr(0, prefix.size()) != prefix) return keys::PrettyKey(key);
  std::string out = absl::StrCat("/", t.name, "/pk");
  absl::string_view rest = key.substr(prefix.size());
  for (size_t i = 0; i < t.primary.orders.size() && !rest.empty(); ++i) {
    Value v;
    if (!DecodeKeyValue(&rest, t.primary.orders[i], &v).ok()) return keys::PrettyKey(key);
    absl::StrAppend(&out, "/", v.is_null() ? "NULL" : function::RenderText(v));
  }
  if (!rest.empty()) return keys::PrettyKey(key);
  return out;
}

// Like SQLite's sqlite_schema: every object and the SQL that makes it
// again, tables (each followed by its indexes), then views, then triggers,
// so the statements run in this order rebuild the schema. Rows are (type,
// name, tbl_name, sql); `sqlite_master` adds rootpage before sql (the
// table's id for a table and its indexes, 0 for views and triggers, as
// SQLite has 0 there) and lists UNIQUE constraints' indexes with NULL sql.
absl::StatusOr<std::vector<std::vector<Value>>> SchemaRows(txn::Txn* txn, bool sqlite_master) {
  absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
      catalog::ListObjects(txn, /*include_temp=*/false);
  if (!all.ok()) return all.status();
  std::vector<std::vector<Value>> rows;
  // SHOW SCHEMA's statements end with ';' (.dump runs them); SQLite's
  // sqlite_schema keeps each without it.
  auto Statement = [&](std::string sql) {
    if (sqlite_master && absl::EndsWith(sql, ";")) sql.pop_back();
    return sql;
  };
  auto add = [&](const char* type, const std::string& name, const std::string& table,
                 int64_t rootpage, Value sql) {
    std::vector<Value> row = {Value::Text(type), Value::Text(name), Value::Text(table)};
    if (sqlite_master) row.push_back(Value::Integer(rootpage));
    row.push_back(std::move(sql));
    rows.push_back(std::move(row));
  };
  for (auto& [key, o] : *all) {
    if (!o.table.has_value()) continue;
    const TableDescriptor& t = *o.table;
    add("table", t.name, t.name, t.id, Value::Text(Statement(CreateTableSql(t))));
    for (const catalog::IndexDescriptor& ix : t.indexes) {
      if (IsConstraintIndex(ix)) {  // in the CREATE TABLE
        if (sqlite_master) add("index", ix.name, t.name, t.id, Value());
        continue;
      }
      add("index", ix.name, t.name, t.id, Value::Text(Statement(CreateIndexSql(t, ix))));
    }
  }
  for (auto& [key, o] : *all) {
    if (!o.view.has_value()) continue;
    const catalog::ViewDescriptor& v = *o.view;
    std::string columns;
    if (!v.column_names.empty()) {
      std::vector<std::string> quoted;
      for (const std::string& c : v.column_names) quoted.push_back(parser::SqlIdentifier(c));
      columns = absl::StrCat(" (", absl::StrJoin(quoted, ", "), ")");
    }
    add("view", v.name, v.name, 0,
        Value::Text(Statement(absl::StrCat("CREATE VIEW ", parser::SqlIdentifier(v.name), columns,
                                           " AS ", v.select_sql, ";"))));
  }
  for (auto& [key, o] : *all) {
    if (!o.trigger.has_value()) continue;
    const catalog::TriggerDescriptor& tr = *o.trigger;
    std::string sql = tr.create_sql;
    if (!absl::EndsWith(absl::StripTrailingAsciiWhitespace(sql), ";")) sql += ";";
    add("trigger", tr.name, tr.table, 0, Value::Text(Statement(sql)));
  }
  return rows;
}

// The SQL type name a column shows: as declared, else its strict type.
std::string ColumnTypeName(const catalog::ColumnDescriptor& c) {
  if (!c.declared_type.empty()) return c.declared_type;
  return c.type == Type::kNull ? "" : std::string(TypeName(c.type));
}

// PRAGMA: the settings and schema queries of SQLite that mean something
// here; any other pragma is ignored (no rows), as SQLite ignores the ones
// it does not know, so scripts written for SQLite (its .dump starts with
// PRAGMA foreign_keys=OFF) run.
absl::StatusOr<ResultSet> Pragma(txn::Txn* txn, const ast::PragmaStatement& p) {
  ResultSet rs;
  if (p.name == "user_version" || p.name == "application_id") {
    // Integers an application keeps in the database (its schema's
    // version, for migrations), 32-bit as in SQLite; written in the
    // statement's transaction.
    if (p.has_value) {
      int64_t v = 0;
      if (!absl::SimpleAtoi(p.value, &v)) {
        return absl::InvalidArgumentError(
            absl::StrCat("PRAGMA ", p.name, " takes an integer, not ", p.value));
      }
      catalog::SetSetting(txn, p.name, static_cast<int32_t>(v));
      return rs;
    }
    absl::StatusOr<int64_t> v = catalog::GetSetting(txn, p.name);
    if (!v.ok()) return v.status();
    rs.has_rows = true;
    rs.columns = {p.name};
    rs.rows.push_back({Value::Integer(*v)});
    return rs;
  }
  if (p.name == "index_list" || p.name == "index_info") {
    rs.has_rows = true;
    if (p.name == "index_list") {
      rs.columns = {"seq", "name", "unique", "origin", "partial"};
      absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, p.value);
      if (absl::IsNotFound(t.status()) || !p.has_value) return rs;
      if (!t.ok()) return t.status();
      // Newest first, as SQLite lists them.
      int64_t seq = 0;
      for (auto it = t->indexes.rbegin(); it != t->indexes.rend(); ++it) {
        const catalog::IndexDescriptor& ix = *it;
        rs.rows.push_back({Value::Integer(seq++), Value::Text(ix.name),
                           Value::Integer(ix.unique ? 1 : 0),
                           Value::Text(IsConstraintIndex(ix) ? "u" : "c"),
                           Value::Integer(ix.where_sql.empty() ? 0 : 1)});
      }
      return rs;
    }
    rs.columns = {"seqno", "cid", "name"};
    if (!p.has_value) return rs;
    // Any table's index of that name, a UNIQUE constraint's too (those
    // have no catalog object of their own).
    absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
        catalog::ListObjects(txn);
    if (!all.ok()) return all.status();
    for (const auto& [name, o] : *all) {
      if (!o.table.has_value()) continue;
      const TableDescriptor& t = *o.table;
      for (const catalog::IndexDescriptor& ix : t.indexes) {
        if (!absl::EqualsIgnoreCase(ix.name, p.value)) continue;
        for (size_t i = 0; i < ix.column_ids.size(); ++i) {
          // cid counts the visible columns, as SELECT * shows them.
          int cid = 0;
          for (const catalog::ColumnDescriptor& c : t.columns) {
            if (c.id == ix.column_ids[i]) break;
            if (!c.hidden) ++cid;
          }
          const int pos = t.ColumnIndexById(ix.column_ids[i]);
          if (ix.IsExpression(i)) {  // SQLite: cid -2, no name
            rs.rows.push_back({Value::Integer(static_cast<int64_t>(i)), Value::Integer(-2), Value()});
            continue;
          }
          rs.rows.push_back({Value::Integer(static_cast<int64_t>(i)), Value::Integer(cid),
                             Value::Text(pos >= 0 ? t.columns[pos].name : "")});
        }
        return rs;
      }
    }
    return rs;
  }
  if (p.name == "foreign_key_list") {
    rs.has_rows = true;
    rs.columns = {"id", "seq", "table", "from", "to", "on_update", "on_delete", "match"};
    if (!p.has_value) return rs;
    absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, p.value);
    if (absl::IsNotFound(t.status())) return rs;
    if (!t.ok()) return t.status();
    // Numbered newest first, as SQLite numbers them.
    int64_t id = 0;
    for (auto fk = t->foreign_keys.rbegin(); fk != t->foreign_keys.rend(); ++fk, ++id) {
      absl::StatusOr<ast::ForeignKeyDef> ref = parser::ParseForeignKeyClause(fk->references);
      if (!ref.ok()) return ref.status();
      for (size_t seq = 0; seq < fk->column_ids.size(); ++seq) {
        const int pos = t->ColumnIndexById(fk->column_ids[seq]);
        rs.rows.push_back({Value::Integer(id), Value::Integer(static_cast<int64_t>(seq)),
                           Value::Text(ref->ref_table),
                           Value::Text(pos >= 0 ? t->columns[pos].name : ""),
                           seq < ref->ref_columns.size() ? Value::Text(ref->ref_columns[seq]) : Value(),
                           Value::Text(ref->on_update), Value::Text(ref->on_delete),
                           Value::Text("NONE")});
      }
    }
    return rs;
  }
  if (p.name == "table_info") {
    rs.has_rows = true;
    rs.columns = {"cid", "name", "type", "notnull", "dflt_value", "pk"};
    if (!p.has_value) return rs;
    absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, p.value);
    if (absl::IsNotFound(t.status())) return rs;  // as SQLite: no rows
    if (!t.ok()) return t.status();
    int cid = 0;
    for (const catalog::ColumnDescriptor& c : t->columns) {
      // Generated columns are left out, as SQLite's table_info does.
      if (c.hidden || !c.generated_sql.empty()) continue;
      const std::vector<uint32_t>& key =
          t->key_is_first_index ? t->indexes[0].column_ids : t->primary.column_ids;
      const auto in_key = std::find(key.begin(), key.end(), c.id);
      const int64_t pk = in_key == key.end() ? 0 : in_key - key.begin() + 1;
      rs.rows.push_back({Value::Integer(cid++), Value::Text(c.name), Value::Text(ColumnTypeName(c)),
                         Value::Integer(c.nullable ? 0 : 1),
                         c.default_sql.empty() ? Value() : Value::Text(c.default_sql),
                         Value::Integer(pk)});
    }
    return rs;
  }
  return rs;
}

bool ChangesSchema(ast::StatementKind kind) {
  switch (kind) {
    case ast::StatementKind::kCreateTable:
    case ast::StatementKind::kCreateIndex:
    case ast::StatementKind::kCreateView:
    case ast::StatementKind::kCreateTrigger:
    case ast::StatementKind::kDrop:
    case ast::StatementKind::kAlterAddColumn:
    case ast::StatementKind::kAlterRename:
    case ast::StatementKind::kAlterDropColumn:
    case ast::StatementKind::kReindex:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<ResultSet> RunDml(Dml& d, const ast::Statement& st) {
  switch (st.kind) {
    case ast::StatementKind::kSelect:
      return Select(d, *static_cast<const ast::SelectStatement&>(st).select);
    case ast::StatementKind::kInsert:
      return Insert(d, static_cast<const ast::InsertStatement&>(st));
    case ast::StatementKind::kUpdate:
    case ast::StatementKind::kDelete:
      return UpdateOrDelete(d, st);
    default:
      return absl::InvalidArgumentError("trigger bodies hold SELECT, INSERT, UPDATE or DELETE");
  }
}


std::string SqlState(const absl::Status& status) {
  if (status.ok()) return "00000";
  absl::string_view m = status.message();
  if (HasErrorKind(status, ErrorKind::kTooComplex)) return "54001";
  if (parser::GetSyntaxError(status).has_value()) return "42601";
  // The messages people meet, by the standard's classes.
  struct Prefix {
    const char* text;
    const char* state;
  };
  static constexpr Prefix kByPrefix[] = {
      {"no such table", "42P01"},                     // undefined_table
      {"no such view", "42P01"},
      {"no such column", "42703"},                    // undefined_column
      {"ambiguous column name", "42702"},             // ambiguous_column
      {"no such function", "42883"},                  // undefined_function
      {"wrong number of arguments to function", "42883"},
      {"no such index", "42704"},                     // undefined_object
      {"no such trigger", "42704"},
      {"duplicate column name", "42701"},             // duplicate_column
      {"misuse of aggregate", "42803"},               // grouping_error
      {"aggregate functions are not allowed", "42803"},
      {"ORDER BY term out of range", "42P10"},        // invalid_column_reference
      {"GROUP BY term out of range", "42P10"},
      {"all VALUES must have the same number", "42601"},
      {"SELECTs to the left and right of a compound", "42601"},
      {"invalid UTF-8", "22021"},                     // character_not_in_repertoire
      {"integer overflow", "22003"},                  // numeric_value_out_of_range
      {"string or blob too big", "54000"},            // program_limit_exceeded
      {"circular reference", "42P19"},                // invalid_recursive_reference
      {"multiple recursive references", "42P19"},
      {"recursive reference in a subquery", "42P19"},
      {"recursive aggregate queries", "42P19"},
      {"UNIQUE constraint", "23505"},
      {"NOT NULL constraint", "23502"},
      {"CHECK constraint", "23514"},
      {"FOREIGN KEY constraint", "23503"},            // foreign_key_violation
      {"cannot INSERT into generated column", "428C9"},  // generated_always
      {"cannot UPDATE generated column", "428C9"},
      {"generated column loop", "42P17"},             // invalid_object_definition
      {"generated columns cannot be part", "42P16"},  // invalid_table_definition
      {"must have at least one non-generated", "42P16"},
      {"cannot use DEFAULT on a generated", "42P16"},
      {"subqueries prohibited in generated", "0A000"},
      {"subqueries prohibited in index expressions", "0A000"},
      {"parameters prohibited in index expressions", "0A000"},
      {"parameters prohibited in generated", "0A000"},
      {"PRAGMA foreign_keys takes", "22023"},
      {"foreign key mismatch", "42830"},              // invalid_foreign_key
      {"too many levels of foreign key", "54001"},    // statement_too_complex
      {"no transaction is open", "25P01"},            // no_active_sql_transaction
      {"no such savepoint", "3B001"},                 // invalid_savepoint_specification
      {"second argument to likelihood()", "22023"},   // invalid_parameter_value
      {"PRAGMA user_version takes", "22023"},
      {"PRAGMA application_id takes", "22023"},
      {"subqueries prohibited in partial index", "0A000"},
      {"parameters prohibited in partial index", "0A000"},
      {"non-deterministic functions prohibited", "42P17"},  // invalid_object_definition
      {"no such table or index", "42P01"},
      {"a transaction is already open", "25001"},     // active_sql_transaction
      {"statement not supported", "0A000"},           // feature_not_supported
      {"no value bound for parameter", "07002"},      // ODBC: COUNT field incorrect
      {"ESCAPE expression must be", "22025"},         // invalid_escape_sequence
      {"cannot add a", "0A000"},
      {"misuse of window function", "42P20"},        // windowing_error
      {"FILTER clause may only be used", "42P20"},
      {"FILTER may not be used", "42809"},            // wrong_object_type
      {"DISTINCT is not supported for window", "42P20"},
      {"no such window", "42P20"},
      {"unsupported frame specification", "42P20"},
      {"RANGE with offset PRECEDING", "42P20"},
      {"cannot override", "42P20"},
      {"frame starting offset", "22013"},             // invalid_preceding_or_following_size
      {"frame ending offset", "22013"},
      {"argument of ntile", "22014"},                 // invalid_argument_for_ntile_function
      {"second argument to nth_value", "22016"},      // invalid_argument_for_nth_value_function
      {"an ON clause that reads a table outside", "0A000"},
      {"a subquery in the ON clause", "0A000"},
      {"no such collation sequence", "42704"},       // undefined_object
      {"cannot drop column", "2BP01"},                // dependent_objects_still_exist
      {"cannot rename", "2BP01"},
      {"malformed JSON", "22032"},                    // invalid_json_text
      {"JSON path error", "42601"},                   // as PostgreSQL's jsonpath
      {"JSON cannot hold BLOB", "22023"},             // invalid_parameter_value
      {"json_object() labels must be TEXT", "22023"},
      {"json_object() requires an even number", "42883"},
      {"JSON nested too deeply", "54000"},            // program_limit_exceeded
      {"json_group_object() labels must not be NULL", "22004"},  // null_value_not_allowed
      {"AUTOINCREMENT is only allowed", "42P16"},     // invalid_table_definition
      {"object name reserved for internal use", "42939"},  // reserved_name
      {"table sqlite_sequence may not be", "42809"},  // wrong_object_type
      {"AUTOINCREMENT not allowed", "42P16"},
      {"PRIMARY KEY missing on table", "42P16"},
      {"missing datatype for", "42P16"},
      {"unknown datatype for", "42704"},              // undefined_object (a type)
      {"unknown column \"", "42703"},                 // in a foreign key definition
      {"cannot store ", "42804"},                     // datatype_mismatch
      {"cannot assign a key to the new row", "53400"},  // configuration_limit_exceeded
  };
  for (const Prefix& p : kByPrefix) {
    if (absl::StartsWith(m, p.text)) return p.state;
  }
  if (absl::StrContains(m, "(disk full;")) return "53100";
  if (absl::StrContains(m, "may not be used as a window function")) return "42P20";
  if (absl::StrContains(m, "() needs an odd number of arguments")) return "42883";  // json_set
  // "table t has 3 columns but 2 values were supplied"
  if (absl::StartsWith(m, "table ") && absl::StrContains(m, " values were supplied")) return "42601";
  // "table c has 1 values for 2 columns" (a CTE's column list)
  if (absl::StartsWith(m, "table ") && absl::StrContains(m, " values for ")) return "42601";
  // A key (an index entry, a primary key, a name) longer than LMDB takes.
  if (absl::StartsWith(m, "key of ") && absl::StrContains(m, "exceeds the maximum")) return "54000";
  switch (status.code()) {
    case absl::StatusCode::kAborted:
      return "40001";
    case absl::StatusCode::kAlreadyExists:
      return "42P07";
    case absl::StatusCode::kResourceExhausted:
      return "53200";
    default:
      return "XX000";
  }
}

Session::Session(Database* db) : db_(db), db_liveness_(db->liveness()) {
  // Unique among the sessions of this process, and not reused by a later
  // process (the store drops every leftover TEMP object when it opens).
  static std::atomic<uint64_t> next{1};
  temp_namespace_ = absl::StrCat(next.fetch_add(1), "-", absl::Uniform<uint64_t>(absl::BitGen()));
}

Session::~Session() {
  if (txn_ != nullptr) txn_->Rollback();
  if (!made_temp_) return;
  // If the Database is gone, its next Open drops what is left.
  absl::MutexLock l(&db_liveness_->mu);
  if (db_liveness_->alive) (void)DropTempObjects();
}

absl::Status Session::DropTempObjects() {
  for (int attempt = 0; attempt < kMaxRetries; ++attempt) {
    uint64_t schema_version = 0;
    absl::StatusOr<std::unique_ptr<txn::Txn>> t = db_->Begin(&schema_version);
    if (!t.ok()) return t.status();
    txn::Txn* txn = t->get();
    txn->set_temp_namespace(temp_namespace_);
    absl::Status s = [&]() -> absl::Status {
      absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
          catalog::ListObjects(txn);
      if (!all.ok()) return all.status();
      for (const auto& [name, o] : *all) {
        if (!o.temp) continue;
        if (o.table.has_value()) {
          absl::Status d;
          DeletePrefix(txn, catalog::TablePrefix(o.table->id), &d);
          if (!d.ok()) return d;
          if (o.table->autoincrement) {
            if (absl::Status w = WriteSequence(txn, o.table->name, std::nullopt); !w.ok()) return w;
          }
        }
        if (absl::Status d = catalog::DeleteObject(txn, name); !d.ok()) return d;
      }
      return db_->CommitSchemaChange(txn);
    }();
    if (!s.ok()) txn->Rollback();
    if (s.ok() || s.code() != absl::StatusCode::kAborted) return s;
  }
  return absl::AbortedError("could not drop the session's TEMP objects");
}

absl::StatusOr<ResultSet> Session::Execute(absl::string_view sql,
                                           const std::vector<Value>& params) {
  absl::StatusOr<const std::vector<ast::StatementPtr>*> statements = shapes_.Parse(sql);
  if (!statements.ok()) return statements.status();
  ResultSet last;
  for (const ast::StatementPtr& st : **statements) {
    absl::StatusOr<ResultSet> r = Run(*st, params);
    if (!r.ok()) return r.status();
    last = *std::move(r);
  }
  return last;
}

absl::StatusOr<std::shared_ptr<const PreparedSql>> Session::Prepare(absl::string_view sql) {
  auto prepared = std::make_shared<PreparedSql>();
  absl::StatusOr<std::vector<ast::StatementPtr>> statements =
      parser::Parse(sql, &prepared->num_parameters);
  if (!statements.ok()) return statements.status();
  prepared->statements = *std::move(statements);
  prepared->plans = std::make_shared<PlanCache>();
  return std::shared_ptr<const PreparedSql>(std::move(prepared));
}

absl::StatusOr<ResultSet> Session::ExecutePrepared(const PreparedSql& prepared,
                                                   const std::vector<Value>& params) {
  ResultSet last;
  for (size_t i = 0; i < prepared.statements.size(); ++i) {
    PlanSlot slot{prepared.plans.get(), i};
    absl::StatusOr<ResultSet> r = Run(*prepared.statements[i], params, &slot);
    if (!r.ok()) return r.status();
    last = *std::move(r);
  }
  return last;
}

absl::Status Session::ExecuteEach(absl::string_view sql,
                                  absl::FunctionRef<void(const ResultSet&)> on_result,
                                  const std::vector<Value>& params) {
  absl::StatusOr<const std::vector<ast::StatementPtr>*> statements = shapes_.Parse(sql);
  if (!statements.ok()) return statements.status();
  for (const ast::StatementPtr& st : **statements) {
    absl::StatusOr<ResultSet> r = Run(*st, params);
    if (!r.ok()) return r.status();
    on_result(*r);
  }
  return absl::OkStatus();
}

absl::StatusOr<ResultSet> Session::Run(const ast::Statement& st,
                                       const std::vector<Value>& params, const PlanSlot* slot) {
  switch (st.kind) {
    case ast::StatementKind::kBegin:
    case ast::StatementKind::kSavepoint: {
      const auto& ts = static_cast<const ast::TransactionStatement&>(st);
      if (txn_ == nullptr) {
        absl::StatusOr<std::unique_ptr<txn::Txn>> t = db_->Begin(&txn_schema_version_);
        if (!t.ok()) return t.status();
        txn_ = *std::move(t);
        txn_changed_schema_ = false;
        savepoints_.clear();
        // As in SQLite, a SAVEPOINT outside a transaction begins one.
        txn_begun_by_savepoint_ = st.kind == ast::StatementKind::kSavepoint;
      } else if (st.kind == ast::StatementKind::kBegin) {
        return absl::FailedPreconditionError("a transaction is already open");
      }
      if (st.kind == ast::StatementKind::kSavepoint) {
        savepoints_.emplace_back(ts.savepoint, txn_->Savepoint());
      }
      return ResultSet();
    }
    case ast::StatementKind::kCommit: {
      if (txn_ == nullptr) return absl::FailedPreconditionError("no transaction is open");
      if (absl::Status s = CommitTransaction(); !s.ok()) return s;
      return ResultSet();
    }
    case ast::StatementKind::kRelease: {
      absl::StatusOr<size_t> at =
          FindSavepoint(static_cast<const ast::TransactionStatement&>(st).savepoint);
      if (!at.ok()) return at.status();
      txn_->Release(savepoints_[*at].second);
      savepoints_.resize(*at);
      if (savepoints_.empty() && txn_begun_by_savepoint_) {
        if (absl::Status s = CommitTransaction(); !s.ok()) return s;
      }
      return ResultSet();
    }
    case ast::StatementKind::kRollback: {
      const auto& ts = static_cast<const ast::TransactionStatement&>(st);
      if (!ts.savepoint.empty()) {
        // ROLLBACK TO: back to the savepoint, which stays; the
        // transaction goes on.
        absl::StatusOr<size_t> at = FindSavepoint(ts.savepoint);
        if (!at.ok()) return at.status();
        txn_->RollbackTo(savepoints_[*at].second);
        savepoints_.resize(*at + 1);
        return ResultSet();
      }
      if (txn_ == nullptr) return absl::FailedPreconditionError("no transaction is open");
      txn_->Rollback();
      txn_.reset();
      savepoints_.clear();
      deferred_foreign_keys_.clear();
      return ResultSet();
    }
    default:
      break;
  }
  const bool ddl = ChangesSchema(st.kind);
  if (txn_ != nullptr) {
    if (ddl) txn_changed_schema_ = true;
    // After its own DDL a transaction binds afresh: cached plans do not
    // know its uncommitted schema.
    pending_split_.reset();
    // A statement that fails takes back what it wrote; the transaction
    // goes on without it (SQLite's ABORT).
    const size_t mark = txn_->Savepoint();
    absl::StatusOr<ResultSet> r = RunIn(txn_.get(), txn_schema_version_, st, params,
                                        txn_changed_schema_ ? nullptr : slot,
                                        /*cache_tables=*/!txn_changed_schema_);
    if (!r.ok()) txn_->RollbackTo(mark);
    txn_->Release(mark);
    // Inside a transaction the split hint is taken at once (a boundary at a
    // key that is later rolled back is harmless): a long bulk load still
    // spreads over ranges.
    if (r.ok() && pending_split_.has_value()) {
      db_->NoteInsertedRows(pending_split_->table_id, pending_split_->rows,
                            pending_split_->last_key);
    }
    if (r.ok()) NoteChanges(st, *r);
    return r;
  }
  // An implicit transaction, retried on serialization failures.
  absl::StatusOr<ResultSet> result;
  for (int attempt = 0; attempt < kMaxRetries; ++attempt) {
    uint64_t schema_version = 0;
    absl::StatusOr<std::unique_ptr<txn::Txn>> t = db_->Begin(&schema_version);
    if (!t.ok()) return t.status();
    pending_split_.reset();
    // A lone SELECT never writes: its transaction keeps no read spans.
    if (st.kind == ast::StatementKind::kSelect) (*t)->SetReadOnly();
    std::shared_ptr<const TableDescriptor> unique_at_commit;
    result = RunIn(t->get(), schema_version, st, params, ddl ? nullptr : slot,
                   /*cache_tables=*/!ddl, &unique_at_commit);
    if (result.ok()) {
      absl::Status c = ddl ? db_->CommitSchemaChange(t->get()) : (*t)->Commit();
      if (c.code() == absl::StatusCode::kAlreadyExists && unique_at_commit != nullptr) {
        c = PrimaryKeyTaken(*unique_at_commit);
      }
      if (!c.ok()) result = c;
      if (c.ok() && pending_split_.has_value()) {
        db_->NoteInsertedRows(pending_split_->table_id, pending_split_->rows,
                              pending_split_->last_key);
      }
    } else {
      (*t)->Rollback();
    }
    if (result.ok() || result.status().code() != absl::StatusCode::kAborted) break;
  }
  if (result.ok()) NoteChanges(st, *result);
  return result;
}

absl::StatusOr<ResultSet> Session::ForeignKeysPragma(const ast::PragmaStatement& p) {
  ResultSet rs;
  if (!p.has_value) {
    rs.has_rows = true;
    rs.columns = {"foreign_keys"};
    rs.rows.push_back({Value::Integer(foreign_keys_ ? 1 : 0)});
    return rs;
  }
  const std::string v = absl::AsciiStrToLower(p.value);
  const bool on = v == "1" || v == "on" || v == "true" || v == "yes";
  if (!on && v != "0" && v != "off" && v != "false" && v != "no") {
    return absl::InvalidArgumentError(
        absl::StrCat("PRAGMA foreign_keys takes ON or OFF, not ", p.value));
  }
  // As in SQLite, it does not change inside a transaction.
  if (txn_ == nullptr) foreign_keys_ = on;
  return rs;
}

absl::StatusOr<size_t> Session::FindSavepoint(const std::string& name) const {
  for (size_t i = savepoints_.size(); i > 0; --i) {
    if (absl::EqualsIgnoreCase(savepoints_[i - 1].first, name)) return i - 1;
  }
  return absl::NotFoundError(absl::StrCat("no such savepoint: ", name));
}

absl::Status Session::CommitTransaction() {
  if (!deferred_foreign_keys_.empty()) {
    // Deferred foreign keys: a violation fails the COMMIT and keeps the
    // transaction open, as in SQLite.
    const std::vector<Value> no_params;
    Dml d{txn_.get(), db_, &no_params, 0, ""};
    ForeignKeyState state;
    d.foreign_keys = &state;
    if (absl::Status s = CheckForeignKeys(d, &deferred_foreign_keys_); !s.ok()) return s;
  }
  absl::Status s = txn_changed_schema_ ? db_->CommitSchemaChange(txn_.get()) : txn_->Commit();
  txn_.reset();
  savepoints_.clear();
  deferred_foreign_keys_.clear();
  return s;
}

void Session::NoteChanges(const ast::Statement& st, const ResultSet& result) {
  switch (st.kind) {
    case ast::StatementKind::kInsert:
    case ast::StatementKind::kUpdate:
    case ast::StatementKind::kDelete:
      break;
    default:
      return;
  }
  values_.changes = result.rows_affected;
  values_.total_changes += result.rows_affected + statement_trigger_changes_;
  if (statement_rowid_.has_value()) values_.last_insert_rowid = *statement_rowid_;
}

absl::StatusOr<ResultSet> Session::RunIn(txn::Txn* txn, uint64_t schema_version,
                                         const ast::Statement& st,
                                         const std::vector<Value>& params,
                                         const PlanSlot* slot, bool cache_tables,
                                         std::shared_ptr<const TableDescriptor>* unique_at_commit) {
  // A TEMP object made here is dropped when the session ends.
  if ((st.kind == ast::StatementKind::kCreateTable &&
       static_cast<const ast::CreateTableStatement&>(st).temp) ||
      (st.kind == ast::StatementKind::kCreateView &&
       static_cast<const ast::CreateViewStatement&>(st).temp) ||
      (st.kind == ast::StatementKind::kCreateTrigger &&
       static_cast<const ast::CreateTriggerStatement&>(st).temp)) {
    made_temp_ = true;
  }
  // Names look in the session's TEMP namespace only once it has one: a
  // session without TEMP objects pays no extra catalog read.
  if (made_temp_) txn->set_temp_namespace(temp_namespace_);
  Dml d{txn, db_, &params, 0, ""};
  d.unique_at_commit = unique_at_commit;
  if (st.kind == ast::StatementKind::kPragma &&
      static_cast<const ast::PragmaStatement&>(st).name == "foreign_keys") {
    return ForeignKeysPragma(static_cast<const ast::PragmaStatement&>(st));
  }
  // Foreign keys: checked at the statement's end; deferred ones at COMMIT
  // (at once in an implicit transaction, which commits now).
  ForeignKeyState foreign_keys;
  if (foreign_keys_) {
    foreign_keys.deferred = txn_ != nullptr ? &deferred_foreign_keys_ : nullptr;
    d.foreign_keys = &foreign_keys;
  }
  if (st.kind == ast::StatementKind::kPragma &&
      static_cast<const ast::PragmaStatement&>(st).name == "foreign_key_check") {
    const auto& p = static_cast<const ast::PragmaStatement&>(st);
    return ForeignKeyCheckPragma(d, p.has_value ? p.value : "");
  }
  auto check_foreign_keys = [&](absl::StatusOr<ResultSet> r) -> absl::StatusOr<ResultSet> {
    if (!r.ok() || d.foreign_keys == nullptr) return r;
    if (absl::Status s = CheckForeignKeys(d, &foreign_keys.immediate); !s.ok()) return s;
    return r;
  };
  d.values = &values_;
  statement_trigger_changes_ = 0;
  d.trigger_changes = &statement_trigger_changes_;
  statement_rowid_.reset();
  // Read back by Run() once the statement has succeeded.
  absl::Cleanup note_rowid = [&] { statement_rowid_ = d.last_rowid; };
  if (cache_tables && !ChangesSchema(st.kind)) {
    if (dml_tables_ == nullptr) dml_tables_ = std::make_unique<DmlTableCache>();
    d.tables = dml_tables_.get();
    d.schema_version = schema_version;
  }
  if (slot != nullptr && st.kind == ast::StatementKind::kSelect) {
    std::optional<PlanCache::Entry> cached = slot->cache->Get(slot->index, schema_version);
    if (!cached.has_value()) {
      planner::Binder binder = NewBinder(d);
      absl::StatusOr<planner::LogicalPtr> plan =
          binder.BindSelect(*static_cast<const ast::SelectStatement&>(st).select);
      if (!plan.ok()) return plan.status();
      cached = PlanCache::Entry{schema_version, *plan, planner::PlanPhysical(*plan)};
      slot->cache->Put(slot->index, *cached);
    } else {
      // The plan stands for the descriptors it was bound from: a schema
      // change committed after this snapshot must abort a writing
      // transaction, as re-reading them would.
      const auto& [start, end] = catalog::ObjectSpan();
      txn->NoteRead(start, end);
    }
    exec::ExecContext ctx;
    InitContext(d, &ctx);
    absl::StatusOr<std::vector<Row>> rows = exec::ExecutePhysical(*cached->physical, &ctx);
    if (!rows.ok()) return rows.status();
    ResultSet rs;
    rs.has_rows = true;
    rs.columns = cached->logical->column_names;
    rs.rows = *std::move(rows);
    return rs;
  }
  if (st.kind == ast::StatementKind::kInsert) {
    absl::StatusOr<ResultSet> r =
        check_foreign_keys(Insert(d, static_cast<const ast::InsertStatement&>(st)));
    if (r.ok() && d.inserted_table != 0 && !d.last_insert_key.empty()) {
      pending_split_ = {d.inserted_table, r->rows_affected, d.last_insert_key};
    }
    return r;
  }
  switch (st.kind) {
    case ast::StatementKind::kSelect:
    case ast::StatementKind::kUpdate:
    case ast::StatementKind::kDelete:
      return check_foreign_keys(RunDml(d, st));
    case ast::StatementKind::kCreateTable:
      return CreateTable(d, static_cast<const ast::CreateTableStatement&>(st));
    case ast::StatementKind::kCreateIndex:
      return CreateIndex(d, static_cast<const ast::CreateIndexStatement&>(st));
    case ast::StatementKind::kDrop:
      return Drop(d, static_cast<const ast::DropStatement&>(st));
    case ast::StatementKind::kAlterRename:
      return AlterRename(d, static_cast<const ast::AlterRenameStatement&>(st));
    case ast::StatementKind::kAlterDropColumn:
      return AlterDropColumn(d, static_cast<const ast::AlterDropColumnStatement&>(st));
    case ast::StatementKind::kCreateView: {
      const auto& v = static_cast<const ast::CreateViewStatement&>(st);
      absl::StatusOr<std::optional<catalog::SchemaObject>> existing =
          v.temp ? catalog::LookupTempObject(txn, v.view) : catalog::LookupObject(txn, v.view);
      if (!existing.ok()) return existing.status();
      if (existing->has_value() && (v.temp || !(*existing)->temp)) {
        if (v.if_not_exists) return ResultSet();
        return absl::AlreadyExistsError(absl::StrCat("view ", v.view, " already exists"));
      }
      planner::Binder binder = NewBinder(d);
      absl::StatusOr<planner::LogicalPtr> plan = binder.BindSelect(*v.select);
      if (!plan.ok()) return plan.status();
      catalog::SchemaObject obj;
      obj.view = catalog::ViewDescriptor{v.view, v.columns, v.select_text};
      obj.temp = v.temp;
      if (absl::Status s = catalog::PutObject(txn, v.view, obj, false); !s.ok()) return s;
      return ResultSet();
    }
    case ast::StatementKind::kCreateTrigger: {
      const auto& tr = static_cast<const ast::CreateTriggerStatement&>(st);
      absl::StatusOr<std::optional<catalog::SchemaObject>> existing = catalog::LookupObject(txn, tr.trigger);
      if (!existing.ok()) return existing.status();
      if (existing->has_value()) {
        if (tr.if_not_exists) return ResultSet();
        return absl::AlreadyExistsError(absl::StrCat("trigger ", tr.trigger, " already exists"));
      }
      absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, tr.table);
      if (!t.ok()) return t.status();
      catalog::SchemaObject obj;
      if (tr.timing == ast::TriggerTiming::kInsteadOf) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot create INSTEAD OF trigger on table: ", t->name));
      }
      obj.trigger = catalog::TriggerDescriptor{tr.trigger, t->name, tr.full_text};
      // A trigger on a TEMP table is TEMP too, as in SQLite.
      obj.temp = tr.temp || t->temp;
      if (absl::Status s = catalog::PutObject(txn, tr.trigger, obj, false); !s.ok()) return s;
      return ResultSet();
    }
    case ast::StatementKind::kReindex: {
      const auto& r = static_cast<const ast::ReindexStatement&>(st);
      absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
          catalog::ListObjects(txn);
      if (!all.ok()) return all.status();
      bool found = r.name.empty();
      for (auto& [name, o] : *all) {
        if (!o.table.has_value()) continue;
        for (const catalog::IndexDescriptor& ix : o.table->indexes) {
          bool pick = r.name.empty() || absl::EqualsIgnoreCase(r.name, o.table->name) ||
                      absl::EqualsIgnoreCase(r.name, ix.name);
          if (!pick) continue;
          found = true;
          absl::Status s;
          DeletePrefix(txn, catalog::IndexPrefix(o.table->id, ix.id), &s);
          if (!s.ok()) return s;
          if (absl::Status b = BackfillIndex(d, *o.table, ix); !b.ok()) return b;
        }
        if (absl::EqualsIgnoreCase(r.name, o.table->name)) found = true;
      }
      if (!found) return absl::NotFoundError(absl::StrCat("unable to identify the object to be reindexed: ", r.name));
      return ResultSet();
    }
    case ast::StatementKind::kShowTables: {
      absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
          catalog::ListObjects(txn);
      if (!all.ok()) return all.status();
      ResultSet rs;
      rs.has_rows = true;
      rs.columns = {"name"};
      for (auto& [name, o] : *all) {
        if (o.table.has_value()) rs.rows.push_back({Value::Text(o.table->name)});
      }
      return rs;
    }
    case ast::StatementKind::kPragma:
      return Pragma(txn, static_cast<const ast::PragmaStatement&>(st));
    case ast::StatementKind::kAnalyze: {
      // Nothing to gather (the planner sizes tables from their ranges);
      // a name must still be a table or an index.
      const std::string& name = static_cast<const ast::ShowStatement&>(st).table;
      if (name.empty()) return ResultSet();
      absl::StatusOr<std::optional<catalog::SchemaObject>> obj = catalog::LookupObject(txn, name);
      if (!obj.ok()) return obj.status();
      if (!obj->has_value() || (*obj)->view.has_value() || (*obj)->trigger.has_value()) {
        return absl::NotFoundError(absl::StrCat("no such table or index: ", name));
      }
      return ResultSet();
    }
    case ast::StatementKind::kShowSchema: {
      absl::StatusOr<std::vector<std::vector<Value>>> rows = SchemaRows(txn, false);
      if (!rows.ok()) return rows.status();
      ResultSet rs;
      rs.has_rows = true;
      rs.columns = {"type", "name", "tbl_name", "sql"};
      rs.rows = *std::move(rows);
      return rs;
    }
    case ast::StatementKind::kShowIndexes: {
      const auto& sh = static_cast<const ast::ShowStatement&>(st);
      absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
          catalog::ListObjects(txn);
      if (!all.ok()) return all.status();
      ResultSet rs;
      rs.has_rows = true;
      rs.columns = {"table", "index", "unique", "columns"};
      bool found = sh.table.empty();
      for (auto& [name, o] : *all) {
        if (!o.table.has_value()) continue;
        const TableDescriptor& t = *o.table;
        if (!sh.table.empty() && !absl::EqualsIgnoreCase(t.name, sh.table)) continue;
        found = true;
        for (const catalog::IndexDescriptor& ix : t.indexes) {
          rs.rows.push_back({Value::Text(t.name), Value::Text(ix.name),
                             Value::Integer(ix.unique ? 1 : 0),
                             Value::Text(IndexColumnsSql(t, ix))});
        }
      }
      if (!found) return absl::NotFoundError(absl::StrCat("no such table: ", sh.table));
      return rs;
    }
    case ast::StatementKind::kShowCreate: {
      const auto& sh = static_cast<const ast::ShowStatement&>(st);
      absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, sh.table);
      if (!t.ok()) return t.status();
      ResultSet rs;
      rs.has_rows = true;
      rs.columns = {"create_statement"};
      rs.rows.push_back({Value::Text(CreateTableSql(*t))});
      for (const catalog::IndexDescriptor& ix : t->indexes) {
        if (!IsConstraintIndex(ix)) rs.rows.push_back({Value::Text(CreateIndexSql(*t, ix))});
      }
      return rs;
    }
    case ast::StatementKind::kShowRanges: {
      const auto& sh = static_cast<const ast::ShowStatement&>(st);
      absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, sh.table);
      if (!t.ok()) return t.status();
      std::string lo = catalog::TablePrefix(t->id), hi = PrefixEnd(lo);
      ResultSet rs;
      rs.has_rows = true;
      rs.columns = {"range_id", "start_key", "end_key", "nodes"};
      absl::StatusOr<std::vector<kv::RangeDescriptor>> ranges = txn->RangesIn(lo, hi);
      if (!ranges.ok()) return ranges.status();
      for (const kv::RangeDescriptor& r : *ranges) {
        std::vector<std::string> nodes;
        for (uint32_t n : r.node_ids) nodes.push_back(absl::StrCat(n));
        rs.rows.push_back({Value::Integer(static_cast<int64_t>(r.range_id)),
                           Value::Text(PrettyTableKey(*t, r.start_key)),
                           Value::Text(PrettyTableKey(*t, r.end_key)),
                           Value::Text(absl::StrJoin(nodes, ","))});
      }
      return rs;
    }
    case ast::StatementKind::kExplain: {
      const auto& ex = static_cast<const ast::ExplainStatement&>(st);
      if (ex.statement->kind != ast::StatementKind::kSelect) {
        return absl::UnimplementedError("EXPLAIN supports SELECT statements");
      }
      planner::Binder binder = NewBinder(d);
      absl::StatusOr<planner::LogicalPtr> plan =
          binder.BindSelect(*static_cast<const ast::SelectStatement&>(*ex.statement).select);
      if (!plan.ok()) return plan.status();
      planner::PhysicalPtr physical = planner::PlanPhysical(*plan);
      exec::ExecContext ctx;
      InitContext(d, &ctx);
      absl::node_hash_map<const planner::PhysicalOp*, exec::OperatorStats> stats;
      if (ex.analyze) {
        // Runs the query (its rows are discarded) and reports per operator.
        ctx.stats = &stats;
        absl::StatusOr<std::vector<Row>> rows = exec::ExecutePhysical(*physical, &ctx);
        if (!rows.ok()) return rows.status();
      }
      absl::Status failure;
      auto annotate = [&](const planner::PhysicalOp& op) {
        std::vector<std::string> lines;
        if (op.kind == planner::PhysicalKind::kRangeFragments) {
          const catalog::TableDescriptor& t = *op.pipeline.scan->table;
          std::string lo = catalog::IndexPrefix(t.id, t.primary.id), hi = PrefixEnd(lo);
          absl::StatusOr<std::vector<kv::RangeDescriptor>> ranges =
              exec::FragmentRanges(op, &ctx);
          // Bounds from unbound parameters: name the table's ranges.
          if (!ranges.ok()) ranges = txn->RangesIn(lo, hi);
          if (!ranges.ok()) {
            failure = ranges.status();
            return lines;
          }
          lines.push_back(absl::StrCat(ranges->size(),
                                       ranges->size() == 1 ? " fragment:" : " fragments:"));
          for (const kv::RangeDescriptor& r : *ranges) {
            lines.push_back(absl::StrCat("  fragment on range r", r.range_id, " (node ",
                                         r.node_ids.empty() ? 0 : r.node_ids[0], ") [",
                                         PrettyTableKey(t, std::max(r.start_key, lo)), ", ",
                                         PrettyTableKey(t, std::min(r.end_key, hi)), ")"));
          }
        } else if (op.kind == planner::PhysicalKind::kOperator &&
                   op.logical->kind == planner::LogicalKind::kScan) {
          lines.push_back("reads by key at the gateway");
        }
        if (ex.analyze) {
          auto it = stats.find(&op);
          exec::OperatorStats s = it == stats.end() ? exec::OperatorStats() : it->second;
          std::string line = absl::StrFormat("actual: rows=%d time=%.3f ms", s.rows,
                                             static_cast<double>(s.nanos) / 1e6);
          if (s.executions != 1) absl::StrAppend(&line, " executions=", s.executions);
          if (op.kind == planner::PhysicalKind::kRangeFragments) {
            absl::StrAppend(&line, " fragments=", s.fragments, " rows_scanned=", s.rows_scanned);
          }
          if (s.lookups > 0) absl::StrAppend(&line, " key_lookups=", s.lookups);
          lines.push_back(line);
        }
        return lines;
      };
      std::string text = planner::ExplainPhysical(*physical, annotate);
      if (!failure.ok()) return failure;
      if (ex.analyze && !ctx.physical_plans.empty()) {
        // Subquery plans (run from expressions) are not in the tree above.
        exec::SubqueryStats sub = exec::SummarizeSubqueries(ctx);
        absl::StrAppend(&text, "subqueries: ", sub.executions, " executions, ", sub.decorrelated,
                        " decorrelated into hash semi-joins\n");
      }
      ResultSet rs;
      rs.has_rows = true;
      rs.columns = {ex.analyze ? "analyzed plan" : "plan"};
      for (absl::string_view line : absl::StrSplit(text, '\n')) {
        if (!line.empty()) rs.rows.push_back({Value::Text(line)});
      }
      return rs;
    }
    case ast::StatementKind::kAlterSplit: {
      const auto& sp = static_cast<const ast::AlterSplitStatement&>(st);
      absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, sp.table);
      if (!t.ok()) return t.status();
      planner::Binder binder(txn);
      for (const auto& point : sp.split_points) {
        std::string key = catalog::IndexPrefix(t->id, t->primary.id);
        for (size_t i = 0; i < point.size() && i < t->primary.column_ids.size(); ++i) {
          absl::StatusOr<Value> v = EvalConst(d, binder, *point[i], nullptr, nullptr);
          if (!v.ok()) return v.status();
          int pos = t->ColumnIndexById(t->primary.column_ids[i]);
          absl::StatusOr<Value> c = Coerce(*v, t->columns[pos], t->name);
          if (!c.ok()) return c.status();
          EncodeKeyValue(*c, t->primary.orders[i], &key);
        }
        absl::Status r = db_->SplitAt(key);
        if (!r.ok() && r.code() != absl::StatusCode::kInvalidArgument) return r;
      }
      return ResultSet();
    }
    case ast::StatementKind::kAlterAddColumn: {
      const auto& add = static_cast<const ast::AlterAddColumnStatement&>(st);
      absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, add.table);
      if (!t.ok()) return t.status();
      if (t->ColumnIndex(add.column.name) >= 0) {
        return absl::InvalidArgumentError(absl::StrCat("duplicate column name: ", add.column.name));
      }
      if (!add.column.collation.empty()) {
        if (absl::Status s = parser::CheckCollation(add.column.collation); !s.ok()) return s;
      }
      if (add.column.primary_key || add.column.unique) {
        return absl::InvalidArgumentError("cannot add a PRIMARY KEY or UNIQUE column");
      }
      if (add.column.generated) {
        return absl::UnimplementedError(
            "statement not supported: ALTER TABLE ADD COLUMN of a generated column (Tessera "
            "stores generated values; declare it in CREATE TABLE)");
      }
      if (t->strict && add.column.type_text.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("missing datatype for ", t->name, ".", add.column.name));
      }
      if (t->columns.size() >= parser::kMaxTableColumns) {
        return parser::StatementTooComplex(
            absl::StrCat("more than ", parser::kMaxTableColumns, " columns in a table"));
      }
      if (add.column.not_null && !add.column.default_value) {
        return absl::InvalidArgumentError("cannot add a NOT NULL column with default value NULL");
      }
      catalog::ColumnDescriptor cd;
      cd.id = t->next_column_id++;
      cd.name = add.column.name;
      cd.type = add.column.type;
      cd.declared_type = add.column.type_text;
      if (!add.column.collation.empty()) cd.collation = *CollationNamed(add.column.collation);
      cd.nullable = !add.column.not_null;
      if (add.column.default_value) cd.default_sql = ast::ToSql(*add.column.default_value);
      // Existing rows take the default (a new row is filled in by INSERT).
      Value fill;
      if (!cd.default_sql.empty()) {
        absl::StatusOr<ast::ExprPtr> e = parser::ParseExpression(cd.default_sql);
        if (!e.ok()) return e.status();
        planner::Binder binder = NewBinder(d);
        absl::StatusOr<Value> v = EvalConst(d, binder, **e, nullptr, nullptr);
        if (!v.ok()) return v.status();
        absl::StatusOr<Value> c = Coerce(*v, cd, t->name);
        if (!c.ok()) return c.status();
        fill = *std::move(c);
      }
      const TableDescriptor before = *t;
      t->columns.push_back(cd);
      if (add.column.foreign_key) {
        t->foreign_keys.push_back({{cd.id}, add.column.foreign_key->references});
      }
      if (!fill.is_null()) {
        absl::Status s = RewriteRows(d, before, *t, [&](Row* row) { row->push_back(fill); });
        if (!s.ok()) return s;
      }
      catalog::SchemaObject obj;
      obj.table = *t;
      if (absl::Status s = catalog::PutObject(txn, t->name, obj, false); !s.ok()) return s;
      return ResultSet();
    }
    default:
      return absl::UnimplementedError(absl::StrCat("statement not supported: ", ast::ToSql(st)));
  }
}

}  // namespace tessera::session

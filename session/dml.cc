// INSERT, UPDATE and DELETE (with their triggers, constraints, RETURNING
// and foreign key actions), and the row and index writes DDL shares.

#include "session/dml.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "catalog/catalog.h"
#include "catalog/row_codec.h"
#include "common/errors.h"
#include "exec/executor.h"
#include "function/value_ops.h"
#include "parser/parser.h"
#include "planner/binder.h"
#include "session/foreign_keys.h"

namespace tessera::session {

namespace {

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
      values.push_back(catalog::ExpressionKeyValue(*std::move(v)));
    } else {
      const int pos = t.ColumnIndexById(ix.column_ids[i]);
      values.push_back(pos >= 0 ? row[pos] : Value());
    }
  }
  return values;
}

// Deletes the row and its index entries. A partial index's entry only
// where the index holds the row: a UNIQUE one's entry for the same values
// may be another row's.
absl::Status DeleteRowEntries(txn::Txn* txn, const TableDescriptor& t, const Row& row) {
  txn->Delete(catalog::PrimaryKey(t, row));
  return ForEachIndexEntry(txn, t, row, [&](const catalog::IndexDescriptor&, const std::string& key) {
    txn->Delete(key);
    return absl::OkStatus();
  });
}

// Writes the row's index entries.
absl::Status PutIndexEntries(txn::Txn* txn, const TableDescriptor& t, const Row& row) {
  return ForEachIndexEntry(txn, t, row, [&](const catalog::IndexDescriptor& ix, const std::string& key) {
    txn->Put(key, catalog::IndexEntryValue(t, ix, row));
    return absl::OkStatus();
  });
}


// SQLite's sqlite_sequence: one row (name, seq) per AUTOINCREMENT table, the
// largest key it handed out. A table like any other, so it can be read,
// reset and dumped; made with the first AUTOINCREMENT table and never
// dropped.

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

// Finds rows that `row`, whose primary key is `pk`, would collide with in
// the primary key or a unique index; returns their primary keys (excluding
// `self_key`).
absl::StatusOr<std::vector<std::string>> Conflicts(
    Dml& d, const TableDescriptor& t, const Row& row, absl::string_view pk,
    absl::string_view self_key, std::string* what,
    std::vector<const catalog::IndexDescriptor*>* constraints = nullptr) {
  std::vector<std::string> out;
  // The key, then those of its twins (none unless a key column is untyped).
  const std::vector<Row> pk_twins = KeyTwinRows(t, t.primary.column_ids, row);
  std::string twin_key;
  for (size_t i = 0; i <= pk_twins.size(); ++i) {
    absl::string_view key = pk;
    if (i > 0) key = twin_key = catalog::PrimaryKey(t, pk_twins[i - 1]);
    if (key == self_key) continue;
    absl::StatusOr<std::optional<std::string>> existing = d.txn->Get(key);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      out.emplace_back(key);
      *what = IndexTarget(t, t.primary);
      if (constraints != nullptr) constraints->push_back(&t.primary);
      break;
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
    const std::vector<Row> twins =
        ix.HasExpressions() ? std::vector<Row>() : KeyTwinRows(t, ix.column_ids, row);
    for (size_t i = 0; i <= twins.size(); ++i) {
      if (i > 0) entry = catalog::IndexEntryKey(t, ix, twins[i - 1]);
      absl::StatusOr<std::optional<std::string>> owner = d.txn->Get(entry);
      if (!owner.ok()) return owner.status();
      if (owner->has_value() && **owner != self_key &&
          std::find(out.begin(), out.end(), **owner) == out.end()) {
        out.push_back(**owner);
        *what = IndexTarget(t, ix);
        if (constraints != nullptr) constraints->push_back(&ix);
        break;
      }
    }
  }
  return out;
}

// An UPDATE's (or an upsert's) new row made ready to write: PrepareRow
// with every column given (defaults, generated columns, NOT NULL, CHECK),
// then the rows its keys collide with (Conflicts(); `what` names the
// constraint).
absl::StatusOr<std::vector<std::string>> PrepareUpdatedRow(Dml& d, const TableDescriptor& t,
                                                           Row* row, std::string* what) {
  absl::InlinedVector<bool, 16> all(t.columns.size(), true);
  if (absl::Status s = PrepareRow(d, t, row, all, /*inserting=*/false); !s.ok()) return s;
  return Conflicts(d, t, *row, catalog::PrimaryKey(t, *row), "", what);
}

// Whether ON CONFLICT `target` (column names) names `constraint` (the
// primary key or a UNIQUE index of `t`): the same columns, in any order.
// A partial index or one on expressions is named by no column list.
bool TargetNames(const TableDescriptor& t, const std::vector<std::string>& target,
                 const catalog::IndexDescriptor& constraint) {
  if (!constraint.where_sql.empty() || constraint.HasExpressions()) return false;
  if (target.size() != constraint.column_ids.size()) return false;
  for (const std::string& name : target) {
    const int pos = t.ColumnIndex(name);
    if (pos < 0) return false;
    if (std::find(constraint.column_ids.begin(), constraint.column_ids.end(),
                  t.columns[pos].id) == constraint.column_ids.end()) {
      return false;
    }
  }
  return true;
}

// The triggers defined on `t`.
absl::StatusOr<std::vector<Trigger>> LoadTriggers(Dml& d, const TableDescriptor& t) {
  std::vector<Trigger> out;
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
    tr.created = o.trigger->created;
    out.push_back(std::move(tr));
  }
  // Newest first, as SQLite fires the triggers of one event.
  std::stable_sort(out.begin(), out.end(),
                   [](const Trigger& a, const Trigger& b) { return a.created > b.created; });
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

// Whether `s` is RAISE(IGNORE) from a trigger program: the row whose
// triggers raised it is left as it is, and the statement goes on.
bool RaisedIgnore(const absl::Status& s) {
  std::optional<ErrorDetail> detail = GetErrorDetail(s);
  return detail.has_value() && detail->kind == ErrorKind::kRaise && detail->bytes == "ignore";
}

// Whether trigger `tr` of table (or view) `t` is one of `event` and
// `timing` that a change of the columns `changed` fires (UPDATE OF names
// one of them).
bool Matches(const Trigger& tr, const TableDescriptor& t, ast::TriggerEvent event,
             ast::TriggerTiming timing, const std::vector<int>& changed) {
  const ast::CreateTriggerStatement& def = *tr.def;
  if (def.event != event || def.timing != timing) return false;
  if (event != ast::TriggerEvent::kUpdate || def.update_columns.empty()) return true;
  return std::any_of(def.update_columns.begin(), def.update_columns.end(), [&](const std::string& c) {
    return std::find(changed.begin(), changed.end(), t.ColumnIndex(c)) != changed.end();
  });
}

// Runs the triggers of `event` and `timing` for one row. `changed` lists the
// columns an UPDATE assigns.
absl::Status Fire(Dml& d, const std::vector<Trigger>& triggers, const TableDescriptor& t,
                  ast::TriggerEvent event, ast::TriggerTiming timing, const Row* new_row,
                  const Row* old_row, const std::vector<int>& changed) {
  for (const Trigger& tr : triggers) {
    const ast::CreateTriggerStatement& def = *tr.def;
    if (!Matches(tr, t, event, timing, changed)) continue;
    bool running = false;
    for (const TriggerFrame* f = d.running_triggers; f != nullptr && !running; f = f->outer) {
      running = absl::EqualsIgnoreCase(*f->name, def.trigger);
    }
    if (running) continue;
    const size_t w = t.columns.size();
    Row both(2 * w);
    if (new_row != nullptr) std::copy(new_row->begin(), new_row->end(), both.begin());
    if (old_row != nullptr) std::copy(old_row->begin(), old_row->end(), both.begin() + w);
    Dml inner = d;
    inner.trigger_row = &both;
    inner.trigger_table = &t;
    const int depth = d.running_triggers == nullptr ? 1 : d.running_triggers->depth + 1;
    if (depth > kMaxTriggerDepth) {
      return absl::ResourceExhaustedError("too many levels of trigger recursion");
    }
    const TriggerFrame frame{&def.trigger, d.running_triggers, depth};
    inner.running_triggers = &frame;
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

// REPLACE: deletes the rows whose primary keys are `keys` (those a new
// row collides with), with their index entries and their foreign key
// actions (`parent_fks`, ParentForeignKeys).
absl::Status DeleteReplaced(Dml& d, const TableDescriptor& t, const std::vector<std::string>& keys,
                            const std::vector<ForeignKey>& parent_fks) {
  for (const std::string& key : keys) {
    absl::StatusOr<std::optional<std::string>> old = d.txn->Get(key);
    if (!old.ok()) return old.status();
    if (!old->has_value()) continue;
    Row row;
    if (absl::Status s = catalog::DecodeRow(t, key, **old, &row); !s.ok()) return s;
    if (absl::Status s = DeleteRowEntries(d.txn, t, row); !s.ok()) return s;
    if (absl::Status s = ParentRowChanged(d, parent_fks, row, nullptr); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<ResultSet> Select(Dml& d, const ast::SelectStmt& select);

// `SELECT * FROM name`, parsed.
absl::StatusOr<ast::StatementPtr> SelectAllFrom(const std::string& name) {
  return parser::ParseOne(absl::StrCat("SELECT * FROM ", parser::SqlIdentifier(name)));
}

// The rows of view `v` (columns as `info.table`'s), read in the statement's
// transaction.
absl::StatusOr<std::vector<Row>> ViewRows(Dml& d, const TableDescriptor& v) {
  absl::StatusOr<ast::StatementPtr> parsed = SelectAllFrom(v.name);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<ResultSet> rs =
      Select(d, *static_cast<const ast::SelectStatement&>(**parsed).select);
  if (!rs.ok()) return rs.status();
  return std::move(rs->rows);
}

// INSERT, UPDATE or DELETE on a view, as SQLite runs them: the rows the
// statement names — its VALUES or SELECT rows, or the view's rows its
// WHERE holds for, with the SET values — are found first, then the view's
// INSTEAD OF triggers of the event run once per row, with NEW and OLD
// over the view's columns. Without such a trigger the view cannot be
// modified. Writes are the triggers', so the statement counts no changed
// rows (changes() is 0, as in SQLite).
absl::StatusOr<ResultSet> ViewDml(Dml& d, const ast::Statement& st, const TableInfo& info) {
  const TableDescriptor& v = *info.table;
  const size_t width = v.columns.size();
  const auto* ins = st.kind == ast::StatementKind::kInsert
                        ? static_cast<const ast::InsertStatement*>(&st) : nullptr;
  const auto* up = st.kind == ast::StatementKind::kUpdate
                       ? static_cast<const ast::UpdateStatement*>(&st) : nullptr;
  const auto* del = st.kind == ast::StatementKind::kDelete
                        ? static_cast<const ast::DeleteStatement*>(&st) : nullptr;
  const ast::TriggerEvent event = ins   ? ast::TriggerEvent::kInsert
                                  : up  ? ast::TriggerEvent::kUpdate
                                        : ast::TriggerEvent::kDelete;
  std::vector<int> changed;
  if (up != nullptr) {
    for (const ast::Assignment& a : up->assignments) {
      const int pos = v.ColumnIndex(a.column);
      if (pos < 0) return absl::NotFoundError(absl::StrCat("no such column: ", a.column));
      changed.push_back(pos);
    }
  }
  if (std::none_of(info.triggers->begin(), info.triggers->end(), [&](const Trigger& tr) {
        return Matches(tr, v, event, ast::TriggerTiming::kInsteadOf, changed);
      })) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot modify ", v.name, " because it is a view"));
  }
  if (ins != nullptr && !ins->upserts.empty()) {
    return absl::FailedPreconditionError("cannot UPSERT a view");
  }
  if (up != nullptr && up->from != nullptr) {
    return absl::UnimplementedError("UPDATE ... FROM on a view");
  }
  planner::Binder binder = NewBinder(d);
  const std::vector<ast::CommonTableExpr>& with = ins ? ins->with : up ? up->with : del->with;
  if (absl::Status w = binder.AddStatementCtes(with); !w.ok()) return w;
  ResultSet rs;
  Returning returning;
  const std::vector<ast::ResultColumn>& returning_columns =
      ins ? ins->returning : up ? up->returning : del->returning;
  if (absl::Status s = returning.Bind(d, binder, v, returning_columns, &rs); !s.ok()) return s;
  // (new row, old row) per firing, all found before any trigger runs.
  std::vector<std::pair<Row, Row>> rows;
  if (ins != nullptr) {
    std::vector<int> targets;
    for (const std::string& c : ins->columns) {
      const int pos = v.ColumnIndex(c);
      if (pos < 0) return absl::NotFoundError(absl::StrCat("table ", v.name, " has no column named ", c));
      targets.push_back(pos);
    }
    if (ins->columns.empty()) {
      for (size_t i = 0; i < width; ++i) targets.push_back(static_cast<int>(i));
    }
    std::vector<Row> inputs;
    if (ins->select) {
      absl::StatusOr<ResultSet> selected = Select(d, *ins->select);
      if (!selected.ok()) return selected.status();
      inputs = std::move(selected->rows);
    } else if (ins->default_values) {
      inputs.emplace_back();
      targets.clear();
    } else {
      for (const auto& exprs : ins->values) {
        Row in;
        for (const ast::ExprPtr& e : exprs) {
          absl::StatusOr<Value> value = EvalConst(d, binder, *e, nullptr, nullptr);
          if (!value.ok()) return value.status();
          in.push_back(*std::move(value));
        }
        inputs.push_back(std::move(in));
      }
    }
    for (Row& in : inputs) {
      if (in.size() != targets.size()) {
        return absl::InvalidArgumentError(absl::StrCat("table ", v.name, " has ", targets.size(),
                                                       " columns but ", in.size(),
                                                       " values were supplied"));
      }
      Row row(width);
      for (size_t i = 0; i < in.size(); ++i) row[targets[i]] = std::move(in[i]);
      rows.emplace_back(std::move(row), Row());
    }
  } else {
    absl::StatusOr<std::vector<Row>> all = ViewRows(d, v);
    if (!all.ok()) return all.status();
    const ast::Expr* where = up ? up->where.get() : del->where.get();
    for (Row& old_row : *all) {
      if (where != nullptr) {
        absl::StatusOr<Value> holds = EvalConst(d, binder, *where, &v, &old_row);
        if (!holds.ok()) return holds.status();
        if (!function::Truth(*holds).value_or(false)) continue;
      }
      Row new_row;
      if (up != nullptr) {
        new_row = old_row;
        for (size_t i = 0; i < up->assignments.size(); ++i) {
          absl::StatusOr<Value> value =
              EvalConst(d, binder, *up->assignments[i].value, &v, &old_row);
          if (!value.ok()) return value.status();
          new_row[changed[i]] = *std::move(value);
        }
      }
      rows.emplace_back(std::move(new_row), std::move(old_row));
    }
  }
  for (const auto& [new_row, old_row] : rows) {
    if (absl::Status f = Fire(d, *info.triggers, v, event, ast::TriggerTiming::kInsteadOf,
                              del ? nullptr : &new_row, ins ? nullptr : &old_row, changed);
        !f.ok()) {
      if (RaisedIgnore(f)) continue;
      return f;
    }
    returning.Add(del ? old_row : new_row);
  }
  if (absl::Status s = returning.Finish(); !s.ok()) return s;
  return rs;
}

// Writes an UPDATE's `new_row` in place of `old_row`, whose entries are
// already deleted: the row made ready and its keys checked
// (PrepareUpdatedRow), a collision settled by `or_action` (REPLACE deletes
// the other rows, IGNORE puts the old row back and returns false, else the
// UNIQUE error), its foreign keys noted, and the row added to RETURNING.
absl::StatusOr<bool> WriteUpdatedRow(Dml& d, const TableDescriptor& t, const Row& old_row,
                                     Row* new_row,
                                     ast::ConflictAction or_action,
                                     const std::vector<ForeignKey>& parent_fks,
                                     const std::vector<ForeignKey>& child_fks,
                                     Returning* returning, ResultSet* rs) {
  std::string what;
  absl::StatusOr<std::vector<std::string>> conflicts = PrepareUpdatedRow(d, t, new_row, &what);
  if (!conflicts.ok()) return conflicts.status();
  if (!conflicts->empty()) {
    if (or_action == ast::ConflictAction::kReplace) {
      if (absl::Status s = DeleteReplaced(d, t, *conflicts, parent_fks); !s.ok()) return s;
    } else if (or_action == ast::ConflictAction::kIgnore) {
      if (absl::Status s = PutRowEntries(d.txn, t, old_row); !s.ok()) return s;
      --rs->rows_affected;
      return false;
    } else {
      return Constraint("UNIQUE", what);
    }
  }
  if (absl::Status s = PutRowEntries(d.txn, t, *new_row); !s.ok()) return s;
  if (absl::Status s = ParentRowChanged(d, parent_fks, old_row, new_row); !s.ok()) return s;
  ChildRowWritten(d, child_fks, *new_row, &old_row);
  returning->Add(*new_row);
  return true;
}

// The rows of an UPDATE or DELETE (`changes`: old, new) on a table with
// BEFORE or AFTER triggers of the event, or with foreign keys into itself,
// written as SQLite writes them: row by row, each with its BEFORE
// triggers, its write, then its AFTER triggers. A trigger or a cascade may
// have changed or deleted a row still to come, so each is read again
// first: a deleted one is skipped, and an UPDATE's values (`sets` over the
// row, or those in `changes` for UPDATE ... FROM) apply to the row as it
// is now, whose index entries are the ones stored.
absl::Status WriteRowByRow(Dml& d, const TableDescriptor& t, const std::vector<Trigger>& triggers,
                           bool is_update, const std::vector<int>& changed,
                           const std::vector<planner::BoundPtr>& sets,
                           const std::vector<ForeignKey>& parent_fks,
                           const std::vector<ForeignKey>& child_fks, ast::ConflictAction or_action,
                           exec::ExecContext* ctx, std::vector<std::pair<Row, Row>>* changes,
                           Returning* returning, ResultSet* rs) {
  const ast::TriggerEvent event = is_update ? ast::TriggerEvent::kUpdate : ast::TriggerEvent::kDelete;
  for (auto& [snapshot, assigned] : *changes) {
    const std::string key = catalog::PrimaryKey(t, snapshot);
    absl::StatusOr<std::optional<std::string>> raw = d.txn->Get(key);
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) continue;  // deleted by a trigger of an earlier row
    Row old_row;
    if (absl::Status s = catalog::DecodeRow(t, key, **raw, &old_row); !s.ok()) return s;
    Row new_row;
    if (is_update) {
      new_row = old_row;
      for (size_t i = 0; i < changed.size(); ++i) {
        if (sets.empty()) {
          new_row[changed[i]] = assigned[changed[i]];
          continue;
        }
        absl::StatusOr<Value> v = exec::Evaluate(*sets[i], old_row, ctx);
        if (!v.ok()) return v.status();
        new_row[changed[i]] = *std::move(v);
      }
    }
    if (absl::Status f = Fire(d, triggers, t, event, ast::TriggerTiming::kBefore,
                              is_update ? &new_row : nullptr, &old_row, changed);
        !f.ok()) {
      if (RaisedIgnore(f)) continue;
      return f;
    }
    // The BEFORE triggers may have changed it too: what is stored goes.
    raw = d.txn->Get(key);
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) continue;
    Row stored;
    if (absl::Status s = catalog::DecodeRow(t, key, **raw, &stored); !s.ok()) return s;
    if (absl::Status s = DeleteRowEntries(d.txn, t, stored); !s.ok()) return s;
    ++rs->rows_affected;
    if (!is_update) {
      // What is deleted is what is stored; its foreign keys act on that.
      returning->Add(stored);
      if (absl::Status s = ParentRowChanged(d, parent_fks, stored, nullptr); !s.ok()) return s;
    } else {
      absl::StatusOr<bool> written = WriteUpdatedRow(d, t, stored, &new_row, or_action, parent_fks,
                                                     child_fks, returning, rs);
      if (!written.ok()) return written.status();
      if (!*written) continue;  // OR IGNORE: no AFTER triggers
    }
    if (absl::Status f = Fire(d, triggers, t, event, ast::TriggerTiming::kAfter,
                              is_update ? &new_row : nullptr, &old_row, changed);
        !f.ok() && !RaisedIgnore(f)) {
      return f;
    }
  }
  return absl::OkStatus();
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
  if (info->is_view) return ViewDml(d, st, *info);
  const TableDescriptor* t = info->table.get();
  // DROP TABLE's implicit DELETE fires no triggers of its table (what it
  // sets off in other tables does).
  static const std::vector<Trigger> kNoTriggers;
  const std::vector<Trigger>* triggers = d.no_triggers ? &kNoTriggers : info->triggers.get();
  d.no_triggers = false;
  const ast::TriggerEvent event =
      is_update ? ast::TriggerEvent::kUpdate : ast::TriggerEvent::kDelete;
  planner::Binder binder = NewBinder(d);
  {
    const std::vector<ast::CommonTableExpr>& with =
        is_update ? static_cast<const ast::UpdateStatement&>(st).with
                  : static_cast<const ast::DeleteStatement&>(st).with;
    if (absl::Status w = binder.AddStatementCtes(with); !w.ok()) return w;
  }
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
  // An UPDATE's SET expressions over the target row (none for UPDATE ...
  // FROM, whose values come from the join).
  std::vector<planner::BoundPtr> sets;
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
  // Row by row where what a row's write sets off can reach rows still to
  // come: its triggers, or its cascades into the table itself.
  const ast::ConflictAction or_action =
      is_update ? static_cast<const ast::UpdateStatement&>(st).or_action : ast::ConflictAction::kNone;
  if (std::any_of(triggers->begin(), triggers->end(),
                  [&](const Trigger& tr) {
                    return tr.def->event == event && tr.def->timing != ast::TriggerTiming::kInsteadOf;
                  }) ||
      std::any_of(parent_fks->begin(), parent_fks->end(),
                  [&](const ForeignKey& fk) { return fk.child->id == t->id; })) {
    if (absl::Status s = WriteRowByRow(d, *t, *triggers, is_update, changed, sets, *parent_fks,
                                       *child_fks, or_action, &ctx, &changes, &returning, &rs);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = returning.Finish(); !s.ok()) return s;
    return rs;
  }
  // No trigger of the event and no cascade into the table: one pass,
  // every old row's entries first, so keys the statement moves between
  // its rows do not collide on the way.
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
    for (auto& [old_row, new_row] : changes) {
      absl::StatusOr<bool> written = WriteUpdatedRow(d, *t, old_row, &new_row, or_action,
                                                     *parent_fks, *child_fks, &returning, &rs);
      if (!written.ok()) return written.status();
    }
  }
  if (absl::Status s = returning.Finish(); !s.ok()) return s;
  return rs;
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

}  // namespace

absl::Status ForEachIndexEntry(
    txn::Txn* txn, const TableDescriptor& t, const Row& row,
    absl::FunctionRef<absl::Status(const catalog::IndexDescriptor&, const std::string&)> fn) {
  for (const catalog::IndexDescriptor& ix : t.indexes) {
    absl::StatusOr<bool> holds = IndexHolds(txn, t, ix, row);
    if (!holds.ok()) return holds.status();
    if (!*holds) continue;
    absl::StatusOr<std::string> key = IndexKey(txn, t, ix, row);
    if (!key.ok()) return key.status();
    if (absl::Status s = fn(ix, *key); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Constraint(absl::string_view what, absl::string_view target) {
  return absl::FailedPreconditionError(absl::StrCat(what, " constraint failed: ", target));
}

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
        // Only text that is a number as a whole ("12", " 1.5e3 "); "abc"
        // or "12abc" is refused, as for an INTEGER column (it was stored
        // as its numeric prefix, 0.0 for "abc").
        std::optional<Value> n = function::ToNumberIfNumeric(v);
        if (!n.has_value()) return mismatch();
        return Value::Real(n->type() == Type::kInteger ? static_cast<double>(n->integer())
                                                       : n->real());
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
    case Type::kNumeric:
      return function::ToNumericAffinity(v);
    case Type::kNull:
      return v;
  }
  return v;
}

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

absl::StatusOr<bool> IndexHolds(txn::Txn* txn, const TableDescriptor& t,
                                const catalog::IndexDescriptor& ix, const Row& row) {
  if (ix.where_sql.empty()) return true;
  absl::StatusOr<Value> v = EvaluateStored(txn, t, ix.where_sql, row);
  if (!v.ok()) return v.status();
  std::optional<bool> truth = function::Truth(*v);
  return truth.has_value() && *truth;
}

std::vector<Row> KeyTwinRows(const TableDescriptor& t, const std::vector<uint32_t>& column_ids,
                             const Row& row) {
  std::vector<Row> rows;  // `row` first once a twin is found; none before
  for (uint32_t id : column_ids) {
    const int pos = id == 0 ? -1 : t.ColumnIndexById(id);
    if (pos < 0 || t.columns[pos].type != Type::kNull) continue;
    std::optional<Value> twin = catalog::UntypedKeyTwin(row[pos]);
    if (!twin.has_value()) continue;
    if (rows.empty()) rows.push_back(row);
    const size_t n = rows.size();
    for (size_t i = 0; i < n; ++i) {
      rows.push_back(rows[i]);
      rows.back()[pos] = *twin;
    }
  }
  if (!rows.empty()) rows.erase(rows.begin());
  return rows;
}

absl::StatusOr<std::string> IndexKey(txn::Txn* txn, const TableDescriptor& t,
                                     const catalog::IndexDescriptor& ix, const Row& row) {
  if (!ix.HasExpressions()) return catalog::IndexEntryKey(t, ix, row);
  absl::StatusOr<std::vector<Value>> values = IndexKeyValues(txn, t, ix, row);
  if (!values.ok()) return values.status();
  return catalog::IndexEntryKeyOf(t, ix, *values, row);
}

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

absl::StatusOr<int64_t> ReadSequence(txn::Txn* txn, absl::string_view table) {
  absl::StatusOr<TableDescriptor> seq = catalog::GetTable(txn, kSequenceTable);
  if (!seq.ok()) return seq.status();
  absl::StatusOr<std::optional<Row>> row = SequenceRow(txn, *seq, table);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return 0;
  const Value n = function::ToNumeric((**row)[1]);
  return n.type() == Type::kInteger ? n.integer() : 0;
}

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

absl::Status PrimaryKeyTaken(const TableDescriptor& t) {
  return Constraint("UNIQUE", IndexTarget(t, t.primary));
}

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
  ctx->pragma_rows = &PragmaFunctionRows;
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

absl::Status PrepareRow(Dml& d, const TableDescriptor& t, Row* row,
                        absl::Span<const bool> given, bool inserting) {
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
      (*row)[pos] = Value::Integer(d.db->clock()->Now().AsInt64());
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

absl::StatusOr<ResultSet> Insert(Dml& d, const ast::InsertStatement& st) {
  absl::StatusOr<TableInfo> info = LoadTable(d, st.table);
  if (!info.ok()) return info.status();
  if (info->is_view) return ViewDml(d, st, *info);
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
  if (absl::Status w = binder.AddStatementCtes(st.with); !w.ok()) return w;
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
  // Not for an untyped key column, where a number's twin key
  // (KeyTwinRows) is the same key too.
  const bool check_at_commit =
      d.unique_at_commit != nullptr && d.trigger_table == nullptr && inputs.size() == 1 &&
      st.upserts.empty() && st.or_action == ast::ConflictAction::kNone && triggers->empty() &&
      std::none_of(t->indexes.begin(), t->indexes.end(),
                   [](const catalog::IndexDescriptor& ix) { return ix.unique; }) &&
      std::none_of(t->primary.column_ids.begin(), t->primary.column_ids.end(),
                   [&](uint32_t id) { return t->columns[t->ColumnIndexById(id)].type == Type::kNull; });
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
  // Each ON CONFLICT target must name the primary key or a UNIQUE index,
  // as SQLite checks when it prepares the statement.
  for (const ast::InsertStatement::Upsert& u : st.upserts) {
    if (u.conflict_target.empty()) continue;
    bool named = TargetNames(*t, u.conflict_target, t->primary);
    for (const catalog::IndexDescriptor& ix : t->indexes) {
      named = named || (ix.unique && TargetNames(*t, u.conflict_target, ix));
    }
    if (!named) {
      return absl::InvalidArgumentError(
          "ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint");
    }
  }
  Returning returning;
  if (absl::Status s = returning.Bind(d, binder, *t, st.returning, &rs); !s.ok()) return s;
  // Foreign keys (empty unless enforced): the table's own, and those that
  // reference it where this INSERT may delete or update its rows.
  absl::StatusOr<std::vector<ForeignKey>> child_fks = ChildForeignKeys(d, info->table, nullptr);
  if (!child_fks.ok()) return child_fks.status();
  absl::StatusOr<std::vector<ForeignKey>> parent_fks = std::vector<ForeignKey>();
  if (st.or_action == ast::ConflictAction::kReplace || !st.upserts.empty()) {
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
    // BEFORE INSERT triggers run for every row, before its keys are
    // checked: also for a row an ON CONFLICT clause or OR IGNORE then
    // turns away or into an update, as in SQLite.
    if (absl::Status f = Fire(d, *triggers, *t, ast::TriggerEvent::kInsert,
                              ast::TriggerTiming::kBefore, &row, nullptr, {});
        !f.ok()) {
      if (RaisedIgnore(f)) continue;
      return f;
    }
    std::string what;
    std::vector<const catalog::IndexDescriptor*> conflict_constraints;
    absl::StatusOr<std::vector<std::string>> conflicts =
        Conflicts(d, *t, row, pk, "", &what, &conflict_constraints);
    if (!conflicts.ok()) return conflicts.status();
    if (!conflicts->empty()) {
      if (st.or_action == ast::ConflictAction::kIgnore) continue;
      // The first ON CONFLICT clause whose target names a constraint the
      // row collides on (one without a target names any), and that
      // collision's row, as SQLite picks them; none: the UNIQUE error.
      const ast::InsertStatement::Upsert* upsert = nullptr;
      size_t collision = 0;
      for (const ast::InsertStatement::Upsert& u : st.upserts) {
        for (size_t c = 0; c < conflicts->size() && upsert == nullptr; ++c) {
          if (u.conflict_target.empty() ||
              TargetNames(*t, u.conflict_target, *conflict_constraints[c])) {
            upsert = &u;
            collision = c;
          }
        }
        if (upsert != nullptr) break;
      }
      if (upsert == nullptr && !st.upserts.empty()) {
        return Constraint("UNIQUE", IndexTarget(*t, *conflict_constraints.front()));
      }
      if (upsert != nullptr && upsert->do_nothing) continue;
      if (upsert != nullptr) {
        // ON CONFLICT DO UPDATE: update the existing row instead.
        const std::string& key = (*conflicts)[collision];
        absl::StatusOr<std::optional<std::string>> raw = d.txn->Get(key);
        if (!raw.ok()) return raw.status();
        if (!raw->has_value()) return absl::InternalError("conflicting row vanished");
        Row old_row;
        if (absl::Status s = catalog::DecodeRow(*t, key, **raw, &old_row); !s.ok()) return s;
        Row both = old_row;
        both.insert(both.end(), row.begin(), row.end());
        exec::ExecContext ctx;
        InitContext(d, &ctx);
        if (upsert->do_update_where) {
          absl::StatusOr<planner::BoundPtr> w = binder.BindUpsertExpr(*upsert->do_update_where, *t);
          if (!w.ok()) return w.status();
          absl::StatusOr<Value> keep = exec::Evaluate(**w, both, &ctx);
          if (!keep.ok()) return keep.status();
          if (!function::Truth(*keep).value_or(false)) continue;
        }
        Row updated = old_row;
        std::vector<int> changed;
        for (const ast::Assignment& a : upsert->do_update) {
          int pos = t->ColumnIndex(a.column);
          changed.push_back(pos);
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
        // The update fires UPDATE triggers, as an UPDATE would.
        if (absl::Status f = Fire(d, *triggers, *t, ast::TriggerEvent::kUpdate,
                                  ast::TriggerTiming::kBefore, &updated, &old_row, changed);
            !f.ok()) {
          if (RaisedIgnore(f)) continue;
          return f;
        }
        if (absl::Status s = DeleteRowEntries(d.txn, *t, old_row); !s.ok()) return s;
        std::string again;
        absl::StatusOr<std::vector<std::string>> c2 = PrepareUpdatedRow(d, *t, &updated, &again);
        if (!c2.ok()) return c2.status();
        if (!c2->empty()) return Constraint("UNIQUE", again);
        if (absl::Status s = PutRowEntries(d.txn, *t, updated); !s.ok()) return s;
        if (absl::Status s = ParentRowChanged(d, *parent_fks, old_row, &updated); !s.ok()) return s;
        ChildRowWritten(d, *child_fks, updated, &old_row);
        ++rs.rows_affected;
        returning.Add(updated);
        if (absl::Status f = Fire(d, *triggers, *t, ast::TriggerEvent::kUpdate,
                                  ast::TriggerTiming::kAfter, &updated, &old_row, changed);
            !f.ok() && !RaisedIgnore(f)) {
          return f;
        }
        continue;
      }
      if (st.or_action != ast::ConflictAction::kReplace) {
        return Constraint("UNIQUE", what);
      }
      if (absl::Status s = DeleteReplaced(d, *t, *conflicts, *parent_fks); !s.ok()) return s;
    }
    if (absl::Status s = PutRowEntries(d.txn, *t, row, pk, &value_scratch); !s.ok()) return s;
    ChildRowWritten(d, *child_fks, row, nullptr);
    d.last_insert_key.assign(pk);
    note_rowid(row);
    ++rs.rows_affected;
    returning.Add(row);
    if (absl::Status f = Fire(d, *triggers, *t, ast::TriggerEvent::kInsert,
                              ast::TriggerTiming::kAfter, &row, nullptr, {});
        !f.ok() && !RaisedIgnore(f)) {
      return f;
    }
  }
  d.inserted_table = t->id;
  if (absl::Status s = returning.Finish(); !s.ok()) return s;
  return rs;
}

// The table `name` and its triggers, from the session's cache when it
// holds them for this snapshot's schema version.
namespace {

// View `name` as a table of its columns (untyped, without keys), for DML
// on it (ViewDml); nullopt when there is no such view.
absl::StatusOr<std::optional<TableDescriptor>> ViewAsTable(Dml& d, const std::string& name) {
  absl::StatusOr<std::optional<catalog::SchemaObject>> obj = catalog::LookupObject(d.txn, name);
  if (!obj.ok()) return obj.status();
  if (!obj->has_value() || !(*obj)->view.has_value()) return std::optional<TableDescriptor>();
  const std::string view_name = (*obj)->view->name;
  absl::StatusOr<ast::StatementPtr> parsed = SelectAllFrom(view_name);
  if (!parsed.ok()) return parsed.status();
  planner::Binder binder = NewBinder(d);
  absl::StatusOr<planner::LogicalPtr> plan =
      binder.BindSelect(*static_cast<const ast::SelectStatement&>(**parsed).select);
  if (!plan.ok()) return plan.status();
  TableDescriptor v;
  v.name = view_name;
  for (const std::string& c : (*plan)->column_names) {
    catalog::ColumnDescriptor col;
    col.id = static_cast<uint32_t>(v.columns.size() + 1);
    col.name = c;
    v.columns.push_back(std::move(col));
  }
  return std::optional<TableDescriptor>(std::move(v));
}

}  // namespace

absl::StatusOr<TableInfo> LoadTable(Dml& d, const std::string& name) {
  const bool cacheable = d.tables != nullptr;
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
  bool is_view = false;
  if (absl::IsNotFound(t.status())) {
    absl::StatusOr<std::optional<TableDescriptor>> view = ViewAsTable(d, name);
    if (!view.ok()) return view.status();
    if (view->has_value()) {
      t = **std::move(view);
      is_view = true;
    }
  }
  if (!t.ok()) return t.status();
  absl::StatusOr<std::vector<Trigger>> triggers = LoadTriggers(d, *t);
  if (!triggers.ok()) return triggers.status();
  TableInfo info{std::make_shared<const TableDescriptor>(*std::move(t)),
                 std::make_shared<const std::vector<Trigger>>(*std::move(triggers)), is_view};
  if (cacheable) d.tables->Put(name, d.schema_version, info);
  return info;
}

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

}  // namespace tessera::session

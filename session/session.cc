#include "session/session.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include <unistd.h>

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
  return c.type == Type::kText || c.type == Type::kNull || c.type == Type::kNumeric;
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

// A new column of `t` as `c` declares it: the next column id, its name,
// type, collation and NOT NULL (a key's implied NOT NULL, default and
// generated expression are the caller's).
catalog::ColumnDescriptor NewColumn(TableDescriptor* t, const ast::ColumnDef& c) {
  catalog::ColumnDescriptor cd;
  cd.id = t->next_column_id++;
  cd.name = c.name;
  cd.type = c.type;
  // ANY is STRICT tables' untyped column; elsewhere it is a name like any
  // other, of NUMERIC affinity (SQLite's rule 5).
  if (!t->strict && absl::EqualsIgnoreCase(c.type_text, "any")) cd.type = Type::kNumeric;
  cd.declared_type = c.type_text;
  if (!c.collation.empty()) cd.collation = *CollationNamed(c.collation);
  cd.nullable = !c.not_null;
  return cd;
}

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
  t.strict = st.strict;
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
    catalog::ColumnDescriptor cd = NewColumn(&t, c);
    cd.nullable = cd.nullable && !c.primary_key;
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
                         absl::FunctionRef<absl::Status(Row*)> change) {
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
    if (absl::Status c = change(&row); !c.ok()) return c;
    d.txn->Put(k, catalog::EncodeRowValue(t, row));
  }
  return absl::OkStatus();
}

// ALTER TABLE t ADD COLUMN c ... AS (expr) [VIRTUAL]: as in SQLite, only
// a VIRTUAL one. Tessera stores generated values, so every existing row
// gets its value now (and NOT NULL is checked on each).
absl::StatusOr<ResultSet> AddGeneratedColumn(Dml& d, TableDescriptor t,
                                             const ast::ColumnDef& column) {
  if (column.generated_stored) return absl::InvalidArgumentError("cannot add a STORED column");
  if (column.default_value) {
    return absl::InvalidArgumentError("cannot use DEFAULT on a generated column");
  }
  if (t.columns.size() >= parser::kMaxTableColumns) {
    return parser::StatementTooComplex(
        absl::StrCat("more than ", parser::kMaxTableColumns, " columns in a table"));
  }
  catalog::ColumnDescriptor cd = NewColumn(&t, column);
  cd.generated_sql = ast::ToSql(*column.generated);
  const TableDescriptor before = t;
  t.columns.push_back(cd);
  planner::Binder binder = NewBinder(d);
  if (absl::Status s = CheckGeneratedColumns(binder, t); !s.ok()) return s;
  absl::StatusOr<ast::ExprPtr> expr = parser::ParseExpression(cd.generated_sql);
  if (!expr.ok()) return expr.status();
  absl::Status s = RewriteRows(d, before, t, [&](Row* row) -> absl::Status {
    row->push_back(Value());
    absl::StatusOr<Value> v = EvalConst(d, binder, **expr, &t, row);
    if (!v.ok()) return v.status();
    if (!v->is_null() && cd.type != Type::kNull && v->type() != cd.type) {
      v = Coerce(*v, cd, t.name);
      if (!v.ok()) return v.status();
    }
    if (v->is_null() && !cd.nullable) {
      return Constraint("NOT NULL", absl::StrCat(t.name, ".", cd.name));
    }
    row->back() = *std::move(v);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  catalog::SchemaObject obj;
  obj.table = t;
  if (absl::Status p = catalog::PutObject(d.txn, t.name, obj, false); !p.ok()) return p;
  return ResultSet();
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
  if (absl::Status s = RewriteRows(d, before, *t,
                                   [&](Row* row) {
                                     row->erase(row->begin() + pos);
                                     return absl::OkStatus();
                                   });
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
    if (ix.unique && !ix.HasExpressions()) {
      for (const Row& twin : KeyTwinRows(t, ix.column_ids, r)) {
        if (seen.contains(catalog::IndexEntryKey(t, ix, twin))) {
          return Constraint("UNIQUE", IndexTarget(t, ix));
        }
      }
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

// Drops the triggers of table or view `name`, which go with it.
absl::Status DropTriggersOn(Dml& d, const std::string& name) {
  absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
      catalog::ListObjects(d.txn);
  if (!all.ok()) return all.status();
  for (auto& [object, o] : *all) {
    if (o.trigger.has_value() && absl::EqualsIgnoreCase(o.trigger->table, name)) {
      if (absl::Status s = catalog::DeleteObject(d.txn, object); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
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
      if (absl::Status dt = DropTriggersOn(d, t.name); !dt.ok()) return dt;
      break;
    }
    case ast::ObjectKind::kView:
      if (absl::Status dt = DropTriggersOn(d, (*obj)->view->name); !dt.ok()) return dt;
      break;
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
        case Type::kNumeric: col += " NUMERIC"; break;
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

}  // namespace

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

namespace {

// The SQL type name PRAGMA table_info shows: as declared (the names a
// STRICT table takes in upper case, as SQLite 3.37+ shows them), else its
// strict type.
std::string ColumnTypeName(const catalog::ColumnDescriptor& c) {
  if (!c.declared_type.empty()) {
    for (const char* strict : {"INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"}) {
      if (absl::EqualsIgnoreCase(c.declared_type, strict)) return strict;
    }
    return c.declared_type;
  }
  return c.type == Type::kNull ? "" : std::string(TypeName(c.type));
}

// PRAGMA: the settings and schema queries of SQLite that mean something
// here; any other pragma is ignored (no rows), as SQLite ignores the ones
// it does not know, so scripts written for SQLite (its .dump starts with
// PRAGMA foreign_keys=OFF) run.
// PRAGMA integrity_check / quick_check: the data file's structure, then
// (integrity_check) every table's rows against its indexes, as SQLite's
// checks them: each row has its entries, and each index has no others.
// One row per problem (at most 100), or one "ok".
absl::StatusOr<ResultSet> IntegrityCheck(txn::Txn* txn, Database* db, bool quick) {
  ResultSet rs;
  rs.has_rows = true;
  rs.columns = {quick ? "quick_check" : "integrity_check"};
  std::vector<std::string> problems;
  constexpr size_t kMaxProblems = 100;
  if (absl::Status s = db->VerifyStoreFile(); !s.ok()) {
    if (!absl::IsDataLoss(s)) return s;
    problems.push_back(std::string(s.message()));
  }
  if (!quick && problems.empty()) {
    absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
        catalog::ListObjects(txn);
    if (!all.ok()) return all.status();
    for (const auto& [name, o] : *all) {
      if (!o.table.has_value() || problems.size() >= kMaxProblems) continue;
      const TableDescriptor& t = *o.table;
      // The rows in chunks (a table may not fit in memory), each checked
      // against every index as it comes.
      constexpr size_t kChunk = 1024;
      std::vector<int64_t> expected(t.indexes.size(), 0);
      const std::string table_prefix = catalog::IndexPrefix(t.id, t.primary.id);
      const std::string table_end = PrefixEnd(table_prefix);
      const catalog::RowDecoder decoder(t);
      std::string from = table_prefix;
      int64_t row_number = 0;
      while (problems.size() < kMaxProblems) {
        std::vector<Row> chunk;
        std::string last;
        absl::Status decode;
        absl::Status s = txn->Scan(
            from, table_end, false,
            [&](absl::string_view k, absl::string_view v) {
              Row r;
              decode = decoder.Decode(k, v, &r);
              if (!decode.ok()) return false;
              chunk.push_back(std::move(r));
              last.assign(k.data(), k.size());
              return true;
            },
            kChunk);
        if (!s.ok()) return s;
        if (!decode.ok()) {
          problems.push_back(absl::StrCat("row ", row_number + chunk.size() + 1, " of table ",
                                          t.name, ": ", decode.message()));
          break;
        }
        for (const Row& row : chunk) {
          ++row_number;
          absl::Status each = ForEachIndexEntry(
              txn, t, row,
              [&](const catalog::IndexDescriptor& ix, const std::string& key) -> absl::Status {
                ++expected[&ix - t.indexes.data()];
                absl::StatusOr<std::optional<std::string>> entry = txn->Get(key);
                if (!entry.ok()) return entry.status();
                if (!entry->has_value() && problems.size() < kMaxProblems) {
                  problems.push_back(absl::StrCat("row ", row_number, " of table ", t.name,
                                                  " missing from index ", ix.name));
                }
                return absl::OkStatus();
              });
          if (!each.ok()) return each;
        }
        if (chunk.size() < kChunk) break;
        from = last;
        from.push_back('\0');  // the next key after the last one read
      }
      for (size_t i = 0; i < t.indexes.size(); ++i) {
        const catalog::IndexDescriptor& ix = t.indexes[i];
        const int64_t expected_entries = expected[i];
        int64_t entries = 0;
        const std::string prefix = catalog::IndexPrefix(t.id, ix.id);
        absl::Status s = txn->Scan(prefix, PrefixEnd(prefix), false,
                                   [&](absl::string_view, absl::string_view) {
                                     ++entries;
                                     return true;
                                   });
        if (!s.ok()) return s;
        if (entries != expected_entries && problems.size() < kMaxProblems) {
          problems.push_back(absl::StrCat("wrong # of entries in index ", ix.name, ": ", entries,
                                          " for ", expected_entries, " rows"));
        }
      }
    }
  }
  if (problems.empty()) problems.push_back("ok");
  if (problems.size() > kMaxProblems) problems.resize(kMaxProblems);
  for (std::string& p : problems) rs.rows.push_back({Value::Text(std::move(p))});
  return rs;
}

absl::StatusOr<ResultSet> Pragma(txn::Txn* txn, const ast::PragmaStatement& p, Database* db) {
  ResultSet rs;
  // Settings of SQLite's that describe how a store keeps its data: the
  // answer is what Tessera does, and setting one changes nothing (as
  // SQLite answers journal_mode with the mode in effect, which is not
  // always the one asked for).
  auto one = [&](Value v) {
    rs.has_rows = true;
    rs.columns = {p.name};
    rs.rows.push_back({std::move(v)});
    return rs;
  };
  if (p.name == "journal_mode") {
    // LMDB's copy-on-write pages: readers never block the writer nor it
    // them, as in SQLite's WAL mode, and there is no journal file.
    return one(Value::Text("wal"));
  }
  if (p.name == "synchronous") {
    if (p.has_value) return rs;
    return one(Value::Integer(db->durable() ? 2 : 0));  // FULL: each commit is flushed
  }
  if (p.name == "encoding") return one(Value::Text("UTF-8"));
  if (p.name == "page_size") {
    if (p.has_value) return rs;
    return one(Value::Integer(static_cast<int64_t>(sysconf(_SC_PAGESIZE))));  // LMDB's page
  }
  if (p.name == "integrity_check" || p.name == "quick_check") {
    return IntegrityCheck(txn, db, p.name == "quick_check");
  }
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
  if (p.name == "database_list") {
    // One database, the store; TEMP objects live in it too (per session).
    rs.has_rows = true;
    rs.columns = {"seq", "name", "file"};
    rs.rows.push_back({Value::Integer(0), Value::Text("main"), Value::Text(db->dir())});
    return rs;
  }
  absl::StatusOr<std::optional<ResultSet>> schema =
      SchemaPragma(txn, p.name, p.has_value ? &p.value : nullptr);
  if (!schema.ok()) return schema.status();
  if (schema->has_value()) return **std::move(schema);
  return rs;
}

// index_info and index_xinfo of the index called `name` (any table's, a
// UNIQUE constraint's too: those have no catalog object of their own).
absl::Status IndexColumns(txn::Txn* txn, const std::string& name, bool extended, ResultSet* rs) {
  absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> all =
      catalog::ListObjects(txn);
  if (!all.ok()) return all.status();
  for (const auto& [object_name, o] : *all) {
    if (!o.table.has_value()) continue;
    const TableDescriptor& t = *o.table;
    // cid counts the visible columns, as SELECT * shows them; -1 is the
    // rowid.
    auto cid_of = [&](uint32_t id) -> int64_t {
      int64_t cid = 0;
      for (const catalog::ColumnDescriptor& c : t.columns) {
        if (c.id == id) return c.hidden ? -1 : cid;
        if (!c.hidden) ++cid;
      }
      return -1;
    };
    auto add = [&](int64_t seqno, uint32_t id, bool expression, bool descending,
                   Collation collation, bool key) {
      const int pos = t.ColumnIndexById(id);
      Value column_name = expression || pos < 0 || t.columns[pos].hidden
                              ? Value()
                              : Value::Text(t.columns[pos].name);
      Row row = {Value::Integer(seqno), Value::Integer(expression ? -2 : cid_of(id)),
                 std::move(column_name)};
      if (extended) {
        row.push_back(Value::Integer(descending ? 1 : 0));
        row.push_back(Value::Text(CollationName(collation)));
        row.push_back(Value::Integer(key ? 1 : 0));
      }
      rs->rows.push_back(std::move(row));
    };
    for (const catalog::IndexDescriptor& ix : t.indexes) {
      if (!absl::EqualsIgnoreCase(ix.name, name)) continue;
      for (size_t i = 0; i < ix.column_ids.size(); ++i) {
        const bool descending = i < ix.orders.size() && ix.orders[i] == SortOrder::kDescending;
        add(static_cast<int64_t>(i), ix.column_ids[i], ix.IsExpression(i), descending,
            ix.CollationAt(i), true);
      }
      if (!extended) return absl::OkStatus();
      // Then what else an entry holds to find its row, as SQLite lists it:
      // the rowid, or a WITHOUT ROWID table's key columns not in the index.
      int64_t seqno = static_cast<int64_t>(ix.column_ids.size());
      if (!t.without_rowid) {
        rs->rows.push_back({Value::Integer(seqno), Value::Integer(-1), Value(), Value::Integer(0),
                            Value::Text("BINARY"), Value::Integer(0)});
        return absl::OkStatus();
      }
      for (uint32_t id : t.primary.column_ids) {
        if (std::find(ix.column_ids.begin(), ix.column_ids.end(), id) != ix.column_ids.end()) {
          continue;
        }
        const int pos = t.ColumnIndexById(id);
        add(seqno++, id, false, false,
            pos >= 0 ? t.columns[pos].collation : Collation::kBinary, false);
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<ResultSet>> SchemaPragma(txn::Txn* txn, absl::string_view name,
                                                      const std::string* arg) {
  ResultSet rs;
  rs.has_rows = true;
  if (name == "index_list") {
    rs.columns = {"seq", "name", "unique", "origin", "partial"};
    if (arg == nullptr) return rs;
    absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, *arg);
    if (absl::IsNotFound(t.status())) return rs;
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
  if (name == "index_info" || name == "index_xinfo") {
    const bool extended = name == "index_xinfo";
    rs.columns = {"seqno", "cid", "name"};
    if (extended) {
      for (const char* c : {"desc", "coll", "key"}) rs.columns.push_back(c);
    }
    if (arg == nullptr) return rs;
    if (absl::Status s = IndexColumns(txn, *arg, extended, &rs); !s.ok()) return s;
    return rs;
  }
  if (name == "foreign_key_list") {
    rs.columns = {"id", "seq", "table", "from", "to", "on_update", "on_delete", "match"};
    if (arg == nullptr) return rs;
    absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, *arg);
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
  if (name == "table_info" || name == "table_xinfo") {
    // table_xinfo also lists generated columns, with `hidden` 2 (VIRTUAL)
    // or 3 (STORED), as SQLite does; table_info leaves them out.
    const bool extended = name == "table_xinfo";
    rs.columns = {"cid", "name", "type", "notnull", "dflt_value", "pk"};
    if (extended) rs.columns.push_back("hidden");
    if (arg == nullptr) return rs;
    absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, *arg);
    if (absl::IsNotFound(t.status())) return rs;  // as SQLite: no rows
    if (!t.ok()) return t.status();
    int cid = 0;
    for (const catalog::ColumnDescriptor& c : t->columns) {
      const bool generated = !c.generated_sql.empty();
      if (c.hidden || (generated && !extended)) continue;
      const std::vector<uint32_t>& key =
          t->key_is_first_index ? t->indexes[0].column_ids : t->primary.column_ids;
      const auto in_key = std::find(key.begin(), key.end(), c.id);
      const int64_t pk = in_key == key.end() ? 0 : in_key - key.begin() + 1;
      Row row = {Value::Integer(cid++), Value::Text(c.name), Value::Text(ColumnTypeName(c)),
                 Value::Integer(c.nullable ? 0 : 1),
                 c.default_sql.empty() ? Value() : Value::Text(c.default_sql),
                 Value::Integer(pk)};
      if (extended) row.push_back(Value::Integer(!generated ? 0 : c.generated_stored ? 3 : 2));
      rs.rows.push_back(std::move(row));
    }
    return rs;
  }
  return std::optional<ResultSet>();
}

absl::StatusOr<std::vector<Row>> PragmaFunctionRows(txn::Txn* txn, absl::string_view name,
                                                    const Value& arg) {
  if (arg.is_null()) return std::vector<Row>();
  const std::string text = function::RenderText(arg);
  absl::StatusOr<std::optional<ResultSet>> rs = SchemaPragma(txn, name, &text);
  if (!rs.ok()) return rs.status();
  if (!rs->has_value()) return absl::InternalError(absl::StrCat("no schema pragma ", name));
  return std::move((*rs)->rows);
}

namespace {

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



std::string SqlState(const absl::Status& status) {
  if (status.ok()) return "00000";
  absl::string_view m = status.message();
  if (HasErrorKind(status, ErrorKind::kTooComplex)) return "54001";
  // RAISE(ABORT | FAIL | ROLLBACK, message) in a trigger: as PostgreSQL's
  // RAISE EXCEPTION (raise_exception).
  if (HasErrorKind(status, ErrorKind::kRaise)) return "P0001";
  // A snapshot older than GC's threshold: retry the transaction. (An
  // explicit transaction is pinned; an implicit one is run again by the
  // session, so this reaches a client only when those retries run out.)
  if (HasErrorKind(status, ErrorKind::kReadBelowGc)) return "40001";
  if (parser::GetSyntaxError(status).has_value()) return "42601";
  // The messages people meet, by the standard's classes.
  struct Prefix {
    const char* text;
    const char* state;
  };
  static constexpr Prefix kByPrefix[] = {
      {"no such table-valued function", "42883"},     // undefined_function
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
      {"ON CONFLICT clause does not match", "42P10"},  // invalid_column_reference
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
      {"PRAGMA defer_foreign_keys takes", "22023"},
      {"foreign key mismatch", "42830"},              // invalid_foreign_key
      {"too many levels of foreign key", "54001"},    // statement_too_complex
      {"too many levels of trigger recursion", "54001"},
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
      {"cannot VACUUM from within a transaction", "25001"},
      {"output file already exists", "58P02"},        // duplicate_file
      {"statement not supported", "0A000"},           // feature_not_supported
      {"no value bound for parameter", "07002"},      // ODBC: COUNT field incorrect
      {"ESCAPE expression must be", "22025"},         // invalid_escape_sequence
      {"cannot add a", "0A000"},
      {"misuse of window function", "42P20"},        // windowing_error
      {"FILTER clause may only be used", "42P20"},
      {"FILTER may not be used", "42809"},            // wrong_object_type
      {"cannot modify ", "42809"},                    // ... because it is a view
      {"RAISE() may only be used", "42601"},          // a parse error in SQLite
      {"row value misused", "42601"},                 // as PostgreSQL's unequal row sizes
      {"cannot UPSERT a view", "42809"},
      {"cannot create BEFORE trigger on view", "42809"},
      {"cannot create AFTER trigger on view", "42809"},
      {"cannot create INSTEAD OF trigger on table", "42809"},
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
  // "table t has no column named x" (an INSERT's column list)
  if (absl::StartsWith(m, "table ") && absl::StrContains(m, " has no column named ")) return "42703";
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
    case absl::StatusCode::kUnimplemented:
      return "0A000";  // feature_not_supported
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
    case ast::StatementKind::kVacuum: {
      // Outside a transaction, as in SQLite: it works on the store, not in
      // a snapshot of it.
      if (txn_ != nullptr) {
        return absl::FailedPreconditionError("cannot VACUUM from within a transaction");
      }
      const std::string& into = static_cast<const ast::VacuumStatement&>(st).into;
      if (!into.empty()) {
        if (absl::Status s = db_->CopyTo(into); !s.ok()) return s;
        return ResultSet();
      }
      // Every version no reader can see goes now; open transactions keep
      // what their snapshots read.
      absl::StatusOr<storage::GcStats> gc = db_->CollectGarbage(absl::ZeroDuration());
      if (!gc.ok()) return gc.status();
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
      EndTransaction();
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
    if (std::optional<ErrorDetail> raised = GetErrorDetail(r.status());
        raised.has_value() && raised->kind == ErrorKind::kRaise && raised->bytes == "rollback") {
      // RAISE(ROLLBACK, ...): the whole transaction goes.
      txn_->Rollback();
      EndTransaction();
    }
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
  // An implicit transaction, retried on serialization failures. Its
  // snapshot is not pinned against GC: should a pass (a VACUUM) overtake
  // it, it runs again on a new one, as after a conflict. Nothing of it has
  // reached the client before it commits.
  absl::StatusOr<ResultSet> result;
  for (int attempt = 0; attempt < kMaxRetries; ++attempt) {
    uint64_t schema_version = 0;
    absl::StatusOr<std::unique_ptr<txn::Txn>> t =
        db_->Begin(&schema_version, /*pin_snapshot=*/false);
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
    if (result.ok() || (result.status().code() != absl::StatusCode::kAborted &&
                        !HasErrorKind(result.status(), ErrorKind::kReadBelowGc))) {
      break;
    }
  }
  if (result.ok()) NoteChanges(st, *result);
  // The statement's own transaction has ended (a PRAGMA opens none).
  if (st.kind != ast::StatementKind::kPragma) defer_foreign_keys_ = false;
  return result;
}

absl::StatusOr<ResultSet> Session::ForeignKeysPragma(const ast::PragmaStatement& p) {
  ResultSet rs;
  const bool defer = p.name == "defer_foreign_keys";
  bool& setting = defer ? defer_foreign_keys_ : foreign_keys_;
  if (!p.has_value) {
    rs.has_rows = true;
    rs.columns = {p.name};
    rs.rows.push_back({Value::Integer(setting ? 1 : 0)});
    return rs;
  }
  const std::string v = absl::AsciiStrToLower(p.value);
  const bool on = v == "1" || v == "on" || v == "true" || v == "yes";
  if (!on && v != "0" && v != "off" && v != "false" && v != "no") {
    return absl::InvalidArgumentError(
        absl::StrCat("PRAGMA ", p.name, " takes ON or OFF, not ", p.value));
  }
  // As in SQLite, foreign_keys does not change inside a transaction;
  // defer_foreign_keys does, for the rest of it.
  if (defer || txn_ == nullptr) setting = on;
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
  EndTransaction();
  return s;
}

void Session::EndTransaction() {
  txn_.reset();
  savepoints_.clear();
  deferred_foreign_keys_.clear();
  defer_foreign_keys_ = false;
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
      (static_cast<const ast::PragmaStatement&>(st).name == "foreign_keys" ||
       static_cast<const ast::PragmaStatement&>(st).name == "defer_foreign_keys")) {
    return ForeignKeysPragma(static_cast<const ast::PragmaStatement&>(st));
  }
  // Foreign keys: checked at the statement's end; deferred ones at COMMIT
  // (at once in an implicit transaction, which commits now).
  ForeignKeyState foreign_keys;
  if (foreign_keys_) {
    foreign_keys.deferred = txn_ != nullptr ? &deferred_foreign_keys_ : nullptr;
    foreign_keys.defer_all = defer_foreign_keys_;
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
      // On a table: BEFORE or AFTER. On a view: INSTEAD OF only, which is
      // what INSERT, UPDATE and DELETE on it run (ViewDml).
      std::string target;
      bool target_temp = false;
      absl::StatusOr<TableDescriptor> t = catalog::GetTable(txn, tr.table);
      if (t.ok()) {
        if (tr.timing == ast::TriggerTiming::kInsteadOf) {
          return absl::InvalidArgumentError(
              absl::StrCat("cannot create INSTEAD OF trigger on table: ", t->name));
        }
        target = t->name;
        target_temp = t->temp;
      } else {
        if (!absl::IsNotFound(t.status())) return t.status();
        absl::StatusOr<std::optional<catalog::SchemaObject>> view = catalog::LookupObject(txn, tr.table);
        if (!view.ok()) return view.status();
        if (!view->has_value() || !(*view)->view.has_value()) return t.status();
        if (tr.timing != ast::TriggerTiming::kInsteadOf) {
          return absl::InvalidArgumentError(
              absl::StrCat("cannot create ", tr.timing == ast::TriggerTiming::kBefore ? "BEFORE" : "AFTER",
                           " trigger on view: ", (*view)->view->name));
        }
        target = (*view)->view->name;
        target_temp = (*view)->temp;
      }
      catalog::SchemaObject obj;
      obj.trigger = catalog::TriggerDescriptor{tr.trigger, target, tr.full_text,
                                               static_cast<uint64_t>(db_->clock()->Now().AsInt64())};
      // A trigger on a TEMP table or view is TEMP too, as in SQLite.
      obj.temp = tr.temp || target_temp;
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
      return Pragma(txn, static_cast<const ast::PragmaStatement&>(st), db_);
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
      if (add.column.generated) return AddGeneratedColumn(d, *t, add.column);
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
      catalog::ColumnDescriptor cd = NewColumn(&*t, add.column);
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
        absl::Status s = RewriteRows(d, before, *t, [&](Row* row) {
          row->push_back(fill);
          return absl::OkStatus();
        });
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

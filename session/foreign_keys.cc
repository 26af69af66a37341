#include "session/foreign_keys.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catalog/catalog.h"
#include "function/value_ops.h"
#include "parser/parser.h"

namespace tessera::session {

namespace {

absl::Status ForeignKeyFailed() {
  return absl::FailedPreconditionError("FOREIGN KEY constraint failed");
}

absl::Status ForeignKeyMismatch(const TableDescriptor& child, absl::string_view parent) {
  return absl::InvalidArgumentError(
      absl::StrCat("foreign key mismatch - \"", child.name, "\" referencing \"", parent, "\""));
}

// Foreign key `index` of `child`. Errors as SQLite's: the parent must
// exist, and its key columns (the named ones, else its PRIMARY KEY) must be
// its PRIMARY KEY or a UNIQUE key, else "foreign key mismatch".
absl::StatusOr<ForeignKey> ResolveForeignKey(Dml& d, std::shared_ptr<const TableDescriptor> child,
                                             size_t index) {
  const catalog::ForeignKeyDescriptor& desc = child->foreign_keys[index];
  absl::StatusOr<ast::ForeignKeyDef> def = parser::ParseForeignKeyClause(desc.references);
  if (!def.ok()) return def.status();
  ForeignKey fk;
  fk.index = index;
  fk.def = *std::move(def);
  fk.child = child;
  if (absl::EqualsIgnoreCase(fk.def.ref_table, child->name)) {
    fk.parent = child;
  } else {
    absl::StatusOr<TableInfo> parent = LoadTable(d, fk.def.ref_table);
    if (!parent.ok()) return parent.status();
    fk.parent = parent->table;
  }
  const TableDescriptor& p = *fk.parent;
  std::vector<uint32_t> key_ids;
  if (fk.def.ref_columns.empty() && p.key_is_first_index) {
    key_ids = p.indexes[0].column_ids;  // a PRIMARY KEY kept as a UNIQUE key
  } else if (fk.def.ref_columns.empty()) {
    // The parent's PRIMARY KEY, which a hidden rowid is not.
    for (uint32_t id : p.primary.column_ids) {
      if (p.columns[p.ColumnIndexById(id)].hidden) return ForeignKeyMismatch(*child, p.name);
      key_ids.push_back(id);
    }
  } else {
    for (const std::string& name : fk.def.ref_columns) {
      const int pos = p.ColumnIndex(name);
      if (pos < 0) return ForeignKeyMismatch(*child, p.name);
      key_ids.push_back(p.columns[pos].id);
    }
  }
  if (key_ids.size() != desc.column_ids.size()) return ForeignKeyMismatch(*child, p.name);
  auto same_set = [&](const std::vector<uint32_t>& ids) {
    return ids.size() == key_ids.size() &&
           std::is_permutation(ids.begin(), ids.end(), key_ids.begin());
  };
  bool unique = same_set(p.primary.column_ids);
  for (const catalog::IndexDescriptor& ix : p.indexes) {
    unique = unique || (ix.unique && ix.where_sql.empty() && same_set(ix.column_ids));
  }
  if (!unique) return ForeignKeyMismatch(*child, p.name);
  for (size_t i = 0; i < key_ids.size(); ++i) {
    fk.parent_columns.push_back(p.ColumnIndexById(key_ids[i]));
    fk.child_columns.push_back(child->ColumnIndexById(desc.column_ids[i]));
  }
  return fk;
}

// Whether `columns` (positions in `t`) meet `changed` (null: every column).
bool Touches(const std::vector<int>* changed, const std::vector<int>& columns) {
  if (changed == nullptr) return true;
  for (int c : columns) {
    if (std::find(changed->begin(), changed->end(), c) != changed->end()) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<ForeignKey>> ChildForeignKeys(
    Dml& d, const std::shared_ptr<const TableDescriptor>& child, const std::vector<int>* changed) {
  std::vector<ForeignKey> out;
  if (d.foreign_keys == nullptr) return out;
  for (size_t i = 0; i < child->foreign_keys.size(); ++i) {
    std::vector<int> columns;
    for (uint32_t id : child->foreign_keys[i].column_ids) columns.push_back(child->ColumnIndexById(id));
    if (!Touches(changed, columns)) continue;
    absl::StatusOr<ForeignKey> fk = ResolveForeignKey(d, child, i);
    if (!fk.ok()) return fk.status();
    out.push_back(*std::move(fk));
  }
  return out;
}

absl::StatusOr<std::vector<ForeignKey>> ParentForeignKeys(Dml& d, const TableDescriptor& parent,
                                                          const std::vector<int>* changed) {
  std::vector<ForeignKey> out;
  if (d.foreign_keys == nullptr) return out;
  absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> objects =
      catalog::ListObjects(d.txn);
  if (!objects.ok()) return objects.status();
  for (auto& [name, object] : *objects) {
    if (!object.table.has_value() || object.table->foreign_keys.empty()) continue;
    std::shared_ptr<const TableDescriptor> child;
    for (size_t i = 0; i < object.table->foreign_keys.size(); ++i) {
      absl::StatusOr<ast::ForeignKeyDef> def =
          parser::ParseForeignKeyClause(object.table->foreign_keys[i].references);
      if (!def.ok()) return def.status();
      if (!absl::EqualsIgnoreCase(def->ref_table, parent.name)) continue;
      if (changed != nullptr) {
        // Only keys on columns the statement assigns (the primary key's
        // when the clause names none).
        std::vector<int> columns;
        for (const std::string& name : def->ref_columns) columns.push_back(parent.ColumnIndex(name));
        if (def->ref_columns.empty()) {
          const std::vector<uint32_t>& key = parent.key_is_first_index
                                                 ? parent.indexes[0].column_ids
                                                 : parent.primary.column_ids;
          for (uint32_t id : key) columns.push_back(parent.ColumnIndexById(id));
        }
        if (!Touches(changed, columns)) continue;
      }
      if (child == nullptr) child = std::make_shared<const TableDescriptor>(*object.table);
      absl::StatusOr<ForeignKey> fk = ResolveForeignKey(d, child, i);
      if (!fk.ok()) return fk.status();
      out.push_back(*std::move(fk));
    }
  }
  return out;
}

namespace {

// The values of `columns` in `row`; false when one is NULL (a key with a
// NULL matches nothing and is never checked, as in SQLite).
bool KeyValues(const Row& row, const std::vector<int>& columns, std::vector<Value>* out) {
  out->clear();
  for (int c : columns) {
    if (row[c].is_null()) return false;
    out->push_back(row[c]);
  }
  return true;
}

// "c1 = ?1 AND c2 = ?2": the key columns of `t` at `columns`, against
// parameters from `first`.
std::string KeyMatchSql(const TableDescriptor& t, const std::vector<int>& columns, int first) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < columns.size(); ++i) {
    parts.push_back(absl::StrCat(parser::SqlIdentifier(t.columns[columns[i]].name), " = ?",
                                 first + static_cast<int>(i)));
  }
  return absl::StrJoin(parts, " AND ");
}

// A statement the foreign key machinery runs in `d`'s transaction: not in
// a trigger body, with `params`.
absl::StatusOr<ResultSet> RunNested(Dml& d, const std::string& sql,
                                    const std::vector<Value>& params) {
  absl::StatusOr<ast::StatementPtr> st = parser::ParseOne(sql);
  if (!st.ok()) return st.status();
  Dml nested = d;
  nested.params = &params;
  nested.trigger_row = nullptr;
  nested.trigger_table = nullptr;
  nested.unique_at_commit = nullptr;
  nested.last_rowid = std::nullopt;
  return RunDml(nested, **st);
}

// Whether some row of `t` holds `values` in `columns`.
absl::StatusOr<bool> KeyPresent(Dml& d, const TableDescriptor& t, const std::vector<int>& columns,
                                const std::vector<Value>& values) {
  absl::StatusOr<ResultSet> r =
      RunNested(d, absl::StrCat("SELECT 1 FROM ", parser::SqlIdentifier(t.name), " WHERE ",
                                KeyMatchSql(t, columns, 1), " LIMIT 1"),
                values);
  if (!r.ok()) return r.status();
  return !r->rows.empty();
}

void RecordForeignKeyCheck(Dml& d, const ForeignKey& fk, std::vector<Value> values) {
  ForeignKeyCheck check{fk.child->name, fk.index, std::move(values)};
  if ((fk.def.deferred || d.foreign_keys->defer_all) && d.foreign_keys->deferred != nullptr) {
    d.foreign_keys->deferred->push_back(std::move(check));
  } else {
    d.foreign_keys->immediate.push_back(std::move(check));
  }
}

}  // namespace

void ChildRowWritten(Dml& d, const std::vector<ForeignKey>& fks, const Row& row,
                     const Row* old_row) {
  std::vector<Value> values, before;
  for (const ForeignKey& fk : fks) {
    if (!KeyValues(row, fk.child_columns, &values)) continue;
    if (old_row != nullptr && KeyValues(*old_row, fk.child_columns, &before) &&
        std::equal(values.begin(), values.end(), before.begin(), [](const Value& a, const Value& b) {
          return !function::IsDistinctFrom(a, b);
        })) {
      continue;
    }
    RecordForeignKeyCheck(d, fk, values);
  }
}

absl::Status ParentRowChanged(Dml& d, const std::vector<ForeignKey>& fks, const Row& old_row,
                              const Row* new_row) {
  std::vector<Value> old_key, new_key;
  for (const ForeignKey& fk : fks) {
    if (!KeyValues(old_row, fk.parent_columns, &old_key)) continue;
    const bool has_new = new_row != nullptr && KeyValues(*new_row, fk.parent_columns, &new_key);
    if (new_row != nullptr && has_new &&
        std::equal(old_key.begin(), old_key.end(), new_key.begin(),
                   [](const Value& a, const Value& b) { return !function::IsDistinctFrom(a, b); })) {
      continue;  // the key did not change
    }
    const std::string& action = new_row == nullptr ? fk.def.on_delete : fk.def.on_update;
    const TableDescriptor& child = *fk.child;
    const std::string where = KeyMatchSql(child, fk.child_columns, 1);
    if (action == "RESTRICT") {
      absl::StatusOr<bool> held = KeyPresent(d, child, fk.child_columns, old_key);
      if (!held.ok()) return held.status();
      if (*held) return ForeignKeyFailed();
      continue;
    }
    std::string sql;
    std::vector<Value> params = old_key;
    if (action == "CASCADE" && new_row == nullptr) {
      sql = absl::StrCat("DELETE FROM ", parser::SqlIdentifier(child.name), " WHERE ", where);
    } else if (action == "CASCADE" || action == "SET NULL" || action == "SET DEFAULT") {
      std::vector<std::string> sets;
      for (size_t i = 0; i < fk.child_columns.size(); ++i) {
        const catalog::ColumnDescriptor& c = child.columns[fk.child_columns[i]];
        std::string value;
        if (action == "CASCADE") {
          // A NULL new key: the children's key becomes NULL too.
          value = absl::StrCat("?", old_key.size() + i + 1);
          params.push_back(has_new ? new_key[i] : (*new_row)[fk.parent_columns[i]]);
        } else if (action == "SET NULL" || c.default_sql.empty()) {
          value = "NULL";
        } else {
          value = absl::StrCat("(", c.default_sql, ")");
        }
        sets.push_back(absl::StrCat(parser::SqlIdentifier(c.name), " = ", value));
      }
      sql = absl::StrCat("UPDATE ", parser::SqlIdentifier(child.name), " SET ",
                         absl::StrJoin(sets, ", "), " WHERE ", where);
    }
    if (!sql.empty()) {
      if (++d.foreign_keys->depth > 100) {
        return absl::InvalidArgumentError(
            "too many levels of foreign key actions (ON DELETE / ON UPDATE nested over 100 deep)");
      }
      absl::StatusOr<ResultSet> r = RunNested(d, sql, params);
      --d.foreign_keys->depth;
      if (!r.ok()) return r.status();
    }
    // NO ACTION, and after SET DEFAULT (whose default may name no parent).
    RecordForeignKeyCheck(d, fk, old_key);
  }
  return absl::OkStatus();
}

absl::Status CheckForeignKeys(Dml& d, std::vector<ForeignKeyCheck>* checks) {
  absl::flat_hash_set<std::string> seen;
  for (const ForeignKeyCheck& c : *checks) {
    std::string key = absl::StrCat(absl::AsciiStrToLower(c.child), "/", c.index);
    for (const Value& v : c.values) {
      absl::StrAppend(&key, "/", static_cast<int>(v.type()), ":", function::RenderText(v));
    }
    if (!seen.insert(key).second) continue;
    absl::StatusOr<std::optional<catalog::SchemaObject>> object = catalog::LookupObject(d.txn, c.child);
    if (!object.ok()) return object.status();
    if (!object->has_value() || !(*object)->table.has_value() ||
        c.index >= (*object)->table->foreign_keys.size()) {
      continue;
    }
    auto child = std::make_shared<const TableDescriptor>(*(*object)->table);
    absl::StatusOr<ForeignKey> fk = ResolveForeignKey(d, child, c.index);
    if (!fk.ok()) return fk.status();
    absl::StatusOr<bool> held = KeyPresent(d, *child, fk->child_columns, c.values);
    if (!held.ok()) return held.status();
    if (!*held) continue;
    absl::StatusOr<bool> parent = KeyPresent(d, *fk->parent, fk->parent_columns, c.values);
    if (!parent.ok()) return parent.status();
    if (!*parent) return ForeignKeyFailed();
  }
  checks->clear();
  return absl::OkStatus();
}

absl::StatusOr<ResultSet> ForeignKeyCheckPragma(Dml& d, const std::string& table) {
  ResultSet rs;
  rs.has_rows = true;
  rs.columns = {"table", "rowid", "parent", "fkid"};
  std::vector<TableDescriptor> children;
  if (!table.empty()) {
    absl::StatusOr<TableDescriptor> t = catalog::GetTable(d.txn, table);
    if (!t.ok()) return t.status();
    children.push_back(*std::move(t));
  } else {
    absl::StatusOr<std::vector<std::pair<std::string, catalog::SchemaObject>>> objects =
        catalog::ListObjects(d.txn);
    if (!objects.ok()) return objects.status();
    for (auto& [name, object] : *objects) {
      if (object.table.has_value() && !object.table->foreign_keys.empty()) {
        children.push_back(*std::move(object.table));
      }
    }
  }
  const std::vector<Value> no_params;
  for (const TableDescriptor& child : children) {
    // The rowid SQLite reports: an INTEGER primary key or the hidden one.
    std::string rowid = "NULL";
    if (child.primary.column_ids.size() == 1 && !child.without_rowid) {
      const catalog::ColumnDescriptor& k = child.columns[child.ColumnIndexById(child.primary.column_ids[0])];
      if (k.type == Type::kInteger) rowid = absl::StrCat("c.", parser::SqlIdentifier(k.name));
    }
    auto shared = std::make_shared<const TableDescriptor>(child);
    const size_t n = child.foreign_keys.size();
    for (size_t i = 0; i < n; ++i) {
      absl::StatusOr<ast::ForeignKeyDef> def =
          parser::ParseForeignKeyClause(child.foreign_keys[i].references);
      if (!def.ok()) return def.status();
      std::vector<std::string> held;  // the child's key columns are NOT NULL
      for (uint32_t id : child.foreign_keys[i].column_ids) {
        held.push_back(absl::StrCat(
            "c.", parser::SqlIdentifier(child.columns[child.ColumnIndexById(id)].name), " IS NOT NULL"));
      }
      std::string sql = absl::StrCat("SELECT ", rowid, " FROM ", parser::SqlIdentifier(child.name),
                                     " AS c WHERE ", absl::StrJoin(held, " AND "));
      absl::StatusOr<ForeignKey> fk = ResolveForeignKey(d, shared, i);
      if (!fk.ok() && !absl::IsNotFound(fk.status())) return fk.status();
      if (fk.ok()) {
        // ... and no parent row holds the key.
        std::vector<std::string> match;
        for (size_t k = 0; k < fk->child_columns.size(); ++k) {
          match.push_back(absl::StrCat(
              "p.", parser::SqlIdentifier(fk->parent->columns[fk->parent_columns[k]].name), " = c.",
              parser::SqlIdentifier(child.columns[fk->child_columns[k]].name)));
        }
        absl::StrAppend(&sql, " AND NOT EXISTS (SELECT 1 FROM ",
                        parser::SqlIdentifier(fk->parent->name), " AS p WHERE ",
                        absl::StrJoin(match, " AND "), ")");
      }
      absl::StatusOr<ResultSet> rows = RunNested(d, sql, no_params);
      if (!rows.ok()) return rows.status();
      for (std::vector<Value>& r : rows->rows) {
        rs.rows.push_back({Value::Text(child.name), std::move(r[0]), Value::Text(def->ref_table),
                           Value::Integer(static_cast<int64_t>(n - 1 - i))});
      }
    }
  }
  return rs;
}

absl::Status DeleteBeforeDrop(Dml& d, const TableDescriptor& t) {
  if (d.foreign_keys == nullptr) return absl::OkStatus();
  const std::vector<Value> no_params;
  Dml quiet = d;
  quiet.no_triggers = true;
  absl::StatusOr<ResultSet> deleted =
      RunNested(quiet, absl::StrCat("DELETE FROM ", parser::SqlIdentifier(t.name)), no_params);
  if (!deleted.ok()) return deleted.status();
  return CheckForeignKeys(d, &d.foreign_keys->immediate);
}

}  // namespace tessera::session

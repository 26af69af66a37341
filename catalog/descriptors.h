// Schema descriptors: tables (with columns, primary key, secondary indexes,
// CHECK constraints), views and triggers. Stored as KV rows in the system
// span and read inside transactions (catalog.h), so DDL is transactional.

#ifndef TESSERA_CATALOG_DESCRIPTORS_H_
#define TESSERA_CATALOG_DESCRIPTORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/collation.h"
#include "common/key_encoding.h"
#include "common/value.h"

namespace tessera::catalog {

struct ColumnDescriptor {
  uint32_t id = 0;
  std::string name;
  Type type = Type::kNull;  // kNull: no declared type (any value)
  bool nullable = true;
  bool hidden = false;      // the implicit rowid
  std::string default_sql;  // empty: NULL
  // The type as the CREATE TABLE wrote it ("VARCHAR(20)", "DATETIME"), for
  // SHOW CREATE and .dump; empty when it gave none (or made by CTAS).
  std::string declared_type;
  // COLLATE of the column: how its TEXT values compare (common/collation.h).
  Collation collation = Collation::kBinary;
  // A generated column: its value is this expression (SQL over the row's
  // other columns), computed whenever the row is written and stored
  // (also when declared VIRTUAL, which `generated_stored` false records
  // for SHOW CREATE). Empty: an ordinary column.
  std::string generated_sql;
  bool generated_stored = false;
};

struct IndexDescriptor {
  // The collation of key column `i`.
  Collation CollationAt(size_t i) const {
    return i < collations.size() ? collations[i] : Collation::kBinary;
  }

  uint32_t id = 0;  // the primary index is 1
  std::string name;
  bool unique = false;
  std::vector<uint32_t> column_ids;
  std::vector<SortOrder> orders;
  // A partial index: only rows this expression (SQL over the table's
  // columns) holds for have entries. Empty: every row.
  std::string where_sql;
  // Per column, the collation its key is encoded under (folded text): the
  // index column's COLLATE, else its table column's. Empty, or shorter than
  // column_ids: BINARY for the rest.
  std::vector<Collation> collations;
  // Per key column: an expression over the table's columns (SQL) whose
  // value the key holds, where column_ids has 0; empty (or "" at i): the
  // column. Such an index is read only by equalities of its expressions
  // (planner/binder.cc), never by ranges.
  std::vector<std::string> expressions;

  // Whether key column `i` is an expression.
  bool IsExpression(size_t i) const { return i < expressions.size() && !expressions[i].empty(); }
  bool HasExpressions() const {
    for (const std::string& e : expressions) {
      if (!e.empty()) return true;
    }
    return false;
  }
};

// FOREIGN KEY (columns) REFERENCES ...: kept and shown, not enforced, as
// SQLite does by default (PRAGMA foreign_keys=OFF).
struct ForeignKeyDescriptor {
  std::vector<uint32_t> column_ids;  // this table's columns
  std::string references;            // "REFERENCES p(a) ON DELETE CASCADE"
};

struct TableDescriptor {
  uint32_t id = 0;
  std::string name;
  std::vector<ColumnDescriptor> columns;
  IndexDescriptor primary;               // id 1; column_ids = the key
  std::vector<IndexDescriptor> indexes;  // secondary
  std::vector<std::string> checks;       // CHECK expressions as SQL text
  std::vector<ForeignKeyDescriptor> foreign_keys;
  // WITHOUT ROWID: an INTEGER primary key is a key like any other (a NULL
  // one is not assigned, last_insert_rowid() does not see it).
  bool without_rowid = false;
  bool strict = false;         // STRICT (types are strict anyway; shown)
  // A session's TEMP table: its descriptor lives in that session's
  // namespace (catalog.h). Not encoded: the key it is stored under says so.
  bool temp = false;
  // The lone INTEGER primary key is AUTOINCREMENT: a key is never handed
  // out twice, also after the largest was deleted (the largest handed out
  // is kept in the table sqlite_sequence, as in SQLite).
  bool autoincrement = false;
  // The declared PRIMARY KEY is indexes[0], a UNIQUE key under a collation
  // beside the hidden rowid (session/: a TEXT key under NOCASE or RTRIM,
  // which row keys, always BINARY, cannot hold). Shown and referenced as
  // the PRIMARY KEY.
  bool key_is_first_index = false;
  uint32_t next_column_id = 1;
  uint32_t next_index_id = 2;

  // Position of the column called `name` (case-insensitive), or -1.
  int ColumnIndex(absl::string_view name) const;
  // Position of the column with `id`, or -1.
  int ColumnIndexById(uint32_t id) const;
};

struct ViewDescriptor {
  std::string name;
  std::vector<std::string> column_names;  // optional explicit names
  std::string select_sql;
};

struct TriggerDescriptor {
  std::string name;
  std::string table;
  std::string create_sql;  // the full CREATE TRIGGER statement
  // When it was made (hybrid-clock order; 0: before this was recorded):
  // triggers of one event fire newest first, as in SQLite.
  uint64_t created = 0;
};

// One schema object: exactly one of the members is set.
struct SchemaObject {
  std::optional<TableDescriptor> table;
  std::optional<ViewDescriptor> view;
  std::optional<TriggerDescriptor> trigger;
  // An index name maps to the table that owns it.
  std::optional<std::string> index_of_table;
  // In the session's TEMP namespace (set by LookupObject, honoured by
  // PutObject; a table's own `temp` counts too).
  bool temp = false;
};

std::string EncodeSchemaObject(const SchemaObject& object);
// kDataLoss on malformed bytes.
absl::StatusOr<SchemaObject> DecodeSchemaObject(absl::string_view bytes);

}  // namespace tessera::catalog

#endif  // TESSERA_CATALOG_DESCRIPTORS_H_

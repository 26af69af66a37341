// Session-internal: the context the DML statements of one SQL statement
// share (its triggers' statements and its foreign key actions run in it
// too), the tables they read, and the row, constraint and sequence helpers
// DML (dml.cc) and DDL (session.cc) share. Not part of the package's
// interface.

#ifndef TESSERA_SESSION_DML_H_
#define TESSERA_SESSION_DML_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "catalog/descriptors.h"
#include "catalog/row_codec.h"
#include "exec/executor.h"
#include "parser/ast.h"
#include "planner/binder.h"
#include "session/database.h"
#include "session/session.h"
#include "txn/txn.h"

namespace tessera::session {

using catalog::Row;
using catalog::TableDescriptor;

// With PRAGMA foreign_keys=ON: what a statement (with its triggers and
// the actions it set off) leaves to check at its end, and at COMMIT.
struct ForeignKeyState {
  std::vector<ForeignKeyCheck> immediate;
  std::vector<ForeignKeyCheck>* deferred = nullptr;  // the transaction's
  bool defer_all = false;  // PRAGMA defer_foreign_keys: every check to `deferred`
  int depth = 0;  // nested ON DELETE / ON UPDATE actions
};

// Statement-level context shared by the DML helpers.
// A running trigger (Dml::running_triggers).
struct TriggerFrame {
  const std::string* name;
  const TriggerFrame* outer;
  int depth;  // 1 for a trigger the statement fired
};

// How deep triggers may fire triggers: each level is a nested statement
// on the thread's stack.
inline constexpr int kMaxTriggerDepth = 32;

struct Dml {
  txn::Txn* txn;
  Database* db;
  const std::vector<Value>* params;
  // Set by INSERT, for split_rows.
  uint32_t inserted_table = 0;
  std::string last_insert_key;
  // What last_insert_rowid() and changes() read (not owned; may be null).
  const exec::SessionValues* values = nullptr;
  // Set by a statement's INSERT (not a trigger's): the rowid of the last
  // row it inserted, for last_insert_rowid().
  std::optional<int64_t> last_rowid = std::nullopt;
  // Where the triggers' statements add the rows they change (may be null).
  int64_t* trigger_changes = nullptr;
  // Inside a trigger body: the NEW ++ OLD row and its table.
  const Row* trigger_row = nullptr;
  const TableDescriptor* trigger_table = nullptr;
  // The triggers running, innermost first (null outside any): a trigger
  // on it does not fire again, as in SQLite without recursive_triggers;
  // any other trigger does.
  const TriggerFrame* running_triggers = nullptr;
  // Where LoadTable() may keep and find tables (null: read them afresh),
  // and the schema version the transaction's snapshot sees.
  DmlTableCache* tables = nullptr;
  uint64_t schema_version = 0;
  // Non-null: see Session::RunIn's `unique_at_commit`.
  std::shared_ptr<const TableDescriptor>* unique_at_commit = nullptr;
  // Non-null while foreign keys are enforced (PRAGMA foreign_keys=ON).
  ForeignKeyState* foreign_keys = nullptr;
  // DROP TABLE's implicit DELETE: the table's triggers do not fire.
  bool no_triggers = false;
};

// A trigger, parsed from its stored CREATE TRIGGER.
struct Trigger {
  ast::StatementPtr parsed;
  const ast::CreateTriggerStatement* def = nullptr;
  uint64_t created = 0;  // catalog::TriggerDescriptor::created
};

// A DML statement's table and the triggers defined on it. For a view,
// `table` stands for its rows (its columns, untyped; no keys), and only
// INSTEAD OF triggers write.
struct TableInfo {
  std::shared_ptr<const TableDescriptor> table;
  std::shared_ptr<const std::vector<Trigger>> triggers;
  bool is_view = false;
};

// What LoadTable() read, by table name, for one schema version: any
// committed DDL starts a new version, so nothing stale is used. Saves the
// catalog reads (and trigger parsing) of every INSERT, UPDATE and DELETE.
class DmlTableCache {
 public:
  std::optional<TableInfo> Get(const std::string& name, uint64_t version) const {
    if (version != version_) return std::nullopt;
    auto it = tables_.find(name);
    if (it == tables_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const std::string& name, uint64_t version, TableInfo info) {
    if (version != version_) {
      tables_.clear();
      version_ = version;
    }
    if (tables_.size() >= kMaxTables) tables_.clear();
    tables_[name] = std::move(info);
  }

 private:
  static constexpr size_t kMaxTables = 256;
  uint64_t version_ = 0;
  absl::flat_hash_map<std::string, TableInfo> tables_;
};

// The table `name` and its triggers, from the session's cache when it
// holds them for this snapshot's schema version.
absl::StatusOr<TableInfo> LoadTable(Dml& d, const std::string& name);

// Runs a SELECT, INSERT, UPDATE or DELETE in `d` (a trigger body's
// statements, a foreign key's action).
absl::StatusOr<ResultSet> RunDml(Dml& d, const ast::Statement& st);

// The table AUTOINCREMENT keeps its largest keys in, as SQLite names it.
inline constexpr absl::string_view kSequenceTable = "sqlite_sequence";

// The rows of sqlite_schema / sqlite_master (session.cc).
absl::StatusOr<std::vector<std::vector<Value>>> SchemaRows(txn::Txn* txn, bool sqlite_master);

// The result of SQLite's schema pragma `name` (table_info, table_xinfo,
// index_list, index_info, index_xinfo, foreign_key_list) for the object
// named `arg` (nullptr: no argument, no rows), read in `txn`; nullopt for
// any other name (session.cc).
absl::StatusOr<std::optional<ResultSet>> SchemaPragma(txn::Txn* txn, absl::string_view name,
                                                      const std::string* arg);
// exec::ExecContext::pragma_rows: SchemaPragma's rows for the pragma_*
// table-valued functions (a NULL argument gives none).
absl::StatusOr<std::vector<Row>> PragmaFunctionRows(txn::Txn* txn, absl::string_view name,
                                                    const Value& arg);

// --- Rows, constraints and sequences (dml.cc), shared with DDL ---

// "<what> constraint failed: <target>" (FailedPrecondition; SqlState maps
// it by `what`).
absl::Status Constraint(absl::string_view what, absl::string_view target);

// Converts `v` to column `col`'s strict type the way an assignment does:
// numbers between INTEGER and REAL when exact, numbers to TEXT, numeric text
// to numbers; anything else is a type error.
absl::StatusOr<Value> Coerce(const Value& v, const catalog::ColumnDescriptor& col,
                             const std::string& table);

// Reads every row of `table` (primary index order).
absl::StatusOr<std::vector<Row>> ScanTable(txn::Txn* txn, const TableDescriptor& t);

// Whether partial index `ix` holds `row` (an index without WHERE holds
// every row).
absl::StatusOr<bool> IndexHolds(txn::Txn* txn, const TableDescriptor& t,
                                const catalog::IndexDescriptor& ix, const Row& row);

// Calls `fn(ix, key)` for each index of `t` that holds `row` (a partial
// index may not), with the row's entry key in it; stops at fn's first
// error.
absl::Status ForEachIndexEntry(
    txn::Txn* txn, const TableDescriptor& t, const Row& row,
    absl::FunctionRef<absl::Status(const catalog::IndexDescriptor&, const std::string&)> fn);

// `row` with the numbers in its untyped `column_ids` replaced by their key
// twins (catalog::UntypedKeyTwin), in every combination but `row` itself:
// the rows whose keys a UNIQUE check also looks up, since 5 and 5.0 are
// equal but keyed apart.
std::vector<Row> KeyTwinRows(const TableDescriptor& t, const std::vector<uint32_t>& column_ids,
                             const Row& row);

// The key of `row` in `ix` (catalog::IndexEntryKey, with the values of
// key expressions computed).
absl::StatusOr<std::string> IndexKey(txn::Txn* txn, const TableDescriptor& t,
                                     const catalog::IndexDescriptor& ix, const Row& row);

// Writes the row, whose primary key is `pk`, and its index entries.
// `scratch` is a buffer to reuse across rows.
absl::Status PutRowEntries(txn::Txn* txn, const TableDescriptor& t, const Row& row,
                           absl::string_view pk, std::string* scratch);
// The same, the key computed.
absl::Status PutRowEntries(txn::Txn* txn, const TableDescriptor& t, const Row& row);

// Makes sqlite_sequence (the first AUTOINCREMENT table does) unless it
// exists.
absl::Status EnsureSequenceTable(txn::Txn* txn);

// The largest key AUTOINCREMENT table `table` handed out (0: none yet).
absl::StatusOr<int64_t> ReadSequence(txn::Txn* txn, absl::string_view table);

// Sets `table`'s row of sqlite_sequence to `value`; nullopt removes it.
absl::Status WriteSequence(txn::Txn* txn, absl::string_view table, std::optional<int64_t> value);

// Whether `ix` is a UNIQUE constraint's index (CREATE TABLE makes it, under
// SQLite's name for it), not one CREATE INDEX made.
bool IsConstraintIndex(const catalog::IndexDescriptor& ix);

// What a UNIQUE error names for `ix`: "t.a, t.b", or SQLite's "index 'i'"
// for an index on expressions.
std::string IndexTarget(const TableDescriptor& t, const catalog::IndexDescriptor& ix);

// The error of a row whose primary key another row holds.
absl::Status PrimaryKeyTaken(const TableDescriptor& t);

// A binder for statements of `d` (a trigger body's NEW and OLD, the
// schema table, constant folding).
planner::Binder NewBinder(const Dml& d);

// Points `ctx` at `d`'s transaction, parameters and session values.
void InitContext(const Dml& d, exec::ExecContext* ctx);

// `e` evaluated over `row` of `table` (both may be null: no columns).
absl::StatusOr<Value> EvalConst(Dml& d, planner::Binder& binder, const ast::Expr& e,
                                const TableDescriptor* table, const Row* row);

// Fills defaults, coerces types, checks NOT NULL and CHECK constraints and
// assigns a rowid / INTEGER PRIMARY KEY where needed. `inserting`: a new
// row (an AUTOINCREMENT table records its key), not an updated one.
absl::Status PrepareRow(Dml& d, const TableDescriptor& t, Row* row,
                        absl::Span<const bool> given, bool inserting = true);

// Runs an INSERT (with its triggers, conflict handling and RETURNING).
absl::StatusOr<ResultSet> Insert(Dml& d, const ast::InsertStatement& st);

}  // namespace tessera::session

#endif  // TESSERA_SESSION_DML_H_

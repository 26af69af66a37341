// Session: a connection's state (its open transaction) and the statement
// runner: parse -> bind -> execute. Every statement outside BEGIN runs in
// its own transaction, retried automatically on a serialization failure.
//
// Thread-safety: one thread at a time.

#ifndef TESSERA_SESSION_SESSION_H_
#define TESSERA_SESSION_SESSION_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "catalog/descriptors.h"
#include "common/value.h"
#include "exec/executor.h"
#include "parser/ast.h"
#include "parser/parser.h"
#include "session/database.h"
#include "txn/txn.h"

namespace tessera::session {

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  int64_t rows_affected = 0;  // INSERT/UPDATE/DELETE
  bool has_rows = false;      // a query (possibly with zero rows)
};

// The SQLSTATE for an error returned by Execute(): 42601 syntax error,
// 42P01 unknown table, 42703 unknown column, 42883 unknown function (or
// wrong arguments), 42P07 duplicate object, 23505 unique violation, 23502
// not-null violation, 23514 check violation, 40001 serialization failure,
// 22012 division by zero, 22021 SQL text that is not UTF-8, 53100 disk full,
// 53200 out of memory, 54000 a key longer than the store takes, 54001
// statement too complex; 42704 unknown index, trigger or collation, 42701
// duplicate column, 42702 ambiguous column, 42803 misused aggregate, 42P10
// ORDER BY term out of range, 42P19 bad recursion, 42P20 misused window
// function, 42809 FILTER on a non-aggregate, 22003 integer overflow, 22013
// bad frame offset, 22014/22016 bad ntile/nth_value argument, 2BP01 a view,
// trigger, key or index depends on what an ALTER TABLE would change,
// 25P01/25001 no transaction open / one already open, 0A000 not supported;
// XX000 otherwise.
std::string SqlState(const absl::Status& status);

class PlanCache;  // session-internal: bound plans per schema version
class DmlTableCache;  // session-internal: DML tables and triggers per schema version

// SQL parsed once (Session::Prepare) to be run many times with new
// parameters. Its SELECTs are also bound and planned once per schema
// version (any committed DDL starts a new version). Immutable apart from
// that internally synchronized cache; may be shared by threads.
struct PreparedSql {
  std::vector<ast::StatementPtr> statements;
  int num_parameters = 0;  // the highest `?`/`$n` number
  std::shared_ptr<PlanCache> plans;
};

// One key of one FOREIGN KEY to verify (PRAGMA foreign_keys=ON): it is
// violated when a row of `child` holds `values` in the key's columns and
// no row of the parent holds them in its key. Judged on the data as it is
// when checked, so a check of a write that was since rolled back finds
// nothing wrong.
struct ForeignKeyCheck {
  std::string child;  // table name
  size_t index = 0;   // in its foreign_keys
  std::vector<Value> values;
};

class Session {
 public:
  // `db` is not owned and must outlive the session.
  explicit Session(Database* db);
  ~Session();

  // Runs every statement in `sql`; returns the result of the last one.
  // `params` bind `?`/`$n` (1-based).
  absl::StatusOr<ResultSet> Execute(absl::string_view sql,
                                    const std::vector<Value>& params = {});

  // Runs the statements of `sql` one by one, handing each result to
  // `on_result`; stops at the first error and returns it.
  absl::Status ExecuteEach(absl::string_view sql,
                           absl::FunctionRef<void(const ResultSet&)> on_result,
                           const std::vector<Value>& params = {});

  // Parses `sql` (one or more statements) for ExecutePrepared().
  static absl::StatusOr<std::shared_ptr<const PreparedSql>> Prepare(absl::string_view sql);

  // Runs prepared statements like Execute() runs their text.
  absl::StatusOr<ResultSet> ExecutePrepared(const PreparedSql& prepared,
                                            const std::vector<Value>& params = {});

  bool in_transaction() const { return txn_ != nullptr; }

 private:
  // Where a statement's cached plan lives (null: not prepared).
  struct PlanSlot {
    PlanCache* cache;
    size_t index;
  };
  absl::StatusOr<ResultSet> Run(const ast::Statement& st, const std::vector<Value>& params,
                                const PlanSlot* slot = nullptr);
  // `cache_tables`: the transaction has run no DDL, so DML may use the
  // tables cached for `schema_version`. With `unique_at_commit` set (the
  // statement is its transaction's only one), an INSERT may leave its
  // primary-key check to the commit (txn::Txn::Insert) and put there the
  // table whose key the commit error names.
  absl::StatusOr<ResultSet> RunIn(txn::Txn* txn, uint64_t schema_version,
                                  const ast::Statement& st, const std::vector<Value>& params,
                                  const PlanSlot* slot, bool cache_tables,
                                  std::shared_ptr<const catalog::TableDescriptor>* unique_at_commit =
                                      nullptr);

  // After a statement succeeded (and committed, outside BEGIN): counts
  // an INSERT, UPDATE or DELETE in what changes(), total_changes() and
  // last_insert_rowid() read.
  void NoteChanges(const ast::Statement& st, const ResultSet& result);

  struct PendingSplit {
    uint32_t table_id;
    int64_t rows;
    std::string last_key;
  };

  Database* const db_;
  // Statements parsed once per shape (literals aside); Execute() is not
  // re-entered, so the AST it hands out stays put while it runs.
  parser::ShapeCache shapes_;
  std::unique_ptr<DmlTableCache> dml_tables_;
  std::optional<PendingSplit> pending_split_;
  exec::SessionValues values_;
  // The running statement's last inserted rowid and the rows its
  // triggers changed, for NoteChanges().
  std::optional<int64_t> statement_rowid_;
  int64_t statement_trigger_changes_ = 0;
  std::unique_ptr<txn::Txn> txn_;  // explicit transaction, if any
  uint64_t txn_schema_version_ = 0;  // the schema version txn_ sees
  bool txn_changed_schema_ = false;  // txn_ ran DDL (its plans are not cached)
  // The namespace of this session's TEMP objects (catalog.h), and whether
  // it made any (dropped when the session ends).
  std::string temp_namespace_;
  bool made_temp_ = false;
  std::shared_ptr<Database::Liveness> db_liveness_;  // db_ may be gone at ~Session
  absl::Status DropTempObjects();
  // SQL savepoints of txn_, outermost first: name and Txn::Savepoint depth.
  std::vector<std::pair<std::string, size_t>> savepoints_;
  // txn_ was begun by a SAVEPOINT: releasing the outermost commits it.
  bool txn_begun_by_savepoint_ = false;
  // The position in savepoints_ of the innermost savepoint called `name`.
  absl::StatusOr<size_t> FindSavepoint(const std::string& name) const;
  // COMMIT: ends txn_ (and its savepoints), after checking its deferred
  // foreign keys (a violation leaves it open).
  absl::Status CommitTransaction();
  // Forgets txn_ (committed or rolled back) and what belongs to it: its
  // savepoints and deferred foreign keys; defer_foreign_keys turns off.
  void EndTransaction();
  // PRAGMA foreign_keys [= ON|OFF]: this session's setting (OFF by
  // default, as in SQLite); inside a transaction it does not change.
  // PRAGMA defer_foreign_keys [= ON|OFF]: every key checked at COMMIT, as
  // DEFERRABLE INITIALLY DEFERRED ones are, until the transaction ends
  // (each end turns it off, as in SQLite).
  absl::StatusOr<ResultSet> ForeignKeysPragma(const ast::PragmaStatement& p);
  bool foreign_keys_ = false;
  bool defer_foreign_keys_ = false;
  // The transaction's deferred foreign key checks.
  std::vector<ForeignKeyCheck> deferred_foreign_keys_;
};

}  // namespace tessera::session

#endif  // TESSERA_SESSION_SESSION_H_

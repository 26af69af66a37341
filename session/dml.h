// Session-internal: the context the DML statements of one SQL statement
// share (its triggers' statements and its foreign key actions run in it
// too), and the tables they read. Not part of the package's interface.

#ifndef TESSERA_SESSION_DML_H_
#define TESSERA_SESSION_DML_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "catalog/descriptors.h"
#include "catalog/row_codec.h"
#include "exec/executor.h"
#include "parser/ast.h"
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
  int depth = 0;  // nested ON DELETE / ON UPDATE actions
};

// Statement-level context shared by the DML helpers.
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
};

// A DML statement's table and the triggers defined on it.
struct TableInfo {
  std::shared_ptr<const TableDescriptor> table;
  std::shared_ptr<const std::vector<Trigger>> triggers;
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

}  // namespace tessera::session

#endif  // TESSERA_SESSION_DML_H_

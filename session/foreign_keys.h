// Session-internal: FOREIGN KEY enforcement (PRAGMA foreign_keys=ON,
// decision 0020) for the DML statements of session.cc. Checks and actions
// are SQL run in the statement's transaction (session/dml.h).

#ifndef TESSERA_SESSION_FOREIGN_KEYS_H_
#define TESSERA_SESSION_FOREIGN_KEYS_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "parser/ast.h"
#include "session/dml.h"

namespace tessera::session {

// A FOREIGN KEY of `child`, resolved against its parent table.
struct ForeignKey {
  std::shared_ptr<const TableDescriptor> child, parent;
  size_t index = 0;                 // in child->foreign_keys
  std::vector<int> child_columns;   // positions in a child row
  std::vector<int> parent_columns;  // positions in a parent row, in the same order
  ast::ForeignKeyDef def;           // ON DELETE / ON UPDATE, deferred
};

// The foreign keys of `child` a statement writing `changed` (null: whole
// rows) must check. Resolved when the statement starts, so a missing
// parent or a mismatch is an error even when no row is written (SQLite
// finds them when it prepares the statement).
absl::StatusOr<std::vector<ForeignKey>> ChildForeignKeys(
    Dml& d, const std::shared_ptr<const TableDescriptor>& child, const std::vector<int>* changed);

// The foreign keys of every table that reference `parent`, as far as a
// statement deleting its rows (`changed` null) or updating `changed` must
// act on them. Resolved when the statement starts, as ChildForeignKeys.
absl::StatusOr<std::vector<ForeignKey>> ParentForeignKeys(Dml& d, const TableDescriptor& parent,
                                                          const std::vector<int>* changed);

// A row of a child table was written: its foreign keys `fks`
// (ChildForeignKeys) must find their parents, checked at the statement's
// end (at COMMIT when deferred). `old_row` (an UPDATE's row before) skips
// keys the update left as they were.
void ChildRowWritten(Dml& d, const std::vector<ForeignKey>& fks, const Row& row,
                     const Row* old_row);

// A row of a parent table was deleted (`new_row` null) or updated: each
// foreign key of `fks` (ParentForeignKeys) acts on the child rows that
// held its old key, by its ON DELETE / ON UPDATE: CASCADE, SET NULL, SET
// DEFAULT, RESTRICT (an error now), NO ACTION (an error at the statement's
// end, or at COMMIT when deferred, if a child still holds a key no parent
// row has).
absl::Status ParentRowChanged(Dml& d, const std::vector<ForeignKey>& fks, const Row& old_row,
                              const Row* new_row);

// Runs `checks` (each distinct key once) and empties them; the first
// violated one fails with "FOREIGN KEY constraint failed" and leaves them
// all (a failed COMMIT keeps its transaction, to be mended and committed
// again). A check of a table that is gone has nothing to check.
absl::Status CheckForeignKeys(Dml& d, std::vector<ForeignKeyCheck>* checks);

// PRAGMA foreign_key_check [(table)]: a row (table, rowid, parent, fkid)
// for each key of a child row (of `table`, or of every table) that no
// parent row holds, whether or not foreign keys are enforced; fkid counts
// as PRAGMA foreign_key_list does. A parent table that does not exist
// holds no key.
absl::StatusOr<ResultSet> ForeignKeyCheckPragma(Dml& d, const std::string& table);

// DROP TABLE `t` with foreign keys enforced: first an implicit DELETE of
// its rows, whose actions run and whose checks must pass now, as in SQLite
// (no triggers fire).
absl::Status DeleteBeforeDrop(Dml& d, const TableDescriptor& t);

}  // namespace tessera::session

#endif  // TESSERA_SESSION_FOREIGN_KEYS_H_

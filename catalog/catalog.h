// Catalog: schema objects stored as KV rows under the system prefix, read and
// written inside the caller's transaction (so DDL commits or rolls back with
// it and survives restarts). Names are case-insensitive and share one
// namespace (tables, views, indexes, triggers), as in SQLite.
//
// Stateless: every function works on the given transaction.

#ifndef TESSERA_CATALOG_CATALOG_H_
#define TESSERA_CATALOG_CATALOG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "catalog/descriptors.h"
#include "txn/txn.h"

namespace tessera::catalog {

// TEMP objects: a session's private tables, views, indexes and triggers,
// kept under its namespace (txn::Txn::temp_namespace). A name resolves to
// the session's TEMP object first, as SQLite searches its temp schema
// first; other sessions do not see it.

// The object called `name` (the TEMP one first), or nullopt.
absl::StatusOr<std::optional<SchemaObject>> LookupObject(txn::Txn* txn,
                                                         absl::string_view name);

// The session's TEMP object called `name`, or nullopt.
absl::StatusOr<std::optional<SchemaObject>> LookupTempObject(txn::Txn* txn,
                                                             absl::string_view name);

// Every session's TEMP objects (whatever the transaction's namespace):
// left behind by sessions that ended without dropping theirs.
absl::StatusOr<std::vector<SchemaObject>> AllTempObjects(txn::Txn* txn);
// Removes every session's TEMP object descriptors (not their rows).
absl::Status DeleteAllTempObjects(txn::Txn* txn);

// The table called `name`; kNotFound "no such table: name" otherwise.
absl::StatusOr<TableDescriptor> GetTable(txn::Txn* txn, absl::string_view name);

// Stores `object` under `name`, in the TEMP namespace when `object` (or its
// table) is TEMP. With `must_not_exist`, kAlreadyExists when the name is
// taken there.
absl::Status PutObject(txn::Txn* txn, absl::string_view name,
                       const SchemaObject& object, bool must_not_exist);

// Removes the object called `name`, the TEMP one first (no error when
// absent).
absl::Status DeleteObject(txn::Txn* txn, absl::string_view name);

// A fresh table id (ids start above the system range).
absl::StatusOr<uint32_t> AllocateTableId(txn::Txn* txn);

// A stored integer setting of the database (PRAGMA user_version,
// application_id), 0 until set. Outside ObjectSpan(): not a schema change.
absl::StatusOr<int64_t> GetSetting(txn::Txn* txn, absl::string_view name);
void SetSetting(txn::Txn* txn, absl::string_view name, int64_t value);

// The key span holding every object's descriptor: a transaction that
// relies on descriptors it did not read records this span as read
// (txn::Txn::NoteRead), so a concurrent schema change aborts it.
const std::pair<std::string, std::string>& ObjectSpan();

// Every object the transaction sees, in name order; its TEMP objects come
// last, flagged, and hide a main object of the same name.
// With `include_temp` false, the main objects only (none hidden).
absl::StatusOr<std::vector<std::pair<std::string, SchemaObject>>> ListObjects(
    txn::Txn* txn, bool include_temp = true);

}  // namespace tessera::catalog

#endif  // TESSERA_CATALOG_CATALOG_H_

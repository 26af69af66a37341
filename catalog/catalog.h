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

// The object called `name`, or nullopt.
absl::StatusOr<std::optional<SchemaObject>> LookupObject(txn::Txn* txn,
                                                         absl::string_view name);

// The table called `name`; kNotFound "no such table: name" otherwise.
absl::StatusOr<TableDescriptor> GetTable(txn::Txn* txn, absl::string_view name);

// Stores `object` under `name`. With `must_not_exist`, kAlreadyExists when
// the name is taken.
absl::Status PutObject(txn::Txn* txn, absl::string_view name,
                       const SchemaObject& object, bool must_not_exist);

// Removes the object called `name` (no error when absent).
absl::Status DeleteObject(txn::Txn* txn, absl::string_view name);

// A fresh table id (ids start above the system range).
absl::StatusOr<uint32_t> AllocateTableId(txn::Txn* txn);

// The key span holding every object's descriptor: a transaction that
// relies on descriptors it did not read records this span as read
// (txn::Txn::NoteRead), so a concurrent schema change aborts it.
const std::pair<std::string, std::string>& ObjectSpan();

// Every object, in name order.
absl::StatusOr<std::vector<std::pair<std::string, SchemaObject>>> ListObjects(
    txn::Txn* txn);

}  // namespace tessera::catalog

#endif  // TESSERA_CATALOG_CATALOG_H_

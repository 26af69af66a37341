// A structural check of an LMDB data file, run when a store opens.
//
// LMDB trusts what it reads: a truncated file makes it fault on the first
// page past the end (SIGBUS), and a page of garbage makes it read out of
// bounds or fail an assertion (SIGSEGV, SIGABRT). This check reads the
// pages of one snapshot with plain reads, bounds-checks every field LMDB
// would follow, and reports a damaged file as an error, so that LMDB never
// touches the damage. It does not check the order of keys or the contents
// of values (those errors read as wrong data or fail in our decoders, they
// do not crash).

#ifndef TESSERA_STORAGE_VERIFY_H_
#define TESSERA_STORAGE_VERIFY_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace tessera::storage {

// Checks the file at `path` (an LMDB data.mdb with `page_size`-byte pages)
// as of the snapshot committed by transaction `txn_id`: its meta page, and
// every page reachable from the free-page and main databases (and a named
// database recorded in the main one). The snapshot must stay pinned (an
// open read transaction) while this runs, so that no writer reuses its
// pages. kDataLoss, naming the page, when the file is damaged or too short.
// Reads the whole snapshot: time linear in the store's size.
absl::Status VerifyStoreFile(const std::string& path, uint32_t page_size, uint64_t txn_id);

}  // namespace tessera::storage

#endif  // TESSERA_STORAGE_VERIFY_H_

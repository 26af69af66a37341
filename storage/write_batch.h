// WriteBatch: a list of MVCC mutations applied atomically by Engine::Write.
//
// Not thread-safe; build it on one thread, then hand it to Engine::Write
// (which only reads it). The batch copies every key and value it is given,
// except through WriteAllBorrowed().

#ifndef TESSERA_STORAGE_WRITE_BATCH_H_
#define TESSERA_STORAGE_WRITE_BATCH_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/arena.h"
#include "common/hlc.h"
#include "storage/txn_record.h"

namespace tessera::storage {

// One committed write of a transaction: a value, or a deletion. Views: the
// bytes belong to whoever made it.
struct Mutation {
  absl::string_view key;
  absl::string_view value;  // for a put
  bool deletion = false;
  // Requires the key to hold no live value when the write applies (an
  // INSERT that checks its key there instead of reading it first).
  bool must_be_absent = false;

  static Mutation Put(absl::string_view key, absl::string_view value) {
    return Mutation{key, value, false, false};
  }
  static Mutation Insert(absl::string_view key, absl::string_view value) {
    return Mutation{key, value, false, true};
  }
  static Mutation Delete(absl::string_view key) { return Mutation{key, {}, true, false}; }
};

class WriteBatch {
 public:
  enum class OpType : uint8_t {
    kPut,            // committed value at ts
    kDelete,         // committed tombstone at ts
    kPutIntent,      // provisional value of txn at ts
    kDeleteIntent,   // provisional tombstone of txn at ts
    kResolveIntent,  // commit (at ts) or abort the intent of txn
    kPutInline,      // unversioned system value
    kDeleteInline,
    kCheckNoWritesAfter,  // fail unless [key, end) has no version above ts
    kWrites,         // each of `writes` as a kPut or kDelete at ts
  };

  struct Op {
    OpType type;
    Timestamp ts;
    TxnId txn;
    bool commit = false;
    // kPut, kDelete: fail with kAlreadyExists if the key holds a live value.
    bool must_be_absent = false;
    absl::string_view key, value;  // into the batch's arena, or borrowed
    absl::Span<const Mutation> writes;  // kWrites: borrowed
  };

  // A committed write of `value` at `ts`. Fails at apply time with an intent
  // conflict if the key has an intent, or WriteTooOld if a committed version
  // at or above `ts` exists. `ts` must be non-zero.
  void Put(absl::string_view key, Timestamp ts, absl::string_view value);
  // Put() that also fails, with kAlreadyExists, if the key's newest version
  // is a committed value (a tombstone or no version is fine): the check and
  // the write are one step, so nothing can slip in between.
  void Insert(absl::string_view key, Timestamp ts, absl::string_view value);
  // A committed deletion (tombstone) at `ts`; same checks as Put.
  void Delete(absl::string_view key, Timestamp ts);
  // Each of `writes` as Put(), Insert() or Delete() at `ts`, without copying: the
  // batch keeps the span, so the caller keeps it and its bytes alive and
  // unchanged until it has no more use for the batch (Engine::Write has
  // returned). A one-phase commit's writes become one operation instead of
  // one each.
  void WriteAllBorrowed(absl::Span<const Mutation> writes, Timestamp ts);
  // A provisional write by `txn` at `ts`. Replaces an earlier intent of the
  // same transaction; fails on another transaction's intent or a committed
  // version at or above `ts`.
  void PutIntent(absl::string_view key, const TxnId& txn, Timestamp ts,
                 absl::string_view value);
  void DeleteIntent(absl::string_view key, const TxnId& txn, Timestamp ts);
  // Turns `txn`'s intent on `key` into a committed version at `commit_ts`
  // (commit = true; commit_ts must be >= the intent's timestamp) or removes
  // it (commit = false). A key without that intent is left alone, so resolving
  // twice is harmless.
  void ResolveIntent(absl::string_view key, const TxnId& txn, bool commit,
                     Timestamp commit_ts);
  // Makes the batch fail with a retryable error (kAborted, SQLSTATE 40001)
  // unless no version (committed or intent) newer than `ts` exists for a key
  // in [start, end); end "" checks the single key `start`. Checked inside the
  // same LMDB transaction that applies the batch: optimistic read validation.
  void CheckNoWritesAfter(absl::string_view start, absl::string_view end,
                          Timestamp ts);
  // Unversioned values for system keys (transaction records, counters).
  void PutInline(absl::string_view key, absl::string_view value);
  void DeleteInline(absl::string_view key);

  // Room for `ops` more operations, so a large batch is laid out without
  // regrowing.
  void Reserve(size_t ops) { ops_.reserve(ops_.size() + ops); }

  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }
  void Clear();

  const std::vector<Op>& ops() const { return ops_; }
  absl::string_view key(const Op& op) const { return op.key; }
  absl::string_view value(const Op& op) const { return op.value; }

 private:
  // Adds an operation holding copies of `key` and `value`.
  Op& Add(OpType type, absl::string_view key, absl::string_view value);
  // Adds an operation holding `key` and `value` themselves.
  Op& AddBorrowed(OpType type, absl::string_view key, absl::string_view value);

  Arena arena_;  // copies of the keys and values given to Add()
  std::vector<Op> ops_;
};

}  // namespace tessera::storage

#endif  // TESSERA_STORAGE_WRITE_BATCH_H_

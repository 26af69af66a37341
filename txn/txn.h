// Transactions: SERIALIZABLE, optimistic, for now on one node.
//
// A Txn reads at a fixed read timestamp (a consistent snapshot), buffers its
// writes at the gateway (read-your-writes from the buffer) and records every
// span it read. Commit sends writes and read spans to the node in one
// request; the node validates that nothing was written in the read spans
// after the read timestamp and applies the writes atomically at a newer
// commit timestamp (kv::Store::CommitOnePhase). So every committed
// transaction behaves as if it ran alone at its commit timestamp. A failed
// validation is kAborted (SQLSTATE 40001): retry the whole transaction, as
// RunTransaction() does.
//
// Thread-safety: a Txn is used by one thread at a time. TxnCoordinator is
// thread-safe.

#ifndef TESSERA_TXN_TXN_H_
#define TESSERA_TXN_TXN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "common/arena.h"
#include "common/hlc.h"
#include "kv/dist_sender.h"
#include "kv/sender.h"

namespace tessera::txn {

class Txn {
 public:
  Txn(kv::DistSender* sender, kv::Transport* transport, Timestamp read_ts);
  ~Txn() {
    if (on_destroy_ != nullptr) on_destroy_(on_destroy_context_.get(), read_ts_);
  }

  // Calls `fn(context, read_ts())` once, when this Txn is destroyed
  // (committed, rolled back or neither): whoever began it releases what
  // the transaction held (the Database unpins, for GC, the versions its
  // snapshot reads). `context` is kept alive until then. A function and
  // a pointer, not a closure: this runs for every transaction, and costs
  // no allocation.
  using OnDestroy = void (*)(void* context, Timestamp read_ts);
  void set_on_destroy(OnDestroy fn, std::shared_ptr<void> context) {
    on_destroy_ = fn;
    on_destroy_context_ = std::move(context);
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  Timestamp read_ts() const { return read_ts_; }

  // The value of `key` as this transaction sees it.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key);

  // Reads `keys` in one batch (a round trip per range, not per key) and
  // keeps the values until the first Get() of each, which is then answered
  // locally: reads are at the fixed read timestamp, so a kept value stays
  // right; this transaction's own writes still take precedence.
  // Many keys (kMinSpanPrefetch or more) are read with one scan of the
  // span from the first to the last when that span holds few other rows
  // (a bulk insert's keys): the whole span then counts as read, so a
  // concurrent write anywhere in it aborts this transaction at commit.
  absl::Status Prefetch(const std::vector<std::string>& keys);
  static constexpr size_t kMinSpanPrefetch = 16;

  // Visits the rows of [start, end) in key order (descending if `reverse`),
  // own writes included, streamed from the nodes (kv::Transport::StreamScan). `visit` returns
  // false to stop early. With `limit` > 0 at most that many rows are
  // visited. The whole span counts as read for commit validation.
  absl::Status Scan(
      absl::string_view start, absl::string_view end, bool reverse,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)>
          visit,
      size_t limit = 0);

  // Scan() without recording the span as read: the caller records it with
  // NoteRead() first. Changes nothing in the Txn, so several threads may
  // run it at once while no thread writes to (or commits) the transaction.
  absl::Status ScanShared(
      absl::string_view start, absl::string_view end, bool reverse,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)>
          visit,
      size_t limit = 0) const;

  // The ranges holding keys of [start, end), in key order: how a scan of the
  // span splits into per-range fragments.
  absl::StatusOr<std::vector<kv::RangeDescriptor>> RangesIn(absl::string_view start,
                                                            absl::string_view end) {
    return sender_->RangesIn(start, end);
  }

  // Records [start, end) as read without reading it: commit then fails
  // (kAborted) if anything in the span was written after the read
  // timestamp. For state the caller knows through other means (a cached
  // plan built from catalog rows).
  void NoteRead(absl::string_view start, absl::string_view end) {
    if (!read_only_) read_spans_.emplace_back(std::string(start), std::string(end));
  }

  // Declares that this transaction will not write: it then keeps no read
  // spans (a read-only transaction commits without validation: its
  // snapshot reads are consistent as they are); Commit() fails if it
  // wrote all the same.
  void SetReadOnly() { read_only_ = true; }

  // Buffers a write (a deletion) of `key`; the transaction keeps its own
  // copies of the bytes. A later write of the same key replaces it.
  void Put(absl::string_view key, absl::string_view value);
  void Delete(absl::string_view key);
  // Put() of a key the caller requires to hold no row, checked where the
  // commit applies instead of by a read now: Commit() fails with
  // kAlreadyExists if the key holds a committed value then. The key counts
  // as unread (no read span). Returns kAlreadyExists at once if this
  // transaction's own buffer holds a value for the key. A later Put() or
  // Delete() of the key keeps the requirement.
  absl::Status Insert(absl::string_view key, absl::string_view value);

  // Commits. A read-only transaction commits without a round trip.
  // kAborted means retry; after any return the Txn is finished.
  absl::Status Commit();
  // Discards the writes. Idempotent.
  void Rollback();

  // The namespace of the session's TEMP objects (catalog/ reads it): names
  // this transaction resolves are looked for there first. Empty: none.
  void set_temp_namespace(std::string ns) { temp_namespace_ = std::move(ns); }
  const std::string& temp_namespace() const { return temp_namespace_; }

  // Savepoints: marks of the write buffer, innermost last, for SQL's
  // SAVEPOINT and for a statement that fails inside an explicit
  // transaction, which takes back what it wrote while the transaction
  // goes on (as in SQLite). Savepoint() pushes a mark and returns its
  // depth (1 for the outermost). RollbackTo(depth) restores every buffered
  // write to what it was at that mark, drops the marks inside it and keeps
  // it. Release(depth) drops it and the marks inside it, keeping the
  // writes. Reads stay recorded (validation only grows stricter). While a
  // mark is set, the first write of a key records what to restore: a small
  // entry per key; nothing when no mark is set.
  size_t Savepoint();
  void RollbackTo(size_t depth);
  void Release(size_t depth);

  bool finished() const { return finished_; }
  bool has_writes() const { return !writes_.empty(); }
  // Bytes the write buffer holds (keys and values, including room kept
  // from overwritten values).
  size_t buffered_bytes() const { return arena_.used(); }
  // Set after a successful commit with writes.
  std::optional<Timestamp> commit_ts() const { return commit_ts_; }

 private:
  absl::Status CheckOpen() const;
  // Prefetch() of `keys` by one span scan; false (nothing kept) when the
  // span holds more than twice as many rows as keys.
  absl::StatusOr<bool> PrefetchSpan(const std::vector<std::string>& keys);

  kv::DistSender* const sender_;
  kv::Transport* const transport_;
  const Timestamp read_ts_;
  OnDestroy on_destroy_ = nullptr;
  std::shared_ptr<void> on_destroy_context_;
  // A buffered write; the bytes live in arena_.
  struct BufferedWrite {
    absl::string_view value;
    bool deletion = false;
    bool must_be_absent = false;  // at commit: see Insert()
    size_t room = 0;  // arena bytes at value.data() (>= value.size())
  };
  // Keys and values of the buffered writes (an overwritten value's bytes
  // stay until the transaction ends).
  Arena arena_;
  absl::btree_map<absl::string_view, BufferedWrite> writes_;  // views into arena_
  // Adds or replaces the buffered write of `key` with `value` (a deletion
  // when null). A value that fits where the key's previous value was
  // reuses its bytes, so rewriting a key many times does not grow the
  // buffer. The write keeps a must_be_absent requirement the key had and
  // adds one when `must_be_absent`.
  void Buffer(absl::string_view key, const absl::string_view* value,
              bool must_be_absent = false);
  // The buffered write of `key`, or null.
  const BufferedWrite* FindBuffered(absl::string_view key) const;

  // While a savepoint is set: each key written since the outermost mark,
  // with its buffered write before (nullopt: none), in the order written.
  // Keys view arena_ bytes, which live until the transaction ends.
  struct Mark {
    size_t undo_start;  // undo_ entries from here on are this mark's
    absl::flat_hash_set<absl::string_view> logged;  // keys undo_ holds a prior write of
  };
  std::vector<Mark> marks_;
  std::vector<std::pair<absl::string_view, std::optional<BufferedWrite>>> undo_;
  // Values read by Prefetch() (nullopt: no row), by key.
  absl::flat_hash_map<std::string, std::optional<std::string>> prefetched_;
  // The span [span_lo_, span_hi_) the last PrefetchSpan() read whole, and
  // the rows it held at read_ts_ (any other key in it has no row).
  std::string span_lo_, span_hi_;
  absl::flat_hash_map<std::string, std::string> span_rows_;
  std::vector<std::pair<std::string, std::string>> read_spans_;
  bool finished_ = false;
  bool read_only_ = false;
  std::string temp_namespace_;
  std::optional<Timestamp> commit_ts_;
};

class TxnCoordinator {
 public:
  // Neither argument is owned. `gateway_node` hands out read timestamps.
  TxnCoordinator(kv::DistSender* sender, kv::Transport* transport,
                 uint32_t gateway_node)
      : sender_(sender), transport_(transport), gateway_node_(gateway_node) {}

  absl::StatusOr<std::unique_ptr<Txn>> Begin();

 private:
  kv::DistSender* const sender_;
  kv::Transport* const transport_;
  const uint32_t gateway_node_;
};

// Runs `fn` in a fresh transaction and commits it, retrying the whole
// closure (up to `max_attempts`) while it or the commit fails with kAborted.
absl::Status RunTransaction(TxnCoordinator* coordinator,
                            absl::FunctionRef<absl::Status(Txn*)> fn,
                            int max_attempts = 10);

}  // namespace tessera::txn

#endif  // TESSERA_TXN_TXN_H_

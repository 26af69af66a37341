// Engine: one node store — an LMDB environment holding MVCC versions.
//
// Thread-safety: Engine is thread-safe. A Snapshot is used by one thread at a
// time and must be destroyed before its Engine. Write() may be called from
// many threads at once; concurrent calls are grouped into one LMDB write
// transaction and one fsync (group commit), each batch still atomic on its
// own.
//
// Durability: Write() returns OK only after the LMDB commit holding the batch
// is on disk (unless EngineOptions::durable is false, meant for tests).

#ifndef TESSERA_STORAGE_ENGINE_H_
#define TESSERA_STORAGE_ENGINE_H_

#include <lmdb.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/hlc.h"
#include "storage/txn_record.h"
#include "storage/write_batch.h"

namespace tessera::storage {

struct EngineOptions {
  // Initial LMDB map size; the map doubles whenever it fills.
  size_t initial_map_size = size_t{64} << 20;
  // The map never grows past this; a write that needs more fails with
  // kResourceExhausted.
  size_t max_map_size = size_t{1} << 40;
  // Concurrent read transactions (snapshots) allowed.
  unsigned max_readers = 126;
  // false: skip fsync at commit (MDB_NOSYNC). Only for tests and benchmarks
  // that say so; a crash may then lose recent commits (never corrupt them).
  bool durable = true;
  // Check the data file's structure when the store opens (storage/verify.h),
  // so that a truncated or damaged file is an error rather than a crash
  // inside LMDB. Reads every live page once: for a 1.1 GB store, 0.1 s with
  // the file in the page cache, 1.35 s from a cold cache (measured on the
  // development machine's disk).
  bool verify_on_open = true;
  // How long growing the map waits for open snapshots to close.
  absl::Duration resize_wait = absl::Seconds(10);
  // Group commit: when several writers were committing around the
  // previous group, the next leader waits up to this long for as many
  // batches to queue, so they share one sync instead of splitting into a
  // lone batch and the rest. A lone writer never waits.
  absl::Duration group_wait = absl::Microseconds(100);
};

struct ReadOptions {
  // Reads see the newest committed version at or below this timestamp.
  Timestamp ts;
  // The reading transaction, if any: its own intents are visible to it.
  // Not owned; may be null.
  const TxnId* txn = nullptr;
};

struct ScanOptions {
  ReadOptions read;
  // Stop after this many rows (0 = no limit).
  size_t max_rows = 0;
  // Iterate from the end of the span backwards.
  bool reverse = false;
};

struct ScanResult {
  size_t rows = 0;
  // True when the limit stopped the scan before the span's end; the caller
  // continues from resume_key (forward: new start; reverse: new end).
  bool more = false;
  std::string resume_key;
};

struct EngineStats {
  uint64_t batches_committed = 0;  // batches applied
  uint64_t batches_failed = 0;     // batches rejected (conflicts, bad input)
  uint64_t syncs = 0;              // LMDB write transactions committed
  uint64_t map_grows = 0;
  size_t map_size = 0;
};

struct GcStats {
  Timestamp threshold;       // the threshold actually used
  uint64_t versions_removed = 0;
  uint64_t keys_examined = 0;
};

class Engine;

// A consistent read view (one LMDB read transaction). Readers never block
// writers. Reads below the engine's GC threshold fail with kFailedPrecondition
// (ErrorKind::kReadBelowGc); reads that meet another transaction's intent at
// or below the read timestamp fail with an intent conflict (see
// GetIntentConflict()).
class Snapshot {
 public:
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Looks up `key`. On success sets *found; when found, *value holds a copy of
  // the visible version (reusing value's buffer) and *version_ts (if not null)
  // its timestamp.
  absl::Status Get(absl::string_view key, const ReadOptions& options,
                   std::string* value, bool* found,
                   Timestamp* version_ts = nullptr);

  // Visits visible rows with start <= key < end (end "" = no bound) in key
  // order (or reverse). The views passed to `visit` alias LMDB pages and stay
  // valid until the Snapshot is destroyed; `visit` returns false to stop.
  // No heap allocation per row.
  absl::StatusOr<ScanResult> Scan(
      absl::string_view start, absl::string_view end,
      const ScanOptions& options,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)>
          visit);

  // Reads an unversioned value; nullopt when absent.
  absl::StatusOr<std::optional<std::string>> GetInline(absl::string_view key);

 private:
  friend class Engine;
  Snapshot(Engine* engine, MDB_txn* txn, MDB_cursor* cursor);
  absl::Status CheckReadTimestamp(Timestamp ts) const;

  Engine* const engine_;
  MDB_txn* txn_;
  MDB_cursor* cursor_;
  std::string seek_buf_;  // reused: seeks build keys here
};

// Keeps GC from collecting versions a reader at `ts` still needs. Destroy it
// (on any thread) to release; must not outlive the Engine.
class ReadPin {
 public:
  ~ReadPin();
  ReadPin(const ReadPin&) = delete;
  ReadPin& operator=(const ReadPin&) = delete;
  Timestamp ts() const { return ts_; }

 private:
  friend class Engine;
  ReadPin(Engine* engine, Timestamp ts) : engine_(engine), ts_(ts) {}
  Engine* const engine_;
  const Timestamp ts_;
};

class Engine {
 public:
  // Opens (creating if needed) the store in directory `dir`.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(
      const std::string& dir, const EngineOptions& options = EngineOptions());
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Applies `batch` atomically and durably. Either every op applies or none
  // does; the returned Status says why not (intent conflict, WriteTooOld,
  // invalid input, disk full). Concurrent callers share one LMDB transaction
  // and one sync. A full LMDB map is grown transparently.
  absl::Status Write(const WriteBatch& batch);

  // Like Write(), but `fill` completes the batch as it joins the commit
  // queue, under the queue's lock: batches are applied in the order their
  // `fill` ran, so a caller can pick a commit timestamp in `fill` and know
  // that every batch stamped earlier is applied first (or in the same LMDB
  // transaction, before it). `fill` must be short and must not call into
  // the Engine. An empty batch after `fill` is not written.
  absl::Status Write(WriteBatch* batch,
                     absl::FunctionRef<void(WriteBatch*)> fill);

  // A new read view; kResourceExhausted when max_readers are in use.
  absl::StatusOr<std::unique_ptr<Snapshot>> NewSnapshot();

  // One-shot conveniences over a temporary snapshot.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key,
                                                 const ReadOptions& options);
  absl::StatusOr<std::optional<std::string>> GetInline(absl::string_view key);

  // Removes versions no reader at or above the GC threshold can see: for
  // each key, every version older than the newest one at or below the
  // threshold, and that one too if it is a tombstone. Intents and inline
  // values are never touched. The threshold is lowered to the oldest pinned
  // read timestamp, then recorded durably: later reads below it fail.
  absl::StatusOr<GcStats> GarbageCollect(Timestamp threshold);

  // Makes WriteBatch::CheckNoWritesAfter over exactly [start, end) cost
  // nothing while the span is unchanged: the engine keeps the newest
  // timestamp of any version written in it (found by one scan here, then
  // raised by every write it applies, committed or not), and a check at or
  // above that timestamp passes without reading the span; below it the
  // span is read as usual. For a span every transaction of some kind
  // validates and few change: the catalog, which DML validates on every
  // commit. Safe at any time (it runs inside a write transaction).
  absl::Status WatchWrites(absl::string_view start, absl::string_view end);

  // Checks the data file's structure as of now (storage/verify.h, over
  // the newest snapshot, pinned while it runs): kDataLoss naming the
  // damage. Reads the whole file.
  absl::Status VerifyFile();

  // Writes a compacted copy of the store as of now into directory `dir`
  // (a new or empty directory; LMDB's compacting copy, then flushed): a
  // store that Open() takes. kAlreadyExists when `dir` holds files.
  absl::Status CopyTo(const std::string& dir);

  // Pins `ts` against GC for the life of the returned object.
  std::unique_ptr<ReadPin> PinReads(Timestamp ts);
  // The same without an object: each Pin(ts) needs exactly one Unpin(ts).
  // For a caller that keeps the timestamp anyway (a transaction).
  void Pin(Timestamp ts);
  void Unpin(Timestamp ts);

  Timestamp gc_threshold() const;
  EngineStats stats() const;
  const std::string& dir() const { return dir_; }
  // Largest user key accepted (LMDB's key limit minus our suffix).
  size_t max_key_size() const { return max_key_size_; }

 private:
  friend class Snapshot;
  friend class ReadPin;
  struct PendingWrite;

  Engine(std::string dir, const EngineOptions& options);
  absl::Status Init();

  // Counts an LMDB transaction in or out; the map is resized only when none
  // is open in this process (an LMDB requirement).
  void EnterTxn();
  void ExitTxn();
  absl::Status GrowMap(size_t observed_size);

  // Runs `fn` in a write transaction and commits it, growing the map and
  // re-running `fn` from scratch on MDB_MAP_FULL.
  absl::Status RunWriteTxn(absl::FunctionRef<absl::Status(MDB_txn*)> fn);

  // Applies and commits the group in one LMDB transaction and sets each
  // batch's status; true if that transaction committed.
  bool ApplyGroup(std::vector<PendingWrite*>& group);
  // Called with commit_mu_ held and `w` queued; releases commit_mu_. Waits
  // for `w` to be applied by the current leader, or leads the next group.
  absl::Status LeadOrWait(PendingWrite* w) ABSL_UNLOCK_FUNCTION(commit_mu_);
  absl::Status ApplyBatch(MDB_txn* txn, const WriteBatch& batch);
  // One operation of a batch (not kWrites), through cursor `c` on `txn`;
  // `buffer` and `saved` are scratch space reused across operations.
  absl::Status ApplyOp(MDB_txn* txn, MDB_cursor* c, const WriteBatch::Op& op,
                       std::string* buffer, std::string* saved)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(watch_mu_);
  // A version of `key` at `ts` was written: raises the watched span holding
  // the key, if any.
  void NoteVersionWritten(absl::string_view key, Timestamp ts)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(watch_mu_);

  void ReturnReadTxn(MDB_txn* txn, MDB_cursor* cursor);

  const std::string dir_;
  const EngineOptions options_;
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
  size_t max_key_size_ = 0;

  // Transaction accounting for map resizes. Entering and leaving a
  // transaction touch only the two atomics (sequentially consistent, so a
  // reader entering and a resizer starting always see each other); the mutex
  // and condition variable only serialize resizers and wake waiters.
  std::atomic<int> open_txns_{0};
  std::atomic<bool> resizing_{false};
  mutable absl::Mutex txn_mu_;
  absl::CondVar txn_cv_;
  size_t map_size_ ABSL_GUARDED_BY(txn_mu_) = 0;
  uint64_t map_grows_ ABSL_GUARDED_BY(txn_mu_) = 0;

  // Group commit queue.
  mutable absl::Mutex commit_mu_;
  absl::CondVar commit_cv_;
  std::vector<PendingWrite*> queue_ ABSL_GUARDED_BY(commit_mu_);
  bool leader_active_ ABSL_GUARDED_BY(commit_mu_) = false;
  // The group the current leader applies, swapped with queue_ so both keep
  // their capacity. Only the leader (leader_active_) touches it, outside
  // commit_mu_.
  std::vector<PendingWrite*> leading_;
  // Writers seen around the last group: its batches plus those queued by
  // the time it finished.
  size_t active_writers_ ABSL_GUARDED_BY(commit_mu_) = 0;
  uint64_t batches_committed_ ABSL_GUARDED_BY(commit_mu_) = 0;
  uint64_t batches_failed_ ABSL_GUARDED_BY(commit_mu_) = 0;
  uint64_t syncs_ ABSL_GUARDED_BY(commit_mu_) = 0;

  // Read transaction pool (reset txns keep their reader slot).
  absl::Mutex pool_mu_;
  std::vector<std::pair<MDB_txn*, MDB_cursor*>> read_pool_
      ABSL_GUARDED_BY(pool_mu_);
  size_t read_pool_cap_ = 0;

  // Spans given to WatchWrites(), each with the newest timestamp written in
  // it. Only write transactions use them, and LMDB runs those one at a
  // time; the mutex states it.
  struct WatchedSpan {
    std::string start, end;
    Timestamp newest;
  };
  absl::Mutex watch_mu_ ABSL_ACQUIRED_AFTER(commit_mu_);
  std::vector<WatchedSpan> watched_ ABSL_GUARDED_BY(watch_mu_);

  // GC state.
  mutable absl::Mutex gc_mu_;
  Timestamp gc_threshold_ ABSL_GUARDED_BY(gc_mu_);
  // A B-tree: a transaction's pin and unpin mostly allocate nothing.
  absl::btree_multiset<Timestamp> pins_ ABSL_GUARDED_BY(gc_mu_);
};

// Adds the write of `record` to `batch`, as an unversioned value under
// keys::TxnRecordKey(record.id) in the system span.
void PutTxnRecord(WriteBatch* batch, const TxnRecord& record);

// Reads the transaction record of `id`: nullopt when none exists, kDataLoss
// when the stored bytes do not decode.
absl::StatusOr<std::optional<TxnRecord>> ReadTxnRecord(Engine* engine,
                                                       const TxnId& id);

// Maps an LMDB return code to a Status with a clear message naming `op`.
absl::Status LmdbError(int rc, absl::string_view op);

}  // namespace tessera::storage

#endif  // TESSERA_STORAGE_ENGINE_H_

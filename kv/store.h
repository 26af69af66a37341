// Store: the ranges one node holds, over that node's storage Engine.
//
// Thread-safe. Execute() checks that every key of a request lies in the range
// the request addresses; otherwise it answers with a range-moved error
// carrying the descriptor that owns the key now.

#ifndef TESSERA_KV_STORE_H_
#define TESSERA_KV_STORE_H_

#include <cstdint>
#include <atomic>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/hlc.h"
#include "kv/api.h"
#include "kv/range_descriptor.h"
#include "kv/sender.h"
#include "storage/engine.h"

namespace tessera::kv {

class Store {
 public:
  // Opens the store of `node_id` over `engine`, loading range descriptors
  // from the meta span. An empty engine is bootstrapped with two ranges:
  // [Min, TableDataStart) for meta and system keys and [TableDataStart, Max).
  // `engine` and `clock` are not owned and must outlive the Store.
  static absl::StatusOr<std::unique_ptr<Store>> Open(uint32_t node_id,
                                                     storage::Engine* engine,
                                                     HybridClock* clock);

  // Executes a batch addressed to one range (header.range_id). Writes apply
  // atomically in one storage batch; reads see the state before the batch.
  absl::StatusOr<BatchResponse> Execute(const BatchRequest& request);

  // Reads one key at header.ts from the range header.range_id: Execute()
  // of a single Get without building a batch. Sets *found and, when
  // found, *value (reusing its buffer).
  absl::Status Get(const BatchHeader& header, absl::string_view key, std::string* value,
                   bool* found);

  // Visits the rows of one Scan request addressed to one range
  // (header.range_id), in scan order, without copying them: the views
  // alias storage and are valid only during the call. `visit` returns
  // false to stop; scan.max_rows is ignored. Addressing is checked before
  // any row is visited. `visit` may call into this Store again.
  absl::Status StreamScan(const BatchHeader& header, const KvRequest& scan,
                          RowVisitor visit);

  // A read timestamp above every commit already stamped on this node.
  // Commits stamped below it may still be on their way to disk; Execute()
  // makes a read at this timestamp wait for the ones writing keys it reads,
  // so a snapshot never misses a commit that lands later.
  Timestamp NewReadTimestamp();

  // Validates and applies a transaction in one storage batch at a commit
  // timestamp above every read timestamp handed out before. Returns the
  // commit timestamp, or kAborted (SQLSTATE 40001) when a read span was
  // written after read_ts. Keys must all belong to ranges of this store.
  //
  // One node only: concurrent commits are applied in timestamp order and
  // share a sync (group commit); reads wait for in-flight commits of the
  // keys they read. The cluster issue
  // replaces this with intents, a timestamp cache and two-phase commit.
  absl::StatusOr<Timestamp> CommitOnePhase(const OnePhaseCommitRequest& request);

  // Splits the range holding `split_key` into [start, split_key) and
  // [split_key, end). Metadata only: both descriptors change in one batch.
  // Returns (left, right). kInvalidArgument when split_key is a range
  // boundary already or outside the key space.
  absl::StatusOr<std::pair<RangeDescriptor, RangeDescriptor>> SplitRange(
      absl::string_view split_key);

  // The descriptor of the range holding `key`; kNotFound when none here.
  absl::StatusOr<RangeDescriptor> LookupRange(absl::string_view key) const;

  // All ranges, in key order.
  std::vector<RangeDescriptor> Ranges() const;

  uint32_t node_id() const { return node_id_; }

 private:
  Store(uint32_t node_id, storage::Engine* engine, HybridClock* clock)
      : node_id_(node_id), engine_(engine), clock_(clock) {}
  absl::Status LoadOrBootstrap();
  absl::Status CheckAddressing(const BatchRequest& request) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The error for a request whose key no range of this store holds.
  absl::Status NoRangeFor(absl::string_view key) const;
  const RangeDescriptor* FindByKey(absl::string_view key) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // Adds to `batch` a new persisted clock watermark when `ts` reaches the
  // current one; returns the watermark written (or nullopt). Call
  // WatermarkWritten() once the batch is durable.
  std::optional<Timestamp> MaybeMarkClock(storage::WriteBatch* batch, Timestamp ts);
  void WatermarkWritten(std::optional<Timestamp> mark);

  const uint32_t node_id_;
  storage::Engine* const engine_;
  HybridClock* const clock_;

  // The persisted upper bound of this store's commit timestamps: on restart
  // the clock moves past it, so a restarted node never reads below its own
  // commits. Written ahead (kWatermarkLeadMs) so most commits need not
  // write it. Only grows.
  static constexpr int64_t kWatermarkLeadMs = 1000;
  std::atomic<int64_t> watermark_wall_ms_{0};

  // A commit stamped but not yet applied (or failed), and the keys it
  // writes (sorted; they alias the request).
  struct InFlightCommit {
    Timestamp ts;
    std::vector<absl::string_view> keys;
  };
  // Whether `request` reads a key that `commit` writes.
  static bool WaitsForInFlight(const BatchRequest& request,
                               const InFlightCommit& commit);
  // Waits until no in-flight commit stamped below the request's timestamp
  // writes a key the request reads: the snapshot then holds every commit
  // the request can see. Reads of other keys never wait, so a reader does
  // not wait for the syncs of unrelated commits.
  void AwaitInFlightWrites(const BatchRequest& request);
  // Waits until no in-flight commit stamped below `ts` satisfies
  // `reads_from` (the reader reads a key it writes).
  void AwaitInFlight(Timestamp ts, absl::FunctionRef<bool(const InFlightCommit&)> reads_from);

  absl::Mutex in_flight_mu_;
  absl::btree_map<Timestamp, const InFlightCommit*> in_flight_
      ABSL_GUARDED_BY(in_flight_mu_);
  // in_flight_.size(), readable without the lock: a reader whose timestamp
  // was handed out after this was last 0 has nothing to wait for.
  std::atomic<int> in_flight_count_{0};

  // Held shared by requests, exclusively by descriptor changes, so no request
  // runs against a range while its bounds move.
  mutable absl::Mutex mu_;
  // Keyed by end key: the first entry with end > k holds k.
  absl::btree_map<std::string, RangeDescriptor> by_end_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tessera::kv

#endif  // TESSERA_KV_STORE_H_

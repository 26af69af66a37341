// Database: one embedded node — its store, transport, DistSender and
// transaction coordinator — opened on a directory. Sessions run SQL on it.
//
// Thread-safety: thread-safe; create one Session per thread.

#ifndef TESSERA_SESSION_DATABASE_H_
#define TESSERA_SESSION_DATABASE_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/hlc.h"
#include "kv/dist_sender.h"
#include "kv/local_transport.h"
#include "kv/store.h"
#include "storage/engine.h"
#include "txn/txn.h"

namespace tessera::session {

struct DatabaseOptions {
  storage::EngineOptions engine;
  // When > 0, a table's range is split after about this many inserted rows
  // (at the last key inserted): a large table then spans several ranges,
  // whose scan fragments run in parallel. Tests set it small to spread
  // small data sets over many ranges; 0 never splits.
  int64_t split_rows = 50'000;
  // MVCC garbage collection (DESIGN.md §3): a background pass removes the
  // row versions that no reader can see any more — those older than
  // `gc_ttl` and hidden under a newer version, and deleted rows'
  // tombstones — except what an open explicit transaction's snapshot
  // still reads (those pin their read timestamp; a statement's implicit
  // transaction runs again if a pass overtakes it). It looks every
  // `gc_interval`, and walks the store only once writes older than
  // `gc_ttl` have happened since its last pass. absl::InfiniteDuration()
  // turns it off; VACUUM collects at once.
  absl::Duration gc_ttl = absl::Minutes(10);
  absl::Duration gc_interval = absl::Seconds(30);
  // Asks glibc's malloc (once per process) to keep up to 1 GiB of freed
  // memory instead of handing it back to the kernel at once: a query's
  // rows are allocated and freed wholesale, and with the defaults every
  // query faults its memory in afresh (the W5 script took 0.48 s with
  // glibc's defaults, 0.42 s with this).
  // Process-wide: an embedding application that tunes malloc itself sets
  // this false.
  bool tune_malloc = true;
};

class Database {
 public:
  // Opens (creating on first use) the store in `dir`.
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      const std::string& dir, const DatabaseOptions& options = DatabaseOptions());

  txn::TxnCoordinator* coordinator() { return coordinator_.get(); }
  kv::Store* store() { return store_.get(); }
  kv::DistSender* sender() { return sender_.get(); }
  HybridClock* clock() { return &clock_; }
  const DatabaseOptions& options() const { return options_; }
  // One GC pass now: removes the versions older than `ttl` before now
  // that no reader can see (those an open transaction reads are kept).
  // The background pass calls it with options().gc_ttl; VACUUM with 0.
  absl::StatusOr<storage::GcStats> CollectGarbage(absl::Duration ttl);

  // How many background GC passes have run, and how many versions they
  // removed in all (monitoring and tests).
  uint64_t gc_passes() const { return gc_passes_.load(); }
  uint64_t gc_versions_removed() const { return gc_versions_removed_.load(); }

  // Writes a compacted copy of the store into directory `dir` (VACUUM
  // INTO): a store Open() takes, as of now. kAlreadyExists when `dir`
  // holds files.
  absl::Status CopyTo(const std::string& dir) { return engine_->CopyTo(dir); }

  // Checks the structure of the store's data file (storage::Engine::
  // VerifyFile): kDataLoss naming the damage.
  absl::Status VerifyStoreFile() { return engine_->VerifyFile(); }
  // Whether commits are durable (EngineOptions::durable).
  bool durable() const { return options_.engine.durable; }
  // The store's directory, as Open() was given it.
  const std::string& dir() const { return dir_; }

  // Begins a transaction and returns in `*schema_version` the schema
  // version its snapshot sees: plans bound under that version are valid
  // for it. Atomic with CommitSchemaChange(). With `pin_snapshot`, the
  // versions its snapshot reads are kept from GC until the Txn is
  // destroyed. Without, a GC pass may pass them (a read then fails with
  // ErrorKind::kReadBelowGc): for a caller that runs the transaction again
  // from the start then, as a statement's implicit transaction is — it
  // saves the pin's cost (about 0.1 µs, 5-7% of a prepared point select).
  absl::StatusOr<std::unique_ptr<txn::Txn>> Begin(uint64_t* schema_version,
                                                  bool pin_snapshot = true);

  // Commits `txn`, which changed the schema, and moves to a new schema
  // version so no cached plan of the old one is used again.
  absl::Status CommitSchemaChange(txn::Txn* txn);

  // Drops the TEMP objects (and their rows) of sessions of an earlier
  // process: done once when the store opens.
  absl::Status DropLeftoverTempObjects();

  // Splits the range holding `key` at `key` and tells the gateway's range
  // cache, so the next plans see both halves. kInvalidArgument when `key`
  // is a range boundary already.
  absl::Status SplitAt(const std::string& key);

  // Whether this Database still exists, for sessions that may outlive it
  // (a session drops its TEMP objects when it ends, if it still can).
  // Holding `mu` keeps the Database from being destroyed meanwhile.
  struct Liveness {
    absl::Mutex mu;
    bool alive ABSL_GUARDED_BY(mu) = true;
  };
  std::shared_ptr<Liveness> liveness() const { return liveness_; }
  ~Database();

  // Called after a committed INSERT added `rows` rows to table `table_id`,
  // the last with primary key `last_key`; splits when split_rows says so.
  void NoteInsertedRows(uint32_t table_id, int64_t rows, const std::string& last_key);

 private:
  Database() = default;

  // The background GC thread's loop (runs until ~Database).
  void GcLoop();

  DatabaseOptions options_;
  std::string dir_;
  const std::shared_ptr<Liveness> liveness_ = std::make_shared<Liveness>();
  // Held shared while a transaction begins, exclusively while a schema
  // change commits: a snapshot and its schema version always agree.
  absl::Mutex schema_mu_;
  uint64_t schema_version_ ABSL_GUARDED_BY(schema_mu_) = 1;
  absl::Mutex split_mu_;
  absl::flat_hash_map<uint32_t, int64_t> rows_since_split_ ABSL_GUARDED_BY(split_mu_);

  // The engine the read pins of transactions go back to; null once it is
  // gone (a Txn may outlive the Database: then there is nothing to
  // unpin). Shared with every Txn begun here.
  struct PinGuard {
    absl::Mutex mu;
    storage::Engine* engine ABSL_GUARDED_BY(mu) = nullptr;
  };
  // Txn::OnDestroy: unpins `read_ts` (context: the PinGuard).
  static void ReleasePin(void* guard, Timestamp read_ts);
  const std::shared_ptr<PinGuard> pin_guard_ = std::make_shared<PinGuard>();

  // The GC thread and what it knows of the writes since its last pass.
  absl::Mutex gc_mu_;
  bool gc_stop_ ABSL_GUARDED_BY(gc_mu_) = false;
  std::thread gc_thread_;
  std::atomic<uint64_t> gc_passes_{0};
  std::atomic<uint64_t> gc_versions_removed_{0};

  HybridClock clock_{SystemClock::Default(), absl::Milliseconds(500)};
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<kv::Store> store_;
  kv::LocalTransport transport_;
  std::unique_ptr<kv::DistSender> sender_;
  std::unique_ptr<txn::TxnCoordinator> coordinator_;
};

}  // namespace tessera::session

#endif  // TESSERA_SESSION_DATABASE_H_

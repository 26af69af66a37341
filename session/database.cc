#include "session/database.h"

#include <malloc.h>

#include <mutex>
#include <optional>

#include "catalog/catalog.h"
#include "catalog/row_codec.h"
#include "common/key_encoding.h"

namespace tessera::session {

namespace {

void TuneMalloc() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Fixed thresholds (which also stop glibc's dynamic adjustment): blocks
    // below 64 MiB come from the heap, and a heap keeps up to 1 GiB free.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  });
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const std::string& dir, const DatabaseOptions& options) {
  if (options.tune_malloc) TuneMalloc();
  std::unique_ptr<Database> db(new Database());
  db->options_ = options;
  db->dir_ = dir;
  absl::StatusOr<std::unique_ptr<storage::Engine>> engine =
      storage::Engine::Open(dir, options.engine);
  if (!engine.ok()) return engine.status();
  db->engine_ = *std::move(engine);
  {
    absl::MutexLock l(&db->pin_guard_->mu);
    db->pin_guard_->engine = db->engine_.get();
  }
  // Every DML commit validates the catalog span (the descriptors it used
  // are still current): answered from the newest write the engine saw in
  // it instead of a scan of every descriptor.
  const auto& [catalog_start, catalog_end] = catalog::ObjectSpan();
  if (absl::Status s = db->engine_->WatchWrites(catalog_start, catalog_end); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<kv::Store>> store =
      kv::Store::Open(1, db->engine_.get(), &db->clock_);
  if (!store.ok()) return store.status();
  db->store_ = *std::move(store);
  db->transport_.AddStore(db->store_.get());
  db->sender_ = std::make_unique<kv::DistSender>(&db->transport_, 1);
  db->coordinator_ =
      std::make_unique<txn::TxnCoordinator>(db->sender_.get(), &db->transport_, 1);
  if (absl::Status s = db->DropLeftoverTempObjects(); !s.ok()) return s;
  if (options.gc_ttl != absl::InfiniteDuration()) {
    db->gc_thread_ = std::thread([d = db.get()] { d->GcLoop(); });
  }
  return db;
}

absl::StatusOr<storage::GcStats> Database::CollectGarbage(absl::Duration ttl) {
  // The clock's now is past every timestamp it handed out (the last
  // commit's too): with no TTL, everything written so far is old enough.
  // With one, the threshold is the end of the millisecond `ttl` ago, so
  // that every commit made in it is old enough (the loop below notes
  // writes by wall time, not by their logical counter within a
  // millisecond; with the counter at 0, commits in that millisecond were
  // left for good).
  Timestamp threshold = clock_.Now();
  if (ttl > absl::ZeroDuration()) {
    threshold = Timestamp{threshold.wall_ms - absl::ToInt64Milliseconds(ttl), UINT32_MAX};
  }
  if (threshold.wall_ms <= 0) return storage::GcStats();
  return engine_->GarbageCollect(threshold);
}

void Database::GcLoop() {
  // Garbage appears only when a version is written over (UPDATE, DELETE,
  // REPLACE), and can go once that write is older than the TTL. Each look
  // notes whether commits happened since the last one (at that look's
  // time, an upper bound of theirs); a pass runs once the first noted
  // write is older than the TTL, and a store nobody writes to is never
  // walked. Writes newer than a pass's threshold bring one more pass, when
  // the newest of them is older than the TTL.
  // Writes before this loop began (this process's since Open, or an
  // earlier process's) count as made at its start: one pass a TTL after
  // the store opens takes their garbage.
  uint64_t seen_commits = engine_->stats().batches_committed;
  std::optional<absl::Time> first_write = absl::Now(), last_write = first_write;
  absl::MutexLock l(&gc_mu_);
  while (!gc_stop_) {
    gc_mu_.AwaitWithTimeout(absl::Condition(&gc_stop_), options_.gc_interval);
    if (gc_stop_) break;
    // The count first, then the time: every commit counted was made
    // before `now`. (The other way round, a commit between the two was
    // noted at a time before it was made, and a pass at that time missed
    // it for good.)
    const uint64_t commits = engine_->stats().batches_committed;
    const absl::Time now = absl::Now();
    if (commits != seen_commits) {
      if (!first_write.has_value()) first_write = now;
      last_write = now;
      seen_commits = commits;
    }
    if (!first_write.has_value() || now - *first_write < options_.gc_ttl) continue;
    const absl::Time threshold = now - options_.gc_ttl;
    gc_mu_.Unlock();
    absl::StatusOr<storage::GcStats> stats = CollectGarbage(options_.gc_ttl);
    gc_mu_.Lock();
    if (!stats.ok()) continue;  // tried again at the next look
    gc_passes_.fetch_add(1);
    gc_versions_removed_.fetch_add(stats->versions_removed);
    // The pass records its threshold with one commit of its own, which is
    // no reason for another; any other commit since the look is a write
    // made before now.
    const uint64_t after = engine_->stats().batches_committed;
    if (after - commits > 1) last_write = absl::Now();
    seen_commits = after;
    if (*last_write > threshold) {
      first_write = last_write;
    } else {
      first_write.reset();
    }
  }
}

Database::~Database() {
  {
    absl::MutexLock l(&gc_mu_);
    gc_stop_ = true;
  }
  if (gc_thread_.joinable()) gc_thread_.join();
  {
    absl::MutexLock l(&pin_guard_->mu);
    pin_guard_->engine = nullptr;
  }
  absl::MutexLock l(&liveness_->mu);
  liveness_->alive = false;
}

absl::Status Database::DropLeftoverTempObjects() {
  // Sessions drop their TEMP objects when they end; a process that died
  // left its own behind, and no session of it can come back.
  uint64_t version = 0;
  absl::StatusOr<std::unique_ptr<txn::Txn>> txn = Begin(&version);
  if (!txn.ok()) return txn.status();
  absl::StatusOr<std::vector<catalog::SchemaObject>> temps = catalog::AllTempObjects(txn->get());
  if (!temps.ok()) return temps.status();
  if (temps->empty()) {
    (*txn)->Rollback();
    return absl::OkStatus();
  }
  for (const catalog::SchemaObject& o : *temps) {
    if (!o.table.has_value()) continue;
    const std::string prefix = catalog::TablePrefix(o.table->id);
    std::vector<std::string> keys;
    absl::Status s = (*txn)->Scan(prefix, PrefixEnd(prefix), false,
                                  [&](absl::string_view k, absl::string_view) {
                                    keys.emplace_back(k);
                                    return true;
                                  });
    if (!s.ok()) return s;
    for (const std::string& k : keys) (*txn)->Delete(k);
  }
  if (absl::Status s = catalog::DeleteAllTempObjects(txn->get()); !s.ok()) return s;
  return CommitSchemaChange(txn->get());
}

absl::StatusOr<std::unique_ptr<txn::Txn>> Database::Begin(uint64_t* schema_version,
                                                          bool pin_snapshot) {
  absl::ReaderMutexLock l(&schema_mu_);
  *schema_version = schema_version_;
  absl::StatusOr<std::unique_ptr<txn::Txn>> txn = coordinator_->Begin();
  if (!txn.ok() || !pin_snapshot) return txn;
  // Pinned until the Txn goes: GC keeps every version its snapshot reads.
  engine_->Pin((*txn)->read_ts());
  (*txn)->set_on_destroy(&ReleasePin, pin_guard_);
  return txn;
}

void Database::ReleasePin(void* guard, Timestamp read_ts) {
  auto* g = static_cast<PinGuard*>(guard);
  absl::ReaderMutexLock l(&g->mu);
  if (g->engine != nullptr) g->engine->Unpin(read_ts);
}

absl::Status Database::CommitSchemaChange(txn::Txn* txn) {
  absl::MutexLock l(&schema_mu_);
  absl::Status s = txn->Commit();
  if (s.ok()) ++schema_version_;
  return s;
}

absl::Status Database::SplitAt(const std::string& key) {
  absl::StatusOr<std::pair<kv::RangeDescriptor, kv::RangeDescriptor>> halves =
      store_->SplitRange(key);
  if (!halves.ok()) return halves.status();
  sender_->cache().Insert(halves->first);
  sender_->cache().Insert(halves->second);
  return absl::OkStatus();
}

void Database::NoteInsertedRows(uint32_t table_id, int64_t rows,
                                const std::string& last_key) {
  if (options_.split_rows <= 0 || rows <= 0) return;
  {
    absl::MutexLock l(&split_mu_);
    int64_t& n = rows_since_split_[table_id];
    n += rows;
    if (n < options_.split_rows) return;
    n = 0;
  }
  // A boundary that exists already is fine: the split is only a hint.
  (void)SplitAt(last_key);
}

}  // namespace tessera::session

#include "session/database.h"

#include <malloc.h>

#include <mutex>

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
  return db;
}

Database::~Database() {
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

absl::StatusOr<std::unique_ptr<txn::Txn>> Database::Begin(uint64_t* schema_version) {
  absl::ReaderMutexLock l(&schema_mu_);
  *schema_version = schema_version_;
  return coordinator_->Begin();
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

// Storage benchmarks: each MVCC operation beside the same operation on raw
// LMDB in the same binary, so their ratio is visible in one run.
//
//   bazel run -c opt //bench:storage_bench
//   bench/storage_ratios.sh        (runs it and prints MVCC/raw ratios)
//
// Both sides use the same keys, values, LMDB flags (MDB_NOTLS, and MDB_NOSYNC
// for the write benchmarks, so they measure the code path, not the disk).

#include <lmdb.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "storage/engine.h"

namespace tessera {
namespace {

constexpr int kRows = 100000;
constexpr int kValueSize = 100;

std::string RowKey(int i) { return absl::StrFormat("t/%08d", i); }
std::string RowValue(int i) {
  std::string v = absl::StrFormat("value-%d-", i);
  v.resize(kValueSize, 'x');
  return v;
}

// Keys formatted once, so the timed loops measure the lookup, not formatting.
const std::vector<std::string>& AllKeys() {
  static const std::vector<std::string>* keys = [] {
    auto* v = new std::vector<std::string>();
    for (int i = 0; i < kRows; ++i) v->push_back(RowKey(i));
    return v;
  }();
  return *keys;
}

std::string BenchDir(const char* name) {
  std::string dir = absl::StrFormat("%s/tessera-bench-%s-%d",
                                    std::filesystem::temp_directory_path().string(),
                                    name, getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void Check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) {
    std::fprintf(stderr, "%s: %s\n", what, mdb_strerror(rc));
    std::abort();
  }
}

// A plain LMDB environment with one default-compare database.
struct RawLmdb {
  MDB_env* env = nullptr;
  MDB_dbi dbi = 0;
  std::string dir;

  explicit RawLmdb(const char* name, bool nosync) : dir(BenchDir(name)) {
    Check(mdb_env_create(&env), "create");
    Check(mdb_env_set_mapsize(env, size_t{1} << 30), "mapsize");
    Check(mdb_env_open(env, dir.c_str(), MDB_NOTLS | (nosync ? MDB_NOSYNC : 0),
                       0644),
          "open");
    MDB_txn* txn;
    Check(mdb_txn_begin(env, nullptr, 0, &txn), "begin");
    Check(mdb_dbi_open(txn, nullptr, 0, &dbi), "dbi");
    Check(mdb_txn_commit(txn), "commit");
  }
  ~RawLmdb() {
    mdb_env_close(env);
    std::filesystem::remove_all(dir);
  }
  void Load(int rows) {
    MDB_txn* txn;
    Check(mdb_txn_begin(env, nullptr, 0, &txn), "begin");
    for (int i = 0; i < rows; ++i) {
      std::string k = RowKey(i), v = RowValue(i);
      MDB_val kv{k.size(), k.data()}, vv{v.size(), v.data()};
      Check(mdb_put(txn, dbi, &kv, &vv, 0), "put");
    }
    Check(mdb_txn_commit(txn), "commit");
  }
};

struct Mvcc {
  std::unique_ptr<storage::Engine> engine;
  std::string dir;

  explicit Mvcc(const char* name, bool nosync) : dir(BenchDir(name)) {
    storage::EngineOptions o;
    o.initial_map_size = size_t{1} << 30;
    o.durable = !nosync;
    auto e = storage::Engine::Open(dir, o);
    if (!e.ok()) std::abort();
    engine = std::move(*e);
  }
  ~Mvcc() {
    engine.reset();
    std::filesystem::remove_all(dir);
  }
  void Load(int rows) {
    storage::WriteBatch b;
    for (int i = 0; i < rows; ++i) b.Put(RowKey(i), Timestamp{100, 0}, RowValue(i));
    if (!engine->Write(b).ok()) std::abort();
  }
};

// --- point get inside one open read transaction --------------------------

void BM_PointGet_RawLmdb(benchmark::State& state) {
  static RawLmdb* db = [] {
    auto* d = new RawLmdb("raw-get", true);
    d->Load(kRows);
    return d;
  }();
  MDB_txn* txn;
  Check(mdb_txn_begin(db->env, nullptr, MDB_RDONLY, &txn), "begin");
  std::mt19937 rng(1);
  const std::vector<std::string>& keys = AllKeys();
  std::string out;
  for (auto _ : state) {
    const std::string& key = keys[rng() % kRows];
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v;
    Check(mdb_get(txn, db->dbi, &k, &v), "get");
    out.assign(static_cast<char*>(v.mv_data), v.mv_size);
    benchmark::DoNotOptimize(out);
  }
  mdb_txn_abort(txn);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PointGet_RawLmdb);

void BM_PointGet_Mvcc(benchmark::State& state) {
  static Mvcc* db = [] {
    auto* d = new Mvcc("mvcc-get", true);
    d->Load(kRows);
    return d;
  }();
  auto snap = db->engine->NewSnapshot();
  storage::ReadOptions ro{Timestamp{200, 0}};
  std::mt19937 rng(1);
  const std::vector<std::string>& keys = AllKeys();
  std::string out;
  bool found = false;
  for (auto _ : state) {
    const std::string& key = keys[rng() % kRows];
    if (!(*snap)->Get(key, ro, &out, &found).ok() || !found) std::abort();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PointGet_Mvcc);

// --- point get with its own read transaction each time -------------------

void BM_PointGetOwnTxn_RawLmdb(benchmark::State& state) {
  static RawLmdb* db = [] {
    auto* d = new RawLmdb("raw-get-txn", true);
    d->Load(kRows);
    return d;
  }();
  std::mt19937 rng(1);
  const std::vector<std::string>& keys = AllKeys();
  std::string out;
  for (auto _ : state) {
    const std::string& key = keys[rng() % kRows];
    MDB_txn* txn;
    Check(mdb_txn_begin(db->env, nullptr, MDB_RDONLY, &txn), "begin");
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v;
    Check(mdb_get(txn, db->dbi, &k, &v), "get");
    out.assign(static_cast<char*>(v.mv_data), v.mv_size);
    mdb_txn_abort(txn);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PointGetOwnTxn_RawLmdb);

void BM_PointGetOwnTxn_Mvcc(benchmark::State& state) {
  static Mvcc* db = [] {
    auto* d = new Mvcc("mvcc-get-txn", true);
    d->Load(kRows);
    return d;
  }();
  storage::ReadOptions ro{Timestamp{200, 0}};
  std::mt19937 rng(1);
  const std::vector<std::string>& keys = AllKeys();
  std::string out;
  bool found = false;
  for (auto _ : state) {
    const std::string& key = keys[rng() % kRows];
    auto snap = db->engine->NewSnapshot();
    if (!(*snap)->Get(key, ro, &out, &found).ok() || !found) std::abort();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PointGetOwnTxn_Mvcc);

// --- put batch: 100 rows in one write transaction -------------------------

constexpr int kBatch = 100;

void BM_PutBatch100_RawLmdb(benchmark::State& state) {
  RawLmdb db("raw-put", true);
  int next = 0;
  std::string key, value = RowValue(0);
  for (auto _ : state) {
    MDB_txn* txn;
    Check(mdb_txn_begin(db.env, nullptr, 0, &txn), "begin");
    for (int i = 0; i < kBatch; ++i) {
      key = RowKey(next++);
      MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
      Check(mdb_put(txn, db.dbi, &k, &v, 0), "put");
    }
    Check(mdb_txn_commit(txn), "commit");
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_PutBatch100_RawLmdb);

void BM_PutBatch100_Mvcc(benchmark::State& state) {
  Mvcc db("mvcc-put", true);
  int next = 0;
  std::string value = RowValue(0);
  storage::WriteBatch b;
  for (auto _ : state) {
    b.Clear();
    for (int i = 0; i < kBatch; ++i) b.Put(RowKey(next++), Timestamp{100, 0}, value);
    if (!db.engine->Write(b).ok()) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_PutBatch100_Mvcc);

// --- scan 1,000 rows --------------------------------------------------------

constexpr int kScanRows = 1000;

void BM_Scan1000_RawLmdb(benchmark::State& state) {
  static RawLmdb* db = [] {
    auto* d = new RawLmdb("raw-scan", true);
    d->Load(kRows);
    return d;
  }();
  std::mt19937 rng(1);
  MDB_txn* txn;
  Check(mdb_txn_begin(db->env, nullptr, MDB_RDONLY, &txn), "begin");
  MDB_cursor* c;
  Check(mdb_cursor_open(txn, db->dbi, &c), "cursor");
  const std::vector<std::string>& keys = AllKeys();
  for (auto _ : state) {
    const std::string& start = keys[rng() % (kRows - kScanRows)];
    MDB_val k{start.size(), const_cast<char*>(start.data())}, v;
    size_t bytes = 0;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    for (int i = 0; i < kScanRows && rc == MDB_SUCCESS; ++i) {
      bytes += k.mv_size + v.mv_size;
      rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    benchmark::DoNotOptimize(bytes);
  }
  mdb_cursor_close(c);
  mdb_txn_abort(txn);
  state.SetItemsProcessed(state.iterations() * kScanRows);
}
BENCHMARK(BM_Scan1000_RawLmdb);

void BM_Scan1000_Mvcc(benchmark::State& state) {
  static Mvcc* db = [] {
    auto* d = new Mvcc("mvcc-scan", true);
    d->Load(kRows);
    return d;
  }();
  std::mt19937 rng(1);
  auto snap = db->engine->NewSnapshot();
  storage::ScanOptions opts;
  opts.read.ts = Timestamp{200, 0};
  opts.max_rows = kScanRows;
  const std::vector<std::string>& keys = AllKeys();
  for (auto _ : state) {
    const std::string& start = keys[rng() % (kRows - kScanRows)];
    size_t bytes = 0;
    auto r = (*snap)->Scan(start, "", opts,
                           [&](absl::string_view k, absl::string_view v) {
                             bytes += k.size() + v.size();
                             return true;
                           });
    if (!r.ok() || r->rows != kScanRows) std::abort();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kScanRows);
}
BENCHMARK(BM_Scan1000_Mvcc);

}  // namespace
}  // namespace tessera

int main(int argc, char** argv) {
  // Debian's Abseil is built with mutex deadlock detection on; a server would
  // turn it off in main() as well.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// SQL-level benchmarks on the embedded engine (one node, durable store):
//   BulkInsert200k   200,000 rows in one transaction, multi-row INSERTs of 500
//   PointSelect      SELECT by primary key on a 200,000-row table (text;
//                    PointSelectPrepared: parsed once)
//   AutocommitInsertNoSync  one-row INSERTs, each its own transaction, on a
//                    store without fsync (W2's CPU, not its flushes)
//   AutocommitInsertManyTables/1000  the same beside 1,000 other tables
//   AutocommitInsertNoSyncCold/4096  the same with 4 MiB of other memory
//                    walked (untimed) before each insert, as the caches look
//                    after a flush wait
//   ScanAggregate    SELECT count(*), sum(n), avg(n) ... WHERE n % 7 = 3
//   ScanGroupBy      SELECT n % 100, count(*) ... GROUP BY n % 100 (W4's other half)
// Each reports rows (or queries) per second.
//
//   bazel run -c opt //bench:sql_bench -- --benchmark_min_time=1

#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "session/session.h"

namespace tessera {
namespace {

constexpr int kRows = 200000;
constexpr int kPerStatement = 500;

std::string Dir(const char* name) {
  std::string d = absl::StrCat(std::filesystem::temp_directory_path().string(),
                               "/tessera-sqlbench-", name, "-", getpid());
  std::filesystem::remove_all(d);
  return d;
}

void Must(const absl::StatusOr<session::ResultSet>& r) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    std::abort();
  }
}

void Load(session::Session& s) {
  Must(s.Execute("CREATE TABLE kv(k INTEGER PRIMARY KEY, n INTEGER, s TEXT)"));
  Must(s.Execute("BEGIN"));
  for (int i = 0; i < kRows; i += kPerStatement) {
    std::string sql = "INSERT INTO kv VALUES ";
    for (int j = i; j < i + kPerStatement; ++j) {
      absl::StrAppend(&sql, j > i ? "," : "", "(", j, ",", (j * 7919) % 100000, ",'row", j, "')");
    }
    Must(s.Execute(sql));
  }
  Must(s.Execute("COMMIT"));
}

void BM_BulkInsert200k(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    std::string dir = Dir("bulk");
    auto db = session::Database::Open(dir);
    if (!db.ok()) std::abort();
    session::Session s(db->get());
    state.ResumeTiming();
    Load(s);
    state.PauseTiming();
    db->reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_BulkInsert200k)->Unit(benchmark::kMillisecond)->Iterations(2);

struct Loaded {
  std::unique_ptr<session::Database> db;
  std::unique_ptr<session::Session> session;
};

Loaded* Shared() {
  static Loaded* loaded = [] {
    auto* l = new Loaded;
    auto db = session::Database::Open(Dir("shared"));
    if (!db.ok()) std::abort();
    l->db = std::move(*db);
    l->session = std::make_unique<session::Session>(l->db.get());
    Load(*l->session);
    return l;
  }();
  return loaded;
}

void BM_PointSelect(benchmark::State& state) {
  Loaded* l = Shared();
  std::mt19937 rng(1);
  for (auto _ : state) {
    auto r = l->session->Execute("SELECT n, s FROM kv WHERE k = ?",
                                 {Value::Integer(rng() % kRows)});
    if (!r.ok() || r->rows.size() != 1) std::abort();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PointSelect);

// The same query parsed once (as tsr_prepare and Connection::Prepare do).
void BM_PointSelectPrepared(benchmark::State& state) {
  Loaded* l = Shared();
  auto prepared = session::Session::Prepare("SELECT n, s FROM kv WHERE k = ?");
  if (!prepared.ok()) std::abort();
  std::mt19937 rng(1);
  std::vector<Value> params(1);
  for (auto _ : state) {
    params[0] = Value::Integer(rng() % kRows);
    auto r = l->session->ExecutePrepared(**prepared, params);
    if (!r.ok() || r->rows.size() != 1) std::abort();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PointSelectPrepared);

// Autocommit single-row INSERTs (W2's statement) on a store that does not
// sync: what each statement costs in CPU, from text to LMDB commit,
// without the device's flush latency (which dominates W2 and varies).
// `other_tables` tables are created first. With `evict_kib` > 0 that much
// other memory is walked (untimed) before each insert, so the statement
// runs on caches that hold someone else's lines, as it does after each
// flush wait on disk.
void AutocommitInserts(benchmark::State& state, const char* name, int64_t other_tables,
                       size_t evict_kib) {
  std::string dir = Dir(name);
  session::DatabaseOptions options;
  options.engine.durable = false;
  auto db = session::Database::Open(dir, options);
  if (!db.ok()) std::abort();
  session::Session s(db->get());
  for (int64_t i = 0; i < other_tables; ++i) {
    Must(s.Execute(absl::StrCat("CREATE TABLE other", i, "(k INTEGER PRIMARY KEY, v TEXT)")));
  }
  Must(s.Execute("CREATE TABLE w2(k INTEGER PRIMARY KEY, v INTEGER)"));
  std::vector<char> evict(evict_kib * 1024, 1);
  int64_t k = 0, sum = 0;
  for (auto _ : state) {
    if (!evict.empty()) {
      state.PauseTiming();
      for (size_t i = 0; i < evict.size(); i += 64) sum += evict[i]++;
      state.ResumeTiming();
    }
    Must(s.Execute(absl::StrCat("INSERT INTO w2 VALUES (", k, ", ", k, ")")));
    ++k;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
  db->reset();
  std::filesystem::remove_all(dir);
}

void BM_AutocommitInsertNoSync(benchmark::State& state) {
  AutocommitInserts(state, "autocommit", 0, 0);
}
BENCHMARK(BM_AutocommitInsertNoSync);

// Beside range(0) other tables: what a commit's check that no schema change
// raced it costs as the catalog grows.
void BM_AutocommitInsertManyTables(benchmark::State& state) {
  AutocommitInserts(state, "autocommit-tables", state.range(0), 0);
}
BENCHMARK(BM_AutocommitInsertManyTables)->Arg(1000);

// With range(0) KiB evicted before each insert.
void BM_AutocommitInsertNoSyncCold(benchmark::State& state) {
  AutocommitInserts(state, "autocommit-cold", 0, static_cast<size_t>(state.range(0)));
}
BENCHMARK(BM_AutocommitInsertNoSyncCold)->Arg(4096);

void BM_ScanAggregate(benchmark::State& state) {
  Loaded* l = Shared();
  for (auto _ : state) {
    auto r = l->session->Execute(
        "SELECT count(*), sum(n), avg(n) FROM kv WHERE n % 7 = 3");
    if (!r.ok()) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ScanAggregate)->Unit(benchmark::kMillisecond);

void BM_ScanGroupBy(benchmark::State& state) {
  Loaded* l = Shared();
  for (auto _ : state) {
    auto r = l->session->Execute("SELECT n % 100, count(*) FROM kv GROUP BY n % 100");
    if (!r.ok() || r->rows.size() != 100) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ScanGroupBy)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tessera

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

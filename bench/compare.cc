// Tessera beside SQLite and PostgreSQL on the same workloads, in one run.
// Run through bench/compare.sh, which starts a private PostgreSQL server.
//
//   compare --dir DIR [--pg "host=127.0.0.1 port=N dbname=postgres"] [--quick]
//           [--only W3,W6]   (W1 always runs: the others read its table)
//   compare --write-scripts DIR [--quick]   (the SQL scripts for the shells)
//
// W1 200,000-row bulk insert in one transaction (multi-row INSERTs of 500)
// W2 5,000 autocommit single-row inserts (durable); beside the peers, the
//    floor of one durable raw-LMDB commit per insert, into an empty database
//    (lmdb-commit, the target) and after 200,000 rows (lmdb-commit-200k),
//    measured in chunks that alternate with Tessera's
// W3 50,000 prepared point selects by primary key
// W4 COUNT/SUM/AVG with a filter, and GROUP BY n % 100, over 200,000 rows, 20x
// W5 100,000 orders joined to 200,000 kv rows with GROUP BY, 5x
// W6 bank transfers, 4 concurrent clients x 1,000 transactions, sum checked
// W7 window functions over 200,000 rows: rank() and a sliding sum per
//    partition (no target in the issue; measured beside the peers), 2x
// Prints operations per second per system and the ratio Tessera/peer.
// W3, W4, W5 and W7 only read: each runs kRepeats times per system and its
// median time counts, so that one burst of load on a shared host does not
// decide a ratio. W1, W2 and W6 change the data the next workloads see and
// run once (W2 is averaged over its chunks, beside its floors).

#include <lmdb.h>
#include <unistd.h>
#include <postgresql/libpq-fe.h>
#include <sqlite3.h>
#include <tessera/tessera.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "compare: %s\n", what.c_str());
  std::exit(1);
}

double Seconds(const std::function<void()>& fn) {
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

constexpr int kRepeats = 3;

// W7: per partition of n % 100, each row's rank by k and a sum over it and
// the 10 rows before it; 100 groups out, so the client reads little.
constexpr const char* kW7Query =
    "SELECT p, COUNT(*), SUM(s) FROM (SELECT n % 100 AS p, "
    "rank() OVER (PARTITION BY n % 100 ORDER BY k DESC) AS r, "
    "sum(n) OVER (PARTITION BY n % 100 ORDER BY k ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS s "
    "FROM kv) AS w WHERE r <= 1000 GROUP BY p";

// The median of kRepeats timed runs of `fn` (a read-only workload).
double MedianSeconds(const std::function<void()>& fn) {
  std::vector<double> times;
  for (int i = 0; i < kRepeats; ++i) times.push_back(Seconds(fn));
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// One client connection of a system under test.
class Client {
 public:
  virtual ~Client() = default;
  // Runs SQL without a result; returns false on a serialization failure
  // (the caller retries), dies on any other error.
  virtual bool Exec(const std::string& sql) = 0;
  // Runs a query and returns how many rows it produced.
  virtual long Query(const std::string& sql) = 0;
  // Prepared `SELECT n FROM kv WHERE k = ?`.
  virtual void PreparePoint() = 0;
  virtual long PointSelect(long k) = 0;
};

class System {
 public:
  virtual ~System() = default;
  virtual std::string name() const = 0;
  virtual std::unique_ptr<Client> Connect() = 0;
};

// ---------------------------------------------------------------- Tessera
class TesseraClient : public Client {
 public:
  TesseraClient(tsr_env* env, const std::string& dir) {
    if (tsr_connect(env, dir.c_str(), &conn_) != TSR_OK) Die("tessera connect");
  }
  ~TesseraClient() override {
    tsr_finalize(point_);
    tsr_disconnect(conn_);
  }
  bool Exec(const std::string& sql) override {
    if (tsr_exec(conn_, sql.c_str()) == TSR_OK) return true;
    char state[6];
    const char* msg;
    tsr_conn_error(conn_, state, &msg);
    if (std::strcmp(state, "40001") == 0) {
      tsr_exec(conn_, "ROLLBACK");
      return false;
    }
    Die(std::string("tessera: ") + msg + " in " + sql);
  }
  long Query(const std::string& sql) override {
    tsr_stmt* s = nullptr;
    if (tsr_prepare(conn_, sql.c_str(), &s) != TSR_OK || tsr_execute(s) != TSR_OK) {
      Die("tessera query " + sql);
    }
    long rows = 0;
    while (tsr_fetch(s) == TSR_ROW) ++rows;
    tsr_finalize(s);
    return rows;
  }
  void PreparePoint() override {
    if (tsr_prepare(conn_, "SELECT n FROM kv WHERE k = ?", &point_) != TSR_OK) Die("prepare");
  }
  long PointSelect(long k) override {
    tsr_bind_int64(point_, 1, k);
    if (tsr_execute(point_) != TSR_OK) Die("tessera point select");
    long rows = 0;
    while (tsr_fetch(point_) == TSR_ROW) ++rows;
    return rows;
  }

 private:
  tsr_conn* conn_ = nullptr;
  tsr_stmt* point_ = nullptr;
};

class TesseraSystem : public System {
 public:
  explicit TesseraSystem(std::string dir) : dir_(std::move(dir)) { tsr_env_open(&env_); }
  ~TesseraSystem() override { tsr_env_close(env_); }
  std::string name() const override { return "tessera"; }
  std::unique_ptr<Client> Connect() override {
    return std::make_unique<TesseraClient>(env_, dir_);
  }

 private:
  std::string dir_;
  tsr_env* env_ = nullptr;
};

// ----------------------------------------------------------------- SQLite
class SqliteClient : public Client {
 public:
  SqliteClient(const std::string& path, bool wal) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) Die("sqlite open");
    sqlite3_busy_timeout(db_, 10000);
    if (wal) Exec("PRAGMA journal_mode=WAL");
  }
  ~SqliteClient() override {
    sqlite3_finalize(point_);
    sqlite3_close(db_);
  }
  bool Exec(const std::string& sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return true;
    std::string msg = err != nullptr ? err : "";
    sqlite3_free(err);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return false;
    }
    Die("sqlite: " + msg + " in " + sql);
  }
  long Query(const std::string& sql) override {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) Die("sqlite prepare");
    long rows = 0;
    while (sqlite3_step(s) == SQLITE_ROW) ++rows;
    sqlite3_finalize(s);
    return rows;
  }
  void PreparePoint() override {
    if (sqlite3_prepare_v2(db_, "SELECT n FROM kv WHERE k = ?", -1, &point_, nullptr) != SQLITE_OK) {
      Die("sqlite prepare");
    }
  }
  long PointSelect(long k) override {
    sqlite3_reset(point_);
    sqlite3_bind_int64(point_, 1, k);
    long rows = 0;
    while (sqlite3_step(point_) == SQLITE_ROW) ++rows;
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* point_ = nullptr;
};

class SqliteSystem : public System {
 public:
  SqliteSystem(std::string path, bool wal) : path_(std::move(path)), wal_(wal) {}
  std::string name() const override { return wal_ ? "sqlite-wal" : "sqlite"; }
  std::unique_ptr<Client> Connect() override { return std::make_unique<SqliteClient>(path_, wal_); }

 private:
  std::string path_;
  bool wal_;
};

// ------------------------------------------------------------- PostgreSQL
class PgClient : public Client {
 public:
  explicit PgClient(const std::string& conninfo) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) Die(std::string("postgres: ") + PQerrorMessage(conn_));
    Exec("SET client_min_messages = warning");
  }
  ~PgClient() override { PQfinish(conn_); }
  bool Exec(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    std::string state = PQresultErrorField(r, PG_DIAG_SQLSTATE) != nullptr
                            ? PQresultErrorField(r, PG_DIAG_SQLSTATE)
                            : "";
    std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    if (ok) return true;
    if (state == "40001" || state == "40P01") {
      PQclear(PQexec(conn_, "ROLLBACK"));
      return false;
    }
    Die("postgres: " + msg + " in " + sql);
  }
  long Query(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) Die(std::string("postgres: ") + PQresultErrorMessage(r));
    long rows = PQntuples(r);
    PQclear(r);
    return rows;
  }
  void PreparePoint() override {
    PGresult* r = PQprepare(conn_, "point", "SELECT n FROM kv WHERE k = $1", 1, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die("postgres prepare");
    PQclear(r);
  }
  long PointSelect(long k) override {
    std::string v = std::to_string(k);
    const char* params[] = {v.c_str()};
    PGresult* r = PQexecPrepared(conn_, "point", 1, params, nullptr, nullptr, 0);
    long rows = PQntuples(r);
    PQclear(r);
    return rows;
  }

 private:
  PGconn* conn_ = nullptr;
};

class PgSystem : public System {
 public:
  explicit PgSystem(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  std::string name() const override { return "postgres"; }
  std::unique_ptr<Client> Connect() override { return std::make_unique<PgClient>(conninfo_); }

 private:
  std::string conninfo_;
};

// -------------------------------------------------------------- workloads
constexpr long kRows = 200000;

std::string InsertBatch(const char* table, long from, long to) {
  std::string sql = std::string("INSERT INTO ") + table + " VALUES ";
  for (long j = from; j < to; ++j) {
    sql += (j > from ? "," : "") + std::string("(") + std::to_string(j) + "," +
           std::to_string((j * 7919) % 100000) + ",'row" + std::to_string(j) + "')";
  }
  return sql;
}

struct Results {
  std::map<std::string, std::map<std::string, double>> ops;  // workload -> system -> ops/s
};

// Workloads to run ("" = all); W1 always runs, the others read its table.
std::string g_only;
bool Want(const char* w) { return g_only.empty() || g_only.find(w) != std::string::npos; }

// W2 runs in chunks of kW2Chunk inserts; `after_w2_chunk` (if set) runs
// untimed after each, with the chunk's size. The flush latency of this
// machine's disk drifts by 15% over minutes: Tessera's chunks alternate
// with its LMDB floors' so that both see the same disk.
constexpr long kW2Chunk = 500;

void RunAll(System& sys, Results* out, bool quick,
            const std::function<void(long)>& after_w2_chunk = nullptr) {
  const long rows = quick ? kRows / 10 : kRows;
  auto c = sys.Connect();
  for (const char* t : {"kv", "w2", "orders", "acct"}) c->Exec(std::string("DROP TABLE IF EXISTS ") + t);
  c->Exec("CREATE TABLE kv(k INTEGER PRIMARY KEY, n INTEGER, s TEXT)");
  // W1
  double t = Seconds([&] {
    c->Exec("BEGIN");
    for (long i = 0; i < rows; i += 500) c->Exec(InsertBatch("kv", i, i + 500));
    c->Exec("COMMIT");
  });
  out->ops["W1 bulk insert (rows/s)"][sys.name()] = rows / t;
  // W2
  c->Exec("CREATE TABLE w2(k INTEGER PRIMARY KEY, v INTEGER)");
  const long w2 = quick ? 500 : 5000;
  if (Want("W2")) {
    t = 0;
    for (long from = 0; from < w2; from += kW2Chunk) {
      const long to = std::min(w2, from + kW2Chunk);
      t += Seconds([&] {
        for (long i = from; i < to; ++i) {
          c->Exec("INSERT INTO w2 VALUES (" + std::to_string(i) + ", " + std::to_string(i) + ")");
        }
      });
      if (after_w2_chunk) after_w2_chunk(to - from);
    }
  }
  if (Want("W2")) out->ops["W2 autocommit insert (tx/s)"][sys.name()] = w2 / t;
  // W3
  c->PreparePoint();
  const long w3 = quick ? 5000 : 50000;
  if (Want("W3")) t = MedianSeconds([&] {
    std::mt19937 rng(7);
    for (long i = 0; i < w3; ++i) {
      if (c->PointSelect(rng() % rows) != 1) Die(sys.name() + ": point select missed");
    }
  });
  if (Want("W3")) out->ops["W3 point select (q/s)"][sys.name()] = w3 / t;
  // W4
  if (Want("W4")) t = MedianSeconds([&] {
    for (int i = 0; i < 20; ++i) {
      c->Query("SELECT COUNT(*), SUM(n), AVG(n) FROM kv WHERE n % 7 = 3");
      if (c->Query("SELECT n % 100, COUNT(*) FROM kv GROUP BY n % 100") != 100) Die("W4 groups");
    }
  });
  if (Want("W4")) out->ops["W4 scan+aggregate (rows/s)"][sys.name()] = 40.0 * rows / t;
  // W5
  c->Exec("CREATE TABLE orders(id INTEGER PRIMARY KEY, k INTEGER, qty INTEGER)");
  const long orders = rows / 2;
  c->Exec("BEGIN");
  for (long i = 0; i < orders; i += 500) {
    std::string sql = "INSERT INTO orders VALUES ";
    for (long j = i; j < i + 500; ++j) {
      sql += (j > i ? "," : "") + std::string("(") + std::to_string(j) + "," +
             std::to_string((j * 31) % rows) + "," + std::to_string(j % 9 + 1) + ")";
    }
    c->Exec(sql);
  }
  c->Exec("COMMIT");
  if (Want("W5")) t = MedianSeconds([&] {
    for (int i = 0; i < 5; ++i) {
      if (c->Query("SELECT kv.n % 10, SUM(orders.qty) FROM orders JOIN kv ON orders.k = kv.k "
                   "GROUP BY kv.n % 10") != 10) {
        Die("W5 groups");
      }
    }
  });
  if (Want("W5")) out->ops["W5 join+group (orders/s)"][sys.name()] = 5.0 * orders / t;
  // W7
  if (Want("W7")) t = MedianSeconds([&] {
    for (int i = 0; i < 2; ++i) {
      if (c->Query(kW7Query) != 100) Die(sys.name() + ": W7 groups");
    }
  });
  if (Want("W7")) out->ops["W7 window functions (rows/s)"][sys.name()] = 2.0 * rows / t;
  if (!Want("W6")) return;
  // W6
  c->Exec("CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER)");
  {
    std::string sql = "INSERT INTO acct VALUES ";
    for (int i = 0; i < 100; ++i) sql += (i ? "," : "") + std::string("(") + std::to_string(i) + ",1000)";
    c->Exec(sql);
  }
  const int clients = 4, per = quick ? 100 : 1000;
  std::atomic<long> retries{0};
  t = Seconds([&] {
    std::vector<std::thread> threads;
    for (int w = 0; w < clients; ++w) {
      threads.emplace_back([&, w] {
        auto cl = sys.Connect();
        std::mt19937 r(w + 1);
        for (int i = 0; i < per; ++i) {
          int a = r() % 100, b = r() % 100;
          if (a == b) b = (b + 1) % 100;
          while (true) {
            if (cl->Exec("BEGIN") &&
                cl->Exec("UPDATE acct SET bal = bal - 1 WHERE id = " + std::to_string(a)) &&
                cl->Exec("UPDATE acct SET bal = bal + 1 WHERE id = " + std::to_string(b)) &&
                cl->Exec("COMMIT")) {
              break;
            }
            ++retries;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
  });
  if (c->Query("SELECT id FROM acct") != 100) Die("W6 accounts");
  // The balance sum must be unchanged.
  auto check = sys.Connect();
  if (check->Query("SELECT SUM(bal) FROM acct HAVING SUM(bal) = 100000") != 1) {
    Die(sys.name() + ": W6 balance sum changed");
  }
  out->ops["W6 bank transfers (tx/s)"][sys.name()] = static_cast<double>(clients) * per / t;
  std::fprintf(stderr, "%s done (W6 retries: %ld)\n", sys.name().c_str(), retries.load());
}

// The workloads as SQL scripts for the shells (tessera sql -f, sqlite3,
// psql -f), written to `dir`: setup.sql, w1.sql ... w5.sql, with
// orders.sql loading W5's second table untimed. W6 has no script: a shell
// script cannot retry a transaction that fails with a serialization
// conflict.
void WriteScripts(const std::string& dir, bool quick) {
  std::filesystem::create_directories(dir);
  const long rows = quick ? kRows / 10 : kRows;
  auto write = [&](const char* name, const std::function<void(FILE*)>& body) {
    std::string path = dir + "/" + name;
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) Die("cannot write " + path);
    body(f);
    std::fclose(f);
  };
  write("setup.sql", [&](FILE* f) {
    for (const char* t : {"kv", "w2", "orders"}) std::fprintf(f, "DROP TABLE IF EXISTS %s;\n", t);
    std::fprintf(f, "CREATE TABLE kv(k INTEGER PRIMARY KEY, n INTEGER, s TEXT);\n");
    std::fprintf(f, "CREATE TABLE w2(k INTEGER PRIMARY KEY, v INTEGER);\n");
    std::fprintf(f, "CREATE TABLE orders(id INTEGER PRIMARY KEY, k INTEGER, qty INTEGER);\n");
  });
  write("w1.sql", [&](FILE* f) {
    std::fprintf(f, "BEGIN;\n");
    for (long i = 0; i < rows; i += 500) std::fprintf(f, "%s;\n", InsertBatch("kv", i, i + 500).c_str());
    std::fprintf(f, "COMMIT;\n");
  });
  write("w2.sql", [&](FILE* f) {
    for (long i = 0; i < (quick ? 500 : 5000); ++i) std::fprintf(f, "INSERT INTO w2 VALUES (%ld, %ld);\n", i, i);
  });
  write("w3.sql", [&](FILE* f) {
    std::mt19937 rng(7);
    for (long i = 0; i < (quick ? 5000 : 50000); ++i) {
      std::fprintf(f, "SELECT n FROM kv WHERE k = %ld;\n", static_cast<long>(rng() % rows));
    }
  });
  write("w4.sql", [&](FILE* f) {
    for (int i = 0; i < 20; ++i) {
      std::fprintf(f, "SELECT COUNT(*), SUM(n), AVG(n) FROM kv WHERE n %% 7 = 3;\n");
      std::fprintf(f, "SELECT n %% 100, COUNT(*) FROM kv GROUP BY n %% 100;\n");
    }
  });
  write("orders.sql", [&](FILE* f) {
    std::fprintf(f, "BEGIN;\n");
    for (long i = 0; i < rows / 2; i += 500) {
      std::string sql = "INSERT INTO orders VALUES ";
      for (long j = i; j < i + 500; ++j) {
        sql += (j > i ? "," : "") + std::string("(") + std::to_string(j) + "," +
               std::to_string((j * 31) % rows) + "," + std::to_string(j % 9 + 1) + ")";
      }
      std::fprintf(f, "%s;\n", sql.c_str());
    }
    std::fprintf(f, "COMMIT;\n");
  });
  write("w5.sql", [&](FILE* f) {
    for (int i = 0; i < 5; ++i) {
      std::fprintf(f, "SELECT kv.n %% 10, SUM(orders.qty) FROM orders JOIN kv ON orders.k = kv.k "
                      "GROUP BY kv.n %% 10;\n");
    }
  });
  // Operations per script, for the rates.
  write("counts", [&](FILE* f) {
    std::fprintf(f, "w1 %ld\nw2 %ld\nw3 %ld\nw4 %ld\nw5 %ld\n", rows, quick ? 500L : 5000L,
                 quick ? 5000L : 50000L, 40 * rows, 5 * (rows / 2));
  });
}

// One durable LMDB commit per insert: W2's floor for an LMDB-based store.
// With `prefill` > 0 the database first gets that many entries shaped like
// Tessera's rows (27-byte keys, 20-byte values) and the timed inserts go
// after them, as W2's rows go after W1's table: a deeper B-tree, so more
// pages per commit — the like-for-like floor, printed beside the plain one.
class LmdbFloor {
 public:
  LmdbFloor(const std::string& dir, long prefill) : prefixed_(prefill > 0) {
    std::filesystem::create_directories(dir);
    mdb_env_create(&env_);
    mdb_env_set_mapsize(env_, size_t{1} << 30);
    if (mdb_env_open(env_, dir.c_str(), 0, 0644) != MDB_SUCCESS) Die("lmdb open");
    MDB_txn* txn;
    mdb_txn_begin(env_, nullptr, 0, &txn);
    mdb_dbi_open(txn, nullptr, 0, &dbi_);
    for (long i = 0; i < prefill; ++i) {
      char k[48], v[48];
      std::snprintf(k, sizeof k, "a%014ld/xxxxxxxxxxxx", i);
      std::snprintf(v, sizeof v, "%08ld-row-value-x", i);
      MDB_val kv{std::strlen(k), k}, vv{std::strlen(v), v};
      if (mdb_put(txn, dbi_, &kv, &vv, 0) != MDB_SUCCESS) Die("lmdb prefill");
    }
    if (mdb_txn_commit(txn) != MDB_SUCCESS) Die("lmdb prefill commit");
  }
  ~LmdbFloor() { mdb_env_close(env_); }

  // `n` more commits of one new key each, timed.
  void Commit(long n) {
    seconds_ += Seconds([&] {
      for (long i = 0; i < n; ++i, ++next_) {
        MDB_txn* txn;
        mdb_txn_begin(env_, nullptr, 0, &txn);
        std::string k = (prefixed_ ? "b" : "") + std::to_string(next_), v = "value";
        MDB_val kv{k.size(), k.data()}, vv{v.size(), v.data()};
        if (mdb_put(txn, dbi_, &kv, &vv, 0) != MDB_SUCCESS) Die("lmdb put");
        if (mdb_txn_commit(txn) != MDB_SUCCESS) Die("lmdb commit");
      }
    });
    commits_ += n;
  }
  double rate() const { return commits_ / seconds_; }

 private:
  const bool prefixed_;
  MDB_env* env_;
  MDB_dbi dbi_;
  long next_ = 0, commits_ = 0;
  double seconds_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/tessera-compare", pg, scripts;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--pg" && i + 1 < argc) pg = argv[++i];
    else if (a == "--quick") quick = true;
    else if (a == "--only" && i + 1 < argc) g_only = argv[++i];
    else if (a == "--write-scripts" && i + 1 < argc) scripts = argv[++i];
    else Die("unknown argument " + a);
  }
  if (!scripts.empty()) {
    WriteScripts(scripts, quick);
    return 0;
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Results results;
  std::vector<std::unique_ptr<System>> systems;
  systems.push_back(std::make_unique<TesseraSystem>(dir + "/tessera"));
  systems.push_back(std::make_unique<SqliteSystem>(dir + "/sqlite-wal.db", true));
  systems.push_back(std::make_unique<SqliteSystem>(dir + "/sqlite.db", false));
  if (!pg.empty()) systems.push_back(std::make_unique<PgSystem>(pg));
  std::unique_ptr<LmdbFloor> floor, floor_200k;
  if (Want("W2")) {
    floor = std::make_unique<LmdbFloor>(dir + "/lmdb", 0);
    floor_200k = std::make_unique<LmdbFloor>(dir + "/lmdb-200k", quick ? kRows / 10 : kRows);
  }
  for (auto& s : systems) {
    // Writes of what ran before (the floors' 200,000-row load, PostgreSQL's
    // initdb, the previous system's workloads) are flushed by the kernel in
    // the background; left alone they land in the next system's W1.
    ::sync();
    std::function<void(long)> floors;
    if (s->name() == "tessera" && floor != nullptr) {
      floors = [&](long n) {
        floor->Commit(n);
        floor_200k->Commit(n);
      };
    }
    RunAll(*s, &results, quick, floors);
  }
  if (floor != nullptr) {
    results.ops["W2 autocommit insert (tx/s)"]["lmdb-commit"] = floor->rate();
    results.ops["W2 autocommit insert (tx/s)"]["lmdb-commit-200k"] = floor_200k->rate();
  }

  std::vector<std::string> peers = {"sqlite-wal", "sqlite", "postgres", "lmdb-commit",
                                    "lmdb-commit-200k"};
  std::printf("| workload | tessera |");
  for (const auto& p : peers) std::printf(" %s | tessera/%s |", p.c_str(), p.c_str());
  std::printf("\n|---|---|");
  for (size_t i = 0; i < peers.size(); ++i) std::printf("---|---|");
  std::printf("\n");
  for (auto& [workload, by] : results.ops) {
    double ts = by["tessera"];
    std::printf("| %s | %.0f |", workload.c_str(), ts);
    for (const auto& p : peers) {
      auto it = by.find(p);
      if (it == by.end()) {
        std::printf(" - | - |");
      } else {
        std::printf(" %.0f | %.2fx |", it->second, ts / it->second);
      }
    }
    std::printf("\n");
  }
  return 0;
}

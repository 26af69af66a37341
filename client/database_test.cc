#include <tessera/database.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace tessera {
namespace {

std::string TempDir(const char* name) {
  const char* t = std::getenv("TEST_TMPDIR");
  return std::string(t != nullptr ? t : "/tmp") + "/" + name;
}

TEST(DatabaseApiTest, ExecutePrepareIterate) {
  Options o;
  o.durable = false;
  auto db = Database::Open(TempDir("cpp-basic"), o);
  ASSERT_TRUE(db.ok()) << db.status();
  auto conn = (*db)->Connect();
  ASSERT_TRUE(conn->Execute("CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT, r REAL)").ok());
  auto ins = conn->Prepare("INSERT INTO kv VALUES (?, ?, ?)");
  ASSERT_TRUE(ins.ok()) << ins.status();
  EXPECT_EQ((*ins)->num_parameters(), 3);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE((*ins)->Bind(1, i).ok());
    ASSERT_TRUE((*ins)->Bind(2, i == 2 ? "two" : "other").ok());
    ASSERT_TRUE(i == 3 ? (*ins)->BindNull(3).ok() : (*ins)->Bind(3, i * 0.5).ok());
    auto r = (*ins)->Execute();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->rows_affected(), 1);
  }
  EXPECT_EQ((*ins)->Bind(4, 1).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ((*ins)->Bind(0, 1).code(), absl::StatusCode::kOutOfRange);
  auto rs = conn->Execute("SELECT k, v, r FROM kv ORDER BY k");
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->column_names(), (std::vector<std::string>{"k", "v", "r"}));
  std::vector<std::string> seen;
  while (rs->Next()) {
    seen.push_back(rs->GetText(1));
    if (rs->GetInt64(0) == 3) {
      EXPECT_TRUE(rs->IsNull(2));
      EXPECT_EQ(rs->Type(2), ColumnType::kNull);
    } else {
      EXPECT_EQ(rs->Type(2), ColumnType::kReal);
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"other", "two", "other"}));
  EXPECT_FALSE(rs->Next());
  EXPECT_FALSE(conn->Prepare("SELEC 1").ok());
  EXPECT_EQ(Database::Open("tessera://127.0.0.1:1").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(DatabaseApiTest, RunTransactionRetriesSerializationFailures) {
  Options o;
  o.durable = false;
  auto db = Database::Open(TempDir("cpp-txn"), o);
  ASSERT_TRUE(db.ok());
  auto setup = (*db)->Connect();
  ASSERT_TRUE(setup->Execute("CREATE TABLE c(id INTEGER PRIMARY KEY, n INTEGER)").ok());
  ASSERT_TRUE(setup->Execute("INSERT INTO c VALUES (1, 0)").ok());
  constexpr int kThreads = 4, kPer = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto conn = (*db)->Connect();
      for (int i = 0; i < kPer; ++i) {
        absl::Status s = conn->RunTransaction(
            [](Connection& c) -> absl::Status {
              auto r = c.Execute("SELECT n FROM c WHERE id = 1");
              if (!r.ok()) return r.status();
              r->Next();
              int64_t n = r->GetInt64(0);
              return c.Execute("UPDATE c SET n = " + std::to_string(n + 1) + " WHERE id = 1")
                  .status();
            },
            1000);
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto rs = setup->Execute("SELECT n FROM c");
  ASSERT_TRUE(rs.ok() && rs->Next());
  EXPECT_EQ(rs->GetInt64(0), kThreads * kPer);
  // A failing closure rolls back.
  absl::Status s = setup->RunTransaction([](Connection& c) -> absl::Status {
    (void)c.Execute("UPDATE c SET n = -1");
    return absl::InternalError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(setup->in_transaction());
  rs = setup->Execute("SELECT n FROM c");
  ASSERT_TRUE(rs.ok() && rs->Next());
  EXPECT_EQ(rs->GetInt64(0), kThreads * kPer);
}

}  // namespace
}  // namespace tessera

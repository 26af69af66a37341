// Dirty write (P0): a transaction overwrites another's uncommitted write.
// Writes are buffered until commit, so the second writer never builds on the
// first's uncommitted value; both commits cannot succeed.

#include "tests/anomaly_fixture.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace tessera::anomaly {
namespace {

TEST_F(AnomalyTest, ConcurrentUpdatesOfOneRowSerialize) {
  Ok(*a_, "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER)");
  Ok(*a_, "INSERT INTO acct VALUES (1, 100), (2, 100)");
  Ok(*a_, "BEGIN");
  Ok(*b_, "BEGIN");
  Ok(*a_, "UPDATE acct SET bal = bal + 10 WHERE id = 1");
  Ok(*b_, "UPDATE acct SET bal = bal + 20 WHERE id = 1");
  Ok(*b_, "UPDATE acct SET bal = bal + 20 WHERE id = 2");
  EXPECT_EQ(State(*a_, "COMMIT"), "00000");
  EXPECT_EQ(State(*b_, "COMMIT"), "40001");
  // The survivor's writes are whole; the loser's are all gone.
  EXPECT_EQ(Int(*a_, "SELECT bal FROM acct WHERE id = 1"), 110);
  EXPECT_EQ(Int(*a_, "SELECT bal FROM acct WHERE id = 2"), 100);
  // Retried, the second transaction applies on top of the first.
  Ok(*b_, "BEGIN");
  Ok(*b_, "UPDATE acct SET bal = bal + 20 WHERE id = 1");
  Ok(*b_, "UPDATE acct SET bal = bal + 20 WHERE id = 2");
  EXPECT_EQ(State(*b_, "COMMIT"), "00000");
  EXPECT_EQ(Int(*a_, "SELECT bal FROM acct WHERE id = 1"), 130);
  EXPECT_EQ(Int(*a_, "SELECT bal FROM acct WHERE id = 2"), 120);
}

TEST_F(AnomalyTest, ImplicitStatementsAreRetriedNotLost) {
  Ok(*a_, "CREATE TABLE c(id INTEGER PRIMARY KEY, n INTEGER)");
  Ok(*a_, "INSERT INTO c VALUES (1, 0)");
  Ok(*b_, "BEGIN");
  Ok(*b_, "UPDATE c SET n = n + 1 WHERE id = 1");
  Ok(*a_, "UPDATE c SET n = n + 1 WHERE id = 1");  // implicit txn commits
  EXPECT_EQ(State(*b_, "COMMIT"), "40001");
  EXPECT_EQ(Int(*a_, "SELECT n FROM c"), 1);
}

// Two writers inserting the same new key: exactly one row, and the other
// writer told so (23505), never both rows nor a lost one. Autocommit
// one-row INSERTs check the key where the commit writes it; an explicit
// transaction reads it first. Both kinds race here.
TEST_F(AnomalyTest, ConcurrentInsertsOfOneKeyKeepOneRow) {
  Ok(*a_, "CREATE TABLE k(id INTEGER PRIMARY KEY, writer INTEGER)");
  constexpr int kWriters = 4, kKeys = 150;
  std::atomic<int> inserted{0}, refused{0}, other{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      session::Session s(db_.get());
      for (int key = 0; key < kKeys; ++key) {
        const std::string insert = absl::StrCat("INSERT INTO k VALUES (", key, ", ", w, ")");
        // Writers 0 and 1 autocommit; 2 and 3 wrap the insert in BEGIN/COMMIT.
        absl::Status st;
        if (w < 2) {
          st = s.Execute(insert).status();
        } else {
          st = s.Execute("BEGIN").status();
          if (st.ok()) st = s.Execute(insert).status();
          if (st.ok()) {
            st = s.Execute("COMMIT").status();
          } else {
            (void)s.Execute("ROLLBACK");
          }
        }
        const std::string state = session::SqlState(st);
        if (state == "00000") {
          ++inserted;
        } else if (state == "23505" || state == "40001") {
          ++refused;
        } else {
          ++other;
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(inserted.load(), kKeys);
  EXPECT_EQ(inserted.load() + refused.load(), kWriters * kKeys);
  EXPECT_EQ(Int(*a_, "SELECT count(*) FROM k"), kKeys);
}

// Writers inserting rows whose key the table assigns (max + 1): a key
// another writer took in the meantime is a serialization conflict, retried,
// never a unique-key error. Every insert lands, each under its own key.
TEST_F(AnomalyTest, ConcurrentInsertsOfAssignedKeysAllLand) {
  Ok(*a_, "CREATE TABLE auto(id INTEGER PRIMARY KEY, writer INTEGER)");
  constexpr int kWriters = 4, kRows = 100;
  std::atomic<int> failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      session::Session s(db_.get());
      for (int i = 0; i < kRows; ++i) {
        absl::Status st = s.Execute(absl::StrCat("INSERT INTO auto(writer) VALUES (", w, ")")).status();
        if (!st.ok()) {
          ++failed;
          ADD_FAILURE() << st;
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(Int(*a_, "SELECT count(*) FROM auto"), kWriters * kRows);
  EXPECT_EQ(Int(*a_, "SELECT count(DISTINCT id) FROM auto"), kWriters * kRows);
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(Int(*a_, absl::StrCat("SELECT count(*) FROM auto WHERE writer = ", w)), kRows);
  }
}

}  // namespace
}  // namespace tessera::anomaly

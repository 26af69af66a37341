// Dirty write (P0): a transaction overwrites another's uncommitted write.
// Writes are buffered until commit, so the second writer never builds on the
// first's uncommitted value; both commits cannot succeed.

#include "tests/anomaly_fixture.h"

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

}  // namespace
}  // namespace tessera::anomaly

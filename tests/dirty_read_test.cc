// Dirty read (P1): a transaction reads another's uncommitted write.

#include "tests/anomaly_fixture.h"

namespace tessera::anomaly {
namespace {

TEST_F(AnomalyTest, UncommittedWritesAreInvisible) {
  Ok(*a_, "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER)");
  Ok(*a_, "INSERT INTO acct VALUES (1, 100)");
  Ok(*a_, "BEGIN");
  Ok(*a_, "UPDATE acct SET bal = 0 WHERE id = 1");
  Ok(*a_, "INSERT INTO acct VALUES (2, 5)");
  EXPECT_EQ(Int(*a_, "SELECT bal FROM acct WHERE id = 1"), 0);  // own write
  EXPECT_EQ(Int(*b_, "SELECT bal FROM acct WHERE id = 1"), 100);
  EXPECT_EQ(Int(*b_, "SELECT count(*) FROM acct"), 1);
  Ok(*a_, "ROLLBACK");
  EXPECT_EQ(Int(*b_, "SELECT bal FROM acct WHERE id = 1"), 100);
  EXPECT_EQ(Int(*b_, "SELECT count(*) FROM acct"), 1);
}

TEST_F(AnomalyTest, CommittedWritesAppearOnlyAfterCommit) {
  Ok(*a_, "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)");
  Ok(*a_, "BEGIN");
  Ok(*a_, "INSERT INTO t VALUES (1, 'x')");
  EXPECT_EQ(Int(*b_, "SELECT count(*) FROM t"), 0);
  Ok(*a_, "COMMIT");
  EXPECT_EQ(Int(*b_, "SELECT count(*) FROM t"), 1);
}

}  // namespace
}  // namespace tessera::anomaly

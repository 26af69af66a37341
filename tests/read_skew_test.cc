// Read skew (A5A): a transaction reads x, another updates x and y and
// commits, the first reads y and sees a state that never existed.

#include "tests/anomaly_fixture.h"

namespace tessera::anomaly {
namespace {

TEST_F(AnomalyTest, ReadsComeFromOneSnapshot) {
  Ok(*a_, "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER)");
  Ok(*a_, "INSERT INTO acct VALUES (1, 50), (2, 50)");
  Ok(*a_, "BEGIN");
  int64_t x = Int(*a_, "SELECT bal FROM acct WHERE id = 1");
  // b moves 25 from account 1 to 2 and commits in between.
  Ok(*b_, "BEGIN");
  Ok(*b_, "UPDATE acct SET bal = bal - 25 WHERE id = 1");
  Ok(*b_, "UPDATE acct SET bal = bal + 25 WHERE id = 2");
  EXPECT_EQ(State(*b_, "COMMIT"), "00000");
  int64_t y = Int(*a_, "SELECT bal FROM acct WHERE id = 2");
  EXPECT_EQ(x + y, 100) << "a saw x=" << x << " y=" << y;
  EXPECT_EQ(Int(*a_, "SELECT sum(bal) FROM acct"), 100);
  EXPECT_EQ(State(*a_, "COMMIT"), "00000");  // read-only: its snapshot was valid
  EXPECT_EQ(Int(*a_, "SELECT bal FROM acct WHERE id = 2"), 75);
}

TEST_F(AnomalyTest, WritingAfterASkewedReadAborts) {
  Ok(*a_, "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER)");
  Ok(*a_, "CREATE TABLE audit(total INTEGER)");
  Ok(*a_, "INSERT INTO acct VALUES (1, 50), (2, 50)");
  Ok(*a_, "BEGIN");
  int64_t x = Int(*a_, "SELECT bal FROM acct WHERE id = 1");
  Ok(*b_, "UPDATE acct SET bal = bal - 25 WHERE id = 1");
  int64_t y = Int(*a_, "SELECT bal FROM acct WHERE id = 2");
  Ok(*a_, "INSERT INTO audit VALUES (" + std::to_string(x + y) + ")");
  // a's reads are stale at any commit point after b: it must restart.
  EXPECT_EQ(State(*a_, "COMMIT"), "40001");
  EXPECT_EQ(Int(*b_, "SELECT count(*) FROM audit"), 0);
}

}  // namespace
}  // namespace tessera::anomaly

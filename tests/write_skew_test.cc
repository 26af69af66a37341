// Write skew (A5B): two transactions read an overlapping set, each writes a
// different row, and together they break an invariant each one checked.
// The classic case: at least one doctor must stay on call.

#include "tests/anomaly_fixture.h"

namespace tessera::anomaly {
namespace {

TEST_F(AnomalyTest, DisjointWritesAfterOverlappingReadsSerialize) {
  Ok(*a_, "CREATE TABLE doctors(name TEXT PRIMARY KEY, on_call INTEGER)");
  Ok(*a_, "INSERT INTO doctors VALUES ('alice', 1), ('bob', 1)");
  Ok(*a_, "BEGIN");
  Ok(*b_, "BEGIN");
  ASSERT_EQ(Int(*a_, "SELECT count(*) FROM doctors WHERE on_call = 1"), 2);
  ASSERT_EQ(Int(*b_, "SELECT count(*) FROM doctors WHERE on_call = 1"), 2);
  Ok(*a_, "UPDATE doctors SET on_call = 0 WHERE name = 'alice'");
  Ok(*b_, "UPDATE doctors SET on_call = 0 WHERE name = 'bob'");
  EXPECT_EQ(State(*a_, "COMMIT"), "00000");
  EXPECT_EQ(State(*b_, "COMMIT"), "40001");
  EXPECT_EQ(Int(*a_, "SELECT count(*) FROM doctors WHERE on_call = 1"), 1);
}

}  // namespace
}  // namespace tessera::anomaly

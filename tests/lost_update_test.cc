// Lost update (P4): two transactions read a value and both write a value
// computed from what they read; one update silently disappears.

#include "tests/anomaly_fixture.h"

#include "absl/strings/str_cat.h"

namespace tessera::anomaly {
namespace {

TEST_F(AnomalyTest, ReadModifyWriteConflictAborts) {
  Ok(*a_, "CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER)");
  Ok(*a_, "INSERT INTO counter VALUES (1, 100)");
  Ok(*a_, "BEGIN");
  Ok(*b_, "BEGIN");
  int64_t seen_a = Int(*a_, "SELECT n FROM counter WHERE id = 1");
  int64_t seen_b = Int(*b_, "SELECT n FROM counter WHERE id = 1");
  Ok(*a_, absl::StrCat("UPDATE counter SET n = ", seen_a + 10, " WHERE id = 1"));
  Ok(*b_, absl::StrCat("UPDATE counter SET n = ", seen_b + 10, " WHERE id = 1"));
  EXPECT_EQ(State(*a_, "COMMIT"), "00000");
  EXPECT_EQ(State(*b_, "COMMIT"), "40001");
  EXPECT_EQ(Int(*a_, "SELECT n FROM counter"), 110);
  // Retrying b after the conflict keeps both increments.
  Ok(*b_, "BEGIN");
  seen_b = Int(*b_, "SELECT n FROM counter WHERE id = 1");
  Ok(*b_, absl::StrCat("UPDATE counter SET n = ", seen_b + 10, " WHERE id = 1"));
  EXPECT_EQ(State(*b_, "COMMIT"), "00000");
  EXPECT_EQ(Int(*a_, "SELECT n FROM counter"), 120);
}

}  // namespace
}  // namespace tessera::anomaly

// Phantom (P3): a transaction reads the rows matching a predicate; another
// inserts a new matching row; the first acts on a set that changed.

#include "tests/anomaly_fixture.h"

#include "absl/strings/str_cat.h"

namespace tessera::anomaly {
namespace {

TEST_F(AnomalyTest, InsertIntoAReadPredicateAbortsTheReader) {
  Ok(*a_, "CREATE TABLE items(id INTEGER PRIMARY KEY, cat INTEGER)");
  Ok(*a_, "CREATE TABLE summary(cat INTEGER PRIMARY KEY, n INTEGER)");
  Ok(*a_, "INSERT INTO items VALUES (1, 1), (2, 1), (3, 2)");
  Ok(*a_, "BEGIN");
  int64_t n = Int(*a_, "SELECT count(*) FROM items WHERE cat = 1");
  ASSERT_EQ(n, 2);
  Ok(*b_, "INSERT INTO items VALUES (4, 1)");  // a phantom for a's predicate
  // No phantom inside a's snapshot...
  EXPECT_EQ(Int(*a_, "SELECT count(*) FROM items WHERE cat = 1"), 2);
  // ...and a cannot commit a decision based on the stale set.
  Ok(*a_, absl::StrCat("INSERT INTO summary VALUES (1, ", n, ")"));
  EXPECT_EQ(State(*a_, "COMMIT"), "40001");
  EXPECT_EQ(Int(*b_, "SELECT count(*) FROM summary"), 0);
  // Retried, it sees the new row.
  Ok(*a_, "BEGIN");
  n = Int(*a_, "SELECT count(*) FROM items WHERE cat = 1");
  Ok(*a_, absl::StrCat("INSERT INTO summary VALUES (1, ", n, ")"));
  EXPECT_EQ(State(*a_, "COMMIT"), "00000");
  EXPECT_EQ(Int(*b_, "SELECT n FROM summary WHERE cat = 1"), 3);
}

}  // namespace
}  // namespace tessera::anomaly

// Queries over tables split into many ranges: per-range fragments with
// partial aggregation, top-N and limit, lookup joins and decorrelated
// subqueries give the same rows as one range does, and EXPLAIN (ANALYZE)
// shows how they ran.

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "session/session.h"
#include "storage/test_util.h"

namespace tessera::session {
namespace {

// Two databases with the same rows: `split` holds every table in ranges of
// about 16 rows, `whole` in one range each.
class DistributedQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions split;
    split.split_rows = 16;
    split.engine.durable = false;
    DatabaseOptions whole;
    whole.engine.durable = false;
    auto a = Database::Open(testing::NewTempDir("split"), split);
    auto b = Database::Open(testing::NewTempDir("whole"), whole);
    ASSERT_TRUE(a.ok() && b.ok());
    split_db_ = std::move(*a);
    whole_db_ = std::move(*b);
    split_ = std::make_unique<Session>(split_db_.get());
    whole_ = std::make_unique<Session>(whole_db_.get());
    Both("CREATE TABLE t(k INTEGER PRIMARY KEY, g INTEGER, v INTEGER, s TEXT)");
    Both("CREATE TABLE small(id INTEGER PRIMARY KEY, k INTEGER, tag TEXT)");
    Both("CREATE INDEX t_by_g ON t(g)");
    for (int i = 0; i < 600; ++i) {
      // v repeats (ties for ORDER BY) and is NULL now and then.
      std::string v = i % 17 == 0 ? "NULL" : absl::StrCat((i * 37) % 101);
      Both(absl::StrCat("INSERT INTO t VALUES (", i, ", ", i % 7, ", ", v, ", 's", i % 13, "')"));
    }
    Both("INSERT INTO small VALUES (1, 5, 'a'), (2, 250, 'b'), (3, 599, 'c'), (4, 9999, 'd')");
  }

  void Both(const std::string& sql) {
    ASSERT_TRUE(split_->Execute(sql).ok()) << sql;
    ASSERT_TRUE(whole_->Execute(sql).ok()) << sql;
  }
  static std::string Render(const ResultSet& r) {
    std::string out;
    for (const auto& row : r.rows) {
      for (const Value& v : row) absl::StrAppend(&out, v.ToString(), "|");
      out += "\n";
    }
    return out;
  }
  // The rows of `sql` on the split database, checked against one range.
  std::string Same(const std::string& sql) {
    absl::StatusOr<ResultSet> a = split_->Execute(sql);
    absl::StatusOr<ResultSet> b = whole_->Execute(sql);
    EXPECT_TRUE(a.ok()) << sql << ": " << a.status();
    EXPECT_TRUE(b.ok()) << sql << ": " << b.status();
    if (!a.ok() || !b.ok()) return "";
    EXPECT_EQ(Render(*a), Render(*b)) << sql;
    return Render(*a);
  }
  std::string Plan(const std::string& sql) {
    absl::StatusOr<ResultSet> r = split_->Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    std::string text;
    if (r.ok()) {
      for (const auto& row : r->rows) absl::StrAppend(&text, row[0].bytes(), "\n");
    }
    return text;
  }

  std::unique_ptr<Database> split_db_, whole_db_;
  std::unique_ptr<Session> split_, whole_;
};

TEST_F(DistributedQueryTest, TablesReallySpanManyRanges) {
  absl::StatusOr<ResultSet> r = split_->Execute("SHOW RANGES FROM TABLE t");
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->rows.size(), 10u);
}

TEST_F(DistributedQueryTest, PartialAggregatesMergeAtTheGateway) {
  std::string rows = Same(
      "SELECT g, count(*), count(v), sum(v), total(v), avg(v), min(v), max(v), "
      "group_concat(s, ';') FROM t GROUP BY g");
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 7);
  Same("SELECT count(*), sum(v), min(s), max(s) FROM t WHERE k > 100");
  Same("SELECT count(*), sum(v) FROM t WHERE k > 100000");  // no rows: one row of NULLs/0
  Same("SELECT g, sum(v) FROM t WHERE v > 50 GROUP BY g HAVING count(*) > 10");
  Same("SELECT count(DISTINCT v), g FROM t GROUP BY g");  // DISTINCT: aggregated above
  // FILTER reads a column nothing else does: fragments must decode it.
  EXPECT_EQ(Same("SELECT count(*) FILTER (WHERE s = 's3') FROM t"), "46|\n");
  Same("SELECT g, sum(v) FILTER (WHERE s > 's5'), count(k) FILTER (WHERE v IS NULL) FROM t "
       "GROUP BY g");
  std::string plan = Plan("EXPLAIN SELECT g, sum(v) FROM t GROUP BY g");
  EXPECT_TRUE(absl::StrContains(plan, "gather (merge partial aggregates)")) << plan;
  EXPECT_TRUE(absl::StrContains(plan, "partial aggregate (1 keys, 1 aggregates)")) << plan;
  plan = Plan("EXPLAIN SELECT count(DISTINCT v) FROM t");
  EXPECT_FALSE(absl::StrContains(plan, "partial aggregate")) << plan;
}

// Integral group keys take three paths (a dense table for 0..1023, a hash
// map for the others, canonical bytes for the rest); each key must meet its
// equals, an INTEGER and the REAL of the same value, in one group, in every
// fragment and after the gateway merges them.
TEST_F(DistributedQueryTest, IntegerGroupKeysOfEveryRangeMeetTheirEqualsOnce) {
  // Keys -600, -300, 0, 300, ..., 1800: below, inside and beyond the dense
  // table; odd k give them as REALs.
  std::string rows = Same(
      "SELECT count(*), sum(k) FROM t GROUP BY CASE WHEN k % 2 = 0 THEN (k % 9) * 300 - 600 "
      "ELSE ((k % 9) * 300 - 600) * 1.0 END ORDER BY min(k)");
  std::string expected;
  for (int r = 0; r < 9; ++r) {
    long count = 0, sum = 0;
    for (int k = r; k < 600; k += 9) ++count, sum += k;
    absl::StrAppend(&expected, count, "|", sum, "|\n");
  }
  EXPECT_EQ(rows, expected);
  // The dense table's last key and the first one past it.
  EXPECT_EQ(Same("SELECT 1023 + k % 3, count(*) FROM t GROUP BY 1023 + k % 3 ORDER BY 1"),
            "1023|200|\n1024|200|\n1025|200|\n");
}

TEST_F(DistributedQueryTest, TopNAndLimitRunInEachFragment) {
  Same("SELECT k, v FROM t ORDER BY v DESC LIMIT 7");
  Same("SELECT k, v FROM t ORDER BY v LIMIT 5 OFFSET 30");  // ties keep key order
  Same("SELECT k, v FROM t WHERE g = 3 ORDER BY v DESC, k LIMIT 4");
  Same("SELECT k FROM t LIMIT 5 OFFSET 40");
  Same("SELECT k FROM t WHERE v > 90 LIMIT 6");
  Same("SELECT k FROM t ORDER BY v LIMIT -1 OFFSET 590");
  Same("SELECT k FROM t LIMIT 0");
  std::string plan = Plan("EXPLAIN SELECT k FROM t ORDER BY v DESC LIMIT 3");
  EXPECT_TRUE(absl::StrContains(plan, "top-N (1 keys)")) << plan;
  // A plain limit stops after the first range.
  plan = Plan("EXPLAIN ANALYZE SELECT k FROM t LIMIT 3");
  EXPECT_TRUE(absl::StrContains(plan, "actual: rows=3")) << plan;
  EXPECT_TRUE(absl::StrContains(plan, "fragments=1 rows_scanned=3")) << plan;
}

// Fragments under a join decode only the columns the query reads above
// them (t.s is never read here), and the answers stay the same.
TEST_F(DistributedQueryTest, JoinInputsDecodeOnlyTheColumnsReadAbove) {
  const std::string q =
      "SELECT t.g, count(*), sum(t.v) FROM small JOIN t ON t.g = small.id GROUP BY t.g";
  Same(q);
  Same("SELECT t.g, small.tag, t.v FROM small JOIN t ON t.g = small.id ORDER BY 1, 2, 3");
  Same("SELECT DISTINCT t.s FROM small JOIN t ON t.g = small.id ORDER BY 1");
  std::string plan = Plan("EXPLAIN " + q);
  EXPECT_TRUE(absl::StrContains(plan, "scan t (columns g, v)")) << plan;
  EXPECT_TRUE(absl::StrContains(plan, "scan small (columns id)")) << plan;
  // Rows that leave the query whole are read whole.
  plan = Plan("EXPLAIN SELECT * FROM small JOIN t ON t.g = small.id");
  EXPECT_FALSE(absl::StrContains(plan, "(columns")) << plan;
}

// A build side big enough to be indexed in partitions on all cores, with
// duplicate keys: every match is found once, and rows come out in the
// probe side's order with matches in build order, as one index gives.
// RIGHT and FULL joins keep the right input's unmatched rows; over many
// ranges they give what one range gives, and never read the right input by
// key (a lookup sees only the rows some left row matches).
TEST_F(DistributedQueryTest, RightAndFullJoinsKeepUnmatchedRows) {
  std::string rows = Same("SELECT small.id, t.k FROM t RIGHT JOIN small ON small.k = t.k "
                          "ORDER BY small.id");
  EXPECT_EQ(rows, "1|5|\n2|250|\n3|599|\n4|NULL|\n");
  rows = Same("SELECT count(*), count(t.k), count(small.id) FROM small FULL JOIN t "
              "ON small.k = t.k");
  EXPECT_EQ(rows, "601|600|4|\n");
  Same("SELECT t.g, count(small.tag) FROM small RIGHT JOIN t ON t.k = small.k AND t.g > 2 "
       "GROUP BY t.g");
}

TEST_F(DistributedQueryTest, PartitionedHashJoinBuildFindsEveryMatchInOrder) {
  Both("CREATE TABLE big(k INTEGER PRIMARY KEY, g INTEGER)");
  Both("CREATE TABLE probe(id INTEGER PRIMARY KEY, g INTEGER)");
  const int kBig = 40000;
  for (int from = 0; from < kBig; from += 1000) {
    std::string sql = "INSERT INTO big VALUES ";
    for (int i = from; i < from + 1000; ++i) {
      absl::StrAppend(&sql, i > from ? "," : "", "(", i, ",", (i * 7) % 5003, ")");
    }
    Both(sql);
  }
  Both("INSERT INTO probe VALUES (1, 17), (2, 4999), (3, 17), (4, 123456), (5, 0)");
  // Expected matches, in probe order, then big.k ascending.
  std::string want;
  int64_t sum = 0, count = 0;
  for (auto [id, g] : std::vector<std::pair<int, int>>{{1, 17}, {2, 4999}, {3, 17}, {5, 0}}) {
    for (int k = 0; k < kBig; ++k) {
      if ((k * 7) % 5003 != g) continue;
      absl::StrAppend(&want, id, "|", k, "|\n");
      sum += k;
      ++count;
    }
  }
  // Enough rows per probe to exercise the chains, and joins whose build
  // side is `big` (the larger input is hashed).
  ASSERT_GT(count, 20);
  EXPECT_EQ(Same("SELECT probe.id, big.k FROM probe JOIN big ON big.g = probe.g"), want);
  EXPECT_EQ(Same("SELECT count(*), sum(big.k) FROM probe JOIN big ON big.g = probe.g"),
            absl::StrCat(count, "|", sum, "|\n"));
}

TEST_F(DistributedQueryTest, ExplainAnalyzeCountsFragmentsAndRows) {
  absl::StatusOr<ResultSet> ranges = split_->Execute("SHOW RANGES FROM TABLE t");
  ASSERT_TRUE(ranges.ok());
  std::string plan = Plan("EXPLAIN ANALYZE SELECT count(*) FROM t WHERE v > 50");
  EXPECT_TRUE(absl::StrContains(
      plan, absl::StrCat("fragments=", ranges->rows.size(), " rows_scanned=600")))
      << plan;
  EXPECT_TRUE(absl::StrContains(plan, "actual: rows=1")) << plan;
  // Errors of the query surface from EXPLAIN ANALYZE too.
  EXPECT_FALSE(split_->Execute("EXPLAIN ANALYZE SELECT * FROM missing").ok());
}

TEST_F(DistributedQueryTest, LookupJoinReadsTheBigTableByKey) {
  Same("SELECT small.tag, t.v FROM small JOIN t ON t.k = small.k ORDER BY small.id");
  Same("SELECT small.tag, t.k FROM small, t WHERE t.g = small.id AND t.k < 40 ORDER BY 1, 2");
  std::string plan = Plan(
      "EXPLAIN ANALYZE SELECT small.tag, t.v FROM small JOIN t ON t.k = small.k");
  // Four probes, each one key; the 600-row table is never scanned.
  EXPECT_TRUE(absl::StrContains(plan, "key_lookups=4")) << plan;
  EXPECT_FALSE(absl::StrContains(plan, "rows_scanned=600")) << plan;
  // Through the secondary index on g.
  plan = Plan("EXPLAIN ANALYZE SELECT count(*) FROM small, t WHERE t.g = small.id");
  EXPECT_TRUE(absl::StrContains(plan, "key_lookups=4")) << plan;
  Same("SELECT count(*) FROM small, t WHERE t.g = small.id");
  // LEFT JOIN probes the same way and keeps the unmatched row (k = 9999).
  Same("SELECT small.tag, t.v FROM small LEFT JOIN t ON t.k = small.k ORDER BY small.id");
  plan = Plan("EXPLAIN ANALYZE SELECT small.tag, t.v FROM small LEFT JOIN t ON t.k = small.k");
  EXPECT_TRUE(absl::StrContains(plan, "key_lookups=4")) << plan;
  EXPECT_TRUE(absl::StrContains(plan, "left join")) << plan;
  // A probe value of another type than the key column falls back to a
  // hash join with the same answer.
  Both("CREATE TABLE odd(x TEXT)");
  Both("INSERT INTO odd VALUES ('5'), ('x')");
  Same("SELECT count(*) FROM odd, t WHERE t.k = odd.x");
}

TEST_F(DistributedQueryTest, CorrelatedSubqueriesRunOnceAsSemiJoins) {
  Same("SELECT id FROM small WHERE EXISTS (SELECT 1 FROM t WHERE t.v = small.id + 20 AND t.g > 2) "
       "ORDER BY id");
  Same("SELECT id FROM small WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.v = small.id * 30) "
       "ORDER BY id");
  Same("SELECT id FROM small WHERE k IN (SELECT v FROM t WHERE t.g = small.id) ORDER BY id");
  Same("SELECT id FROM small WHERE k NOT IN (SELECT v FROM t WHERE t.g = small.id) ORDER BY id");
  Same("SELECT k FROM t WHERE v NOT IN (SELECT k FROM small WHERE small.id = t.g) ORDER BY k");
  std::string plan = Plan(
      "EXPLAIN ANALYZE SELECT count(*) FROM t WHERE EXISTS "
      "(SELECT 1 FROM small WHERE small.id = t.g)");
  // The subquery reads `small` by primary key: a lookup for each of the
  // first 64 outer rows, then one read of `small` into a hash table.
  EXPECT_TRUE(absl::StrContains(plan, "subqueries: 65 executions, 1 decorrelated")) << plan;
  plan = Plan(
      "EXPLAIN ANALYZE SELECT count(*) FROM t WHERE EXISTS "
      "(SELECT 1 FROM small WHERE small.k = t.k AND small.tag <> 'a')");
  EXPECT_TRUE(absl::StrContains(plan, "subqueries: 1 executions, 1 decorrelated")) << plan;
  // A correlation that is not an equality still runs per outer row.
  plan = Plan(
      "EXPLAIN ANALYZE SELECT count(*) FROM small WHERE EXISTS "
      "(SELECT 1 FROM t WHERE t.k > small.k)");
  EXPECT_TRUE(absl::StrContains(plan, "subqueries: 4 executions, 0 decorrelated")) << plan;
}

TEST_F(DistributedQueryTest, InListsAndIndexRangesReadOnlyTheirKeys) {
  // Each query against the same predicate written so no key can serve it.
  auto check = [&](const std::string& where, const std::string& opaque,
                   const std::string& explain_text) {
    std::string fast = Same("SELECT k, g, v FROM t WHERE " + where);
    std::string slow = Same("SELECT k, g, v FROM t WHERE " + opaque);
    EXPECT_EQ(fast, slow) << where;
    std::string plan = Plan("EXPLAIN SELECT k FROM t WHERE " + where);
    EXPECT_TRUE(absl::StrContains(plan, explain_text)) << where << "\n" << plan;
  };
  check("k IN (5, 3, 599, 5, 1000, NULL)", "k + 0 IN (5, 3, 599, 5, 1000, NULL)",
        "point lookups (6 IN values) t");
  check("k IN (2.0, 7)", "k + 0 IN (2.0, 7)", "point lookups");
  // '7' takes k's INTEGER affinity (SQLite's comparison rule): the row 7;
  // text that is no number stays text and matches nothing.
  check("k IN ('7', 8)", "k + 0 IN (7, 8)", "point lookups");
  check("k IN ('x7', 8)", "k + 0 IN ('x7', 8)", "point lookups");
  check("g IN (2, 5)", "g + 0 IN (2, 5)", "index lookups (2 IN values) t using t_by_g");
  check("g BETWEEN 2 AND 3 AND k < 100", "g + 0 BETWEEN 2 AND 3 AND k + 0 < 100",
        "range scan t");  // the primary key's bounds win
  check("g > 4", "g + 0 > 4", "index range scan t using t_by_g");
  check("g <= 1", "g + 0 <= 1", "index range scan t using t_by_g");
  check("g > 2 AND g < 4", "g + 0 > 2 AND g + 0 < 4", "index range scan t using t_by_g");
  check("g > NULL", "g + 0 > NULL", "index range scan t using t_by_g");
  std::string plan = Plan("EXPLAIN ANALYZE SELECT k FROM t WHERE g > 5");
  EXPECT_TRUE(absl::StrContains(plan, "actual: rows=85")) << plan;
}

}  // namespace
}  // namespace tessera::session

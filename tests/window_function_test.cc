// Window functions (OVER, WINDOW), end to end through a session. Expected
// rows are SQLite 3.40's answers to the same queries (REALs written as
// Tessera writes them: 1 for 1.0). tests/sqlite_diff.py --windows compares
// random window queries with SQLite on top of these.

#include <gtest/gtest.h>

#include "tests/sql_fixture.h"

namespace tessera::session {
namespace {

// NULL written as empty, as the sqlite3 shell writes it.
class WindowFunctionTest : public SqlTest {
 protected:
  WindowFunctionTest() : SqlTest("") {}
  void SetUp() override {
    SqlTest::SetUp();
    Run("CREATE TABLE emp(id INTEGER PRIMARY KEY, dept TEXT, salary INTEGER)");
    Run("INSERT INTO emp VALUES (1, 'eng', 100), (2, 'eng', 120), (3, 'eng', 120), "
        "(4, 'ops', 90), (5, 'ops', NULL), (6, 'sales', 80), (7, 'eng', 150)");
  }
};

TEST_F(WindowFunctionTest, RankingWithinPartitions) {
  EXPECT_EQ(Rows("SELECT id, row_number() OVER w, rank() OVER w, dense_rank() OVER w, "
                 "percent_rank() OVER w, cume_dist() OVER w FROM emp "
                 "WINDOW w AS (PARTITION BY dept ORDER BY salary DESC) ORDER BY id"),
            (V{"1|4|4|3|1|1", "2|2|2|2|0.333333333333333|0.75",
               "3|3|2|2|0.333333333333333|0.75", "4|1|1|1|0|0.5", "5|2|2|2|1|1", "6|1|1|1|0|1",
               "7|1|1|1|0|0.25"}));
}

TEST_F(WindowFunctionTest, DefaultFrameTakesPeers) {
  // With ORDER BY the frame ends at the last peer (both 120s see 510);
  // without, it is the whole partition. NULL sorts first.
  EXPECT_EQ(Rows("SELECT id, sum(salary) OVER (ORDER BY salary), "
                 "count(*) OVER (ORDER BY salary), sum(salary) OVER () FROM emp ORDER BY id"),
            (V{"1|270|4|660", "2|510|6|660", "3|510|6|660", "4|170|3|660", "5||1|660",
               "6|80|2|660", "7|660|7|660"}));
}

TEST_F(WindowFunctionTest, RowsRangeAndGroupsFrames) {
  EXPECT_EQ(Rows("SELECT id, avg(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 "
                 "FOLLOWING), group_concat(id, '') OVER (ORDER BY id ROWS 2 PRECEDING) "
                 "FROM emp ORDER BY id"),
            (V{"1|110|1", "2|113.333333333333|12", "3|110|123", "4|105|234", "5|85|345",
               "6|115|456", "7|115|567"}));
  // RANGE n PRECEDING/FOLLOWING by value (descending flips the sides); a
  // NULL key has only its peers.
  EXPECT_EQ(Rows("SELECT id, sum(salary) OVER (ORDER BY salary RANGE BETWEEN 20 PRECEDING AND "
                 "20 FOLLOWING), count(*) OVER (ORDER BY salary DESC RANGE BETWEEN 30 "
                 "PRECEDING AND CURRENT ROW) FROM emp ORDER BY id"),
            (V{"1|510|3", "2|340|3", "3|340|3", "4|270|4", "5||1", "6|270|3", "7|150|1"}));
  EXPECT_EQ(Rows("SELECT id, count(*) OVER (ORDER BY salary GROUPS BETWEEN 1 PRECEDING AND 1 "
                 "FOLLOWING EXCLUDE GROUP), sum(id) OVER (ORDER BY salary RANGE BETWEEN "
                 "UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES), sum(id) OVER "
                 "(ORDER BY salary ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE "
                 "CURRENT ROW) FROM emp ORDER BY id"),
            (V{"1|3|28|15", "2|2|25|16", "3|2|26|18", "4|2|28|11", "5|1|28|", "6|2|28|5",
               "7|2|28|21"}));
}

TEST_F(WindowFunctionTest, OffsetsAndFrameValues) {
  EXPECT_EQ(Rows("SELECT id, lag(salary) OVER w, lead(salary, 2, -1) OVER w, first_value(id) "
                 "OVER w, last_value(id) OVER w, nth_value(id, 2) OVER w, ntile(3) OVER w "
                 "FROM emp WINDOW w AS (ORDER BY id) ORDER BY id"),
            (V{"1||120|1|1||1", "2|100|90|1|2|2|1", "3|120||1|3|2|1", "4|120|80|1|4|2|2",
               "5|90|150|1|5|2|2", "6||-1|1|6|2|3", "7|80|-1|1|7|2|3"}));
  // A negative offset looks the other way; a parameter sets the buckets.
  EXPECT_EQ(Rows("SELECT id, lag(id, -1) OVER (ORDER BY id), ntile(?) OVER (ORDER BY id) "
                 "FROM emp WHERE id < 4",
                 {Value::Integer(2)}),
            (V{"1|2|1", "2|3|1", "3||2"}));
}

TEST_F(WindowFunctionTest, OverGroupedRowsAndInSubqueries) {
  EXPECT_EQ(Rows("SELECT dept, sum(salary), rank() OVER (ORDER BY sum(salary) DESC), "
                 "sum(sum(salary)) OVER () FROM emp GROUP BY dept ORDER BY dept"),
            (V{"eng|490|1|660", "ops|90|2|660", "sales|80|3|660"}));
  EXPECT_EQ(Rows("SELECT dept, id, salary FROM (SELECT dept, id, salary, rank() OVER "
                 "(PARTITION BY dept ORDER BY salary DESC) AS r FROM emp) WHERE r = 1 "
                 "ORDER BY dept, id"),
            (V{"eng|7|150", "ops|4|90", "sales|6|80"}));
  // Without ORDER BY the rows come in the window's order, as in SQLite.
  EXPECT_EQ(Rows("SELECT id, row_number() OVER (ORDER BY salary DESC, id) FROM emp"),
            (V{"7|1", "2|2", "3|3", "1|4", "4|5", "6|6", "5|7"}));
  EXPECT_EQ(Rows("SELECT id FROM emp ORDER BY row_number() OVER (ORDER BY id DESC) LIMIT 2"),
            (V{"7", "6"}));
  EXPECT_TRUE(Rows("SELECT rank() OVER (ORDER BY id) FROM emp WHERE id > 100").empty());
}

TEST_F(WindowFunctionTest, FilterKeepsRowsOutOfAggregates) {
  EXPECT_EQ(Rows("SELECT dept, count(*) FILTER (WHERE salary > 95), sum(salary) FILTER (WHERE "
                 "id % 2 = 1) FROM emp GROUP BY dept ORDER BY dept"),
            (V{"eng|4|370", "ops|0|", "sales|0|"}));
  EXPECT_EQ(Rows("SELECT id, sum(salary) FILTER (WHERE dept = 'eng') OVER (ORDER BY id), "
                 "count(*) FILTER (WHERE salary IS NULL) OVER () FROM emp ORDER BY id"),
            (V{"1|100|1", "2|220|1", "3|340|1", "4|340|1", "5|340|1", "6|340|1", "7|490|1"}));
  EXPECT_EQ(State("SELECT abs(id) FILTER (WHERE id > 1) FROM emp"), "42809");
  EXPECT_EQ(State("SELECT rank() FILTER (WHERE id > 1) OVER () FROM emp"), "42P20");
}

TEST_F(WindowFunctionTest, MisuseIsRefusedWithItsSqlState) {
  EXPECT_EQ(State("SELECT row_number() FROM emp"), "42P20");
  EXPECT_EQ(State("SELECT id FROM emp WHERE rank() OVER () > 1"), "42P20");
  EXPECT_EQ(State("SELECT dept FROM emp GROUP BY dept HAVING rank() OVER () = 1"), "42P20");
  EXPECT_EQ(State("UPDATE emp SET salary = row_number() OVER ()"), "42P20");
  EXPECT_EQ(State("SELECT abs(id) OVER () FROM emp"), "42P20");
  EXPECT_EQ(State("SELECT sum(DISTINCT id) OVER () FROM emp"), "42P20");
  EXPECT_EQ(State("SELECT sum(row_number() OVER ()) OVER () FROM emp"), "42P20");
  EXPECT_EQ(State("SELECT sum(id) OVER nope FROM emp"), "42P20");
  EXPECT_EQ(State("SELECT sum(id) OVER (ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW) FROM emp"),
            "42P20");
  EXPECT_EQ(State("SELECT sum(id) OVER (RANGE 1 PRECEDING) FROM emp"), "42P20");
  EXPECT_EQ(State("SELECT sum(id) OVER (w PARTITION BY id) FROM emp WINDOW w AS (ORDER BY id)"),
            "42P20");
  EXPECT_EQ(State("SELECT rank(1) OVER () FROM emp"), "42883");
  EXPECT_EQ(State("SELECT sum(id) OVER (ORDER BY id ROWS -1 PRECEDING) FROM emp"), "22013");
  EXPECT_EQ(State("SELECT ntile(0) OVER () FROM emp"), "22014");
  EXPECT_EQ(State("SELECT nth_value(id, 0) OVER () FROM emp"), "22016");
}

}  // namespace
}  // namespace tessera::session

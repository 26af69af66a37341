// Recursive common table expressions (WITH [RECURSIVE]), and WITH before
// INSERT, UPDATE and DELETE, end to end through a session. Expected rows are SQLite 3.40's answers to the same queries.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/sql_fixture.h"

namespace tessera::session {
namespace {

class RecursiveCteTest : public SqlTest {
 protected:
  void SetUp() override {
    SqlTest::SetUp();
    Run("CREATE TABLE tree(id INTEGER PRIMARY KEY, parent INTEGER, name TEXT)");
    Run("INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), "
        "(5, 4, 'a1x'), (6, 3, 'b1')");
  }
};

TEST_F(RecursiveCteTest, CountsWithAndWithoutTheKeyword) {
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3) "
                 "SELECT * FROM c"),
            (V{"1", "2", "3"}));
  // As in SQLite, a CTE that reads itself is recursive without the keyword.
  EXPECT_EQ(Rows("WITH c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3) "
                 "SELECT * FROM c"),
            (V{"1", "2", "3"}));
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000) "
                 "SELECT count(*), sum(n) FROM c"),
            (V{"1000|500500"}));
  EXPECT_EQ(Rows("WITH RECURSIVE fib(a, b) AS (SELECT 0, 1 UNION ALL SELECT b, a + b FROM fib "
                 "WHERE b < 100) SELECT a FROM fib ORDER BY a"),
            (V{"0", "1", "1", "2", "3", "5", "8", "13", "21", "34", "55", "89"}));
}

TEST_F(RecursiveCteTest, WalksATableBothWays) {
  EXPECT_EQ(Rows("WITH RECURSIVE sub(id, name, depth) AS ("
                 "  SELECT id, name, 0 FROM tree WHERE parent IS NULL"
                 "  UNION ALL SELECT tree.id, tree.name, sub.depth + 1 "
                 "  FROM tree JOIN sub ON tree.parent = sub.id) "
                 "SELECT * FROM sub ORDER BY id"),
            (V{"1|root|0", "2|a|1", "3|b|1", "4|a1|2", "5|a1x|3", "6|b1|2"}));
  EXPECT_EQ(Rows("WITH RECURSIVE anc(id) AS (SELECT 5 UNION ALL SELECT parent FROM tree, anc "
                 "WHERE tree.id = anc.id AND parent IS NOT NULL) "
                 "SELECT group_concat(id, '>') FROM anc"),
            (V{"5>4>2>1"}));
}

TEST_F(RecursiveCteTest, UnionEndsACycleUnionAllNeedsALimit) {
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION SELECT n % 3 + 1 FROM c) "
                 "SELECT * FROM c ORDER BY 1"),
            (V{"1", "2", "3"}));
  // A LIMIT on the CTE, or right above its reader, ends an endless one.
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 5) "
                 "SELECT * FROM c"),
            (V{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 3 OFFSET 2) "
                 "SELECT * FROM c"),
            (V{"3", "4", "5"}));
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) "
                 "SELECT n * 10 FROM c LIMIT 4"),
            (V{"10", "20", "30", "40"}));
  // The LIMIT above one reader does not cut another reader short.
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) "
                 "SELECT (SELECT count(*) FROM (SELECT n FROM c LIMIT 2)), "
                 "(SELECT count(*) FROM c)"),
            (V{"2|5"}));
  // Without one, the rows it may produce are bounded: an error, not
  // memory exhausted.
  absl::Status s = Err("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) "
                       "SELECT count(*) FROM c");
  EXPECT_EQ(SqlState(s), "53200") << s;
  EXPECT_NE(s.message().find("recursive query produced more than"), std::string::npos) << s;
}

TEST_F(RecursiveCteTest, SeveralRecursiveSelectsAndOtherCtes) {
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3 "
                 "UNION ALL SELECT n + 10 FROM c WHERE n < 3) SELECT * FROM c ORDER BY 1"),
            (V{"1", "2", "3", "11", "12"}));
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3), "
                 "d(m) AS (SELECT n * 10 FROM c) SELECT * FROM d ORDER BY 1"),
            (V{"10", "20", "30"}));
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 4) "
                 "SELECT c.n, c2.n FROM c, c AS c2 WHERE c.n = c2.n + 2 ORDER BY 1"),
            (V{"3|1", "4|2"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL "
                 "SELECT n + 1 FROM c WHERE n < 50) SELECT n FROM c)"),
            (V{"50"}));
  // ORDER BY without LIMIT does not change which rows come out.
  EXPECT_EQ(Rows("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3 "
                 "ORDER BY 1) SELECT * FROM c"),
            (V{"1", "2", "3"}));
}

// WITH before INSERT, UPDATE and DELETE: the statement's SELECT, WHERE,
// SET, VALUES and RETURNING and their subqueries read the CTEs; a trigger
// body may not have one (SQLite's answers).
TEST_F(RecursiveCteTest, WithBeforeInsertUpdateAndDelete) {
  Run("CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER)");
  Run("WITH s(v) AS (SELECT id * 10 FROM tree WHERE id <= 3) INSERT INTO t(b) SELECT v FROM s");
  Run("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) "
      "INSERT INTO t(b) SELECT i FROM n");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY a"), (V{"1|10", "2|20", "3|30", "4|1", "5|2", "6|3"}));
  EXPECT_EQ(Rows("WITH big AS (SELECT a FROM t WHERE b >= 20) "
                 "UPDATE t SET b = -b WHERE a IN (SELECT a FROM big) RETURNING a, b"),
            (V{"2|-20", "3|-30"}));
  EXPECT_EQ(Rows("WITH small AS (SELECT a FROM t WHERE b < 5) "
                 "DELETE FROM t WHERE a IN (SELECT a FROM small) RETURNING a"),
            (V{"2", "3", "4", "5", "6"}));
  Run("WITH s AS (SELECT 1) INSERT INTO t(b) VALUES ((SELECT count(*) FROM s))");
  // The SELECT's own WITH sees the statement's.
  Run("WITH s(v) AS (SELECT 7) INSERT INTO t(b) WITH s2 AS (SELECT v + 1 AS w FROM s) "
      "SELECT w FROM s2");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY a"), (V{"1|10", "2|1", "3|8"}));
  // The CTEs are the statement's: the next one does not see them.
  EXPECT_EQ(State("SELECT * FROM s"), "42P01");
  EXPECT_EQ(State("CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
                  "WITH q AS (SELECT 1) DELETE FROM t WHERE 0; END"),
            "42601");
}

TEST_F(RecursiveCteTest, MisshapenRecursionIsAnError) {
  struct Case {
    const char* sql;
    const char* state;
    const char* message;
  };
  const Case cases[] = {
      {"WITH tree AS (SELECT id FROM tree) SELECT * FROM tree", "42P19", "circular reference: tree"},
      {"WITH RECURSIVE c(n) AS (SELECT n FROM c) SELECT * FROM c", "42P19", "circular reference: c"},
      {"WITH RECURSIVE c(n) AS (SELECT 1 INTERSECT SELECT n FROM c) SELECT * FROM c", "42P19",
       "circular reference: c"},
      {"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT c.n + 1 FROM c, c AS d WHERE c.n < 3) "
       "SELECT * FROM c",
       "42P19", "multiple recursive references: c"},
      {"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT (SELECT max(n) FROM c) + 1 FROM c "
       "WHERE n < 3) SELECT * FROM c",
       "42P19", "recursive reference in a subquery: c"},
      {"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT count(*) FROM c) SELECT * FROM c",
       "42P19", "recursive aggregate queries not supported"},
      {"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c ORDER BY 1 LIMIT 2) "
       "SELECT * FROM c",
       "0A000", "statement not supported: ORDER BY with LIMIT in recursive c"},
      {"WITH RECURSIVE c(n, m) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT * FROM c",
       "42601", "table c has 1 values for 2 columns"},
      {"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1, 2 FROM c) SELECT * FROM c",
       "42601", "SELECTs to the left and right of a compound operator"},
  };
  for (const Case& c : cases) {
    absl::Status s = Err(c.sql);
    EXPECT_EQ(SqlState(s), c.state) << c.sql << ": " << s;
    EXPECT_EQ(s.message().substr(0, std::string(c.message).size()), c.message) << s;
  }
  // The session goes on.
  EXPECT_EQ(Rows("SELECT count(*) FROM tree"), (V{"6"}));
}

}  // namespace
}  // namespace tessera::session

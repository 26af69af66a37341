// Table-valued functions end to end: json_each and json_tree alone, with
// a path, joined to the tables before them (run once per row, LEFT JOIN
// too), in subqueries, views, DML and EXPLAIN, and their errors. Expected
// rows are SQLite 3.40's answers.

#include <gtest/gtest.h>

#include "tests/sql_fixture.h"

namespace tessera::session {
namespace {

class TableFunctionTest : public SqlTest {
 protected:
  void SetUp() override {
    SqlTest::SetUp();
    Run("CREATE TABLE t(id INTEGER PRIMARY KEY, j TEXT)");
    Run("INSERT INTO t VALUES (1, '[1,2]'), (2, '{\"k\":3}'), (3, NULL), (4, '[]')");
  }
};

TEST_F(TableFunctionTest, JsonEachGivesSqlitesColumns) {
  // key, value, type, atom, id, parent, fullkey, path; ids number the
  // document's nodes (and member labels) in document order, as SQLite's.
  EXPECT_EQ(Rows("SELECT * FROM json_each('{\"a\":1,\"b\":[2,3.5,\"x\"],\"c\":{\"d\":null},"
                 "\"e\":true}')"),
            V({"a|1|integer|1|2|NULL|$.a|$", "b|[2,3.5,\"x\"]|array|NULL|4|NULL|$.b|$",
               "c|{\"d\":null}|object|NULL|9|NULL|$.c|$", "e|1|true|1|13|NULL|$.e|$"}));
  EXPECT_EQ(Rows("SELECT * FROM json_each('[1,\"two\",null,false]')"),
            V({"0|1|integer|1|1|NULL|$[0]|$", "1|two|text|two|2|NULL|$[1]|$",
               "2|NULL|null|NULL|3|NULL|$[2]|$", "3|0|false|0|4|NULL|$[3]|$"}));
  // A scalar document is one row without a key.
  EXPECT_EQ(Rows("SELECT * FROM json_each('5')"), V({"NULL|5|integer|5|0|NULL|$|$"}));
  EXPECT_EQ(Rows("SELECT * FROM json_each(5)"), V({"NULL|5|integer|5|0|NULL|$|$"}));
  // Values are typed; containers are JSON text, which JSON functions nest.
  EXPECT_EQ(Rows("SELECT typeof(value), typeof(atom) FROM json_each('[1,2.0,\"s\",[1],null]')"),
            V({"integer|integer", "real|real", "text|text", "text|null", "null|null"}));
  EXPECT_EQ(Rows("SELECT json_array(value) FROM json_each('[[1],{\"a\":2},\"s\"]')"),
            V({"[[1]]", "[{\"a\":2}]", "[\"s\"]"}));
  // Labels that are not a letter then letters and digits are quoted in
  // fullkey.
  EXPECT_EQ(Rows("SELECT key, fullkey FROM json_each('{\"a_b\":1,\"a1\":2,\"1a\":3,\"\":4}')"),
            V({"a_b|$.\"a_b\"", "a1|$.a1", "1a|$.\"1a\"", "|$.\"\""}));
  // The hidden columns json and root are left out of * but can be named.
  EXPECT_EQ(Rows("SELECT json_each.value, json, root FROM json_each('[5]')"), V({"5|[5]|$"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM json_each('[]')"), V({"0"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM json_each(NULL)"), V({"0"}));
  EXPECT_EQ(Rows("SELECT sum(value) FROM json_each('[1,2,3]') WHERE key > 0"), V({"5"}));
}

TEST_F(TableFunctionTest, PathsChooseWhereTheWalkStarts) {
  EXPECT_EQ(Rows("SELECT *, json, root FROM json_each('{\"a\":{\"b\":[7,8]}}', '$.a.b')"),
            V({"0|7|integer|7|5|NULL|$.a.b[0]|$.a.b|{\"a\":{\"b\":[7,8]}}|$.a.b",
               "1|8|integer|8|6|NULL|$.a.b[1]|$.a.b|{\"a\":{\"b\":[7,8]}}|$.a.b"}));
  // json_each keeps the path as written; a scalar there is one row.
  EXPECT_EQ(Rows("SELECT * FROM json_each('{\"a\":[1]}', '$.\"a\"')"),
            V({"0|1|integer|1|3|NULL|$.\"a\"[0]|$.\"a\""}));
  EXPECT_EQ(Rows("SELECT * FROM json_each('{\"a\":1}', '$.a')"),
            V({"NULL|1|integer|1|2|NULL|$.a|$.a"}));
  // A missing path or a NULL one gives no rows.
  EXPECT_EQ(Rows("SELECT count(*) FROM json_each('{\"a\":1}', '$.zz')"), V({"0"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM json_each('{\"a\":1}', NULL)"), V({"0"}));
}

TEST_F(TableFunctionTest, JsonTreeWalksEveryNode) {
  EXPECT_EQ(Rows("SELECT * FROM json_tree('{\"a\":1,\"b\":[2,{\"z\":\"q\"}]}')"),
            V({"NULL|{\"a\":1,\"b\":[2,{\"z\":\"q\"}]}|object|NULL|0|NULL|$|$",
               "a|1|integer|1|2|0|$.a|$", "b|[2,{\"z\":\"q\"}]|array|NULL|4|0|$.b|$",
               "0|2|integer|2|5|4|$.b[0]|$.b", "1|{\"z\":\"q\"}|object|NULL|6|4|$.b[1]|$.b",
               "z|q|text|q|8|6|$.b[1].z|$.b[1]"}));
  // From a path: the first row is the node there, without a parent;
  // paths are written from the document's root.
  EXPECT_EQ(Rows("SELECT * FROM json_tree('{\"a\":{\"b\":[7,8]}}', '$.a')"),
            V({"a|{\"b\":[7,8]}|object|NULL|2|NULL|$.a|$", "b|[7,8]|array|NULL|4|2|$.a.b|$.a",
               "0|7|integer|7|5|4|$.a.b[0]|$.a.b", "1|8|integer|8|6|4|$.a.b[1]|$.a.b"}));
  EXPECT_EQ(Rows("SELECT * FROM json_tree('{\"a\":1}', '$.a')"),
            V({"NULL|1|integer|1|2|NULL|$.a|$"}));
  // A root inside an array has no key. (SQLite 3.40 writes this first
  // row's fullkey as $.b[0]; Tessera writes its path.)
  EXPECT_EQ(Rows("SELECT key, id, fullkey, path FROM json_tree('{\"b\":[2,{\"z\":\"q\"}]}', "
                 "'$.b[1]')"),
            V({"NULL|4|$.b[1]|$.b", "z|6|$.b[1].z|$.b[1]"}));
  EXPECT_EQ(Rows("SELECT fullkey, path FROM json_tree('[[1,[2]]]') WHERE atom IS NOT NULL"),
            V({"$[0][0]|$[0]", "$[0][1][0]|$[0][1]"}));
  // As deep as a document may be (SQLite's 2000), no deeper.
  EXPECT_EQ(Rows("SELECT count(*) FROM json_tree(printf('%.*c', 2000, '[') || "
                 "printf('%.*c', 2000, ']'))"),
            V({"2000"}));
  EXPECT_EQ(State("SELECT count(*) FROM json_tree(printf('%.*c', 2001, '[') || "
                  "printf('%.*c', 2001, ']'))"),
            "22032");
}

TEST_F(TableFunctionTest, ArgumentsReadTheTablesBeforeIt) {
  // Run once per row of t; a NULL or empty document adds no rows.
  EXPECT_EQ(Rows("SELECT t.id, e.key, e.value FROM t, json_each(t.j) e"),
            V({"1|0|1", "1|1|2", "2|k|3"}));
  EXPECT_EQ(Rows("SELECT t.id, e.value FROM t JOIN json_each(t.j) AS e ON e.value >= 2 "
                 "WHERE t.id < 3 ORDER BY 1"),
            V({"1|2", "2|3"}));
  // LEFT JOIN keeps the rows that get none; ON decides which match.
  EXPECT_EQ(Rows("SELECT t.id, e.key FROM t LEFT JOIN json_each(t.j) e"),
            V({"1|0", "1|1", "2|k", "3|NULL", "4|NULL"}));
  EXPECT_EQ(Rows("SELECT t.id, e.value FROM t LEFT JOIN json_each(t.j) e ON e.value > 1"),
            V({"1|2", "2|3", "3|NULL", "4|NULL"}));
  // Tables after the function join its rows; ones before it join first.
  EXPECT_EQ(Rows("SELECT a.id, b.id, e.value FROM t a, t b, json_each(a.j) e "
                 "WHERE b.id = e.value ORDER BY 1, 2"),
            V({"1|1|1", "1|2|2", "2|3|3"}));
  EXPECT_EQ(Rows("SELECT e.value, t2.id FROM t, json_each(t.j) e, t t2 "
                 "WHERE t2.id = e.value + 1 ORDER BY 1"),
            V({"1|2", "2|3", "3|4"}));
  EXPECT_EQ(Rows("SELECT j.key FROM json_each('{\"x\":1,\"y\":2}') j, t WHERE t.id = j.value "
                 "ORDER BY 1"),
            V({"x", "y"}));
  EXPECT_EQ(Rows("SELECT t.*, e.* FROM t, json_each(t.j) e WHERE t.id = 2"),
            V({"2|{\"k\":3}|k|3|integer|3|2|NULL|$.k|$"}));
  EXPECT_EQ(Rows("SELECT e.value, count(*) FROM t, json_each(t.j) e GROUP BY e.value "
                 "ORDER BY 1"),
            V({"1|1", "2|1", "3|1"}));
  // In a subquery, reading the enclosing row.
  EXPECT_EQ(Rows("SELECT t.id, (SELECT count(*) FROM json_each(t.j)) FROM t"),
            V({"1|2", "2|1", "3|0", "4|0"}));
  EXPECT_EQ(Rows("SELECT id FROM t WHERE EXISTS (SELECT 1 FROM json_each(t.j) WHERE value = 3)"),
            V({"2"}));
  // Parameters, and a CTE before it.
  EXPECT_EQ(Rows("SELECT value FROM json_each(?) ORDER BY 1 DESC", {Value::Text("[3,1,2]")}),
            V({"3", "2", "1"}));
  EXPECT_EQ(Rows("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) "
                 "SELECT x, value FROM c, json_each('[10,20]') WHERE value / 10 = x"),
            V({"1|10", "2|20"}));
}

// generate_series, as SQLite's shell has it (ext/misc/series.c).
TEST_F(TableFunctionTest, GenerateSeries) {
  EXPECT_EQ(Rows("SELECT * FROM generate_series(1, 5)"), V({"1", "2", "3", "4", "5"}));
  EXPECT_EQ(Rows("SELECT value, start, stop, step FROM generate_series(1, 3, 1) LIMIT 1"),
            V({"1|1|3|1"}));
  // A negative step gives the same values, descending; 0 counts as 1.
  EXPECT_EQ(Rows("SELECT * FROM generate_series(1, 7, -2)"), V({"7", "5", "3", "1"}));
  EXPECT_EQ(Rows("SELECT * FROM generate_series(1, 10, 0) LIMIT 3"), V({"1", "2", "3"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM generate_series(5, 1)"), V({"0"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM generate_series(10, 1, -3)"), V({"0"}));
  // Arguments read as integers; a NULL one gives no rows.
  EXPECT_EQ(Rows("SELECT * FROM generate_series(1.9, 3.2)"), V({"1", "2", "3"}));
  EXPECT_EQ(Rows("SELECT * FROM generate_series('2', '4')"), V({"2", "3", "4"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM generate_series(1, NULL)"), V({"0"}));
  // Per row of the tables before it.
  EXPECT_EQ(Rows("SELECT t.id, s.value FROM t, generate_series(1, t.id) s WHERE t.id <= 2"),
            V({"1|1", "2|1", "2|2"}));
  // More rows than a statement may hold is an error, said before they are
  // made (SQLite counts to 4294967295 here).
  EXPECT_EQ(State("SELECT count(*) FROM generate_series(1)"), "53200");
  EXPECT_EQ(State("SELECT count(*) FROM generate_series(-9223372036854775808, "
                  "9223372036854775807)"),
            "53200");
  EXPECT_EQ(Rows("SELECT max(value) FROM generate_series(9223372036854775806, "
                 "9223372036854775807)"),
            V({"9223372036854775807"}));
}

TEST_F(TableFunctionTest, ViewsDmlAndExplain) {
  Run("CREATE VIEW items AS SELECT t.id, e.value AS v FROM t, json_each(t.j) e");
  EXPECT_EQ(Rows("SELECT * FROM items ORDER BY 1, 2"), V({"1|1", "1|2", "2|3"}));
  Run("INSERT INTO t(j) SELECT value FROM json_each('[\"[7]\",\"[8]\"]')");
  EXPECT_EQ(Rows("SELECT id, j FROM t WHERE id > 4"), V({"5|[7]", "6|[8]"}));
  EXPECT_EQ(Rows("UPDATE t SET j = '[9]' FROM json_each('[1]') e WHERE t.id = e.value "
                 "RETURNING id, j"),
            V({"1|[9]"}));
  EXPECT_EQ(Rows("SELECT max(t.id), count(*) FROM t, json_tree(t.j)"), V({"6|9"}));
  const V plan = Rows("EXPLAIN SELECT t.id, e.value FROM t, json_each(t.j) e WHERE e.value > 1");
  bool found = false;
  for (const std::string& line : plan) {
    found = found || line.find("for each row, json_each(1 argument)") != std::string::npos;
  }
  EXPECT_TRUE(found) << plan.size();
}

TEST_F(TableFunctionTest, ErrorsHaveSqlStates) {
  EXPECT_EQ(std::string(Err("SELECT * FROM json_each('{\"a\":')").message()), "malformed JSON");
  EXPECT_EQ(State("SELECT * FROM json_each('{\"a\":')"), "22032");
  EXPECT_EQ(State("SELECT * FROM json_each('[1]', 'x')"), "42601");
  EXPECT_EQ(State("SELECT * FROM json_each('[1]', '$', 3)"), "42883");
  EXPECT_EQ(State("SELECT * FROM json_tree()"), "42883");
  EXPECT_EQ(std::string(Err("SELECT * FROM nosuch(1)").message()),
            "no such table-valued function: nosuch");
  EXPECT_EQ(State("SELECT * FROM nosuch(1)"), "42883");
  EXPECT_EQ(State("SELECT * FROM json_each(nosuch)"), "42703");
  // The error is raised by the row that holds the bad document; a WHERE
  // that keeps it out is applied before the function reads it, LEFT JOIN
  // too (SQLite's idiom `WHERE json_valid(j)`).
  Run("INSERT INTO t VALUES (9, '[1')");
  EXPECT_EQ(State("SELECT e.value FROM t, json_each(t.j) e"), "22032");
  EXPECT_EQ(State("SELECT e.value FROM t LEFT JOIN json_each(t.j) e"), "22032");
  EXPECT_EQ(Rows("SELECT count(*) FROM t, json_each(t.j) e WHERE t.id < 9"), V({"3"}));
  EXPECT_EQ(Rows("SELECT t.id, count(e.key) FROM t LEFT JOIN json_each(t.j) e "
                 "WHERE json_valid(t.j) GROUP BY t.id"),
            V({"1|2", "2|1", "4|0"}));
  EXPECT_EQ(State("SELECT * FROM json_each('[1]') e RIGHT JOIN t ON 1 RIGHT JOIN "
                  "json_each(t.j) f ON 1"),
            "0A000");
}

}  // namespace
}  // namespace tessera::session

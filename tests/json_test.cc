// JSON end to end: documents in tables, the -> and ->> operators, the JSON
// aggregates grouped and over windows, views, errors. Expected rows are
// SQLite 3.40's answers (function/json_functions.cc lists where Tessera
// differs on purpose).

#include <gtest/gtest.h>

#include "tests/sql_fixture.h"

namespace tessera::session {
namespace {

class JsonTest : public SqlTest {
 protected:
  void SetUp() override {
    SqlTest::SetUp();
    Run("CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT)");
    Run("INSERT INTO docs VALUES "
        "(1, '{\"name\":\"ann\",\"tags\":[\"a\",\"b\"],\"age\":30}'), "
        "(2, '{\"name\":\"bob\",\"tags\":[],\"age\":41.5}'), "
        "(3, '[1, 2, {\"x\": null}]')");
  }
};

TEST_F(JsonTest, ArrowsReadDocumentsInRows) {
  EXPECT_EQ(Rows("SELECT id, body ->> 'name', body -> 'tags', body ->> '$.tags[#-1]' FROM docs "
                 "WHERE id < 3 ORDER BY body ->> 'age' DESC"),
            V({"2|bob|[]|NULL", "1|ann|[\"a\",\"b\"]|b"}));
  EXPECT_EQ(Rows("SELECT body -> 2, body -> 2 ->> 'x', body -> '$[2].x', body ->> 5 FROM docs "
                 "WHERE id = 3"),
            V({"{\"x\":null}|NULL|null|NULL"}));
  // -> gives JSON text, ->> the SQL value: typed, and unquoted.
  EXPECT_EQ(Rows("SELECT typeof(body -> 'age'), typeof(body ->> 'age'), body -> 'name' "
                 "FROM docs WHERE id = 2"),
            V({"text|real|\"bob\""}));
  // The operators bind like ||, tighter than comparison and arithmetic.
  EXPECT_EQ(Rows("SELECT id FROM docs WHERE body ->> 'age' + 1 > 40"), V({"2"}));
  EXPECT_EQ(Rows("SELECT '[1,2]' -> 1 || 'x', '[1,2]'-->1\n, 7"), V({"2x|[1,2]|7"}));
}

TEST_F(JsonTest, DocumentsAreEditedInPlace) {
  EXPECT_EQ(Rows("UPDATE docs SET body = json_set(body, '$.age', body ->> 'age' + 1, "
                 "'$.tags[#]', 'c') WHERE id = 1 RETURNING body"),
            V({"{\"name\":\"ann\",\"tags\":[\"a\",\"b\",\"c\"],\"age\":31}"}));
  Run("UPDATE docs SET body = json_remove(body, '$.tags') WHERE id = 2");
  EXPECT_EQ(Rows("SELECT body FROM docs WHERE id = 2"),
            V({"{\"name\":\"bob\",\"age\":41.5}"}));
  // A JSON value read back from a table is plain text again: embedded as
  // a string, as in SQLite.
  EXPECT_EQ(Rows("SELECT json_array(body -> 'name', json(body) -> 'age') FROM docs WHERE id = 2"),
            V({"[\"bob\",41.5]"}));
  EXPECT_EQ(Rows("SELECT json_array(body) FROM docs WHERE id = 3"),
            V({"[\"[1, 2, {\\\"x\\\": null}]\"]"}));
}

TEST_F(JsonTest, AggregatesGroupedAndOverWindows) {
  EXPECT_EQ(Rows("SELECT json_group_array(id), json_group_object(body ->> 'name', body -> 'age') "
                 "FROM docs WHERE id < 3"),
            V({"[1,2]|{\"ann\":30,\"bob\":41.5}"}));
  EXPECT_EQ(Rows("SELECT id % 2, json_group_array(body -> 'tags') FROM docs WHERE id < 3 "
                 "GROUP BY id % 2 ORDER BY 1"),
            V({"0|[[]]", "1|[[\"a\",\"b\"]]"}));
  EXPECT_EQ(Rows("SELECT json_group_array(id) FROM docs WHERE id > 9"), V({"[]"}));
  EXPECT_EQ(Rows("SELECT id, json_group_object(id, id * 2) OVER (ORDER BY id ROWS 1 PRECEDING), "
                 "json_group_array(id) FILTER (WHERE id <> 2) OVER (ORDER BY id) FROM docs"),
            V({"1|{\"1\":2}|[1]", "2|{\"1\":2,\"2\":4}|[1]", "3|{\"2\":4,\"3\":6}|[1,3]"}));
  EXPECT_EQ(State("SELECT json_group_object(NULL, id) FROM docs"), "22004");
  EXPECT_EQ(State("SELECT json_group_array(x'00') FROM docs"), "22023");
  EXPECT_EQ(State("SELECT json_group_object(id) FROM docs"), "42883");
}

TEST_F(JsonTest, ViewsKeepTheOperators) {
  Run("CREATE VIEW people AS SELECT id, body->>'name' AS name, body -> 'tags' AS tags "
      "FROM docs WHERE json_type(body) = 'object'");
  EXPECT_EQ(Rows("SELECT name, json_array_length(tags) FROM people ORDER BY name"),
            V({"ann|2", "bob|0"}));
}

TEST_F(JsonTest, ErrorsHaveSqlStates) {
  Run("INSERT INTO docs VALUES (4, 'not json')");
  EXPECT_EQ(State("SELECT body ->> 'name' FROM docs"), "22032");
  EXPECT_EQ(std::string(Err("SELECT json('{')").message()), "malformed JSON");
  EXPECT_EQ(State("SELECT json_extract('{}', 'a')"), "42601");
  EXPECT_EQ(std::string(Err("SELECT '[1]' -> '$[0'").message()), "JSON path error near '[0'");
  EXPECT_EQ(State("SELECT json_array(x'01')"), "22023");
  EXPECT_EQ(State("SELECT json_object(1, 2)"), "22023");
  EXPECT_EQ(State("SELECT json_object('a')"), "42883");
  EXPECT_EQ(State("SELECT json_set('{}', '$.a')"), "42883");
  EXPECT_EQ(State("SELECT json_extract('{}')"), "42883");
  // A hostile document or path is an error, not a crash.
  EXPECT_EQ(State("SELECT json(printf('%.*c', 100000, '['))"), "22032");
  EXPECT_EQ(State("SELECT json_set('{}', replace(printf('%.*c', 5000, 'x'), 'x', '.a'), 1)"),
            "42601");
  EXPECT_EQ(State("SELECT json_set('{}', '$' || replace(printf('%.*c', 5000, 'x'), 'x', '.a'), 1)"),
            "54000");
}

TEST_F(JsonTest, RealsAreWrittenAsSqliteWritesThem) {
  // SQLite's "%!.15g": a '.' also in exponent form, and no negative zero;
  // CAST, || and the JSON functions write REALs alike.
  EXPECT_EQ(Rows("SELECT CAST(1e300 AS TEXT), CAST(-0.0 AS TEXT), 1e-5 || '', "
                 "json_array(1e300, -0.0, 2.5, 100.0)"),
            V({"1.0e+300|0.0|1.0e-05|[1.0e+300,0.0,2.5,100.0]"}));
}

}  // namespace
}  // namespace tessera::session

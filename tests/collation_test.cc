// Collations end to end: NOCASE and RTRIM on columns, in COLLATE
// clauses, in indexes and keys, through every place SQL compares TEXT
// (WHERE, IN, BETWEEN, CASE, joins, subqueries, ORDER BY, GROUP BY,
// DISTINCT, aggregates, compound SELECTs, windows). Expected rows are
// SQLite 3.40's answers to the same statements.

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "tests/sql_fixture.h"

namespace tessera::session {
namespace {

class CollationTest : public SqlTest {
 protected:
  void SetUp() override {
    SqlTest::SetUp();
    Run("CREATE TABLE u(id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, tag TEXT)");
    Run("INSERT INTO u VALUES (1,'Bob','x'),(2,'alice','Y'),(3,'Carol','z'),(4,'bob','X'),(5,'ALICE','y'),(6,'dave',NULL),(7,NULL,'z')");
    Run("CREATE TABLE r(id INTEGER PRIMARY KEY, s TEXT COLLATE RTRIM)");
    Run("INSERT INTO r VALUES (1,'a'),(2,'a  '),(3,' a'),(4,'b '),(5,'a!')");
    Run("CREATE TABLE p(code TEXT, label TEXT)");
    Run("INSERT INTO p VALUES ('BOB','builder'),('Alice','wonderland'),('carol','singer')");
  }
  // Whether EXPLAIN of `sql` reads table `t` through index `ix`.
  bool UsesIndex(const std::string& sql, const std::string& ix) {
    for (const std::string& line : Rows("EXPLAIN " + sql)) {
      if (absl::StrContains(line, "using " + ix)) return true;
    }
    return false;
  }
};

TEST_F(CollationTest, AnswersAsSqliteDoes) {
  struct Case {
    const char* sql;
    V want;
  };
  const Case cases[] = {
      {"SELECT id FROM u WHERE name = 'BOB' ORDER BY id",
       {"1", "4"}},
      {"SELECT id FROM u WHERE 'BOB' = name ORDER BY id",
       {"1", "4"}},
      {"SELECT id FROM u WHERE name < 'c' ORDER BY id",
       {"1", "2", "4", "5"}},
      {"SELECT id FROM u WHERE name BETWEEN 'B' AND 'c' ORDER BY id",
       {"1", "4"}},
      {"SELECT id FROM u WHERE name IN ('ALICE', 'dAvE') ORDER BY id",
       {"2", "5", "6"}},
      {"SELECT id FROM u WHERE name <> 'alice' ORDER BY id",
       {"1", "3", "4", "6"}},
      {"SELECT id FROM u WHERE tag = 'x' ORDER BY id",
       {"1"}},
      {"SELECT id FROM u WHERE tag = 'x' COLLATE NOCASE ORDER BY id",
       {"1", "4"}},
      {"SELECT id FROM u WHERE name = 'BOB' COLLATE BINARY ORDER BY id",
       {}},
      {"SELECT id FROM u WHERE name = tag COLLATE BINARY ORDER BY id",
       {}},
      {"SELECT id FROM u WHERE tag = name ORDER BY id",
       {}},
      {"SELECT id FROM u WHERE name = tag ORDER BY id",
       {}},
      {"SELECT name FROM u ORDER BY name, id",
       {"NULL", "alice", "ALICE", "Bob", "bob", "Carol", "dave"}},
      {"SELECT name FROM u ORDER BY name DESC, id",
       {"dave", "Carol", "Bob", "bob", "alice", "ALICE", "NULL"}},
      {"SELECT tag FROM u ORDER BY tag COLLATE NOCASE, id",
       {"NULL", "x", "X", "Y", "y", "z", "z"}},
      {"SELECT name, count(*) FROM u GROUP BY name ORDER BY name",
       {"NULL|1", "alice|2", "Bob|2", "Carol|1", "dave|1"}},
      {"SELECT DISTINCT name FROM u ORDER BY 1",
       {"NULL", "alice", "Bob", "Carol", "dave"}},
      {"SELECT count(DISTINCT name), count(DISTINCT tag), min(name), max(name) FROM u",
       {"4|5|alice|dave"}},
      {"SELECT count(*) FROM (SELECT DISTINCT tag COLLATE NOCASE FROM u)",
       {"4"}},
      {"SELECT id FROM u WHERE name IN (SELECT code FROM p) ORDER BY id",
       {"1", "2", "3", "4", "5"}},
      {"SELECT id FROM u WHERE name IN (SELECT code COLLATE BINARY FROM p) ORDER BY id",
       {}},
      {"SELECT u.id, p.label FROM u JOIN p ON u.name = p.code ORDER BY u.id",
       {"1|builder", "2|wonderland", "3|singer", "4|builder", "5|wonderland"}},
      {"SELECT u.id, p.label FROM p JOIN u ON p.code = u.name ORDER BY u.id",
       {}},
      {"SELECT v.id FROM (SELECT id, name AS n FROM u) AS v WHERE v.n = 'CAROL'",
       {"3"}},
      {"WITH c AS (SELECT name FROM u) SELECT count(*) FROM c WHERE name = 'ALICE'",
       {"2"}},
      {"SELECT CASE name WHEN 'BOB' THEN 'b' WHEN 'ALICE' THEN 'a' ELSE '-' END FROM u ORDER BY id",
       {"b", "a", "-", "b", "a", "-", "-"}},
      {"SELECT name FROM u WHERE id < 3 UNION SELECT 'BOB' ORDER BY 1",
       {"alice", "BOB"}},
      // A group's column read from a subquery keeps its collation.
      {"SELECT o.name, (SELECT count(*) FROM p WHERE o.name = p.code) FROM u AS o "
       "WHERE o.id < 4 GROUP BY o.name ORDER BY 1",
       {"alice|1", "Bob|1", "Carol|1"}},
      // BETWEEN: each bound under its own pair's collation.
      {"SELECT id FROM u WHERE tag BETWEEN 'X' COLLATE NOCASE AND name ORDER BY id",
       {"2", "4"}},
      {"SELECT id FROM u WHERE tag NOT BETWEEN 'X' COLLATE NOCASE AND name ORDER BY id",
       {"1", "3", "5"}},
      {"SELECT id FROM u WHERE name BETWEEN 'B' AND 'c' COLLATE BINARY ORDER BY id",
       {"1", "3", "4"}},
      // Of duplicates a compound SELECT keeps the last, as SQLite does.
      {"SELECT typeof(x) FROM (SELECT 1 AS x UNION SELECT 1.0)", {"real"}},
      {"SELECT name FROM u WHERE id < 3 INTERSECT SELECT code FROM p ORDER BY 1",
       {"alice", "Bob"}},
      {"SELECT id, row_number() OVER (PARTITION BY name ORDER BY id) FROM u ORDER BY id",
       {"1|1", "2|1", "3|1", "4|2", "5|2", "6|1", "7|1"}},
      {"SELECT 'abc' = 'ABC', 'abc' = 'ABC' COLLATE NOCASE, 'abc' COLLATE NOCASE = 'ABC' COLLATE BINARY",
       {"0|1|1"}},
      {"SELECT 'a ' = 'a' COLLATE RTRIM, 'a ' < 'a' COLLATE RTRIM, ' a' = 'a' COLLATE RTRIM",
       {"1|0|0"}},
      {"SELECT ('Ab' COLLATE NOCASE) || 'c' = 'ABC'",
       {"1"}},
      {"SELECT id FROM r WHERE s = 'a' ORDER BY id",
       {"1", "2"}},
      {"SELECT id FROM r WHERE s > 'a' ORDER BY id",
       {"4", "5"}},
      {"SELECT s, count(*) FROM r GROUP BY s ORDER BY s",
       {" a|1", "a|2", "a!|1", "b |1"}},
      {"SELECT id FROM u WHERE upper(name) = 'BOB' ORDER BY id",
       {"1", "4"}},
      {"SELECT id FROM u WHERE +name = 'BOB' ORDER BY id",
       {"1", "4"}},
      {"SELECT id FROM u WHERE CAST(name AS TEXT) = 'BOB' ORDER BY id",
       {"1", "4"}},
      {"SELECT id FROM u WHERE name LIKE 'b%' ORDER BY id",
       {"1", "4"}}
  };
  for (const Case& c : cases) EXPECT_EQ(Rows(c.sql), c.want) << c.sql;
}

// The same answers through indexes under the column's collation, and the
// index is used only where the comparison's collation is the index's.
TEST_F(CollationTest, IndexesKeyUnderTheirCollation) {
  Run("CREATE INDEX u_name ON u(name)");
  Run("CREATE INDEX u_tag ON u(tag)");
  Run("CREATE INDEX u_tag_nocase ON u(tag COLLATE NOCASE)");
  EXPECT_EQ(Rows("SELECT id FROM u WHERE name = 'BOB' ORDER BY id"), V({"1", "4"}));
  EXPECT_TRUE(UsesIndex("SELECT id FROM u WHERE name = 'BOB'", "u_name"));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE name < 'c' ORDER BY id"), V({"1", "2", "4", "5"}));
  EXPECT_TRUE(UsesIndex("SELECT id FROM u WHERE name < 'c'", "u_name"));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE name IN ('ALICE', 'dAvE') ORDER BY id"),
            V({"2", "5", "6"}));
  // BINARY on a NOCASE key: 'a...' > 'B' in bytes, below it folded. The
  // index must not be used, or the range would miss them.
  EXPECT_EQ(Rows("SELECT id FROM u WHERE name > 'B' COLLATE BINARY ORDER BY id"),
            V({"1", "2", "3", "4", "6"}));
  EXPECT_FALSE(UsesIndex("SELECT id FROM u WHERE name > 'B' COLLATE BINARY", "u_name"));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE name = 'BOB' COLLATE BINARY"), V());
  // A BINARY column: its plain index for BINARY, the NOCASE one for NOCASE.
  EXPECT_EQ(Rows("SELECT id FROM u WHERE tag = 'x' ORDER BY id"), V({"1"}));
  EXPECT_TRUE(UsesIndex("SELECT id FROM u WHERE tag = 'x'", "u_tag"));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE tag = 'x' COLLATE NOCASE ORDER BY id"), V({"1", "4"}));
  EXPECT_TRUE(UsesIndex("SELECT id FROM u WHERE tag = 'x' COLLATE NOCASE", "u_tag_nocase"));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE tag COLLATE NOCASE BETWEEN 'X' AND 'y' ORDER BY id"),
            V({"1", "2", "4", "5"}));
  // Parameters are folded when the statement runs.
  EXPECT_EQ(Rows("SELECT id FROM u WHERE name = ? ORDER BY id", {Value::Text("aLiCe")}),
            V({"2", "5"}));
  // Joins through a NOCASE index and through a plain one.
  EXPECT_EQ(Rows("SELECT u.id, p.label FROM p JOIN u ON p.code = u.name ORDER BY u.id"), V());
  EXPECT_EQ(Rows("SELECT u.id, p.label FROM u JOIN p ON u.name = p.code ORDER BY u.id"),
            V({"1|builder", "2|wonderland", "3|singer", "4|builder", "5|wonderland"}));
  // Writes keep the index right: an UPDATE that only changes case, a DELETE.
  Run("UPDATE u SET name = 'BOB' WHERE id = 1");
  Run("DELETE FROM u WHERE id = 4");
  EXPECT_EQ(Rows("SELECT id, name FROM u WHERE name = 'bob'"), V({"1|BOB"}));
}

// Joins big enough to be hashed: a key under a collation hashes its fold.
TEST_F(CollationTest, HashJoinsUnderACollation) {
  Run("CREATE TABLE big(k INTEGER PRIMARY KEY, s TEXT COLLATE NOCASE, t TEXT COLLATE RTRIM)");
  Run("CREATE TABLE small(s TEXT, t TEXT)");
  // 3,000 rows: s in three spellings of 1,000 names, t with 0-2 trailing
  // spaces; 1,000 rows in small, lower case without spaces.
  Run("INSERT INTO big WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < 2999) SELECT i, CASE i % 3 WHEN 0 THEN 'key' WHEN 1 THEN 'KEY' ELSE 'Key' END "
      "|| (i / 3), 'v' || (i / 3) || substr('  ', 1, i % 3) FROM n");
  Run("INSERT INTO small WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < 999) SELECT 'key' || i, 'v' || i FROM n");
  // big.s on the left: NOCASE; small.s on the left: BINARY.
  EXPECT_EQ(Rows("SELECT count(*) FROM big JOIN small ON big.s = small.s"), V({"3000"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM small JOIN big ON small.s = big.s"), V({"1000"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM big, small WHERE big.t = small.t"), V({"3000"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM big, small WHERE small.t = big.t"), V({"1000"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM big LEFT JOIN small ON big.s = small.s AND "
                 "big.t = small.t WHERE small.s IS NULL"),
            V({"0"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM big JOIN small USING (s)"), V({"3000"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM small JOIN big USING (s)"), V({"1000"}));
}

TEST_F(CollationTest, UniqueAndPrimaryKeysCompareUnderTheirCollation) {
  Run("CREATE TABLE e(id INTEGER PRIMARY KEY, email TEXT UNIQUE COLLATE NOCASE)");
  Run("INSERT INTO e VALUES (1, 'Ann@Example.com')");
  EXPECT_EQ(State("INSERT INTO e VALUES (2, 'ann@example.COM')"), "23505");
  Run("INSERT INTO e VALUES (2, 'ann@example.COM') ON CONFLICT (email) DO UPDATE SET id = 10");
  EXPECT_EQ(Rows("SELECT id, email FROM e"), V({"10|Ann@Example.com"}));
  // A primary key under NOCASE (SQLite keeps it as a unique key beside
  // the rowid, and so does Tessera).
  Run("CREATE TABLE k(name TEXT PRIMARY KEY COLLATE NOCASE, v INTEGER)");
  Run("INSERT INTO k VALUES ('Key', 1)");
  EXPECT_EQ(State("INSERT INTO k VALUES ('KEY', 2)"), "23505");
  EXPECT_EQ(State("INSERT INTO k VALUES (NULL, 2)"), "23502");
  Run("INSERT OR REPLACE INTO k VALUES ('kEY', 3)");
  EXPECT_EQ(Rows("SELECT name, v FROM k WHERE name = 'key'"), V({"kEY|3"}));
  Run("CREATE TABLE k2(a TEXT, b TEXT, PRIMARY KEY (a, b COLLATE RTRIM))");
  Run("INSERT INTO k2 VALUES ('x', 'y')");
  EXPECT_EQ(State("INSERT INTO k2 VALUES ('x', 'y  ')"), "23505");
  Run("INSERT INTO k2 VALUES ('X', 'y  ')");
  EXPECT_EQ(Rows("SELECT count(*) FROM k2"), V({"2"}));
  // It is still the PRIMARY KEY: shown so, numbered by table_info, and
  // what a REFERENCES without columns names. (Tessera's own answers here:
  // its schema text is rendered from the descriptor, and its key columns
  // are NOT NULL, where SQLite's table_info says 0 for a TEXT key.)
  EXPECT_EQ(Rows("SELECT sql FROM sqlite_schema WHERE name = 'k'"),
            V({"CREATE TABLE k (name TEXT NOT NULL COLLATE NOCASE, v INTEGER, PRIMARY KEY (name))"}));
  EXPECT_EQ(Rows("PRAGMA table_info(k)"),
            V({"0|name|TEXT|1|NULL|1", "1|v|INTEGER|0|NULL|0"}));
  Run("PRAGMA foreign_keys = ON");
  Run("CREATE TABLE kr(id INTEGER PRIMARY KEY, name TEXT REFERENCES k)");
  Run("INSERT INTO kr VALUES (1, 'KEY')");  // the parent key compares under NOCASE
  EXPECT_EQ(State("INSERT INTO kr VALUES (2, 'other')"), "23503");
  Run("PRAGMA foreign_keys = OFF");
  // A WITHOUT ROWID key has no rowid to stand beside: refused, not ignored.
  EXPECT_EQ(State("CREATE TABLE w(a TEXT PRIMARY KEY COLLATE NOCASE) WITHOUT ROWID"), "0A000");
  // A collation on a column that holds no TEXT changes nothing.
  Run("CREATE TABLE n(a INTEGER PRIMARY KEY COLLATE NOCASE)");
  Run("INSERT INTO n VALUES (1)");
  EXPECT_EQ(Rows("SELECT a FROM n WHERE a = 1"), V({"1"}));
}

// Collations are part of the schema: shown by .schema / sqlite_schema,
// kept by ALTER TABLE ADD COLUMN and CREATE INDEX, and they survive
// reopening the store.
TEST_F(CollationTest, SchemaKeepsCollations) {
  Run("CREATE INDEX r_s ON r(s COLLATE NOCASE)");
  Run("ALTER TABLE p ADD COLUMN note TEXT COLLATE NOCASE");
  EXPECT_EQ(Rows("SELECT sql FROM sqlite_schema WHERE name IN ('u', 'r_s', 'p') ORDER BY name"),
            V({"CREATE TABLE p (code TEXT, label TEXT, note TEXT COLLATE NOCASE)",
               "CREATE INDEX r_s ON r (s COLLATE NOCASE)",
               "CREATE TABLE u (id INTEGER NOT NULL, name TEXT COLLATE NOCASE, tag TEXT, "
               "PRIMARY KEY (id))"}));
  Run("UPDATE p SET note = 'Hi' WHERE code = 'BOB'");
  EXPECT_EQ(Rows("SELECT code FROM p WHERE note = 'HI'"), V({"BOB"}));
  EXPECT_EQ(Rows("SELECT id FROM r WHERE s = 'A' ORDER BY id"), V());
  EXPECT_TRUE(UsesIndex("SELECT id FROM r WHERE s = 'A' COLLATE NOCASE", "r_s"));
  EXPECT_EQ(Rows("SELECT id FROM r WHERE s = 'A' COLLATE NOCASE ORDER BY id"), V({"1"}));
}

}  // namespace
}  // namespace tessera::session

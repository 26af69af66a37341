#include "session/session.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "exec/executor.h"
#include "parser/parser.h"
#include "planner/binder.h"
#include "storage/test_util.h"

namespace tessera::session {
namespace {

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::NewTempDir("session");
    Open();
  }
  void Open(DatabaseOptions options = DatabaseOptions()) {
    session_.reset();
    db_.reset();
    options.engine.durable = false;
    auto db = Database::Open(dir_, options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    session_ = std::make_unique<Session>(db_.get());
  }
  ResultSet Ok(const std::string& sql, const std::vector<Value>& params = {}) {
    absl::StatusOr<ResultSet> r = session_->Execute(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    return r.ok() ? *r : ResultSet();
  }
  absl::Status Err(const std::string& sql) {
    absl::StatusOr<ResultSet> r = session_->Execute(sql);
    EXPECT_FALSE(r.ok()) << sql;
    return r.status();
  }
  std::string dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Session> session_;
};

TEST_F(SessionTest, CreateInsertSelect) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL)");
  ResultSet ins = Ok("INSERT INTO t VALUES (1, 'x', 1.5), (2, 'y', NULL), (3, NULL, 2)");
  EXPECT_EQ(ins.rows_affected, 3);
  ResultSet r = Ok("SELECT a, b, c FROM t WHERE a >= 2 ORDER BY a DESC");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.columns, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.rows[0][0], Value::Integer(3));
  EXPECT_TRUE(r.rows[0][1].is_null());
  EXPECT_EQ(r.rows[0][2], Value::Real(2.0));  // INTEGER literal stored as REAL
  EXPECT_EQ(Ok("SELECT count(*), sum(a), avg(c) FROM t").rows[0][1], Value::Integer(6));
}

// A one-row INSERT in a transaction of its own leaves its key check to the
// commit: the error and the outcome are the same as a read-first check.
TEST_F(SessionTest, SingleRowInsertChecksItsKeyAtCommit) {
  Ok("CREATE TABLE u(k INTEGER PRIMARY KEY, v TEXT)");
  Ok("INSERT INTO u VALUES (1, 'a')");
  absl::Status dup = Err("INSERT INTO u VALUES (1, 'b')");
  EXPECT_EQ(SqlState(dup), "23505");
  EXPECT_NE(dup.message().find("UNIQUE constraint failed: u.k"), std::string::npos) << dup;
  EXPECT_EQ(Ok("SELECT v FROM u").rows, (std::vector<exec::Row>{{Value::Text("a")}}));
  Ok("DELETE FROM u WHERE k = 1");
  Ok("INSERT INTO u VALUES (1, 'c')");
  EXPECT_EQ(Ok("SELECT v FROM u").rows, (std::vector<exec::Row>{{Value::Text("c")}}));
  // A generated key, and a key given as text.
  Ok("INSERT INTO u(v) VALUES ('d')");
  EXPECT_EQ(SqlState(Err("INSERT INTO u VALUES ('2', 'e')")), "23505");
  // Inside an explicit transaction the statement itself reports it.
  Ok("BEGIN");
  Ok("INSERT INTO u VALUES (7, 'x')");
  EXPECT_EQ(SqlState(Err("INSERT INTO u VALUES (7, 'y')")), "23505");
  Ok("ROLLBACK");
  // OR IGNORE / OR REPLACE / upsert still see the row first.
  Ok("INSERT OR IGNORE INTO u VALUES (1, 'ignored')");
  Ok("INSERT OR REPLACE INTO u VALUES (1, 'replaced')");
  Ok("INSERT INTO u VALUES (1, 'z') ON CONFLICT(k) DO UPDATE SET v = v || '!'");
  EXPECT_EQ(Ok("SELECT v FROM u WHERE k = 1").rows,
            (std::vector<exec::Row>{{Value::Text("replaced!")}}));
  EXPECT_EQ(Ok("SELECT count(*) FROM u").rows[0][0], Value::Integer(2));
}

TEST_F(SessionTest, ErrorsCarrySqlStates) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL, c INTEGER UNIQUE, "
     "CHECK (c < 100))");
  Ok("INSERT INTO t VALUES (1, 'x', 1)");
  EXPECT_EQ(SqlState(Err("SELEC 1")), "42601");
  EXPECT_EQ(SqlState(Err("SELECT * FROM nope")), "42P01");
  EXPECT_EQ(SqlState(Err("SELECT nope FROM t")), "42703");
  EXPECT_EQ(SqlState(Err("SELECT nope(1)")), "42883");
  EXPECT_EQ(SqlState(Err("SELECT ? + 1")), "07002");  // a parameter without a value
  EXPECT_EQ(SqlState(Err("SELECT 'a' LIKE 'a' ESCAPE 'xy'")), "22025");
  EXPECT_EQ(SqlState(Err("SELECT like('a', 'a', '')")), "22025");
  EXPECT_EQ(Ok("SELECT '5%' LIKE '5\xc3\xa9%' ESCAPE '\xc3\xa9'").rows[0][0], Value::Integer(1));
  // Known functions with arguments they do not take say so.
  for (const char* sql : {"SELECT count(1, 2) FROM t", "SELECT sum() FROM t", "SELECT upper()",
                          "SELECT abs(*)"}) {
    absl::Status s = Err(sql);
    EXPECT_EQ(SqlState(s), "42883") << sql;
    EXPECT_TRUE(absl::StartsWith(s.message(), "wrong number of arguments to function")) << s;
  }
  EXPECT_EQ(Err("SELECT abs(DISTINCT a) FROM t").message(),
            "DISTINCT is for aggregate functions, not abs()");

  EXPECT_EQ(SqlState(Err("SELECT 'caf\xe9'")), "22021");
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES (5, 'v')")), "42601");
  EXPECT_EQ(SqlState(Err("VALUES (1), (1, 2)")), "42601");
  EXPECT_EQ(SqlState(Err("SELECT a FROM t ORDER BY 5")), "42P10");
  EXPECT_EQ(SqlState(Err("SELECT a FROM t WHERE count(*) > 1")), "42803");
  EXPECT_EQ(SqlState(Err("SELECT sum(a) FROM (SELECT 9223372036854775807 AS a UNION ALL SELECT 1)")),
            "22003");
  EXPECT_EQ(SqlState(Err("DROP INDEX nope")), "42704");
  EXPECT_EQ(SqlState(Err("ALTER TABLE t ADD COLUMN b INTEGER")), "42701");
  EXPECT_EQ(SqlState(Err("COMMIT")), "25P01");
  Ok("BEGIN");
  EXPECT_EQ(SqlState(Err("BEGIN")), "25001");
  Ok("ROLLBACK");
  // The storage engine's words for ENOSPC at commit (storage/engine.cc).
  EXPECT_EQ(SqlState(absl::ResourceExhaustedError(
                "LMDB commit: No space left on device (disk full; nothing of this write was kept)")),
            "53100");
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES (1, 'y', 2)")), "23505");
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES (2, 'y', 1)")), "23505");
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES (3, NULL, 3)")), "23502");
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES (4, 'z', 500)")), "23514");
  EXPECT_EQ(SqlState(Err("CREATE TABLE t(x INTEGER)")), "42P07");
  EXPECT_NE(Err("INSERT INTO t VALUES ('abc', 'z', 5)").message().find("cannot store"),
            std::string::npos);
  // Nothing of the failed statements was kept.
  EXPECT_EQ(Ok("SELECT count(*) FROM t").rows[0][0], Value::Integer(1));
}

// A subquery in an aggregating SELECT's result columns, HAVING or ORDER BY
// sees the group's row. It was bound against the input row's layout and
// read the aggregate's output row: "column index out of range", or silently
// another column's value. Expected rows are SQLite's.
TEST_F(SessionTest, SubqueriesUnderAnAggregateSeeTheGroup) {
  Ok("CREATE TABLE g(a INTEGER PRIMARY KEY, b INTEGER, c TEXT)");
  Ok("CREATE TABLE h(p INTEGER PRIMARY KEY, q TEXT)");
  Ok("INSERT INTO g VALUES (1, 1, 'x'), (2, 2, 'y'), (3, 2, 'z'), (4, 5, 'w')");
  Ok("INSERT INTO h VALUES (1, 'a'), (2, 'b')");
  auto rows = [&](const std::string& sql) {
    std::string out;
    for (const auto& row : Ok(sql).rows) {
      for (const Value& v : row) absl::StrAppend(&out, v.ToString(), ",");
      out += ";";
    }
    return out;
  };
  EXPECT_EQ(rows("SELECT b, EXISTS (SELECT 1 FROM h WHERE h.p = g.b) FROM g GROUP BY b ORDER BY b"),
            "1,1,;2,1,;5,0,;");
  EXPECT_EQ(rows("SELECT b FROM g GROUP BY b HAVING EXISTS (SELECT 1 FROM h WHERE h.p = g.b) "
                 "ORDER BY b"),
            "1,;2,;");
  // The wrong answer: count(*) stood in for g.b, so b = 5 found 'a'.
  EXPECT_EQ(rows("SELECT b, count(*), (SELECT q FROM h WHERE h.p = g.b) FROM g GROUP BY b "
                 "ORDER BY b"),
            "1,1,a,;2,2,b,;5,1,NULL,;");
  EXPECT_EQ(rows("SELECT b, (SELECT sum(h.p + g.b) FROM h) FROM g GROUP BY b ORDER BY b"),
            "1,5,;2,7,;5,13,;");
  EXPECT_EQ(rows("SELECT b, count(*) FROM g GROUP BY b "
                 "ORDER BY (SELECT q FROM h WHERE h.p = g.b), b"),
            "5,1,;1,1,;2,2,;");
  EXPECT_EQ(rows("SELECT b, count(*) FROM g GROUP BY b "
                 "HAVING count(*) > (SELECT count(*) FROM h WHERE h.p > g.b) ORDER BY b"),
            "2,2,;5,1,;");
  // Before the aggregate (WHERE) the subquery still sees input rows.
  EXPECT_EQ(rows("SELECT b, count(*) FROM g WHERE EXISTS (SELECT 1 FROM h WHERE h.p = g.a) "
                 "GROUP BY b ORDER BY b"),
            "1,1,;2,1,;");
}

// Program limits: a key longer than the store takes (LMDB's 511 bytes less
// the version suffix); SQLite's 2,000 columns, when created and when added.
TEST_F(SessionTest, ProgramLimitsAreErrorsWithTheirSqlStates) {
  Ok("CREATE TABLE k(name TEXT PRIMARY KEY, note TEXT)");
  Ok("CREATE INDEX k_note ON k(note)");
  const std::string huge(2000, 'z');
  EXPECT_EQ(SqlState(Err("INSERT INTO k VALUES ('" + huge + "', 'x')")), "54000");
  EXPECT_EQ(SqlState(Err("INSERT INTO k VALUES ('a', '" + huge + "')")), "54000");
  // Nothing of either was kept; the same text fits where it is no key.
  Ok("INSERT INTO k VALUES ('a', 'x')");
  EXPECT_EQ(Ok("SELECT count(*) FROM k").rows[0][0], Value::Integer(1));
  std::string wide = "CREATE TABLE wide(c0 INTEGER";
  for (int i = 1; i < 2000; ++i) absl::StrAppend(&wide, ", c", i, " INTEGER");
  EXPECT_EQ(SqlState(Err(wide + ", c2000 INTEGER)")), "54001");
  Ok(wide + ")");
  EXPECT_EQ(SqlState(Err("ALTER TABLE wide ADD COLUMN one_more INTEGER")), "54001");
}

// Statements nested as deep as the limits allow run (every later pass
// recurses over them); one level more is refused with 54001, and nothing
// crashes however deep the input goes.
TEST_F(SessionTest, DeepStatementsRunToTheLimitAndAreRefusedPastIt) {
  auto repeat = [](absl::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) absl::StrAppend(&out, s);
    return out;
  };
  // 1000 in an optimized build on this 8 MiB stack, fewer under ASan.
  const int max = parser::MaxNestingDepth();
  // max - 2 operands: max - 3 folded levels, the expression and the SELECT.
  EXPECT_EQ(Ok("SELECT 1" + repeat(" + 1", max - 3)).rows[0][0], Value::Integer(max - 2));
  EXPECT_EQ(SqlState(Err("SELECT 1" + repeat(" + 1", max))), "54001");
  EXPECT_EQ(SqlState(Err("SELECT " + repeat("(", 200000) + "1" + repeat(")", 200000))), "54001");
  const int subqueries = (max - 4) / 2;
  EXPECT_EQ(
      Ok("SELECT " + repeat("(SELECT ", subqueries) + "7" + repeat(")", subqueries)).rows[0][0],
      Value::Integer(7));
  const int derived = max - 10;
  EXPECT_EQ(Ok("SELECT x FROM " + repeat("(SELECT x FROM ", derived) + "(SELECT 3 AS x)" +
               repeat(")", derived))
                .rows[0][0],
            Value::Integer(3));
  // CTEs that read each other chain their plans: no parse-time nesting.
  auto ctes = [](int n) {
    std::string sql = "WITH c0 AS (SELECT 5 AS x)";
    for (int i = 1; i < n; ++i) absl::StrAppend(&sql, ", c", i, " AS (SELECT x FROM c", i - 1, ")");
    return absl::StrCat(sql, " SELECT x FROM c", n - 1);
  };
  EXPECT_EQ(Ok(ctes(max - 5)).rows[0][0], Value::Integer(5));
  absl::Status deep = Err(ctes(30000));
  EXPECT_EQ(SqlState(deep), "54001") << deep;
  EXPECT_TRUE(absl::StrContains(deep.message(), "common table expressions")) << deep;
  // The session goes on.
  EXPECT_EQ(Ok("SELECT 1 + 1").rows[0][0], Value::Integer(2));
}

// Multi-row INSERTs read their keys in one batch up front and reuse the
// keys encoded for it: coerced keys, duplicates within the statement and
// rows already stored must come out as they do one row at a time.
TEST_F(SessionTest, MultiRowInsertsFindEveryKeyAndConflict) {
  Ok("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)");
  Ok("INSERT INTO t VALUES (100, 'old')");
  std::string values;
  for (int i = 1; i <= 40; ++i) {
    // Keys given as integers, as text and as integral reals.
    std::string key = i % 3 == 0 ? absl::StrCat("'", i, "'")
                      : i % 3 == 1 ? absl::StrCat(i, ".0")
                                   : absl::StrCat(i);
    absl::StrAppend(&values, i > 1 ? ", " : "", "(", key, ", 'v", i, "')");
  }
  EXPECT_EQ(Ok("INSERT INTO t VALUES " + values).rows_affected, 40);
  ResultSet r = Ok("SELECT v FROM t WHERE k = 30");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0], Value::Text("v30"));
  EXPECT_EQ(Ok("SELECT count(*), sum(k) FROM t").rows[0][1], Value::Integer(820 + 100));
  // The same key twice in one statement, as text and as an integer.
  std::string dup;
  for (int i = 200; i < 230; ++i) absl::StrAppend(&dup, "(", i, ", 'x'), ");
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES " + dup + "('215', 'again')")), "23505");
  // A stored key in the middle of the statement's span.
  std::string stored;
  for (int i = 90; i < 120; ++i) absl::StrAppend(&stored, i > 90 ? ", " : "", "(", i, ", 'y')");
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES " + stored)), "23505");
  EXPECT_EQ(Ok("INSERT OR IGNORE INTO t VALUES " + stored).rows_affected, 29);
  EXPECT_EQ(Ok("SELECT v FROM t WHERE k = 100").rows[0][0], Value::Text("old"));
  EXPECT_EQ(Ok("SELECT count(*) FROM t").rows[0][0], Value::Integer(41 + 29));
}

TEST_F(SessionTest, UpdateDeleteAndOrReplace) {
  Ok("CREATE TABLE t(k INTEGER PRIMARY KEY, v INTEGER)");
  Ok("INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
  EXPECT_EQ(Ok("UPDATE t SET v = v + 1 WHERE k >= 2").rows_affected, 2);
  EXPECT_EQ(Ok("DELETE FROM t WHERE v = 10").rows_affected, 1);
  Ok("INSERT OR REPLACE INTO t VALUES (2, 99)");
  Ok("INSERT OR IGNORE INTO t VALUES (3, -1)");
  ResultSet r = Ok("SELECT k, v FROM t ORDER BY k");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0][1], Value::Integer(99));
  EXPECT_EQ(r.rows[1][1], Value::Integer(31));
  // Changing the primary key moves the row.
  Ok("UPDATE t SET k = 7 WHERE k = 3");
  EXPECT_EQ(Ok("SELECT v FROM t WHERE k = 7").rows[0][0], Value::Integer(31));
  EXPECT_TRUE(Ok("SELECT v FROM t WHERE k = 3").rows.empty());
}

TEST_F(SessionTest, UpsertDoUpdateAndDoNothing) {
  Ok("CREATE TABLE hits(page TEXT PRIMARY KEY, n INTEGER)");
  Ok("INSERT INTO hits VALUES ('/', 1) ON CONFLICT (page) DO UPDATE SET n = n + 1");
  Ok("INSERT INTO hits VALUES ('/', 1) ON CONFLICT (page) DO UPDATE SET n = n + excluded.n");
  Ok("INSERT INTO hits VALUES ('/', 5) ON CONFLICT DO UPDATE SET n = excluded.n WHERE n > 100");
  Ok("INSERT INTO hits VALUES ('/', 9) ON CONFLICT DO NOTHING");
  EXPECT_EQ(Ok("SELECT n FROM hits WHERE page = '/'").rows[0][0], Value::Integer(2));
  EXPECT_EQ(Ok("SELECT count(*) FROM hits").rows[0][0], Value::Integer(1));
}

// The conflict target decides (SQLite 3.35+'s rules and answers): a clause
// applies only to a collision on the constraint it names, the first such
// clause wins, and a collision no clause names is the UNIQUE error. (The
// target was ignored: any collision took the one clause.)
TEST_F(SessionTest, UpsertTargetsPickTheirConstraint) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE, c INTEGER)");
  Ok("INSERT INTO t VALUES (1, 'x', 1), (2, 'y', 2)");
  auto rows = [&] {
    std::vector<std::string> out;
    for (const auto& r : Ok("SELECT a, b, c FROM t ORDER BY a").rows) {
      out.push_back(r[0].ToString() + "|" + r[1].ToString() + "|" + r[2].ToString());
    }
    return out;
  };
  // A collision on a only; the clause names b.
  absl::Status s = Err("INSERT INTO t VALUES (1, 'new', 5) ON CONFLICT (b) DO UPDATE SET c = 9");
  EXPECT_EQ(SqlState(s), "23505");
  EXPECT_NE(s.message().find("t.a"), std::string::npos) << s;
  // Collisions on a (row 1) and b (row 2): the first clause that names one.
  Ok("INSERT INTO t VALUES (1, 'y', 5) ON CONFLICT (b) DO UPDATE SET c = 9 "
     "ON CONFLICT (a) DO UPDATE SET c = 8");
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|x|1", "2|y|9"}));
  Ok("INSERT INTO t VALUES (1, 'y', 5) ON CONFLICT (a) DO UPDATE SET c = 8 "
     "ON CONFLICT (b) DO UPDATE SET c = 9");
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|x|8", "2|y|9"}));
  // The last clause may name none: it takes any collision the others do not.
  Ok("INSERT INTO t VALUES (2, 'zz', 0) ON CONFLICT (b) DO NOTHING "
     "ON CONFLICT DO UPDATE SET c = -1");
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|x|8", "2|y|-1"}));
  // Columns in any order name a composite key; a target naming no key is
  // an error, as SQLite's at prepare time.
  Ok("CREATE TABLE u(a INTEGER, b TEXT, c INTEGER, UNIQUE (b, a))");
  Ok("INSERT INTO u VALUES (1, 'x', 1)");
  Ok("INSERT INTO u VALUES (1, 'x', 5) ON CONFLICT (a, b) DO UPDATE SET c = 7");
  EXPECT_EQ(Ok("SELECT c FROM u").rows[0][0], Value::Integer(7));
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES (9, 'q', 1) ON CONFLICT (c) DO NOTHING")),
            "42P10");
}

TEST_F(SessionTest, TriggersFireWithNewAndOld) {
  Ok("CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER)");
  Ok("CREATE TABLE log(what TEXT, id INTEGER, before_bal INTEGER, after_bal INTEGER)");
  Ok("CREATE TRIGGER ins AFTER INSERT ON acct BEGIN "
     "INSERT INTO log VALUES ('insert', new.id, NULL, new.bal); END");
  Ok("CREATE TRIGGER upd AFTER UPDATE OF bal ON acct WHEN new.bal < 0 BEGIN "
     "INSERT INTO log VALUES ('overdraft', new.id, old.bal, new.bal); END");
  Ok("CREATE TRIGGER del BEFORE DELETE ON acct BEGIN "
     "INSERT INTO log SELECT 'delete', old.id, old.bal, NULL; END");
  Ok("INSERT INTO acct VALUES (1, 100), (2, 5)");
  Ok("UPDATE acct SET bal = bal - 50 WHERE id IN (1, 2)");  // only 2 goes below 0
  Ok("UPDATE acct SET id = id WHERE id = 1");  // bal not assigned: no firing
  Ok("DELETE FROM acct WHERE id = 1");
  ResultSet log = Ok("SELECT what, id, before_bal, after_bal FROM log ORDER BY what, id");
  ASSERT_EQ(log.rows.size(), 4u);
  EXPECT_EQ(log.rows[0][0], Value::Text("delete"));
  EXPECT_EQ(log.rows[0][2], Value::Integer(50));
  EXPECT_EQ(log.rows[1][1], Value::Integer(1));  // insert 1
  EXPECT_EQ(log.rows[3][0], Value::Text("overdraft"));
  EXPECT_EQ(log.rows[3][2], Value::Integer(5));
  EXPECT_EQ(log.rows[3][3], Value::Integer(-45));
  // A failing trigger body undoes the whole statement.
  Ok("CREATE TRIGGER bad AFTER INSERT ON acct BEGIN INSERT INTO nope VALUES (1); END");
  EXPECT_EQ(SqlState(Err("INSERT INTO acct VALUES (9, 9)")), "42P01");
  EXPECT_EQ(Ok("SELECT count(*) FROM acct WHERE id = 9").rows[0][0], Value::Integer(0));
  Ok("DROP TRIGGER bad");
  Ok("INSERT INTO acct VALUES (9, 9)");
}

TEST_F(SessionTest, IndexesAreMaintainedAndDropped) {
  Ok("CREATE TABLE t(a INTEGER, b TEXT)");
  Ok("INSERT INTO t VALUES (1, 'x'), (2, 'x')");
  EXPECT_EQ(SqlState(Err("CREATE UNIQUE INDEX ub ON t(b)")), "23505");
  Ok("CREATE UNIQUE INDEX ua ON t(a)");
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES (1, 'y')")), "23505");
  Ok("UPDATE t SET a = 5 WHERE a = 1");
  Ok("INSERT INTO t VALUES (1, 'z')");  // 1 is free again
  Ok("DROP INDEX ua");
  Ok("INSERT INTO t VALUES (1, 'dup')");
  EXPECT_EQ(Ok("SELECT count(*) FROM t WHERE a = 1").rows[0][0], Value::Integer(2));
  Ok("REINDEX t");
  EXPECT_FALSE(session_->Execute("DROP INDEX ua").ok());
}

TEST_F(SessionTest, EqualityOnAnIndexUsesIt) {
  Ok("CREATE TABLE p(id INTEGER PRIMARY KEY, city TEXT, zip INTEGER, name TEXT)");
  Ok("CREATE INDEX by_city_zip ON p(city, zip DESC)");
  Ok("CREATE UNIQUE INDEX by_name ON p(name)");
  for (int i = 0; i < 50; ++i) {
    Ok(absl::StrCat("INSERT INTO p VALUES (", i, ", '", i % 3 == 0 ? "oslo" : "rome", "', ",
                    i % 5, ", 'n", i, "')"));
  }
  ResultSet plan = Ok("EXPLAIN SELECT id FROM p WHERE city = 'oslo' AND zip = 2");
  std::string text;
  for (const auto& row : plan.rows) absl::StrAppend(&text, row[0].bytes(), "\n");
  EXPECT_NE(text.find("index lookup p using by_city_zip"), std::string::npos) << text;
  ResultSet r = Ok("SELECT id FROM p WHERE city = 'oslo' AND zip = 2");
  std::vector<int64_t> ids;
  for (const auto& row : r.rows) ids.push_back(row[0].integer());
  EXPECT_EQ(ids, (std::vector<int64_t>{12, 27, 42}));
  EXPECT_EQ(Ok("SELECT count(*) FROM p WHERE city = 'rome'").rows[0][0], Value::Integer(33));
  EXPECT_EQ(Ok("SELECT id FROM p WHERE name = 'n7'").rows[0][0], Value::Integer(7));
  EXPECT_TRUE(Ok("SELECT id FROM p WHERE name = NULL").rows.empty());
  // Entries follow updates and deletes.
  Ok("UPDATE p SET city = 'oslo' WHERE id = 1");
  Ok("DELETE FROM p WHERE id = 12");
  EXPECT_EQ(Ok("SELECT count(*) FROM p WHERE city = 'oslo'").rows[0][0], Value::Integer(17));
}

TEST_F(SessionTest, ExplicitTransactionsCommitAndRollBack) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY)");
  Ok("BEGIN");
  EXPECT_TRUE(session_->in_transaction());
  Ok("INSERT INTO t VALUES (1)");
  EXPECT_EQ(Ok("SELECT count(*) FROM t").rows[0][0], Value::Integer(1));
  Ok("ROLLBACK");
  EXPECT_EQ(Ok("SELECT count(*) FROM t").rows[0][0], Value::Integer(0));
  Ok("BEGIN; INSERT INTO t VALUES (2); COMMIT");
  EXPECT_EQ(Ok("SELECT count(*) FROM t").rows[0][0], Value::Integer(1));
  EXPECT_FALSE(session_->Execute("COMMIT").ok());
}

TEST_F(SessionTest, DdlIsTransactionalAndDurable) {
  Ok("BEGIN");
  Ok("CREATE TABLE gone(a INTEGER)");
  Ok("ROLLBACK");
  EXPECT_EQ(SqlState(Err("SELECT * FROM gone")), "42P01");
  Ok("CREATE TABLE kept(a INTEGER PRIMARY KEY, b TEXT)");
  Ok("CREATE VIEW v AS SELECT b FROM kept WHERE a > 1");
  Ok("INSERT INTO kept VALUES (1, 'one'), (2, 'two')");
  Open();  // restart
  ResultSet v = Ok("SELECT * FROM v");
  ASSERT_EQ(v.rows.size(), 1u);
  EXPECT_EQ(v.rows[0][0], Value::Text("two"));
  EXPECT_EQ(Ok("SHOW TABLES").rows.size(), 1u);
}

TEST_F(SessionTest, ParametersBindByPosition) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
  Ok("INSERT INTO t VALUES (?, ?)", {Value::Integer(1), Value::Text("p")});
  Ok("INSERT INTO t VALUES ($2, $1)", {Value::Text("q"), Value::Integer(2)});
  ResultSet r = Ok("SELECT b FROM t WHERE a = ?", {Value::Integer(2)});
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0], Value::Text("q"));
  EXPECT_FALSE(session_->Execute("SELECT ? + 1").ok());  // unbound
}

TEST_F(SessionTest, ConstantSubexpressionsFoldAtBindTime) {
  auto txn = db_->coordinator()->Begin();
  ASSERT_TRUE(txn.ok());
  planner::Binder binder(txn->get());
  binder.set_constant_evaluator([](const planner::BoundExpr& e) -> absl::StatusOr<Value> {
    exec::ExecContext ctx;
    return exec::Evaluate(e, exec::Row(), &ctx);
  });
  auto parsed = parser::ParseOne(
      "SELECT 1 + 2 * 3, abs(-4) || 'x', 5 / 0, ? + 1, "
      "CASE WHEN 1 > 0 THEN 7 ELSE abs(-9223372036854775807 - 1) END, "
      "abs(-9223372036854775807 - 1) + 1");
  ASSERT_TRUE(parsed.ok());
  auto plan = binder.BindSelect(*static_cast<const ast::SelectStatement&>(**parsed).select);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ((*plan)->kind, planner::LogicalKind::kProject);
  const auto& exprs = (*plan)->exprs;
  auto constant = [&](int i) {
    return exprs[i]->kind == planner::BoundKind::kConstant ? exprs[i]->value : Value::Text("?");
  };
  EXPECT_EQ(constant(0), Value::Integer(7));
  EXPECT_EQ(constant(1), Value::Text("4x"));
  EXPECT_EQ(constant(2), Value::Null());  // division by zero is NULL
  EXPECT_EQ(exprs[3]->kind, planner::BoundKind::kBinary);  // parameters vary
  // A branch that would fail keeps its CASE unfolded; it is never taken.
  EXPECT_EQ(exprs[4]->kind, planner::BoundKind::kCase);
  // An expression that fails stays, so the error comes when it runs.
  EXPECT_EQ(exprs[5]->kind, planner::BoundKind::kBinary);
  EXPECT_FALSE(session_->Execute("SELECT abs(-9223372036854775807 - 1) + 1").ok());
  EXPECT_EQ(Ok("SELECT CASE WHEN 1 > 0 THEN 7 ELSE abs(-9223372036854775807 - 1) END").rows[0][0],
            Value::Integer(7));
}

// random() is evaluated per call and per row: never folded into a constant
// at bind time, nor frozen into a cached plan (the same text runs twice).
// iif() evaluates only the branch it takes, as CASE does.
TEST_F(SessionTest, RandomIsNotFoldedAndIifIsLazy) {
  const Value a = Ok("SELECT random()").rows[0][0];
  const Value b = Ok("SELECT random()").rows[0][0];
  EXPECT_EQ(a.type(), Type::kInteger);
  EXPECT_NE(a, b);  // equal with probability 2^-64
  EXPECT_EQ(Ok("SELECT random() <> random()").rows[0][0], Value::Integer(1));
  Ok("CREATE TABLE r(k INTEGER PRIMARY KEY)");
  Ok("INSERT INTO r VALUES (1), (2), (3), (4)");
  EXPECT_EQ(Ok("SELECT count(DISTINCT random()) FROM r").rows[0][0], Value::Integer(4));
  EXPECT_EQ(Ok("SELECT count(DISTINCT random() + k * 0) FROM r").rows[0][0], Value::Integer(4));
  EXPECT_EQ(Ok("SELECT iif(1, 'y', abs(-9223372036854775807 - 1))").rows[0][0],
            Value::Text("y"));
  EXPECT_EQ(Ok("SELECT iif(k > 2, 'big', 'small') FROM r WHERE k = 3").rows[0][0],
            Value::Text("big"));
  EXPECT_EQ(Ok("SELECT iif(NULL, 1, 2)").rows[0][0], Value::Integer(2));
  absl::Status wrong = Err("SELECT iif(1, 2)");
  EXPECT_EQ(SqlState(wrong), "42883");
  EXPECT_EQ(wrong.message(), "wrong number of arguments to function iif()");
  // A result past the length limit is an error (54000), not a huge value.
  absl::Status big = Err("SELECT zeroblob(2000000000)");
  EXPECT_EQ(SqlState(big), "54000") << big;
  EXPECT_EQ(SqlState(Err("SELECT printf('%.*c', 2000000000, 'x')")), "54000");
  EXPECT_EQ(Ok("SELECT printf('%s=%d', 'k', k) FROM r WHERE k = 2").rows[0][0],
            Value::Text("k=2"));
}

TEST_F(SessionTest, DateFunctionsOverRows) {
  Ok("CREATE TABLE ev(k INTEGER PRIMARY KEY, at TEXT)");
  Ok("INSERT INTO ev VALUES (1, '2023-01-31 10:00'), (2, '2023-02-01 09:30'), "
     "(3, '2023-02-28 23:59:59'), (4, 'not a date')");
  ResultSet r = Ok("SELECT strftime('%Y-%m', at) AS month, count(*) FROM ev "
                   "GROUP BY month ORDER BY month");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_TRUE(r.rows[0][0].is_null());  // 'not a date'
  EXPECT_EQ(r.rows[1][0], Value::Text("2023-01"));
  EXPECT_EQ(r.rows[2][0], Value::Text("2023-02"));
  EXPECT_EQ(r.rows[2][1], Value::Integer(2));
  // GROUP BY takes a result alias, but an input column of the same name
  // wins (as in SQLite and PostgreSQL); an alias of an aggregate is refused.
  EXPECT_EQ(Ok("SELECT k % 2 AS k, count(*) FROM ev GROUP BY k").rows.size(), 4u);
  EXPECT_EQ(Ok("SELECT k % 2 AS parity, count(*) FROM ev GROUP BY parity").rows.size(), 2u);
  EXPECT_EQ(SqlState(Err("SELECT count(*) AS c FROM ev GROUP BY c")), "42803");
  EXPECT_EQ(Ok("SELECT k FROM ev WHERE at >= date('2023-01-31', '+1 day') "
               "AND julianday(at) IS NOT NULL ORDER BY k").rows.size(), 2u);
  EXPECT_EQ(Ok("SELECT date(at, '+1 month') FROM ev WHERE k = 1").rows[0][0],
            Value::Text("2023-03-03"));
  EXPECT_EQ(Ok("SELECT length(CURRENT_TIMESTAMP), length(current_date), length(Current_Time)")
                .rows[0],
            (std::vector<Value>{Value::Integer(19), Value::Integer(10), Value::Integer(8)}));
  EXPECT_EQ(Ok("SELECT CURRENT_DATE = date('now')").rows[0][0], Value::Integer(1));
  // 'now' is read when the statement runs, not when it was first planned.
  const Value now = Ok("SELECT unixepoch('now')").rows[0][0];
  ASSERT_EQ(now.type(), Type::kInteger);
  EXPECT_GT(now.integer(), 1700000000);
}

// SQLite's comparison affinity: a value compared with a column converts to
// the column's type class when it can (text that is a number, against an
// INTEGER or REAL column; a number, against a TEXT column), so a key given
// as text finds its row. Expressions without affinity compare by type.
TEST_F(SessionTest, ComparisonsFollowColumnAffinity) {
  Ok("CREATE TABLE a(i INTEGER PRIMARY KEY, r REAL, s TEXT)");
  Ok("INSERT INTO a VALUES (5, 2.5, '7'), (6, 3, 'abc'), (10, 1, '10')");
  auto count = [&](const std::string& where, const std::vector<Value>& params = {}) {
    return Ok("SELECT count(*) FROM a WHERE " + where, params).rows[0][0].integer();
  };
  EXPECT_EQ(count("i = '5'"), 1);
  EXPECT_EQ(count("'5' = i"), 1);
  EXPECT_EQ(count("i = ' 5 '"), 1);
  EXPECT_EQ(count("i = 'five'"), 0);
  EXPECT_EQ(count("i = ?", {Value::Text("6")}), 1);
  EXPECT_EQ(count("i IN ('5', '6', 'x')"), 2);
  EXPECT_EQ(count("i BETWEEN '5' AND '6'"), 2);
  EXPECT_EQ(count("r > '2'"), 2);
  EXPECT_EQ(count("s = 7"), 1);
  EXPECT_EQ(count("s = ?", {Value::Integer(10)}), 1);
  EXPECT_EQ(count("s > 9"), 1);  // as text: only 'abc' > '9' ('10' < '9')
  // No affinity on either side: compared by type (numbers before text).
  EXPECT_EQ(count("i + 0 = '5'"), 0);
  EXPECT_EQ(count("CAST(i AS TEXT) = 5"), 1);  // CAST gives TEXT affinity
  // A column read through a subquery, CTE or view keeps its affinity.
  EXPECT_EQ(Ok("SELECT count(*) FROM (SELECT i FROM a) WHERE i = '6'").rows[0][0].integer(), 1);
  EXPECT_EQ(Ok("SELECT count(*) FROM (SELECT * FROM a) WHERE i = '6'").rows[0][0].integer(), 1);
  EXPECT_EQ(Ok("SELECT count(*) FROM (SELECT a.* FROM a) WHERE s = 10").rows[0][0].integer(), 1);
  EXPECT_EQ(Ok("WITH c(x) AS (SELECT i FROM a) SELECT count(*) FROM c WHERE x = '10'")
                .rows[0][0].integer(),
            1);
  Ok("CREATE VIEW v AS SELECT s AS t FROM a");
  EXPECT_EQ(Ok("SELECT count(*) FROM v WHERE t = 10").rows[0][0].integer(), 1);
  EXPECT_EQ(Ok("SELECT i FROM a GROUP BY i HAVING i = '10'").rows.size(), 1u);
  // The text key still reads by key.
  std::string plan;
  for (const auto& row : Ok("EXPLAIN SELECT * FROM a WHERE i = '5'").rows) {
    plan += row[0].ToString() + "\n";
  }
  EXPECT_NE(plan.find("point lookup"), std::string::npos) << plan;
}

// CREATE TABLE ... AS SELECT makes SQLite's table: the query's column
// names (a repeated one numbered), the affinity each keeps as its type, no
// constraints; then the query's rows, in its order.
TEST_F(SessionTest, CreateTableAsSelect) {
  Ok("CREATE TABLE src(k INTEGER PRIMARY KEY, s TEXT, r REAL)");
  Ok("INSERT INTO src VALUES (1, 'a', 1.5), (2, 'b', NULL), (3, 'c', 3)");
  EXPECT_EQ(Ok("CREATE TABLE dst AS SELECT k, s, r, k * 2, s AS k FROM src WHERE k < 3 "
               "ORDER BY k DESC").rows_affected,
            2);
  ResultSet r = Ok("SELECT * FROM dst");
  EXPECT_EQ(r.columns, (std::vector<std::string>{"k", "s", "r", "k * 2", "k:1"}));
  EXPECT_EQ(r.rows, (std::vector<exec::Row>{
                        {Value::Integer(2), Value::Text("b"), Value::Null(), Value::Integer(4),
                         Value::Text("b")},
                        {Value::Integer(1), Value::Text("a"), Value::Real(1.5), Value::Integer(2),
                         Value::Text("a")}}));
  EXPECT_EQ(Ok("SHOW CREATE TABLE dst").rows.at(0).at(0),
            Value::Text("CREATE TABLE dst (k INTEGER, s TEXT, r REAL, \"k * 2\", \"k:1\" TEXT);"));
  // Typed columns convert as declared ones do; the untyped one keeps text.
  Ok("INSERT INTO dst VALUES ('7', 8, '2.5', 'x', 9)");
  EXPECT_EQ(Ok("SELECT typeof(k), typeof(s), typeof(r), typeof(\"k * 2\") FROM dst WHERE k = 7")
                .rows.at(0),
            (exec::Row{Value::Text("integer"), Value::Text("text"), Value::Text("real"),
                       Value::Text("text")}));
  // No primary key: the same row twice is two rows.
  Ok("CREATE TABLE twice AS SELECT 1 AS one UNION ALL SELECT 1");
  EXPECT_EQ(Ok("SELECT count(*) FROM twice").rows.at(0).at(0), Value::Integer(2));
  // A star keeps the types; so does an empty result.
  Ok("CREATE TABLE copy AS SELECT * FROM src WHERE k > 100");
  EXPECT_EQ(Ok("SHOW CREATE TABLE copy").rows.at(0).at(0),
            Value::Text("CREATE TABLE copy (k INTEGER, s TEXT, r REAL);"));
  EXPECT_EQ(Ok("CREATE TABLE p AS SELECT ? AS x", {Value::Integer(5)}).rows_affected, 1);
  // An existing name: an error, or nothing at all with IF NOT EXISTS (the
  // query does not run).
  EXPECT_EQ(SqlState(Err("CREATE TABLE dst AS SELECT 1")), "42P07");
  Ok("CREATE TABLE IF NOT EXISTS dst AS SELECT abs(-9223372036854775808)");
  EXPECT_EQ(SqlState(Err("CREATE TABLE bad AS SELECT abs(-9223372036854775808)")), "22003");
  EXPECT_EQ(SqlState(Err("CREATE TABLE bad AS SELECT * FROM missing")), "42P01");
  EXPECT_EQ(SqlState(Err("SELECT * FROM bad")), "42P01");  // a failed CTAS leaves no table
  // Transactional like any DDL.
  Ok("BEGIN");
  Ok("CREATE TABLE gone AS SELECT * FROM src");
  EXPECT_EQ(Ok("SELECT count(*) FROM gone").rows.at(0).at(0), Value::Integer(3));
  Ok("ROLLBACK");
  EXPECT_EQ(SqlState(Err("SELECT * FROM gone")), "42P01");
}

// RETURNING gives the rows an INSERT, UPDATE or DELETE wrote, as written
// (defaults filled, keys assigned, values converted) or, for DELETE, as
// they were.
TEST_F(SessionTest, ReturningGivesTheRowsWritten) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT DEFAULT 'd', c REAL)");
  ResultSet r = Ok("INSERT INTO t(c) VALUES (1), ('2') RETURNING *");
  EXPECT_TRUE(r.has_rows);
  EXPECT_EQ(r.rows_affected, 2);
  EXPECT_EQ(r.columns, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.rows, (std::vector<exec::Row>{{Value::Integer(1), Value::Text("d"), Value::Real(1)},
                                            {Value::Integer(2), Value::Text("d"), Value::Real(2)}}));
  r = Ok("INSERT INTO t VALUES (10, 'x', 3) RETURNING a * 2 AS twice, upper(b), typeof(c)");
  EXPECT_EQ(r.columns, (std::vector<std::string>{"twice", "upper(b)", "typeof(c)"}));
  EXPECT_EQ(r.rows, (std::vector<exec::Row>{
                        {Value::Integer(20), Value::Text("X"), Value::Text("real")}}));
  // An upsert returns the row as updated; a row ignored is not returned.
  EXPECT_EQ(Ok("INSERT INTO t VALUES (10, 'y', 4) ON CONFLICT(a) DO UPDATE SET b = "
               "excluded.b || '!' RETURNING b")
                .rows,
            (std::vector<exec::Row>{{Value::Text("y!")}}));
  r = Ok("INSERT OR IGNORE INTO t VALUES (10, 'z', 5) RETURNING *");
  EXPECT_TRUE(r.has_rows);
  EXPECT_TRUE(r.rows.empty());
  // A subquery sees the table as the statement leaves it.
  EXPECT_EQ(Ok("UPDATE t SET c = c + 1 WHERE a < 5 RETURNING a, c, (SELECT sum(c) FROM t)").rows,
            (std::vector<exec::Row>{{Value::Integer(1), Value::Real(2), Value::Real(8)},
                                    {Value::Integer(2), Value::Real(3), Value::Real(8)}}));
  EXPECT_EQ(Ok("DELETE FROM t WHERE a = 10 RETURNING t.*, changes()").rows,
            (std::vector<exec::Row>{
                {Value::Integer(10), Value::Text("y!"), Value::Real(3), Value::Integer(2)}}));
  EXPECT_EQ(Ok("SELECT count(*) FROM t").rows.at(0).at(0), Value::Integer(2));
  // Errors leave the table as it was.
  EXPECT_EQ(SqlState(Err("DELETE FROM t RETURNING nope")), "42703");
  EXPECT_EQ(SqlState(Err("DELETE FROM t RETURNING u.*")), "42P01");
  EXPECT_NE(Err("DELETE FROM t RETURNING count(*)").message().find("RETURNING"),
            std::string::npos);
  EXPECT_EQ(SqlState(Err("UPDATE t SET b = 'q' RETURNING 1 / 0 + abs(-9223372036854775808)")),
            "22003");
  EXPECT_EQ(Ok("SELECT count(*) FROM t WHERE b = 'd'").rows.at(0).at(0), Value::Integer(2));
  // Inside a transaction too, and prepared with parameters.
  Ok("BEGIN");
  EXPECT_EQ(Ok("INSERT INTO t(a) VALUES (?) RETURNING a + 1", {Value::Integer(41)}).rows,
            (std::vector<exec::Row>{{Value::Integer(42)}}));
  Ok("ROLLBACK");
  // Not in a trigger, as in SQLite.
  EXPECT_EQ(SqlState(Err("CREATE TRIGGER tr AFTER DELETE ON t BEGIN "
                         "INSERT INTO t(a) VALUES (99) RETURNING a; END")),
            "42601");
}

// ALTER TABLE RENAME TO, RENAME COLUMN and DROP COLUMN: rows, indexes and
// constraints follow; a change that would break a view or trigger, or drop
// a column something depends on, is refused (2BP01) and changes nothing.
TEST_F(SessionTest, AlterTableRenamesAndDropsColumns) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE, c REAL CHECK (c > 0), d TEXT, "
     "e INTEGER)");
  Ok("CREATE INDEX ie ON t(e)");
  Ok("INSERT INTO t VALUES (1, 'x', 1.5, 'dd', 5), (2, 'y', 2.5, NULL, 6)");
  Ok("ALTER TABLE t RENAME TO u");
  EXPECT_EQ(SqlState(Err("SELECT * FROM t")), "42P01");
  EXPECT_EQ(Ok("SELECT count(*) FROM u").rows.at(0).at(0), Value::Integer(2));
  // The UNIQUE index came along (under its new name) and still holds.
  EXPECT_EQ(SqlState(Err("INSERT INTO u VALUES (3, 'x', 1, NULL, 7)")), "23505");
  EXPECT_EQ(Ok("SHOW INDEXES FROM u").rows.size(), 2u);
  Ok("DROP INDEX ie");  // the index object follows the table
  Ok("CREATE INDEX ie ON u(e)");
  // RENAME COLUMN rewrites the CHECK that reads it.
  Ok("ALTER TABLE u RENAME COLUMN c TO cc");
  EXPECT_EQ(SqlState(Err("INSERT INTO u VALUES (3, 'z', -1, NULL, 7)")), "23514");
  EXPECT_EQ(Ok("SELECT cc FROM u WHERE a = 1").rows.at(0).at(0), Value::Real(1.5));
  EXPECT_EQ(SqlState(Err("ALTER TABLE u RENAME COLUMN cc TO b")), "42701");
  EXPECT_EQ(SqlState(Err("ALTER TABLE u RENAME COLUMN nope TO z")), "42703");
  // DROP COLUMN rewrites the rows; the index on a later column still finds them.
  Ok("ALTER TABLE u DROP COLUMN d");
  ResultSet r = Ok("SELECT * FROM u WHERE e = 6");
  EXPECT_EQ(r.columns, (std::vector<std::string>{"a", "b", "cc", "e"}));
  EXPECT_EQ(r.rows, (std::vector<exec::Row>{
                        {Value::Integer(2), Value::Text("y"), Value::Real(2.5), Value::Integer(6)}}));
  Ok("INSERT INTO u VALUES (3, 'z', 1, 7)");
  for (const char* column : {"a", "b", "cc", "e"}) {
    EXPECT_EQ(SqlState(Err(absl::StrCat("ALTER TABLE u DROP COLUMN ", column))), "2BP01") << column;
  }
  // Views and triggers that name what changes stop it.
  Ok("CREATE VIEW v AS SELECT b FROM u");
  EXPECT_EQ(SqlState(Err("ALTER TABLE u RENAME TO w")), "2BP01");
  EXPECT_EQ(SqlState(Err("ALTER TABLE u RENAME COLUMN b TO bb")), "2BP01");
  Ok("ALTER TABLE u RENAME COLUMN e TO ee");  // the view does not read it
  EXPECT_EQ(Ok("SELECT count(*) FROM v").rows.at(0).at(0), Value::Integer(3));
  EXPECT_EQ(SqlState(Err("ALTER TABLE u RENAME TO v")), "42P07");
  Ok("DROP VIEW v");
  // A rename inside a transaction rolls back with it.
  Ok("BEGIN");
  Ok("ALTER TABLE u RENAME TO w");
  EXPECT_EQ(Ok("SELECT count(*) FROM w").rows.at(0).at(0), Value::Integer(3));
  Ok("ROLLBACK");
  EXPECT_EQ(Ok("SELECT count(*) FROM u").rows.at(0).at(0), Value::Integer(3));
  // A table with a hidden rowid, down to its last column.
  Ok("CREATE TABLE h(p TEXT, q TEXT)");
  Ok("INSERT INTO h VALUES ('1', '2')");
  Ok("ALTER TABLE h DROP COLUMN p");
  EXPECT_EQ(Ok("SELECT * FROM h").rows, (std::vector<exec::Row>{{Value::Text("2")}}));
  EXPECT_EQ(SqlState(Err("ALTER TABLE h DROP COLUMN q")), "2BP01");
}

// COLLATE BINARY is taken anywhere; an unknown collation is 42704 and
// creates nothing. (NOCASE and RTRIM: tests/collation_test.cc.)
TEST_F(SessionTest, CollateTakesKnownNamesAndRefusesUnknownOnes) {
  Ok("CREATE TABLE c(x TEXT COLLATE BINARY, y TEXT)");
  Ok("INSERT INTO c VALUES ('A', 'b'), ('a', 'B')");
  EXPECT_EQ(Ok("SELECT x FROM c WHERE x = 'A' COLLATE binary ORDER BY y COLLATE BINARY").rows,
            (std::vector<exec::Row>{{Value::Text("A")}}));
  EXPECT_EQ(SqlState(Err("CREATE TABLE n(x TEXT COLLATE unicode)")), "42704");
  EXPECT_EQ(SqlState(Err("CREATE INDEX ci ON c(x COLLATE klingon)")), "42704");
  EXPECT_EQ(SqlState(Err("SELECT 'a' COLLATE klingon")), "42704");
  EXPECT_EQ(SqlState(Err("SELECT * FROM n")), "42P01");  // nothing was created
  // IS [NOT] DISTINCT FROM is IS NOT / IS.
  EXPECT_EQ(Ok("SELECT 1 IS DISTINCT FROM 2, NULL IS NOT DISTINCT FROM NULL, "
               "1 IS DISTINCT FROM NULL, NULL IS DISTINCT FROM NULL, 2 IS NOT DISTINCT FROM 2")
                .rows,
            (std::vector<exec::Row>{{Value::Integer(1), Value::Integer(1), Value::Integer(1),
                                     Value::Integer(0), Value::Integer(1)}}));
}

// UPDATE ... FROM (SQLite 3.33, PostgreSQL): the target joined with other
// tables; SET and WHERE read both; each target row is updated once.
TEST_F(SessionTest, UpdateFromJoinsOtherTables) {
  Ok("CREATE TABLE inv(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)");
  Ok("CREATE TABLE delta(item INTEGER, change INTEGER)");
  Ok("INSERT INTO inv VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)");
  Ok("INSERT INTO delta VALUES (1, 5), (3, -7), (9, 100), (1, 1)");
  // Row 1 matches twice: it is updated once, with one of its matches.
  ResultSet r = Ok("UPDATE inv SET qty = qty + delta.change FROM delta "
                   "WHERE delta.item = inv.id AND delta.change <> 1");
  EXPECT_EQ(r.rows_affected, 2);
  EXPECT_EQ(Ok("SELECT id, qty FROM inv ORDER BY id").rows,
            (std::vector<exec::Row>{{Value::Integer(1), Value::Integer(15)},
                                    {Value::Integer(2), Value::Integer(20)},
                                    {Value::Integer(3), Value::Integer(23)}}));
  r = Ok("UPDATE inv SET qty = s.total FROM (SELECT item, sum(change) AS total FROM delta "
         "GROUP BY item) AS s WHERE s.item = inv.id RETURNING id, qty");
  EXPECT_EQ(r.rows, (std::vector<exec::Row>{{Value::Integer(1), Value::Integer(6)},
                                            {Value::Integer(3), Value::Integer(-7)}}));
  // Constraints still hold; a failed statement changes nothing.
  Ok("CREATE UNIQUE INDEX inv_name ON inv(name)");
  EXPECT_EQ(SqlState(Err("UPDATE inv SET name = 'same' FROM delta WHERE delta.item = inv.id")),
            "23505");
  EXPECT_EQ(Ok("SELECT count(*) FROM inv WHERE name = 'same'").rows.at(0).at(0),
            Value::Integer(0));
  // Names both sides have must be qualified.
  Ok("CREATE TABLE other(id INTEGER, qty INTEGER)");
  EXPECT_EQ(SqlState(Err("UPDATE inv SET qty = 1 FROM other WHERE id = 1")), "42702");
  EXPECT_EQ(SqlState(Err("UPDATE inv SET qty = nope FROM other")), "42703");
  EXPECT_EQ(SqlState(Err("UPDATE inv SET qty = 1 FROM missing")), "42P01");
}

// RIGHT and FULL [OUTER] JOIN, as SQLite 3.39 has them: with USING or
// NATURAL the shared column reads coalesce(left, right) and comes first in
// `*`, while each side's copy stays readable by its table's name.
TEST_F(SessionTest, RightAndFullOuterJoins) {
  Ok("CREATE TABLE a(id INTEGER PRIMARY KEY, x INTEGER)");
  Ok("CREATE TABLE b(id INTEGER PRIMARY KEY, y INTEGER)");
  Ok("INSERT INTO a VALUES (1, 10), (2, 20)");
  Ok("INSERT INTO b VALUES (2, 200), (3, 300)");
  const Value null;
  EXPECT_EQ(Ok("SELECT a.id, b.id FROM a RIGHT JOIN b ON a.id = b.id ORDER BY b.id").rows,
            (std::vector<exec::Row>{{Value::Integer(2), Value::Integer(2)},
                                    {null, Value::Integer(3)}}));
  EXPECT_EQ(Ok("SELECT a.id, b.id FROM a FULL OUTER JOIN b ON a.id = b.id "
               "ORDER BY coalesce(a.id, b.id)")
                .rows,
            (std::vector<exec::Row>{{Value::Integer(1), null},
                                    {Value::Integer(2), Value::Integer(2)},
                                    {null, Value::Integer(3)}}));
  // SQLite 3.40's answers.
  EXPECT_EQ(Ok("SELECT id, a.id, b.id FROM a RIGHT JOIN b USING (id) ORDER BY id").rows,
            (std::vector<exec::Row>{{Value::Integer(2), Value::Integer(2), Value::Integer(2)},
                                    {Value::Integer(3), null, Value::Integer(3)}}));
  ResultSet r = Ok("SELECT * FROM a NATURAL FULL JOIN b ORDER BY id");
  EXPECT_EQ(r.columns, (std::vector<std::string>{"id", "x", "y"}));
  EXPECT_EQ(r.rows, (std::vector<exec::Row>{{Value::Integer(1), Value::Integer(10), null},
                                            {Value::Integer(2), Value::Integer(20), Value::Integer(200)},
                                            {Value::Integer(3), null, Value::Integer(300)}}));
  // A later USING reads the coalesced column, not a hidden copy.
  Ok("CREATE TABLE c(id INTEGER, z INTEGER)");
  Ok("INSERT INTO c VALUES (3, 3000), (1, 1000)");
  EXPECT_EQ(Ok("SELECT id, z FROM a FULL JOIN b USING (id) JOIN c USING (id) ORDER BY id").rows,
            (std::vector<exec::Row>{{Value::Integer(1), Value::Integer(1000)},
                                    {Value::Integer(3), Value::Integer(3000)}}));
  // NATURAL joins on declared columns: two tables without a primary key
  // both have a hidden rowid, which must not be one (it made NATURAL JOIN
  // of such tables empty).
  Ok("CREATE TABLE p(id INTEGER, v TEXT)");
  Ok("CREATE TABLE q(id INTEGER, w TEXT)");
  Ok("INSERT INTO p VALUES (1, 'p1'), (2, 'p2')");
  Ok("INSERT INTO q VALUES (2, 'q2')");
  EXPECT_EQ(Ok("SELECT * FROM p NATURAL JOIN q").rows,
            (std::vector<exec::Row>{{Value::Integer(2), Value::Text("p2"), Value::Text("q2")}}));
}

// A WHERE conjunct that reads only the left side of a LEFT JOIN filters
// the left input: the same rows come out, and the left table is read by
// key. One that reads the right side (b.id IS NULL) stays above the join.
TEST_F(SessionTest, LeftJoinFiltersItsLeftInputFirst) {
  Ok("CREATE TABLE a(id INTEGER PRIMARY KEY, x INTEGER)");
  Ok("INSERT INTO a VALUES (1, 10), (2, 20), (3, 30)");
  const Value null;
  EXPECT_EQ(Ok("SELECT l.id, r.id FROM a l LEFT JOIN a r ON r.id = l.id + 1 "
               "WHERE l.id >= 2 AND r.id IS NULL")
                .rows,
            (std::vector<exec::Row>{{Value::Integer(3), null}}));
  EXPECT_EQ(Ok("SELECT l.id, r.id FROM a l LEFT JOIN a r ON r.id = l.id + 1 "
               "WHERE l.x = 20 OR r.x = 30 ORDER BY 1")
                .rows,
            (std::vector<exec::Row>{{Value::Integer(2), Value::Integer(3)}}));
  std::string plan;
  for (const auto& row :
       Ok("EXPLAIN SELECT * FROM a l LEFT JOIN a r ON r.id = l.id + 1 WHERE l.id = 2").rows) {
    plan += row[0].ToString() + "\n";
  }
  EXPECT_NE(plan.find("point lookup a"), std::string::npos) << plan;
}

// A join nested in parentheses, or after the target of UPDATE ... FROM,
// starts after other tables' columns; its ON condition must still read its
// own row. (It read the wrong columns: t2.x and t3.p came out NULL.)
TEST_F(SessionTest, NestedJoinsReadTheirOwnRow) {
  Ok("CREATE TABLE t1(a INTEGER PRIMARY KEY, b INTEGER)");
  Ok("CREATE TABLE t2(x INTEGER, y INTEGER)");
  Ok("CREATE TABLE t3(p INTEGER PRIMARY KEY, q INTEGER)");
  Ok("INSERT INTO t1 VALUES (1, 10), (2, 20), (3, 30)");
  Ok("INSERT INTO t2 VALUES (1, 100), (2, 200), (5, 500)");
  Ok("INSERT INTO t3 VALUES (1, 7), (5, 9)");
  const Value null;
  // SQLite 3.40's answers.
  EXPECT_EQ(Ok("SELECT t1.a, t2.x, t3.p FROM t1 LEFT JOIN (t2 JOIN t3 ON t2.x = t3.p) "
               "ON t1.a = t2.x ORDER BY 1")
                .rows,
            (std::vector<exec::Row>{{Value::Integer(1), Value::Integer(1), Value::Integer(1)},
                                    {Value::Integer(2), null, null},
                                    {Value::Integer(3), null, null}}));
  Ok("UPDATE t1 SET b = t3.q FROM t2 LEFT JOIN t3 ON t3.p = t2.x WHERE t2.x = t1.a");
  EXPECT_EQ(Ok("SELECT a, b FROM t1 ORDER BY a").rows,
            (std::vector<exec::Row>{{Value::Integer(1), Value::Integer(7)},
                                    {Value::Integer(2), null},
                                    {Value::Integer(3), Value::Integer(30)}}));
  // What it cannot yet do right it refuses.
  EXPECT_EQ(SqlState(Err("SELECT * FROM t1 LEFT JOIN (t2 JOIN t3 ON t3.p = t1.a) ON 1")),
            "0A000");
  EXPECT_EQ(SqlState(Err("SELECT * FROM t1 LEFT JOIN (t2 JOIN t3 ON EXISTS (SELECT 1 FROM t1 "
                         "AS z WHERE z.a = t3.p)) ON 1")),
            "0A000");
}

// last_insert_rowid(), changes() and total_changes() read the connection's
// counters as SQLite keeps them: changes() counts the last INSERT, UPDATE or
// DELETE without its triggers, total_changes() with them, and a table
// without a rowid leaves last_insert_rowid() alone.
TEST_F(SessionTest, ConnectionCountersFollowSqlite) {
  auto counters = [&] {
    return Ok("SELECT last_insert_rowid(), changes(), total_changes()").rows.at(0);
  };
  auto ints = [](int64_t a, int64_t b, int64_t c) {
    return exec::Row{Value::Integer(a), Value::Integer(b), Value::Integer(c)};
  };
  EXPECT_EQ(counters(), ints(0, 0, 0));
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
  Ok("CREATE TABLE s(k TEXT PRIMARY KEY)");
  Ok("CREATE TABLE log(n INTEGER)");
  Ok("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (1); "
     "INSERT INTO log VALUES (2); END");
  EXPECT_EQ(counters(), ints(0, 0, 0));  // DDL changes no rows
  Ok("INSERT INTO t(b) VALUES ('x'), ('y')");
  EXPECT_EQ(counters(), ints(2, 2, 6));
  Ok("INSERT INTO s VALUES ('q')");
  EXPECT_EQ(counters(), ints(2, 1, 7));
  Ok("UPDATE t SET b = 'z'");
  EXPECT_EQ(counters(), ints(2, 2, 9));
  // The value as the statement starts.
  Ok("INSERT INTO t VALUES (last_insert_rowid() + 40, 'w')");
  EXPECT_EQ(counters(), ints(42, 1, 12));
  // A failed statement changes nothing.
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES (42, 'dup')")), "23505");
  EXPECT_EQ(counters(), ints(42, 1, 12));
  // Inside a transaction each statement counts; a rollback does not undo
  // the counters (as in SQLite).
  Ok("BEGIN");
  Ok("DELETE FROM log WHERE n = 1");
  EXPECT_EQ(counters(), ints(42, 3, 15));
  Ok("ROLLBACK");
  EXPECT_EQ(counters(), ints(42, 3, 15));
  // The hidden rowid of a table without a primary key.
  Ok("INSERT INTO log VALUES (3)");
  EXPECT_EQ(Ok("SELECT last_insert_rowid() = (SELECT rowid FROM log WHERE n = 3)").rows.at(0),
            exec::Row{Value::Integer(1)});
  // Not folded at bind time, and read afresh by a prepared statement.
  auto prepared = Session::Prepare("SELECT changes()");
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  EXPECT_EQ(session_->ExecutePrepared(**prepared)->rows.at(0), exec::Row{Value::Integer(1)});
  Ok("DELETE FROM log");
  EXPECT_EQ(session_->ExecutePrepared(**prepared)->rows.at(0), exec::Row{Value::Integer(7)});
  EXPECT_EQ(SqlState(Err("SELECT changes(1)")), "42883");
  // Each connection keeps its own.
  Session other(db_.get());
  EXPECT_EQ(other.Execute("SELECT total_changes()")->rows.at(0), exec::Row{Value::Integer(0)});
}

TEST_F(SessionTest, UpdatesOfDifferentRowsDoNotConflict) {
  Ok("CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER, owner TEXT)");
  Ok("CREATE INDEX by_owner ON acct(owner)");
  Ok("INSERT INTO acct VALUES (1, 10, 'ann'), (2, 20, 'bob'), (3, 30, 'cy')");
  Session other(db_.get());
  Ok("BEGIN");
  ASSERT_TRUE(other.Execute("BEGIN").ok());
  Ok("UPDATE acct SET bal = bal - 1 WHERE id = 1");
  ASSERT_TRUE(other.Execute("UPDATE acct SET bal = bal + 1 WHERE id = 2").ok());
  ASSERT_TRUE(other.Execute("DELETE FROM acct WHERE owner = 'cy'").ok());
  Ok("COMMIT");
  ASSERT_TRUE(other.Execute("COMMIT").ok());  // read only rows 2 and 3
  ResultSet r = Ok("SELECT id, bal FROM acct ORDER BY id");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0][1], Value::Integer(9));
  EXPECT_EQ(r.rows[1][1], Value::Integer(21));
  // The same row still conflicts.
  Ok("BEGIN");
  ASSERT_TRUE(other.Execute("BEGIN").ok());
  Ok("UPDATE acct SET bal = 0 WHERE id = 1");
  ASSERT_TRUE(other.Execute("UPDATE acct SET bal = 5 WHERE id = 1").ok());
  Ok("COMMIT");
  absl::StatusOr<ResultSet> lost = other.Execute("COMMIT");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(SqlState(lost.status()), "40001");
  EXPECT_EQ(Ok("SELECT bal FROM acct WHERE id = 1").rows[0][0], Value::Integer(0));
}

// INSERT, UPDATE and DELETE keep their table and triggers per schema
// version: another session's schema change must show at the next
// statement, and a transaction that wrote with the old schema must not
// commit after it.
TEST_F(SessionTest, DmlFollowsOtherSessionsSchemaChanges) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
  Ok("CREATE TABLE log(x TEXT)");
  Ok("INSERT INTO t VALUES (1, 'x')");
  Ok("UPDATE t SET b = 'y' WHERE a = 1");
  Session other(db_.get());
  ASSERT_TRUE(other.Execute("ALTER TABLE t ADD COLUMN c INTEGER DEFAULT 7").ok());
  Ok("INSERT INTO t VALUES (2, 'z', 3)");
  EXPECT_EQ(Err("INSERT INTO t VALUES (3, 'w')").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ok("SELECT sum(c) FROM t").rows[0][0], Value::Integer(10));
  // A trigger created elsewhere fires at the next statement.
  ASSERT_TRUE(other.Execute("CREATE TRIGGER t_log AFTER UPDATE ON t BEGIN "
                            "INSERT INTO log VALUES (NEW.b); END").ok());
  Ok("UPDATE t SET b = 'v' WHERE a = 2");
  EXPECT_EQ(Ok("SELECT x FROM log").rows.size(), 1u);
  ASSERT_TRUE(other.Execute("DROP TRIGGER t_log").ok());
  Ok("DELETE FROM t WHERE a = 2");
  Ok("UPDATE t SET b = 'u' WHERE a = 1");
  EXPECT_EQ(Ok("SELECT x FROM log").rows.size(), 1u);
  // The cache is warm for this version; a transaction that writes through
  // it while another session changes the schema cannot commit.
  Ok("INSERT INTO t VALUES (5, 'p', 1)");
  Ok("BEGIN");
  Ok("INSERT INTO t VALUES (6, 'q', 1)");
  ASSERT_TRUE(other.Execute("ALTER TABLE t ADD COLUMN d TEXT").ok());
  EXPECT_EQ(SqlState(Err("COMMIT")), "40001");
  EXPECT_TRUE(Ok("SELECT a FROM t WHERE a = 6").rows.empty());
  ASSERT_TRUE(other.Execute("DROP TABLE t").ok());
  EXPECT_EQ(SqlState(Err("INSERT INTO t VALUES (7, 'r', 1, 's')")), "42P01");
}

TEST_F(SessionTest, PreparedPlansFollowSchemaChanges) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER)");
  Ok("INSERT INTO t VALUES (1, 10), (2, 20)");
  auto star = Session::Prepare("SELECT * FROM t WHERE a >= ?");
  auto by_b = Session::Prepare("SELECT a FROM t WHERE b = ?");
  ASSERT_TRUE(star.ok() && by_b.ok());
  auto run = [&](const PreparedSql& p, int64_t v) {
    absl::StatusOr<ResultSet> r = session_->ExecutePrepared(p, {Value::Integer(v)});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : ResultSet();
  };
  EXPECT_EQ(run(**star, 1).columns.size(), 2u);
  EXPECT_EQ(run(**star, 2).rows.size(), 1u);  // the cached plan, new parameter
  // Another connection changes the schema: the next execution binds anew.
  Session other(db_.get());
  ASSERT_TRUE(other.Execute("ALTER TABLE t ADD COLUMN c TEXT DEFAULT 'x'").ok());
  ResultSet r = run(**star, 1);
  ASSERT_EQ(r.columns.size(), 3u);
  EXPECT_EQ(r.rows[0][2], Value::Text("x"));
  EXPECT_EQ(run(**by_b, 20).rows.size(), 1u);
  ASSERT_TRUE(other.Execute("CREATE INDEX t_b ON t(b)").ok());
  ASSERT_TRUE(other.Execute("INSERT INTO t VALUES (3, 20, 'y')").ok());
  EXPECT_EQ(run(**by_b, 20).rows.size(), 2u);  // through the new index
  // A transaction keeps the schema of its snapshot.
  Ok("BEGIN");
  EXPECT_EQ(run(**star, 1).columns.size(), 3u);
  ASSERT_TRUE(other.Execute("ALTER TABLE t ADD COLUMN d INTEGER").ok());
  EXPECT_EQ(run(**star, 1).columns.size(), 3u);
  Ok("COMMIT");
  EXPECT_EQ(run(**star, 1).columns.size(), 4u);
  // Its own DDL is visible to it at once.
  Ok("BEGIN");
  Ok("ALTER TABLE t ADD COLUMN e INTEGER");
  EXPECT_EQ(run(**star, 1).columns.size(), 5u);
  Ok("ROLLBACK");
  EXPECT_EQ(run(**star, 1).columns.size(), 4u);
  ASSERT_TRUE(other.Execute("DROP TABLE t").ok());
  absl::StatusOr<ResultSet> gone = session_->ExecutePrepared(**star, {Value::Integer(1)});
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(SqlState(gone.status()), "42P01");
}

TEST_F(SessionTest, ExplainShowsOneFragmentPerRange) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER)");
  Ok("INSERT INTO t VALUES (1, 1), (50, 2), (100, 3)");
  ResultSet one = Ok("EXPLAIN SELECT b FROM t");
  std::string text;
  for (const auto& row : one.rows) absl::StrAppend(&text, row[0].bytes(), "\n");
  EXPECT_NE(text.find("1 fragment:"), std::string::npos) << text;
  Ok("ALTER TABLE t SPLIT AT VALUES (50)");
  ResultSet two = Ok("EXPLAIN SELECT b FROM t");
  text.clear();
  for (const auto& row : two.rows) absl::StrAppend(&text, row[0].bytes(), "\n");
  EXPECT_NE(text.find("2 fragments:"), std::string::npos) << text;
  EXPECT_EQ(Ok("SHOW RANGES FROM TABLE t").rows.size(), 2u);
  // Results do not depend on the ranges.
  EXPECT_EQ(Ok("SELECT sum(b) FROM t").rows[0][0], Value::Integer(6));
  // A primary key equality becomes a point lookup.
  ResultSet point = Ok("EXPLAIN SELECT b FROM t WHERE a = 50");
  text.clear();
  for (const auto& row : point.rows) absl::StrAppend(&text, row[0].bytes(), "\n");
  EXPECT_NE(text.find("point lookup t"), std::string::npos) << text;
  EXPECT_EQ(Ok("SELECT b FROM t WHERE a = 50").rows[0][0], Value::Integer(2));
  EXPECT_TRUE(Ok("SELECT b FROM t WHERE a = 50.5").rows.empty());
  EXPECT_EQ(Ok("SELECT b FROM t WHERE a = 50.0").rows.size(), 1u);
}

TEST_F(SessionTest, PrimaryKeyRangesScanOnlyTheirSpan) {
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER)");
  Ok("CREATE TABLE d(a INTEGER, b INTEGER, PRIMARY KEY (a DESC))");
  for (int i = 1; i <= 20; ++i) {
    Ok(absl::StrCat("INSERT INTO t VALUES (", i, ", ", i * 10, ")"));
    Ok(absl::StrCat("INSERT INTO d VALUES (", i, ", ", i * 10, ")"));
  }
  for (const char* table : {"t", "d"}) {
    auto count = [&](const std::string& where) {
      return Ok(absl::StrCat("SELECT count(*) FROM ", table, " WHERE ", where)).rows[0][0];
    };
    EXPECT_EQ(count("a > 15"), Value::Integer(5)) << table;
    EXPECT_EQ(count("a >= 15"), Value::Integer(6));
    EXPECT_EQ(count("a < 3"), Value::Integer(2));
    EXPECT_EQ(count("3 >= a"), Value::Integer(3));
    EXPECT_EQ(count("a BETWEEN 5 AND 9"), Value::Integer(5));
    EXPECT_EQ(count("a > 5 AND a <= 7"), Value::Integer(2));
    EXPECT_EQ(count("a > 5.5"), Value::Integer(15));  // REAL bound: full scan
    EXPECT_EQ(count("a > NULL"), Value::Integer(0));
    EXPECT_EQ(count("a > 30"), Value::Integer(0));
  }
  ResultSet plan = Ok("EXPLAIN SELECT b FROM t WHERE a BETWEEN 2 AND 4");
  std::string text;
  for (const auto& row : plan.rows) absl::StrAppend(&text, row[0].bytes(), "\n");
  EXPECT_NE(text.find("range scan t"), std::string::npos) << text;
}

TEST_F(SessionTest, SplitRowsSpreadsTablesOverRanges) {
  DatabaseOptions o;
  o.split_rows = 8;
  Open(o);
  Ok("CREATE TABLE t(a INTEGER PRIMARY KEY)");
  for (int i = 0; i < 100; ++i) Ok(absl::StrCat("INSERT INTO t VALUES (", i, ")"));
  EXPECT_GE(Ok("SHOW RANGES FROM TABLE t").rows.size(), 10u);
  EXPECT_EQ(Ok("SELECT count(*), min(a), max(a) FROM t").rows[0][0], Value::Integer(100));
}

TEST_F(SessionTest, JoinsSubqueriesAndSetOperations) {
  Ok("CREATE TABLE a(x INTEGER PRIMARY KEY, y INTEGER)");
  Ok("CREATE TABLE b(y INTEGER PRIMARY KEY, z TEXT)");
  Ok("INSERT INTO a VALUES (1, 10), (2, 20), (3, 30)");
  Ok("INSERT INTO b VALUES (10, 'ten'), (20, 'twenty')");
  EXPECT_EQ(Ok("SELECT a.x, b.z FROM a JOIN b ON a.y = b.y ORDER BY 1").rows.size(), 2u);
  ResultSet left = Ok("SELECT a.x, b.z FROM a LEFT JOIN b USING (y) ORDER BY a.x");
  ASSERT_EQ(left.rows.size(), 3u);
  EXPECT_TRUE(left.rows[2][1].is_null());
  EXPECT_EQ(Ok("SELECT x FROM a WHERE y IN (SELECT y FROM b) ORDER BY x").rows.size(), 2u);
  EXPECT_EQ(Ok("SELECT x FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.y = a.y)").rows[0][0],
            Value::Integer(3));
  EXPECT_EQ(Ok("SELECT y FROM a UNION SELECT y FROM b").rows.size(), 3u);
  EXPECT_EQ(Ok("SELECT y FROM a EXCEPT SELECT y FROM b").rows.size(), 1u);
  EXPECT_EQ(Ok("WITH c AS (SELECT x FROM a WHERE x > 1) SELECT count(*) FROM c").rows[0][0],
            Value::Integer(2));
  EXPECT_EQ(Ok("SELECT y % 20, count(*) FROM a GROUP BY 1 HAVING count(*) > 1").rows.size(), 1u);
  EXPECT_EQ(Ok("SELECT sum(y) FROM a HAVING sum(y) = 60").rows.size(), 1u);
  EXPECT_EQ(Ok("SELECT sum(y) FROM a HAVING sum(y) = 61").rows.size(), 0u);
}

}  // namespace
}  // namespace tessera::session

namespace tessera::session {
namespace {

// A statement that fails inside BEGIN ... COMMIT leaves nothing behind, and
// the transaction goes on (SQLite's default ABORT): before, the rows a
// multi-row INSERT wrote before its failing row were committed.
TEST(StatementAtomicityTest, AFailedStatementTakesBackItsWrites) {
  DatabaseOptions options;
  options.engine.durable = false;
  auto db = Database::Open(testing::NewTempDir("atomic"), options);
  ASSERT_TRUE(db.ok()) << db.status();
  Session s(db->get());
  auto run = [&](const char* sql) { return s.Execute(sql); };
  ASSERT_TRUE(run("CREATE TABLE b(k INTEGER PRIMARY KEY, v)").ok());
  ASSERT_TRUE(run("CREATE TABLE log(x)").ok());
  ASSERT_TRUE(run("CREATE TRIGGER t AFTER INSERT ON b BEGIN INSERT INTO log VALUES (new.k); END").ok());
  ASSERT_TRUE(run("BEGIN").ok());
  ASSERT_TRUE(run("INSERT INTO b VALUES (1, 0)").ok());
  EXPECT_FALSE(run("INSERT INTO b VALUES (5, 1), (6, 2), (5, 3)").ok());
  ASSERT_TRUE(run("UPDATE b SET v = 10 WHERE k = 1").ok());
  EXPECT_FALSE(run("INSERT INTO b VALUES (8, 0), (1, 0)").ok());
  ASSERT_TRUE(run("CREATE TABLE c(a)").ok());
  EXPECT_FALSE(run("CREATE TABLE c(a)").ok());  // exists: the first stays
  ASSERT_TRUE(run("INSERT INTO c VALUES (1)").ok());
  ASSERT_TRUE(run("COMMIT").ok());
  absl::StatusOr<ResultSet> rows = run("SELECT k, v FROM b ORDER BY k");
  ASSERT_TRUE(rows.ok());
  std::vector<std::string> got;
  for (const auto& r : rows->rows) got.push_back(r[0].ToString() + "|" + r[1].ToString());
  EXPECT_EQ(got, (std::vector<std::string>{"1|10"}));
  absl::StatusOr<ResultSet> log = run("SELECT x FROM log ORDER BY x");
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->rows.size(), 1u);  // the trigger's rows went with their statement
  EXPECT_EQ(log->rows[0][0].ToString(), "1");
}

}  // namespace
}  // namespace tessera::session

#include "shell/shell.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "storage/test_util.h"

namespace tessera::shell {
namespace {

class ShellTest : public ::testing::Test {
 protected:
  void SetUp() override {
    session::DatabaseOptions o;
    o.engine.durable = false;
    auto db = session::Database::Open(testing::NewTempDir("shell"), o);
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
  }
  int Run(const std::string& script, ShellOptions options = ShellOptions()) {
    out_.str("");
    err_.str("");
    Shell shell(db_.get(), options, out_, err_);
    return shell.RunScript(script);
  }
  std::unique_ptr<session::Database> db_;
  std::ostringstream out_, err_;
};

// A file that .reads itself stopped the shell with a stack overflow; files
// that read other files still work.
TEST_F(ShellTest, ReadNestsButDoesNotRecurseForever) {
  const std::string dir = testing::NewTempDir("shell-read");
  const std::string self = dir + "/self.sql", outer = dir + "/outer.sql", inner = dir + "/inner.sql";
  auto write = [](const std::string& path, const std::string& text) {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  };
  write(self, ".read " + self + "\n");
  write(inner, "SELECT 7 AS seven;\n");
  write(outer, ".mode csv\n.read " + inner + "\n");
  EXPECT_EQ(Run(".read " + outer + "\n"), 0);
  EXPECT_EQ(out_.str(), "seven\n7\n");
  EXPECT_EQ(Run(".read " + self + "\n"), 1);
  EXPECT_NE(err_.str().find("ERROR: .read nested more than 25 deep"), std::string::npos)
      << err_.str();
}

TEST_F(ShellTest, StatementCompleteness) {
  EXPECT_TRUE(Shell::StatementComplete("SELECT 1;"));
  EXPECT_TRUE(Shell::StatementComplete("SELECT 1;  -- done\n"));
  EXPECT_FALSE(Shell::StatementComplete("SELECT 1"));
  EXPECT_FALSE(Shell::StatementComplete("SELECT ';"));
  EXPECT_TRUE(Shell::StatementComplete("SELECT ';';"));
  EXPECT_FALSE(Shell::StatementComplete("SELECT 1; SELECT"));
  EXPECT_FALSE(Shell::StatementComplete("SELECT /* ; */ 1"));
}

TEST_F(ShellTest, AlignedTableOutputIsExact) {
  ASSERT_EQ(Run("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);\n"
                "INSERT INTO t VALUES (1, 'one'), (22, NULL);\n"
                "SELECT a, b FROM t ORDER BY a;\n"),
            0);
  EXPECT_EQ(out_.str(),
            "2 rows affected\n"
            "+----+------+\n"
            "| a  | b    |\n"
            "+----+------+\n"
            "|  1 | one  |\n"
            "| 22 | NULL |\n"
            "+----+------+\n"
            "(2 rows)\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(ShellTest, CsvJsonAndMetaCommands) {
  Run("CREATE TABLE t(a INTEGER, b TEXT);\nINSERT INTO t VALUES (1, 'x,y');\n");
  ASSERT_EQ(Run(".mode csv\nSELECT a, b FROM t;\n.mode json\nSELECT a, b FROM t;\n"
                ".tables\n"),
            0);
  EXPECT_EQ(out_.str(),
            "a,b\n1,\"x,y\"\n"
            "[{\"a\": 1, \"b\": \"x,y\"}]\n"
            "[{\"name\": \"t\"}]\n");
}

TEST_F(ShellTest, SchemaAndIndexesShowDefinitions) {
  ASSERT_EQ(Run("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL DEFAULT 'q', c REAL);\n"
                "CREATE UNIQUE INDEX tb ON t(b, c DESC);\n"
                "CREATE TABLE u(x);\nCREATE INDEX ux ON u(x);\n"),
            0);
  ASSERT_EQ(Run(".mode csv\n.indexes\n.indexes u\n"), 0);
  EXPECT_EQ(out_.str(),
            "table,index,unique,columns\nt,tb,1,\"b, c DESC\"\nu,ux,0,x\n"
            "table,index,unique,columns\nu,ux,0,x\n");
  ASSERT_EQ(Run(".schema t\n"), 0);
  EXPECT_EQ(out_.str(),
            "CREATE TABLE t (a INTEGER NOT NULL, b TEXT NOT NULL DEFAULT 'q', c REAL, "
            "PRIMARY KEY (a));\n"
            "CREATE UNIQUE INDEX tb ON t (b, c DESC);\n");
  // The printed statements recreate the schema.
  std::string schema = out_.str();
  ASSERT_EQ(Run("DROP TABLE t;\n" + schema + ".schema t\n"), 0);
  EXPECT_EQ(out_.str(), schema);
  EXPECT_EQ(Run(".schema nope\n"), 1);
  EXPECT_EQ(err_.str(), "ERROR: no such table: nope\n");
}

// .dump writes SQL that rebuilds the tables, their rows (every type, to
// the bit), indexes, UNIQUE constraints, views and triggers; dumping the
// rebuilt database gives the same text.
TEST_F(ShellTest, DumpRebuildsTheDatabase) {
  ASSERT_EQ(Run("CREATE TABLE t(k INTEGER PRIMARY KEY, v REAL, s TEXT UNIQUE, b BLOB, f BOOLEAN);\n"
                "INSERT INTO t VALUES (1, 1.0, 'it''s', x'00ff', TRUE), (2, 0.1, NULL, x'', FALSE),"
                " (3, -0.0, 'a\nb', NULL, NULL);\n"
                "CREATE INDEX tv ON t(v);\nCREATE TABLE \"odd name\"(\"select\" TEXT);\n"
                "INSERT INTO \"odd name\" VALUES ('x');\n"
                "CREATE VIEW w AS SELECT k FROM t WHERE k > 1;\n"
                "CREATE TRIGGER tr AFTER DELETE ON t BEGIN DELETE FROM \"odd name\"; END;\n"),
            0);
  ASSERT_EQ(Run(".dump\n"), 0);
  const std::string dump = out_.str();
  EXPECT_EQ(dump,
            "BEGIN;\n"
            "CREATE TABLE \"odd name\" (\"select\" TEXT);\n"
            "INSERT INTO \"odd name\" VALUES('x');\n"
            "CREATE TABLE t (k INTEGER NOT NULL, v REAL, s TEXT, b BLOB, f BOOLEAN, "
            "PRIMARY KEY (k), UNIQUE (s));\n"
            "INSERT INTO t VALUES(1,1.0,'it''s',X'00FF',TRUE);\n"
            "INSERT INTO t VALUES(2,0.1,NULL,X'',FALSE);\n"
            "INSERT INTO t VALUES(3,-0.0,'a\nb',NULL,NULL);\n"
            "CREATE INDEX tv ON t (v);\n"
            "CREATE VIEW w AS SELECT k FROM t WHERE k > 1;\n"
            "CREATE TRIGGER tr AFTER DELETE ON t BEGIN DELETE FROM \"odd name\"; END;\n"
            "COMMIT;\n");
  ASSERT_EQ(Run(".dump t\n"), 0);
  EXPECT_EQ(out_.str().find("odd name"), out_.str().find("\"odd name\"; END;") + 1);  // the trigger only
  // Into a fresh database, then dumped again.
  session::DatabaseOptions o;
  o.engine.durable = false;
  auto fresh = session::Database::Open(testing::NewTempDir("shell-dump"), o);
  ASSERT_TRUE(fresh.ok());
  std::ostringstream out, err;
  Shell load(fresh->get(), ShellOptions(), out, err);
  ASSERT_EQ(load.RunScript(dump), 0) << err.str();
  std::ostringstream again;
  Shell redump(fresh->get(), ShellOptions(), again, err);
  ASSERT_EQ(redump.RunScript(".dump\n"), 0) << err.str();
  EXPECT_EQ(again.str(), dump);
  EXPECT_EQ(Run(".dump nope\n"), 1);
}

// Generated columns and collations survive a dump: the INSERTs carry the
// columns an INSERT without a column list fills (as SQLite's .dump), and
// the reload computes the generated values again.
TEST_F(ShellTest, DumpKeepsGeneratedColumnsAndCollations) {
  ASSERT_EQ(Run("CREATE TABLE g(id INTEGER PRIMARY KEY, a INT, b INT AS (a * 2) STORED, "
                "name TEXT COLLATE NOCASE UNIQUE);\n"
                "INSERT INTO g VALUES (1, 5, 'it''s');\n"),
            0);
  ASSERT_EQ(Run(".dump\n"), 0);
  const std::string dump = out_.str();
  EXPECT_EQ(dump,
            "BEGIN;\n"
            "CREATE TABLE g (id INTEGER NOT NULL, a INT, b INT GENERATED ALWAYS AS ((a * 2)) "
            "STORED, name TEXT COLLATE NOCASE, PRIMARY KEY (id), UNIQUE (name));\n"
            "INSERT INTO g VALUES(1,5,'it''s');\n"
            "COMMIT;\n");
  session::DatabaseOptions o;
  o.engine.durable = false;
  auto fresh = session::Database::Open(testing::NewTempDir("shell-dump-generated"), o);
  ASSERT_TRUE(fresh.ok());
  std::ostringstream out, err;
  Shell load(fresh->get(), ShellOptions(), out, err);
  ASSERT_EQ(load.RunScript(dump + ".mode csv\nSELECT b FROM g WHERE name = 'IT''S';\n"), 0)
      << err.str();
  EXPECT_EQ(out.str(), "1 row affected\nb\n10\n");  // the load's INSERT, then the query
}

// SQLite's table clauses and sqlite_sequence survive a dump: the sequence's
// rows come after every table's, so the AUTOINCREMENT table that makes
// sqlite_sequence exists when they load; SQLite's own .dump, which starts
// with PRAGMA foreign_keys=OFF, loads as well.
TEST_F(ShellTest, DumpKeepsSqliteTableClausesAndSequences) {
  ASSERT_EQ(Run("CREATE TABLE users(id INTEGER PRIMARY KEY AUTOINCREMENT, born DATETIME "
                "DEFAULT CURRENT_TIMESTAMP);\n"
                "CREATE TABLE tags(name TEXT PRIMARY KEY, n INT, "
                "FOREIGN KEY (n) REFERENCES users(id)) WITHOUT ROWID;\n"
                "INSERT INTO users VALUES (1, 'then'), (7, 'later');\n"
                "DELETE FROM users WHERE id = 7;\n"
                "INSERT INTO tags VALUES ('a', 1);\n"),
            0);
  ASSERT_EQ(Run(".dump\n"), 0);
  const std::string dump = out_.str();
  EXPECT_EQ(dump,
            "BEGIN;\n"
            "CREATE TABLE tags (name TEXT NOT NULL, n INT, PRIMARY KEY (name), "
            "FOREIGN KEY (n) REFERENCES users(id)) WITHOUT ROWID;\n"
            "INSERT INTO tags VALUES('a',1);\n"
            "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, born DATETIME "
            "DEFAULT current_timestamp);\n"
            "INSERT INTO users VALUES(1,'then');\n"
            "DELETE FROM sqlite_sequence;\n"
            "INSERT INTO sqlite_sequence VALUES('users',7);\n"
            "COMMIT;\n");
  session::DatabaseOptions o;
  o.engine.durable = false;
  auto fresh = session::Database::Open(testing::NewTempDir("shell-dump2"), o);
  ASSERT_TRUE(fresh.ok());
  std::ostringstream out, err;
  Shell load(fresh->get(), ShellOptions(), out, err);
  ASSERT_EQ(load.RunScript("PRAGMA foreign_keys=OFF;\n" + dump), 0) << err.str();
  std::ostringstream again;
  Shell redump(fresh->get(), ShellOptions(), again, err);
  ASSERT_EQ(redump.RunScript(".dump\n"), 0) << err.str();
  EXPECT_EQ(again.str(), dump);
  // The next key is above the largest ever handed out, also after the load.
  std::ostringstream next;
  Shell insert(fresh->get(), ShellOptions(), next, err);
  ASSERT_EQ(insert.RunScript(".mode csv\nINSERT INTO users(born) VALUES ('now') RETURNING id;\n"), 0);
  EXPECT_EQ(next.str(), "id\n8\n");
}

// .import reads RFC 4180 CSV: a new table takes its column names from the
// first record; an existing one converts each field to the column's type.
// A bad record loads nothing.
TEST_F(ShellTest, ImportLoadsCsvAllOrNothing) {
  const std::string dir = testing::NewTempDir("shell-import");
  auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = dir + "/" + name;
    FILE* f = std::fopen(path.c_str(), "w");
    EXPECT_NE(f, nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return path;
  };
  const std::string people = write("people.csv", "id,name\r\n1,\"Smith, J\"\r\n2,\"say \"\"hi\"\"\nnow\"\r\n3,\r\n");
  ASSERT_EQ(Run(".import " + people + " people\n.mode csv\nSELECT id, name, typeof(id) FROM people;\n"),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(), "id,name,typeof(id)\n1,\"Smith, J\",text\n2,\"say \"\"hi\"\"\nnow\",text\n3,,text\n");
  ASSERT_EQ(Run("CREATE TABLE n(k INTEGER PRIMARY KEY, v REAL);\n"), 0);
  const std::string numbers = write("n.csv", "k,v\n1,1.5\n2,7\n");
  ASSERT_EQ(Run(".import --skip 1 " + numbers + " n\n.mode csv\nSELECT k, v, typeof(v) FROM n;\n"), 0)
      << err_.str();
  EXPECT_EQ(out_.str(), "k,v,typeof(v)\n1,1.5,real\n2,7.0,real\n");  // REAL as sqlite3 shows it
  // A duplicate key in the last record: none of the file's rows stay.
  const std::string dup = write("dup.csv", "3,1\n4,2\n1,3\n");
  EXPECT_EQ(Run(".import " + dup + " n\n"), 1);
  EXPECT_NE(err_.str().find("record 3"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("23505"), std::string::npos) << err_.str();
  ASSERT_EQ(Run(".mode csv\nSELECT count(*) FROM n;\n"), 0);
  EXPECT_EQ(out_.str(), "count(*)\n2\n");
  EXPECT_EQ(Run(".import " + dir + "/missing.csv n\n"), 1);
  EXPECT_EQ(Run(".import " + write("open.csv", "1,\"never closed\n") + " n\n"), 1);
  EXPECT_NE(err_.str().find("does not end"), std::string::npos) << err_.str();
  EXPECT_EQ(Run(".import onlyone\n"), 1);
}

TEST_F(ShellTest, ErrorsStopScriptsWithCaret) {
  EXPECT_EQ(Run("SELECT 1;\nSELEC 2;\nSELECT 3;\n"), 1);
  EXPECT_EQ(err_.str(),
            "ERROR: syntax error at line 1, column 1 near \"SELEC\": unexpected input (SQLSTATE 42601)\n"
            "SELEC 2;\n"
            "^\n");
  EXPECT_EQ(out_.str().find("(1 row)"), out_.str().rfind("(1 row)"));  // only SELECT 1 ran
  ShellOptions keep;
  keep.keep_going = true;
  EXPECT_EQ(Run("SELECT * FROM nope;\nSELECT 3;\n", keep), 1);
  EXPECT_NE(err_.str().find("42P01"), std::string::npos);
  EXPECT_NE(out_.str().find("(1 row)"), std::string::npos);  // kept going
}

}  // namespace
// REALs show as sqlite3 shows them: with a '.' or an exponent, so 7.0
// does not read as the INTEGER 7.
TEST_F(ShellTest, RealsShowAsSqliteShowsThem) {
  ASSERT_EQ(Run("SELECT 7.0, 0.1, 1e300, -0.0, 2.5e-7, 7;\n"), 0);
  EXPECT_NE(out_.str().find("7.0"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("1.0e+300"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("2.5e-07"), std::string::npos) << out_.str();
}

}  // namespace tessera::shell


// SQLite's table clauses, end to end: AUTOINCREMENT, REFERENCES / FOREIGN
// KEY, WITHOUT ROWID, STRICT, DEFAULT CURRENT_TIMESTAMP, type names by
// SQLite's affinity rules, BEGIN IMMEDIATE. Expected rows are SQLite
// 3.40's answers to the same statements.

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "catalog/row_codec.h"
#include "common/key_encoding.h"
#include "tests/sql_fixture.h"

namespace tessera::session {
namespace {

using SchemaCompatTest = SqlTest;

TEST_F(SchemaCompatTest, AutoincrementNeverHandsOutAKeyTwice) {
  Run("CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, x)");
  Run("CREATE TABLE plain(id INTEGER PRIMARY KEY, x)");
  for (const char* t : {"a", "plain"}) {
    Run(std::string("INSERT INTO ") + t + "(x) VALUES (1), (2), (3)");
    Run(std::string("DELETE FROM ") + t + " WHERE id = 3");
    Run(std::string("INSERT INTO ") + t + "(x) VALUES (4)");
  }
  // Without AUTOINCREMENT the largest key + 1 comes back, as in SQLite.
  EXPECT_EQ(Rows("SELECT id, x FROM a"), V({"1|1", "2|2", "4|4"}));
  EXPECT_EQ(Rows("SELECT id, x FROM plain"), V({"1|1", "2|2", "3|4"}));
  // An explicit larger key counts; an UPDATE does not (SQLite's
  // sqlite_sequence).
  Run("INSERT INTO a VALUES (100, 5)");
  Run("DELETE FROM a WHERE id = 100");
  EXPECT_EQ(Rows("INSERT INTO a(x) VALUES (6) RETURNING id"), V({"101"}));
  Run("UPDATE a SET id = 500 WHERE id = 101");
  Run("DELETE FROM a WHERE id = 500");
  EXPECT_EQ(Rows("INSERT INTO a(x) VALUES (7) RETURNING id"), V({"102"}));
  EXPECT_EQ(Rows("SELECT last_insert_rowid()"), V({"102"}));
  // A rolled-back insert does not move the sequence.
  Run("BEGIN");
  Run("INSERT INTO a(x) VALUES (8)");
  Run("ROLLBACK");
  EXPECT_EQ(Rows("INSERT INTO a(x) VALUES (9) RETURNING id"), V({"103"}));
  // DROP TABLE forgets it.
  Run("DROP TABLE a");
  Run("CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, x)");
  EXPECT_EQ(Rows("INSERT INTO a(x) VALUES (1) RETURNING id"), V({"1"}));
  // Past the largest key there is none to give: an error, not a wrap.
  Run("INSERT INTO plain VALUES (9223372036854775807, 0)");
  EXPECT_EQ(State("INSERT INTO plain(x) VALUES (1)"), "53400");
  EXPECT_EQ(State("CREATE TABLE bad(id TEXT PRIMARY KEY AUTOINCREMENT)"), "42P16");
  EXPECT_EQ(State("CREATE TABLE bad(id INTEGER AUTOINCREMENT)"), "42601");
}

// The largest key handed out lives in sqlite_sequence, as in SQLite: it
// can be read and reset, and follows RENAME and DROP.
TEST_F(SchemaCompatTest, SqliteSequenceIsATable) {
  EXPECT_EQ(State("SELECT * FROM sqlite_sequence"), "42P01");  // no AUTOINCREMENT yet
  Run("CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, x)");
  EXPECT_EQ(Rows("SELECT * FROM sqlite_sequence"), V());
  Run("INSERT INTO a(x) VALUES (1), (2)");
  EXPECT_EQ(Rows("SELECT name, seq FROM sqlite_sequence"), V({"a|2"}));
  Run("UPDATE sqlite_sequence SET seq = 50 WHERE name = 'a'");
  EXPECT_EQ(Rows("INSERT INTO a(x) VALUES (3) RETURNING id"), V({"51"}));
  Run("ALTER TABLE a RENAME TO b");
  EXPECT_EQ(Rows("SELECT name, seq FROM sqlite_sequence"), V({"b|51"}));
  EXPECT_EQ(Rows("INSERT INTO b(x) VALUES (4) RETURNING id"), V({"52"}));
  Run("DELETE FROM sqlite_sequence");
  Run("DELETE FROM b WHERE id > 2");
  EXPECT_EQ(Rows("INSERT INTO b(x) VALUES (5) RETURNING id"), V({"3"}));
  Run("DROP TABLE b");
  EXPECT_EQ(Rows("SELECT * FROM sqlite_sequence"), V());
  EXPECT_EQ(std::string(Err("DROP TABLE sqlite_sequence").message()),
            "table sqlite_sequence may not be dropped");
  EXPECT_EQ(std::string(Err("ALTER TABLE sqlite_sequence RENAME TO s").message()),
            "table sqlite_sequence may not be altered");
  EXPECT_EQ(std::string(Err("CREATE TABLE SQLITE_SEQUENCE(a)").message()),
            "object name reserved for internal use: SQLITE_SEQUENCE");
}

// GENERATED ALWAYS AS (...) [STORED | VIRTUAL] (and the short `AS (...)`):
// computed whenever the row is written, never given.
TEST_F(SchemaCompatTest, GeneratedColumns) {
  Run("CREATE TABLE g(id INTEGER PRIMARY KEY, a INT, b INT GENERATED ALWAYS AS (a * 2) STORED, "
      "c TEXT AS (upper(name) || b), name TEXT)");
  Run("INSERT INTO g(id, a, name) VALUES (1, 5, 'x')");
  Run("INSERT INTO g VALUES (2, 7, 'y')");  // the implicit list leaves b and c out
  EXPECT_EQ(State("INSERT INTO g VALUES (3, 1, 2, 'z')"), "42601");
  EXPECT_EQ(State("INSERT INTO g(id, b) VALUES (4, 1)"), "428C9");
  EXPECT_EQ(Rows("SELECT * FROM g ORDER BY id"), V({"1|5|10|X10|x", "2|7|14|Y14|y"}));
  Run("UPDATE g SET a = 10 WHERE id = 1");
  EXPECT_EQ(State("UPDATE g SET b = 1"), "428C9");
  EXPECT_EQ(Rows("SELECT * FROM g ORDER BY id"), V({"1|10|20|X20|x", "2|7|14|Y14|y"}));
  Run("CREATE INDEX gi ON g(b)");
  EXPECT_EQ(Rows("SELECT id FROM g WHERE b = 14"), V({"2"}));
  EXPECT_EQ(Rows("PRAGMA table_info(g)"),  // generated columns left out, as SQLite
            V({"0|id|INTEGER|1|NULL|1", "1|a|INT|0|NULL|0", "2|name|TEXT|0|NULL|0"}));
  // Refused definitions (SQLite refuses the same ones).
  EXPECT_EQ(State("CREATE TABLE loop(k INT, a INT AS (b + 1), b INT AS (a + 1))"), "42P17");
  EXPECT_EQ(State("CREATE TABLE only(a INT AS (1))"), "42P16");
  EXPECT_EQ(State("CREATE TABLE bad(a INT PRIMARY KEY AS (1), b INT)"), "42P16");
  EXPECT_EQ(State("CREATE TABLE bad(a INT, b INT AS (random()))"), "42P17");
  EXPECT_EQ(State("CREATE TABLE bad(a INT, b INT AS ((SELECT 1)))"), "0A000");
  EXPECT_EQ(State("CREATE TABLE bad(a INT, b INT DEFAULT 3 AS (a))"), "42P16");
  // ADD COLUMN takes a VIRTUAL one, as SQLite does, computed into every
  // existing row now; a STORED one is refused, as there.
  Run("ALTER TABLE g ADD COLUMN d INT AS (a + b)");
  EXPECT_EQ(Rows("SELECT id, d FROM g ORDER BY id"), V({"1|30", "2|21"}));
  Run("UPDATE g SET a = 1 WHERE id = 2");
  EXPECT_EQ(Rows("SELECT id, d FROM g ORDER BY id"), V({"1|30", "2|3"}));
  EXPECT_EQ(State("ALTER TABLE g ADD COLUMN e INT AS (a) STORED"), "0A000");
  EXPECT_EQ(State("ALTER TABLE g ADD COLUMN e INT AS (e + 1)"), "42P17");
  EXPECT_EQ(State("ALTER TABLE g ADD COLUMN e INT AS (random())"), "42P17");
  Run("INSERT INTO g(id, a, name) VALUES (3, NULL, 'n')");
  EXPECT_EQ(State("ALTER TABLE g ADD COLUMN e INT NOT NULL AS (a)"), "23502");  // row 3
  EXPECT_EQ(Rows("SELECT count(*) FROM pragma_table_xinfo('g')"), V({"6"}));  // no e
  // NOT NULL and CHECK see the generated value.
  Run("CREATE TABLE nn(a INT, b INT NOT NULL AS (a + 1), CHECK (b < 10))");
  EXPECT_EQ(State("INSERT INTO nn VALUES (NULL)"), "23502");
  EXPECT_EQ(State("INSERT INTO nn VALUES (20)"), "23514");
  Run("INSERT INTO nn VALUES (2)");
  EXPECT_EQ(Rows("SELECT * FROM nn"), V({"2|3"}));
  // RENAME COLUMN follows into the expression; DROP COLUMN of what one
  // reads is refused.
  Run("ALTER TABLE g RENAME COLUMN a TO aa");
  Run("UPDATE g SET aa = 1 WHERE id = 2");
  EXPECT_EQ(Rows("SELECT b FROM g WHERE id = 2"), V({"2"}));
  EXPECT_EQ(State("ALTER TABLE g DROP COLUMN aa"), "2BP01");
  // The declared type applies; GENERATED and ALWAYS may still name columns.
  Run("CREATE TABLE t2(x UNSIGNED BIG INT, y VARCHAR(10) GENERATED ALWAYS AS (x || ''), "
      "z AS (x + 1) VIRTUAL)");
  Run("INSERT INTO t2 VALUES (4)");
  EXPECT_EQ(Rows("SELECT x, y, typeof(y), z FROM t2"), V({"4|4|text|5"}));
  Run("CREATE TABLE generated(generated INT, always TEXT)");
  Run("INSERT INTO generated VALUES (1, 'x')");
  EXPECT_EQ(Rows("SELECT generated, always FROM generated"), V({"1|x"}));
}

// CREATE INDEX on expressions (`lower(email)`): kept and enforced (UNIQUE),
// shown as written, read by equalities and IN lists of the same expression.
TEST_F(SchemaCompatTest, IndexesOnExpressions) {
  Run("CREATE TABLE u(id INTEGER PRIMARY KEY, email TEXT, a INT, b INT)");
  Run("CREATE UNIQUE INDEX u_email ON u(lower(email))");
  Run("CREATE INDEX u_ab ON u(a + b, id DESC)");
  Run("INSERT INTO u VALUES (1, 'Ann@X.com', 1, 2), (2, 'bob@x.com', 3, 4)");
  EXPECT_EQ(std::string(Err("INSERT INTO u VALUES (3, 'ann@x.COM', 5, 6)").message()),
            "UNIQUE constraint failed: index 'u_email'");
  Run("INSERT INTO u VALUES (3, NULL, 5, 6), (4, NULL, 7, 8)");  // NULLs never collide
  EXPECT_EQ(State("UPDATE u SET email = 'BOB@X.COM' WHERE id = 1"), "23505");
  Run("UPDATE u SET email = 'carol@x.com' WHERE id = 1");  // frees 'ann@x.com'
  Run("INSERT INTO u VALUES (5, 'ANN@x.com', 0, 0)");
  EXPECT_EQ(Rows("SELECT id, email FROM u WHERE lower(email) = 'ann@x.com'"), V({"5|ANN@x.com"}));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE a + b = 3"), V({"1"}));
  EXPECT_EQ(Rows("PRAGMA index_info(u_email)"), V({"0|-2|NULL"}));
  EXPECT_EQ(State("CREATE INDEX bad ON u(random())"), "42P17");
  EXPECT_EQ(State("CREATE INDEX bad ON u((SELECT 1))"), "0A000");
  EXPECT_EQ(State("CREATE INDEX bad ON u(nope + 1)"), "42703");
  // RENAME COLUMN follows into the expression; DROP COLUMN is refused.
  Run("ALTER TABLE u RENAME COLUMN email TO mail");
  EXPECT_EQ(State("INSERT INTO u VALUES (6, 'CAROL@x.com', 0, 0)"), "23505");
  EXPECT_EQ(State("ALTER TABLE u DROP COLUMN mail"), "2BP01");
  Run("CREATE UNIQUE INDEX u_ci ON u(lower(mail) COLLATE NOCASE)");
  EXPECT_EQ(Rows("SELECT sql FROM sqlite_schema WHERE name IN ('u_email', 'u_ab', 'u_ci') "
                 "ORDER BY name"),
            V({"CREATE INDEX u_ab ON u ((a + b), id DESC)",
               "CREATE UNIQUE INDEX u_ci ON u (lower(mail) COLLATE NOCASE)",
               "CREATE UNIQUE INDEX u_email ON u (lower(mail))"}));
  // Deleting a row frees its key.
  Run("DELETE FROM u WHERE id = 5");
  Run("INSERT INTO u VALUES (7, 'ann@X.com', 0, 0)");
  // Read through: an equality or IN list of the same expression, under the
  // key's collation; not a range (an expression's values may mix types,
  // which its keys do not order).
  auto uses = [&](const std::string& sql, const std::string& ix) {
    for (const std::string& line : Rows("EXPLAIN " + sql)) {
      if (line.find("using " + ix) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(uses("SELECT id FROM u WHERE lower(mail) = 'ann@x.com'", "u_email"));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE lower(mail) = ?", {Value::Text("ann@x.com")}), V({"7"}));
  EXPECT_TRUE(uses("SELECT id FROM u WHERE a + b IN (3, 7)", "u_ab"));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE a + b IN (3, 7.0, 15) ORDER BY id"), V({"1", "2", "4"}));
  EXPECT_FALSE(uses("SELECT id FROM u WHERE a + b > 3", "u_ab"));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE a + b > 3 ORDER BY id"), V({"2", "3", "4"}));
  EXPECT_FALSE(uses("SELECT id FROM u WHERE lower(mail) = 'ANN@X.COM' COLLATE NOCASE", "u_email"));
  EXPECT_TRUE(uses("SELECT id FROM u WHERE lower(mail) = 'ANN@X.COM' COLLATE NOCASE", "u_ci"));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE lower(mail) = 'ANN@X.COM' COLLATE NOCASE"), V({"7"}));
  Run("UPDATE u SET a = 100 WHERE lower(mail) = 'carol@x.com'");
  EXPECT_EQ(Rows("SELECT id FROM u WHERE a + b = 102"), V({"1"}));
  // Values SQL holds equal collide, whatever their type (3 and 3.0).
  Run("CREATE TABLE n(a INT, b REAL)");
  Run("CREATE UNIQUE INDEX n_a ON n(a + 0)");
  Run("CREATE UNIQUE INDEX n_b ON n(b / 2)");
  Run("INSERT INTO n VALUES (3, 6.0)");
  EXPECT_EQ(State("INSERT INTO n VALUES (4, 6)"), "23505");  // 6 / 2 is 3.0 both ways
  EXPECT_EQ(State("INSERT INTO n VALUES (3, 1.5)"), "23505");
  Run("INSERT INTO n VALUES (4, 6.5)");
}

TEST_F(SchemaCompatTest, Pragmas) {
  Run("CREATE TABLE t(id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL DEFAULT 'x', d DATETIME)");
  EXPECT_EQ(Rows("PRAGMA table_info(t)"),
            V({"0|id|INTEGER|1|NULL|1", "1|name|VARCHAR(20)|1|'x'|0", "2|d|DATETIME|0|NULL|0"}));
  EXPECT_EQ(Rows("PRAGMA main.table_info('t')").size(), 3u);
  EXPECT_EQ(Rows("PRAGMA table_info(nope)"), V());
  EXPECT_EQ(Rows("PRAGMA foreign_keys"), V({"0"}));
  Run("PRAGMA foreign_keys = ON");  // enforcement: tests/foreign_key_test.cc
  EXPECT_EQ(Rows("PRAGMA foreign_keys"), V({"1"}));
  Run("PRAGMA foreign_keys = OFF");
  // user_version: the application's own number (migrations), kept in the
  // database and transactional.
  EXPECT_EQ(Rows("PRAGMA user_version"), V({"0"}));
  Run("PRAGMA user_version = 7");
  Run("BEGIN");
  Run("PRAGMA user_version = 9");
  Run("ROLLBACK");
  EXPECT_EQ(Rows("PRAGMA user_version"), V({"7"}));
  EXPECT_EQ(State("PRAGMA user_version = 'x'"), "22023");
  Run("PRAGMA application_id = 42");
  EXPECT_EQ(Rows("PRAGMA application_id"), V({"42"}));
  // index_list and index_info, as SQLite answers them.
  Run("CREATE TABLE ix(a INTEGER PRIMARY KEY, b UNIQUE, c, d)");
  Run("CREATE INDEX ixcd ON ix(c, d) WHERE c > 0");
  EXPECT_EQ(Rows("PRAGMA index_list(ix)"),
            V({"0|ixcd|0|c|1", "1|sqlite_autoindex_ix_1|1|u|0"}));
  EXPECT_EQ(Rows("PRAGMA index_info(ixcd)"), V({"0|2|c", "1|3|d"}));
  EXPECT_EQ(Rows("PRAGMA index_info(sqlite_autoindex_ix_1)"), V({"0|1|b"}));
  EXPECT_EQ(Rows("PRAGMA index_info(nope)"), V());
  // Pragmas Tessera does not know are ignored, as SQLite ignores them.
  Run("PRAGMA journal_mode = WAL");
  Run("PRAGMA synchronous = FULL");
  Run("PRAGMA cache_size = -2000");
  Run("PRAGMA locking_mode = EXCLUSIVE");
  EXPECT_EQ(Rows("PRAGMA no_such_pragma"), V());
}

// table_xinfo, index_xinfo and database_list, and the schema pragmas as
// table-valued functions (pragma_table_info('t'), which tools join to
// sqlite_schema to list every table's columns), as SQLite answers them.
TEST_F(SchemaCompatTest, ExtendedPragmasAndPragmaFunctions) {
  Run("CREATE TABLE t(a integer PRIMARY KEY, b text NOT NULL DEFAULT 'x', c AS (a + 1), "
      "d AS (a * 2) STORED, e)");
  Run("CREATE INDEX i ON t(b DESC, e COLLATE NOCASE)");
  Run("CREATE UNIQUE INDEX u ON t(lower(b))");
  Run("CREATE TABLE w(x TEXT, y INT, z, PRIMARY KEY(y, x)) WITHOUT ROWID");
  Run("CREATE INDEX wi ON w(z)");
  // Generated columns: hidden 2 (VIRTUAL) or 3 (STORED).
  EXPECT_EQ(Rows("PRAGMA table_xinfo(t)"),
            V({"0|a|INTEGER|1|NULL|1|0", "1|b|TEXT|1|'x'|0|0", "2|c||0|NULL|0|2",
               "3|d||0|NULL|0|3", "4|e||0|NULL|0|0"}));
  // Key columns, then what finds the row: the rowid, or a WITHOUT ROWID
  // table's key columns.
  EXPECT_EQ(Rows("PRAGMA index_xinfo(i)"),
            V({"0|1|b|1|BINARY|1", "1|4|e|0|NOCASE|1", "2|-1|NULL|0|BINARY|0"}));
  EXPECT_EQ(Rows("PRAGMA index_xinfo(u)"), V({"0|-2|NULL|0|BINARY|1", "1|-1|NULL|0|BINARY|0"}));
  EXPECT_EQ(Rows("PRAGMA index_xinfo(wi)"),
            V({"0|2|z|0|BINARY|1", "1|1|y|0|BINARY|0", "2|0|x|0|BINARY|0"}));
  EXPECT_EQ(Rows("PRAGMA index_xinfo(nope)"), V());
  const V databases = Rows("PRAGMA database_list");
  ASSERT_EQ(databases.size(), 1u);
  EXPECT_EQ(databases[0].substr(0, 7), "0|main|");
  // The functions: the pragma's columns, then the hidden arg and schema.
  EXPECT_EQ(Rows("SELECT * FROM pragma_table_info('t')"),
            V({"0|a|INTEGER|1|NULL|1", "1|b|TEXT|1|'x'|0", "2|e||0|NULL|0"}));
  EXPECT_EQ(Rows("SELECT arg, schema FROM pragma_table_info('t') LIMIT 1"), V({"t|NULL"}));
  EXPECT_EQ(Rows("SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                 "WHERE m.type = 'table' ORDER BY 1, p.cid"),
            V({"t|a", "t|b", "t|e", "w|x", "w|y", "w|z"}));
  EXPECT_EQ(Rows("SELECT name, \"unique\" FROM pragma_index_list('t') ORDER BY 1"),
            V({"i|0", "u|1"}));
  EXPECT_EQ(Rows("SELECT name FROM pragma_index_info('i')"), V({"b", "e"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM pragma_index_xinfo('wi')"), V({"3"}));
  EXPECT_EQ(Rows("SELECT hidden FROM pragma_table_xinfo('t') WHERE name = 'd'"), V({"3"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM pragma_foreign_key_list('t')"), V({"0"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM pragma_table_info('nosuch')"), V({"0"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM pragma_table_info()"), V({"0"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM pragma_table_info(NULL)"), V({"0"}));
  EXPECT_EQ(Rows("SELECT name FROM pragma_table_info(?) WHERE pk > 0", {Value::Text("w")}),
            V({"x", "y"}));
  // In a transaction the functions see its own schema changes.
  Run("BEGIN");
  Run("ALTER TABLE w ADD COLUMN q");
  EXPECT_EQ(Rows("SELECT count(*) FROM pragma_table_info('w')"), V({"4"}));
  Run("ROLLBACK");
  EXPECT_EQ(Rows("SELECT count(*) FROM pragma_table_info('w')"), V({"3"}));
}

// PRAGMA integrity_check reads the data file's structure and every
// table's rows against its indexes; quick_check only the structure. The
// settings a store cannot change answer what Tessera does.
TEST_F(SchemaCompatTest, IntegrityCheckAndStorageSettings) {
  Run("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c)");
  Run("CREATE INDEX i1 ON t(b)");
  Run("CREATE UNIQUE INDEX i2 ON t(lower(b))");
  Run("CREATE INDEX i3 ON t(c) WHERE c > 5");
  Run("INSERT INTO t VALUES (1, 'x', 3), (2, 'Y', 7), (3, NULL, 9)");
  EXPECT_EQ(Rows("PRAGMA integrity_check"), V({"ok"}));
  EXPECT_EQ(Rows("PRAGMA quick_check"), V({"ok"}));
  // Damage i1 behind SQL's back: drop its first entry (row 3's: NULL
  // sorts first) and add one for no row to i3.
  uint64_t schema_version = 0;
  absl::StatusOr<std::unique_ptr<txn::Txn>> txn = db_->Begin(&schema_version);
  ASSERT_TRUE(txn.ok()) << txn.status();
  absl::StatusOr<catalog::TableDescriptor> t = catalog::GetTable(txn->get(), "t");
  ASSERT_TRUE(t.ok()) << t.status();
  const std::string i1 = catalog::IndexPrefix(t->id, t->indexes[0].id);
  std::string first;
  ASSERT_TRUE((*txn)->Scan(i1, PrefixEnd(i1), false, [&](absl::string_view k, absl::string_view) {
                      first = std::string(k);
                      return false;
                    }).ok());
  ASSERT_FALSE(first.empty());
  (*txn)->Delete(first);
  (*txn)->Put(catalog::IndexPrefix(t->id, t->indexes[2].id) + "stray", "");
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ(Rows("PRAGMA integrity_check"),
            V({"row 3 of table t missing from index i1", "wrong # of entries in index i1: 2 for 3 rows",
               "wrong # of entries in index i3: 3 for 2 rows"}));
  EXPECT_EQ(Rows("PRAGMA quick_check"), V({"ok"}));
  // Rows are read in chunks of 1024: a table of 2,500 rows (a text key, so
  // chunk boundaries fall between keys that extend each other) is counted
  // exactly, each row once.
  Run("CREATE TABLE big(k TEXT PRIMARY KEY, n INTEGER)");
  Run("CREATE INDEX big_n ON big(n)");
  Run("INSERT INTO big WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
      "WHERE i < 2500) SELECT substr('aaaa', 1, i % 4) || i, i FROM c");
  Run("DROP TABLE t");
  EXPECT_EQ(Rows("PRAGMA integrity_check"), V({"ok"}));
  // journal_mode answers the mode in effect, whatever is asked.
  EXPECT_EQ(Rows("PRAGMA journal_mode = DELETE"), V({"wal"}));
  EXPECT_EQ(Rows("PRAGMA journal_mode"), V({"wal"}));
  EXPECT_EQ(Rows("PRAGMA synchronous"), V({"0"}));  // this fixture's store does not flush
  EXPECT_EQ(Rows("PRAGMA encoding"), V({"UTF-8"}));
  EXPECT_EQ(Rows("PRAGMA page_size").size(), 1u);
}

// SAVEPOINT, RELEASE and ROLLBACK TO, with SQLite's answers: a savepoint
// outside a transaction begins one, and releasing the outermost commits
// it; ROLLBACK TO keeps the savepoint and the transaction.
TEST_F(SchemaCompatTest, Savepoints) {
  Run("CREATE TABLE t(x)");
  Run("SAVEPOINT a");
  Run("INSERT INTO t VALUES (1)");
  Run("SAVEPOINT b");
  Run("INSERT INTO t VALUES (2)");
  Run("ROLLBACK TO b");
  Run("INSERT INTO t VALUES (3)");
  Run("SAVEPOINT c");
  Run("INSERT INTO t VALUES (4)");
  Run("RELEASE b");  // and c inside it
  EXPECT_EQ(Rows("SELECT group_concat(x) FROM t"), V({"1,3,4"}));
  EXPECT_EQ(State("RELEASE c"), "3B001");
  Run("ROLLBACK TO SAVEPOINT a");
  EXPECT_EQ(Rows("SELECT count(*) FROM t"), V({"0"}));
  Run("INSERT INTO t VALUES (5)");
  EXPECT_TRUE(session_->in_transaction());
  Run("RELEASE SAVEPOINT A");  // names ignore case; the outermost commits
  EXPECT_FALSE(session_->in_transaction());
  EXPECT_EQ(Rows("SELECT group_concat(x) FROM t"), V({"5"}));
  // Inside BEGIN, releasing every savepoint does not commit; ROLLBACK
  // takes back all.
  Run("BEGIN");
  Run("SAVEPOINT s");
  Run("INSERT INTO t VALUES (6)");
  Run("RELEASE s");
  EXPECT_TRUE(session_->in_transaction());
  Run("ROLLBACK");
  EXPECT_EQ(Rows("SELECT group_concat(x) FROM t"), V({"5"}));
  // The same name twice: the innermost is meant.
  Run("BEGIN");
  Run("SAVEPOINT s");
  Run("INSERT INTO t VALUES (7)");
  Run("SAVEPOINT s");
  Run("INSERT INTO t VALUES (8)");
  Run("ROLLBACK TO s");
  Run("COMMIT");
  EXPECT_EQ(Rows("SELECT group_concat(x) FROM t"), V({"5,7"}));
  EXPECT_EQ(State("ROLLBACK TO nope"), "3B001");
  EXPECT_EQ(State("BEGIN; BEGIN"), "25001");
}

// sqlite_schema / sqlite_master, read as SQLite's schema table, which
// tools query to list tables; ANALYZE is accepted.
TEST_F(SchemaCompatTest, SqliteSchemaTable) {
  EXPECT_EQ(Rows("SELECT * FROM sqlite_master"), V());
  Run("CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE)");
  Run("CREATE INDEX tb ON t(b)");
  Run("CREATE VIEW v AS SELECT a FROM t");
  Run("CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM t WHERE 0; END");
  EXPECT_EQ(Rows("SELECT type, name, tbl_name, rootpage > 0, sql FROM sqlite_schema"),
            V({"table|t|t|1|CREATE TABLE t (a INTEGER NOT NULL, b, PRIMARY KEY (a), UNIQUE (b))",
               "index|sqlite_autoindex_t_1|t|1|NULL", "index|tb|t|1|CREATE INDEX tb ON t (b)",
               "view|v|v|0|CREATE VIEW v AS SELECT a FROM t",
               "trigger|tr|t|0|CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM t WHERE 0; END"}));
  EXPECT_EQ(Rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"), V({"t"}));
  // A view over it, and a table of that name, which then wins.
  Run("CREATE VIEW tables AS SELECT name FROM sqlite_master WHERE type = 'table'");
  Run("CREATE TABLE u(x)");
  EXPECT_EQ(Rows("SELECT * FROM tables ORDER BY name"), V({"t", "u"}));
  Run("CREATE TABLE sqlite_master(x)");
  EXPECT_EQ(Rows("SELECT * FROM sqlite_master"), V());
  Run("ANALYZE");
  Run("ANALYZE t");
  Run("ANALYZE main.tb");
  EXPECT_EQ(State("ANALYZE v"), "42P01");
}

// A partial index holds the rows its WHERE holds for: a UNIQUE one
// enforces uniqueness among those only (SQLite's answers). It is never a
// read path, so queries read the table and stay right.
TEST_F(SchemaCompatTest, PartialIndexes) {
  Run("CREATE TABLE u(id INTEGER PRIMARY KEY, email TEXT, deleted INT)");
  Run("INSERT INTO u VALUES (1, 'a', NULL), (2, 'a', 1)");
  Run("CREATE UNIQUE INDEX live_email ON u(email) WHERE deleted IS NULL");
  Run("INSERT INTO u VALUES (3, 'a', 2)");
  EXPECT_EQ(std::string(Err("INSERT INTO u VALUES (4, 'a', NULL)").message()),
            "UNIQUE constraint failed: u.email");
  EXPECT_EQ(State("UPDATE u SET deleted = NULL WHERE id = 2"), "23505");
  Run("UPDATE u SET deleted = 5 WHERE id = 1");
  Run("UPDATE u SET deleted = NULL WHERE id = 2");  // now the only live 'a'
  Run("INSERT INTO u VALUES (5, 'b', NULL)");
  EXPECT_EQ(Rows("SELECT id FROM u WHERE email = 'a' ORDER BY id"), V({"1", "2", "3"}));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE email = 'a' AND deleted IS NULL"), V({"2"}));
  Run("DELETE FROM u WHERE id = 2");
  Run("INSERT INTO u VALUES (6, 'a', NULL)");  // its entry went with the row
  EXPECT_EQ(Rows("SHOW INDEXES FROM u").size(), 1u);
  EXPECT_EQ(Rows("SELECT sql FROM sqlite_master WHERE name = 'live_email'"),
            V({"CREATE UNIQUE INDEX live_email ON u (email) WHERE (deleted IS NULL)"}));
  // Creating it over rows that break it fails, as SQLite does.
  Run("CREATE TABLE w(a, flag)");
  Run("INSERT INTO w VALUES (1, 1), (1, 1), (1, 0)");
  EXPECT_EQ(State("CREATE UNIQUE INDEX wa ON w(a) WHERE flag = 1"), "23505");
  Run("CREATE UNIQUE INDEX wa ON w(a) WHERE flag = 0");
  // Its WHERE follows a renamed column and keeps the column from dropping.
  Run("ALTER TABLE u RENAME COLUMN deleted TO gone");
  EXPECT_EQ(Rows("SELECT sql FROM sqlite_master WHERE name = 'live_email'"),
            V({"CREATE UNIQUE INDEX live_email ON u (email) WHERE (gone IS NULL)"}));
  EXPECT_EQ(State("INSERT INTO u VALUES (7, 'a', NULL)"), "23505");
  EXPECT_EQ(State("ALTER TABLE u DROP COLUMN gone"), "2BP01");
  EXPECT_EQ(std::string(Err("CREATE INDEX r ON u(email) WHERE random() > 0").message()),
            "non-deterministic functions prohibited in partial index WHERE clauses");
  EXPECT_EQ(std::string(Err("CREATE INDEX r ON u(email) WHERE id IN (SELECT 1)").message()),
            "subqueries prohibited in partial index WHERE clauses");
  EXPECT_EQ(State("CREATE INDEX r ON u(email) WHERE nope = 1"), "42703");
}

// TEMP tables, views, indexes and triggers are the session's own, hide a
// main object of the same name, and go when the session ends (or, after a
// crash, when the store opens again).
TEST_F(SchemaCompatTest, TempObjectsArePrivateToTheSession) {
  Run("CREATE TABLE t(x)");
  Run("INSERT INTO t VALUES ('main')");
  Run("CREATE TEMP TABLE t(x)");
  Run("INSERT INTO t VALUES ('temp')");
  EXPECT_EQ(Rows("SELECT x FROM t"), V({"temp"}));
  Run("CREATE TEMPORARY TABLE tt(a INTEGER PRIMARY KEY, b)");
  Run("CREATE INDEX tti ON tt(b)");
  Run("CREATE TEMP TRIGGER trg AFTER INSERT ON tt BEGIN INSERT INTO t VALUES ('fired'); END");
  Run("INSERT INTO tt VALUES (1, 'one')");
  Run("CREATE TEMP VIEW tv AS SELECT a FROM tt WHERE b = 'one'");
  Run("CREATE TEMP TABLE copy AS SELECT * FROM tt");
  EXPECT_EQ(Rows("SELECT * FROM tv"), V({"1"}));
  EXPECT_EQ(Rows("SELECT x FROM t ORDER BY x"), V({"fired", "temp"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM copy"), V({"1"}));
  EXPECT_EQ(State("CREATE TEMP TABLE tt(z)"), "42P07");
  // Not part of the schema: sqlite_master and .dump show the main objects.
  EXPECT_EQ(Rows("SELECT name FROM sqlite_master"), V({"t"}));
  {
    Session other(db_.get());
    absl::StatusOr<ResultSet> r = other.Execute("SELECT x FROM t");
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rows[0][0].ToString(), "main");
    EXPECT_FALSE(other.Execute("SELECT * FROM tt").ok());
    ASSERT_TRUE(other.Execute("CREATE TEMP TABLE tt(own)").ok());  // its own
    ASSERT_TRUE(other.Execute("INSERT INTO tt VALUES (9)").ok());
  }
  EXPECT_EQ(Rows("SELECT a, b FROM tt"), V({"1|one"}));
  // Dropped with the session that made them.
  session_ = std::make_unique<Session>(db_.get());
  EXPECT_EQ(Rows("SELECT x FROM t"), V({"main"}));
  EXPECT_EQ(State("SELECT * FROM tt"), "42P01");
  EXPECT_EQ(State("SELECT * FROM tv"), "42P01");
  Run("CREATE TABLE tt(a)");  // the name is free again
  // What a crashed process left behind goes when the store opens.
  Run("CREATE TEMP TABLE gone(x)");
  Run("INSERT INTO gone VALUES (1)");
  ASSERT_TRUE(db_->DropLeftoverTempObjects().ok());
  EXPECT_EQ(State("SELECT * FROM gone"), "42P01");
  // A session that outlives its Database (against the contract, as a
  // careless caller may) leaves its TEMP objects to the next Open instead
  // of touching the Database that is gone.
  DatabaseOptions options;
  options.engine.durable = false;
  absl::StatusOr<std::unique_ptr<Database>> db2 = Database::Open(testing::NewTempDir("temp"), options);
  ASSERT_TRUE(db2.ok());
  auto s2 = std::make_unique<Session>(db2->get());
  ASSERT_TRUE(s2->Execute("CREATE TEMP TABLE x(a)").ok());
  db2->reset();
  s2.reset();
}

// main. and temp. before a name, as tools write them; temp. makes a TEMP
// object; another schema is an error (one database per store).
TEST_F(SchemaCompatTest, SchemaQualifiedNames) {
  Run("CREATE TABLE main.t(x)");
  Run("INSERT INTO main.t VALUES (1), (2)");
  Run("UPDATE main.t SET x = 3 WHERE x = 2");
  Run("DELETE FROM main.t WHERE x = 1");
  Run("CREATE INDEX main.tx ON t(x)");
  Run("ALTER TABLE main.t ADD COLUMN y");
  EXPECT_EQ(Rows("SELECT x FROM main.t"), V({"3"}));
  EXPECT_EQ(Rows("SELECT name FROM main.sqlite_master WHERE type = 'table'"), V({"t"}));
  Run("CREATE TABLE temp.scratch(z)");
  Run("INSERT INTO temp.scratch VALUES (5)");
  EXPECT_EQ(Rows("SELECT z FROM temp.scratch"), V({"5"}));
  EXPECT_EQ(Rows("SELECT name FROM sqlite_master WHERE type = 'table'"), V({"t"}));  // TEMP
  Run("CREATE VIEW temp.v AS SELECT z FROM scratch");
  Run("DROP VIEW temp.v");
  Run("DROP TABLE IF EXISTS main.nothing");
  EXPECT_EQ(std::string(Err("SELECT * FROM other.t").message()).find("unknown database other") !=
                std::string::npos,
            true);
  EXPECT_EQ(State("CREATE TABLE aux.t2(a)"), "42601");
}

// A REAL literal in a CHECK or a DEFAULT stays REAL when the constraint
// is stored as text: before, `2.0` was kept as `2`, so CHECK (a / 2.0 > 1)
// divided integers and refused a = 3, and DEFAULT 0.0 gave INTEGER 0.
TEST_F(SchemaCompatTest, RealLiteralsSurviveStoredConstraints) {
  Run("CREATE TABLE c(a INTEGER CHECK (a / 2.0 > 1), b DEFAULT 0.0, d DEFAULT (1.0 + 2), "
      "e DEFAULT 0.1, f DEFAULT -2.0)");
  Run("INSERT INTO c(a) VALUES (3)");
  EXPECT_EQ(State("INSERT INTO c(a) VALUES (2)"), "23514");
  EXPECT_EQ(Rows("SELECT a, typeof(b), d, typeof(d), e = 0.1, typeof(f) FROM c"),
            V({"3|real|3|real|1|real"}));
  EXPECT_EQ(Rows("SHOW CREATE TABLE c"),
            V({"CREATE TABLE c (a INTEGER, b DEFAULT 0.0, d DEFAULT (1.0 + 2), e DEFAULT 0.1, "
               "f DEFAULT -2.0, CHECK (((a / 2.0) > 1)));"}));
}

TEST_F(SchemaCompatTest, WithoutRowid) {
  Run("CREATE TABLE w(id INTEGER PRIMARY KEY, v) WITHOUT ROWID");
  EXPECT_EQ(std::string(Err("INSERT INTO w(v) VALUES (1)").message()),
            "NOT NULL constraint failed: w.id");
  Run("INSERT INTO w VALUES (5, 'x')");
  EXPECT_EQ(Rows("SELECT last_insert_rowid(), * FROM w"), V({"0|5|x"}));
  EXPECT_EQ(State("CREATE TABLE nokey(a, b) WITHOUT ROWID"), "42P16");
  EXPECT_EQ(State("CREATE TABLE both(id INTEGER PRIMARY KEY AUTOINCREMENT) WITHOUT ROWID"),
            "42P16");
  EXPECT_EQ(State("CREATE TABLE typo(a PRIMARY KEY) WITHOUT ROWIDS"), "42601");
  EXPECT_EQ(Rows("SHOW CREATE TABLE w"),
            V({"CREATE TABLE w (id INTEGER NOT NULL, v, PRIMARY KEY (id)) WITHOUT ROWID;"}));
}

TEST_F(SchemaCompatTest, StrictChecksTypeNames) {
  Run("CREATE TABLE s(i INT, r REAL, t TEXT, b BLOB, a ANY) STRICT");
  Run("INSERT INTO s VALUES (1, 2, 'x', x'00', 'anything')");
  EXPECT_EQ(Rows("SELECT typeof(i), typeof(r), typeof(a) FROM s"), V({"integer|real|text"}));
  EXPECT_EQ(State("INSERT INTO s(i) VALUES ('abc')"), "42804");
  // A REAL column takes text that is a number as a whole, and refuses
  // other text as an INTEGER column does (it stored "abc" as 0.0).
  Run("INSERT INTO s(r) VALUES (' 1.5e3 '), ('7')");
  EXPECT_EQ(Rows("SELECT r, typeof(r) FROM s WHERE i IS NULL ORDER BY r"),
            V({"7|real", "1500|real"}));
  EXPECT_EQ(State("INSERT INTO s(r) VALUES ('abc')"), "42804");
  EXPECT_EQ(State("INSERT INTO s(r) VALUES ('12abc')"), "42804");
  EXPECT_EQ(std::string(Err("CREATE TABLE s2(x VARCHAR(3)) STRICT").message()),
            "unknown datatype for s2.x: \"VARCHAR(3)\"");
  EXPECT_EQ(std::string(Err("CREATE TABLE s3(x) STRICT").message()), "missing datatype for s3.x");
  EXPECT_EQ(State("ALTER TABLE s ADD COLUMN z"), "42P16");
  EXPECT_EQ(Rows("SHOW CREATE TABLE s"),
            V({"CREATE TABLE s (i INT, r REAL, t TEXT, b BLOB, a ANY) STRICT;"}));
}

TEST_F(SchemaCompatTest, ForeignKeysAreKeptNotEnforced) {
  Run("CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT)");
  Run("CREATE TABLE child(id INTEGER PRIMARY KEY, "
      "parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE, "
      "FOREIGN KEY (id) REFERENCES other(x) DEFERRABLE INITIALLY DEFERRED)");
  // As SQLite with its default PRAGMA foreign_keys=OFF: a dangling
  // reference is stored, a parent row deleted without cascading.
  Run("INSERT INTO child VALUES (1, 42)");
  Run("INSERT INTO parent VALUES (7, 'p')");
  Run("INSERT INTO child VALUES (2, 7)");
  Run("DELETE FROM parent WHERE id = 7");
  EXPECT_EQ(Rows("SELECT * FROM child"), V({"1|42", "2|7"}));
  EXPECT_EQ(Rows("SHOW CREATE TABLE child"),
            V({"CREATE TABLE child (id INTEGER NOT NULL, parent_id INTEGER, PRIMARY KEY (id), "
               "FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE CASCADE, "
               "FOREIGN KEY (id) REFERENCES other(x) DEFERRABLE INITIALLY DEFERRED);"}));
  // As SQLite reflects them to ORMs: newest first, one row per column.
  EXPECT_EQ(Rows("PRAGMA foreign_key_list(child)"),
            V({"0|0|other|id|x|NO ACTION|NO ACTION|NONE",
               "1|0|parent|parent_id|id|NO ACTION|CASCADE|NONE"}));
  Run("CREATE TABLE multi(y, z, w REFERENCES \"parent\", "
      "FOREIGN KEY (y, z) REFERENCES p2(a, b) ON UPDATE SET NULL MATCH FULL)");
  EXPECT_EQ(Rows("PRAGMA foreign_key_list(multi)"),
            V({"0|0|p2|y|a|SET NULL|NO ACTION|NONE", "0|1|p2|z|b|SET NULL|NO ACTION|NONE",
               "1|0|parent|w|NULL|NO ACTION|NO ACTION|NONE"}));
  EXPECT_EQ(State("ALTER TABLE child DROP COLUMN parent_id"), "2BP01");
  Run("ALTER TABLE child RENAME COLUMN parent_id TO mother");
  Run("ALTER TABLE child ADD COLUMN father INTEGER REFERENCES parent");
  EXPECT_EQ(Rows("SHOW CREATE TABLE child"),
            V({"CREATE TABLE child (id INTEGER NOT NULL, mother INTEGER, father INTEGER, "
               "PRIMARY KEY (id), "
               "FOREIGN KEY (mother) REFERENCES parent(id) ON DELETE CASCADE, "
               "FOREIGN KEY (id) REFERENCES other(x) DEFERRABLE INITIALLY DEFERRED, "
               "FOREIGN KEY (father) REFERENCES parent);"}));
  EXPECT_EQ(std::string(Err("CREATE TABLE bad(a, FOREIGN KEY (b) REFERENCES p)").message()),
            "unknown column \"b\" in foreign key definition");
}

TEST_F(SchemaCompatTest, TypeNamesDefaultsAndBegin) {
  Run("CREATE TABLE t(id INTEGER PRIMARY KEY, born DATETIME DEFAULT CURRENT_TIMESTAMP, "
      "day DATE DEFAULT current_date, kind DEFAULT plain, n UNSIGNED BIG INT, "
      "name VARCHAR(20), price DECIMAL(10,2), f DOUBLE PRECISION)");
  Run("INSERT INTO t(id, n, name, price, f) VALUES (1, '7', 'x', '2.5', 3)");
  // DATETIME has SQLite's NUMERIC affinity: text that is no number stays text.
  EXPECT_EQ(Rows("SELECT typeof(born), length(born), day = date('now'), kind, typeof(n), "
                 "typeof(price), typeof(f) FROM t"),
            V({"text|19|1|plain|integer|real|real"}));
  Run("INSERT INTO t(id, born) VALUES (2, 12345)");
  EXPECT_EQ(Rows("SELECT typeof(born) FROM t WHERE id = 2"), V({"integer"}));
  EXPECT_EQ(Rows("SHOW CREATE TABLE t"),
            V({"CREATE TABLE t (id INTEGER NOT NULL, born DATETIME DEFAULT current_timestamp, "
               "day DATE DEFAULT current_date, kind DEFAULT 'plain', n UNSIGNED BIG INT, "
               "name VARCHAR(20), price DECIMAL(10,2), f DOUBLE PRECISION, PRIMARY KEY (id));"}));
  for (const char* begin : {"BEGIN IMMEDIATE", "BEGIN DEFERRED TRANSACTION", "BEGIN EXCLUSIVE"}) {
    Run(begin);
    Run("INSERT INTO t(id) VALUES (10)");
    Run("ROLLBACK");
  }
  EXPECT_EQ(Rows("SELECT count(*) FROM t"), V({"2"}));
}

// A trigger's statements fire the triggers of the tables they write, but
// not a trigger already running (SQLite without recursive_triggers).
TEST_F(SchemaCompatTest, TriggersFireTriggersButNotThemselves) {
  Run("CREATE TABLE a(x)");
  Run("CREATE TABLE b(y)");
  Run("CREATE TABLE log(m)");
  Run("CREATE TRIGGER ta AFTER INSERT ON a BEGIN INSERT INTO b VALUES (NEW.x * 10); "
      "INSERT INTO a SELECT 99 WHERE NEW.x < 5; END");
  Run("CREATE TRIGGER tb AFTER INSERT ON b BEGIN INSERT INTO log VALUES ('b got ' || NEW.y); END");
  Run("INSERT INTO a VALUES (1)");
  EXPECT_EQ(Rows("SELECT x FROM a ORDER BY x"), V({"1", "99"}));
  EXPECT_EQ(Rows("SELECT y FROM b"), V({"10"}));
  EXPECT_EQ(Rows("SELECT m FROM log"), V({"b got 10"}));
  // Triggers of one event fire newest first.
  Run("CREATE TABLE seq(n INTEGER PRIMARY KEY, m TEXT)");
  Run("CREATE TABLE e(x)");
  for (const char* name : {"t1", "t2", "t0"}) {
    Run(absl::StrCat("CREATE TRIGGER ", name, " AFTER INSERT ON e BEGIN INSERT INTO seq(m) VALUES ('",
                     name, "'); END"));
  }
  Run("INSERT INTO e VALUES (1)");
  EXPECT_EQ(Rows("SELECT m FROM seq ORDER BY n"), V({"t0", "t2", "t1"}));
  // A view's INSTEAD OF trigger fires from another trigger's body too.
  Run("CREATE VIEW vb AS SELECT y FROM b");
  Run("CREATE TRIGGER vbi INSTEAD OF INSERT ON vb BEGIN INSERT INTO b VALUES (NEW.y + 1); END");
  Run("CREATE TRIGGER lg AFTER INSERT ON log WHEN NEW.m = 'go' BEGIN INSERT INTO vb VALUES (40); END");
  Run("INSERT INTO log VALUES ('go')");
  EXPECT_EQ(Rows("SELECT y FROM b ORDER BY y"), V({"10", "41"}));
  EXPECT_EQ(Rows("SELECT m FROM log ORDER BY m"), V({"b got 10", "b got 41", "go"}));
  // A chain of triggers deeper than the limit is refused, whole.
  for (int i = 0; i <= 40; ++i) Run(absl::StrCat("CREATE TABLE c", i, "(v)"));
  for (int i = 0; i < 40; ++i) {
    Run(absl::StrCat("CREATE TRIGGER c", i, "t AFTER INSERT ON c", i, " BEGIN INSERT INTO c", i + 1,
                     " VALUES (NEW.v + 1); END"));
  }
  EXPECT_EQ(State("INSERT INTO c0 VALUES (0)"), "54001");
  EXPECT_EQ(Rows("SELECT count(*) FROM c0"), V({"0"}));
  EXPECT_EQ(Rows("INSERT INTO c8 VALUES (8) RETURNING v"), V({"8"}));
  EXPECT_EQ(Rows("SELECT v FROM c40"), V({"40"}));
}

// BEFORE INSERT fires for every row an INSERT gives, before its keys are
// checked; an upsert's DO UPDATE fires the UPDATE triggers; REPLACE fires
// no DELETE trigger (SQLite without recursive_triggers).
TEST_F(SchemaCompatTest, TriggersOfConflictClauses) {
  Run("CREATE TABLE a(id INTEGER PRIMARY KEY, v INTEGER)");
  Run("CREATE TABLE log(seq INTEGER PRIMARY KEY, what TEXT)");
  Run("CREATE TRIGGER bi BEFORE INSERT ON a BEGIN "
      "INSERT INTO log(what) VALUES ('bi ' || NEW.id || ' ' || NEW.v); END");
  Run("CREATE TRIGGER ai AFTER INSERT ON a BEGIN "
      "INSERT INTO log(what) VALUES ('ai ' || NEW.id || ' ' || NEW.v); END");
  Run("CREATE TRIGGER bu BEFORE UPDATE ON a BEGIN "
      "INSERT INTO log(what) VALUES ('bu ' || OLD.v || '>' || NEW.v); END");
  Run("CREATE TRIGGER au AFTER UPDATE OF v ON a BEGIN "
      "INSERT INTO log(what) VALUES ('au ' || OLD.v || '>' || NEW.v); END");
  Run("CREATE TRIGGER bd BEFORE DELETE ON a BEGIN INSERT INTO log(what) VALUES ('bd ' || OLD.id); END");
  Run("INSERT INTO a VALUES (1, 1)");
  Run("INSERT INTO a VALUES (1, 3) ON CONFLICT(id) DO UPDATE SET v = excluded.v + 10");
  Run("INSERT INTO a VALUES (1, 4) ON CONFLICT DO NOTHING");
  Run("INSERT OR REPLACE INTO a VALUES (1, 5)");
  Run("INSERT OR IGNORE INTO a VALUES (1, 6)");
  EXPECT_EQ(Rows("SELECT what FROM log ORDER BY seq"),
            V({"bi 1 1", "ai 1 1", "bi 1 3", "bu 1>13", "au 1>13", "bi 1 4", "bi 1 5", "ai 1 5",
               "bi 1 6"}));
  EXPECT_EQ(Rows("SELECT v FROM a"), V({"5"}));
}

// Text kept as written — a view's SELECT, a trigger, a column's name — is
// cut from the statement by code points, which ANTLR counts: with
// non-ASCII text before its end it was cut short (a view stored without
// its last characters could not be read again).
TEST_F(SchemaCompatTest, NonAsciiTextKeptAsWritten) {
  Run("CREATE TABLE t(a TEXT, b)");
  Run("CREATE TABLE t2(z)");
  Run("CREATE VIEW v AS SELECT 'é' || a AS x, 'ü' AS y FROM t");
  Run("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t2 VALUES ('€' || NEW.a); END");
  Run("INSERT INTO t VALUES ('x', 1)");
  EXPECT_EQ(Rows("SELECT x, y FROM v"), V({"éx|ü"}));
  EXPECT_EQ(Rows("SELECT z FROM t2"), V({"€x"}));
  EXPECT_EQ(Rows("SELECT sql FROM sqlite_master WHERE name = 'v'"),
            V({"CREATE VIEW v AS SELECT 'é' || a AS x, 'ü' AS y FROM t"}));
  absl::StatusOr<ResultSet> named = session_->Execute("SELECT 'é', 'ü' || z FROM t2");
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->columns, (std::vector<std::string>{"'é'", "'ü' || z"}));
}

// Row values, as SQLite 3.15+: (a, b) compared element by element, in
// order for < <= > >=; SET (a, b) = (x, y) and = (SELECT x, y ...).
// Expected rows are SQLite 3.40's.
TEST_F(SchemaCompatTest, RowValues) {
  Run("CREATE TABLE t(a INTEGER PRIMARY KEY, b, c TEXT COLLATE NOCASE)");
  Run("INSERT INTO t VALUES (1, 2, 'x'), (2, 3, 'Y'), (3, NULL, 'z'), (4, 3, NULL), (5, 3, 'y')");
  Run("UPDATE t SET (b, c) = (7, 'q') WHERE a = 1");
  auto ids = [&](const std::string& where) {
    return Rows("SELECT group_concat(a) FROM (SELECT a FROM t WHERE " + where + " ORDER BY a)");
  };
  EXPECT_EQ(ids("(b, c) = (3, 'y')"), V({"2,5"}));  // c's NOCASE applies
  EXPECT_EQ(ids("(b, c) <> (3, 'y')"), V({"1,3"}));
  EXPECT_EQ(ids("(b, c) IS (3, NULL)"), V({"4"}));
  EXPECT_EQ(ids("(b, c) IS NOT (3, NULL)"), V({"1,2,3,5"}));
  EXPECT_EQ(ids("(b, a) > (3, 2)"), V({"1,4,5"}));
  EXPECT_EQ(ids("(b, a) >= (3, 4)"), V({"1,4,5"}));
  EXPECT_EQ(ids("(b, a) < (3, 4)"), V({"2"}));
  EXPECT_EQ(ids("(b, a) <= (3, 4)"), V({"2,4"}));
  EXPECT_EQ(ids("(1, 2, 3) < (1, 2, a)"), V({"4,5"}));
  EXPECT_EQ(ids("('3', a) = (b, 5)"), V({"NULL"}));
  EXPECT_EQ(Rows("SELECT group_concat(quote((b, a) > (2, 0)) || quote((b, c) = (3, 'Y')), ' ') "
                 "FROM (SELECT * FROM t ORDER BY a)"),
            V({"10 11 NULL0 1NULL 11"}));
  EXPECT_EQ(State("SELECT (1, 2)"), "42601");
  EXPECT_EQ(State("SELECT a FROM t WHERE (a, b) = (1, 2, 3)"), "42601");
  EXPECT_EQ(State("SELECT a FROM t WHERE (a, b) = 1"), "42601");
  EXPECT_EQ(State("UPDATE t SET (b, c) = (1, 2, 3)"), "42601");
  // SET (a, b) = (SELECT ...): no row gives NULLs.
  Run("CREATE TABLE u(k INTEGER PRIMARY KEY, x, y)");
  Run("INSERT INTO u VALUES (1, 10, 'p'), (2, 20, 'q')");
  Run("UPDATE t SET (b, c) = (SELECT x, y FROM u WHERE u.k = t.a)");
  EXPECT_EQ(Rows("SELECT group_concat(quote(b) || quote(c), ' ') FROM (SELECT * FROM t ORDER BY a)"),
            V({"10'p' 20'q' NULLNULL NULLNULL NULLNULL"}));
  EXPECT_EQ(State("UPDATE t SET (b, c) = (SELECT x FROM u)"), "42601");
  EXPECT_EQ(State("UPDATE t SET (b, c) = (SELECT DISTINCT x, y FROM u)"), "42601");
  // Keyset paging reads a range of the index on the first column.
  Run("CREATE TABLE ev(id INTEGER PRIMARY KEY, at INTEGER)");
  Run("CREATE INDEX ev_at ON ev(at, id)");
  Run("INSERT INTO ev SELECT value, value / 3 FROM generate_series(1, 300)");
  const std::string page = "SELECT id FROM ev WHERE (at, id) > (50, 151) ORDER BY at, id LIMIT 3";
  EXPECT_EQ(Rows(page), V({"152", "153", "154"}));
  std::string plan;
  for (const std::string& line : Rows("EXPLAIN " + page)) plan += line + "\n";
  EXPECT_NE(plan.find("index range scan ev using ev_at"), std::string::npos) << plan;
}

// An UPDATE or DELETE on a table with triggers goes row by row: each
// row's BEFORE triggers, its write, its AFTER triggers. A row a trigger
// changed or deleted before its turn is read again (its index entries
// stay right) or skipped.
TEST_F(SchemaCompatTest, TriggersRunRowByRow) {
  Run("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)");
  Run("CREATE TABLE log(n INTEGER PRIMARY KEY, m TEXT)");
  Run("INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)");
  Run("CREATE TRIGGER tb BEFORE UPDATE ON t BEGIN "
      "INSERT INTO log(m) VALUES ('before ' || OLD.id || ' sum=' || (SELECT sum(v) FROM t)); END");
  Run("CREATE TRIGGER ta AFTER UPDATE ON t BEGIN "
      "INSERT INTO log(m) VALUES ('after ' || NEW.id || ' sum=' || (SELECT sum(v) FROM t)); END");
  Run("UPDATE t SET v = v * 10");
  EXPECT_EQ(Rows("SELECT m FROM log ORDER BY n"),
            V({"before 1 sum=6", "after 1 sum=15", "before 2 sum=15", "after 2 sum=33",
               "before 3 sum=33", "after 3 sum=60"}));
  // A BEFORE trigger that changes an indexed column of a later row: that
  // row's update starts from what is stored, and the index stays whole (it
  // kept a stale entry before).
  Run("CREATE TABLE u(id INTEGER PRIMARY KEY, v INTEGER, w TEXT)");
  Run("CREATE INDEX uv ON u(v)");
  Run("INSERT INTO u VALUES (1, 10, 'a'), (2, 20, 'b')");
  Run("CREATE TRIGGER ub BEFORE UPDATE ON u WHEN OLD.id = 1 BEGIN UPDATE u SET v = 99 WHERE id = 2; END");
  Run("UPDATE u SET w = 'x'");
  EXPECT_EQ(Rows("SELECT id, v, w FROM u ORDER BY id"), V({"1|10|x", "2|99|x"}));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE v = 99"), V({"2"}));
  EXPECT_EQ(Rows("SELECT id FROM u WHERE v = 20"), V());
  EXPECT_EQ(Rows("PRAGMA integrity_check"), V({"ok"}));
  // A row an earlier row's AFTER trigger deleted is not deleted again.
  Run("CREATE TABLE tree(id INTEGER PRIMARY KEY, p INTEGER)");
  Run("CREATE TABLE gone(n INTEGER PRIMARY KEY, m TEXT)");
  Run("INSERT INTO tree VALUES (1, NULL), (2, 1), (3, 2)");
  Run("CREATE TRIGGER td AFTER DELETE ON tree BEGIN INSERT INTO gone(m) VALUES ('del ' || OLD.id); "
      "DELETE FROM tree WHERE p = OLD.id; END");
  Run("DELETE FROM tree WHERE id IN (1, 3)");
  EXPECT_EQ(Rows("SELECT m FROM gone ORDER BY n"), V({"del 1", "del 3"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM tree"), V({"0"}));
  // So does a table whose foreign key cascades into itself: each row's
  // update starts from what the cascades of the rows before left (it
  // failed with 23503).
  Run("PRAGMA foreign_keys = ON");
  Run("CREATE TABLE emp(id INTEGER PRIMARY KEY, "
      "boss INTEGER REFERENCES emp(id) ON UPDATE CASCADE ON DELETE CASCADE, name TEXT)");
  Run("CREATE INDEX emp_boss ON emp(boss)");
  Run("INSERT INTO emp VALUES (1, NULL, 'a'), (2, 1, 'b'), (3, 2, 'c'), (4, 1, 'd')");
  Run("UPDATE emp SET id = id + 100");
  EXPECT_EQ(Rows("SELECT id, boss, name FROM emp ORDER BY id"),
            V({"101|NULL|a", "102|101|b", "103|102|c", "104|101|d"}));
  Run("DELETE FROM emp WHERE id = 101");
  EXPECT_EQ(Rows("SELECT count(*) FROM emp"), V({"0"}));
  EXPECT_EQ(Rows("PRAGMA integrity_check"), V({"ok"}));
}

// RAISE() in a trigger program: IGNORE leaves the row that fired it as it
// is and the statement goes on; ABORT fails the statement (P0001) and
// takes back its writes; ROLLBACK also ends the transaction.
TEST_F(SchemaCompatTest, RaiseInTriggers) {
  Run("CREATE TABLE a(id INTEGER PRIMARY KEY, v INTEGER)");
  Run("CREATE TABLE b(x INTEGER)");
  Run("CREATE TABLE log(seq INTEGER PRIMARY KEY, m TEXT)");
  Run("CREATE TRIGGER b_bi BEFORE INSERT ON b WHEN NEW.x % 2 = 1 BEGIN "
      "INSERT INTO log(m) VALUES ('skip ' || NEW.x); SELECT RAISE(IGNORE); END");
  Run("CREATE TRIGGER a_ai AFTER INSERT ON a BEGIN "
      "INSERT INTO b SELECT value FROM json_each('[1,2,3,4]'); "
      "INSERT INTO log(m) VALUES ('after ' || NEW.id); END");
  Run("CREATE TRIGGER a_bd BEFORE DELETE ON a WHEN OLD.v = 9 BEGIN "
      "SELECT RAISE(ROLLBACK, 'no deleting nines'); END");
  Run("CREATE TRIGGER a_bi BEFORE INSERT ON a WHEN NEW.v < 0 BEGIN "
      "SELECT RAISE(ABORT, 'negative v'); END");
  Run("CREATE TRIGGER a_bu BEFORE UPDATE ON a BEGIN "
      "SELECT CASE WHEN NEW.v > 50 THEN RAISE(IGNORE) END; END");
  // The odd rows of the trigger's INSERT are ignored; the rest of its
  // program, and the outer statement, go on.
  Run("INSERT INTO a VALUES (1, 1)");
  EXPECT_EQ(Rows("SELECT x FROM b ORDER BY x"), V({"2", "4"}));
  EXPECT_EQ(Rows("SELECT m FROM log ORDER BY seq"), V({"skip 1", "skip 3", "after 1"}));
  // ABORT: the message is the error's; the statement's rows are taken back.
  absl::Status abort = Err("INSERT INTO a VALUES (5, 5), (6, -1)");
  EXPECT_EQ(std::string(abort.message()), "negative v");
  EXPECT_EQ(SqlState(abort), "P0001");
  EXPECT_EQ(Rows("SELECT count(*) FROM a WHERE id IN (5, 6)"), V({"0"}));
  // ROLLBACK: the transaction is gone, with what it wrote before.
  Run("INSERT INTO a VALUES (2, 9), (3, 20)");
  Run("BEGIN");
  Run("INSERT INTO a VALUES (4, 4)");
  EXPECT_EQ(State("DELETE FROM a WHERE id = 2"), "P0001");
  EXPECT_EQ(State("COMMIT"), "25P01");
  EXPECT_EQ(Rows("SELECT id FROM a ORDER BY id"), V({"1", "2", "3"}));
  // IGNORE in a BEFORE UPDATE trigger leaves that row unchanged.
  Run("UPDATE a SET v = v * 3");
  EXPECT_EQ(Rows("SELECT id, v FROM a ORDER BY id"), V({"1|3", "2|27", "3|20"}));
  EXPECT_EQ(State("SELECT RAISE(ABORT, 'x')"), "42601");
  Run("CREATE TABLE r(raise)");  // still a name
  Run("INSERT INTO r VALUES (1)");
  EXPECT_EQ(Rows("SELECT raise FROM r"), V({"1"}));
}

// INSERT, UPDATE and DELETE on a view run its INSTEAD OF triggers, once per
// row the statement names, with NEW and OLD over the view's columns.
// Expected rows are SQLite 3.40's.
TEST_F(SchemaCompatTest, InsteadOfTriggersMakeAViewWritable) {
  Run("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
  Run("CREATE VIEW v AS SELECT a, b, a * 2 AS c FROM t");
  EXPECT_EQ(State("INSERT INTO v VALUES (1, 'x', 0)"), "42809");  // no trigger
  EXPECT_EQ(std::string(Err("DELETE FROM v").message()), "cannot modify v because it is a view");
  EXPECT_EQ(State("CREATE TRIGGER bi BEFORE INSERT ON v BEGIN SELECT 1; END"), "42809");
  EXPECT_EQ(State("CREATE TRIGGER ti INSTEAD OF INSERT ON t BEGIN SELECT 1; END"), "42809");
  Run("CREATE TRIGGER vi INSTEAD OF INSERT ON v BEGIN "
      "INSERT INTO t VALUES (NEW.a, upper(NEW.b) || coalesce(NEW.c, 'n')); END");
  // Columns left out are NULL; the statement itself changes no row.
  EXPECT_EQ(Rows("INSERT INTO v(a, b) VALUES (1, 'x'), (2, 'y')"), V());
  EXPECT_EQ(Rows("SELECT changes()"), V({"0"}));
  EXPECT_EQ(Rows("SELECT * FROM v"), V({"1|Xn|2", "2|Yn|4"}));
  // Only an UPDATE that assigns a column of UPDATE OF fires it.
  Run("CREATE TRIGGER vu INSTEAD OF UPDATE OF b ON v BEGIN "
      "UPDATE t SET b = NEW.b || OLD.b WHERE a = OLD.a; END");
  Run("UPDATE v SET b = 'q' WHERE a = 2");
  EXPECT_EQ(Rows("SELECT * FROM v"), V({"1|Xn|2", "2|qYn|4"}));
  EXPECT_EQ(State("UPDATE v SET a = 9 WHERE a = 2"), "42809");
  // WHERE reads the view's own columns (c is computed); the rows are found
  // before any trigger runs.
  Run("CREATE TRIGGER vd INSTEAD OF DELETE ON v WHEN OLD.a > 0 BEGIN "
      "DELETE FROM t WHERE a = OLD.a; INSERT INTO t VALUES (OLD.a + 100, 'gone'); END");
  Run("DELETE FROM v WHERE c > 2");
  EXPECT_EQ(Rows("SELECT * FROM t"), V({"1|Xn", "102|gone"}));
  // RETURNING gives the view's rows; an upsert is refused.
  EXPECT_EQ(Rows("INSERT INTO v VALUES (5, 'z', 1) RETURNING a, c"), V({"5|1"}));
  EXPECT_EQ(State("INSERT INTO v VALUES (6, 'w', 1) ON CONFLICT DO NOTHING"), "42809");
  Run("INSERT INTO v SELECT a + 10, b, c FROM v WHERE a < 100");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY a"),
            V({"1|Xn", "5|Z1", "11|XN2", "15|Z110", "102|gone"}));
  // A failing trigger takes back the whole statement; so does ROLLBACK.
  Run("BEGIN");
  EXPECT_EQ(State("INSERT INTO v VALUES (5, 'dup', 0)"), "23505");
  Run("INSERT INTO v VALUES (7, 'r', 0)");
  Run("ROLLBACK");
  EXPECT_EQ(Rows("SELECT count(*) FROM t"), V({"5"}));
  EXPECT_EQ(State("INSERT INTO v(nope) VALUES (1)"), "42703");
  EXPECT_EQ(State("INSERT INTO v VALUES (1)"), "42601");
  // The triggers go with their view.
  Run("DROP VIEW v");
  EXPECT_EQ(Rows("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), V({"0"}));
  Run("CREATE VIEW v AS SELECT a, b FROM t");
  EXPECT_EQ(State("INSERT INTO v VALUES (8, 'x')"), "42809");
}

// NUMERIC, DECIMAL and any type name SQLite gives NUMERIC affinity: a
// number is stored as an INTEGER where that is exact, text that is a number
// as the number, other text and BLOBs as they are. Expected rows are SQLite
// 3.40's.
TEST_F(SchemaCompatTest, NumericAffinity) {
  Run("CREATE TABLE t(id INTEGER PRIMARY KEY, a DECIMAL(10,2), b NUMERIC, c DATETIME, "
      "d MONEY)");
  Run("INSERT INTO t VALUES (1, 5, 5.0, '2020', '3.0e+5'), (2, 5.5, '7', '2024-01-01', x'3132'), "
      "(3, '12.0', ' 3 ', 2.0, '0x10'), (4, -0.0, 1e300, '1e5', '99999999999999999999'), "
      "(5, 1e19, '9223372036854775807', '12abc', NULL)");
  EXPECT_EQ(Rows("SELECT quote(a), typeof(a), quote(b), typeof(b), quote(c), typeof(c), "
                 "quote(d), typeof(d) FROM t ORDER BY id"),
            V({"5|integer|5|integer|2020|integer|300000|integer",
               "5.5|real|7|integer|'2024-01-01'|text|X'3132'|blob",
               "12|integer|3|integer|2|integer|'0x10'|text",
               "0|integer|1.0e+300|real|100000|integer|1.0e+20|real",
               "1.0e+19|real|9223372036854775807|integer|'12abc'|text|NULL|null"}));
  // 2^63 is no INTEGER.
  Run("INSERT INTO t(id, a, b) VALUES (6, 9223372036854775807.0, '1e400')");
  EXPECT_EQ(Rows("SELECT typeof(a), typeof(b), b > 1e308 FROM t WHERE id = 6"), V({"real|real|1"}));
  // Text compared with a NUMERIC column takes its affinity, by key too.
  Run("CREATE INDEX ta ON t(a)");
  EXPECT_EQ(Rows("SELECT id FROM t WHERE a = '5'"), V({"1"}));
  EXPECT_EQ(Rows("SELECT id FROM t WHERE a = 5.0"), V({"1"}));
  EXPECT_EQ(Rows("SELECT id FROM t WHERE a IN ('12', 5.5) ORDER BY id"), V({"2", "3"}));
  EXPECT_EQ(Rows("SELECT id FROM t WHERE a > 5.2 ORDER BY id"), V({"2", "3", "5", "6"}));
  EXPECT_EQ(Rows("SELECT id FROM t WHERE a <= 5.5 ORDER BY id"), V({"1", "2", "4"}));
  // CAST AS NUMERIC: numbers as they are, text by its numeric prefix.
  EXPECT_EQ(Rows("SELECT quote(CAST('5.0' AS NUMERIC)), quote(CAST(5.0 AS NUMERIC)), "
                 "quote(CAST('12abc' AS NUMERIC)), quote(CAST('abc' AS NUMERIC)), "
                 "quote(CAST('1.5e2' AS DECIMAL)), quote(CAST(x'3132' AS NUMERIC)), "
                 "quote(CAST('2.5x' AS DATETIME))"),
            V({"5|5.0|12|0|150|12|2.5"}));
  // ANY outside a STRICT table is a type name like any other (in a STRICT
  // table it takes any value as it is).
  Run("CREATE TABLE anyt(a ANY, b)");
  Run("CREATE TABLE anys(a ANY) STRICT");
  Run("INSERT INTO anyt VALUES ('5', '5')");
  Run("INSERT INTO anys VALUES ('5')");
  EXPECT_EQ(Rows("SELECT typeof(a), typeof(b) FROM anyt"), V({"integer|text"}));
  EXPECT_EQ(Rows("SELECT typeof(a) FROM anys"), V({"text"}));
  // A table made from a query keeps the affinity.
  Run("CREATE TABLE copy AS SELECT a FROM t");
  Run("INSERT INTO copy VALUES ('8.0')");
  EXPECT_EQ(Rows("SELECT typeof(a) FROM copy WHERE a = 8"), V({"integer"}));
}

// A column without a type keeps a number as given (5 and 5.0 are stored
// apart, and keyed apart), yet SQL holds them equal: keys, unique indexes
// and reads by key treat them as one value, as SQLite 3.40 does.
TEST_F(SchemaCompatTest, UntypedKeysHoldEqualNumbersOnce) {
  Run("CREATE TABLE w(k PRIMARY KEY, v) WITHOUT ROWID");
  Run("INSERT INTO w VALUES (3, 'a'), (2.5, 'b'), ('4', 'c')");
  EXPECT_EQ(State("INSERT INTO w VALUES (3.0, 'x')"), "23505");
  EXPECT_EQ(Rows("SELECT v FROM w WHERE k = 3.0"), V({"a"}));
  EXPECT_EQ(Rows("SELECT v FROM w WHERE k IN (2.5, 4) ORDER BY v"), V({"b"}));
  // A row keeps its own key's twin: no collision with itself.
  Run("UPDATE w SET k = 3.0 WHERE v = 'a'");
  EXPECT_EQ(Rows("SELECT k, typeof(k) FROM w WHERE k = 3"), V({"3|real"}));
  EXPECT_EQ(State("UPDATE w SET k = 3 WHERE v = 'b'"), "23505");

  Run("CREATE TABLE y(a PRIMARY KEY, b)");  // a rowid table, its key a UNIQUE index
  Run("INSERT INTO y VALUES (2, 1)");
  EXPECT_EQ(State("INSERT INTO y VALUES (2.0, 1)"), "23505");
  Run("INSERT INTO y VALUES (2.0, 5) ON CONFLICT DO NOTHING");
  Run("INSERT INTO y VALUES (2.0, 7) ON CONFLICT (a) DO UPDATE SET b = excluded.b");
  EXPECT_EQ(Rows("SELECT a, b FROM y"), V({"2|7"}));

  Run("CREATE TABLE x(a UNIQUE, n INTEGER)");
  Run("INSERT INTO x VALUES (7.0, 1), (7.5, 2)");
  EXPECT_EQ(State("INSERT INTO x VALUES (7, 3)"), "23505");
  Run("INSERT OR REPLACE INTO x VALUES (7, 3)");
  EXPECT_EQ(Rows("SELECT a, n FROM x ORDER BY n"), V({"7.5|2", "7|3"}));
  // A UNIQUE index made over rows that hold 1 and 1.0 is refused.
  Run("CREATE TABLE z(a, b)");
  Run("INSERT INTO z VALUES (1, 'p'), (1.0, 'q'), (2.5, 'r')");
  EXPECT_EQ(State("CREATE UNIQUE INDEX zu ON z(a)"), "23505");
  Run("CREATE INDEX zi ON z(a)");
  EXPECT_EQ(Rows("SELECT b FROM z WHERE a = 1 ORDER BY b"), V({"p", "q"}));
  EXPECT_EQ(Rows("SELECT b FROM z WHERE a > 0.5 ORDER BY b"), V({"p", "q", "r"}));
  EXPECT_EQ(Rows("SELECT b FROM z WHERE a < 2 ORDER BY b"), V({"p", "q"}));
}

}  // namespace
}  // namespace tessera::session

// Foreign keys enforced, as SQLite does with PRAGMA foreign_keys=ON: child
// keys must find a parent row; ON DELETE / ON UPDATE actions (CASCADE, SET
// NULL, SET DEFAULT, RESTRICT, NO ACTION); DEFERRABLE INITIALLY DEFERRED
// checked at COMMIT; "foreign key mismatch" for a parent key that is no
// PRIMARY KEY or UNIQUE. Expected rows and errors are SQLite 3.40's
// answers to the same statements.

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/sql_fixture.h"

namespace tessera::session {
namespace {

class ForeignKeyTest : public SqlTest {
 protected:
  void SetUp() override {
    SqlTest::SetUp();
    Run("CREATE TABLE artist(id INTEGER PRIMARY KEY, name TEXT)");
    Run("CREATE TABLE track(id INTEGER PRIMARY KEY, artist INTEGER REFERENCES artist(id) "
        "ON DELETE CASCADE ON UPDATE CASCADE, title TEXT)");
    Run("CREATE TABLE review(id INTEGER PRIMARY KEY, track INTEGER REFERENCES track "
        "ON DELETE SET NULL)");
    Run("CREATE TABLE note(id INTEGER PRIMARY KEY, artist INTEGER REFERENCES artist(id))");
  }
};

// Off by default, as in SQLite: kept and shown, not enforced.
TEST_F(ForeignKeyTest, OffByDefault) {
  EXPECT_EQ(Rows("PRAGMA foreign_keys"), V({"0"}));
  Run("INSERT INTO track VALUES (1, 42, 'orphan')");
  Run("DELETE FROM artist");
  EXPECT_EQ(Rows("SELECT artist FROM track"), V({"42"}));
  // SQLite reads an unknown word as OFF; Tessera says it does not know it.
  EXPECT_EQ(State("PRAGMA foreign_keys = maybe"), "22023");
}

TEST_F(ForeignKeyTest, ChildKeysMustFindAParent) {
  Run("PRAGMA foreign_keys = ON");
  EXPECT_EQ(Rows("PRAGMA foreign_keys"), V({"1"}));
  Run("INSERT INTO artist VALUES (1, 'a'), (2, 'b')");
  Run("INSERT INTO track VALUES (10, 1, 'x'), (11, 1, 'y'), (12, 2, 'z')");
  EXPECT_EQ(State("INSERT INTO track VALUES (13, 3, 'bad')"), "23503");
  Run("INSERT INTO track VALUES (13, NULL, 'no artist')");  // a NULL key matches nothing
  EXPECT_EQ(State("UPDATE track SET artist = 99 WHERE id = 12"), "23503");
  // A multi-row statement that fails writes nothing.
  EXPECT_EQ(State("INSERT INTO track VALUES (14, 1, 'ok'), (15, 7, 'bad')"), "23503");
  EXPECT_EQ(Rows("SELECT id FROM track ORDER BY id"), V({"10", "11", "12", "13"}));
  // A row and its parent in one statement: checked at the statement's end.
  Run("CREATE TABLE tree(id INTEGER PRIMARY KEY, up INTEGER REFERENCES tree(id))");
  Run("INSERT INTO tree VALUES (2, 1), (1, NULL)");
  EXPECT_EQ(State("DELETE FROM tree WHERE id = 1"), "23503");
  Run("DELETE FROM tree");
  EXPECT_EQ(Rows("SELECT count(*) FROM tree"), V({"0"}));
  // Rows written while enforcement was off are judged when their key
  // changes, not when another column does.
  Run("PRAGMA foreign_keys = OFF");
  Run("INSERT INTO note VALUES (1, 99)");
  Run("PRAGMA foreign_keys = ON");
  Run("UPDATE note SET id = 2 WHERE id = 1");
  EXPECT_EQ(State("UPDATE note SET artist = 98"), "23503");
  EXPECT_EQ(Rows("SELECT * FROM note"), V({"2|99"}));
}

TEST_F(ForeignKeyTest, ActionsOnDeleteAndUpdate) {
  Run("PRAGMA foreign_keys = ON");
  Run("INSERT INTO artist VALUES (1, 'a'), (2, 'b')");
  Run("INSERT INTO track VALUES (10, 1, 'x'), (11, 1, 'y'), (12, 2, 'z')");
  Run("INSERT INTO review VALUES (100, 10), (101, 12)");
  Run("INSERT INTO note VALUES (1000, 2)");
  // CASCADE deletes the tracks, whose reviews SET NULL.
  Run("DELETE FROM artist WHERE id = 1");
  EXPECT_EQ(Rows("SELECT * FROM track ORDER BY id"), V({"12|2|z"}));
  EXPECT_EQ(Rows("SELECT * FROM review ORDER BY id"), V({"100|NULL", "101|12"}));
  // NO ACTION: note still names artist 2.
  EXPECT_EQ(State("DELETE FROM artist WHERE id = 2"), "23503");
  EXPECT_EQ(State("UPDATE artist SET id = 20 WHERE id = 2"), "23503");
  Run("DELETE FROM note");
  Run("UPDATE artist SET id = 20 WHERE id = 2");  // ON UPDATE CASCADE
  EXPECT_EQ(Rows("SELECT * FROM track ORDER BY id"), V({"12|20|z"}));
  // REPLACE deletes the row it replaces, with its actions.
  Run("INSERT OR REPLACE INTO artist VALUES (20, 'b2')");
  EXPECT_EQ(Rows("SELECT * FROM track ORDER BY id"), V());
  // A cascade through a table that references itself, and triggers on
  // the rows it deletes.
  Run("CREATE TABLE self(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES self(id) "
      "ON DELETE CASCADE)");
  Run("CREATE TABLE log(msg TEXT)");
  Run("CREATE TRIGGER gone AFTER DELETE ON self BEGIN INSERT INTO log VALUES (old.id); END");
  Run("INSERT INTO self VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, NULL)");
  Run("DELETE FROM self WHERE id = 1");
  EXPECT_EQ(Rows("SELECT id FROM self"), V({"5"}));
  EXPECT_EQ(Rows("SELECT msg FROM log ORDER BY 1"), V({"1", "2", "3", "4"}));
}

TEST_F(ForeignKeyTest, CompositeKeysSetDefaultAndRestrict) {
  Run("PRAGMA foreign_keys = ON");
  Run("CREATE TABLE p(a INTEGER, b TEXT, v TEXT, UNIQUE (a, b))");
  Run("CREATE TABLE c(id INTEGER PRIMARY KEY, x INTEGER, y TEXT DEFAULT 'dflt', "
      "FOREIGN KEY (x, y) REFERENCES p(a, b) ON DELETE SET DEFAULT ON UPDATE RESTRICT)");
  Run("INSERT INTO p VALUES (1, 'one', 'v1'), (2, 'dflt', 'v2'), (1, 'dflt', 'v3')");
  Run("INSERT INTO c VALUES (1, 1, 'one')");
  EXPECT_EQ(State("INSERT INTO c VALUES (2, 1, 'two')"), "23503");
  Run("INSERT INTO c VALUES (3, NULL, 'two')");
  EXPECT_EQ(State("UPDATE p SET b = 'uno' WHERE a = 1 AND b = 'one'"), "23503");  // RESTRICT
  Run("UPDATE p SET v = 'changed' WHERE a = 1 AND b = 'one'");  // the key stays
  Run("DELETE FROM p WHERE a = 1 AND b = 'one'");  // SET DEFAULT: x has none
  EXPECT_EQ(Rows("SELECT * FROM c ORDER BY id"), V({"1|NULL|dflt", "3|NULL|two"}));
}

TEST_F(ForeignKeyTest, DeferredKeysAreCheckedAtCommit) {
  Run("PRAGMA foreign_keys = ON");
  Run("CREATE TABLE d(id INTEGER PRIMARY KEY, a INTEGER REFERENCES artist(id) "
      "DEFERRABLE INITIALLY DEFERRED)");
  Run("BEGIN");
  Run("INSERT INTO d VALUES (1, 50)");
  Run("INSERT INTO d VALUES (2, 51)");
  // The COMMIT fails and the transaction stays open, to be mended.
  EXPECT_EQ(State("COMMIT"), "23503");
  Run("DELETE FROM d WHERE id = 2");
  Run("INSERT INTO artist VALUES (50, 'late')");
  Run("COMMIT");
  EXPECT_EQ(Rows("SELECT * FROM d"), V({"1|50"}));
  // ROLLBACK forgets the transaction's checks; outside BEGIN the
  // statement's commit is its end.
  Run("BEGIN");
  Run("INSERT INTO d VALUES (3, 60)");
  Run("ROLLBACK");
  EXPECT_EQ(State("INSERT INTO d VALUES (4, 61)"), "23503");
  EXPECT_EQ(Rows("SELECT count(*) FROM d"), V({"1"}));
  // Not DEFERRABLE, or INITIALLY IMMEDIATE: checked after each statement.
  Run("CREATE TABLE e(a INTEGER REFERENCES artist(id) DEFERRABLE INITIALLY IMMEDIATE, "
      "b INTEGER REFERENCES artist(id) NOT DEFERRABLE INITIALLY DEFERRED)");
  Run("BEGIN");
  EXPECT_EQ(State("INSERT INTO e VALUES (70, NULL)"), "23503");
  EXPECT_EQ(State("INSERT INTO e VALUES (NULL, 71)"), "23503");
  Run("COMMIT");
  // The setting does not change inside a transaction (SQLite's rule).
  Run("BEGIN");
  Run("PRAGMA foreign_keys = OFF");
  EXPECT_EQ(Rows("PRAGMA foreign_keys"), V({"1"}));
  Run("COMMIT");
}

// PRAGMA defer_foreign_keys: every key of the transaction is checked at
// COMMIT, as a deferred one is; each end of a transaction (COMMIT,
// ROLLBACK, an autocommit statement's) turns it off, as in SQLite.
TEST_F(ForeignKeyTest, DeferForeignKeysDefersEveryKeyUntilTheTransactionEnds) {
  Run("PRAGMA foreign_keys = ON");
  EXPECT_EQ(Rows("PRAGMA defer_foreign_keys"), V({"0"}));
  Run("PRAGMA defer_foreign_keys = ON");
  EXPECT_EQ(Rows("PRAGMA defer_foreign_keys"), V({"1"}));
  Run("INSERT INTO artist VALUES (5, 'five')");  // its commit ends the deferral
  EXPECT_EQ(Rows("PRAGMA defer_foreign_keys"), V({"0"}));
  // Child first, parent after: fine when deferred.
  Run("BEGIN");
  Run("PRAGMA defer_foreign_keys = 1");
  Run("INSERT INTO note VALUES (1, 9)");
  Run("INSERT INTO artist VALUES (9, 'nine')");
  Run("COMMIT");
  EXPECT_EQ(Rows("SELECT * FROM note"), V({"1|9"}));
  EXPECT_EQ(Rows("PRAGMA defer_foreign_keys"), V({"0"}));
  // A violation still fails the COMMIT; ROLLBACK turns the setting off.
  Run("BEGIN");
  Run("PRAGMA defer_foreign_keys = ON");
  Run("INSERT INTO note VALUES (2, 77)");
  EXPECT_EQ(State("COMMIT"), "23503");
  Run("ROLLBACK");
  EXPECT_EQ(Rows("PRAGMA defer_foreign_keys"), V({"0"}));
  Run("BEGIN");
  EXPECT_EQ(State("INSERT INTO note VALUES (3, 78)"), "23503");  // checked at once again
  Run("COMMIT");
  EXPECT_EQ(Rows("SELECT count(*) FROM note"), V({"1"}));
  EXPECT_EQ(State("PRAGMA defer_foreign_keys = maybe"), "22023");
}

// PRAGMA foreign_key_check lists the child keys no parent holds, whether
// or not enforcement is on (Django runs it after its migrations).
TEST_F(ForeignKeyTest, ForeignKeyCheckListsOrphans) {
  Run("CREATE TABLE p(id INTEGER PRIMARY KEY, u TEXT UNIQUE)");
  Run("CREATE TABLE c(id INTEGER PRIMARY KEY, a INTEGER REFERENCES p(id), b TEXT REFERENCES p(u))");
  Run("CREATE TABLE w(k TEXT PRIMARY KEY, a INTEGER REFERENCES p) WITHOUT ROWID");
  Run("CREATE TABLE m(k INTEGER PRIMARY KEY, x INTEGER REFERENCES nowhere(id))");
  Run("INSERT INTO p VALUES (1, 'one')");
  Run("INSERT INTO c VALUES (10, 1, 'one'), (11, 2, 'one'), (12, 3, 'zz'), (13, NULL, 'zz')");
  Run("INSERT INTO w VALUES ('k', 9)");
  Run("INSERT INTO m VALUES (1, 5), (2, NULL)");
  auto sorted = [](V v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  // fkid counts as foreign_key_list does: the last declared is 0.
  EXPECT_EQ(sorted(Rows("PRAGMA foreign_key_check")),
            V({"c|11|p|1", "c|12|p|0", "c|12|p|1", "c|13|p|0", "m|1|nowhere|0", "w|NULL|p|0"}));
  EXPECT_EQ(sorted(Rows("PRAGMA foreign_key_check(c)")),
            V({"c|11|p|1", "c|12|p|0", "c|12|p|1", "c|13|p|0"}));
  EXPECT_EQ(Rows("PRAGMA foreign_key_check(p)"), V());
  EXPECT_EQ(State("PRAGMA foreign_key_check(nope)"), "42P01");
  Run("DELETE FROM c WHERE id > 10");
  Run("DELETE FROM w");
  Run("DELETE FROM m WHERE x IS NOT NULL");
  EXPECT_EQ(Rows("PRAGMA foreign_key_check"), V());
}

// With enforcement on, DROP TABLE first deletes the table's rows: their
// actions run (no trigger of the table fires) and a child left without
// its parent fails the DROP, as in SQLite.
TEST_F(ForeignKeyTest, DropTableDeletesItsRowsFirst) {
  Run("PRAGMA foreign_keys = ON");
  Run("CREATE TABLE log(t TEXT)");
  Run("CREATE TABLE p2(id INTEGER PRIMARY KEY)");
  Run("CREATE TABLE c2(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p2(id) ON DELETE CASCADE)");
  Run("CREATE TABLE c3(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p2(id))");
  Run("CREATE TRIGGER p2_del AFTER DELETE ON p2 BEGIN INSERT INTO log VALUES ('p2 ' || old.id); END");
  Run("CREATE TRIGGER c2_del AFTER DELETE ON c2 BEGIN INSERT INTO log VALUES ('c2 ' || old.id); END");
  Run("INSERT INTO p2 VALUES (1), (2)");
  Run("INSERT INTO c2 VALUES (10, 1)");
  Run("INSERT INTO c3 VALUES (20, 2)");
  EXPECT_EQ(State("DROP TABLE p2"), "23503");
  EXPECT_EQ(Rows("SELECT id FROM p2 ORDER BY id"), V({"1", "2"}));  // nothing happened
  EXPECT_EQ(Rows("SELECT id FROM c2"), V({"10"}));
  Run("DELETE FROM c3");
  Run("DROP TABLE p2");
  EXPECT_EQ(Rows("SELECT * FROM c2"), V());
  EXPECT_EQ(Rows("SELECT t FROM log"), V({"c2 10"}));
}

// Mismatches are found where SQLite finds them, when it prepares a
// statement: for the statements that would have to check that key.
TEST_F(ForeignKeyTest, ParentKeysMustBeUnique) {
  Run("PRAGMA foreign_keys = ON");
  Run("CREATE TABLE nopk(x INTEGER)");
  Run("CREATE TABLE refnopk(y INTEGER REFERENCES nopk)");  // no PRIMARY KEY to name
  EXPECT_EQ(State("INSERT INTO refnopk VALUES (1)"), "42830");
  Run("CREATE TABLE byname(x INTEGER REFERENCES artist(name))");  // name is not UNIQUE
  EXPECT_EQ(State("DELETE FROM artist"), "42830");
  Run("INSERT INTO artist VALUES (1, 'a')");
  EXPECT_EQ(State("UPDATE artist SET name = 'b'"), "42830");
  Run("UPDATE artist SET id = 2");
  EXPECT_EQ(State("INSERT INTO byname VALUES (NULL)"), "42830");
  Run("DROP TABLE byname");
  Run("DELETE FROM artist");
  Run("CREATE TABLE missing(x INTEGER REFERENCES nowhere(id))");
  EXPECT_EQ(State("INSERT INTO missing VALUES (NULL)"), "42P01");
  EXPECT_EQ(State("INSERT INTO missing VALUES (1)"), "42P01");
}

}  // namespace
}  // namespace tessera::session

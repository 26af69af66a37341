#include "parser/parser.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "parser/ast_printer.h"

namespace tessera::parser {
namespace {

std::string E(const std::string& sql) {
  absl::StatusOr<ast::ExprPtr> e = ParseExpression(sql);
  if (!e.ok()) return "ERROR: " + std::string(e.status().message());
  return ast::ToSql(**e);
}

std::string S(const std::string& sql) {
  absl::StatusOr<ast::StatementPtr> s = ParseOne(sql);
  if (!s.ok()) return "ERROR: " + std::string(s.status().message());
  return ast::ToSql(**s);
}

template <typename T>
const T& As(const ast::StatementPtr& s) {
  return static_cast<const T&>(*s);
}

TEST(ParserExprTest, ArithmeticPrecedenceAndAssociativity) {
  EXPECT_EQ(E("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(E("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(E("-a * b"), "((-a) * b)");
  EXPECT_EQ(E("a || b || c"), "((a || b) || c)");
  EXPECT_EQ(E("a + b || c"), "(a + (b || c))");
  EXPECT_EQ(E("a % 7 = 3"), "((a % 7) = 3)");
  EXPECT_EQ(E("(1 + 2) * 3"), "((1 + 2) * 3)");
  EXPECT_EQ(E("a << 1 + 2"), "(a << (1 + 2))");
  EXPECT_EQ(E("~a & b"), "((~a) & b)");
}

TEST(ParserExprTest, LogicPrecedence) {
  EXPECT_EQ(E("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(E("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(E("NOT a AND b"), "((NOT a) AND b)");
  EXPECT_EQ(E("a < b = c < d"), "((a < b) = (c < d))");
  EXPECT_EQ(E("a <> b OR a != c OR a == d"),
            "(((a <> b) OR (a <> c)) OR (a = d))");
}

TEST(ParserExprTest, BetweenBindsItsOwnAnd) {
  EXPECT_EQ(E("a BETWEEN 1 AND 2"), "(a BETWEEN 1 AND 2)");
  EXPECT_EQ(E("a BETWEEN 1 AND 2 AND b"), "((a BETWEEN 1 AND 2) AND b)");
  EXPECT_EQ(E("a NOT BETWEEN b + 1 AND c * 2 OR d"),
            "((a NOT BETWEEN (b + 1) AND (c * 2)) OR d)");
  EXPECT_EQ(E("x AND a BETWEEN 1 AND 2"), "(x AND (a BETWEEN 1 AND 2))");
  EXPECT_EQ(E("a BETWEEN 1 AND 2 AND b AND c"),
            "(((a BETWEEN 1 AND 2) AND b) AND c)");
  EXPECT_EQ(E("a BETWEEN (1 AND 2) AND 3"), "(a BETWEEN (1 AND 2) AND 3)");
  EXPECT_EQ(E("a BETWEEN b AND c OR d BETWEEN e AND f"),
            "((a BETWEEN b AND c) OR (d BETWEEN e AND f))");
}

TEST(ParserExprTest, NullTestsInLikeIs) {
  EXPECT_EQ(E("a IS NULL"), "(a IS NULL)");
  EXPECT_EQ(E("a IS NOT NULL"), "(a IS NOT NULL)");
  EXPECT_EQ(E("a ISNULL"), "(a IS NULL)");
  EXPECT_EQ(E("a NOTNULL"), "(a IS NOT NULL)");
  EXPECT_EQ(E("a NOT NULL"), "(a IS NOT NULL)");
  EXPECT_EQ(E("a IS b"), "(a IS b)");
  EXPECT_EQ(E("a IS NOT b"), "(a IS NOT b)");
  EXPECT_EQ(E("a IN (1, 2, 3)"), "(a IN (1, 2, 3))");
  EXPECT_EQ(E("a NOT IN ()"), "(a NOT IN ())");
  EXPECT_EQ(E("a IN (SELECT b FROM t)"), "(a IN (SELECT b FROM t))");
  EXPECT_EQ(E("a NOT IN t1"), "(a NOT IN (SELECT * FROM t1))");
  EXPECT_EQ(E("a LIKE 'x%'"), "(a LIKE 'x%')");
  EXPECT_EQ(E("a NOT LIKE 'x!%' ESCAPE '!'"), "(a NOT LIKE 'x!%' ESCAPE '!')");
  EXPECT_EQ(E("a GLOB 'x*'"), "(a GLOB 'x*')");
}

TEST(ParserExprTest, CaseCastFunctionsSubqueries) {
  EXPECT_EQ(E("CASE WHEN a THEN 1 ELSE 2 END"), "CASE WHEN a THEN 1 ELSE 2 END");
  EXPECT_EQ(E("CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' END"),
            "CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' END");
  EXPECT_EQ(E("CAST(a AS VARCHAR(10))"), "CAST(a AS TEXT)");
  EXPECT_EQ(E("CAST(a AS double precision)"), "CAST(a AS REAL)");
  EXPECT_EQ(E("COUNT(*)"), "count(*)");
  EXPECT_EQ(E("count(DISTINCT a)"), "count(DISTINCT a)");
  EXPECT_EQ(E("sum(ALL - 29)"), "sum((-29))");  // ALL is the default quantifier
  EXPECT_EQ(E("max ( ALL a ) + min(DISTINCT b)"), "(max(a) + min(DISTINCT b))");
  EXPECT_EQ(E("coalesce(a, b, 1)"), "coalesce(a, b, 1)");
  EXPECT_EQ(E("(SELECT max(b) FROM t)"), "(SELECT max(b) FROM t)");
  EXPECT_EQ(E("EXISTS (SELECT 1 FROM t WHERE t.a = x.a)"),
            "EXISTS (SELECT 1 FROM t WHERE (t.a = x.a))");
  EXPECT_EQ(E("t1.a + \"quoted col\""), "(t1.a + quoted col)");
}

TEST(ParserExprTest, Literals) {
  auto lit = [](const std::string& sql) {
    absl::StatusOr<ast::ExprPtr> e = ParseExpression(sql);
    EXPECT_TRUE(e.ok()) << e.status();
    EXPECT_EQ((*e)->kind, ast::ExprKind::kLiteral);
    return (*e)->literal;
  };
  EXPECT_EQ(lit("42"), Value::Integer(42));
  EXPECT_EQ(lit("9223372036854775807"), Value::Integer(INT64_MAX));
  EXPECT_EQ(lit("9223372036854775808").type(), Type::kReal);
  // As in SQLite, the one integer whose digits alone overflow.
  EXPECT_EQ(lit("-9223372036854775808"), Value::Integer(INT64_MIN));
  EXPECT_EQ(lit("- 9223372036854775808"), Value::Integer(INT64_MIN));
  // A REAL prints with the digits that read back as the same REAL.
  EXPECT_EQ(E("-(9223372036854775808)"), "(-9.2233720368547758e+18)");
  EXPECT_EQ(E("-9223372036854775809"), "(-9.2233720368547758e+18)");
  EXPECT_EQ(E("2.0 + 0.1 + 1e300"), "((2.0 + 0.1) + 1.0e+300)");
  EXPECT_EQ(E("- -9223372036854775808"), "(--9223372036854775808)");
  EXPECT_EQ(lit("1.5"), Value::Real(1.5));
  EXPECT_EQ(lit(".5e1"), Value::Real(5.0));
  EXPECT_EQ(lit("1e3"), Value::Real(1000.0));
  EXPECT_EQ(lit("0x1F"), Value::Integer(31));
  EXPECT_EQ(lit("'it''s'"), Value::Text("it's"));
  EXPECT_EQ(lit("''"), Value::Text(""));
  EXPECT_EQ(lit("X'0aFF'"), Value::Blob("\x0a\xff"));
  EXPECT_TRUE(lit("NULL").is_null());
  EXPECT_EQ(lit("true"), Value::Boolean(true));
  EXPECT_EQ(lit("FALSE"), Value::Boolean(false));
  EXPECT_NE(E("X'abc'").find("even number"), std::string::npos);
}

TEST(ParserExprTest, Parameters) {
  absl::StatusOr<ast::StatementPtr> s =
      ParseOne("SELECT ?, ?, $5, ? FROM t WHERE a = ?1");
  ASSERT_TRUE(s.ok()) << s.status();
  const ast::SelectCore& core =
      As<ast::SelectStatement>(*s).select->cores[0];
  EXPECT_EQ(core.columns[0].expr->param_index, 1);
  EXPECT_EQ(core.columns[1].expr->param_index, 2);
  EXPECT_EQ(core.columns[2].expr->param_index, 5);
  EXPECT_EQ(core.columns[3].expr->param_index, 6);
  EXPECT_EQ(core.where->children[1]->param_index, 1);
  EXPECT_FALSE(ParseOne("SELECT ?0").ok());
}

TEST(ParserSelectTest, FullSelect) {
  EXPECT_EQ(S("select distinct a, b AS x, t.*, * from t1 AS t, t2 "
              "where a > 1 group by a, b having count(*) > 2 "
              "order by 1 desc, b nulls first limit 10 offset 5;"),
            "SELECT DISTINCT a, b AS x, t.*, * FROM (t1 AS t, t2) WHERE (a > 1) "
            "GROUP BY a, b HAVING (count(*) > 2) ORDER BY 1 DESC, b NULLS "
            "FIRST LIMIT 10 OFFSET 5");
  EXPECT_EQ(S("SELECT a FROM t LIMIT 5, 10"),
            "SELECT a FROM t LIMIT 10 OFFSET 5");
  EXPECT_EQ(S("SELECT 1"), "SELECT 1");
  EXPECT_EQ(S("SELECT x y FROM t z"), "SELECT x AS y FROM t AS z");
  absl::StatusOr<ast::StatementPtr> hint =
      ParseOne("SELECT 1 FROM t1 NOT INDEXED, t2 INDEXED BY i2");
  ASSERT_TRUE(hint.ok()) << hint.status();
  const ast::TableRef& from =
      *As<ast::SelectStatement>(*hint).select->cores[0].from;
  EXPECT_TRUE(from.left->not_indexed);
  EXPECT_EQ(from.right->indexed_by, "i2");
}

TEST(ParserSelectTest, CompoundSelects) {
  EXPECT_EQ(S("SELECT a FROM t UNION SELECT b FROM u UNION ALL SELECT 1 "
              "INTERSECT SELECT 2 EXCEPT SELECT 3 ORDER BY 1"),
            "SELECT a FROM t UNION SELECT b FROM u UNION ALL SELECT 1 "
            "INTERSECT SELECT 2 EXCEPT SELECT 3 ORDER BY 1");
  EXPECT_EQ(S("VALUES (1, 'a'), (2, 'b')"), "VALUES (1, 'a'), (2, 'b')");
}

TEST(ParserSelectTest, Joins) {
  EXPECT_EQ(S("SELECT * FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (y) "
              "CROSS JOIN d, e"),
            "SELECT * FROM ((((a JOIN b ON (a.x = b.x)) LEFT JOIN c USING (y)) "
            "CROSS JOIN d), e)");
  EXPECT_EQ(S("SELECT * FROM a INNER JOIN (SELECT 1 AS x) s ON s.x = a.x"),
            "SELECT * FROM (a JOIN (SELECT 1 AS x) AS s ON (s.x = a.x))");
  EXPECT_EQ(S("SELECT * FROM a JOIN b, c JOIN d ON c.k = d.k"),
            "SELECT * FROM (((a JOIN b), c) JOIN d ON (c.k = d.k))");
}

TEST(ParserSelectTest, CommonTableExpressions) {
  absl::StatusOr<ast::StatementPtr> s =
      ParseOne("WITH c(x) AS (SELECT 1), d AS (SELECT x FROM c) SELECT * FROM d");
  ASSERT_TRUE(s.ok()) << s.status();
  const ast::SelectStmt& sel = *As<ast::SelectStatement>(*s).select;
  ASSERT_EQ(sel.with.size(), 2u);
  EXPECT_EQ(sel.with[0].name, "c");
  EXPECT_EQ(sel.with[0].columns, std::vector<std::string>{"x"});
  EXPECT_EQ(ast::ToSql(*sel.with[1].query), "SELECT x FROM c");
  EXPECT_FALSE(sel.with_recursive);
  absl::StatusOr<ast::StatementPtr> r = ParseOne(
      "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3) SELECT * FROM c");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(As<ast::SelectStatement>(*r).select->with_recursive);
  // RECURSIVE is a keyword only there: still a name elsewhere.
  absl::StatusOr<ast::StatementPtr> n =
      ParseOne("WITH recursive AS (SELECT 1 AS recursive) SELECT recursive FROM recursive");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_FALSE(As<ast::SelectStatement>(*n).select->with_recursive);
  EXPECT_EQ(As<ast::SelectStatement>(*n).select->with[0].name, "recursive");
}

TEST(ParserDdlTest, CreateTable) {
  absl::StatusOr<ast::StatementPtr> s = ParseOne(
      "CREATE TABLE IF NOT EXISTS t1(a INTEGER PRIMARY KEY, b VARCHAR(16) NOT "
      "NULL DEFAULT 'x', c REAL UNIQUE CHECK (c > 0), d TEXT DEFAULT -1, "
      "e BOOLEAN, UNIQUE (b, c DESC), CHECK (a < 100))");
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& ct = As<ast::CreateTableStatement>(*s);
  EXPECT_TRUE(ct.if_not_exists);
  EXPECT_EQ(ct.table, "t1");
  ASSERT_EQ(ct.columns.size(), 5u);
  EXPECT_TRUE(ct.columns[0].primary_key);
  EXPECT_EQ(ct.columns[0].type, Type::kInteger);
  EXPECT_EQ(ct.columns[1].type, Type::kText);
  EXPECT_EQ(ct.columns[1].type_text, "VARCHAR(16)");
  EXPECT_TRUE(ct.columns[1].not_null);
  EXPECT_EQ(ct.columns[1].default_value->literal, Value::Text("x"));
  EXPECT_TRUE(ct.columns[2].unique);
  ASSERT_EQ(ct.columns[2].checks.size(), 1u);
  EXPECT_EQ(ct.columns[3].default_value->literal, Value::Integer(-1));
  EXPECT_EQ(ct.columns[4].type, Type::kBoolean);
  ASSERT_EQ(ct.uniques.size(), 1u);
  EXPECT_TRUE(ct.uniques[0][1].descending);
  EXPECT_EQ(ct.checks.size(), 1u);
}

TEST(ParserDdlTest, CompositePrimaryKeyAndUnknownType) {
  absl::StatusOr<ast::StatementPtr> s =
      ParseOne("CREATE TABLE t(a INT, b TEXT, PRIMARY KEY (a, b DESC))");
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& ct = As<ast::CreateTableStatement>(*s);
  ASSERT_EQ(ct.primary_key.size(), 2u);
  EXPECT_EQ(ct.primary_key[1].name, "b");
  EXPECT_TRUE(ct.primary_key[1].descending);
  // Other type names are typed by SQLite's affinity rules, NUMERIC where
  // no other rule applies. ANY is STRICT tables' untyped column.
  absl::StatusOr<ast::StatementPtr> other = ParseOne(
      "CREATE TABLE t(a WIDGET, b DATETIME, c UNSIGNED BIG INT, d NATIVE CHARACTER(70), "
      "e DOUBLE PRECISION, f ANY, g MEDIUMBLOB)");
  ASSERT_TRUE(other.ok()) << other.status();
  const auto& ot = As<ast::CreateTableStatement>(*other);
  const Type want[] = {Type::kNumeric, Type::kNumeric, Type::kInteger, Type::kText,
                       Type::kReal, Type::kNull, Type::kBlob};
  ASSERT_EQ(ot.columns.size(), 7u);
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(ot.columns[i].type, want[i]) << i;
  EXPECT_EQ(ot.columns[1].type_text, "DATETIME");
}

TEST(ParserDdlTest, SqliteTableClauses) {
  absl::StatusOr<ast::StatementPtr> s = ParseOne(
      "CREATE TABLE c(id INTEGER PRIMARY KEY AUTOINCREMENT, "
      "p INTEGER REFERENCES parent(id) ON DELETE CASCADE NOT NULL, q, "
      "FOREIGN KEY (q, p) REFERENCES other(a, b) MATCH SIMPLE DEFERRABLE INITIALLY DEFERRED) "
      "WITHOUT ROWID, STRICT");
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& ct = As<ast::CreateTableStatement>(*s);
  EXPECT_TRUE(ct.columns[0].autoincrement);
  ASSERT_TRUE(ct.columns[1].foreign_key.has_value());
  EXPECT_EQ(ct.columns[1].foreign_key->references, "REFERENCES parent(id) ON DELETE CASCADE");
  EXPECT_EQ(ct.columns[1].foreign_key->ref_table, "parent");
  EXPECT_EQ(ct.columns[1].foreign_key->ref_columns, std::vector<std::string>{"id"});
  EXPECT_EQ(ct.columns[1].foreign_key->on_delete, "CASCADE");
  EXPECT_EQ(ct.columns[1].foreign_key->on_update, "NO ACTION");
  EXPECT_TRUE(ct.columns[1].not_null);
  ASSERT_EQ(ct.foreign_keys.size(), 1u);
  EXPECT_EQ(ct.foreign_keys[0].columns, (std::vector<std::string>{"q", "p"}));
  EXPECT_EQ(ct.foreign_keys[0].ref_columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ct.foreign_keys[0].references,
            "REFERENCES other(a, b) MATCH SIMPLE DEFERRABLE INITIALLY DEFERRED");
  EXPECT_TRUE(ct.foreign_keys[0].deferred);
  EXPECT_FALSE(ct.columns[1].foreign_key->deferred);
  for (const char* immediate : {"REFERENCES p DEFERRABLE", "REFERENCES p DEFERRABLE INITIALLY IMMEDIATE",
                                "REFERENCES p NOT DEFERRABLE INITIALLY DEFERRED"}) {
    absl::StatusOr<ast::ForeignKeyDef> fk = ParseForeignKeyClause(immediate);
    ASSERT_TRUE(fk.ok()) << immediate;
    EXPECT_FALSE(fk->deferred) << immediate;
  }
  EXPECT_TRUE(ct.without_rowid);
  EXPECT_TRUE(ct.strict);
  absl::StatusOr<ast::StatementPtr> bad = ParseOne("CREATE TABLE t(a) WITHOUT rowids");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown table option: WITHOUT rowids"),
            std::string::npos);
  // The new words stay usable as names, as in SQLite.
  EXPECT_TRUE(ParseOne("CREATE TABLE match(cascade, restrict, without, deferred)").ok());
  EXPECT_TRUE(ParseOne("BEGIN IMMEDIATE TRANSACTION").ok());
  EXPECT_TRUE(ParseOne("BEGIN EXCLUSIVE").ok());
}

TEST(ParserDdlTest, IndexViewTriggerDropAlterReindex) {
  absl::StatusOr<ast::StatementPtr> idx =
      ParseOne("CREATE UNIQUE INDEX IF NOT EXISTS i1 ON t1(a, b DESC)");
  ASSERT_TRUE(idx.ok());
  const auto& ci = As<ast::CreateIndexStatement>(*idx);
  EXPECT_TRUE(ci.unique);
  EXPECT_EQ(ci.table, "t1");
  EXPECT_TRUE(ci.columns[1].descending);

  const std::string view_sql = "CREATE VIEW v1 AS SELECT x FROM t1 WHERE x>0";
  absl::StatusOr<ast::StatementPtr> view = ParseOne(view_sql);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(As<ast::CreateViewStatement>(*view).select_text,
            "SELECT x FROM t1 WHERE x>0");

  absl::StatusOr<ast::StatementPtr> trig = ParseOne(
      "CREATE TRIGGER t1r1 AFTER UPDATE OF a, b ON t1 FOR EACH ROW WHEN 1 "
      "BEGIN SELECT 1; INSERT INTO log VALUES (1); END;");
  ASSERT_TRUE(trig.ok()) << trig.status();
  const auto& tr = As<ast::CreateTriggerStatement>(*trig);
  EXPECT_EQ(tr.trigger, "t1r1");
  EXPECT_EQ(tr.table, "t1");
  EXPECT_EQ(tr.timing, ast::TriggerTiming::kAfter);
  EXPECT_EQ(tr.event, ast::TriggerEvent::kUpdate);
  EXPECT_EQ(tr.update_columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(tr.body.size(), 2u);
  EXPECT_EQ(tr.body_text, "BEGIN SELECT 1; INSERT INTO log VALUES (1); END");
  EXPECT_TRUE(ParseOne("CREATE TRIGGER r DELETE ON t BEGIN SELECT 1; END").ok());

  absl::StatusOr<ast::StatementPtr> drop = ParseOne("DROP VIEW IF EXISTS v1");
  ASSERT_TRUE(drop.ok());
  EXPECT_EQ(As<ast::DropStatement>(*drop).object, ast::ObjectKind::kView);
  EXPECT_TRUE(As<ast::DropStatement>(*drop).if_exists);
  EXPECT_EQ(As<ast::DropStatement>(*ParseOne("DROP TRIGGER x")).object,
            ast::ObjectKind::kTrigger);

  absl::StatusOr<ast::StatementPtr> split =
      ParseOne("ALTER TABLE t SPLIT AT VALUES (10), (20, 'x')");
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(As<ast::AlterSplitStatement>(*split).split_points.size(), 2u);
  absl::StatusOr<ast::StatementPtr> add =
      ParseOne("ALTER TABLE t ADD COLUMN z TEXT DEFAULT 'q'");
  ASSERT_TRUE(add.ok());
  EXPECT_EQ(As<ast::AlterAddColumnStatement>(*add).column.name, "z");
  EXPECT_EQ((*ParseOne("REINDEX"))->kind, ast::StatementKind::kReindex);
  EXPECT_EQ(As<ast::ReindexStatement>(*ParseOne("REINDEX t1")).name, "t1");
}

TEST(ParserDmlTest, InsertForms) {
  absl::StatusOr<ast::StatementPtr> s =
      ParseOne("INSERT INTO t(a, b) VALUES (1, 'x'), (2, NULL)");
  ASSERT_TRUE(s.ok());
  const auto& ins = As<ast::InsertStatement>(*s);
  EXPECT_EQ(ins.columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ins.values.size(), 2u);
  EXPECT_EQ(As<ast::InsertStatement>(*ParseOne("REPLACE INTO t VALUES (1)")).or_action,
            ast::ConflictAction::kReplace);
  EXPECT_EQ(As<ast::InsertStatement>(*ParseOne("insert or replace into t values (1)")).or_action,
            ast::ConflictAction::kReplace);
  EXPECT_TRUE(As<ast::InsertStatement>(*ParseOne("INSERT INTO t SELECT * FROM u")).select);
  absl::StatusOr<ast::StatementPtr> up = ParseOne(
      "INSERT INTO t VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = b + 1 "
      "WHERE b < 10");
  ASSERT_TRUE(up.ok()) << up.status();
  const auto& u = As<ast::InsertStatement>(*up);
  ASSERT_EQ(u.upserts.size(), 1u);
  EXPECT_EQ(u.upserts[0].conflict_target, std::vector<std::string>{"a"});
  EXPECT_EQ(u.upserts[0].do_update.size(), 1u);
  EXPECT_TRUE(u.upserts[0].do_update_where);
  EXPECT_TRUE(As<ast::InsertStatement>(
                  *ParseOne("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING"))
                  .upserts[0]
                  .do_nothing);
  // Several clauses, as SQLite 3.35+ takes them; only the last may omit
  // its target.
  absl::StatusOr<ast::StatementPtr> two = ParseOne(
      "INSERT INTO t VALUES (1, 2) ON CONFLICT (a) DO NOTHING ON CONFLICT DO UPDATE SET b = 1");
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(As<ast::InsertStatement>(*two).upserts.size(), 2u);
  EXPECT_FALSE(ParseOne("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING "
                        "ON CONFLICT (a) DO NOTHING")
                   .ok());
}

TEST(ParserDmlTest, UpdateDelete) {
  absl::StatusOr<ast::StatementPtr> s =
      ParseOne("UPDATE OR IGNORE t SET a = 1, b = a * 2 WHERE c IS NULL");
  ASSERT_TRUE(s.ok());
  const auto& up = As<ast::UpdateStatement>(*s);
  EXPECT_EQ(up.or_action, ast::ConflictAction::kIgnore);
  EXPECT_EQ(up.assignments.size(), 2u);
  EXPECT_EQ(ast::ToSql(*up.where), "(c IS NULL)");
  absl::StatusOr<ast::StatementPtr> d = ParseOne("DELETE FROM t WHERE a = 1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(As<ast::DeleteStatement>(*d).table, "t");
}

TEST(ParserStatementTest, TransactionsExplainShow) {
  EXPECT_EQ((*ParseOne("BEGIN"))->kind, ast::StatementKind::kBegin);
  EXPECT_EQ((*ParseOne("begin transaction"))->kind, ast::StatementKind::kBegin);
  EXPECT_EQ((*ParseOne("COMMIT"))->kind, ast::StatementKind::kCommit);
  EXPECT_EQ((*ParseOne("END"))->kind, ast::StatementKind::kCommit);
  EXPECT_EQ((*ParseOne("ROLLBACK"))->kind, ast::StatementKind::kRollback);
  absl::StatusOr<ast::StatementPtr> ex = ParseOne("EXPLAIN ANALYZE SELECT 1");
  ASSERT_TRUE(ex.ok());
  EXPECT_TRUE(As<ast::ExplainStatement>(*ex).analyze);
  // like(P, X) and glob(P, X) are X LIKE P and X GLOB P; the operators
  // keep parsing as before, parenthesized operands included.
  EXPECT_EQ(S("SELECT like('a%', b), glob('a*', b), like('a!%', b, '!')"),
            "SELECT (b LIKE 'a%'), (b GLOB 'a*'), (b LIKE 'a!%' ESCAPE '!')");
  EXPECT_EQ(S("SELECT b LIKE ('a%') FROM t"), "SELECT (b LIKE 'a%') FROM t");
  EXPECT_FALSE(ParseOne("SELECT glob('a', b, c)").ok());
  // SQLite's EXPLAIN QUERY PLAN is EXPLAIN; QUERY and PLAN stay names.
  absl::StatusOr<ast::StatementPtr> qp = ParseOne("EXPLAIN QUERY PLAN SELECT 1");
  ASSERT_TRUE(qp.ok()) << qp.status();
  EXPECT_EQ((*qp)->kind, ast::StatementKind::kExplain);
  EXPECT_FALSE(As<ast::ExplainStatement>(*qp).analyze);
  EXPECT_TRUE(ParseOne("SELECT query, plan FROM query AS plan").ok());
  EXPECT_EQ(S("SHOW TABLES"), "SHOW TABLES");
  EXPECT_EQ(S("show ranges from table t1"), "SHOW RANGES FROM TABLE t1");
}

TEST(ParserStatementTest, ScriptsCommentsAndCase) {
  absl::StatusOr<std::vector<ast::StatementPtr>> all = Parse(
      "-- leading comment\n;; SeLeCt 1; /* block\n comment */ select 2 ;\n");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 2u);
  EXPECT_TRUE(Parse("")->empty());
  EXPECT_TRUE(Parse("  ;  -- nothing\n")->empty());
  EXPECT_FALSE(ParseOne("SELECT 1; SELECT 2").ok());
  // Keywords that SQLite lets you use as names.
  EXPECT_EQ(S("SELECT key, replace(a, 'x', 'y') FROM \"order\""),
            "SELECT key, replace(a, 'x', 'y') FROM order");
}

TEST(ParserErrorTest, ReportsLineColumnAndToken) {
  absl::StatusOr<ast::StatementPtr> s = ParseOne("SELECT a,\n  FROM t");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  std::optional<SyntaxError> e = GetSyntaxError(s.status());
  ASSERT_TRUE(e.has_value()) << s.status();
  EXPECT_EQ(e->line, 2);
  EXPECT_EQ(e->column, 3);
  EXPECT_EQ(e->token, "FROM");
  EXPECT_NE(s.status().message().find("line 2, column 3"), std::string::npos);

  s = ParseOne("SELEC 1");
  e = GetSyntaxError(s.status());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->line, 1);
  EXPECT_EQ(e->column, 1);
  EXPECT_EQ(e->token, "SELEC");

  s = ParseOne("SELECT (1 + 2");
  e = GetSyntaxError(s.status());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->token, "<EOF>");

  s = ParseOne("SELECT 1 # 2");
  e = GetSyntaxError(s.status());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->token, "#");
  EXPECT_EQ(e->column, 10);

  s = ParseOne("SELECT 'unterminated");
  EXPECT_TRUE(GetSyntaxError(s.status()).has_value());
}

TEST(ParserErrorTest, GarbageNeverCrashes) {
  const char* inputs[] = {"(((((", "SELECT SELECT", "CREATE TABLE", ")",
                          "SELECT * FROM", "INSERT INTO t VALUES", "\x01\x02",
                          "SELECT 1 +", "CASE WHEN", "DROP", "'", "\"", "[x",
                          "SELECT a FROM t WHERE a IN (SELECT"};
  for (const char* in : inputs) {
    absl::StatusOr<std::vector<ast::StatementPtr>> r = Parse(in);
    EXPECT_FALSE(r.ok()) << in;
    EXPECT_TRUE(GetSyntaxError(r.status()).has_value()) << in << r.status();
  }
}

}  // namespace
}  // namespace tessera::parser

namespace tessera::parser {
namespace {

// Renders what ShapeCache::Parse returns, or the error.
std::string Cached(ShapeCache& cache, const std::string& sql) {
  absl::StatusOr<const std::vector<ast::StatementPtr>*> r = cache.Parse(sql);
  if (!r.ok()) return std::string(r.status().message());
  std::string out;
  for (const ast::StatementPtr& st : **r) out += ast::ToSql(*st) + ";";
  return out;
}

std::string Fresh(const std::string& sql) {
  absl::StatusOr<std::vector<ast::StatementPtr>> r = Parse(sql);
  if (!r.ok()) return std::string(r.status().message());
  std::string out;
  for (const ast::StatementPtr& st : *r) out += ast::ToSql(*st) + ";";
  return out;
}

TEST(ShapeCacheTest, ReusesTheAstOfAShapeWithNewLiterals) {
  ShapeCache cache;
  const std::vector<std::string> statements = {
      "SELECT a FROM t WHERE k = 5 AND s = 'x'",
      "SELECT a FROM t WHERE k = 7 AND s = 'it''s'",       // same shape
      "select a from t where k = 7 and s = 'y'",           // other case: another shape
      "SELECT a   FROM t /* c */ WHERE k = 9.5 AND s = X'00ff'",  // types differ
      "INSERT INTO t VALUES (1, 'a'), (2, 'b')",
      "INSERT INTO t VALUES (3, 'c'), (4, 'd')",
      "SELECT a FROM t ORDER BY 2 LIMIT 3",
      "SELECT a FROM t ORDER BY 1 LIMIT 30",
      "SELECT a FROM t WHERE k = $1 AND j = ?2 AND i = 4",
      "SELECT a FROM t WHERE k = $2 AND j = ?1 AND i = 5",  // parameters are not literals
      "UPDATE t SET a = -3 WHERE k = 0x10",
      "DELETE FROM t WHERE k IN (1, 2, 3)",
      "DELETE FROM t WHERE k IN (4, 5, 6)",
      "SELECT 99999999999999999999",                         // too big: REAL
      "SELECT -9223372036854775808",  // folded to INTEGER: not cached with its sign lost
      "SELECT -9223372036854775807",
  };
  for (const std::string& sql : statements) {
    EXPECT_EQ(Cached(cache, sql), Fresh(sql)) << sql;
  }
  EXPECT_EQ(cache.hits(), 4u);  // the four pairs above that differ only in literals
  // A second round hits every cacheable shape and still reads right.
  uint64_t before = cache.hits();
  for (const std::string& sql : statements) EXPECT_EQ(Cached(cache, sql), Fresh(sql)) << sql;
  // All but the folded literal and the two SELECTs whose column is named
  // by its literal (the name could not follow a new literal).
  EXPECT_EQ(cache.hits() - before, statements.size() - 3);
}

// A result column without an alias is named by its text, as SQLite names
// it; a statement whose name holds a literal is parsed afresh each time.
TEST(ShapeCacheTest, ColumnNamesFollowTheText) {
  ShapeCache cache;
  for (const char* sql : {"SELECT a  +  1, b FROM t WHERE k = 5", "SELECT a  +  2, b FROM t WHERE k = 6"}) {
    absl::StatusOr<const std::vector<ast::StatementPtr>*> r = cache.Parse(sql);
    ASSERT_TRUE(r.ok()) << r.status();
    const auto& select = static_cast<const ast::SelectStatement&>(*(**r)[0]);
    const std::string want = std::string(sql).substr(7, 7);
    EXPECT_EQ(select.select->cores[0].columns[0].text, want) << sql;
    EXPECT_EQ(select.select->cores[0].columns[1].text, "");  // a column: its name
  }
  EXPECT_EQ(cache.hits(), 0u);
  ASSERT_TRUE(cache.Parse("SELECT a + b FROM t WHERE k = 5").ok());
  ASSERT_TRUE(cache.Parse("SELECT a + b FROM t WHERE k = 6").ok());
  EXPECT_EQ(cache.hits(), 1u);  // no literal in the name: cached
}

TEST(ShapeCacheTest, ErrorsAndUncachedStatementsParseAsUsual) {
  ShapeCache cache;
  EXPECT_EQ(Cached(cache, "SELECT 0x10"), Fresh("SELECT 0x10"));
  // Same shape, but this literal is malformed: the full parse reports it.
  EXPECT_EQ(Cached(cache, "SELECT 0x1234567890ABCDEF12"), Fresh("SELECT 0x1234567890ABCDEF12"));
  EXPECT_NE(Fresh("SELECT 0x1234567890ABCDEF12").find("too large"), std::string::npos);
  EXPECT_EQ(Cached(cache, "SELEC 1"), Fresh("SELEC 1"));
  EXPECT_EQ(Cached(cache, "SELECT 'unterminated"), Fresh("SELECT 'unterminated"));
  // DDL and scripts are parsed every time.
  uint64_t before = cache.hits();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Cached(cache, "CREATE TABLE t(a VARCHAR(10) DEFAULT 5)"),
              Fresh("CREATE TABLE t(a VARCHAR(10) DEFAULT 5)"));
    EXPECT_EQ(Cached(cache, "SELECT 1; SELECT 2"), Fresh("SELECT 1; SELECT 2"));
  }
  EXPECT_EQ(cache.hits(), before);
}

// The cache finds shapes with its own scanner, not ANTLR's lexer: whatever
// the text, a cached answer must equal a fresh parse. Random statements
// from tricky literal spellings (numbers that stop early, blobs that are
// not, parameters, literals inside comments and quoted names), each shape
// twice with other digits, so the second one hits.
TEST(ShapeCacheTest, CachedAnswersEqualFreshParsesOnTrickyLiterals) {
  const std::vector<std::string> pieces = {
      "1",      "12",      "1.5",     "1.",       ".5",       "1e5",     "1E-3",   "1e",
      "1e+",    "0x1F",    "0x",      "0x1g",     "x'0a'",    "X'1'",    "x'zz'",  "'a''b'",
      "''",     "?1",      "$2",      "? 3",      "?",        "/* 7 */ 3", "-- 5\n 4", "\"c1\"",
      "[c2]",   "`c3`",    "a1",      "_1",       "1a",       "1_",      "1.2.3",  "9.e2",
      "-1",     "+.5e-2",  "x",       "X''",      "'x''",     "3--2",    "4/**/5", "1.5e+07",
      "0X0",    "00012",   "'it''s'", "\"q\"\"q\"", "k",      "(1)",     "1,2",    "$",
  };
  const std::vector<std::string> templates = {
      "SELECT %s FROM t WHERE k = %s",
      "SELECT a FROM t WHERE k IN (%s, %s)",
      "INSERT INTO t VALUES (%s, %s)",
      "UPDATE t SET a = %s WHERE k = %s",
      "DELETE FROM t WHERE k = %s OR k = %s",
      "SELECT %s%s",
  };
  std::mt19937 rng(11);
  auto redigit = [&](std::string piece) {
    for (char& c : piece) {
      if (c >= '1' && c <= '9') c = static_cast<char>('1' + rng() % 9);
    }
    return piece;
  };
  ShapeCache cache;
  for (int round = 0; round < 1500; ++round) {
    const std::string& tmpl = templates[rng() % templates.size()];
    std::string a = pieces[rng() % pieces.size()], b = pieces[rng() % pieces.size()];
    for (int twice = 0; twice < 2; ++twice) {
      std::string sql = tmpl;
      sql.replace(sql.find("%s"), 2, redigit(a));
      sql.replace(sql.find("%s"), 2, redigit(b));
      ASSERT_EQ(Cached(cache, sql), Fresh(sql)) << sql;
    }
  }
  EXPECT_GT(cache.hits(), 300u);  // the check above ran on real cache hits
}

TEST(ShapeCacheTest, StaysWithinItsCapacity) {
  ShapeCache cache(4);
  for (int i = 0; i < 50; ++i) {
    std::string sql = "SELECT c" + std::to_string(i) + " FROM t WHERE k = " + std::to_string(i);
    EXPECT_EQ(Cached(cache, sql), Fresh(sql));
  }
}

}  // namespace
}  // namespace tessera::parser

// ------------------------------------------------------------------ UTF-8

namespace tessera::parser {
namespace {

// ANTLR's input stream threw on these, and the exception ended the process.
TEST(Utf8Test, TextThatIsNotUtf8IsAnErrorNamingWhere) {
  for (const std::string& bad : {
           std::string("SELECT 'caf\xe9'"),          // Latin-1
           std::string("SELECT '\x80'"),              // a lone continuation byte
           std::string("SELECT 1; SELECT '\xc3"),     // cut short at the end
           std::string("SELECT '\xc0\x80'"),          // an overlong NUL
           std::string("SELECT '\xed\xa0\x80'"),      // a UTF-16 surrogate
           std::string("SELECT '\xf4\x90\x80\x80'"),  // past U+10FFFF
       }) {
    absl::StatusOr<std::vector<ast::StatementPtr>> r = Parse(bad);
    ASSERT_FALSE(r.ok()) << absl::CEscape(bad);
    EXPECT_TRUE(absl::StartsWith(r.status().message(), "invalid UTF-8 at line 1, column"))
        << r.status();
  }
  absl::StatusOr<std::vector<ast::StatementPtr>> r = Parse("SELECT 1;\nSELECT 'x\xff'");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "invalid UTF-8 at line 2, column 10 (byte 0xff)"))
      << r.status();
  // Two-, three- and four-byte characters are fine.
  EXPECT_TRUE(Parse("SELECT 'caf\xc3\xa9', '\xe2\x82\xac', '\xf0\x9f\x98\x80'").ok());
}

TEST(Utf8Test, TheShapeCacheRefusesWhatTheParserRefuses) {
  ShapeCache cache;
  ASSERT_TRUE(cache.Parse("INSERT INTO t VALUES ('abc')").ok());
  // Same shape, so a hit would skip the parser: still refused.
  absl::StatusOr<const std::vector<ast::StatementPtr>*> r =
      cache.Parse("INSERT INTO t VALUES ('ab\xe9')");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "invalid UTF-8")) << r.status();
}

}  // namespace
}  // namespace tessera::parser

// --------------------------------------------------------------- nesting

namespace tessera::parser {
namespace {

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

// "ok", or the error's message; fails the test on any other error kind.
std::string Outcome(const std::string& sql) {
  absl::StatusOr<std::vector<ast::StatementPtr>> r = Parse(sql);
  if (r.ok()) return "ok";
  EXPECT_TRUE(HasErrorKind(r.status(), ErrorKind::kTooComplex)) << r.status();
  return std::string(r.status().message());
}

std::string Parens(int n) { return "SELECT " + Repeat("(", n) + "1" + Repeat(")", n); }

// Refused as too complex, by either guard: the depth count, or (where
// ANTLR recurses per level and its frames are large, as under ASan) the
// parser's stack budget.
bool Refused(const std::string& sql) { return Outcome(sql) != "ok"; }

TEST(NestingTest, DeepExpressionsAreRefusedWithAnErrorInsteadOfOverflowingTheStack) {
  // 1000 in an optimized build on a main thread's 8 MiB stack; fewer under
  // AddressSanitizer, whose frames are several times larger.
  const int max = MaxNestingDepth();
  ASSERT_GE(max, 250);
  ASSERT_LE(max, 1000);
  const std::string too_deep = absl::StrCat("nested more than ", max, " levels deep");
  // Parentheses: each is a level; the SELECT and its outermost expression
  // are two more.
  EXPECT_EQ(Outcome(Parens(max - 3)), "ok");
  EXPECT_TRUE(absl::StrContains(Outcome(Parens(max + 1)), too_deep));
  // Far past the limit ANTLR's own recursion stops first, on the stack
  // budget: this crashed the process before.
  EXPECT_TRUE(absl::StrContains(Outcome(Parens(100000)), "nested too deeply for this thread's stack"));
  // Operator chains fold into left-deep trees without any recursion in
  // the parser: the fold counts them.
  EXPECT_EQ(Outcome("SELECT 1" + Repeat(" + 1", max - 3)), "ok");
  EXPECT_TRUE(absl::StrContains(Outcome("SELECT 1" + Repeat(" + 1", max)), too_deep));
  EXPECT_TRUE(absl::StrContains(Outcome("SELECT 1" + Repeat(" AND 1", 100000)), too_deep));
  EXPECT_TRUE(absl::StrContains(Outcome("SELECT 1" + Repeat(" || 'x'", 5000)), too_deep));
  EXPECT_TRUE(absl::StrContains(Outcome("SELECT 1" + Repeat(" IS NULL", 5000)), too_deep));
  // Unary operators.
  EXPECT_EQ(Outcome("SELECT " + Repeat("- ", max - 3) + "1"), "ok");
  EXPECT_TRUE(Refused("SELECT " + Repeat("- ", 5000) + "1"));
  EXPECT_TRUE(Refused("SELECT " + Repeat("NOT ", 5000) + "1"));
}

TEST(NestingTest, DeepQueriesAreRefusedToo) {
  const int max = MaxNestingDepth();
  // A scalar subquery is two levels (its SELECT and its result expression).
  const int ok_subqueries = (max - 4) / 2;
  EXPECT_EQ(Outcome("SELECT " + Repeat("(SELECT ", ok_subqueries) + "1" + Repeat(")", ok_subqueries)),
            "ok");
  EXPECT_TRUE(Refused("SELECT " + Repeat("(SELECT ", max) + "1" + Repeat(")", max)));
  EXPECT_TRUE(Refused("SELECT * FROM " + Repeat("(SELECT * FROM ", 3000) + "t" + Repeat(")", 3000)));
  // Flat lists that become chains of plan nodes: SQLite's limits, and each
  // item is a level.
  const int terms = std::min(499, max - 3);
  EXPECT_EQ(Outcome("SELECT 1" + Repeat(" UNION ALL SELECT 1", terms - 1)), "ok");
  EXPECT_EQ(Outcome("SELECT 1" + Repeat(" UNION ALL SELECT 1", 500)),
            "statement too complex at line 1, column 1: more than 500 terms in a compound SELECT");
  std::string join = "SELECT * FROM t0";
  for (int i = 1; i < 64; ++i) absl::StrAppend(&join, " JOIN t", i, " ON t", i, ".a = t0.a");
  EXPECT_EQ(Outcome(join), "ok");
  EXPECT_TRUE(absl::StrContains(Outcome(join + " JOIN t64 ON t64.a = t0.a"),
                                "more than 64 tables in a join"));
}

// On a thread with a small stack the limits shrink with it: the statement
// fails, the process lives.
TEST(NestingTest, ASmallThreadStackRefusesWhatAMainThreadAccepts) {
  struct Job {
    std::string sql;
    absl::Status status;
    int max = 0;
  } job{Parens(MaxNestingDepth() / 2), absl::OkStatus()};
  EXPECT_EQ(Outcome(job.sql), "ok");
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 512 << 10), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* arg) -> void* {
                  auto* j = static_cast<Job*>(arg);
                  j->max = MaxNestingDepth();
                  j->status = Parse(j->sql).status();
                  return nullptr;
                },
                &job),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_LT(job.max, 100);
  EXPECT_TRUE(HasErrorKind(job.status, ErrorKind::kTooComplex)) << job.status;
}

}  // namespace
}  // namespace tessera::parser

namespace tessera::parser {
namespace {

TEST(NamesInSqlTest, MentionsAndRenamesIdentifiersOnly) {
  EXPECT_TRUE(MentionsName("SELECT b FROM u", "U"));
  EXPECT_TRUE(MentionsName("SELECT \"B\" FROM u", "b"));
  EXPECT_TRUE(MentionsName("SELECT [b] FROM `u`", "u"));
  EXPECT_TRUE(MentionsName("SELECT plan FROM u", "plan"));  // a keyword that is a name
  EXPECT_FALSE(MentionsName("SELECT 'b', x'0b' FROM u -- b", "b"));
  EXPECT_FALSE(MentionsName("SELECT bb FROM u", "b"));
  EXPECT_TRUE(MentionsName("SELECT 'unterminated", "x"));  // unreadable: assume it does
  EXPECT_EQ(*RenameIdentifier("(c > 0) AND \"c\" < 'c' /* c */", "C", "new c"),
            "(\"new c\" > 0) AND \"new c\" < 'c' /* c */");
  EXPECT_EQ(*RenameIdentifier("c+1", "c", "select"), "\"select\"+1");
  EXPECT_FALSE(RenameIdentifier("'open", "c", "d").ok());
  EXPECT_EQ(SqlIdentifier("plain_1"), "plain_1");
  EXPECT_EQ(SqlIdentifier("select"), "\"select\"");
  EXPECT_EQ(SqlIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(SqlIdentifier("1a"), "\"1a\"");
  EXPECT_EQ(SqlIdentifier(""), "\"\"");
}

}  // namespace
}  // namespace tessera::parser

// Differential test of access paths: the same rows live in a table without
// indexes and in tables with the index shapes the sqllogictest index/
// corpus uses (multi-column, DESC, UNIQUE, FLOAT keys). Thousands of random
// predicates, joins and correlated subqueries must give the same rows on
// every table, whether the planner reads by key, by index range, by IN
// list, by lookup join, through a semi-join or by a full scan — and with
// one range per table or many.

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "session/session.h"
#include "storage/test_util.h"

namespace tessera {
namespace {

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Int(1, 100) <= percent; }

  // A constant of a random type near the columns' values.
  std::string Constant() {
    switch (Int(0, 9)) {
      case 0:
        return "NULL";
      case 1:
        return absl::StrFormat("%d.%d", Int(0, 999), Int(0, 99));
      case 2:
        return absl::StrCat("'", Int(0, 999), "'");
      case 3:
        return absl::StrCat("-", Int(0, 50));
      default:
        return absl::StrCat(Int(0, 999));
    }
  }

  std::string Column() {
    static const char* kColumns[] = {"pk", "col0", "col1", "col3", "col4", "col6", "col7"};
    return kColumns[Int(0, 6)];
  }

  std::string Comparison() {
    static const char* kOps[] = {"=", "<", "<=", ">", ">=", "<>"};
    std::string col = Column(), c = Constant(), op = kOps[Int(0, 5)];
    return Chance(20) ? absl::StrCat(c, " ", op, " ", col) : absl::StrCat(col, " ", op, " ", c);
  }

  std::string Predicate(int depth = 0) {
    int kind = Int(0, depth >= 2 ? 3 : 6);
    switch (kind) {
      case 0:
      case 1:
        return Comparison();
      case 2: {
        std::vector<std::string> values;
        int n = Int(0, 6);
        for (int i = 0; i < n; ++i) values.push_back(Constant());
        if (values.empty()) values.push_back("NULL");
        return absl::StrCat(Column(), Chance(20) ? " NOT IN (" : " IN (",
                            absl::StrJoin(values, ", "), ")");
      }
      case 3: {
        int a = Int(0, 900);
        return absl::StrCat(Column(), Chance(20) ? " NOT BETWEEN " : " BETWEEN ", a, " AND ",
                            a + Int(0, 300));
      }
      case 4:
        return absl::StrCat("(", Predicate(depth + 1), ") AND (", Predicate(depth + 1), ")");
      case 5:
        return absl::StrCat("(", Predicate(depth + 1), ") OR (", Predicate(depth + 1), ")");
      default:
        return absl::StrCat("NOT (", Predicate(depth + 1), ")");
    }
  }

 private:
  std::mt19937 rng_;
};

// A value for the untyped col6 and the NUMERIC col7: an INTEGER, a REAL with or without a
// fraction, or TEXT (a number's or a word).
std::string UntypedValue(Generator* g) {
  switch (g->Int(0, 4)) {
    case 0:
      return absl::StrCat(g->Int(0, 999), ".0");
    case 1:
      return absl::StrFormat("%d.%d", g->Int(0, 999), g->Int(1, 9));
    case 2:
      return absl::StrCat("'", g->Chance(50) ? "" : "w", g->Int(0, 999), "'");
    default:
      return absl::StrCat(g->Int(-20, 999));
  }
}

constexpr const char* kColumns =
    "(pk INTEGER PRIMARY KEY, col0 INTEGER, col1 FLOAT, col2 TEXT, col3 INTEGER, col4 FLOAT, "
    "col5 TEXT, col6, col7 DECIMAL(6,1))";

class AccessPathTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    session::DatabaseOptions o;
    o.engine.durable = false;
    o.split_rows = GetParam();
    auto db = session::Database::Open(testing::NewTempDir("access"), o);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    s_ = std::make_unique<session::Session>(db_.get());
    Exec(absl::StrCat("CREATE TABLE tab0", kColumns));
    for (int i = 1; i <= 3; ++i) Exec(absl::StrCat("CREATE TABLE tab", i, kColumns));
    Exec("CREATE INDEX i1a ON tab1 (col0)");
    Exec("CREATE INDEX i1b ON tab1 (col1)");
    Exec("CREATE INDEX i1c ON tab1 (col3)");
    Exec("CREATE INDEX i1d ON tab1 (col4)");
    Exec("CREATE INDEX i2a ON tab2 (col0, col1 DESC)");
    Exec("CREATE INDEX i2b ON tab2 (col4 DESC, col1)");
    Exec("CREATE UNIQUE INDEX i2c ON tab2 (col1 DESC)");
    Exec("CREATE INDEX i3a ON tab3 (col0 DESC, col1 DESC, col3)");
    Exec("CREATE UNIQUE INDEX i3b ON tab3 (col0, col4, col3 DESC)");
    Exec("CREATE INDEX i3c ON tab3 (col3)");
    // col6 has no type: its values keep the type they were given, so 5 and
    // 5.0 are both stored and equal, and keys hold both kinds.
    Exec("CREATE INDEX i1e ON tab1 (col6)");
    Exec("CREATE INDEX i2d ON tab2 (col6 DESC, col0)");
    Exec("CREATE INDEX i3d ON tab3 (col6, col3)");
    // col7 has NUMERIC affinity: numbers stored as INTEGER where exact,
    // REAL otherwise; text that is no number as text.
    Exec("CREATE INDEX i1f ON tab1 (col7)");
    Exec("CREATE INDEX i2e ON tab2 (col7 DESC)");
    Exec("CREATE INDEX i3e ON tab3 (col3, col7)");
    Generator g(7);
    for (int pk = 0; pk < 200; ++pk) {
      auto maybe_null = [&](std::string v) { return g.Chance(6) ? std::string("NULL") : v; };
      std::string row = absl::StrCat(
          "(", pk, ", ", maybe_null(absl::StrCat(g.Int(0, 999))), ", ",
          // col1 distinct (UNIQUE indexes on it); NULLs may repeat.
          maybe_null(absl::StrFormat("%d.%02d", pk * 3, g.Int(0, 99))), ", 'w", g.Int(0, 20),
          "', ", maybe_null(absl::StrCat(g.Int(0, 999))), ", ",
          // col4 with integral values now and then (1.0 = 1 in keys).
          maybe_null(g.Chance(30) ? absl::StrCat(g.Int(0, 999))
                                  : absl::StrFormat("%d.%d", g.Int(0, 999), g.Int(1, 9))),
          ", 'x", g.Int(0, 20), "', ", maybe_null(UntypedValue(&g)), ", ",
          maybe_null(UntypedValue(&g)), ")");
      Exec(absl::StrCat("INSERT INTO tab0 VALUES ", row));
    }
    // tab3's unique (col0, col4, col3) needs distinct triples: they are,
    // with overwhelming likelihood, and an insert failure would show here.
    for (int i = 1; i <= 3; ++i) Exec(absl::StrCat("INSERT INTO tab", i, " SELECT * FROM tab0"));
  }

  void Exec(const std::string& sql) {
    absl::StatusOr<session::ResultSet> r = s_->Execute(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status();
  }

  // Rows (or the error) rendered in order.
  std::string Run(const std::string& sql) {
    absl::StatusOr<session::ResultSet> r = s_->Execute(sql);
    if (!r.ok()) return absl::StrCat("error: ", r.status().message());
    std::string out;
    for (const auto& row : r->rows) {
      for (const Value& v : row) absl::StrAppend(&out, v.ToString(), "|");
      out += "\n";
    }
    return out;
  }

  // `pattern` with %T replaced by each table gives the same rows on all;
  // with a `reference` pattern, also the same as it does on tab0.
  void Compare(const std::string& pattern, const std::string& reference = "") {
    auto fill = [&](const std::string& text, int table) {
      std::string sql = text;
      for (size_t p; (p = sql.find("%T")) != std::string::npos;) {
        sql.replace(p, 2, absl::StrCat("tab", table));
      }
      return sql;
    };
    std::string expected = Run(fill(reference.empty() ? pattern : reference, 0));
    for (int t = reference.empty() ? 1 : 0; t <= 3; ++t) {
      ASSERT_EQ(Run(fill(pattern, t)), expected) << fill(pattern, t);
    }
  }

  std::unique_ptr<session::Database> db_;
  std::unique_ptr<session::Session> s_;
};

TEST_P(AccessPathTest, RandomPredicatesAgreeOnEveryIndexShape) {
  Generator g(1234 + GetParam());
  for (int i = 0; i < 400; ++i) {
    std::string p = g.Predicate();
    Compare(absl::StrCat("SELECT pk, col0, col1 FROM %T WHERE ", p, " ORDER BY pk"));
    Compare(absl::StrCat("SELECT count(*), sum(col0), min(col1), max(col4) FROM %T WHERE ", p));
    if (i % 4 == 0) {
      Compare(absl::StrCat("SELECT pk FROM %T WHERE ", p, " ORDER BY col1 DESC, pk LIMIT ",
                           g.Int(0, 5), " OFFSET ", g.Int(0, 3)));
      for (const char* c : {"col6", "col7"}) {
        Compare(absl::StrCat("SELECT pk, ", c, " FROM %T WHERE ", p, " ORDER BY ", c,
                             g.Chance(50) ? " DESC" : "", ", pk LIMIT ", g.Int(1, 8)));
      }
    }
  }
}

TEST_P(AccessPathTest, JoinsAndCorrelatedSubqueriesAgree) {
  Generator g(99 + GetParam());
  for (int i = 0; i < 30; ++i) {
    std::string p = g.Predicate(1);
    // Lookup joins: the probe side is filtered small, the table is read by
    // an index on the join column when it has one.
    Compare(absl::StrCat("SELECT a.pk, b.pk FROM tab0 a, %T b WHERE a.col0 = b.", g.Column(),
                         " AND a.pk < ", g.Int(0, 40), " ORDER BY 1, 2"));
    Compare(absl::StrCat("SELECT a.pk, b.pk FROM tab0 a JOIN %T b ON b.pk = a.col3 WHERE ",
                         "a.col4 > ", g.Int(0, 999), " ORDER BY 1, 2"));
    // LEFT joins: unmatched rows keep NULLs, conditions on the right input
    // stay in ON.
    Compare(absl::StrCat("SELECT a.pk, b.pk, b.col1 FROM tab0 a LEFT JOIN %T b ON b.", g.Column(),
                         " = a.col0 AND b.col4 > ", g.Int(0, 999), " WHERE a.pk < ",
                         g.Int(0, 60), " ORDER BY 1, 2"));
    // Decorrelated EXISTS / IN, checked against the same subquery run per
    // outer row (`o.pk = o.pk` is a correlation no semi-join can use).
    auto per_row = [](std::string q) {
      size_t at = q.rfind(")");
      return q.insert(at, " AND o.pk = o.pk");
    };
    std::string q = absl::StrCat("SELECT pk FROM tab0 o WHERE EXISTS (SELECT 1 FROM %T i WHERE i.",
                                 g.Column(), " = o.col3 AND (", p, ")) ORDER BY pk");
    Compare(q, per_row(q));
    q = absl::StrCat("SELECT pk FROM tab0 o WHERE o.col4 ", g.Chance(30) ? "NOT IN" : "IN",
                     " (SELECT col4 FROM %T i WHERE i.col0 = o.col0 OR ", p, ") ORDER BY pk");
    Compare(q);
    // Many IN candidates per correlation key (col2 repeats), NULLs among
    // them.
    q = absl::StrCat("SELECT pk FROM tab0 o WHERE o.", g.Column(),
                     g.Chance(50) ? " NOT IN" : " IN", " (SELECT ", g.Column(),
                     " FROM %T i WHERE i.col2 = o.col2 AND ", p, ") ORDER BY pk");
    Compare(q, per_row(q));
    q = absl::StrCat("SELECT pk FROM tab0 o WHERE o.col1 ", g.Chance(50) ? "NOT IN" : "IN",
                     " (SELECT col1 FROM %T i WHERE i.pk = o.pk + ", g.Int(-2, 2), " AND ", p,
                     ") ORDER BY pk");
    Compare(q, per_row(q));
  }
}

INSTANTIATE_TEST_SUITE_P(OneRangeAndMany, AccessPathTest, ::testing::Values(0, 16));

}  // namespace
}  // namespace tessera

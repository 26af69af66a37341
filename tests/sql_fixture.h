// One session on a fresh embedded database, for the end-to-end SQL tests
// that compare a query's rows with SQLite's answers written out by hand.

#ifndef TESSERA_TESTS_SQL_FIXTURE_H_
#define TESSERA_TESTS_SQL_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "session/session.h"
#include "storage/test_util.h"

namespace tessera::session {

class SqlTest : public ::testing::Test {
 protected:
  using V = std::vector<std::string>;

  // `null_text` is how Rows() writes NULL.
  explicit SqlTest(std::string null_text = "NULL") : null_text_(std::move(null_text)) {}

  void SetUp() override {
    DatabaseOptions options;
    options.engine.durable = false;
    auto db = Database::Open(testing::NewTempDir("sql"), options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    session_ = std::make_unique<Session>(db_.get());
  }
  // Runs `sql` and expects success.
  void Run(const std::string& sql) {
    absl::StatusOr<ResultSet> r = session_->Execute(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status();
  }
  // The rows of `sql`, each rendered as "v1|v2|...".
  V Rows(const std::string& sql, const std::vector<Value>& params = {}) {
    absl::StatusOr<ResultSet> r = session_->Execute(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    V out;
    if (!r.ok()) return out;
    for (const auto& row : r->rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        line += (i ? "|" : "") + (row[i].is_null() ? null_text_ : row[i].ToString());
      }
      out.push_back(line);
    }
    return out;
  }
  // The error of `sql`, which must fail.
  absl::Status Err(const std::string& sql) {
    absl::StatusOr<ResultSet> r = session_->Execute(sql);
    EXPECT_FALSE(r.ok()) << sql;
    return r.ok() ? absl::OkStatus() : r.status();
  }
  // The SQLSTATE of `sql`'s error ("00000" if it succeeds).
  std::string State(const std::string& sql) { return SqlState(Err(sql)); }

  std::unique_ptr<Database> db_;
  std::unique_ptr<Session> session_;

 private:
  const std::string null_text_;
};

}  // namespace tessera::session

#endif  // TESSERA_TESTS_SQL_FIXTURE_H_

// Two sessions on one embedded database, for the isolation anomaly tests
// (one test file per anomaly). Each test interleaves the two sessions'
// statements by hand, so the schedule is deterministic.

#ifndef TESSERA_TESTS_ANOMALY_FIXTURE_H_
#define TESSERA_TESTS_ANOMALY_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "session/session.h"
#include "storage/test_util.h"

namespace tessera::anomaly {

class AnomalyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    session::DatabaseOptions o;
    o.engine.durable = false;
    auto db = session::Database::Open(testing::NewTempDir("anomaly"), o);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    a_ = std::make_unique<session::Session>(db_.get());
    b_ = std::make_unique<session::Session>(db_.get());
  }

  // Runs `sql` on `s` and expects success.
  session::ResultSet Ok(session::Session& s, const std::string& sql) {
    absl::StatusOr<session::ResultSet> r = s.Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status();
    return r.ok() ? *r : session::ResultSet();
  }
  // The single integer a query returns.
  int64_t Int(session::Session& s, const std::string& sql) {
    session::ResultSet r = Ok(s, sql);
    EXPECT_EQ(r.rows.size(), 1u) << sql;
    return r.rows.empty() ? -1 : r.rows[0][0].integer();
  }
  // Runs `sql` and returns its SQLSTATE ("00000" on success).
  std::string State(session::Session& s, const std::string& sql) {
    return session::SqlState(s.Execute(sql).status());
  }

  std::unique_ptr<session::Database> db_;
  std::unique_ptr<session::Session> a_, b_;
};

}  // namespace tessera::anomaly

#endif  // TESSERA_TESTS_ANOMALY_FIXTURE_H_

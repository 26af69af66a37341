// Tessera's embedded C++ API.
//
//   auto db = tessera::Database::Open("./data");          // or "tessera://host:port"
//   auto conn = (*db)->Connect();
//   conn->Execute("CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT)");
//   auto stmt = conn->Prepare("INSERT INTO kv VALUES (?, ?)");
//   (*stmt)->Bind(1, 7); (*stmt)->Bind(2, "seven"); (*stmt)->Execute();
//   auto rs = conn->Execute("SELECT v FROM kv WHERE k = 7");
//   while (rs->Next()) std::cout << rs->GetText(0) << "\n";
//
// Ownership: Open() returns the only owner of a Database; Connections and
// PreparedStatements are owned by the caller and must be destroyed before
// the Database (and statements before their Connection). ResultSets are
// values that own their rows.
//
// Thread-safety: Database is thread-safe. A Connection and its statements
// are used by one thread at a time; use one Connection per thread.
//
// Errors are absl::Status. A serialization failure (SQLSTATE 40001) is
// kAborted: retry the transaction; RunTransaction() does so.

#ifndef TESSERA_DATABASE_H_
#define TESSERA_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tessera {

namespace session {
class Database;
class Session;
struct ResultSet;
}  // namespace session

// Column value types, as tsr_col_type reports them.
enum class ColumnType { kNull = 0, kInteger = 1, kReal = 2, kText = 3, kBlob = 4, kBoolean = 5 };

// The rows of one statement. Iterate with Next(); getters read the current
// row and take 0-based column indexes (out-of-range reads return the zero
// value; check num_columns()).
class ResultSet {
 public:
  ResultSet();
  ~ResultSet();
  ResultSet(ResultSet&&) noexcept;
  ResultSet& operator=(ResultSet&&) noexcept;

  const std::vector<std::string>& column_names() const;
  int num_columns() const;
  // Rows changed by INSERT/UPDATE/DELETE.
  int64_t rows_affected() const;
  size_t num_rows() const;

  // Advances to the next row; false after the last.
  bool Next();
  ColumnType Type(int col) const;
  bool IsNull(int col) const;
  int64_t GetInt64(int col) const;
  double GetDouble(int col) const;
  std::string GetText(int col) const;

 private:
  friend class Connection;
  friend class PreparedStatement;
  std::unique_ptr<session::ResultSet> rs_;
  long row_ = -1;
};

class PreparedStatement {
 public:
  ~PreparedStatement();
  // Binds 1-based parameter `index`; kOutOfRange for an index the statement
  // does not have.
  absl::Status Bind(int index, int64_t value);
  absl::Status Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  absl::Status Bind(int index, double value);
  absl::Status Bind(int index, absl::string_view text);
  absl::Status Bind(int index, const char* text) { return Bind(index, absl::string_view(text)); }
  absl::Status BindNull(int index);
  // Runs with the current bindings; may run again after new binds.
  absl::StatusOr<ResultSet> Execute();
  int num_parameters() const;

 private:
  friend class Connection;
  struct Impl;
  explicit PreparedStatement(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Connection {
 public:
  ~Connection();
  // Runs every statement of `sql`; returns the last one's result.
  absl::StatusOr<ResultSet> Execute(absl::string_view sql);
  // Prepares one statement (syntax errors are reported here).
  absl::StatusOr<std::unique_ptr<PreparedStatement>> Prepare(absl::string_view sql);
  absl::Status Begin();
  absl::Status Commit();
  absl::Status Rollback();
  bool in_transaction() const;
  // Runs `fn` between BEGIN and COMMIT, retrying the whole closure (up to
  // `max_attempts`) when it or the commit fails with a serialization failure.
  absl::Status RunTransaction(const std::function<absl::Status(Connection&)>& fn,
                              int max_attempts = 10);

 private:
  friend class Database;
  explicit Connection(session::Database* db);
  std::unique_ptr<session::Session> session_;
};

struct Options {
  // Skip fsync at commit (tests only; a crash may lose recent commits).
  bool durable = true;
};

class Database {
 public:
  // Opens the store in directory `target` (created on first use), or
  // connects to "tessera://host:port" (not available yet: kUnavailable).
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& target,
                                                        const Options& options = Options());
  ~Database();
  // A new connection; it must be destroyed before the Database.
  std::unique_ptr<Connection> Connect();

 private:
  Database();
  std::unique_ptr<session::Database> db_;
};

}  // namespace tessera

#endif  // TESSERA_DATABASE_H_

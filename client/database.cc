// The embedded C++ API (include/tessera/database.h) over session/.

#include <tessera/database.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "function/value_ops.h"
#include "parser/parser.h"
#include "session/session.h"

namespace tessera {

ResultSet::ResultSet() : rs_(std::make_unique<session::ResultSet>()) {}
ResultSet::~ResultSet() = default;
ResultSet::ResultSet(ResultSet&&) noexcept = default;
ResultSet& ResultSet::operator=(ResultSet&&) noexcept = default;

const std::vector<std::string>& ResultSet::column_names() const { return rs_->columns; }
int ResultSet::num_columns() const { return static_cast<int>(rs_->columns.size()); }
int64_t ResultSet::rows_affected() const { return rs_->rows_affected; }
size_t ResultSet::num_rows() const { return rs_->rows.size(); }

bool ResultSet::Next() {
  if (row_ + 1 >= static_cast<long>(rs_->rows.size())) {
    row_ = static_cast<long>(rs_->rows.size());
    return false;
  }
  ++row_;
  return true;
}

namespace {
const Value& At(const session::ResultSet& rs, long row, int col) {
  static const Value kNull;
  if (row < 0 || row >= static_cast<long>(rs.rows.size()) || col < 0 ||
      col >= static_cast<int>(rs.rows[row].size())) {
    return kNull;
  }
  return rs.rows[row][col];
}
}  // namespace

ColumnType ResultSet::Type(int col) const {
  return static_cast<ColumnType>(At(*rs_, row_, col).type());
}
bool ResultSet::IsNull(int col) const { return At(*rs_, row_, col).is_null(); }
int64_t ResultSet::GetInt64(int col) const {
  const Value& v = At(*rs_, row_, col);
  return v.is_null() ? 0 : function::Cast(v, tessera::Type::kInteger).integer();
}
double ResultSet::GetDouble(int col) const {
  const Value& v = At(*rs_, row_, col);
  return v.is_null() ? 0.0 : function::Cast(v, tessera::Type::kReal).real();
}
std::string ResultSet::GetText(int col) const {
  const Value& v = At(*rs_, row_, col);
  return v.is_null() ? "" : function::RenderText(v);
}

struct PreparedStatement::Impl {
  session::Session* session;
  std::shared_ptr<const session::PreparedSql> prepared;
  std::vector<Value> params;
};

PreparedStatement::PreparedStatement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PreparedStatement::~PreparedStatement() = default;

namespace {
absl::Status SetParam(std::vector<Value>& params, int index, Value v) {
  if (index < 1 || index > static_cast<int>(params.size())) {
    return absl::OutOfRangeError(absl::StrCat("parameter index ", index,
                                              " is out of range (1..", params.size(), ")"));
  }
  params[index - 1] = std::move(v);
  return absl::OkStatus();
}
}  // namespace

absl::Status PreparedStatement::Bind(int index, int64_t value) {
  return SetParam(impl_->params, index, Value::Integer(value));
}
absl::Status PreparedStatement::Bind(int index, double value) {
  return SetParam(impl_->params, index, Value::Real(value));
}
absl::Status PreparedStatement::Bind(int index, absl::string_view text) {
  return SetParam(impl_->params, index, Value::Text(text));
}
absl::Status PreparedStatement::BindNull(int index) {
  return SetParam(impl_->params, index, Value());
}
int PreparedStatement::num_parameters() const { return static_cast<int>(impl_->params.size()); }

absl::StatusOr<ResultSet> PreparedStatement::Execute() {
  absl::StatusOr<session::ResultSet> r = impl_->session->ExecutePrepared(*impl_->prepared, impl_->params);
  if (!r.ok()) return r.status();
  ResultSet out;
  *out.rs_ = *std::move(r);
  return out;
}

Connection::Connection(session::Database* db)
    : session_(std::make_unique<session::Session>(db)) {}
Connection::~Connection() = default;

absl::StatusOr<ResultSet> Connection::Execute(absl::string_view sql) {
  absl::StatusOr<session::ResultSet> r = session_->Execute(sql);
  if (!r.ok()) return r.status();
  ResultSet out;
  *out.rs_ = *std::move(r);
  return out;
}

absl::StatusOr<std::unique_ptr<PreparedStatement>> Connection::Prepare(absl::string_view sql) {
  absl::StatusOr<std::shared_ptr<const session::PreparedSql>> parsed =
      session::Session::Prepare(sql);
  if (!parsed.ok()) return parsed.status();
  if ((*parsed)->statements.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("Prepare takes exactly one statement, got ",
                                                   (*parsed)->statements.size()));
  }
  auto impl = std::make_unique<PreparedStatement::Impl>();
  impl->session = session_.get();
  impl->prepared = *std::move(parsed);
  impl->params.assign(impl->prepared->num_parameters, Value());
  return std::unique_ptr<PreparedStatement>(new PreparedStatement(std::move(impl)));
}

absl::Status Connection::Begin() { return session_->Execute("BEGIN").status(); }
absl::Status Connection::Commit() { return session_->Execute("COMMIT").status(); }
absl::Status Connection::Rollback() { return session_->Execute("ROLLBACK").status(); }
bool Connection::in_transaction() const { return session_->in_transaction(); }

absl::Status Connection::RunTransaction(const std::function<absl::Status(Connection&)>& fn,
                                        int max_attempts) {
  absl::Status last;
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    if (absl::Status s = Begin(); !s.ok()) return s;
    last = fn(*this);
    if (last.ok()) {
      last = Commit();
    } else if (in_transaction()) {
      (void)Rollback();
    }
    if (last.code() != absl::StatusCode::kAborted) return last;
  }
  return last;
}

Database::Database() = default;
Database::~Database() = default;

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& target,
                                                         const Options& options) {
  if (absl::StartsWith(target, "tessera://")) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", target, ": cluster connections are not available yet"));
  }
  // See tsr_env_open: Abseil's debug deadlock detector costs every lock.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  session::DatabaseOptions o;
  o.engine.durable = options.durable;
  absl::StatusOr<std::unique_ptr<session::Database>> db = session::Database::Open(target, o);
  if (!db.ok()) return db.status();
  std::unique_ptr<Database> out(new Database());
  out->db_ = *std::move(db);
  return out;
}

std::unique_ptr<Connection> Database::Connect() {
  return std::unique_ptr<Connection>(new Connection(db_.get()));
}

}  // namespace tessera

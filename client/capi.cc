// The C API (include/tessera/tessera.h) over session::Database/Session.

#include <tessera/tessera.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/version.h"
#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "function/value_ops.h"
#include "parser/parser.h"
#include "session/session.h"

using tessera::Type;
using tessera::Value;

struct tsr_env {
  int unused = 0;
};

struct tsr_stmt;

struct tsr_conn {
  std::shared_ptr<tessera::session::Database> db;
  std::unique_ptr<tessera::session::Session> session;
  bool autocommit = true;
  std::string sqlstate = "00000";
  std::string message;
  std::set<tsr_stmt*> statements;
};

struct tsr_stmt {
  tsr_conn* conn = nullptr;  // null once the connection closed
  std::shared_ptr<const tessera::session::PreparedSql> prepared;
  int num_params = 0;
  std::vector<Value> params;
  bool executed = false;
  tessera::session::ResultSet result;
  long cursor = -1;  // current row index
  int64_t row_count = 0;
  std::vector<std::string> text;  // per column, for tsr_get_text
  std::string sqlstate = "00000";
  std::string message;
};

namespace {

// Live handles: any handle not in here (NULL, freed, garbage) is invalid.
absl::Mutex g_mu;
absl::flat_hash_set<const void*>* LiveHandles() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  static auto* live = new absl::flat_hash_set<const void*>();
  return live;
}
// One Database per store directory in this process (LMDB forbids opening
// an environment twice).
std::map<std::string, std::weak_ptr<tessera::session::Database>>* OpenDatabases()
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_mu) {
  static auto* dbs = new std::map<std::string, std::weak_ptr<tessera::session::Database>>();
  return dbs;
}

void Register(const void* h) {
  absl::MutexLock l(&g_mu);
  LiveHandles()->insert(h);
}
void Unregister(const void* h) {
  absl::MutexLock l(&g_mu);
  LiveHandles()->erase(h);
}
bool Live(const void* h) {
  if (h == nullptr) return false;
  absl::MutexLock l(&g_mu);
  return LiveHandles()->contains(h);
}

template <typename H>
int SetError(H* h, const std::string& state, const std::string& message) {
  h->sqlstate = state;
  h->message = message;
  return TSR_ERROR;
}
template <typename H>
int SetError(H* h, const absl::Status& s) {
  return SetError(h, tessera::session::SqlState(s), std::string(s.message()));
}
template <typename H>
void Clear(H* h) {
  h->sqlstate = "00000";
  h->message.clear();
}

int CopyError(const std::string& state, const std::string& message, char sqlstate[6],
              const char** out) {
  if (sqlstate != nullptr) {
    std::memcpy(sqlstate, state.c_str(), 5);
    sqlstate[5] = '\0';
  }
  if (out != nullptr) *out = message.c_str();
  return TSR_OK;
}

// Opens a transaction when autocommit is off and none is open.
int EnsureTxn(tsr_conn* c) {
  if (c->autocommit || c->session->in_transaction()) return TSR_OK;
  absl::StatusOr<tessera::session::ResultSet> r = c->session->Execute("BEGIN");
  if (!r.ok()) return SetError(c, r.status());
  return TSR_OK;
}

// Common checks for statement calls: live handle, open connection.
int CheckStmt(tsr_stmt* s) {
  if (!Live(s)) return TSR_INVALID_HANDLE;
  if (s->conn == nullptr) return SetError(s, "08003", "the statement's connection is closed");
  return TSR_OK;
}

int CheckParam(tsr_stmt* s, int param) {
  if (int rc = CheckStmt(s); rc != TSR_OK) return rc;
  if (param < 1 || param > s->num_params) {
    return SetError(s, "07009",
                    absl::StrCat("parameter index ", param, " is out of range (1..",
                                 s->num_params, ")"));
  }
  Clear(s);
  return TSR_OK;
}

// The current row's value at 1-based `col`, or null with the error set.
const Value* CurrentValue(tsr_stmt* s, int col, int* rc) {
  *rc = CheckStmt(s);
  if (*rc != TSR_OK) return nullptr;
  if (!s->executed) {
    *rc = SetError(s, "HY010", "the statement has not been executed");
    return nullptr;
  }
  if (s->cursor < 0 || s->cursor >= static_cast<long>(s->result.rows.size())) {
    *rc = SetError(s, "HY010", "there is no current row (call tsr_fetch first)");
    return nullptr;
  }
  if (col < 1 || col > static_cast<int>(s->result.columns.size())) {
    *rc = SetError(s, "07009",
                   absl::StrCat("column index ", col, " is out of range (1..",
                                s->result.columns.size(), ")"));
    return nullptr;
  }
  Clear(s);
  return &s->result.rows[s->cursor][col - 1];
}

}  // namespace

extern "C" {

int tsr_env_open(tsr_env** env) {
  if (env == nullptr) return TSR_INVALID_HANDLE;
  // Abseil's debug-build deadlock detector (on in Debian's Abseil) updates
  // a lock graph on every mutex acquisition; the engine's lock order is
  // checked by its own tests instead. As tessera's main() does.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  *env = new tsr_env();
  Register(*env);
  return TSR_OK;
}

void tsr_env_close(tsr_env* env) {
  if (!Live(env)) return;
  Unregister(env);
  delete env;
}

int tsr_connect(tsr_env* env, const char* target, tsr_conn** conn) {
  if (conn == nullptr) return TSR_INVALID_HANDLE;
  *conn = nullptr;
  if (!Live(env)) return TSR_INVALID_HANDLE;
  auto* c = new tsr_conn();
  Register(c);
  *conn = c;
  if (target == nullptr || *target == '\0') {
    return SetError(c, "08001", "no connection target given");
  }
  std::string t = target;
  if (absl::StartsWith(t, "tessera://")) {
    return SetError(c, "08001",
                    absl::StrCat("cannot connect to ", t,
                                 ": cluster connections are not available yet"));
  }
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(t, ec);
  std::string key = ec ? t : canonical.string();
  {
    absl::MutexLock l(&g_mu);
    std::shared_ptr<tessera::session::Database> db = (*OpenDatabases())[key].lock();
    if (db == nullptr) {
      absl::StatusOr<std::unique_ptr<tessera::session::Database>> opened =
          tessera::session::Database::Open(t);
      if (!opened.ok()) {
        c->sqlstate = "08001";
        c->message = absl::StrCat("cannot open ", t, ": ", opened.status().message());
        return TSR_ERROR;
      }
      db = std::shared_ptr<tessera::session::Database>(std::move(*opened));
      (*OpenDatabases())[key] = db;
    }
    c->db = db;
  }
  c->session = std::make_unique<tessera::session::Session>(c->db.get());
  return TSR_OK;
}

void tsr_disconnect(tsr_conn* conn) {
  if (!Live(conn)) return;
  Unregister(conn);
  for (tsr_stmt* s : conn->statements) s->conn = nullptr;  // orphaned, still valid
  conn->session.reset();  // rolls back an open transaction
  delete conn;
}

int tsr_set_autocommit(tsr_conn* conn, int on) {
  if (!Live(conn)) return TSR_INVALID_HANDLE;
  if (conn->session == nullptr) return SetError(conn, "08003", "not connected");
  Clear(conn);
  if (on && !conn->autocommit && conn->session->in_transaction()) {
    // Turning autocommit back on commits the open transaction (as ODBC).
    absl::StatusOr<tessera::session::ResultSet> r = conn->session->Execute("COMMIT");
    if (!r.ok()) return SetError(conn, r.status());
  }
  conn->autocommit = on != 0;
  return TSR_OK;
}

static int EndTxn(tsr_conn* conn, const char* sql) {
  if (!Live(conn)) return TSR_INVALID_HANDLE;
  if (conn->session == nullptr) return SetError(conn, "08003", "not connected");
  Clear(conn);
  if (!conn->session->in_transaction()) return TSR_OK;  // nothing to end
  absl::StatusOr<tessera::session::ResultSet> r = conn->session->Execute(sql);
  if (!r.ok()) return SetError(conn, r.status());
  return TSR_OK;
}

int tsr_commit(tsr_conn* conn) { return EndTxn(conn, "COMMIT"); }
int tsr_rollback(tsr_conn* conn) { return EndTxn(conn, "ROLLBACK"); }

int tsr_exec(tsr_conn* conn, const char* sql) {
  if (!Live(conn)) return TSR_INVALID_HANDLE;
  if (conn->session == nullptr) return SetError(conn, "08003", "not connected");
  if (sql == nullptr) return SetError(conn, "42601", "no SQL given");
  Clear(conn);
  if (int rc = EnsureTxn(conn); rc != TSR_OK) return rc;
  absl::StatusOr<tessera::session::ResultSet> r = conn->session->Execute(sql);
  if (!r.ok()) return SetError(conn, r.status());
  return TSR_OK;
}

int tsr_prepare(tsr_conn* conn, const char* sql, tsr_stmt** stmt) {
  if (stmt != nullptr) *stmt = nullptr;
  if (!Live(conn) || stmt == nullptr) return TSR_INVALID_HANDLE;
  if (conn->session == nullptr) return SetError(conn, "08003", "not connected");
  if (sql == nullptr) return SetError(conn, "42601", "no SQL given");
  Clear(conn);
  absl::StatusOr<std::shared_ptr<const tessera::session::PreparedSql>> parsed =
      tessera::session::Session::Prepare(sql);
  if (!parsed.ok()) return SetError(conn, parsed.status());
  if ((*parsed)->statements.size() != 1) {
    return SetError(conn, "42601", absl::StrCat("tsr_prepare takes exactly one statement, got ",
                                                (*parsed)->statements.size()));
  }
  auto* s = new tsr_stmt();
  s->conn = conn;
  s->prepared = *std::move(parsed);
  s->num_params = s->prepared->num_parameters;
  s->params.assign(s->num_params, Value());
  conn->statements.insert(s);
  Register(s);
  *stmt = s;
  return TSR_OK;
}

int tsr_bind_null(tsr_stmt* stmt, int param) {
  if (int rc = CheckParam(stmt, param); rc != TSR_OK) return rc;
  stmt->params[param - 1] = Value();
  return TSR_OK;
}

int tsr_bind_int64(tsr_stmt* stmt, int param, int64_t value) {
  if (int rc = CheckParam(stmt, param); rc != TSR_OK) return rc;
  stmt->params[param - 1] = Value::Integer(value);
  return TSR_OK;
}

int tsr_bind_double(tsr_stmt* stmt, int param, double value) {
  if (int rc = CheckParam(stmt, param); rc != TSR_OK) return rc;
  stmt->params[param - 1] = Value::Real(value);
  return TSR_OK;
}

int tsr_bind_text(tsr_stmt* stmt, int param, const char* text, int len) {
  if (int rc = CheckParam(stmt, param); rc != TSR_OK) return rc;
  if (text == nullptr) {
    stmt->params[param - 1] = Value();
    return TSR_OK;
  }
  size_t n = len < 0 ? std::strlen(text) : static_cast<size_t>(len);
  stmt->params[param - 1] = Value::Text(absl::string_view(text, n));
  return TSR_OK;
}

int tsr_execute(tsr_stmt* stmt) {
  if (int rc = CheckStmt(stmt); rc != TSR_OK) return rc;
  Clear(stmt);
  tsr_conn* c = stmt->conn;
  stmt->executed = false;
  stmt->cursor = -1;
  stmt->text.clear();
  if (int rc = EnsureTxn(c); rc != TSR_OK) {
    return SetError(stmt, c->sqlstate, c->message);
  }
  absl::StatusOr<tessera::session::ResultSet> r = c->session->ExecutePrepared(*stmt->prepared, stmt->params);
  if (!r.ok()) return SetError(stmt, r.status());
  stmt->result = *std::move(r);
  stmt->row_count = stmt->result.rows_affected;
  stmt->executed = true;
  return TSR_OK;
}

int tsr_fetch(tsr_stmt* stmt) {
  if (int rc = CheckStmt(stmt); rc != TSR_OK) return rc;
  if (!stmt->executed) return SetError(stmt, "HY010", "fetch before execute");
  Clear(stmt);
  stmt->text.clear();
  if (stmt->cursor + 1 >= static_cast<long>(stmt->result.rows.size())) {
    stmt->cursor = static_cast<long>(stmt->result.rows.size());
    return TSR_NO_DATA;
  }
  ++stmt->cursor;
  return TSR_ROW;
}

int tsr_num_cols(tsr_stmt* stmt) {
  if (!Live(stmt)) return TSR_INVALID_HANDLE;
  return stmt->executed ? static_cast<int>(stmt->result.columns.size()) : 0;
}

const char* tsr_col_name(tsr_stmt* stmt, int col) {
  if (!Live(stmt)) return nullptr;
  if (!stmt->executed || col < 1 || col > static_cast<int>(stmt->result.columns.size())) {
    SetError(stmt, "07009", absl::StrCat("column index ", col, " is out of range"));
    return nullptr;
  }
  return stmt->result.columns[col - 1].c_str();
}

int tsr_col_type(tsr_stmt* stmt, int col) {
  if (!Live(stmt)) return TSR_INVALID_HANDLE;
  int rc;
  const Value* v = CurrentValue(stmt, col, &rc);
  if (v == nullptr) return -1;
  return static_cast<int>(v->type());
}

int tsr_get_int64(tsr_stmt* stmt, int col, int64_t* value, int* is_null) {
  int rc;
  const Value* v = CurrentValue(stmt, col, &rc);
  if (v == nullptr) return rc;
  if (is_null != nullptr) *is_null = v->is_null();
  if (value != nullptr) {
    *value = v->is_null() ? 0 : tessera::function::Cast(*v, Type::kInteger).integer();
  }
  return TSR_OK;
}

int tsr_get_double(tsr_stmt* stmt, int col, double* value, int* is_null) {
  int rc;
  const Value* v = CurrentValue(stmt, col, &rc);
  if (v == nullptr) return rc;
  if (is_null != nullptr) *is_null = v->is_null();
  if (value != nullptr) {
    *value = v->is_null() ? 0.0 : tessera::function::Cast(*v, Type::kReal).real();
  }
  return TSR_OK;
}

int tsr_get_text(tsr_stmt* stmt, int col, const char** text, int* len, int* is_null) {
  int rc;
  const Value* v = CurrentValue(stmt, col, &rc);
  if (v == nullptr) return rc;
  if (is_null != nullptr) *is_null = v->is_null();
  if (stmt->text.size() < stmt->result.columns.size()) {
    stmt->text.resize(stmt->result.columns.size());
  }
  std::string& buf = stmt->text[col - 1];
  buf = v->is_null() ? "" : tessera::function::RenderText(*v);
  if (text != nullptr) *text = buf.c_str();
  if (len != nullptr) *len = static_cast<int>(buf.size());
  return TSR_OK;
}

int64_t tsr_row_count(tsr_stmt* stmt) {
  if (!Live(stmt)) return TSR_INVALID_HANDLE;
  return stmt->row_count;
}

void tsr_finalize(tsr_stmt* stmt) {
  if (!Live(stmt)) return;
  Unregister(stmt);
  if (stmt->conn != nullptr) stmt->conn->statements.erase(stmt);
  delete stmt;
}

int tsr_conn_error(tsr_conn* conn, char sqlstate[6], const char** message) {
  if (!Live(conn)) return TSR_INVALID_HANDLE;
  return CopyError(conn->sqlstate, conn->message, sqlstate, message);
}

int tsr_stmt_error(tsr_stmt* stmt, char sqlstate[6], const char** message) {
  if (!Live(stmt)) return TSR_INVALID_HANDLE;
  return CopyError(stmt->sqlstate, stmt->message, sqlstate, message);
}

const char* tsr_version(void) { return tessera::kVersion; }

}  // extern "C"

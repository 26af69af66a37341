/* Tests of the C API, written in C against <tessera/tessera.h> only. */

#include <tessera/tessera.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int passed = 0, failed = 0;

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (cond) {                                                           \
      ++passed;                                                           \
    } else {                                                              \
      ++failed;                                                           \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                     \
  } while (0)

static const char* state_of_conn(tsr_conn* c) {
  static char state[6];
  tsr_conn_error(c, state, NULL);
  return state;
}

static const char* state_of_stmt(tsr_stmt* s) {
  static char state[6];
  tsr_stmt_error(s, state, NULL);
  return state;
}

static char dir[512];

static void test_null_handles(void) {
  char state[6];
  const char* msg = NULL;
  int64_t i = 0;
  double d = 0;
  const char* t = NULL;
  int len = 0, is_null = 0;
  CHECK(tsr_env_open(NULL) == TSR_INVALID_HANDLE);
  CHECK(tsr_connect(NULL, dir, NULL) == TSR_INVALID_HANDLE);
  CHECK(tsr_set_autocommit(NULL, 1) == TSR_INVALID_HANDLE);
  CHECK(tsr_commit(NULL) == TSR_INVALID_HANDLE);
  CHECK(tsr_rollback(NULL) == TSR_INVALID_HANDLE);
  CHECK(tsr_exec(NULL, "SELECT 1") == TSR_INVALID_HANDLE);
  CHECK(tsr_prepare(NULL, "SELECT 1", NULL) == TSR_INVALID_HANDLE);
  CHECK(tsr_bind_null(NULL, 1) == TSR_INVALID_HANDLE);
  CHECK(tsr_bind_int64(NULL, 1, 1) == TSR_INVALID_HANDLE);
  CHECK(tsr_bind_double(NULL, 1, 1.0) == TSR_INVALID_HANDLE);
  CHECK(tsr_bind_text(NULL, 1, "x", -1) == TSR_INVALID_HANDLE);
  CHECK(tsr_execute(NULL) == TSR_INVALID_HANDLE);
  CHECK(tsr_fetch(NULL) == TSR_INVALID_HANDLE);
  CHECK(tsr_num_cols(NULL) == TSR_INVALID_HANDLE);
  CHECK(tsr_col_name(NULL, 1) == NULL);
  CHECK(tsr_col_type(NULL, 1) == TSR_INVALID_HANDLE);
  CHECK(tsr_get_int64(NULL, 1, &i, &is_null) == TSR_INVALID_HANDLE);
  CHECK(tsr_get_double(NULL, 1, &d, &is_null) == TSR_INVALID_HANDLE);
  CHECK(tsr_get_text(NULL, 1, &t, &len, &is_null) == TSR_INVALID_HANDLE);
  CHECK(tsr_row_count(NULL) == TSR_INVALID_HANDLE);
  CHECK(tsr_conn_error(NULL, state, &msg) == TSR_INVALID_HANDLE);
  CHECK(tsr_stmt_error(NULL, state, &msg) == TSR_INVALID_HANDLE);
  tsr_finalize(NULL);
  tsr_disconnect(NULL);
  tsr_env_close(NULL);
  CHECK(strlen(tsr_version()) > 0);
}

static void test_session(tsr_env* env) {
  tsr_conn* conn = NULL;
  CHECK(tsr_connect(env, dir, &conn) == TSR_OK);
  CHECK(conn != NULL);
  CHECK(strcmp(state_of_conn(conn), "00000") == 0);
  CHECK(tsr_exec(conn, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL)") == TSR_OK);

  /* Insert with binds, re-executed. */
  tsr_stmt* ins = NULL;
  CHECK(tsr_prepare(conn, "INSERT INTO t VALUES (?, ?, ?)", &ins) == TSR_OK);
  for (int i = 1; i <= 3; ++i) {
    char name[16];
    snprintf(name, sizeof name, "n%d", i);
    CHECK(tsr_bind_int64(ins, 1, i) == TSR_OK);
    CHECK(tsr_bind_text(ins, 2, name, -1) == TSR_OK);
    if (i == 3) {
      CHECK(tsr_bind_null(ins, 3) == TSR_OK);
    } else {
      CHECK(tsr_bind_double(ins, 3, i * 1.5) == TSR_OK);
    }
    CHECK(tsr_execute(ins) == TSR_OK);
    CHECK(tsr_row_count(ins) == 1);
  }
  /* Bad parameter indexes. */
  CHECK(tsr_bind_int64(ins, 0, 1) == TSR_ERROR);
  CHECK(strcmp(state_of_stmt(ins), "07009") == 0);
  CHECK(tsr_bind_int64(ins, 4, 1) == TSR_ERROR);
  /* A unique violation is reported with its SQLSTATE. */
  CHECK(tsr_bind_int64(ins, 1, 1) == TSR_OK);
  CHECK(tsr_execute(ins) == TSR_ERROR);
  CHECK(strcmp(state_of_stmt(ins), "23505") == 0);
  tsr_finalize(ins);

  /* Select with typed getters. */
  tsr_stmt* sel = NULL;
  CHECK(tsr_prepare(conn, "SELECT id, name, score FROM t WHERE id >= ? ORDER BY id", &sel) == TSR_OK);
  CHECK(tsr_fetch(sel) == TSR_ERROR); /* fetch before execute */
  CHECK(strcmp(state_of_stmt(sel), "HY010") == 0);
  CHECK(tsr_bind_int64(sel, 1, 2) == TSR_OK);
  CHECK(tsr_execute(sel) == TSR_OK);
  CHECK(tsr_num_cols(sel) == 3);
  CHECK(tsr_col_name(sel, 2) != NULL && strcmp(tsr_col_name(sel, 2), "name") == 0);
  CHECK(tsr_col_name(sel, 0) == NULL);
  CHECK(tsr_col_name(sel, 4) == NULL);
  int64_t id = 0;
  double score = 0;
  const char* text = NULL;
  int len = 0, is_null = -1;
  CHECK(tsr_get_int64(sel, 1, &id, &is_null) == TSR_ERROR); /* no current row */
  CHECK(tsr_fetch(sel) == TSR_ROW);
  CHECK(tsr_col_type(sel, 1) == TSR_TYPE_INTEGER);
  CHECK(tsr_col_type(sel, 2) == TSR_TYPE_TEXT);
  CHECK(tsr_col_type(sel, 3) == TSR_TYPE_REAL);
  CHECK(tsr_col_type(sel, 9) == -1);
  CHECK(tsr_get_int64(sel, 1, &id, &is_null) == TSR_OK && id == 2 && is_null == 0);
  CHECK(tsr_get_text(sel, 2, &text, &len, &is_null) == TSR_OK && strcmp(text, "n2") == 0 && len == 2);
  CHECK(tsr_get_double(sel, 3, &score, &is_null) == TSR_OK && score == 3.0);
  CHECK(tsr_get_text(sel, 1, &text, &len, NULL) == TSR_OK && strcmp(text, "2") == 0);
  CHECK(tsr_get_int64(sel, 0, &id, NULL) == TSR_ERROR);
  CHECK(strcmp(state_of_stmt(sel), "07009") == 0);
  CHECK(tsr_get_int64(sel, 4, &id, NULL) == TSR_ERROR);
  CHECK(tsr_fetch(sel) == TSR_ROW);
  CHECK(tsr_col_type(sel, 3) == TSR_TYPE_NULL);
  CHECK(tsr_get_double(sel, 3, &score, &is_null) == TSR_OK && is_null == 1);
  CHECK(tsr_fetch(sel) == TSR_NO_DATA);
  CHECK(tsr_get_int64(sel, 1, &id, &is_null) == TSR_ERROR); /* after NO_DATA */
  CHECK(tsr_fetch(sel) == TSR_NO_DATA);
  /* Re-execute with another binding. */
  CHECK(tsr_bind_int64(sel, 1, 3) == TSR_OK);
  CHECK(tsr_execute(sel) == TSR_OK);
  CHECK(tsr_fetch(sel) == TSR_ROW);
  CHECK(tsr_fetch(sel) == TSR_NO_DATA);
  tsr_finalize(sel);

  /* A key bound as text finds its row: the text takes the INTEGER
     column's affinity in the comparison, as in SQLite. */
  CHECK(tsr_prepare(conn, "SELECT name FROM t WHERE id = ?", &sel) == TSR_OK);
  CHECK(tsr_bind_text(sel, 1, "2", -1) == TSR_OK);
  CHECK(tsr_execute(sel) == TSR_OK);
  CHECK(tsr_fetch(sel) == TSR_ROW);
  CHECK(tsr_get_text(sel, 1, &text, &len, &is_null) == TSR_OK && strcmp(text, "n2") == 0);
  CHECK(tsr_fetch(sel) == TSR_NO_DATA);
  CHECK(tsr_bind_text(sel, 1, "two", -1) == TSR_OK);
  CHECK(tsr_execute(sel) == TSR_OK);
  CHECK(tsr_fetch(sel) == TSR_NO_DATA);
  tsr_finalize(sel);

  /* Errors: syntax, unknown table and column. */
  tsr_stmt* bad = (tsr_stmt*)1;
  CHECK(tsr_prepare(conn, "SELEC 1", &bad) == TSR_ERROR && bad == NULL);
  CHECK(strcmp(state_of_conn(conn), "42601") == 0);
  CHECK(tsr_exec(conn, "SELECT * FROM nope") == TSR_ERROR);
  CHECK(strcmp(state_of_conn(conn), "42P01") == 0);
  CHECK(tsr_exec(conn, "SELECT nope FROM t") == TSR_ERROR);
  CHECK(strcmp(state_of_conn(conn), "42703") == 0);
  /* Text that is not UTF-8 (a Latin-1 e-acute), to exec and to prepare;
   * this ended the process before. */
  CHECK(tsr_exec(conn, "SELECT 'caf\xe9'") == TSR_ERROR);
  CHECK(strcmp(state_of_conn(conn), "22021") == 0);
  CHECK(tsr_prepare(conn, "SELECT name FROM t WHERE name = 'caf\xe9'", &bad) == TSR_ERROR &&
        bad == NULL);
  CHECK(strcmp(state_of_conn(conn), "22021") == 0);
  CHECK(tsr_exec(conn, "INSERT INTO t VALUES (9, NULL, 1)") == TSR_OK);
  CHECK(tsr_exec(conn, "CREATE TABLE nn(a INTEGER NOT NULL)") == TSR_OK);
  CHECK(tsr_exec(conn, "INSERT INTO nn VALUES (NULL)") == TSR_ERROR);
  CHECK(strcmp(state_of_conn(conn), "23502") == 0);
  const char* msg = NULL;
  CHECK(tsr_conn_error(conn, NULL, &msg) == TSR_OK && msg != NULL && strlen(msg) > 0);

  /* Transactions: autocommit off, rollback, commit. */
  CHECK(tsr_set_autocommit(conn, 0) == TSR_OK);
  CHECK(tsr_exec(conn, "INSERT INTO t VALUES (10, 'gone', 0)") == TSR_OK);
  CHECK(tsr_rollback(conn) == TSR_OK);
  CHECK(tsr_exec(conn, "INSERT INTO t VALUES (11, 'kept', 0)") == TSR_OK);
  CHECK(tsr_commit(conn) == TSR_OK);
  CHECK(tsr_set_autocommit(conn, 1) == TSR_OK);
  tsr_stmt* count = NULL;
  CHECK(tsr_prepare(conn, "SELECT count(*) FROM t WHERE id >= 10", &count) == TSR_OK);
  CHECK(tsr_execute(count) == TSR_OK && tsr_fetch(count) == TSR_ROW);
  CHECK(tsr_get_int64(count, 1, &id, NULL) == TSR_OK && id == 1);

  tsr_finalize(count);

  /* RETURNING: the generated key comes back as a row; the statement still
     counts the rows it changed, and last_insert_rowid() agrees. */
  CHECK(tsr_exec(conn, "CREATE TABLE log(id INTEGER PRIMARY KEY, what TEXT)") == TSR_OK);
  tsr_stmt* ret = NULL;
  CHECK(tsr_prepare(conn, "INSERT INTO log(what) VALUES (?) RETURNING id, upper(what)", &ret) ==
        TSR_OK);
  for (int i = 1; i <= 2; ++i) {
    CHECK(tsr_bind_text(ret, 1, "hello", -1) == TSR_OK);
    CHECK(tsr_execute(ret) == TSR_OK);
    CHECK(tsr_row_count(ret) == 1);
    CHECK(tsr_num_cols(ret) == 2);
    CHECK(tsr_fetch(ret) == TSR_ROW);
    CHECK(tsr_get_int64(ret, 1, &id, NULL) == TSR_OK && id == i);
    CHECK(tsr_get_text(ret, 2, &text, NULL, NULL) == TSR_OK && strcmp(text, "HELLO") == 0);
    CHECK(tsr_fetch(ret) == TSR_NO_DATA);
  }
  tsr_finalize(ret);
  CHECK(tsr_prepare(conn, "SELECT last_insert_rowid(), changes()", &ret) == TSR_OK);
  CHECK(tsr_execute(ret) == TSR_OK && tsr_fetch(ret) == TSR_ROW);
  CHECK(tsr_get_int64(ret, 1, &id, NULL) == TSR_OK && id == 2);
  CHECK(tsr_get_int64(ret, 2, &id, NULL) == TSR_OK && id == 1);
  tsr_finalize(ret);
  CHECK(tsr_prepare(conn, "SELECT count(*) FROM t WHERE id >= 10", &count) == TSR_OK);

  /* A second connection to the same directory shares the store. */
  tsr_conn* other = NULL;
  CHECK(tsr_connect(env, dir, &other) == TSR_OK);
  tsr_stmt* seen = NULL;
  CHECK(tsr_prepare(other, "SELECT name FROM t WHERE id = 11", &seen) == TSR_OK);
  CHECK(tsr_execute(seen) == TSR_OK && tsr_fetch(seen) == TSR_ROW);
  CHECK(tsr_get_text(seen, 1, &text, NULL, NULL) == TSR_OK && strcmp(text, "kept") == 0);
  tsr_finalize(seen);
  tsr_disconnect(other);

  /* A statement outlives its connection: calls fail cleanly. */
  tsr_disconnect(conn);
  CHECK(tsr_execute(count) == TSR_ERROR);
  CHECK(strcmp(state_of_stmt(count), "08003") == 0);
  CHECK(tsr_fetch(count) == TSR_ERROR);
  tsr_finalize(count);
  /* Freed handles are recognized, so a double free does nothing. */
  tsr_finalize(count);
  tsr_disconnect(conn);
  CHECK(tsr_exec(conn, "SELECT 1") == TSR_INVALID_HANDLE);
}

static void test_connect_failures(tsr_env* env) {
  tsr_conn* conn = NULL;
  CHECK(tsr_connect(env, "tessera://127.0.0.1:1", &conn) == TSR_ERROR);
  CHECK(conn != NULL);
  CHECK(strcmp(state_of_conn(conn), "08001") == 0);
  tsr_disconnect(conn);
  conn = NULL;
  CHECK(tsr_connect(env, "/proc/not/a/place", &conn) == TSR_ERROR);
  CHECK(strcmp(state_of_conn(conn), "08001") == 0);
  CHECK(tsr_exec(conn, "SELECT 1") == TSR_ERROR);
  tsr_disconnect(conn);
}

int main(void) {
  const char* tmp = getenv("TEST_TMPDIR");
  snprintf(dir, sizeof dir, "%s/capi-%d", tmp != NULL ? tmp : "/tmp", (int)getpid());
  test_null_handles();
  tsr_env* env = NULL;
  CHECK(tsr_env_open(&env) == TSR_OK);
  test_session(env);
  test_connect_failures(env);
  tsr_env_close(env);
  tsr_env_close(env); /* already closed: ignored */
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

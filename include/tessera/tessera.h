/*
 * Tessera's ODBC-like C API.
 *
 * Handles are opaque. Lifecycle:
 *   tsr_env_open -> tsr_connect -> (tsr_exec | tsr_prepare -> tsr_bind_* ->
 *   tsr_execute -> tsr_fetch -> tsr_get_* ... -> tsr_finalize) ->
 *   tsr_disconnect -> tsr_env_close.
 * Parameter and column indexes are 1-based, as in ODBC.
 *
 * Every function taking a handle accepts NULL (and a handle that was already
 * freed) and returns TSR_INVALID_HANDLE; the free/close functions do nothing
 * then. Error text is owned by the library and stays valid until the next
 * call on the same handle. Text returned by tsr_get_text stays valid until
 * the next tsr_fetch/tsr_execute/tsr_finalize of its statement.
 *
 * A statement whose connection was closed stays a valid handle: every call
 * on it fails with SQLSTATE 08003 until tsr_finalize frees it.
 *
 * Thread-safety: a connection and its statements are used by one thread at a
 * time; different connections may be used from different threads.
 *
 * SQLSTATEs: 42601 syntax error, 42P01 unknown table, 42703 unknown column,
 * 42883 unknown function (or wrong arguments), 23505 unique violation,
 * 23502 not-null violation, 23514 check violation, 40001 serialization
 * failure (retry the transaction), 22021 SQL text that is not UTF-8, 54001
 * statement too complex (expressions or queries nested more than 1000 deep,
 * more than 2000 columns), 54000 a key (primary key, index entry, name)
 * longer than the store takes, 53100 disk full, 08001 cannot connect, 08003
 * connection closed, 07009 bad column/parameter index, 07002 a parameter
 * left without a value, HY010 function sequence error (e.g. fetch before
 * execute). Other errors carry their standard class where one fits (42704,
 * 42701, 42803, 42P10, 42P19, 22003, 25P01, 25001, 0A000, 53200, 54000),
 * else XX000.
 */
#ifndef TESSERA_TESSERA_H_
#define TESSERA_TESSERA_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tsr_env tsr_env;
typedef struct tsr_conn tsr_conn;
typedef struct tsr_stmt tsr_stmt;

#define TSR_OK 0
#define TSR_ERROR 1
#define TSR_ROW 100
#define TSR_NO_DATA 101
#define TSR_INVALID_HANDLE (-2)

#define TSR_TYPE_NULL 0
#define TSR_TYPE_INTEGER 1
#define TSR_TYPE_REAL 2
#define TSR_TYPE_TEXT 3
#define TSR_TYPE_BLOB 4
#define TSR_TYPE_BOOLEAN 5

/* Creates an environment; *env receives it (caller frees with tsr_env_close). */
int tsr_env_open(tsr_env **env);
/* Frees an environment; its connections must be closed first. NULL: no-op. */
void tsr_env_close(tsr_env *env);

/* Connects to `target`: a directory (the embedded store, created on first
 * use) or "tessera://host:port". *conn always receives a handle; on failure
 * tsr_conn_error says why (08001), and tsr_disconnect frees it. */
int tsr_connect(tsr_env *env, const char *target, tsr_conn **conn);
/* Closes a connection (rolling back an open transaction). NULL: no-op. */
void tsr_disconnect(tsr_conn *conn);

/* Autocommit is on by default; off, statements run in one transaction until
 * tsr_commit or tsr_rollback. */
int tsr_set_autocommit(tsr_conn *conn, int on);
int tsr_commit(tsr_conn *conn);
int tsr_rollback(tsr_conn *conn);

/* Runs statements without results (results, if any, are discarded). */
int tsr_exec(tsr_conn *conn, const char *sql);

/* Prepares one statement; *stmt receives it (free with tsr_finalize). A
 * syntax error fails here, with *stmt set to NULL. */
int tsr_prepare(tsr_conn *conn, const char *sql, tsr_stmt **stmt);
int tsr_bind_null(tsr_stmt *stmt, int param);
int tsr_bind_int64(tsr_stmt *stmt, int param, int64_t value);
int tsr_bind_double(tsr_stmt *stmt, int param, double value);
/* len < 0: up to the NUL. The text is copied. */
int tsr_bind_text(tsr_stmt *stmt, int param, const char *text, int len);
/* Runs the statement with the current bindings; re-executable. */
int tsr_execute(tsr_stmt *stmt);
/* Moves to the next row: TSR_ROW, TSR_NO_DATA, or an error. */
int tsr_fetch(tsr_stmt *stmt);
/* Columns of the executed statement's result (0 before execute or without
 * a result). */
int tsr_num_cols(tsr_stmt *stmt);
/* Name of column `col`, or NULL (bad index: 07009). */
const char *tsr_col_name(tsr_stmt *stmt, int col);
/* TSR_TYPE_* of the value in the current row; -1 without a current row or
 * for a bad index (see tsr_stmt_error). */
int tsr_col_type(tsr_stmt *stmt, int col);
/* Typed getters for the current row. *is_null (may be NULL) reports SQL NULL.
 * Numbers convert to each other; text converts by its numeric prefix. */
int tsr_get_int64(tsr_stmt *stmt, int col, int64_t *value, int *is_null);
int tsr_get_double(tsr_stmt *stmt, int col, double *value, int *is_null);
/* Text of the value (numbers rendered); *text valid until the next fetch. */
int tsr_get_text(tsr_stmt *stmt, int col, const char **text, int *len, int *is_null);
/* Rows changed by the last INSERT/UPDATE/DELETE of this statement. */
int64_t tsr_row_count(tsr_stmt *stmt);
/* Frees a statement. NULL: no-op. */
void tsr_finalize(tsr_stmt *stmt);

/* The last diagnostic: SQLSTATE (5 chars + NUL, "00000" when none) and a
 * message owned by the library. Either output may be NULL. */
int tsr_conn_error(tsr_conn *conn, char sqlstate[6], const char **message);
int tsr_stmt_error(tsr_stmt *stmt, char sqlstate[6], const char **message);

/* The library version, e.g. "0.1.0". */
const char *tsr_version(void);

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_TESSERA_H_ */

/* A complete program against the C API: create, insert with binds, query.
 *   cc examples/hello.c -I include -L bazel-bin -ltessera -Wl,-rpath,bazel-bin -o hello
 */
#include <stdio.h>
#include <tessera/tessera.h>

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "hello-data";
  tsr_env* env = NULL;
  tsr_conn* conn = NULL;
  tsr_env_open(&env);
  if (tsr_connect(env, dir, &conn) != TSR_OK) {
    char state[6];
    const char* msg;
    tsr_conn_error(conn, state, &msg);
    fprintf(stderr, "connect: %s (%s)\n", msg, state);
    tsr_disconnect(conn);
    tsr_env_close(env);
    return 1;
  }
  tsr_exec(conn, "CREATE TABLE IF NOT EXISTS greetings(id INTEGER PRIMARY KEY, text TEXT)");
  tsr_stmt* ins = NULL;
  tsr_prepare(conn, "INSERT OR REPLACE INTO greetings VALUES (?, ?)", &ins);
  tsr_bind_int64(ins, 1, 1);
  tsr_bind_text(ins, 2, "hello, tessera", -1);
  tsr_execute(ins);
  tsr_finalize(ins);
  tsr_stmt* sel = NULL;
  tsr_prepare(conn, "SELECT id, text FROM greetings ORDER BY id", &sel);
  tsr_execute(sel);
  while (tsr_fetch(sel) == TSR_ROW) {
    int64_t id;
    const char* text;
    tsr_get_int64(sel, 1, &id, NULL);
    tsr_get_text(sel, 2, &text, NULL, NULL);
    printf("%lld %s\n", (long long)id, text);
  }
  tsr_finalize(sel);
  tsr_disconnect(conn);
  tsr_env_close(env);
  return 0;
}

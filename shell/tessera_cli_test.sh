#!/usr/bin/env bash
# Drives the `tessera` binary the way a user does, in script mode: through a
# pipe, with -e and -f, checking output, stderr and exit status exactly.
set -uo pipefail
bin=./tessera
store="$TEST_TMPDIR/cli-store"
passed=0
failed=0
expect() {  # expect NAME ACTUAL EXPECTED
  if [ "$2" == "$3" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n--- expected\n%s\n--- actual\n%s\n' "$1" "$3" "$2"
  fi
}

out=$(printf 'CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);\nINSERT INTO t VALUES (1, '"'"'x'"'"'), (2, NULL);\nSELECT * FROM t ORDER BY a;\n' |
      "$bin" sql --store "$store" 2>&1)
expect "pipe" "$out" "2 rows affected
+---+------+
| a | b    |
+---+------+
| 1 | x    |
| 2 | NULL |
+---+------+
(2 rows)"

out=$("$bin" sql --store "$store" --format csv -e "SELECT a, b FROM t WHERE a = 1" 2>&1)
expect "-e csv" "$out" "a,b
1,x"

printf 'SELECT count(*) AS n FROM t;\n' > "$TEST_TMPDIR/s.sql"
out=$("$bin" sql --store "$store" --format tsv -f "$TEST_TMPDIR/s.sql" 2>&1)
expect "-f" "$out" "n
2"

out=$(printf 'SELECT 1 AS one;\nSELECT * FROM missing;\nSELECT 2 AS two;\n' | "$bin" sql --store "$store" 2>&1)
status=$?
expect "stops at error: status" "$status" "1"
expect "stops at error: output" "$out" "+-----+
| one |
+-----+
|   1 |
+-----+
(1 row)
ERROR: no such table: missing (SQLSTATE 42P01)"

out=$(printf 'SELECT * FROM missing;\nSELECT 2 AS two;\n' | "$bin" sql --store "$store" --keep-going 2>/dev/null)
status=$?
expect "keep-going status" "$status" "1"
expect "keep-going output" "$out" "+-----+
| two |
+-----+
|   2 |
+-----+
(1 row)"

# The same script twice gives byte-identical output.
a=$(printf 'SELECT a, b FROM t ORDER BY a;\n' | "$bin" sql --store "$store" --format json)
b=$(printf 'SELECT a, b FROM t ORDER BY a;\n' | "$bin" sql --store "$store" --format json)
expect "reproducible" "$a" "$b"
expect "json" "$a" '[{"a": 1, "b": "x"},
 {"a": 2, "b": null}]'

out=$("$bin" sql --host 127.0.0.1:1 -e "SELECT 1" 2>&1)
expect "--host" "$out" "ERROR: connecting to a cluster (--host) is not yet available in this build"

# Usage mistakes: a clear error and status 2, nothing run.
out=$("$bin" sql --store "$store" --format bogus -e "SELECT 1" 2>&1)
status=$?
expect "--format bogus" "$status: $out" '2: ERROR: --format takes table, csv, tsv, json or line, not "bogus"'
out=$("$bin" sql --store "$store" -e 2>&1)
status=$?
expect "-e without SQL" "$status: $out" "2: ERROR: -e needs an SQL text"
out=$("$bin" sql --store "$store" -f "$TEST_TMPDIR" 2>&1)
status=$?
expect "-f a directory" "$status: $out" "1: ERROR: cannot read $TEST_TMPDIR: Is a directory"
out=$("$bin" sql --store "$store" -f "$TEST_TMPDIR/missing.sql" 2>&1)
status=$?
expect "-f missing" "$status: $out" "1: ERROR: cannot open $TEST_TMPDIR/missing.sql: No such file or directory"
out=$("$bin" sql --store "$store" -e ".read $TEST_TMPDIR/missing.sql" 2>&1)
status=$?
expect "-e .read" "$status: $out" "1: ERROR: cannot open $TEST_TMPDIR/missing.sql: No such file or directory"
out=$("$bin" --version 2>&1)
expect "--version" "$out" "tessera 0.1.0"

# Bytes that are not UTF-8 (a Latin-1 e-acute) ended the process.
out=$(printf "SELECT 'caf\xe9';\n" | "$bin" sql --store "$store" 2>&1)
status=$?
expect "not UTF-8" "$status: $out" "1: ERROR: invalid UTF-8 at line 1, column 12 (byte 0xe9): SQL text must be UTF-8 (SQLSTATE 22021)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

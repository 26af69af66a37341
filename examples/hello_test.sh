#!/usr/bin/env bash
# Runs the C example twice on one store: the row is written once and read back.
set -euo pipefail
dir="$TEST_TMPDIR/hello-data"
out=$(examples/hello "$dir")
[ "$out" = "1 hello, tessera" ] || { echo "unexpected output: $out"; exit 1; }
out=$(examples/hello "$dir")
[ "$out" = "1 hello, tessera" ] || { echo "unexpected output on rerun: $out"; exit 1; }
echo "1 passed, 0 failed"

#!/usr/bin/env bash
# Runs the C++ example twice: each run moves 30 from account 1 to 2.
set -euo pipefail
dir="$TEST_TMPDIR/bank"
[ "$(examples/kv_example "$dir" | tr '\n' ' ')" = "1 70 2 30 " ] || { echo "first run wrong"; exit 1; }
[ "$(examples/kv_example "$dir" | tr '\n' ' ')" = "1 40 2 60 " ] || { echo "second run wrong"; exit 1; }
echo "1 passed, 0 failed"

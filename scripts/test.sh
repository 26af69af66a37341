#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test.
# Ends with one line "N passed, N failed" counting individual test cases
# (GoogleTest cases; a test binary that crashes counts as one failure).
#
#   bash scripts/test.sh            the suite CI runs
#   bash scripts/test.sh --asan     the same under AddressSanitizer + UBSan
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

config=()
if [ "${1:-}" = "--asan" ]; then config=(--config=asan); fi

bazel build --keep_going "${config[@]}" //...
build_rc=$?
bazel test --keep_going "${config[@]}" //...
test_rc=$?

# Sum the per-case counts from each current test target's XML report.
testlogs=$(bazel info "${config[@]}" bazel-testlogs 2>/dev/null)
passed=0
failed=0
for target in $(bazel query 'tests(//...)' 2>/dev/null); do
  path=${target#//}
  path=${path/://}
  xml="$testlogs/$path/test.xml"
  if [ ! -f "$xml" ]; then
    failed=$((failed + 1))  # never ran (build failure)
    continue
  fi
  read -r tests failures errors < <(python3 - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError:
    print(1, 1, 0); sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = f = e = 0
for s in suites:
    t += int(s.get("tests", 0)); f += int(s.get("failures", 0)); e += int(s.get("errors", 0))
# A crashed binary can leave a report with zero cases; count it as a failure.
print(max(t, 1), f + e if t else 1, 0)
PY
  )
  passed=$((passed + tests - failures))
  failed=$((failed + failures))
done
# SQL conformance: SQLite's sqllogictest corpus beside the project, with one
# range per table and with tables split every 8 rows.
corpus=../shared/sqllogictest
if [ -d "$corpus" ]; then
  slt_files=("$corpus"/select*.test "$corpus"/evidence/*.test)
  for mode in "" "--split-rows=8"; do
    out=$(bazel-bin/tests/slt $mode "${slt_files[@]}" 2>&1)
    echo "$out" | grep -v ': [0-9]* passed, 0 failed' | tail -40
    read -r slt_passed slt_failed < <(echo "$out" | tail -1 |
      sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p')
    echo "sqllogictest ${mode:-one range per table}: ${slt_passed:-0} passed, ${slt_failed:-?} failed"
    passed=$((passed + ${slt_passed:-0}))
    failed=$((failed + ${slt_failed:-1}))
  done
else
  echo "sqllogictest corpus not found at $corpus"
  failed=$((failed + 1))
fi

# Architecture checks (ANTLR confinement, no upward dependencies).
checks=$(bash tests/check_layering.sh)
echo "$checks"
read -r check_passed check_failed < <(echo "$checks" |
  sed -n 's/^checks: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
passed=$((passed + ${check_passed:-0}))
failed=$((failed + ${check_failed:-1}))

if [ "$build_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

echo "$passed passed, $failed failed"
[ "$build_rc" -eq 0 ] && [ "$test_rc" -eq 0 ] && [ "$failed" -eq 0 ]

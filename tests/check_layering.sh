#!/usr/bin/env bash
# Architecture checks that a compiler cannot make (run by scripts/test.sh):
#   1. no file outside parser/ includes an ANTLR header;
#   2. no layer depends on a layer above it (DESIGN.md section 1), checked on
#      the real Bazel dependency graph.
# Prints one line per check ("PASS: ..." / "FAIL: ...") and, last,
# "checks: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
check() {  # check NAME OUTPUT-THAT-MUST-BE-EMPTY
  if [ -z "$2" ]; then
    echo "PASS: $1"
    passed=$((passed + 1))
  else
    echo "FAIL: $1"
    echo "$2" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
}

antlr=$(grep -rlE '#include *[<"](antlr4-runtime|antlr4|ANTLR|.*Parser\.h|.*Lexer\.h)' \
          --include='*.h' --include='*.cc' . 2>/dev/null |
        grep -v '^\./parser/' | grep -v '^\./bazel-' || true)
check "no ANTLR header outside parser/" "$antlr"

# Lowest first. A package may depend only on packages earlier in this list
# (net/ and server/ sit beside the stack and are checked separately).
layers=(common function storage kv txn catalog parser planner exec session client shell)
present=()
for l in "${layers[@]}"; do [ -d "$l" ] && present+=("$l"); done
upward=""
for ((i = 0; i < ${#present[@]}; i++)); do
  lower=${present[$i]}
  for ((j = i + 1; j < ${#present[@]}; j++)); do
    upper=${present[$j]}
    hits=$(bazel query --noshow_progress \
             "deps(//$lower/...) intersect //$upper/..." 2>/dev/null || true)
    [ -n "$hits" ] && upward+="//$lower depends on: $hits"$'\n'
  done
  if [ -d net ]; then
    case "$lower" in
      common|function|storage|kv|txn|catalog|parser|planner|exec)
        hits=$(bazel query --noshow_progress \
                 "deps(//$lower/...) intersect //net/..." 2>/dev/null || true)
        [ -n "$hits" ] && upward+="//$lower depends on net/: $hits"$'\n'
        ;;
    esac
  fi
done
check "no layer depends on a layer above it" "$upward"

echo "checks: $passed passed, $failed failed"

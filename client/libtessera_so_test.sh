#!/usr/bin/env bash
# The shared library as a C programmer meets it: it exports exactly the
# functions include/tessera/tessera.h declares, and C programs compiled with
# plain `cc` against the header and linked with -ltessera (the README's
# command) run: the example, and the whole C API test suite.
set -euo pipefail
out="$TEST_TMPDIR"
failed=0

# The runfiles hold a symlink; link against a real file named as -l expects.
mkdir -p "$out/lib"
cp -L libtessera.so "$out/lib/libtessera.so"

declared=$(grep -o '\btsr_[a-z0-9_]*(' include/tessera/tessera.h | tr -d '(' | sort -u)
# Defined dynamic symbols. GNU ld keeps a few weak std::string members
# exported although the version script says local: under C++20 libstdc++'s
# headers stop declaring them extern templates, so our objects carry copies,
# and libraries on the link line name them. They are libstdc++'s own code;
# anything else beyond tsr_* is a leak.
exported=$(nm -D --defined-only "$out/lib/libtessera.so" |
  awk '!($2 == "W" && $3 ~ /^_Z(N|NK)?St/) {print $3}' | sort -u)
if [ "$declared" != "$exported" ]; then
  echo "exported symbols differ from the header's functions:"
  diff <(echo "$declared") <(echo "$exported") | head -40 || true
  failed=$((failed + 1))
fi

# Under `--config=asan` the library needs the sanitizer runtimes, and ASan
# must be the first library a program loads: build the programs with it too.
# (Not `readelf | grep -q`: with pipefail, grep leaving early can kill
# readelf with SIGPIPE, which made the test fail now and then under load.)
sanitize=()
if [[ "$(readelf -d "$out/lib/libtessera.so")" == *libasan* ]]; then
  sanitize=(-fsanitize=address,undefined)
fi

build() {  # source output
  cc -std=c99 -Wall -Werror "${sanitize[@]}" "$1" -I include -L "$out/lib" -ltessera \
    -Wl,-rpath,"$out/lib" -o "$2"
}

build examples/hello.c "$out/hello"
got=$("$out/hello" "$out/hello-data")
if [ "$got" != "1 hello, tessera" ]; then
  echo "hello printed: $got"
  failed=$((failed + 1))
fi

# The program's own library search must find ours, not a copy elsewhere.
resolved=$(ldd "$out/hello" | awk '$1 == "libtessera.so" {print $3}')
if [ -z "$resolved" ] || [ "$(readlink -f "$resolved")" != "$(readlink -f "$out/lib/libtessera.so")" ]; then
  echo "hello is not linked against the built library:"; ldd "$out/hello"
  failed=$((failed + 1))
fi

build client/capi_test.c "$out/capi_test"
if ! "$out/capi_test"; then
  echo "capi_test against libtessera.so failed"
  failed=$((failed + 1))
fi

echo "$((4 - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

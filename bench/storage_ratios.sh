#!/usr/bin/env bash
# Builds and runs the storage benchmark, then prints each MVCC operation's
# time as a ratio of the same operation on raw LMDB (same binary, same run).
#
#   bash bench/storage_ratios.sh [extra Google Benchmark flags]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
bazel build -c opt //bench:storage_bench >/dev/null 2>&1
out=$(mktemp)
bazel-bin/bench/storage_bench --benchmark_min_time=0.5 \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out" --benchmark_out_format=json "$@" >&2
python3 - "$out" <<'PY'
import json, sys
# Medians of the repetitions, keyed by the benchmark's base name.
runs = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b.get("aggregate_name") == "median"}
print("| operation | raw LMDB ns/op | MVCC ns/op | MVCC / raw (median of 5) |")
print("| --- | --- | --- | --- |")
for name in sorted({n.rsplit("_", 1)[0] for n in runs}):
    raw, mvcc = runs.get(name + "_RawLmdb"), runs.get(name + "_Mvcc")
    if not raw or not mvcc:
        continue
    r, m = raw["cpu_time"], mvcc["cpu_time"]
    print(f"| {name[3:]} | {r:,.0f} | {m:,.0f} | {m / r:.2f}x |")
PY
rm -f "$out"

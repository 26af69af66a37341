#!/usr/bin/env bash
# Runs the same workloads on Tessera (C API), SQLite (WAL and default journal,
# C API) and PostgreSQL 15 (libpq, a private server on 127.0.0.1 started and
# stopped here) and prints one table with the ratios Tessera/peer; then runs
# W1-W5 as SQL scripts through the shells (tessera sql -f, sqlite3, psql -f)
# and prints a second table. W6 has no shell form: a script cannot retry a
# transaction that fails with a serialization conflict.
#
#   bash bench/compare.sh [--quick] [--only W3,W6] [--no-shells]
set -euo pipefail
cd "$(dirname "$0")/.."
shells=1
args=()
for a in "$@"; do
  if [ "$a" = --no-shells ]; then shells=0; else args+=("$a"); fi
done
set -- "${args[@]+"${args[@]}"}"
bash scripts/setup.sh >/dev/null
need=()
for p in libsqlite3-dev sqlite3 postgresql-15 libpq-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
bazel build -c opt //bench:compare //:tessera >/dev/null 2>&1
# Bazel's server keeps a core busy for several seconds after a build (its
# JVM cleans up), which slowed whichever system ran first by up to 30% on a
# 2-core machine. Nothing below needs Bazel: stop it so every system runs on
# a quiet machine. The next bazel command starts a new server.
bazel shutdown >/dev/null 2>&1 || true
# Another workspace's Bazel server (a second clone, say) does the same.
if pgrep -f 'A-server.jar' >/dev/null 2>&1; then
  echo "compare.sh: warning: another Bazel server is running (pgrep -af A-server.jar);" \
    "it takes CPU from the measurements — 'bazel shutdown' in its workspace" >&2
fi

work=$(mktemp -d /tmp/tessera-compare.XXXXXX)
chmod 755 "$work"
pgdata="$work/pgdata"
port=55432
pgbin=/usr/lib/postgresql/15/bin
mkdir -p "$pgdata"
chown postgres "$pgdata" "$work"
runuser -u postgres -- "$pgbin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -l "$work/pg.log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1" start >/dev/null
trap 'runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

bazel-bin/bench/compare --dir "$work/data" \
  --pg "host=127.0.0.1 port=$port user=postgres dbname=postgres" "$@"

# ------------------------------------------------------------------ shells
[ "$shells" = 1 ] || exit 0
scripts="$work/scripts"
bazel-bin/bench/compare --write-scripts "$scripts" "$@"
chmod -R a+rX "$scripts"
pgconn="host=127.0.0.1 port=$port user=postgres dbname=postgres"
sqlite3 "$work/shell-wal.db" "PRAGMA journal_mode=WAL;" >/dev/null
run() {  # system script
  case "$1" in
    tessera) bazel-bin/tessera sql --store "$work/shell-tessera" -f "$2" ;;
    sqlite-wal) sqlite3 -bail "$work/shell-wal.db" < "$2" ;;
    sqlite) sqlite3 -bail "$work/shell.db" < "$2" ;;
    postgres) psql -X -q -v ON_ERROR_STOP=1 "$pgconn" -f "$2" ;;
  esac
}
systems=(tessera sqlite-wal sqlite postgres)
declare -A secs
for sys in "${systems[@]}"; do
  run "$sys" "$scripts/setup.sql" >/dev/null
  for w in w1 w2 w3 w4 orders w5; do
    start=$(date +%s%N)
    if ! run "$sys" "$scripts/$w.sql" >/dev/null; then
      echo "compare.sh: $sys failed on $w.sql" >&2
      exit 1
    fi
    secs[$sys.$w]=$(( $(date +%s%N) - start ))
  done
  echo "$sys (shell) done" >&2
done
echo
echo "| workload through the shell | tessera sql | sqlite3 WAL | tessera/sqlite3-wal | sqlite3 | tessera/sqlite3 | psql | tessera/psql |"
echo "|---|---|---|---|---|---|---|---|"
declare -A names
names[w1]="W1 bulk insert (rows/s)"; names[w2]="W2 autocommit insert (tx/s)"
names[w3]="W3 point select, unprepared (q/s)"; names[w4]="W4 scan+aggregate (rows/s)"
names[w5]="W5 join+group (orders/s)"
while read -r w count; do
  awk -v name="${names[$w]}" -v n="$count" -v t="${secs[tessera.$w]}" \
      -v a="${secs[sqlite-wal.$w]}" -v b="${secs[sqlite.$w]}" -v c="${secs[postgres.$w]}" 'BEGIN {
    rt = n / (t / 1e9); ra = n / (a / 1e9); rb = n / (b / 1e9); rc = n / (c / 1e9);
    printf "| %s | %.0f | %.0f | %.2fx | %.0f | %.2fx | %.0f | %.2fx |\n", name, rt, ra, rt / ra, rb, rt / rb, rc, rt / rc
  }'
done < "$scripts/counts"

#!/usr/bin/env bash
# Runs the same workloads on Tessera (C API), SQLite (WAL and default journal,
# C API) and PostgreSQL 15 (libpq, a private server on 127.0.0.1 started and
# stopped here) and prints one table with the ratios Tessera/peer.
#
#   bash bench/compare.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
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
bazel build -c opt //bench:compare >/dev/null 2>&1

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

#!/usr/bin/env bash
# Usage benchmark (run by hand, not in CI): a subaccount with CALLS calls over one month
# (default a million), then a month of its usage records read from the rollups, next to
# summing the same calls' prices by listing them; on SQLite and on a throwaway Postgres.
#
#   bench/usage.sh                        # both stores, a million calls
#   CALLS=100000 STORES=sqlite bench/usage.sh
#
# Postgres: the server binaries (as for scripts/test) or SWITCHBOARD_TEST_POSTGRES_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

CALLS=${CALLS:-1000000}
STORES=${STORES:-"sqlite postgres"}
cargo build --release --quiet --example usage_bench
BENCH=$PWD/target/release/examples/usage_bench
WORK=$(mktemp -d /tmp/switchboard-usage.XXXXXX)
. scripts/pg.sh
trap 'stop_throwaway_postgres; rm -rf "$WORK"' EXIT

for store in $STORES; do
  case $store in
    sqlite) "$BENCH" "sqlite://$WORK/usage.db" "$CALLS" ;;
    postgres)
      start_throwaway_postgres
      url=$(python3 - "$SWITCHBOARD_TEST_POSTGRES_URL" <<'PY'
import sys, secrets, subprocess
admin = sys.argv[1]
name = "switchboard_usage_" + secrets.token_hex(4)
subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
base, _, rest = admin.rpartition("/")
q = rest.partition("?")[2]
print(f"{base}/{name}" + (f"?{q}" if q else ""))
PY
)
      "$BENCH" "$url" "$CALLS"
      ;;
  esac
done

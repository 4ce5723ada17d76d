#!/usr/bin/env bash
# Load benchmark (run by hand, not in CI): requests per second and p50/p99 latency for
#   GET /healthz, fetching an account, listing accounts (a page of 50), creating messages,
#   fetching a call, listing calls (pages of 50 and of 1), creating subaccounts
# with the release server on SQLite and on Postgres, driven by wrk on loopback.
#
#   bench/load.sh                     # both stores, 10 s per endpoint, 64 connections
#   DURATION=30s CONNECTIONS=128 STORES=sqlite bench/load.sh
#   PAUSE=0 WARMUP=0 bench/load.sh    # no rest (default 5 s) nor warm-up run (3 s) per endpoint
#
# Needs wrk (Debian: apt-get install wrk) and, for Postgres, the server binaries (as for
# scripts/test) or SWITCHBOARD_TEST_POSTGRES_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PAUSE=${PAUSE:-5}
WARMUP=${WARMUP:-3s}
STORES=${STORES:-"sqlite postgres"}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }

cargo build --release --quiet
BIN=$PWD/target/release/switchboard
WORK=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
SERVER_PID=""
. scripts/pg.sh
finish() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  stop_throwaway_postgres
  rm -rf "$WORK"
}
trap finish EXIT

SID=AC$(python3 -c 'import secrets; print(secrets.token_hex(16))')
TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
export SB_AUTH=$(printf '%s:%s' "$SID" "$TOKEN" | base64 -w0)
ADMIN=bench-admin

start_server() { # $1 = database URL
  SWITCHBOARD_DATABASE_URL=$1 SWITCHBOARD_LISTEN=127.0.0.1:0 SWITCHBOARD_ADMIN_TOKEN=$ADMIN \
  SWITCHBOARD_BOOTSTRAP_ACCOUNT_SID=$SID SWITCHBOARD_BOOTSTRAP_AUTH_TOKEN=$TOKEN SWITCHBOARD_LOG=warn \
    "$BIN" serve > "$WORK/server.out" 2> "$WORK/server.err" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    URL=$(grep -o 'http://[0-9.:]*' "$WORK/server.out" 2>/dev/null | head -1 || true)
    [ -n "$URL" ] && break
    sleep 0.1
  done
  [ -n "$URL" ] || { cat "$WORK/server.err"; exit 1; }
  curl -sf -H "Authorization: Bearer $ADMIN" -d SubaccountLimit=100000000 \
    "$URL/admin/v1/Accounts/$SID" >/dev/null
}

stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

# Prints: name, requests/s, p50, p99 (wrk's own figures).
run() { # $1 = label, rest = wrk arguments
  local label=$1; shift
  local out
  # Each endpoint starts from a rested machine: right after ten seconds of the heavier pages,
  # the next run here measured 15-20% lower, and the same again after a pause.
  sleep "$PAUSE"
  # And from a warm server: the first seconds of a fresh database (Postgres creating WAL
  # segments and extending new tables, caches filling) are not the steady state measured.
  [ "$WARMUP" = 0 ] || wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" >/dev/null
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '| %-8s | %-22s | %10s | %8s | %8s | %s\n' "$STORE" "$label" "$rps" "$p50" "$p99" "${errors:+non-2xx: $errors}"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; wrk -t$THREADS -c$CONNECTIONS -d$DURATION, each after a ${PAUSE}s rest and a ${WARMUP} warm-up"
printf '| %-8s | %-22s | %10s | %8s | %8s |\n' store endpoint "requests/s" p50 p99
printf '|----------|------------------------|------------|----------|----------|\n'
for STORE in $STORES; do
  case $STORE in
    sqlite) DB="sqlite://$WORK/bench.db" ;;
    postgres)
      start_throwaway_postgres
      DB=${SWITCHBOARD_TEST_POSTGRES_URL%/*}/switchboard_bench_$$
      psql "$SWITCHBOARD_TEST_POSTGRES_URL" -qc "CREATE DATABASE switchboard_bench_$$" ;;
  esac
  start_server "$DB"
  # A page of 50 to list: the main account and 60 subaccounts; a number to send from and
  # 60 calls to list.
  for _ in $(seq 60); do
    curl -sf -u "$SID:$TOKEN" -d FriendlyName=seed "$URL/2010-04-01/Accounts.json" >/dev/null
  done
  export SB_FROM=$(curl -sf -u "$SID:$TOKEN" -d AreaCode=415 "$URL/2010-04-01/Accounts/$SID/IncomingPhoneNumbers.json" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["phone_number"])')
  for _ in $(seq 60); do
    CALL=$(curl -sf -u "$SID:$TOKEN" --data-urlencode "From=$SB_FROM" --data-urlencode To=+16518675310 \
      --data-urlencode 'Twiml=<Response><Pause length="3600"/></Response>' \
      "$URL/2010-04-01/Accounts/$SID/Calls.json" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["sid"])')
  done
  run "GET /healthz" "$URL/healthz"
  run "GET Accounts/{Sid}.json" -H "Authorization: Basic $SB_AUTH" "$URL/2010-04-01/Accounts/$SID.json"
  run "GET Accounts.json (50)" -H "Authorization: Basic $SB_AUTH" "$URL/2010-04-01/Accounts.json?PageSize=50"
  run "GET Calls/{Sid}.json" -H "Authorization: Basic $SB_AUTH" "$URL/2010-04-01/Accounts/$SID/Calls/$CALL.json"
  run "GET Calls.json (50)" -H "Authorization: Basic $SB_AUTH" "$URL/2010-04-01/Accounts/$SID/Calls.json"
  run "GET Calls.json (1)" -H "Authorization: Basic $SB_AUTH" "$URL/2010-04-01/Accounts/$SID/Calls.json?PageSize=1"
  run "POST Messages.json" -s bench/create-message.lua "$URL/2010-04-01/Accounts/$SID/Messages.json"
  # Last: a burst of creates updates the main account's row thousands of times, and reads
  # right after it measure Postgres's cleanup of those row versions, not Switchboard.
  run "POST Accounts.json" -s bench/create-subaccount.lua "$URL/2010-04-01/Accounts.json"
  stop_server
done

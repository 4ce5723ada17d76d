# Sourced by scripts/test and bench/load.sh: start a throwaway Postgres cluster unless
# SWITCHBOARD_TEST_POSTGRES_URL is set, export its URL, and stop it on exit.
# (Root starts it as the `postgres` user, since initdb refuses root.)

PG_DIR=""
PG_BIN=""

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_throwaway_postgres() {
  if [ -n "$PG_DIR" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
  fi
}

# start_throwaway_postgres [extra server options...]
start_throwaway_postgres() {
  if [ -n "${SWITCHBOARD_TEST_POSTGRES_URL:-}" ]; then return 0; fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL server binaries not found: install them (apt-get install postgresql)," >&2
    echo "or set SWITCHBOARD_TEST_POSTGRES_URL to a server of your own." >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/switchboard-pg.XXXXXX)
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 $*" start >/dev/null
  export SWITCHBOARD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

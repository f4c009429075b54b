# Throwaway PostgreSQL on loopback for the demo, the tests and the benchmark.
# Source it, then: pg_start; ... ; pg_stop. Sets PG_PORT, PG_DIR, PG_PASSWORD, PG_ADMIN_URL.

pg_bindir() {
    local initdb
    initdb=$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
    [ -n "$initdb" ] || { echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; return 1; }
    dirname "$(readlink -f "$initdb")"
}

# Postgres refuses to run as root: as root, run its programs as the postgres user.
pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
    local bindir
    bindir=$(pg_bindir) || return 1
    PG_DIR=$(mktemp -d /tmp/reconcilerd-pg.XXXXXX)
    PG_PASSWORD="pg-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
    printf '%s\n' "$PG_PASSWORD" > "$PG_DIR/pwfile"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$PG_DIR"
    pg_as_owner "$bindir/initdb" -D "$PG_DIR/data" -U postgres --pwfile="$PG_DIR/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    local tries
    for tries in 1 2 3 4 5; do
        PG_PORT=$(pg_free_port)
        if pg_as_owner "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 start \
            -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null; then
            break
        fi
        PG_PORT=""
    done
    [ -n "$PG_PORT" ] || { echo "PostgreSQL did not start; see $PG_DIR/server.log" >&2; cat "$PG_DIR/server.log" >&2; return 1; }
    PG_BINDIR=$bindir
    PG_ADMIN_URL="postgresql://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT"
    export PG_PORT PG_DIR PG_PASSWORD PG_ADMIN_URL PG_BINDIR
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] || return 0
    pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}

# psql as the superuser against database $1, remaining arguments passed on.
pg_psql() {
    local db=$1; shift
    psql "$PG_ADMIN_URL/$db" -v ON_ERROR_STOP=1 -q -X "$@"
}

# Creates the Dograh and ARA databases ($1, $2) with their schemas and the DML-only role
# "reconcilerd" (password $RECONCILERD_ROLE_PASSWORD) that reconcilerd connects as.
pg_create_databases() {
    local dograh=$1 ara=$2 sql
    sql="$(cd "$(dirname "${BASH_SOURCE[0]}")/../sql" && pwd)"
    pg_psql postgres -c "CREATE DATABASE $dograh" -c "CREATE DATABASE $ara"
    pg_psql postgres -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reconcilerd') THEN CREATE ROLE reconcilerd LOGIN PASSWORD '$RECONCILERD_ROLE_PASSWORD'; END IF; END \$\$"
    pg_psql "$dograh" -f "$sql/dograh_schema.sql"
    pg_psql "$dograh" -c "GRANT SELECT ON telephony_configurations TO reconcilerd"
    pg_psql "$ara" -f "$sql/ara_schema.sql"
    pg_psql "$ara" -f "$sql/../../config/asterisk/ara-config-table.sql"
    pg_psql "$ara" -v role=reconcilerd -f "$sql/ara_grants.sql"
}

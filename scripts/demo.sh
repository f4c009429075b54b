#!/usr/bin/env bash
# The demo: a throwaway Postgres with Dograh sample configurations and an ARA database,
# then `reconcilerd --once` (plan), `--once --apply`, and `--once` again (in sync).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
deps_require demo
source scripts/lib/pg.sh

echo "==> building reconcilerd"
swift build --product reconcilerd 2>&1 | tail -n 1
bin="$(swift build --show-bin-path)/reconcilerd"

echo "==> starting a throwaway PostgreSQL on 127.0.0.1"
export RECONCILERD_ROLE_PASSWORD="role-$(od -An -N6 -tx8 /dev/urandom | tr -d ' ')"
pg_start
trap pg_stop EXIT
pg_create_databases dograh asterisk
pg_psql dograh -f scripts/sql/sample_data.sql
pg_psql asterisk -f scripts/sql/ara_operator_rows.sql
echo "    port $PG_PORT; Dograh: 6 sample configurations (5 three_cx); ARA: empty but for an operator's own rows"

# Dograh's own URL form, driver suffix included, to show it is accepted.
export DATABASE_URL="postgresql+asyncpg://reconcilerd:$RECONCILERD_ROLE_PASSWORD@127.0.0.1:$PG_PORT/dograh"
export ASTERISK_ARA_DSN="host=127.0.0.1 port=$PG_PORT dbname=asterisk user=reconcilerd password=$RECONCILERD_ROLE_PASSWORD"

run() {
    echo
    echo "==> reconcilerd $*"
    set +e
    "$bin" "$@"
    local code=$?
    set -e
    echo "==> exit code $code"
}
run --once
run --once --apply
run --once
echo
echo "==> operator rows are untouched:"
pg_psql asterisk -c "SELECT id, context FROM ps_endpoints WHERE id NOT LIKE 'dograh%'" -c "SELECT context, exten, app FROM extensions WHERE context NOT LIKE 'dograh%'"

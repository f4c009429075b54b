#!/usr/bin/env bash
# The test suite: starts a throwaway PostgreSQL on loopback with template databases,
# runs `swift test` against it, and stops it again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
deps_require test
source scripts/lib/pg.sh

# The alert rules' unit tests (promtool, from Debian's prometheus package); quick, so first.
if ! command -v promtool >/dev/null; then
    echo "scripts/test.sh: promtool not found; it tests config/prometheus/reconcilerd-alerts.yml (apt-get install prometheus)" >&2
    exit 1
fi
promtool check rules config/prometheus/reconcilerd-alerts.yml
promtool test rules config/prometheus/reconcilerd-alerts.test.yml

export RECONCILERD_ROLE_PASSWORD="role-$(od -An -N6 -tx8 /dev/urandom | tr -d ' ')"
pg_start
trap pg_stop EXIT
# Tests clone these templates into a fresh pair of databases each (CREATE DATABASE ... TEMPLATE).
pg_create_databases dograh_template ara_template
echo "test PostgreSQL on 127.0.0.1:$PG_PORT"

export RECONCILERD_TEST_PG_URL="$PG_ADMIN_URL"
export RECONCILERD_TEST_PG_PORT="$PG_PORT"
export RECONCILERD_TEST_PG_DIR="$PG_DIR"
export RECONCILERD_TEST_PG_BINDIR="$PG_BINDIR"
# Serial: several suites start servers and processes and measure timeouts; run side by side
# on two cores they starve each other and the timing assertions get flaky.
swift test --no-parallel "$@"

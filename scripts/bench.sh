#!/usr/bin/env bash
# The benchmark: reconcilerd (release build) against the physical limit of Postgres, side
# by side in one run, on a throwaway Postgres on 127.0.0.1 (scripts/lib/pg.sh).
#
#   scripts/bench.sh [--runs R] [--no-build | --bin PATH] [--no-doc] [N ...]
#   (default: --runs 5 100 1000 10000; --bin benchmarks that binary instead of building)
#
# For each N: generate N Dograh configurations; converge from empty vs. `\copy` of the same
# rows; a no-op cycle vs. one SELECT of the owned rows per table; one configuration edited
# (rows written, reloads needed); peak RSS; statements per cycle. Prints a table of medians
# and ratios and (re)writes docs/PERFORMANCE.md. See that page for what each side includes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/pg.sh

runs=5
bin=""
build=1
doc=1
sizes=()
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --runs=*) runs=${1#--runs=}; shift ;;
        --no-build) build=0; shift ;;
        --bin) bin=$2; build=0; shift 2 ;;
        --no-doc) doc=0; shift ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 64 ;;
        *) sizes+=("$1"); shift ;;
    esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
[ "$runs" -ge 1 ] || { echo "--runs must be at least 1" >&2; exit 64; }
[ -x /usr/bin/time ] || { echo "GNU time is needed for peak RSS: apt-get install time" >&2; exit 1; }
command -v psql >/dev/null || { echo "psql is needed: apt-get install postgresql-client" >&2; exit 1; }

# The release build as docs/RUNBOOK.md installs it: the Swift runtime linked in
# (--static-swift-stdlib), which also starts ~20 ms faster than resolving it from shared
# libraries at every run. A first build takes several minutes.
scratch=.build-static
if [ "$build" = 1 ]; then
    echo "==> building reconcilerd (release, --static-swift-stdlib, --scratch-path $scratch)"
    swift build -c release --static-swift-stdlib --product reconcilerd --scratch-path "$scratch" 2>&1 | tail -n 1
fi
[ -n "$bin" ] || bin="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/reconcilerd"
[ -x "$bin" ] || { echo "no release binary at $bin (run without --no-build)" >&2; exit 1; }

work=$(mktemp -d /tmp/reconcilerd-bench.XXXXXX)
export RECONCILERD_ROLE_PASSWORD="role-$(od -An -N6 -tx8 /dev/urandom | tr -d ' ')"
cleanup() { pg_stop; rm -rf "$work"; }
trap cleanup EXIT
echo "==> starting a throwaway PostgreSQL on 127.0.0.1"
pg_start
pg_create_databases dograh_template ara_template >/dev/null
# The real psql binary: Debian's /usr/bin/psql is a Perl wrapper that costs a Perl start-up
# per call, which would inflate the baselines.
psql=$PG_BINDIR/psql
apsql() { local db=$1; shift; "$psql" "$PG_ADMIN_URL/$db" -v ON_ERROR_STOP=1 -q -X "$@"; }
results="$work/results.jsonl"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$results"

# reconcilerd and the baselines connect as the same DML-only role over TCP.
role_url() { echo "postgresql://reconcilerd:$RECONCILERD_ROLE_PASSWORD@127.0.0.1:$PG_PORT/$1"; }
export PGCONNECT_TIMEOUT=10

# run_timed RSSFILE STDOUT STDERR CMD...: runs CMD under GNU time; sets ELAPSED_NS, RSS_KB,
# CPU_MS (user + system time of the process itself, not of the server) and RC.
run_timed() {
    local rss=$1 out=$2 err=$3; shift 3
    local t0 t1
    t0=$(date +%s%N)
    set +e
    /usr/bin/time -f '%M %U %S' -o "$rss" "$@" >"$out" 2>"$err"
    RC=$?
    set -e
    t1=$(date +%s%N)
    ELAPSED_NS=$((t1 - t0))
    read -r RSS_KB user sys < <(tail -n 1 "$rss")
    CPU_MS=$(python3 -c 'import sys; print(round((float(sys.argv[1]) + float(sys.argv[2])) * 1000))' "$user" "$sys")
}

record() { echo "$1" >> "$results"; }

ara_tables_sql="ps_auths, ps_aors, ps_endpoints, ps_registrations, extensions, ast_config"
reset_tables() { apsql "$1" -c "TRUNCATE $ara_tables_sql RESTART IDENTITY" -c "CHECKPOINT"; }

# Dumps every owned row (reconcilerd's own SELECTs, ordered) for before/after comparisons.
dump_owned() {
    local db=$1 out=$2 table
    : > "$out"
    while read -r table; do
        echo "@table $table" >> "$out"
        "$psql" "$(role_url "$db")" -X -q -A -t -F $'\t' -P null='\N' \
            -c "SELECT * FROM ($(sed 's/;$//' "$q/select/$table.sql")) AS s ORDER BY 1, 2, 3" >> "$out"
    done < "$q/tables"
}

checksum_owned() {
    local db=$1 table sum=""
    while read -r table; do
        sum+=$("$psql" "$(role_url "$db")" -X -q -A -t \
            -c "SELECT count(*) || ':' || coalesce(md5(string_agg(s::text, E'\n' ORDER BY s::text)), '-') FROM ($(sed 's/;$//' "$q/select/$table.sql")) AS s")
        sum+=" "
    done < "$q/tables"
    echo "$sum"
}

rc_ok() { # name expected
    [ "$RC" = "$2" ] || { echo "bench: $1 exited $RC (expected $2):" >&2; cat "$work/err" >&2; exit 1; }
}

median_ms() { python3 -c 'import sys,statistics; v=[int(x)/1e6 for x in sys.argv[1:]]; print(f"{statistics.median(v):.1f}")' "$@"; }

# A valid, active configuration that is neither a collision nor copied by one
# (see scripts/bench/generate_dograh.sql), near position $1.
pick_config() {
    local i=$1 n=$2
    while [ $((i % 100)) = 42 ] || [ $((i % 50)) = 17 ] || [ $((i % 1000)) = 999 ] || [ $((i % 1000)) = 499 ] || [ "$i" -gt "$n" ]; do
        i=$((i % n + 1))
    done
    echo "$i"
}

edits=(password strip_prefix transport extension deactivate)

for n in "${sizes[@]}"; do
    echo
    echo "==> N = $n"
    dograh=dograh_$n ara=ara_$n copy=copy_$n
    apsql postgres -c "CREATE DATABASE $dograh TEMPLATE dograh_template" \
        -c "CREATE DATABASE $ara TEMPLATE ara_template" -c "CREATE DATABASE $copy TEMPLATE ara_template"
    apsql "$dograh" -v n="$n" -f scripts/bench/generate_dograh.sql >/dev/null
    export DATABASE_URL="postgresql+asyncpg://reconcilerd:$RECONCILERD_ROLE_PASSWORD@127.0.0.1:$PG_PORT/$dograh"
    export ASTERISK_ARA_DSN="host=127.0.0.1 port=$PG_PORT dbname=$ara user=reconcilerd password=$RECONCILERD_ROLE_PASSWORD"
    q="$work/q_$n"
    mkdir -p "$q"

    # Warm-up converge. Then the six SELECTs reconcilerd reads owned rows with are captured
    # verbatim for the baselines (log_statement = all on the ARA database) from a cycle that
    # has to read them: one registration's `line` spelled `true` instead of `yes` makes the
    # digests differ (that cycle rewrites it: canonical spelling). It is put back afterwards
    # in any case, so that the no-op cycles below match digests again.
    run_timed "$work/rss" /dev/null "$work/err" "$bin" --once --apply --stats
    rc_ok "warm-up converge" 0
    respelled="UPDATE ps_registrations SET line = '%s' WHERE id = (SELECT min(id) FROM ps_registrations WHERE starts_with(id, 'dograh_'))"
    apsql "$ara" -c "$(printf "$respelled" true)"
    apsql postgres -c "ALTER DATABASE $ara SET log_statement = 'all'"
    offset=$(stat -c %s "$PG_DIR/server.log")
    run_timed "$work/rss" /dev/null "$work/err" "$bin" --once --apply --stats
    rc_ok "reading cycle" 0
    apsql postgres -c "ALTER DATABASE $ara RESET log_statement"
    apsql "$ara" -c "$(printf "$respelled" yes)"
    echo "    reconcilerd reads: $(python3 scripts/bench/tool.py capture-selects "$PG_DIR/server.log" "$offset" "$q")"

    # The baseline's files: the identical rows, exported from the converged database.
    : > "$q/copy.sql"
    while read -r table; do
        cols=$(cat "$q/columns/$table")
        where=$(cat "$q/columns/$table.where")
        # The config table's rows are reconcilerd's under its filename: keep that column too.
        if grep -q 'filename' <<<"$where"; then cols="$cols,\"filename\""; fi
        "$psql" "$(role_url "$ara")" -X -q -c "\\copy (SELECT $cols FROM \"$table\" WHERE $where) TO '$q/$table.copy'"
        echo "\\copy \"$table\" ($cols) FROM '$q/$table.copy'" >> "$q/copy.sql"
    done < "$q/tables"
    # In the order reconcilerd reads them.
    : > "$q/select_all.sql"
    while read -r table; do cat "$q/select/$table.sql" >> "$q/select_all.sql"; done < "$q/tables"

    # Warm-up COPY, and the fairness check: both databases hold identical rows.
    reset_tables "$copy"
    run_timed "$work/rss" /dev/null "$work/err" "$psql" "$(role_url "$copy")" -X -q -1 -v ON_ERROR_STOP=1 -f "$q/copy.sql"
    rc_ok "warm-up COPY" 0
    [ "$(checksum_owned "$ara")" = "$(checksum_owned "$copy")" ] \
        || { echo "bench: the COPY baseline does not hold the rows reconcilerd wrote" >&2; exit 1; }

    echo "    converge from empty: reconcilerd --once --apply vs. \\copy ($runs runs each)"
    conv=() cop=()
    for r in $(seq 1 "$runs"); do
        reset_tables "$ara"
        run_timed "$work/rss" /dev/null "$work/err" "$bin" --once --apply --stats
        rc_ok "converge" 0
        stats=$(python3 scripts/bench/tool.py stats "$work/err")
        record "{\"n\": $n, \"phase\": \"converge\", \"run\": $r, \"ns\": $ELAPSED_NS, \"rss_kb\": $RSS_KB, \"cpu_ms\": $CPU_MS, \"stats\": $stats}"
        conv+=("$ELAPSED_NS")
        reset_tables "$copy"
        run_timed "$work/rss" /dev/null "$work/err" "$psql" "$(role_url "$copy")" -X -q -1 -v ON_ERROR_STOP=1 -f "$q/copy.sql"
        rc_ok "COPY" 0
        record "{\"n\": $n, \"phase\": \"copy\", \"run\": $r, \"ns\": $ELAPSED_NS, \"rss_kb\": $RSS_KB, \"cpu_ms\": $CPU_MS}"
        cop+=("$ELAPSED_NS")
    done
    echo "      median reconcilerd $(median_ms "${conv[@]}") ms, COPY $(median_ms "${cop[@]}") ms; $stats"
    [ "$(checksum_owned "$ara")" = "$(checksum_owned "$copy")" ] \
        || { echo "bench: after the timed runs the two databases differ" >&2; exit 1; }

    echo "    no-op cycle: reconcilerd --once --apply vs. the same 6 SELECTs through psql ($runs runs each)"
    apsql "$ara" -c "VACUUM ANALYZE"
    run_timed "$work/rss" /dev/null "$work/err" "$bin" --once --apply --stats   # warm-up
    rc_ok "warm-up no-op" 0
    run_timed "$work/rss" /dev/null "$work/err" "$psql" "$(role_url "$ara")" -X -q -A -t -o /dev/null -v ON_ERROR_STOP=1 -f "$q/select_all.sql"
    noop=() sel=()
    for r in $(seq 1 "$runs"); do
        run_timed "$work/rss" /dev/null "$work/err" "$bin" --once --apply --stats
        rc_ok "no-op" 0
        stats=$(python3 scripts/bench/tool.py stats "$work/err")
        python3 -c 'import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if s["steps"] == 0 and s["rows_written"] == 0 else 1)' "$stats" \
            || { echo "bench: the no-op cycle was not a no-op: $stats" >&2; exit 1; }
        record "{\"n\": $n, \"phase\": \"noop\", \"run\": $r, \"ns\": $ELAPSED_NS, \"rss_kb\": $RSS_KB, \"cpu_ms\": $CPU_MS, \"stats\": $stats}"
        noop+=("$ELAPSED_NS")
        run_timed "$work/rss" /dev/null "$work/err" "$psql" "$(role_url "$ara")" -X -q -A -t -o /dev/null -v ON_ERROR_STOP=1 -f "$q/select_all.sql"
        rc_ok "SELECT baseline" 0
        record "{\"n\": $n, \"phase\": \"select\", \"run\": $r, \"ns\": $ELAPSED_NS, \"rss_kb\": $RSS_KB, \"cpu_ms\": $CPU_MS}"
        sel+=("$ELAPSED_NS")
    done
    echo "      median reconcilerd $(median_ms "${noop[@]}") ms, SELECT $(median_ms "${sel[@]}") ms; $stats"

    echo "    one change: one configuration edited, then reconcilerd --once --apply --output json ($runs runs)"
    chg=()
    for r in $(seq 1 "$runs"); do
        config=$(pick_config $(( (n / 2 + 37 * r) % n + 1 )) "$n")
        edit=${edits[$(( (r - 1) % ${#edits[@]} ))]}
        apsql "$dograh" -A -t -c "SELECT credentials FROM telephony_configurations WHERE id = $config" > "$work/cred_before"
        case $edit in
            password) set_sql="credentials = (credentials::jsonb || jsonb_build_object('sip_password', 'rotated-' || md5(random()::text)))::json" ;;
            strip_prefix) set_sql="credentials = (credentials::jsonb || jsonb_build_object('strip_prefix',
                              CASE WHEN credentials->>'strip_prefix' = '^00' THEN '^\\+(39|41)' ELSE '^00' END))::json" ;;
            transport) set_sql="credentials = (credentials::jsonb || jsonb_build_object('transport_name',
                              CASE WHEN credentials->>'transport_name' = 'transport-tcp' THEN 'transport-udp' ELSE 'transport-tcp' END))::json" ;;
            extension) set_sql="credentials = (credentials::jsonb || jsonb_build_object('extension', ((credentials->>'extension')::int + 1)::text))::json" ;;
            deactivate) set_sql="inactive = true, inactive_since = now(), inactive_reason = 'bench'" ;;
        esac
        apsql "$dograh" -c "UPDATE telephony_configurations SET $set_sql, updated_at = now() WHERE id = $config"
        apsql "$dograh" -A -t -c "SELECT credentials FROM telephony_configurations WHERE id = $config" > "$work/cred_after"
        dump_owned "$ara" "$work/before"
        run_timed "$work/rss" "$work/plan.json" "$work/err" "$bin" --once --apply --output json --stats
        rc_ok "one change" 0
        dump_owned "$ara" "$work/after"
        check=$(python3 scripts/bench/tool.py check-change "$work/before" "$work/after" "$work/plan.json" "$work/err" \
            "$work/cred_before" "$work/cred_after")
        # A trunk that goes away loses its registration first; its other rows follow in the
        # next cycle (two-phase deprovisioning). Untimed follow-up cycles until in sync, so
        # that every timed run starts converged; they too may touch only this configuration.
        follow_cycles=0 follow_rows=0 follow_exact=true
        for _ in 1 2 3; do
            run_timed "$work/rss" "$work/plan.json" "$work/err" "$bin" --once --apply --output json --stats
            rc_ok "follow-up cycle" 0
            follow=$(python3 scripts/bench/tool.py check-followup "$work/plan.json" "$work/err" "$work/cred_before" "$work/cred_after")
            steps=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["steps"])' "$follow")
            [ "$steps" = 0 ] && break
            follow_cycles=$((follow_cycles + 1))
            follow_rows=$((follow_rows + $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["rows_written"])' "$follow")))
            python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["exact"] else 1)' "$follow" || follow_exact=false
        done
        [ "$steps" = 0 ] || { echo "bench: not in sync three cycles after one change" >&2; exit 1; }
        check=$(python3 -c 'import json,sys; c=json.loads(sys.argv[1]); c.update(followup_cycles=int(sys.argv[2]), followup_rows=int(sys.argv[3]), followup_exact=sys.argv[4]=="true"); print(json.dumps(c))' \
            "$check" "$follow_cycles" "$follow_rows" "$follow_exact")
        record "{\"n\": $n, \"phase\": \"change\", \"run\": $r, \"edit\": \"$edit\", \"config\": $config, \"ns\": $ELAPSED_NS, \"rss_kb\": $RSS_KB, \"cpu_ms\": $CPU_MS, \"check\": $check}"
        chg+=("$ELAPSED_NS")
        python3 scripts/bench/tool.py describe-change "$check" "$r" "$edit" "$config"
    done
    echo "      median reconcilerd $(median_ms "${chg[@]}") ms"
    apsql postgres -c "DROP DATABASE $dograh" -c "DROP DATABASE $ara" -c "DROP DATABASE $copy"
done

# The machine.
python3 - "$work/machine.json" "$bin" <<EOF
import json, subprocess, sys, datetime, os
def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-").strip() or sh("uname -m")
mem_kb = int(sh("awk '/MemTotal/ {print \$2}' /proc/meminfo") or 0)
machine = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "cpu": cpu, "nproc": sh("nproc"),
    "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
    "kernel": sh("uname -sr"),
    "postgres": "PostgreSQL " + sh("$psql '$(role_url postgres)' -X -A -t -c 'SHOW server_version'"),
    "swift": sh("swift --version 2>&1 | head -n 1"),
    "binary": os.path.relpath(sys.argv[2]),
    "load": "$load_start at the start, " + sh("cut -d' ' -f1-3 /proc/loadavg") + " at the end",
}
json.dump(machine, open(sys.argv[1], "w"))
EOF

echo
if [ "$doc" = 1 ]; then
    python3 scripts/bench/tool.py report "$results" "$work/machine.json" docs/PERFORMANCE.md
    echo
    echo "==> wrote docs/PERFORMANCE.md"
else
    python3 scripts/bench/tool.py report "$results" "$work/machine.json"
fi
# BENCH_KEEP=DIR keeps the raw figures (results.jsonl, machine.json) for a later
# `python3 scripts/bench/tool.py report DIR/results.jsonl DIR/machine.json [docs/PERFORMANCE.md]`.
if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp "$results" "$work/machine.json" "$BENCH_KEEP/"; fi

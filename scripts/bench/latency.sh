#!/usr/bin/env bash
# Save -> committed latency of the daemon, the cost of its cheap Dograh check and its idle CPU.
#
#   scripts/bench/latency.sh [--bin PATH] [--runs R] [--interval D] [--quiet-n N] [--check-n N]
#   (defaults: debug build, 11 saves, the default --interval, 10 quiet configurations,
#   the cheap check measured at 10,000)
#
# A throwaway Postgres on 127.0.0.1 (scripts/lib/pg.sh); the daemon runs in heal mode without
# Asterisk. Each run saves one new configuration in Dograh at a random moment and reads the
# daemon's log for the commit of its rows. Asterisk's part after the commit (a module
# reload, then a random 0..max_random_initial_delay s before the first REGISTER, then one
# round trip to 3CX) is added from its parameters, not measured: Asterisk cannot run here.
# Prints one JSON object.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/pg.sh

bin=""; runs=11; interval=""; quiet=10; check=10000
while [ $# -gt 0 ]; do
    case $1 in
        --bin) bin=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --interval) interval=$2; shift 2 ;;
        --quiet-n) quiet=$2; shift 2 ;;
        --check-n) check=$2; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
if [ -z "$bin" ]; then
    swift build --product reconcilerd 2>&1 | tail -n 1 >&2
    bin="$(swift build --show-bin-path)/reconcilerd"
fi

work=$(mktemp -d /tmp/reconcilerd-latency.XXXXXX)
export RECONCILERD_ROLE_PASSWORD="role-$(od -An -N6 -tx8 /dev/urandom | tr -d ' ')"
daemon=""
cleanup() { [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null; pg_stop; rm -rf "$work"; }
trap cleanup EXIT
pg_start
url() { echo "postgresql://reconcilerd:$RECONCILERD_ROLE_PASSWORD@127.0.0.1:$PG_PORT/$1"; }

# run_daemon DOGRAH_DB ARA_DB LOG: the daemon in the background, debug log to LOG.
run_daemon() {
    "$bin" --dograh-dsn "$(url "$1")" --ara-dsn "$(url "$2")" --listen '' --log-level debug \
        ${interval:+--interval "$interval"} >"$3" 2>&1 &
    daemon=$!
}
stop_daemon() { kill "$daemon"; wait "$daemon" 2>/dev/null || true; daemon=""; }

# The cheap check at N configurations: the durations of the passes the fingerprint skipped.
pg_create_databases dograh_check ara_check >/dev/null
pg_psql dograh_check -v n="$check" -f scripts/bench/generate_dograh.sql >/dev/null
run_daemon dograh_check ara_check "$work/check.log"
# Idle CPU: once the converge is done, the daemon's CPU time over 20 s of quiet polling.
for _ in $(seq 1 1200); do grep -q 'event=cycle.skipped' "$work/check.log" && break; sleep 0.1; done
cpu() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
ticks0=$(cpu); sleep 20; ticks1=$(cpu)
echo "$(( ticks1 - ticks0 )) $(getconf CLK_TCK)" >"$work/idle"
stop_daemon

# Save -> committed on a quiet system.
pg_create_databases dograh_quiet ara_quiet >/dev/null
pg_psql dograh_quiet -v n="$quiet" -f scripts/bench/generate_dograh.sql >/dev/null
run_daemon dograh_quiet ara_quiet "$work/quiet.log"
sleep 5
: >"$work/saves"
for i in $(seq 1 "$runs"); do
    sleep "$(python3 -c 'import random; print(round(random.uniform(1, 3), 3))')"
    before=$(grep -c 'event=apply.committed' "$work/quiet.log" || true)
    date -u +%s.%N >>"$work/saves"
    pg_psql dograh_quiet -c "INSERT INTO telephony_configurations (organization_id, name, provider, credentials, inactive, created_at, updated_at)
        VALUES (1, 'latency $i', 'three_cx', json_build_object('sip_domain', 'lat$i.3cx.cloud', 'extension', '100', 'sip_password', 'x$i', 'app_name', 'dograh'), false, now(), now())"
    for _ in $(seq 1 200); do
        [ "$(grep -c 'event=apply.committed' "$work/quiet.log" || true)" -gt "$before" ] && break
        sleep 0.05
    done
done
sleep 1
stop_daemon

python3 - "$work" "$check" "$quiet" <<'PY'
import json, re, statistics, sys, datetime
work, check_n, quiet_n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def ts(line):
    stamp = re.search(r'ts=(\S+)', line).group(1)
    return datetime.datetime.fromisoformat(stamp.replace('Z', '+00:00')).timestamp()
def durations(result):
    return [float(re.search(r'duration_ms=([\d.]+)', l).group(1)) for l in open(f"{work}/check.log")
            if f'event=cycle.{result}' in l and 'duration_ms=' in l]
check, full = durations('skipped'), durations('success')
idle_ticks, hz = map(int, open(f"{work}/idle").read().split())
saves = [float(x) for x in open(f"{work}/saves").read().split()]
commits = [ts(l) for l in open(f"{work}/quiet.log") if 'event=apply.committed' in l]
commits = [c for c in commits if c >= saves[0]]
latencies = []
for save in saves:
    later = [c for c in commits if c >= save]
    if later: latencies.append(later[0] - save)
median = statistics.median(latencies) if latencies else None
max_delay = 2  # RegistrationRetry: max_random_initial_delay
print(json.dumps({
    "check_n": check_n, "cheap_check_ms_median": statistics.median(check) if check else None, "cheap_checks": len(check),
    "full_pass_ms_median_at_check_n": statistics.median(full) if full else None,
    "idle_cpu_percent_at_check_n": round(100.0 * idle_ticks / hz / 20, 2),
    "quiet_n": quiet_n, "saves": len(saves), "committed": len(latencies),
    "save_to_commit_s": {"median": median, "p90": sorted(latencies)[int(0.9 * (len(latencies) - 1))] if latencies else None,
                         "max": max(latencies) if latencies else None},
    "asterisk_after_commit_s": {"initial_delay_median": max_delay / 2, "initial_delay_max": max_delay},
    "save_to_registered_estimate_s": {"median": round(median + max_delay / 2, 2) if median is not None else None},
}, indent=2))
PY

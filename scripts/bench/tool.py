#!/usr/bin/env python3
"""Helpers for scripts/bench.sh: capture reconcilerd's own SELECTs from the server log,
check a one-change cycle, and render the results table and docs/PERFORMANCE.md.

Standard library only."""
import json
import os
import re
import statistics
import sys

# Key columns per table, as in Sources/Reconciler/Rows/ARATable.swift (the dumps below
# carry them first). Used to tell creates, updates and deletes apart in a before/after diff.
KEY_COLUMNS = {
    "ps_auths": 1, "ps_aors": 1, "ps_endpoints": 1, "ps_registrations": 1,
    "extensions": 3, "ast_config": 2,
}
RELOAD_TABLES = {"ps_registrations", "ast_config"}


def fail(message):
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------------------------------
# capture-selects LOG OFFSET OUTDIR
#
# With log_statement = all on the ARA database for one reconcilerd run, the server log holds
# exactly the statements reconcilerd sent. This writes, per table, the SELECT it issued
# (parameters substituted as literals) to OUTDIR/select/<table>.sql and its column list to
# OUTDIR/columns/<table>, so the SELECT and COPY baselines use reconcilerd's own queries.
def capture_selects(log_path, offset, outdir):
    with open(log_path, "rb") as f:
        f.seek(int(offset))
        text = f.read().decode("utf-8", "replace")
    selects = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if re.search(r"statement: BEGIN$", line):
            # The reads come before the apply transaction (which may check its own work).
            break
        match = re.search(r"(?:execute <unnamed>|statement): (SELECT .*)$", line)
        if not match:
            continue
        sql = match.group(1)
        # A following "DETAIL:  parameters: $1 = '...'" line carries the binds.
        if index + 1 < len(lines) and "DETAIL:  parameters:" in lines[index + 1]:
            params = dict(re.findall(r"(\$\d+) = ('(?:[^']|'')*'|NULL)", lines[index + 1]))
            for name in sorted(params, key=len, reverse=True):
                sql = sql.replace(name, params[name])
        if "$" in re.sub(r"'(?:[^']|'')*'", "", sql):
            fail(f"unsubstituted parameter in captured statement: {sql}")
        if "hashtextextended" in sql:
            # The digest of the owned rows (one statement over all six tables), not a read.
            continue
        if re.search(r"pg_(try_)?advisory|pg_locks|pg_stat_activity|reconcilerd_", sql) or sql.strip() == "SELECT 1":
            # The leader lock (--once --apply takes it), its liveness probe and reconcilerd's own record, not ARA rows.
            continue
        selects.append(sql)
    if not selects:
        fail("no SELECT statements found in the server log (log_statement capture failed)")
    os.makedirs(os.path.join(outdir, "select"), exist_ok=True)
    os.makedirs(os.path.join(outdir, "columns"), exist_ok=True)
    tables = []
    for sql in selects:
        match = re.match(r'SELECT (.*) FROM "?([A-Za-z0-9_.]+)"? WHERE (.*)$', sql)
        if not match:
            fail(f"unexpected statement shape: {sql}")
        columns = [c.strip().removesuffix("::text").strip('"') for c in match.group(1).split(",")]
        table = match.group(2)
        if table in tables:
            fail(f"table {table} read twice in one cycle")
        tables.append(table)
        with open(os.path.join(outdir, "select", table + ".sql"), "w") as f:
            f.write(sql + ";\n")
        with open(os.path.join(outdir, "columns", table), "w") as f:
            f.write(",".join(f'"{c}"' for c in columns) + "\n")
        with open(os.path.join(outdir, "columns", table + ".where"), "w") as f:
            f.write(match.group(3) + "\n")
    with open(os.path.join(outdir, "tables"), "w") as f:
        f.write("\n".join(tables) + "\n")
    print(" ".join(tables))


# ---------------------------------------------------------------------------------------
# stats STDERR_FILE: the `stats: {...}` line reconcilerd --stats prints, as JSON.
def read_stats(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("stats: "):
                return json.loads(line[len("stats: "):])
    fail(f"no stats line in {path}")


# ---------------------------------------------------------------------------------------
# check-change BEFORE AFTER PLAN STATS IDS...
#
# BEFORE/AFTER: dumps of every owned row ("@table <name>" headers, then tab-separated rows,
# key columns first). IDS: the endpoint ids the edited configuration had and has.
# Prints one JSON object: rows changed in the database (independently of reconcilerd's
# report), rows written as reported, plan steps, module reloads needed, and whether every
# changed row belongs to the edited configuration.
def load_dump(path):
    rows, table = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("@table "):
                table = line.split(" ", 1)[1]
                continue
            if not line:
                continue
            parts = line.split("\t")
            k = KEY_COLUMNS[table]
            rows[(table, tuple(parts[:k]))] = tuple(parts[k:])
    return rows


def endpoint_of(key_first):
    for suffix in ("-inbound", "-outbound"):
        if key_first.endswith(suffix):
            return key_first[: -len(suffix)]
    return key_first


def slug(domain):
    return re.sub(r"[^a-z0-9]+", "_", domain.lower()).strip("_")


def endpoint_id(domain, extension):
    return "dograh_" + slug(domain) + "_" + re.sub(r"[^A-Za-z0-9]", "", str(extension))


def load_plans(path):
    """Every JSON plan document in the file: `--once --apply` prints one per round (a trunk
    that goes away takes two rounds in one run: its registration, then the rest)."""
    text, docs, index = open(path).read(), [], 0
    decoder = json.JSONDecoder()
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return docs
        doc, index = decoder.raw_decode(text, index)
        docs.append(doc)


def plan_figures(docs):
    steps = [step for doc in docs for step in doc["steps"]]
    actuations = {json.dumps(a, sort_keys=True) for doc in docs for a in doc.get("actuations", [])}
    actuations = [json.loads(a) for a in actuations]
    return {
        "steps": len(steps),
        "endpoints": {step["endpoint_id"] for step in steps},
        # The brief's rule: one reload if any registration or dialplan-context row changes.
        "reloads": 1 if any(step["table"] in RELOAD_TABLES for step in steps) else 0,
        # What reconcilerd itself plans to ask Asterisk (plan "actuations").
        "module_reloads": sorted(a["module"] for a in actuations if a.get("action") == "reload_module"),
        "registers": sum(1 for a in actuations if a.get("action") == "register"),
        "rounds": len(docs),
    }


def check_change(before, after, plan_path, stats_path, credentials_before, credentials_after):
    b, a = load_dump(before), load_dump(after)
    created = [k for k in a if k not in b]
    deleted = [k for k in b if k not in a]
    updated = [k for k in a if k in b and a[k] != b[k]]
    changed = created + deleted + updated
    ids = set()
    for path in (credentials_before, credentials_after):
        with open(path) as f:
            c = json.loads(f.read())
        ids.add(endpoint_id(c["sip_domain"], c["extension"]))
    foreign = sorted({endpoint_of(k[1][0]) for k in changed} - ids)
    plan = plan_figures(load_plans(plan_path))
    stats = read_stats(stats_path)
    foreign = sorted(set(foreign) | (plan["endpoints"] - ids))
    tables = sorted({k[0] for k in changed})
    result = {
        "db_rows_changed": len(changed), "created": len(created), "updated": len(updated), "deleted": len(deleted),
        "rows_written": stats["rows_written"], "steps": plan["steps"], "reloads": plan["reloads"],
        "module_reloads": plan["module_reloads"], "registers": plan["registers"], "rounds": plan["rounds"],
        "tables": tables, "foreign_endpoints": foreign,
        "exact": not foreign and len(changed) == stats["rows_written"] == plan["steps"] and len(changed) > 0,
        "stats": stats,
    }
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------
# report RESULTS.jsonl MACHINE.json [DOC]
TARGETS = {"converge": 2.0, "noop": 1.5, "rss_mb": 100.0}
TARGET_N = 10000


def ms(values):
    return statistics.median(values) / 1e6


def fmt(value):
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def span(values, scale=1e6):
    lo, hi = min(values) / scale, max(values) / scale
    return f"{fmt(lo)}–{fmt(hi)}"


def report(results_path, machine_path, doc_path=None):
    records = [json.loads(line) for line in open(results_path) if line.strip()]
    machine = json.load(open(machine_path))
    ns = sorted({r["n"] for r in records})
    by = {}
    for r in records:
        by.setdefault((r["n"], r["phase"]), []).append(r)
    runs = min(len(v) for v in by.values())
    target_n = TARGET_N if TARGET_N in ns else max(ns)

    main = ["| N | rows | converge | `\\copy` | ratio | no-op | 6 × `SELECT` | ratio | one change | rows written (exact) | reloads needed | peak RSS | statements per no-op cycle |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|"]
    detail = ["| N | figure | reconcilerd | baseline (psql) |", "|---:|---|---|---|"]
    verdicts = []
    reads = {}
    for n in ns:
        conv, copy, noop, sel, chg = (by[(n, p)] for p in ("converge", "copy", "noop", "select", "change"))
        c_ms, b_ms = ms([r["ns"] for r in conv]), ms([r["ns"] for r in copy])
        n_ms, s_ms = ms([r["ns"] for r in noop]), ms([r["ns"] for r in sel])
        x_ms = ms([r["ns"] for r in chg])
        rows = conv[0]["stats"]["rows_written"]
        written = sorted({c["check"]["rows_written"] for c in chg})
        exact = all(c["check"]["exact"] and c["check"].get("followup_exact", True) for c in chg)
        reloads = sorted({c["check"]["reloads"] for c in chg})
        peak = max(r["rss_kb"] for r in conv + noop + chg) / 1024
        sn = noop[0]["stats"]
        reads[n] = (sn["dograh_statements"], sn["ara_statements"])
        main.append(
            f"| {n:,} | {rows:,} | {fmt(c_ms)} ms | {fmt(b_ms)} ms | **{c_ms / b_ms:.2f}×** | {fmt(n_ms)} ms | {fmt(s_ms)} ms | "
            f"**{n_ms / s_ms:.2f}×** | {fmt(x_ms)} ms | {', '.join(map(str, written))} ({'yes' if exact else 'NO'}) | "
            f"{'–'.join(map(str, (reloads[0], reloads[-1]))) if len(reloads) > 1 else reloads[0]} | {peak:.1f} MB | "
            f"{sn['dograh_statements']} Dograh + {sn['ara_statements']} ARA |")
        if n == target_n:
            verdicts.append((f"converge ≤ {TARGETS['converge']:.1f}× COPY (N = {n:,})", c_ms / b_ms <= TARGETS["converge"], f"{c_ms / b_ms:.2f}×"))
            verdicts.append((f"no-op ≤ {TARGETS['noop']:.1f}× SELECT (N = {n:,})", n_ms / s_ms <= TARGETS["noop"], f"{n_ms / s_ms:.2f}×"))
            verdicts.append((f"peak RSS ≤ {TARGETS['rss_mb']:.0f} MB (N = {n:,})", peak <= TARGETS["rss_mb"], f"{peak:.1f} MB"))
        if n == target_n:
            verdicts.append((f"one change: rows written are exactly the edited configuration's, reloads needed ≤ 1 (every N)",
                             all(all(c["check"]["exact"] and c["check"].get("followup_exact", True) and c["check"]["reloads"] <= 1
                                     for c in by[(m, "change")]) for m in ns),
                             "see the run-by-run table"))
        cpu = lambda rs: statistics.median(r["cpu_ms"] for r in rs)
        sc, sx = conv[0]["stats"], chg[0]["check"]["stats"]
        detail += [
            f"| {n:,} | converge from empty, wall (ms) | {fmt(c_ms)} ({span([r['ns'] for r in conv])}) | `\\copy`: {fmt(b_ms)} ({span([r['ns'] for r in copy])}) |",
            f"| {n:,} | no-op cycle, wall (ms) | {fmt(n_ms)} ({span([r['ns'] for r in noop])}) | 6 `SELECT`s: {fmt(s_ms)} ({span([r['ns'] for r in sel])}) |",
            f"| {n:,} | one change, wall (ms) | {fmt(x_ms)} ({span([r['ns'] for r in chg])}) | |",
            f"| {n:,} | CPU of the process itself, user + sys (ms) | converge {fmt(cpu(conv))}, no-op {fmt(cpu(noop))}, one change {fmt(cpu(chg))} | `\\copy` {fmt(cpu(copy))}, `SELECT` {fmt(cpu(sel))} |",
            f"| {n:,} | peak RSS (MB; median, max) | converge {statistics.median(r['rss_kb'] for r in conv) / 1024:.1f}, "
            f"no-op {statistics.median(r['rss_kb'] for r in noop) / 1024:.1f}, one change {statistics.median(r['rss_kb'] for r in chg) / 1024:.1f}; max {peak:.1f} | "
            f"`\\copy` {statistics.median(r['rss_kb'] for r in copy) / 1024:.1f}, `SELECT` {statistics.median(r['rss_kb'] for r in sel) / 1024:.1f} |",
            f"| {n:,} | statements (round trips) per cycle, Dograh + ARA | converge {sc['dograh_statements']} + {sc['ara_statements']}, "
            f"no-op {sn['dograh_statements']} + {sn['ara_statements']}, one change {sx['dograh_statements']} + {sx['ara_statements']} | "
            f"1 connection: 6 `COPY` / 6 `SELECT` |",
            f"| {n:,} | data | {sc['configurations']:,} configurations → {rows:,} rows; no-op reads {sn['rows_read']:,} rows (digest of {sn.get('owned_rows', rows):,}) | |",
        ]
    flat = len(set(reads.values())) == 1
    verdicts.append(("read-side statements do not grow with N", flat,
                     ", ".join(f"N = {n:,}: {d} + {a}" for n, (d, a) in reads.items())))

    change = ["| N | run | edit | configuration | time | rows written | rows changed in the database (create/update/delete) | tables | reloads needed | reconcilerd's planned actuations | rounds in the run | exact | follow-up cycles (rows) |",
              "|---:|---:|---|---:|---:|---:|---|---|---:|---|---:|---|---|"]
    for n in ns:
        for c in by[(n, "change")]:
            k = c["check"]
            change.append(
                f"| {n:,} | {c['run']} | {c['edit']} | {c['config']} | {fmt(c['ns'] / 1e6)} ms | {k['rows_written']} | {k['db_rows_changed']} "
                f"({k['created']}/{k['updated']}/{k['deleted']}) | {', '.join(k['tables'])} | {k['reloads']} | "
                f"{', '.join('reload ' + m for m in k['module_reloads']) + (', ' if k['module_reloads'] and k['registers'] else '') + ('PJSIPRegister' if k['registers'] else '') or '–'} | {k['rounds']} | "
                f"{'yes' if k['exact'] else 'NO: ' + ', '.join(k['foreign_endpoints'])} | "
                f"{str(k['followup_cycles']) + ' (' + str(k['followup_rows']) + (', exact' if k['followup_exact'] else ', NOT exact') + ')' if k.get('followup_cycles') else '–'} |")

    header = f"Medians over {runs} runs (whole processes, wall clock); ratio = reconcilerd / baseline."
    print(header)
    print()
    print("\n".join(main))
    print()
    print("\n".join(detail))
    print()
    print("\n".join(change))
    print()
    for label, ok, text in verdicts:
        print(f"target {label}: {text} — {'met' if ok else 'MISSED'}")
    if doc_path:
        write_doc(doc_path, header, "\n".join(main), "\n".join(detail), "\n".join(change), verdicts, machine, runs, ns)


def write_doc(path, header, table, detail, change_table, verdicts, machine, runs, ns):
    targets = "\n".join(f"- **{label}**: {text} — {'met' if ok else '**missed**'}" for label, ok, text in verdicts)
    analysis_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
    analysis = open(analysis_path).read().strip() + "\n" if os.path.exists(analysis_path) else ""
    doc = f"""# reconcilerd performance

Written by `scripts/bench.sh` (N = {', '.join(f'{n:,}' for n in ns)}; {runs} runs per figure) on {machine['date']}.
Rerun it to refresh this page; the page is overwritten.

## Machine

| | |
|---|---|
| CPU | {machine['cpu']} ({machine['nproc']} cores visible to `nproc`) |
| memory | {machine['memory']} |
| kernel | {machine['kernel']} |
| PostgreSQL | {machine['postgres']} (throwaway cluster from `scripts/lib/pg.sh`: loopback TCP, `fsync=off`, `synchronous_commit=off`, `full_page_writes=off`) |
| Swift | {machine['swift']} (release build, Swift runtime linked in: `--static-swift-stdlib --scratch-path .build-static`) |
| reconcilerd binary | `{machine['binary']}` |

reconcilerd, psql and the Postgres server share the same {machine['nproc']} cores. Load average
during the run: {machine['load']} (other work on the machine shows up in the wall-clock
figures of both sides alike; the CPU figures of the process itself are less affected).

## Targets (N = 10,000)

{targets}

## Results

{header}

{table}

Details (min–max over the runs in brackets):

{detail}

### One change, run by run

Each run edits one valid, active configuration in Dograh (a different one each run; the
edit kinds rotate: new SIP password, other strip prefix, other transport, new extension,
deactivated), then times `reconcilerd --once --apply --output json --stats`. "Rows changed in
the database" comes from dumps of every owned ARA row taken before and after the run,
independent of reconcilerd's own report; "exact" means rows written = plan steps = rows
changed in the database, and every changed row belongs to the edited configuration's endpoint
id (old or new). "Reloads needed" is derived from the JSON plan as the brief defines it: 1 if
any step touches `ps_registrations` or the static-realtime context table (`ast_config`), else
0. "reconcilerd's planned actuations" is the plan's own `actuations` list (the benchmark
configures no Asterisk, so nothing is sent). An endpoint that goes away (a new extension
moves the trunk to a new endpoint id; deactivating removes it) loses its registration row
first and its other rows one cycle later (two-phase deprovisioning). The bench runs those
follow-up cycles untimed until the plan is empty, and checks that they also touch only that
configuration's rows.

{change_table}

## What is measured

All times are whole processes (fork, exec, connect, work, exit) measured with
`date +%s%N` around the command, which runs under GNU time (`/usr/bin/time -f %M`) for its
peak resident set size. Each figure is the median of {runs} runs; converge, no-op and their
baselines each get one untimed warm-up run first, and reconcilerd and its baseline alternate
run by run so that drift hits both sides alike. All processes connect over TCP to 127.0.0.1 as the same
DML-only role `reconcilerd` (SCRAM authentication), so every connection costs the same.

- **Converge from empty** — the ARA tables are `TRUNCATE`d (and a `CHECKPOINT` taken)
  before each run, untimed. reconcilerd side: `reconcilerd --once --apply --stats`
  (text plan to /dev/null): process start, two connections (Dograh and ARA), reading and
  validating every `three_cx` configuration while the ARA server computes the digest of the
  owned rows (one statement; it counts none, so nothing else is read), planning, and one
  transaction (`BEGIN`, a savepoint, a check that the config table holds none of
  reconcilerd's rows yet, one `COPY ... FROM STDIN` per table fed while the rows are
  written out, `RELEASE`, `COMMIT`),
  with the text plan rendered meanwhile. A unique violation would roll back to the
  savepoint and insert with the idempotent upsert instead; it never happens here.
  Baseline: one `psql --single-transaction` process that `\\copy`s the identical rows
  (exported from the converged ARA database with `\\copy (SELECT <key and managed columns>
  FROM <table> WHERE <reconcilerd's ownership filter>) TO <file>`) into a second empty
  database with the same schema, truncated between runs. The bench checks that both
  databases then hold identical rows (md5 over reconcilerd's own SELECTs, ordered).
- **No-op cycle** — nothing changed; reconcilerd side: `reconcilerd --once --apply --stats`
  against the converged database (plan empty, nothing written): process start, two
  connections, the Dograh read and validation of all configurations, and one statement in
  which the ARA server computes the digest of the owned rows (count and sum of
  `hashtextextended` of each row's text, per table), compared with the same digest of the
  desired rows computed by reconcilerd; they match, so no row is read or diffed (a digest
  that differs makes the cycle read the rows with the six `SELECT`s below and diff them).
  Baseline: one `psql` process, one connection, running the six `SELECT`s of owned rows
  that reconcilerd runs when it does read (captured verbatim from the server log of a
  reconcilerd run with `log_statement = all`) against the same database, output discarded.
  The baseline does **not** read Dograh and connects once; reconcilerd does both, so the
  ratio charges reconcilerd for the Dograh read, the JSON parsing and validation and the
  second connection.
- **One change** — see above.
- **Peak RSS** — maximum resident set size of the reconcilerd process (GNU time `%M`),
  maximum over all its runs for that N; medians per phase alongside.
- **CPU** — user + system time of the process itself (GNU time `%U + %S`, 10 ms
  resolution); the server's work is not in it.
- **Statements per cycle** — from `--stats` (counted in `PGConnection`: every statement
  sent is one round trip). On the ARA side every cycle starts with the digest statement;
  the six `SELECT`s follow only when the digests differ and the tables are not empty. A
  converge adds `BEGIN`, `SAVEPOINT`, six `COPY`s, the config-table check, `RELEASE` and
  `COMMIT`; one change adds `BEGIN`, at most one `INSERT`/`UPDATE`/`DELETE` per table
  touched, and `COMMIT`.

## Data

`scripts/bench/generate_dograh.sql` builds N `three_cx` configurations with
`generate_series`: 2–3 per organization, six host styles (`<org>.3cx.cloud`,
`pbx<org>.3cx.eu`, `Acme<org>.3CX.us`, `sip.org<org>.de`, `tel-<org>.my3cx.de`,
`<org>.3cx.be:5061`), extensions 100–99999 (some saved as JSON numbers), strip prefixes from
`^\\+39`, `^\\+(39|41)`, `^00`, empty, `^(00|\\+)44`, auth usernames on every third and a TCP
transport on every seventh, ~1% invalid (no `sip_password`), ~2% inactive, ~0.1% collisions
(another organization's copy of an existing trunk, rejected), plus N/20 `twilio` rows that
reconcilerd must skip.

{analysis}"""
    with open(path, "w") as f:
        f.write(doc)


def main(argv):
    if len(argv) < 2:
        fail("usage: tool.py capture-selects|stats|check-change|report ...")
    command, args = argv[1], argv[2:]
    if command == "capture-selects":
        capture_selects(*args)
    elif command == "stats":
        print(json.dumps(read_stats(args[0])))
    elif command == "check-change":
        check_change(*args)
    elif command == "check-followup":
        plan_path, stats_path, cred_before, cred_after = args
        ids = set()
        for path in (cred_before, cred_after):
            c = json.loads(open(path).read())
            ids.add(endpoint_id(c["sip_domain"], c["extension"]))
        plan = plan_figures(load_plans(plan_path))
        stats = read_stats(stats_path)
        foreign = sorted(plan["endpoints"] - ids)
        print(json.dumps({"steps": plan["steps"], "rows_written": stats["rows_written"],
                          "exact": not foreign and stats["rows_written"] == plan["steps"], "reloads": plan["reloads"]}))
    elif command == "describe-change":
        c, run, edit, config = json.loads(args[0]), args[1], args[2], args[3]
        follow = ""
        if c.get("followup_cycles"):
            follow = (f"; then {c['followup_cycles']} more cycle(s) (deferred deprovisioning) wrote {c['followup_rows']} row(s), "
                      f"exact: {'yes' if c['followup_exact'] else 'NO'}")
        print(f"      run {run}: {edit:<12} configuration {config:>5}: {c['rows_written']} rows written, "
              f"{c['db_rows_changed']} changed in the database ({', '.join(c['tables'])}), reloads needed {c['reloads']} "
              f"(reconcilerd plans: {', '.join(c['module_reloads']) or 'no reload'}{', PJSIPRegister' if c['registers'] else ''}), "
              f"{c['rounds']} round(s), "
              f"exact: {'yes' if c['exact'] else 'NO'}{follow}")
    elif command == "report":
        report(*args)
    else:
        fail(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)

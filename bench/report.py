#!/usr/bin/env python3
"""Markdown table from bench/run.sh's results.tsv and expect.tsv (see run.sh)."""
import argparse
import csv
import datetime
import statistics
import sys

SCENARIOS = {"1": "1 first sync", "2": "2 nothing changed", "3": "3 1% changed, 0.5% deleted, 0.5% added"}
NAMES = {
    "floor": "floor (psql \\copy pipe)",
    "copy-target": "COPY into the empty target table (reference)",
    "fdw": "SQL job (postgres_fdw)",
    "meter-sync": "meter-sync",
    "meter-sync-full": "meter-sync --full-fetch",
}


def num(v):
    try:
        return float(v)
    except ValueError:
        return None


def fmt(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.2f}x"


def spread(values):
    """One value if all runs agree, else min..max (runs should agree)."""
    vals = sorted(set(values))
    return vals[0] if len(vals) == 1 else f"{vals[0]}..{vals[-1]}"


def main():
    ap = argparse.ArgumentParser()
    for a in ("results", "expect", "n", "runs", "others", "machine", "pg", "version", "tenant-size", "idle"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--scenario", default="table")
    ap.add_argument("--link", default="none")
    ap.add_argument("--remote-table", default="meter")
    ap.add_argument("--strict", action="store_true", help="exit 1 if meter-sync's counts are wrong")
    args = ap.parse_args()

    with open(args.results) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    with open(args.expect) as f:
        expect = {r["scenario"]: r for r in csv.DictReader(f, delimiter="\t")}

    cells = {}
    for r in rows:
        cells.setdefault((r["scenario"], r["contender"]), []).append(r)
    contenders = [c for c in NAMES if any(k[1] == c for k in cells)]

    def median(s, c, field):
        vals = [num(r[field]) for r in cells.get((s, c), []) if num(r[field]) is not None]
        return statistics.median(vals) if vals else None

    def ratio_to_floor(s, c, field):
        """Median over the repeats of (contender / floor in the same repeat): the
        contenders of a repeat run back to back, so this holds up better than a
        ratio of medians when the machine's load changes between repeats."""
        floor = {r["rep"]: num(r[field]) for r in cells.get((s, "floor"), [])}
        vals = [num(r[field]) / floor[r["rep"]] for r in cells.get((s, c), [])
                if num(r[field]) is not None and floor.get(r["rep"])]
        return f"{statistics.median(vals):.2f}x" if vals else "-"

    n = int(args.n)
    setup = {"table": "remote table `meter`, local types as the remote's",
             "varchar": "local `meter` with varchar ids, device_id, location_id, port, dates and "
                        "time stamps against the remote's bigint/integer/date/timestamptz/json",
             "view": f"remote `meter` is the view `{args.remote_table}` (a join, renamed columns; no xmin), "
                     f"read with `--remote-table {args.remote_table}`"}.get(args.scenario, args.scenario)
    link = ("remote link unshaped (loopback)" if args.link == "none"
            else f"remote link shaped to {args.link} (bandwidth, one-way delay) for every contender")
    print(f"### meter-sync benchmark: N = {n:,} meters of the tenant "
          f"(+{n * int(args.others):,} rows of other tenants), median of {args.runs} run(s); "
          f"scenario {args.scenario}, link {args.link}")
    print()
    print(f"{setup}; {link}.")
    print()
    print(f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %z}; {args.machine}; "
          f"PostgreSQL {args.pg}, fsync off, TCP loopback through a counting proxy; "
          f"{args.version}; tenant rows on the remote: {args.tenant_size}; "
          f"CPU idle during the run: {args.idle}% (the benchmark alone leaves roughly half idle; lower = other load).")
    print()
    print("| scenario | contender | median s | × floor | runs s | local rows written | expected | "
          "local WAL MB | MB from remote | × floor | round trips | peak RSS MiB | client CPU s | reported i/u/d/skipped |")
    print("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    problems = []
    for s in SCENARIOS:
        e = expect.get(s)
        exp_rows = int(e["ins"]) + int(e["upd"]) + int(e["del"]) if e else None
        for c in contenders:
            rs = cells.get((s, c))
            if not rs:
                continue
            t = median(s, c, "secs")
            b = median(s, c, "bytes")
            wal = median(s, c, "wal")
            rss = [num(r["rss_kb"]) for r in rs if num(r["rss_kb"]) is not None]
            cpu = median(s, c, "cpu_s")
            turns = median(s, c, "turns")
            written = spread([int(r["rows"]) for r in rs])
            failed = [r for r in rs if r["rc"] != "0"]
            counts = spread(["/".join(r[k] for k in ("ins", "upd", "del", "skipped")) for r in rs])
            if failed:
                counts = f"**FAILED** {len(failed)}/{len(rs)} (exit {failed[0]['rc']}) " + counts
            if c.startswith("meter-sync") and e:
                want = f"{e['ins']}/{e['upd']}/{e['del']}/0"
                if counts != want:
                    problems.append(f"{NAMES[c]}, scenario {s}: reported {counts}, expected {want}")
            if c not in ("floor", "copy-target") and exp_rows is not None and written != exp_rows:
                problems.append(f"{NAMES[c]}, scenario {s}: wrote {written} local rows, "
                                f"a minimal sync writes {exp_rows}")
            print(f"| {SCENARIOS[s] if c == contenders[0] else ''} | {NAMES[c]} | {fmt(t)} | "
                  f"{ratio_to_floor(s, c, 'secs')} | {' '.join(fmt(num(r['secs'])) for r in rs)} | {written} | "
                  f"{exp_rows if c not in ('floor', 'copy-target') else '-'} | {fmt(wal / 1e6 if wal is not None else None, 1)} | "
                  f"{fmt(b / 1e6 if b is not None else None, 2)} | {ratio_to_floor(s, c, 'bytes')} | {fmt(turns, 0)} | "
                  f"{fmt(max(rss) / 1024, 1) if rss else '-'} | {fmt(cpu)} | {counts if c.startswith('meter-sync') or failed else '-'} |")
    print()
    print("× floor: median over the repeats of the ratio to the floor's figure in the same repeat. "
          "Floor: the tenant's rows into a fresh unlogged table with the remote's column types "
          "(no diff, no jsonb). Expected rows written: inserted + changed + deactivated meters "
          "(`n_tup_ins + n_tup_upd` of local `meter`). Bytes: server to client through the proxy. "
          "Round trips: times the remote server answered after the client had sent something "
          "(connection start-up included); with a shaped link each costs two one-way delays.")

    ms = "meter-sync"
    if any(k[1] == ms for k in cells):
        first = {r["rep"]: num(r["secs"]) for r in cells.get(("1", ms), [])}
        per_rep = [num(r["secs"]) / first[r["rep"]] for r in cells.get(("2", ms), []) if first.get(r["rep"])]
        b2 = median("2", ms, "bytes")
        full = median("2", "meter-sync-full", "bytes") or median("2", "floor", "bytes")
        print()
        rerun = f"{statistics.median(per_rep):.2f}x" if per_rep else "-"
        print(f"Checks for meter-sync: nothing-changed rerun / first sync = {rerun} (median over repeats); "
              f"nothing-changed bytes / full fetch = {ratio(b2, full)}.")
    failures = [r for r in rows if r["rc"] != "0"]
    if failures:
        print()
        print("Failed runs (their figures are in the table but mean little):")
        groups = {}  # the same failure in several runs: one line
        for r in failures:
            key = (r["contender"], r["rc"], r.get("error") or "(no message)")
            groups.setdefault(key, []).append(f"{r['scenario']}/{r['rep']}")
        for (c, rc, err), where in groups.items():
            print(f"- {NAMES.get(c, c)}, scenario/run {' '.join(where)}: exit {rc}: {err}")
    if problems:
        print()
        print("Problems:")
        for p in problems:
            print(f"- {p}")
    if args.strict and any("reported" in p for p in problems):
        sys.exit(1)


if __name__ == "__main__":
    main()

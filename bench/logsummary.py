#!/usr/bin/env python3
"""Summarise a PostgreSQL server log slice written with log_min_duration_statement = 0
and log_line_prefix = '%m [%p] %d %a: ' (bench/run.sh --profile): statement time per
database and the statements that took the most time. auto_explain plans are listed
by duration; read them in the log itself."""
import re
import sys
from collections import defaultdict

HEAD = re.compile(r"^(\S+ \S+ \S+) \[(\d+)\] (\S*) (.*?): (LOG|ERROR|WARNING|NOTICE|STATEMENT|DETAIL|CONTEXT):\s+(.*)$")
DUR = re.compile(r"^duration: ([0-9.]+) ms\s+(plan:|statement: |parse \S+: |bind \S+: |execute \S+: |fastpath function call)(.*)$", re.S)


def entries(lines):
    cur = None
    for line in lines:
        m = HEAD.match(line.rstrip("\n"))
        if m:
            if cur:
                yield cur
            cur = {"db": m.group(3) or "-", "pid": m.group(2), "app": m.group(4),
                   "level": m.group(5), "text": m.group(6)}
        elif cur is not None:
            cur["text"] += "\n" + line.rstrip("\n")
    if cur:
        yield cur


def short(text, width=150):
    return re.sub(r"\s+", " ", text).strip()[:width]


def main():
    with open(sys.argv[1], errors="replace") as f:
        ents = [e for e in entries(f) if e["app"] != "bench-harness"]
    backends = {}
    for e in ents:
        backends.setdefault(e["pid"], (e["db"], e["app"]))
    per_db = defaultdict(lambda: [0.0, 0])
    per_stmt = defaultdict(lambda: [0.0, 0, 0.0])
    plans = []
    errors = []
    for e in ents:
        if e["level"] == "ERROR":
            errors.append(f"{e['db']}: {short(e['text'])}")
        m = DUR.match(e["text"])
        if not m:
            continue
        ms, kind, body = float(m.group(1)), m.group(2), m.group(3)
        if kind == "plan:":
            q = re.search(r"Query Text: (.*?)(\n\t\S|\Z)", body, re.S)
            plans.append((ms, e["db"], short(q.group(1) if q else body, 120)))
            continue
        phase = kind.split()[0] if not kind.startswith("statement") else ""
        key = (e["db"], (phase + " " if phase in ("parse", "bind") else "") + short(body))
        per_db[e["db"]][0] += ms
        per_db[e["db"]][1] += 1
        s = per_stmt[key]
        s[0] += ms
        s[1] += 1
        s[2] = max(s[2], ms)
    print("statement time by database (ms, statements incl. parse/bind/execute phases):")
    for db, (ms, n) in sorted(per_db.items(), key=lambda kv: -kv[1][0]):
        print(f"  {db:12} {ms:10.1f} ms  {n:8d}")
    print("\ntop statements by total time:")
    print(f"  {'total ms':>10} {'count':>7} {'max ms':>9}  db  statement")
    for (db, text), (ms, n, mx) in sorted(per_stmt.items(), key=lambda kv: -kv[1][0])[:30]:
        print(f"  {ms:10.1f} {n:7d} {mx:9.1f}  {db}  {text}")
    if plans:
        print("\nauto_explain plans (>= 5 ms; full plans with actual times in the .server.log):")
        for ms, db, text in sorted(plans, reverse=True)[:20]:
            print(f"  {ms:10.1f} ms  {db}  {text}")
    print("\nbackends (pid database application), to read the perf profile by:")
    for pid, (db, app) in backends.items():
        print(f"  {pid:>8} {db:12} {app}")
    if errors:
        print("\nerrors:")
        for e in errors[:20]:
            print(f"  {e}")


if __name__ == "__main__":
    main()

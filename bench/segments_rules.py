#!/usr/bin/env python3
"""Phase 1 of bench/segments.sh: five segment rules a city would use, each timed three ways.

1. `POST /api/v1/staff/segments/preview` over HTTP (count + GROUP BY + sample, as the console
   does), BENCH_RUNS times.
2. The bare count as the server compiles it (`server segment-sql RULE` prints the statement
   `store::segments::count` runs, values in place), run in psql or sqlite3.
3. A hand-written query of the same meaning, in psql or sqlite3.

Prints a markdown table with the median and p95 of each and the ratio compiled / hand.
Standard library only. Usage (from bench/segments.sh):

    segments_rules.py --base URL --cookie ms_staff=… --backend pg|sqlite --db URL|FILE \
        --district ID --service ID --runs N --sql-runs N [--server target/release/server]
"""

import argparse
import datetime as dt
import json
import re
import statistics
import subprocess
import sys
import time
import urllib.request


def cutoff(today, years):
    """`age_cutoff`: today minus whole years (29 Feb → 28 Feb)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def pct(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(round(len(values) * p)) - 1))]


def post(base, cookie, path, body, timeout):
    """(ms, JSON body or None, HTTP status or 'timeout')."""
    req = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", "cookie": cookie},
        method="POST",
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data, status = resp.read(), resp.status
    except urllib.error.HTTPError as err:
        return (time.perf_counter() - started) * 1000, None, err.code
    except (TimeoutError, urllib.error.URLError):
        return (time.perf_counter() - started) * 1000, None, "timeout"
    return (time.perf_counter() - started) * 1000, json.loads(data), status


def run_sql(backend, db, sql, runs, timeout):
    """Times `sql` once (cold-ish, dropped), then `runs` times in one client session; returns
    (result, list of ms), or (None, None) when the first run takes longer than `timeout` s."""
    sql = " ".join(sql.split())

    def session(n, limit):
        if backend == "pg":
            script = "\\timing on\n" + "\n".join([sql + ";"] * n) + "\n"
            cmd = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", db]
            pattern, scale = r"^Time: ([0-9.]+) ms", 1
        else:
            script = ".timeout 30000\n.timer on\n" + "\n".join([sql + ";"] * n) + "\n"
            cmd = ["sqlite3", db]
            pattern, scale = r"^Run Time: real ([0-9.]+)", 1000
        out = subprocess.run(cmd, input=script, capture_output=True, text=True, check=True,
                             timeout=limit).stdout
        times = [float(t) * scale for t in re.findall(pattern, out, re.M)]
        values = [l for l in out.splitlines()
                  if l and not l.startswith(("Time:", "Timing", "Run Time"))]
        return (values[-1] if values else None), times

    try:
        session(1, timeout)
    except subprocess.TimeoutExpired:
        return None, None
    return session(runs, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--cookie", required=True)
    ap.add_argument("--backend", choices=["pg", "sqlite"], required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--district", type=int, required=True)
    ap.add_argument("--service", type=int, required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--sql-runs", type=int, default=5)
    ap.add_argument("--server", default="target/release/server", help="prints the compiled SQL")
    ap.add_argument("--timeout", type=float, default=120, help="seconds; slower runs are reported, not repeated")
    a = ap.parse_args()

    now = dt.datetime.now(dt.timezone.utc)
    today = (now + dt.timedelta(hours=8)).date()  # china_today
    c = lambda years: f"'{cutoff(today, years).isoformat()}'"
    since = now - dt.timedelta(days=365)
    if a.backend == "pg":
        ts = f"'{since.isoformat()}'::timestamptz"
    else:
        # sqlx stores DateTime<Utc> in SQLite as RFC 3339 text; compared as text.
        ts = "'" + since.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+00:00'"
    d, s = a.district, a.service
    rules = [
        (
            f"60+ living alone in district {d}",
            {"all": [{"is": {"kind": "age", "min": 60, "max": None}}, {"is": {"kind": "lives_alone"}},
                     {"is": {"kind": "region", "region_id": d}}]},
            f"SELECT count(*) FROM resident r JOIN region g ON g.id = r.region_id "
            f"WHERE g.path LIKE '%/{d}/%' AND r.birth_date <= {c(60)} "
            f"AND NOT EXISTS (SELECT 1 FROM resident m WHERE m.household_id = r.household_id AND m.id <> r.id)",
        ),
        (
            "household with a child under 3",
            {"is": {"kind": "has_child_under", "years": 3}},
            f"SELECT count(DISTINCT r.id) FROM resident k JOIN resident r "
            f"ON r.household_id = k.household_id AND r.id <> k.id WHERE k.birth_date > {c(3)}",
        ),
        (
            "disability tag, not on low income",
            {"all": [{"is": {"kind": "tag", "code": "disability"}},
                     {"not": {"is": {"kind": "tag", "code": "low_income"}}}]},
            "SELECT count(*) FROM resident_tag t WHERE t.tag_id = (SELECT id FROM tag WHERE code = 'disability') "
            "AND NOT EXISTS (SELECT 1 FROM resident_tag u WHERE u.resident_id = t.resident_id "
            "AND u.tag_id = (SELECT id FROM tag WHERE code = 'low_income'))",
        ),
        (
            f"applied for service {s} in 365 days, not granted",
            {"all": [{"is": {"kind": "applied", "service_id": s, "within_days": 365, "outcome": "any"}},
                     {"not": {"is": {"kind": "applied", "service_id": s, "within_days": 365, "outcome": "granted"}}}]},
            f"SELECT count(DISTINCT a.resident_id) FROM application a JOIN task t ON t.application_id = a.id "
            f"WHERE t.service_id = {s} AND a.submitted_at >= {ts} AND t.status <> 'draft' "
            f"AND a.resident_id NOT IN (SELECT a2.resident_id FROM application a2 JOIN task t2 ON t2.application_id = a2.id "
            f"WHERE t2.service_id = {s} AND a2.submitted_at >= {ts} AND t2.status IN ('approved', 'completed'))",
        ),
        (
            "women 18-35 who moved in within 2 years",
            {"all": [{"is": {"kind": "gender", "gender": "female"}}, {"is": {"kind": "age", "min": 18, "max": 35}},
                     {"not": {"is": {"kind": "years_of_residence", "years": 2}}}]},
            f"SELECT count(*) FROM resident WHERE gender = 'female' AND birth_date <= {c(18)} AND birth_date > {c(36)} "
            f"AND COALESCE(moved_in_on, birth_date) > {c(2)}",
        ),
    ]

    print("| rule | count | preview median ms | preview p95 ms | compiled count median ms "
          "| hand SQL median ms | compiled / hand | preview / hand |")
    print("|---|---|---|---|---|---|---|---|")
    summary = []
    for name, rule, hand in rules:
        times, count, failure = [], None, None
        for _ in range(a.runs):
            ms, body, status = post(a.base, a.cookie, "/api/v1/staff/segments/preview", rule, a.timeout)
            if status != 200:
                failure = f"preview {status} after {ms / 1000:.1f} s"
                break
            times.append(ms)
            count = body.get("count")
            # A headcount: {"exact": n}, or "fewer_than_ten".
            count = count.get("exact") if isinstance(count, dict) else count
        compiled_sql = subprocess.run([a.server, "segment-sql", json.dumps(rule)], capture_output=True,
                                      text=True, check=True).stdout.strip()
        n_compiled, t_compiled = run_sql(a.backend, a.db, compiled_sql, a.sql_runs, a.timeout)
        n_hand, t_hand = run_sql(a.backend, a.db, hand, a.sql_runs, a.timeout)
        cell = lambda t: f"{statistics.median(t):.1f}" if t else f"> {a.timeout:.0f} s (timeout)"
        ratio = lambda x, y: f"{statistics.median(x) / statistics.median(y):.2f}" if x and y else "n/a"
        shown = count if count is not None else (failure or "?")
        if count is not None and n_compiled is not None and n_hand is not None and \
                not (str(count) == str(n_compiled) == str(n_hand)):
            shown = f"{count} (MISMATCH: compiled {n_compiled}, hand {n_hand})"
        p95 = f"{pct(times, 0.95):.1f}" if times else "n/a"
        print(f"| {name} | {shown} | {cell(times)} | {p95} | {cell(t_compiled)} | {cell(t_hand)} "
              f"| {ratio(t_compiled, t_hand)} | {ratio(times, t_hand)} |", flush=True)
        summary.append({"rule": name, "json": rule, "count": count})
    print()
    for item in summary:
        print(f"- {item['rule']}: `{json.dumps(item['json'], ensure_ascii=False)}`")


if __name__ == "__main__":
    main()

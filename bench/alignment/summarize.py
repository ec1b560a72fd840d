#!/usr/bin/env python3
"""Summarise one run of bench/alignment/run.sh: PostGIS (harness W1/W2 + pgbench log) beside Metrocircle."""
import csv, json, os, re, statistics, sys

out = sys.argv[1]
def path(name): return os.path.join(out, name)
def med(xs): return statistics.median(xs) if xs else float('nan')
def pct(sorted_xs, p):
    import math
    return sorted_xs[max(0, min(len(sorted_xs) - 1, math.ceil(p / 100 * len(sorted_xs)) - 1))]

lines = []
p = lines.append
machine = open(path('machine.txt')).read().strip() if os.path.exists(path('machine.txt')) else ''
p('# Alignment check (W1, W2): Metrocircle vs PostGIS\n')
p('```\n' + machine + '\n```\n')

pg = {}
if os.path.exists(path('postgis_raw.csv')):
    for r in csv.DictReader(open(path('postgis_raw.csv'))):
        pg.setdefault((r['workload'], r['size'], r['metric']), []).append((float(r['value']), r['note']))
def pgvals(w, size_re, metric):
    return [v for (wl, size, m), vs in pg.items() if wl == w and m == metric and re.search(size_re, size) for v in vs]

inproc = json.load(open(path('inproc.json'))) if os.path.exists(path('inproc.json')) else None

p('## W1: one check\n')
p('| what | p50 ms | p99 ms | mean ms | load (1/5/15 min) |')
p('|---|---|---|---|---|')
pg_p50 = None
if os.path.exists(path('pgbench_w1_latency_us.txt')):
    us = sorted(float(x) for x in open(path('pgbench_w1_latency_us.txt')) if x.strip())
    if us:
        note = open(path('pgbench_w1_log_run.txt')).readline().strip()
        pg_p50 = pct(us, 50) / 1000
        p(f'| PostGIS, pgbench prepared, c=1, {len(us):,} tx (per-transaction log) | {pg_p50:.3f} | {pct(us, 99)/1000:.3f} | {statistics.mean(us)/1000:.3f} | {note} |')
lat = pgvals('W1', r'c=1', 'latency_avg')
if lat:
    p(f'| PostGIS, harness W1 (pgbench 1,000 tx, c=1), latency average: median of {len(lat)} runs | – | – | {med([v for v, _ in lat]):.3f} | {"; ".join(n for _, n in lat)} |')
names = {
    'context_tol0': 'Metrocircle, CheckContext → w1 answer, tolerance 0 (PostGIS semantics)',
    'context_tol1': 'Metrocircle, CheckContext → w1 answer, engine tolerance 1 m',
    'checker_full': 'Metrocircle, AlignmentChecker.Check (verdict, shares, 6 rules), tolerance 1 m',
    'create_and_check': 'Metrocircle, Footprint.Create from lon/lat + AlignmentChecker.Check',
}
if inproc:
    for key, label in names.items():
        w = inproc['w1'][key]
        runs = w['runs']
        p(f"| {label}: median of {len(runs)} runs × {runs[0]['calls']:,} calls | {w['p50_ms_median']:.4f} | {w['p99_ms_median']:.4f} | {med([r['mean_ms'] for r in runs]):.4f} | {'; '.join(r['load'] for r in runs)} |")
    c0 = inproc['w1']['context_tol0']['p50_ms_median']
    p('')
    p(f"Goal: one check under 0.05 ms p50 in process — CheckContext p50 {c0:.4f} ms (tolerance 0), "
      f"{inproc['w1']['context_tol1']['p50_ms_median']:.4f} ms (1 m), full check {inproc['w1']['checker_full']['p50_ms_median']:.4f} ms.")
    if pg_p50:
        p(f"PostGIS p50 / Metrocircle CheckContext p50 = {pg_p50 / c0:.0f}×.")
    p('\nWhere the time of one check goes (tolerance 0, mean / p50 µs per layer):\n')
    b = inproc['w1']['breakdown_tol0']
    p('| layer | mean µs | p50 µs | p99 µs | candidates | intersecting |')
    p('|---|---|---|---|---|---|')
    for k, v in b.items():
        if isinstance(v, dict):
            p(f"| {k} | {v['mean_us']:.1f} | {v['p50_us']:.1f} | {v['p99_us']:.1f} | {v['candidates_per_call']:.2f} | {v['intersecting_per_call']:.2f} |")

p('\n## W2: batch audit of all projects\n')
p('| what | runs (s) | median s | CPU s per run (process) | load |')
p('|---|---|---|---|---|')
w2pg = {}
for par in ('2', '0'):
    vs = pgvals('W2', rf'workers<={par}\)', 'wall')
    if vs:
        w2pg[par] = med([v for v, _ in vs])
        p(f"| PostGIS CREATE TABLE AS (hyperfine), parallel workers ≤ {par} | {', '.join('%.2f' % v for v, _ in vs)} | {w2pg[par]:.2f} | – | {vs[0][1]} |")
if inproc:
    for key, label in [('parallel_tol0', 'Metrocircle CheckContext, spatial order, Parallel.For on 2 cores, tolerance 0'),
                       ('serial_tol0', 'Metrocircle CheckContext, spatial order, 1 thread, tolerance 0'),
                       ('parallel_tol1', 'Metrocircle CheckContext, 2 cores, tolerance 1 m'),
                       ('parallel_checker_full', 'Metrocircle AlignmentChecker.Check, 2 cores')]:
        w = inproc['w2'][key]
        if w.get('skipped'): continue
        cpu = ', '.join('%.2f' % r['cpu_s'] for r in w['runs'] if 'cpu_s' in r) or '–'
        p(f"| {label} | {', '.join('%.2f' % r['wall_s'] for r in w['runs'])} | {w['wall_s_median']:.2f} | {cpu} | {'; '.join(r['load'] for r in w['runs'])} |")
    par = inproc['w2']['parallel_tol0']
    ser = inproc['w2']['serial_tol0']
    if '2' in w2pg and not par.get('skipped'):
        p(f"\nRatio PostGIS parallel / Metrocircle parallel (median/median): **{w2pg['2'] / par['wall_s_median']:.1f}×**"
          + (f"; PostGIS serial / Metrocircle serial: **{w2pg['0'] / ser['wall_s_median']:.1f}×**" if '0' in w2pg and not ser.get('skipped') else '')
          + " — goal ≥ 10×.")

if inproc and isinstance(inproc.get('compare_tol0'), dict):
    p('\n## Correctness against audit_w2.csv\n')
    for key, label in [('compare_tol0', 'tolerance 0'), ('compare_tol1', 'engine tolerance 1 m')]:
        c = inproc[key]
        p(f"- **{label}**: {c['compared']:,} projects compared; rows with any mismatch {c['rows_with_any_mismatch']}; county_ids {c['county_ids_mismatch']}, "
          f"hits_eco {c['hits_eco_mismatch']}, farmland_n {c['farmland_n_mismatch']}, urban {c['urban_mismatch']}, farmland_m2 outside max(1e-6 rel, 0.01 m²) "
          f"{c['farmland_m2_outside_tolerance']}; farmland_m2 within 0.1 %: {c['farmland_m2_within_0.1pct']:,} of {c['farmland_nonzero_rows']:,} non-zero rows; "
          f"max rel diff {c['farmland_m2_max_rel_diff']:.2e}, max abs diff {c['farmland_m2_max_abs_diff']:.3g} m².")
        if c['first_mismatches']:
            p('  First mismatches (id, fields, ours / PostGIS …):')
            for m in c['first_mismatches'][:20]:
                p(f'  - `{m}`')

wrk = sorted(f for f in os.listdir(out) if f.startswith('wrk_c'))
if wrk:
    p('\n## W1 over HTTP: POST /checks (wrk)\n')
    p('| concurrency | run | req/s | p50 | p99 | non-2xx | load |')
    p('|---|---|---|---|---|---|---|')
    for f in wrk:
        t = open(path(f)).read()
        c, run = re.match(r'wrk_c(\d+)_run(\d+)', f).groups()
        rps = re.search(r'Requests/sec:\s*([\d.]+)', t)
        p50 = re.search(r'^\s*50%\s+(\S+)', t, re.M); p99 = re.search(r'^\s*99%\s+(\S+)', t, re.M)
        bad = re.search(r'Non-2xx or 3xx responses:\s*(\d+)', t)
        refused = int(bad.group(1)) if bad else 0
        mark = ' (**invalid: answers other than 2xx, the figures time those**)' if refused else ''
        p(f"| {c} | {run} | {rps.group(1) if rps else '?'}{mark} | {p50.group(1) if p50 else '?'} | {p99.group(1) if p99 else '?'} | {refused} | {t.splitlines()[0]} |")
    if os.path.exists(path('http_first.txt')):
        p(f"\nFirst request (builds the snapshot of the store's version): {open(path('http_first.txt')).read().strip()}")

print('\n'.join(lines))

#!/usr/bin/env python3
"""bench/stats summary: W5b timings side by side (median over median) and the answers compared county by county."""
import csv, json, pathlib, re, statistics, sys

out = pathlib.Path(sys.argv[1])

def times(prefix):
    runs = []
    for f in sorted(out.glob(f"hyperfine_{prefix}_*.json")):
        runs += json.loads(f.read_text())["results"][0]["times"]
    return runs

mc, tc0, r2r, pg = times("metrocircle"), times("tc0"), times("r2r"), times("postgis")
inproc = []
for f in sorted(out.glob("inprocess_*.txt")):
    inproc += json.loads(f.read_text().strip().splitlines()[-1])["times"]
doc = json.loads((out / "metrocircle_w5b.json").read_text())
if (out / "inprocess_w5b.json").exists():
    # The running-process answer must be the command's, to the bit.
    other = json.loads((out / "inprocess_w5b.json").read_text())
    assert [(g["id"], g["areaM2"], g["count"]) for g in other["groups"]] == [(g["id"], g["areaM2"], g["count"]) for g in doc["groups"]], "in-process answer differs"
ours = {g["id"]: g for g in doc["groups"]}
rows = list(csv.DictReader(open(out / "postgis_w5b.csv", encoding="utf-8")))
worst, count_diff, missing = 0.0, 0, []
for r in rows:
    g = ours.get(r["id"])
    if g is None:
        missing.append(r["id"]); continue
    count_diff += abs(int(r["n"]) - g["count"])
    pg_m2 = float(r["area_ha"]) * 10000
    worst = max(worst, abs(g["areaM2"] - pg_m2) / pg_m2 if pg_m2 else 0)
extra = [i for i, g in ours.items() if g["count"] and i not in {r["id"] for r in rows}]
total_pg = sum(float(r["area_ha"]) * 10000 for r in rows)
total_mc = sum(g["areaM2"] for g in doc["groups"])
mem = re.search(r"Maximum resident set size \(kbytes\): (\d+)", (out / "metrocircle_time_v.txt").read_text()) if (out / "metrocircle_time_v.txt").exists() else None
load = (out / "load.txt").read_text().strip().replace("\n", "; ") if (out / "load.txt").exists() else "?"
machine = (out / "machine.txt").read_text().strip()

def fmt(xs):
    return f"{statistics.median(xs):.3f} s (min {min(xs):.3f}, max {max(xs):.3f}, n={len(xs)})" if xs else "—"

print("# W5b — area of the farmland parcels by county (spatial join, point on surface)\n")
print("| | median wall (min, max, runs) |")
print("|---|---|")
print(f"| PostGIS `w5b_area_by_county_spatial.sql` via psql | {fmt(pg)} |")
print(f"| `metrocircle stats permanent-farmland --by harness-counties --json` (SQLite, whole process) | {fmt(mc)} |")
if tc0:
    print(f"| the same with `DOTNET_TieredCompilation=0` (whole process) | {fmt(tc0)} |")
if r2r:
    print(f"| the same published with ReadyToRun (`dotnet publish -r linux-x64 -p:PublishReadyToRun=true`, whole process) | {fmt(r2r)} |")
if inproc:
    print(f"| the same computation in a running process (`metrocircle-bench-stats`, after a warm-up run) | {fmt(inproc)} |")
for label, xs in (("whole process", mc), ("whole process, tiered compilation off", tc0), ("whole process, published ReadyToRun", r2r), ("running process", inproc)):
    if xs and pg:
        print(f"| **ratio PostGIS / Metrocircle, {label}** | **{statistics.median(pg) / statistics.median(xs):.1f}×** |")
print()
print(f"Answers: {len(rows)} PostGIS counties, {len(ours)} groups; missing in Metrocircle: {missing or 'none'}; "
      f"groups with parcels PostGIS lacks: {extra or 'none'}; Σ|count difference| = {count_diff}; "
      f"worst relative area difference = {worst:.2e}; totals {total_mc:.1f} m² vs {total_pg:.1f} m²; "
      f"features read {doc['features']}, unassigned {doc['unassigned']['count']}.")
if mem:
    print(f"\nPeak RSS of one `metrocircle stats` run: {int(mem.group(1)) / 1024:.0f} MB.")
print(f"\nLoad average (1, 5, 15 min) around each measurement: {load}\n")
print("The machine's two cores were shared with other jobs: read the ratio, not the absolute times.\n")
print("```\n" + machine + "\n```")

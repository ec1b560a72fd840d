"""Recomputes the county figures and the commuting-circle criterion of GET /mismatch from the same inputs, independently.

Usage: recompute_mismatch.py REPORT.json COUNTY.csv COMMUTING.csv YEAR CORE_PROVINCE MIN_SHARE
Prints one line per disagreement and exits 1 if there is any.
"""
import csv
import json
import math
import sys

report_path, county_csv, commuting_csv, year, core_province, min_share = sys.argv[1:7]
year, min_share = int(year), float(min_share)
report = json.load(open(report_path, encoding="utf-8"))
places = {p["id"]: p for p in report["places"]}

population, jobs = {}, {}
for row in csv.DictReader(open(county_csv, encoding="utf-8")):
    if int(row["year"]) != year:
        continue
    target = population if row["indicator"] == "county-resident-population" else jobs if row["indicator"] == "county-jobs" else None
    if target is not None:
        target[row["scope"]] = float(row["value"])

flows = [r for r in csv.DictReader(open(commuting_csv, encoding="utf-8")) if int(r["year"]) == year and r["mode"] == "all"]


def km(a, b):
    if a == b:
        return 2 / 3 * math.sqrt(places[a]["areaKm2"] / math.pi)
    pa, pb = places[a], places[b]
    return math.hypot(pa["x"] - pb["x"], pa["y"] - pb["y"]) / 1000


out = {}
for f in flows:
    out.setdefault(f["origin"], []).append((f["destination"], float(f["trips"])))

problems = []


def agree(county, name, got, want, tolerance):
    if got is None or want is None:
        if got != want:
            problems.append(f"{county} {name}: API {got}, script {want}")
    elif abs(got - want) > tolerance:
        problems.append(f"{county} {name}: API {got}, script {want:.6f}")


checked = 0
for figures in report["counties"]:
    c = figures["id"]
    trips = out.get(c, [])
    total = sum(t for _, t in trips)
    agree(c, "jobsHousingRatio", figures["jobsHousingRatio"], jobs[c] / population[c] if c in jobs and population.get(c) else None, 0.6e-4)
    agree(c, "residentCommuters", figures["residentCommuters"], total, 0.06)
    if total > 0:
        agree(c, "selfContainment", figures["selfContainment"], sum(t for d, t in trips if d == c) / total, 0.6e-4)
        agree(c, "crossProvinceShare", figures["crossProvinceShare"],
              sum(t for d, t in trips if places[d]["provinceId"] != places[c]["provinceId"]) / total, 0.6e-4)
        agree(c, "meanCommuteKm", figures["meanCommuteKm"], sum(t * km(c, d) for d, t in trips) / total, 0.6e-3)
    checked += 1

core = {c for c, p in places.items() if p["provinceId"] == core_province}
computed = sorted(c for c, trips in out.items() if c not in core and sum(t for _, t in trips) > 0
                  and sum(t for d, t in trips if d in core) / sum(t for _, t in trips) >= min_share)
if computed != sorted(report["commutingCircle"]["computed"]):
    problems.append(f"commuting circle: API {report['commutingCircle']['computed']}, script {computed}")

for p in problems:
    print(p)
print(f"checked {checked} counties and {len(flows)} flows; {len(problems)} disagreements")
sys.exit(1 if problems else 0)

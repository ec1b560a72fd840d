#!/usr/bin/env python3
"""summarize.py RUN_DIR -> RUN_DIR/runs.csv (one row per wrk run) and RUN_DIR/summary.md.

Reads RUN_DIR/loads.csv (workload,target,run,loadavg,file, written by run.sh before each wrk run)
and the wrk outputs it names. Per workload and target it takes the median over runs of req/s,
p50 and p99 latency; each Metrocircle target's ratio is its median req/s over MapServer's median
req/s in the same workload (same run, same machine conditions).
"""
import csv
import re
import statistics
import sys
from collections import OrderedDict

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
UNIT_B = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}
LABELS = {
    "bbox": "counties items, `limit=100`, 64 bboxes cycled (0.5°×0.4°)",
    "all": "counties items, whole collection `limit=200`, no bbox",
}
TARGETS = {
    "metrocircle": "Metrocircle",
    "metrocircle-quiet": "Metrocircle, request logging off",
    "mapserver": "MapServer 8 FastCGI",
}


def ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNIT_MS[m.group(2)]


def parse(path):
    out = open(path, encoding="utf-8").read()
    r = {}
    m = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    r["req_s"] = float(m.group(1)) if m else None
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        r[f"p{pct}_ms"] = ms(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in ([0-9.]+\w+), ([0-9.]+)(\w+) read", out)
    if m:
        r["requests"] = int(m.group(1))
        r["bytes_per_req"] = float(m.group(3)) * UNIT_B[m.group(4)] / max(1, int(m.group(1)))
    else:
        r["requests"] = r["bytes_per_req"] = None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", out)
    r["socket_errors"] = m.group(1).strip() if m else ""
    return r


def fmt(v, digits=1):
    return "–" if v is None else f"{v:,.{digits}f}"


def main():
    run_dir = sys.argv[1]
    loads = list(csv.DictReader(open(f"{run_dir}/loads.csv", encoding="utf-8")))
    rows = []
    for l in loads:
        r = parse(f"{run_dir}/{l['file']}")
        rows.append({**l, **r})
    cols = ["workload", "target", "run", "loadavg", "req_s", "p50_ms", "p99_ms", "requests", "bytes_per_req", "non2xx", "socket_errors", "file"]
    with open(f"{run_dir}/runs.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c) for c in cols})

    groups = OrderedDict()
    for r in rows:
        groups.setdefault(r["workload"], OrderedDict()).setdefault(r["target"], []).append(r)

    def med(rs, k):
        v = [r[k] for r in rs if r[k] is not None]
        return statistics.median(v) if v else None

    lines = [
        "| workload | server | runs | req/s (median) | req/s (min–max) | ratio Metrocircle / MapServer | p50 ms | p99 ms | KiB / response | non-2xx | load avg (1 min) before runs |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for wl, targets in groups.items():
        base = med(targets.get("mapserver", []), "req_s")
        for t, rs in targets.items():
            rq = med(rs, "req_s")
            ratio = f"**{rq / base:.2f}**" if t != "mapserver" and rq and base else ("1 (baseline)" if t == "mapserver" else "–")
            vals = [r["req_s"] for r in rs if r["req_s"] is not None]
            loadv = " / ".join(r["loadavg"].split()[0] for r in rs)
            bpr = med(rs, "bytes_per_req")
            lines.append(
                f"| {LABELS.get(wl, wl)} | {TARGETS.get(t, t)} | {len(rs)} | {fmt(rq)} | {fmt(min(vals)) if vals else '–'}–{fmt(max(vals)) if vals else '–'} | {ratio} "
                f"| {fmt(med(rs, 'p50_ms'), 2)} | {fmt(med(rs, 'p99_ms'), 2)} | {fmt(bpr / 1024 if bpr else None, 0)} "
                f"| {sum(r['non2xx'] for r in rs)} | {loadv} |")
    text = "\n".join(lines) + "\n"
    with open(f"{run_dir}/summary.md", "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()

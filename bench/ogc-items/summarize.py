#!/usr/bin/env python3
"""summarize.py RUN_DIR -> RUN_DIR/runs.csv (one row per wrk run) and RUN_DIR/summary.md (table, answer
check, machine). Safe to re-run on an old run folder.

Reads RUN_DIR/loads.csv (workload,target,run,attempt,loadavg,other_pct,clean,file, written by run.sh
for each wrk run) and the wrk outputs it names. Per workload and server it takes the median of
req/s, p50 and p99 latency over the clean runs (other processes took <= CLEAN_OTHER % of the
machine), or over all runs when none was clean; each Metrocircle target's ratio is its median
req/s over MapServer's median req/s in the same workload and run of run.sh.
"""
import csv
import os
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
    m = re.search(r"^cpuwatch: (.*)$", out, re.M)
    cpu = dict(kv.split("=") for kv in m.group(1).split()) if m else {}
    for k in ("wall", "busy", "server", "client", "other", "steal", "idle"):
        r[f"cpu_{k}"] = float(cpu[k]) if k in cpu else None
    # server CPU per request (ms), and the share of the machine's capacity used by other processes
    r["server_cpu_ms_per_req"] = 1000 * r["cpu_server"] / r["requests"] if r["cpu_server"] is not None and r["requests"] else None
    r["other_pct"] = 100 * r["cpu_other"] / (r["cpu_wall"] * int(cpu["cores"])) if m else None
    r["client_pct"] = 100 * r["cpu_client"] / (r["cpu_wall"] * int(cpu["cores"])) if m else None
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
    cols = ["workload", "target", "run", "attempt", "clean", "loadavg", "req_s", "p50_ms", "p99_ms", "requests", "bytes_per_req", "non2xx", "socket_errors",
            "cpu_wall", "cpu_busy", "cpu_server", "cpu_client", "cpu_other", "cpu_steal", "cpu_idle", "server_cpu_ms_per_req", "other_pct", "file"]
    with open(f"{run_dir}/runs.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c) for c in cols})

    groups = OrderedDict()
    for r in rows:
        groups.setdefault(r["workload"], OrderedDict()).setdefault(r["target"], []).append(r)
    # Per workload, the same rule for every server, so that ratios compare like with like: the
    # clean runs when every server has at least one, else every run (contended ones included).
    used = OrderedDict()
    for wl, targets in groups.items():
        cleans = {t: [r for r in rs if r.get("clean", "1") == "1"] for t, rs in targets.items()}
        all_clean = all(cleans.values())
        for t, rs in targets.items():
            used.setdefault(wl, OrderedDict())[t] = (cleans[t] if all_clean else rs, len(cleans[t]), len(rs), all_clean)

    def med(rs, k):
        v = [r[k] for r in rs if r[k] is not None]
        return statistics.median(v) if v else None

    lines = [
        "| workload | server | runs used | req/s median (min–max) | ratio Metrocircle / MapServer (req/s) | p50 ms | p99 ms | KiB / response "
        "| server CPU ms / request | ratio MapServer / Metrocircle (CPU per request) | wrk CPU % of machine | other processes' CPU % of machine, median (max) | load avg (1 min) before each run |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for wl, targets in used.items():
        base = med(targets["mapserver"][0], "req_s") if "mapserver" in targets else None
        base_cpu = med(targets["mapserver"][0], "server_cpu_ms_per_req") if "mapserver" in targets else None
        for t, (rs, nclean, nall, all_clean) in targets.items():
            cpu = med(rs, "server_cpu_ms_per_req")
            cpu_ratio = f"{base_cpu / cpu:.2f}" if t != "mapserver" and cpu and base_cpu else ("(baseline)" if t == "mapserver" else "–")
            rq = med(rs, "req_s")
            ratio = f"**{rq / base:.2f}**" if t != "mapserver" and rq and base else ("(baseline)" if t == "mapserver" else "–")
            vals = [r["req_s"] for r in rs if r["req_s"] is not None]
            spread = f" ({fmt(min(vals))}–{fmt(max(vals))})" if len(vals) > 1 else ""
            loadv = " / ".join(r["loadavg"].split()[0] for r in rs)
            bpr = med(rs, "bytes_per_req")
            bad = sum(r["non2xx"] for r in rs)
            lines.append(
                f"| {LABELS.get(wl, wl)} | {TARGETS.get(t, t)} | {f'{nclean} clean' if all_clean else f'all {nall} ({nclean} clean)'} | {fmt(rq)}{spread} | {ratio} "
                f"| {fmt(med(rs, 'p50_ms'), 2)} | {fmt(med(rs, 'p99_ms'), 2)} | {fmt(bpr / 1024 if bpr else None, 0)} "
                f"| {fmt(cpu, 2)} | {cpu_ratio} | {fmt(med(rs, 'client_pct'), 0)} | {fmt(med(rs, 'other_pct'), 0)} (max {fmt(max((r['other_pct'] for r in rs if r['other_pct'] is not None), default=None), 0)}) | {loadv} |"
                + ("" if not bad else f" **{bad} non-2xx responses**"))
    table = "\n".join(lines) + "\n"
    name = os.path.basename(os.path.normpath(run_dir))
    head = ""
    try:  # the settings, from run.sh's first log line
        m = re.search(r"\((wrk [^)]*)\)", open(f"{run_dir}/run.log", encoding="utf-8").readline())
        head = m.group(1) if m else ""
    except OSError:
        pass
    parts = [f"# ogc-items run {name}", "",
             f"{head}; medians per server; ratio = Metrocircle / MapServer req/s (CPU ratio: MapServer / Metrocircle "
             "server CPU per request); clean = other processes took <= CLEAN_OTHER % of the machine during the run.", "",
             table]
    for title, fn in (("Answers (compare.py)", "compare-summary.txt"), ("Machine", "machine.txt")):
        if os.path.exists(f"{run_dir}/{fn}"):
            parts += [f"{title}:", "```", open(f"{run_dir}/{fn}", encoding="utf-8").read().rstrip(), "```", ""]
    with open(f"{run_dir}/summary.md", "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    print(table)


if __name__ == "__main__":
    main()

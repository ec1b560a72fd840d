#!/usr/bin/env python3
"""Mixed HTTP load on a running Metrocircle (bench/load/mixed.sh starts it): N keep-alive connections, each a thread
sending a random mix of anonymous item and tile reads, signed-in alignment checks, case submissions and decisions on
the tasks of the cases it submitted. Every answer other than the expected status is an error. Samples the RSS of the
server processes and the load average every few seconds. Prints a summary and writes it as JSON.

Environment: MC_BASE (http://host:port, the proxy or the server), MC_ADMIN_OTP (the administrator's one-time password
printed by the first `serve`), MC_PIDS (server process ids, comma-separated, for RSS), MC_DURATION (s),
MC_CONNECTIONS, MC_OUT (JSON file), MC_WARMUP (s excluded from the memory trend; default 60).
"""
import http.client
import json
import math
import os
import random
import sys
import threading
import time
import urllib.parse

BASE = urllib.parse.urlsplit(os.environ["MC_BASE"])
ADMIN_OTP = os.environ["MC_ADMIN_OTP"]
PIDS = [int(p) for p in os.environ.get("MC_PIDS", "").split(",") if p]
DURATION = float(os.environ.get("MC_DURATION", "600"))
CONNECTIONS = int(os.environ.get("MC_CONNECTIONS", "16"))
OUT = os.environ.get("MC_OUT", "mixed.json")
WARMUP = float(os.environ.get("MC_WARMUP", "60"))
PASSWORD = "load-" + os.urandom(8).hex()


class Client:
    """One keep-alive connection; reconnects after a connection error (the error is still counted)."""

    def __init__(self):
        self.conn = None

    def call(self, method, path, body=None, token=None, timeout=120):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        if self.conn is None:
            self.conn = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=timeout)
        try:
            self.conn.request(method, path, body=data, headers=headers)
            r = self.conn.getresponse()
            raw = r.read()
        except Exception:
            self.conn.close()
            self.conn = None
            raise
        if r.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        parsed = None
        if raw[:1] in (b"{", b"["):
            parsed = json.loads(raw)
        return r.status, parsed, len(raw)


setup = Client()


def must(status, body, what, ok=(200, 201, 204)):
    if status not in ok:
        raise SystemExit(f"mixed: {what} failed: {status} {body}")
    return body


def sign_in(name, password, client=None):
    # Sign-ins are rate-limited per client address and the whole load comes from one address: mixed.sh raises the
    # limit for the run (METROCIRCLE_SIGN_IN_PER_MINUTE). Should a 429 still come, wait it out -- on this account's own
    # connection and lock only, never while holding a lock that other workers need.
    client = client or setup
    for _ in range(5):
        status, body, _ = client.call("POST", "/auth/sign-in", {"userName": name, "password": password})
        if status != 429:
            break
        print("mixed: sign-in rate limit reached; waiting 61 s", flush=True)
        time.sleep(61)
    return must(status, body, f"sign-in of {name}")["token"]


def take_password(name, one_time, client=None):
    token = sign_in(name, one_time, client)
    status, body, _ = (client or setup).call("POST", "/auth/password", {"currentPassword": one_time, "newPassword": PASSWORD}, token)
    must(status, body, f"password change of {name}")
    return sign_in(name, PASSWORD, client)


# --- setup: the administrator, a proponent per connection, reviewers per province and department, the office ---
admin = take_password("admin", ADMIN_OTP)
status, provinces, _ = setup.call("GET", "/collections/provinces/items?limit=100")
must(status, provinces, "reading the provinces")
province_ids = [f["id"] for f in provinces["features"]]
departments = ["natural-resources", "development-reform"]
accounts = {}
lock = threading.Lock()           # the run's shared counters and lists; held only for memory operations
accounts_lock = threading.Lock()  # the account table; held only to find or make an account's own lock
account_locks = {}


def account(name, role, jurisdiction=None, department=None):
    """The token of a signed-in account, made on first use. Each account is made once (its own lock), on its own
    connection, so workers that need other accounts, or none, go on meanwhile."""
    with accounts_lock:
        if name in accounts:
            return accounts[name]
        own = account_locks.setdefault(name, threading.Lock())
    with own:
        with accounts_lock:
            if name in accounts:
                return accounts[name]
        client = Client()
        status, otp, _ = client.call("POST", "/users", {"userName": name, "displayName": name, "role": role,
                                                        "jurisdiction": jurisdiction, "department": department}, admin)
        must(status, otp, f"adding {name}")
        token = take_password(name, otp["password"], client)
        with accounts_lock:
            accounts[name] = token
        return token


suffix = os.urandom(3).hex()
office = account(f"lt-office-{suffix}", "coordination-office")
for j in province_ids:
    for d in departments:
        account(f"lt-{j}-{d}-{suffix}", "reviewer", j, d)
# Four proponents shared by the connections (each connection sends as proponent n % 4): fewer sign-ins in the setup.
proponents = [account(f"lt-proponent-{n}-{suffix}", "proponent") for n in range(min(4, CONNECTIONS))]
proponents = [proponents[n % len(proponents)] for n in range(CONNECTIONS)]


def decider(task):
    kind = task.get("kind")
    if kind == "coordination":
        return office
    # A task routed to the national level (e.g. overlap with permanent farmland) has no jurisdiction: a national
    # reviewer decides it.
    if task.get("level") == "national" or not task.get("jurisdiction"):
        return account(f"lt-national-{task.get('department') or 'any'}-{suffix}", "national-reviewer", None, task.get("department"))
    if kind == "jurisdiction":
        return account(f"lt-{task['jurisdiction']}-development-reform-{suffix}", "reviewer", task["jurisdiction"], "development-reform")
    dept = task.get("department") or "development-reform"
    return account(f"lt-{task['jurisdiction']}-{dept}-{suffix}", "reviewer", task["jurisdiction"], dept)


# --- the mix ---
# Footprints and boxes fall inside the plan's counties (a check wholly outside them is refused with 422, rightly):
# points are drawn at random in the counties' extent and kept when inside a county's outer ring.
status, counties, _ = setup.call("GET", "/collections/counties/items?limit=10000")
must(status, counties, "reading the counties")
rings = []
for f in counties["features"]:
    g = f["geometry"]
    for poly in ([g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]):
        ring = poly[0]
        xs, ys = [c[0] for c in ring], [c[1] for c in ring]
        rings.append((min(xs), min(ys), max(xs), max(ys), ring))
W, S = min(r[0] for r in rings), min(r[1] for r in rings)
E, N = max(r[2] for r in rings), max(r[3] for r in rings)


def inside(x, y):
    for w, s_, e, n, ring in rings:
        if w <= x <= e and s_ <= y <= n:
            hit = False
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                    hit = not hit
            if hit:
                return True
    return False


POINTS = []
while len(POINTS) < 2000:
    x, y = W + random.random() * (E - W), S + random.random() * (N - S)
    if inside(x, y) and inside(x + 0.01, y) and inside(x, y + 0.01) and inside(x + 0.01, y + 0.01):
        POINTS.append((x, y))


def point():
    return random.choice(POINTS)


def square(size):
    x, y = point()
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def tile(z):
    x, y = point()
    n = 2 ** z
    col = int((x + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(y))) / math.pi) / 2 * n)
    return row, col


LAYERS_ITEMS = ["counties", "permanent-farmland", "ecological-redline", "urban-boundary", "key-areas", "corridors"]
LAYERS_TILES = ["counties", "permanent-farmland", "ecological-redline", "urban-boundary"]
CATEGORIES = ["logistics", "housing", "general-manufacturing", "rd-campus", "public-service"]

latencies = {}
statuses = {}
errors = []
pending = []  # (case id, task, revision) waiting for a decision
counts = {"casesSubmitted": 0, "decisions": 0, "casesClosed": 0}


def record(endpoint, seconds, status, expected, body=None):
    with lock:
        latencies.setdefault(endpoint, []).append(seconds)
        statuses.setdefault(endpoint, {}).setdefault(str(status), 0)
        statuses[endpoint][str(status)] += 1
        if status not in expected:
            detail = body.get("detail") or body.get("title") if isinstance(body, dict) else None
            errors.append(f"{endpoint}: {status}" + (f" ({detail})"[:300] if detail else ""))


def timed(client, endpoint, expected, method, path, body=None, token=None):
    start = time.perf_counter()
    try:
        status, parsed, _ = client.call(method, path, body, token)
    except Exception as e:  # a connection error is an error
        record(endpoint, time.perf_counter() - start, type(e).__name__, expected)
        return None, None
    record(endpoint, time.perf_counter() - start, status, expected, parsed)
    return status, parsed


def items(client, n):
    layer = random.choice(LAYERS_ITEMS)
    x, y = point()
    box = f"{x:.4f},{y:.4f},{x + 0.3:.4f},{y + 0.3:.4f}"
    timed(client, "GET items (bbox)", (200,), "GET", f"/collections/{layer}/items?bbox={box}&limit=50")


def tiles(client, n):
    z = random.choice([7, 8, 9, 10, 11])
    row, col = tile(z)
    timed(client, "GET tile", (200, 204), "GET", f"/collections/{random.choice(LAYERS_TILES)}/tiles/WebMercatorQuad/{z}/{row}/{col}")


def check(client, n):
    x, y = point()
    body = {"type": "Feature", "properties": {"category": random.choice(CATEGORIES), "bufferM": random.choice([50, 100, 300])},
            "geometry": {"type": "Point", "coordinates": [round(x, 5), round(y, 5)]}}
    timed(client, "POST /checks (signed in)", (201,), "POST", "/checks", body, proponents[n])


def me(client, n):
    timed(client, "GET /auth/me (signed in)", (200,), "GET", "/auth/me", token=proponents[n])


def submit(client, n):
    body = {"title": f"load test case {n}", "feature": {"type": "Feature", "properties": {"category": random.choice(CATEGORIES)},
                                                        "geometry": {"type": "Polygon", "coordinates": [square(0.01)]}}}
    status, case = timed(client, "POST /cases", (201,), "POST", "/cases", body, proponents[n])
    if status == 201:
        with lock:
            counts["casesSubmitted"] += 1
            pending.extend((case["id"], t, case["revision"]) for t in case["tasks"] if t.get("current") and t.get("status") == "open")


def decide(client, n):
    with lock:
        job = pending.pop(random.randrange(len(pending))) if pending else None
    if job is None:
        return submit(client, n)
    case_id, task, revision = job
    # 409 is right when another connection's decision closed the case meanwhile (its quorum was met, so the remaining
    # optional task takes no decisions), and when the last approval would take more land quota than the county holds:
    # both are counted apart; any other 409 is an error.
    status, case = timed(client, "POST decision", (200, 409), "POST", f"/cases/{case_id}/tasks/{urllib.parse.quote(task['id'])}/decision",
                         {"decision": "approve", "reason": "load test", "revision": revision}, decider(task))
    if status == 409:
        detail = (case or {}).get("detail", "") if isinstance(case, dict) else ""
        with lock:
            if "take decisions" in detail:
                counts["decisionsOnClosedCases"] = counts.get("decisionsOnClosedCases", 0) + 1
            elif "more land quota than its jurisdictions hold" in detail:
                # The land ledger refusing the approval that would post more construction land than the county's
                # account holds: thousands of ~1 km² cases drain the demo quota, and refusing is the ledger's job.
                counts["approvalsRefusedForQuota"] = counts.get("approvalsRefusedForQuota", 0) + 1
            else:
                errors.append(f"POST decision: 409 ({detail})"[:300])
    if status == 200:
        with lock:
            counts["decisions"] += 1
            if case.get("isClosed"):
                counts["casesClosed"] += 1
                pending[:] = [p for p in pending if p[0] != case_id]


MIX = [(items, 30), (tiles, 30), (check, 15), (me, 5), (submit, 10), (decide, 10)]
OPS = [op for op, w in MIX for _ in range(w)]
stop_at = time.monotonic() + DURATION


def worker(n):
    client = Client()
    rnd = random.Random(n)
    while time.monotonic() < stop_at:
        op = rnd.choice(OPS)
        try:
            op(client, n)
        except BaseException as e:  # noqa: B036 — SystemExit from must() would end this thread silently
            # A failure inside an operation (an account the decider could not make, a malformed answer) is an error
            # of the run, counted and named, and the connection goes on; before, it ended the thread without a trace.
            with lock:
                errors.append(f"{op.__name__}: {type(e).__name__}: {e}"[:300])


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


samples = []


def sampler(started):
    while time.monotonic() < stop_at:
        load1 = os.getloadavg()[0]
        with lock:
            done = sum(len(v) for v in latencies.values())
        samples.append({"t": round(time.monotonic() - started, 1), "rssMiB": [round((rss_kib(p) or 0) / 1024, 1) for p in PIDS],
                        "load1": round(load1, 2), "requests": done})
        time.sleep(5)


# The first check of a version builds its analysis snapshot; that is start-up, not load.
# Behind a proxy each instance builds its own, so the warm-up goes to every instance directly (MC_WARM_BASES).
WARM = [b for b in os.environ.get("MC_WARM_BASES", "").split(",") if b] or [os.environ["MC_BASE"]]
for warm_base in WARM:
    BASE = urllib.parse.urlsplit(warm_base)
    warm = Client()
    x, y = point()
    status, body, _ = warm.call("POST", "/checks", {"type": "Feature", "properties": {"category": "logistics", "bufferM": 100},
                                                   "geometry": {"type": "Point", "coordinates": [x, y]}}, proponents[0], timeout=300)
    must(status, body, f"the warm-up check on {warm_base}")
    for layer in LAYERS_TILES:
        row, col = tile(8)
        warm.call("GET", f"/collections/{layer}/tiles/WebMercatorQuad/8/{row}/{col}")
BASE = urllib.parse.urlsplit(os.environ["MC_BASE"])

started = time.monotonic()
stop_at = started + DURATION
threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(CONNECTIONS)]
for t in threads:
    t.start()
watch = threading.Thread(target=sampler, args=(started,), daemon=True)
watch.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - started


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(math.ceil(p / 100 * len(s))) - 1)] * 1000


endpoints = {}
for name, values in sorted(latencies.items()):
    endpoints[name] = {"requests": len(values), "p50ms": round(pct(values, 50), 1), "p99ms": round(pct(values, 99), 1),
                       "maxms": round(max(values) * 1000, 1), "statuses": statuses[name]}
after = [s for s in samples if s["t"] >= WARMUP] or samples
rss = {}
for i, pid in enumerate(PIDS):
    series = [s["rssMiB"][i] for s in after if s["rssMiB"][i] > 0]
    if series:
        half = max(1, len(series) // 4)
        rss[str(pid)] = {"firstAfterWarmupMiB": series[0], "maxMiB": max(series), "lastMiB": series[-1],
                         "firstQuarterMeanMiB": round(sum(series[:half]) / half, 1), "lastQuarterMeanMiB": round(sum(series[-half:]) / half, 1)}
loads = [s["load1"] for s in samples]
summary = {"base": os.environ["MC_BASE"], "connections": CONNECTIONS, "seconds": round(elapsed, 1),
           "requests": sum(len(v) for v in latencies.values()), "errors": len(errors), "errorKinds": sorted(set(errors))[:20],
           "requestsPerSecond": round(sum(len(v) for v in latencies.values()) / elapsed, 1), "endpoints": endpoints, **counts,
           "pendingTasksLeft": len(pending), "rss": rss, "load1": {"min": min(loads, default=0), "mean": round(sum(loads) / max(1, len(loads)), 2), "max": max(loads, default=0)},
           "samples": samples}
with open(OUT, "w") as f:
    json.dump(summary, f, indent=1)
print(f"{summary['requests']} requests in {summary['seconds']} s ({summary['requestsPerSecond']}/s), {summary['errors']} errors {summary['errorKinds'][:5]}")
for name, e in endpoints.items():
    print(f"  {name:28} {e['requests']:7}  p50 {e['p50ms']:8.1f} ms  p99 {e['p99ms']:8.1f} ms  max {e['maxms']:8.1f} ms  {e['statuses']}")
print(f"  cases submitted {counts['casesSubmitted']}, decisions {counts['decisions']}, cases closed {counts['casesClosed']}; refused as they should be: {counts.get('approvalsRefusedForQuota', 0)} last approvals for lack of land quota, {counts.get('decisionsOnClosedCases', 0)} decisions on a case another connection had just closed")
for pid, r in rss.items():
    print(f"  RSS pid {pid}: after warm-up {r['firstAfterWarmupMiB']} MiB, first quarter mean {r['firstQuarterMeanMiB']}, last quarter mean {r['lastQuarterMeanMiB']}, max {r['maxMiB']} MiB")
print(f"  load average (1 min) during the run: min {summary['load1']['min']}, mean {summary['load1']['mean']}, max {summary['load1']['max']}")
sys.exit(1 if errors else 0)

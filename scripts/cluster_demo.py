#!/usr/bin/env python3
"""The steps of scripts/cluster-demo.sh that talk HTTP: two Metrocircle instances on one PostGIS store behind nginx.

Each step prints what it shows and fails loudly (exit 1) when the cluster does not behave as stated. Only loopback
addresses are used; the load is bounded in count and time.
"""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

A = os.environ["MC_A"]            # http://127.0.0.1:PORT of instance A
B = os.environ["MC_B"]            # instance B
PROXY = os.environ["MC_PROXY"]    # nginx in front of both
ADMIN_OTP = os.environ["MC_ADMIN_OTP"]
PID_B = int(os.environ["MC_PID_B"])
IMPORT_CMD = os.environ["MC_IMPORT_CMD"]  # a shell command that publishes a new version through the shared store
WORK = os.environ["MC_WORK"]

failures = []


def call(base, method, path, body=None, token=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, dict(r.headers), (json.loads(raw) if raw[:1] in (b"{", b"[") else raw)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, dict(e.headers), json.loads(raw)
        except ValueError:
            return e.code, dict(e.headers), raw


def expect(condition, what):
    print(("  ok    " if condition else "  FAIL  ") + what, flush=True)
    if not condition:
        failures.append(what)


def sign_in(base, name, password):
    status, _, body = call(base, "POST", "/auth/sign-in", {"userName": name, "password": password})
    if status != 200:
        raise SystemExit(f"sign-in of {name} on {base} failed: {status} {body}")
    return body["token"]


def set_password(base, name, one_time, new):
    token = sign_in(base, name, one_time)
    status, _, body = call(base, "POST", "/auth/password", {"currentPassword": one_time, "newPassword": new}, token)
    if status not in (200, 204):
        raise SystemExit(f"password change of {name} failed: {status} {body}")


print("1. accounts and sessions are shared: set on A, used on B")
PASSWORD = "cluster-demo-" + os.urandom(6).hex()
set_password(A, "admin", ADMIN_OTP, PASSWORD)
admin = sign_in(A, "admin", PASSWORD)
status, _, me = call(B, "GET", "/auth/me", token=admin)
expect(status == 200 and me.get("userName", me.get("account", {}).get("userName")) == "admin",
       f"a token from a sign-in on A is accepted by B (GET /auth/me on B: {status})")
people = [("demo-proponent", "proponent", None, None), ("demo-office", "coordination-office", None, None),
          ("demo-bj", "reviewer", "110000", "development-reform"), ("demo-hb", "reviewer", "130000", "development-reform")]
tokens = {}
for name, role, jurisdiction, department in people:
    status, _, otp = call(A, "POST", "/users", {"userName": name, "displayName": name, "role": role,
                                                "jurisdiction": jurisdiction, "department": department}, admin)
    if status not in (200, 201):
        raise SystemExit(f"adding {name} failed: {status} {otp}")
    set_password(B, name, otp["password"], PASSWORD)  # the account made on A takes its password on B
    tokens[name] = sign_in(PROXY, name, PASSWORD)
expect(True, "four accounts added on A, their one-time passwords replaced on B, signed in through nginx")

print("2. a publish is served by both instances within a second")
_, _, before = call(B, "POST", "/checks", {"type": "Feature", "properties": {"category": "logistics", "bufferM": 200},
                                           "geometry": {"type": "Point", "coordinates": [116.4, 39.9]}}, tokens["demo-proponent"])
subprocess.run(IMPORT_CMD, shell=True, check=True, stdout=subprocess.DEVNULL)
published = time.monotonic()
seen = {}
while len(seen) < 2 and time.monotonic() - published < 10:
    for name, base in (("A", A), ("B", B)):
        if name not in seen and call(base, "GET", "/collections/cluster-demo")[0] == 200:
            seen[name] = time.monotonic() - published
    time.sleep(0.02)
for name in ("A", "B"):
    expect(name in seen and seen[name] <= 1.05, f"instance {name} serves the new layer {seen.get(name, float('nan')):.2f} s after the publish committed")
status, _, items = call(B, "GET", "/collections/cluster-demo/items")
expect(status == 200 and len(items.get("features", [])) == 3, "B serves its 3 features as items")
status, headers, _ = call(A, "GET", "/collections/cluster-demo/tiles/WebMercatorQuad/8/96/210")
expect(status in (200, 204), f"A cuts tiles of it ({status}, ETag {headers.get('ETag')})")
status, _, after = call(B, "POST", "/checks", {"type": "Feature", "properties": {"category": "logistics", "bufferM": 200},
                                               "geometry": {"type": "Point", "coordinates": [116.4, 39.9]}}, tokens["demo-proponent"])
v0, v1 = (before or {}).get("planVersion"), (after or {}).get("planVersion")
expect(status == 201 and v0 != v1, f"a check on B is judged against the new version ({v0} -> {v1})")

print("3. a decision on one instance makes the same decision on the other stale (409)")
square = [[116.95, 39.85], [117.15, 39.85], [117.15, 39.95], [116.95, 39.95], [116.95, 39.85]]
status, _, case = call(PROXY, "POST", "/cases", {"title": "Cluster demo: cross-boundary depot", "feature": {
    "type": "Feature", "properties": {"category": "logistics"}, "geometry": {"type": "Polygon", "coordinates": [square]}}},
    tokens["demo-proponent"])
if status != 201:
    raise SystemExit(f"submitting the demo case failed: {status} {case}")
task = next(t for t in case["tasks"] if t.get("current") and t.get("kind") == "jurisdiction" and t.get("jurisdiction") == "130000")
decision = {"decision": "approve", "reason": "cluster demo", "revision": 1}
path = f"/cases/{case['id']}/tasks/{task['id']}/decision"
first, _, _ = call(A, "POST", path, decision, tokens["demo-hb"])
second, _, problem = call(B, "POST", path, decision, tokens["demo-hb"])
expect(first == 200, f"the Hebei reviewer's decision on A is taken ({first})")
expect(second == 409, f"the same decision sent to B gets {second}: {problem.get('detail') if isinstance(problem, dict) else problem}")

print("4. kill -9 of instance B under load loses no acknowledged request")
# Both instances build the new version's analysis snapshot before the clock starts (a first check does it).
for base in (A, B):
    call(base, "POST", "/checks", {"type": "Feature", "properties": {"category": "logistics", "bufferM": 100},
                                   "geometry": {"type": "Point", "coordinates": [116.5, 39.8]}}, tokens["demo-proponent"], timeout=120)
acknowledged, refused, errors = [], [], []
lock = threading.Lock()
stop_at = time.monotonic() + 15
killed_at = time.monotonic() + 5


def worker(n):
    i = 0
    while time.monotonic() < stop_at and i < 2000:
        i += 1
        lon, lat = 116.2 + (n * 37 + i) % 60 * 0.01, 39.7 + (n * 11 + i) % 40 * 0.01
        body = {"type": "Feature", "properties": {"category": "logistics", "bufferM": 150},
                "geometry": {"type": "Point", "coordinates": [lon, lat]}}
        try:
            status, _, verdict = call(PROXY, "POST", "/checks", body, tokens["demo-proponent"], timeout=15)
        except Exception as e:  # a reset connection is a request that was never acknowledged
            with lock:
                errors.append(repr(e))
            continue
        with lock:
            (acknowledged if status == 201 else refused).append(verdict.get("id") if status == 201 else status)


threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
for t in threads:
    t.start()
while time.monotonic() < killed_at:
    time.sleep(0.05)
os.kill(PID_B, 9)
print(f"  ..    instance B (pid {PID_B}) killed with SIGKILL mid-load", flush=True)
for t in threads:
    t.join()
missing = [cid for cid in acknowledged if call(A, "GET", f"/checks/{cid}", token=tokens["demo-proponent"])[0] != 200]
print(f"  ..    {len(acknowledged)} checks acknowledged (201), {len(refused)} answered otherwise {sorted(set(refused))}, "
      f"{len(errors)} connection errors {sorted(set(errors))[:3]}")
expect(len(acknowledged) > 0 and not missing, f"every acknowledged check is stored and readable on A ({len(missing)} missing)")

with open(os.path.join(WORK, "summary.json"), "w") as f:
    json.dump({"publishVisibleSeconds": seen, "acknowledged": len(acknowledged), "refused": len(refused),
               "connectionErrors": len(errors), "lost": len(missing), "failures": failures}, f, indent=2)
print("cluster demo: " + ("all steps passed" if not failures else f"{len(failures)} step(s) failed"))
sys.exit(1 if failures else 0)

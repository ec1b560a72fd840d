#!/usr/bin/env python3
"""kill -9 of a real `metrocircle` process in the middle of writes, then a restart and checks that every write is
whole or absent (bench/faults/kill9.sh prepares the store and runs this once per store).

Three kinds, ROUNDS kills each, each kill at a random moment:
- decisions: `serve` is hit with a stream of case decisions from 4 connections and killed; after a restart every
  case holds a decision exactly when the log holds its `case.decided` entry, and every acknowledged decision is there;
- publish: `import` of a layer of many features (a new plan version) is killed; every version is complete (all
  features) with its `layer.imported` entry, or absent with no entry;
- observations: `indicators import` of a batch is killed; the batch is current for all its rows or for none, the
  history holds whole batches only, and there is one `observations.imported` entry per batch that committed.
After every restart `metrocircle audit-log verify` must pass. Prints counts and writes a JSON summary.

Environment: MC_EXE (the command, e.g. "dotnet .../metrocircle.dll"), MC_STORE, MC_WORK, MC_ROUNDS (default 5),
MC_OUT (JSON), MC_KIND (a label: sqlite or postgis).
"""
import http.client
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import threading
import time

EXE = shlex.split(os.environ["MC_EXE"])
STORE = os.environ["MC_STORE"]
WORK = os.environ["MC_WORK"]
ROUNDS = int(os.environ.get("MC_ROUNDS", "5"))
OUT = os.environ.get("MC_OUT", os.path.join(WORK, "kill9.json"))
KIND = os.environ.get("MC_KIND", "?")
PASSWORD = "kill9-" + os.urandom(8).hex()
rng = random.Random()
failures = []
summary = {"store": KIND, "rounds": ROUNDS}


def run(*args, timeout=600):
    return subprocess.run([*EXE, *args, "--store", STORE], capture_output=True, text=True, timeout=timeout)


def expect(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what, flush=True)
    if not ok:
        failures.append(what)


def verify_log(when):
    r = run("audit-log", "verify")
    expect(r.returncode == 0, f"audit-log verify after {when}: {(r.stdout + r.stderr).strip().splitlines()[-1] if (r.stdout + r.stderr).strip() else r.returncode}")


def audit_entries():
    path = os.path.join(WORK, "audit.jsonl")
    r = run("audit-log", "export", "--out", path)
    if r.returncode != 0:
        raise SystemExit(f"kill9: audit-log export failed: {r.stdout}{r.stderr}")
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


# --- a server as a child process ---
class Server:
    def __init__(self):
        self.port = None
        self.proc = None

    def start(self):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.log = open(os.path.join(WORK, "serve.log"), "a")
        self.proc = subprocess.Popen([*EXE, "serve", "--urls", f"http://127.0.0.1:{self.port}", "--store", STORE],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(3000):
            try:
                if call(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(f"kill9: serve exited with {self.proc.returncode}; see {WORK}/serve.log")
            time.sleep(0.1)
        raise SystemExit("kill9: serve did not answer /healthz within 300 s")

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


def call(port, method, path, body=None, token=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request(method, path, None if body is None else json.dumps(body), headers)
        r = conn.getresponse()
        raw = r.read()
        return r.status, (json.loads(raw) if raw[:1] in (b"{", b"[") else raw)
    finally:
        conn.close()


def sign_in(port, name, password):
    for _ in range(5):
        status, body = call(port, "POST", "/auth/sign-in", {"userName": name, "password": password})
        if status != 429:
            break
        time.sleep(61)  # the per-address sign-in limit; the setup comes from one address
    if status != 200:
        raise SystemExit(f"kill9: sign-in of {name} failed: {status} {body}")
    return body["token"]


def take_password(port, name, one_time):
    token = sign_in(port, name, one_time)
    status, body = call(port, "POST", "/auth/password", {"currentPassword": one_time, "newPassword": PASSWORD}, token)
    if status not in (200, 204):
        raise SystemExit(f"kill9: password change of {name} failed: {status} {body}")
    return sign_in(port, name, PASSWORD)


# --- decisions ---
def decisions():
    print(f"== decisions: {ROUNDS} kills of `serve` during a stream of case decisions", flush=True)
    server = Server()
    server.start()
    with open(os.path.join(WORK, "serve.log")) as f:
        otp = next((line.split(":", 1)[1].strip() for line in f if "one-time password:" in line), None)
    if otp is None:
        raise SystemExit("kill9: the first serve printed no one-time administrator password")
    admin = take_password(server.port, "admin", otp)
    tokens = {}
    status, provinces = call(server.port, "GET", "/collections/provinces/items?limit=100")
    province_ids = [f["id"] for f in provinces["features"]]
    summary["provinces"] = province_ids

    def account(name, role, jurisdiction=None, department=None):
        if name not in tokens:
            status, otp = call(server.port, "POST", "/users", {"userName": name, "displayName": name, "role": role,
                                                               "jurisdiction": jurisdiction, "department": department}, admin)
            if status not in (200, 201):
                raise SystemExit(f"kill9: adding {name} failed: {status} {otp}")
            tokens[name] = take_password(server.port, name, otp["password"])
        return tokens[name]

    proponent = account("k9-proponent", "proponent")
    office = account("k9-office", "coordination-office")

    def decider(task):
        if task["kind"] == "coordination":
            return office
        dept = task.get("department") or "development-reform"
        return account(f"k9-{task['jurisdiction']}-{dept}", "reviewer", task["jurisdiction"], dept)

    status, counties = call(server.port, "GET", "/collections/counties/items?limit=10000")
    centres = []
    for f in counties["features"]:
        g = f["geometry"]
        ring = (g["coordinates"] if g["type"] == "Polygon" else g["coordinates"][0])[0]
        centres.append((sum(c[0] for c in ring) / len(ring), sum(c[1] for c in ring) / len(ring)))

    acked_all, kills, cases_all = set(), 0, []
    for round_ in range(ROUNDS):
        # Cases to decide: submitted before the kill window, their open tasks queued.
        jobs = []
        while len(jobs) < 60:
            x, y = rng.choice(centres)
            sq = [[x, y], [x + 0.005, y], [x + 0.005, y + 0.005], [x, y + 0.005], [x, y]]
            status, case = call(server.port, "POST", "/cases", {"title": f"kill9 round {round_}", "feature": {"type": "Feature",
                                "properties": {"category": "logistics"}, "geometry": {"type": "Polygon", "coordinates": [sq]}}}, proponent)
            if status != 201:
                continue  # a centre outside every county: try another
            cases_all.append(case["id"])
            for t in case["tasks"]:
                if t.get("current") and t.get("status") == "open":
                    jobs.append((case["id"], t, case["revision"], decider(t)))
        rng.shuffle(jobs)
        lock = threading.Lock()
        acked, errors = [], []

        def worker():
            while True:
                with lock:
                    if not jobs:
                        return
                    case_id, task, revision, token = jobs.pop()
                try:
                    status, _ = call(server.port, "POST", f"/cases/{case_id}/tasks/{task['id']}/decision",
                                     {"decision": "approve", "reason": "kill9", "revision": revision}, token, timeout=30)
                except (OSError, http.client.HTTPException) as e:  # cut by the kill: a request never acknowledged
                    with lock:
                        errors.append(type(e).__name__)
                    return
                if status == 200:
                    with lock:
                        acked.append((case_id, task["id"]))

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.05, 1.0))
        server.kill9()
        kills += 1
        for t in threads:
            t.join()
        acked_all.update(acked)
        print(f"  ..    round {round_ + 1}: killed after {len(acked)} acknowledged decisions ({len(errors)} requests cut)", flush=True)
        verify_log(f"decision kill {round_ + 1}")
        server.start()

    # Every case as stored against the log.
    stored = set()
    for case_id in cases_all:
        status, case = call(server.port, "GET", f"/cases/{case_id}", token=office)
        if status != 200:
            expect(False, f"case {case_id} readable after the kills ({status})")
            continue
        stored.update((case_id, d["taskId"]) for d in case["decisions"])
    logged = {(e["subject"], json.loads(e["details"])["task"]) for e in audit_entries() if e["action"] == "case.decided"}
    mine = {k for k in logged if k[0] in set(cases_all)}
    expect(stored == mine, f"decisions in cases ({len(stored)}) = case.decided entries ({len(mine)}); "
                           f"{len(stored - mine)} without entry, {len(mine - stored)} entries without decision")
    expect(acked_all <= stored, f"every acknowledged decision is stored ({len(acked_all - stored)} of {len(acked_all)} missing)")
    server.stop()
    summary["decisions"] = {"kills": kills, "cases": len(cases_all), "acknowledged": len(acked_all), "stored": len(stored),
                            "auditEntries": len(mine), "lostAcknowledged": len(acked_all - stored), "withoutEntry": len(stored - mine),
                            "entryWithoutDecision": len(mine - stored)}


# --- publish ---
def publish():
    features = int(os.environ.get("MC_PUBLISH_FEATURES", "20000"))
    print(f"== publish: {ROUNDS} kills of `import` (a new version with a {features}-feature layer)", flush=True)
    path = os.path.join(WORK, "kill9-sites.geojson")
    with open(path, "w") as f:
        feats = []
        for i in range(features):
            x, y = 116.0 + (i % 200) * 0.004, 39.6 + (i // 200) * 0.004
            feats.append({"type": "Feature", "id": f"site-{i}", "properties": {"name": f"kill9 site {i}"},
                          "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]]}})
        json.dump({"type": "FeatureCollection", "features": feats}, f)
    def version_ids():
        r = run("versions", "--json")
        versions = json.loads(r.stdout)
        return [v.get("id") for v in (versions if isinstance(versions, list) else versions.get("versions", []))]

    before = version_ids()
    args = ["import", path, "--layer", "kill9-sites", "--rationale", "kill9 fault test", "--title", "kill9 sites (synthetic)", "--certainty", "synthetic"]
    start = time.monotonic()
    r = run(*args)
    whole = time.monotonic() - start
    if r.returncode != 0:
        raise SystemExit(f"kill9: an uninterrupted import failed: {r.stdout}{r.stderr}")
    print(f"  ..    an uninterrupted import takes {whole:.1f} s", flush=True)
    completed = 1
    for round_ in range(ROUNDS):
        proc = subprocess.Popen([*EXE, *args, "--store", STORE], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        time.sleep(rng.uniform(0.5 * whole, 1.15 * whole))  # most of an import's time is start-up and reading; aim at its end
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        completed += finished and proc.returncode == 0
        print(f"  ..    round {round_ + 1}: {'finished before the kill' if finished else 'killed'}", flush=True)
        verify_log(f"publish kill {round_ + 1}")
    ids = version_ids()
    entries = [e["subject"] for e in audit_entries() if e["action"] == "layer.imported"]
    complete, partial = 0, []
    for vid in entries:
        out = os.path.join(WORK, "export.geojson")
        e = run("export", "kill9-sites", "--out", out, "--version", vid)
        n = len(json.load(open(out))["features"]) if e.returncode == 0 else -1
        if n == features:
            complete += 1
        else:
            partial.append((vid, n))
    expect(set(entries) <= set(ids), f"every layer.imported entry names a version that exists ({len(set(entries) - set(ids))} do not)")
    expect(not partial, f"every imported version holds all {features} features ({complete} complete, partial: {partial[:3]})")
    expect(len(ids) == len(before) + len(entries), f"no version without its entry ({len(before)} before, {len(ids)} after, {len(entries)} entries)")
    summary["publish"] = {"kills": ROUNDS, "featuresPerVersion": features, "uninterruptedSeconds": round(whole, 1),
                          "importsFinishedBeforeKill": completed - 1, "versionsCommitted": len(entries), "complete": complete,
                          "partial": len(partial), "versionsTotal": len(ids)}


# --- observations ---
def observations():
    years = list(range(1950, 2026))
    scopes = summary.get("provinces") or ["110000", "120000", "130000"]
    print(f"== observations: {ROUNDS} kills of `indicators import` ({len(years) * len(scopes)} rows a batch)", flush=True)

    def batch(n):
        path = os.path.join(WORK, f"obs-{n}.csv")
        with open(path, "w") as f:
            f.write("indicator,scope,year,value,unit,source\n")
            for s in scopes:
                for y in years:
                    f.write(f"plain-new-towns-added-residents,{s},{y},{1000 + n},persons,kill9 batch {n}\n")
        return path

    start = time.monotonic()
    r = run("indicators", "import", batch(0))
    whole = time.monotonic() - start
    if r.returncode != 0:
        raise SystemExit(f"kill9: an uninterrupted observation import failed: {r.stdout}{r.stderr}")
    print(f"  ..    an uninterrupted import takes {whole:.1f} s", flush=True)
    for round_ in range(1, ROUNDS + 1):
        proc = subprocess.Popen([*EXE, "indicators", "import", batch(round_), "--store", STORE], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        time.sleep(rng.uniform(0.5 * whole, 1.15 * whole))
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        print(f"  ..    round {round_}: {'finished before the kill' if finished else 'killed'}", flush=True)
        verify_log(f"observation kill {round_}")

    # Current values and history read over HTTP from a fresh server.
    server = Server()
    server.start()
    office = sign_in(server.port, "k9-office", PASSWORD) if summary.get("decisions") else None
    status, body = call(server.port, "GET", "/indicators/plain-new-towns-added-residents/observations/history", token=office)
    server.stop()
    if status != 200:
        expect(False, f"history readable after the kills ({status} {body})")
        return
    rows = [h for h in body["history"] if h["source"].startswith("kill9 batch ")]
    current = {h["source"] for h in rows if h["current"]}
    per_batch = {}
    for h in rows:
        per_batch[h["source"]] = per_batch.get(h["source"], 0) + 1
    size = len(years) * len(scopes)
    expect(len(current) == 1, f"one batch is current for every row ({sorted(current)})")
    expect(all(n == size for n in per_batch.values()), f"every batch in the history is whole ({size} rows): {sorted(per_batch.values())}")
    entries = [e for e in audit_entries() if e["action"] == "observations.imported"]
    expect(len(entries) == len(per_batch), f"one observations.imported entry per committed batch ({len(entries)} entries, {len(per_batch)} batches)")
    summary["observations"] = {"kills": ROUNDS, "rowsPerBatch": size, "uninterruptedSeconds": round(whole, 1),
                               "batchesCommitted": len(per_batch), "auditEntries": len(entries), "partialBatches": sum(n != size for n in per_batch.values())}


try:
    for step in os.environ.get("MC_STEPS", "decisions,publish,observations").split(","):
        {"decisions": decisions, "publish": publish, "observations": observations}[step]()
        verify_log(step)
finally:
    summary["failures"] = failures
    with open(OUT, "w") as f:
        json.dump(summary, f, indent=1)
print(json.dumps({k: v for k, v in summary.items() if k != "provinces"}))
print(f"kill9 ({KIND}): " + ("all checks passed" if not failures else f"{len(failures)} check(s) failed"))
sys.exit(1 if failures else 0)

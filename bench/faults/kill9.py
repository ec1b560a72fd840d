#!/usr/bin/env python3
"""kill -9 of a real `metrocircle` process in the middle of writes, then a restart and checks that every write is
whole or absent (bench/faults/kill9.sh prepares the store and runs this once per store).

Four kinds, ROUNDS kills each:
- decisions: `serve` is hit with a stream of case decisions from 4 connections and killed at a random moment; after a
  restart every case holds a decision exactly when the log holds its `case.decided` entry, and every acknowledged
  decision is there;
- publish: `import` of a layer of many features (a new plan version) is killed; every version is complete (all
  features) with its `layer.imported` entry, or absent with no entry;
- observations: `indicators import` of a batch (every province-level indicator x province x 77 years) is killed;
  the batch is current for all its rows or for none, the history holds whole batches only, and there is one
  `observations.imported` entry per batch that committed;
- ledger: land-quota transfers (`POST /ledger/transfers`, a co-approval case each) have every task approved but the
  last; the last approvals are sent together and `serve` is killed at the posting commit; after a restart
  `metrocircle ledger verify` passes and each transfer is wholly posted (case approved, one transaction of the
  proposed postings, hold settled, one `ledger.transfer` entry) or not at all (case open, no transaction, hold
  open, no entry), and an acknowledged approval is always posted; the unposted ones are then approved again and post.
The publish, observation and ledger kills are aimed at the commit in turn: "mid" (well before the commit moment an
uninterrupted run showed), "at-commit" (a jittered moment around it) and "post-commit" (the store is polled and
the process killed as soon as the commit is visible, i.e. after the commit and before the process has answered).
After every kill `metrocircle audit-log verify` must pass. Prints counts and writes a JSON summary.

Environment: MC_EXE (the command, e.g. "dotnet .../metrocircle.dll"), MC_STORE, MC_WORK, MC_ROUNDS (default 5),
MC_OUT (JSON), MC_KIND (a label: sqlite or postgis), MC_STEPS (default decisions,publish,observations,ledger),
MC_LEDGER_ROUNDS (default: ROUNDS), MC_PUBLISH_FEATURES (default 20000).
"""
import http.client
import json
import os
import random
import shlex
import signal
import subprocess
import sqlite3
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


# --- direct reads of the store: only to see the moment of a commit and hold states, never to write ---
def sql(query):
    """The first column of every row, as text."""
    if STORE.startswith("sqlite:"):
        con = sqlite3.connect(f"file:{STORE[len('sqlite:'):]}?mode=ro", uri=True, timeout=30)
        try:
            return [str(r[0]) for r in con.execute(query).fetchall()]
        finally:
            con.close()
    r = subprocess.run(["psql", STORE, "-At", "-q", "-c", query], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise SystemExit(f"kill9: psql failed: {r.stderr}")
    return [line for line in r.stdout.splitlines()]


def count(query):
    return int(sql(query)[0])


def quoted(ids):
    return ",".join("'" + i.replace("'", "''") + "'" for i in ids)


AIMS = ("mid", "at-commit", "post-commit")


def aimed_kill(argv, committed, aim, commit_at):
    """Runs a command and kills it: "mid" at 0.2-0.8 x the commit moment, "at-commit" at 0.85-1.1 x, "post-commit" as soon
    as `committed()` says the commit is visible. Returns (outcome, committed): outcome "finished" when it ended first."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.monotonic()
    if aim == "post-commit":
        deadline = start + max(60.0, 6 * commit_at)
        while proc.poll() is None and not committed() and time.monotonic() < deadline:
            time.sleep(0.002)
    else:
        wait = commit_at * (rng.uniform(0.2, 0.8) if aim == "mid" else rng.uniform(0.85, 1.1))
        while proc.poll() is None and time.monotonic() - start < wait:
            time.sleep(0.002)
    finished = proc.poll() is not None
    if not finished:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = committed()
    return ("finished" if finished else "killed after the commit" if done else "killed before the commit"), done


def commit_moment(argv, committed):
    """An uninterrupted run, polled: seconds from the start to the commit becoming visible, and to the exit."""
    log = os.path.join(WORK, "uninterrupted.log")
    with open(log, "w") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        start = time.monotonic()
        seen = None
        while proc.poll() is None:
            if seen is None and committed():
                seen = time.monotonic() - start
            time.sleep(0.005)
    total = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"kill9: an uninterrupted run of {argv[len(EXE):len(EXE) + 2]} failed: {open(log).read()[-2000:]}")
    return (seen if seen is not None else total), total


# --- one server, an administrator and reviewers, shared by the steps ---
class Session:
    def __init__(self):
        self.server = Server()
        self.server.start()
        with open(os.path.join(WORK, "serve.log")) as f:
            otp = next((line.split(":", 1)[1].strip() for line in f if "one-time password:" in line), None)
        if otp is None:
            raise SystemExit("kill9: the first serve printed no one-time administrator password")
        self.admin = take_password(self.server.port, "admin", otp)
        self.tokens = {}
        status, provinces = call(self.server.port, "GET", "/collections/provinces/items?limit=100")
        summary["provinces"] = [f["id"] for f in provinces["features"]]
        status, counties = call(self.server.port, "GET", "/collections/counties/items?limit=10000")
        self.counties = counties["features"]
        self.proponent = self.account("k9-proponent", "proponent")
        self.office = self.account("k9-office", "coordination-office")

    @property
    def port(self):
        return self.server.port

    def account(self, name, role, jurisdiction=None, department=None):
        if name not in self.tokens:
            status, otp = call(self.port, "POST", "/users", {"userName": name, "displayName": name, "role": role,
                                                             "jurisdiction": jurisdiction, "department": department}, self.admin)
            if status not in (200, 201):
                raise SystemExit(f"kill9: adding {name} failed: {status} {otp}")
            self.tokens[name] = take_password(self.port, name, otp["password"])
        return self.tokens[name]

    def decider(self, task):
        if task["kind"] == "coordination":
            return self.office
        dept = task.get("department") or "development-reform"
        return self.account(f"k9-{task['jurisdiction']}-{dept}", "reviewer", task["jurisdiction"], dept)


session = None


def get_session():
    global session
    if session is None:
        session = Session()
    elif session.server.proc is None or session.server.proc.poll() is not None:
        session.server.start()
    return session


# --- decisions ---
def decisions():
    print(f"== decisions: {ROUNDS} kills of `serve` during a stream of case decisions", flush=True)
    s = get_session()
    centres = []
    for f in s.counties:
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
            status, case = call(s.port, "POST", "/cases", {"title": f"kill9 round {round_}", "feature": {"type": "Feature",
                                "properties": {"category": "logistics"}, "geometry": {"type": "Polygon", "coordinates": [sq]}}}, s.proponent)
            if status != 201:
                continue  # a centre outside every county: try another
            cases_all.append(case["id"])
            for t in case["tasks"]:
                if t.get("current") and t.get("status") == "open":
                    jobs.append((case["id"], t, case["revision"], s.decider(t)))
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
                    status, _ = call(s.port, "POST", f"/cases/{case_id}/tasks/{task['id']}/decision",
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
        s.server.kill9()
        kills += 1
        for t in threads:
            t.join()
        acked_all.update(acked)
        print(f"  ..    round {round_ + 1}: killed after {len(acked)} acknowledged decisions ({len(errors)} requests cut)", flush=True)
        verify_log(f"decision kill {round_ + 1}")
        s.server.start()

    # Every case as stored against the log.
    stored = set()
    for case_id in cases_all:
        status, case = call(s.port, "GET", f"/cases/{case_id}", token=s.office)
        if status != 200:
            expect(False, f"case {case_id} readable after the kills ({status})")
            continue
        stored.update((case_id, d["taskId"]) for d in case["decisions"])
    logged = {(e["subject"], json.loads(e["details"])["task"]) for e in audit_entries() if e["action"] == "case.decided"}
    mine = {k for k in logged if k[0] in set(cases_all)}
    expect(stored == mine, f"decisions in cases ({len(stored)}) = case.decided entries ({len(mine)}); "
                           f"{len(stored - mine)} without entry, {len(mine - stored)} entries without decision")
    expect(acked_all <= stored, f"every acknowledged decision is stored ({len(acked_all - stored)} of {len(acked_all)} missing)")
    s.server.stop()
    summary["decisions"] = {"kills": kills, "cases": len(cases_all), "acknowledged": len(acked_all), "stored": len(stored),
                            "auditEntries": len(mine), "lostAcknowledged": len(acked_all - stored), "withoutEntry": len(stored - mine),
                            "entryWithoutDecision": len(mine - stored)}


def tally(outcomes):
    out = {}
    for aim, outcome in outcomes:
        key = f"{aim}: {outcome}"
        out[key] = out.get(key, 0) + 1
    return out


# --- publish ---
def publish():
    features = int(os.environ.get("MC_PUBLISH_FEATURES", "20000"))
    print(f"== publish: {ROUNDS} kills of `import` (a new version with a {features}-feature layer), aimed at the commit", flush=True)
    if session is not None:
        session.server.stop()
    path = os.path.join(WORK, "kill9-sites.geojson")
    with open(path, "w") as f:
        feats = []
        for i in range(features):
            x, y = 116.0 + (i % 200) * 0.004, 39.6 + (i // 200) * 0.004
            feats.append({"type": "Feature", "id": f"site-{i}", "properties": {"name": f"kill9 site {i}"},
                          "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]]}})
        json.dump({"type": "FeatureCollection", "features": feats}, f)

    def version_ids():
        for attempt in range(5):
            r = run("versions", "--json")
            if r.returncode == 0 and r.stdout.strip()[:1] in ("[", "{"):
                break
            print(f"  ..    `versions --json` failed (exit {r.returncode}): {(r.stdout + r.stderr).strip()[-300:]}; retrying", flush=True)
            time.sleep(5)
        else:
            raise SystemExit("kill9: `versions --json` kept failing")
        versions = json.loads(r.stdout)
        return [v.get("id") for v in (versions if isinstance(versions, list) else versions.get("versions", []))]

    def imported():
        return count("SELECT count(*) FROM audit_log WHERE action = 'layer.imported'")

    before = version_ids()
    argv = [*EXE, "import", path, "--layer", "kill9-sites", "--rationale", "kill9 fault test", "--title", "kill9 sites (synthetic)",
            "--certainty", "synthetic", "--store", STORE]
    base = imported()
    commit_at, whole = commit_moment(argv, lambda: imported() > base)
    print(f"  ..    an uninterrupted import takes {whole:.1f} s, its commit is visible at {commit_at:.1f} s", flush=True)
    outcomes = []
    for round_ in range(ROUNDS):
        aim = AIMS[round_ % len(AIMS)]
        base = imported()
        outcome, _ = aimed_kill(argv, lambda: imported() > base, aim, commit_at)
        outcomes.append((aim, outcome))
        print(f"  ..    round {round_ + 1} ({aim}): {outcome}", flush=True)
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
                          "commitVisibleAtSeconds": round(commit_at, 1), "outcomes": tally(outcomes),
                          "versionsCommitted": len(entries), "complete": complete, "partial": len(partial), "versionsTotal": len(ids)}


# --- observations ---
# Indicators that take observations, each scoped to provinces, with its unit; values 1-91 fit every one of them.
OBS_INDICATORS = [("beijing-resident-population", "persons"), ("central-districts-population", "persons"), ("beijing-construction-land", "km²"),
                  ("beijing-ecological-control-share", "%"), ("beijing-rail-length", "km"), ("plain-new-towns-added-residents", "persons")]


def observations():
    s = get_session()
    status, provinces = call(s.port, "GET", "/collections/provinces/items?limit=100")
    scopes = [f["id"] for f in provinces["features"]]
    s.server.stop()
    years = list(range(1949, 2026))
    size = len(OBS_INDICATORS) * len(years) * len(scopes)
    print(f"== observations: {ROUNDS} kills of `indicators import` ({size} rows a batch: {len(OBS_INDICATORS)} indicators x {len(scopes)} provinces x {len(years)} years), aimed at the commit", flush=True)

    def batch(n):
        path = os.path.join(WORK, f"obs-{n}.csv")
        with open(path, "w") as f:
            f.write("indicator,scope,year,value,unit,source\n")
            for indicator, unit in OBS_INDICATORS:
                for sc in scopes:
                    for y in years:
                        f.write(f"{indicator},{sc},{y},{(n * 7) % 90 + 1},{unit},kill9 batch {n} (synthetic)\n")
        return path

    def entries():
        return count("SELECT count(*) FROM audit_log WHERE action = 'observations.imported'")

    base = entries()
    commit_at, whole = commit_moment([*EXE, "indicators", "import", batch(0), "--store", STORE], lambda: entries() > base)
    print(f"  ..    an uninterrupted import takes {whole:.1f} s, its commit is visible at {commit_at:.1f} s", flush=True)
    outcomes = []
    for round_ in range(1, ROUNDS + 1):
        aim = AIMS[(round_ - 1) % len(AIMS)]
        base = entries()
        outcome, _ = aimed_kill([*EXE, "indicators", "import", batch(round_), "--store", STORE], lambda: entries() > base, aim, commit_at)
        outcomes.append((aim, outcome))
        print(f"  ..    round {round_} ({aim}): {outcome}", flush=True)
        verify_log(f"observation kill {round_}")

    # Current values and history read over HTTP from a fresh server.
    s.server.start()
    rows = []
    for indicator, _ in OBS_INDICATORS:
        status, body = call(s.port, "GET", f"/indicators/{indicator}/observations/history", token=s.office, timeout=300)
        if status != 200:
            s.server.stop()
            expect(False, f"history of {indicator} readable after the kills ({status} {body})")
            return
        rows.extend(h for h in body["history"] if h["source"].startswith("kill9 batch "))
    s.server.stop()
    current = {h["source"] for h in rows if h["current"]}
    per_batch = {}
    for h in rows:
        per_batch[h["source"]] = per_batch.get(h["source"], 0) + 1
    current_rows = sum(1 for h in rows if h["current"])
    expect(len(current) == 1 and current_rows == size, f"one batch is current for every row ({sorted(current)}, {current_rows} current rows of {size})")
    expect(all(n == size for n in per_batch.values()), f"every batch in the history is whole ({size} rows): {sorted(per_batch.values())}")
    logged = [e for e in audit_entries() if e["action"] == "observations.imported"]
    expect(len(logged) == len(per_batch), f"one observations.imported entry per committed batch ({len(logged)} entries, {len(per_batch)} batches)")
    summary["observations"] = {"kills": ROUNDS, "indicators": len(OBS_INDICATORS), "rowsPerBatch": size, "uninterruptedSeconds": round(whole, 1),
                               "commitVisibleAtSeconds": round(commit_at, 1), "outcomes": tally(outcomes),
                               "batchesCommitted": len(per_batch), "auditEntries": len(logged), "partialBatches": sum(n != size for n in per_batch.values())}


# --- ledger ---
def ledger():
    rounds = int(os.environ.get("MC_LEDGER_ROUNDS", str(ROUNDS)))
    per_round = 4
    print(f"== ledger: {rounds} kills of `serve` at the posting of {per_round} transfers", flush=True)
    s = get_session()
    status, body = call(s.port, "GET", "/ledger/balances", token=s.office, timeout=120)
    if status != 200:
        raise SystemExit(f"kill9: ledger balances: {status} {body}")
    rich = [b for b in body["balances"] if b["role"] == "jurisdiction" and b["available"] >= 1_000_000]
    if len(rich) < 2:
        raise SystemExit("kill9: fewer than two jurisdiction accounts with 1,000,000 m² available")
    by_book = {}
    for b in rich:
        by_book.setdefault((b["kind"], b["period"]), []).append(b)
    book = max(by_book.values(), key=len)

    def propose():
        a, b = rng.sample(book, 2)
        amount = rng.randint(1_000, 90_000)
        st, p = call(s.port, "POST", "/ledger/transfers", {"from": a["jurisdiction"], "to": b["jurisdiction"], "kind": a["kind"], "period": a["period"],
                     "amount": amount, "title": "kill9 transfer (synthetic)", "terms": {"text": "kill9 fault test", "figures": {"n": amount}}}, s.admin)
        if st != 201:
            raise SystemExit(f"kill9: proposing a transfer failed: {st} {p}")
        case = p["case"]
        tasks = list(case["tasks"])
        for t in tasks[:-1]:
            st, d = call(s.port, "POST", f"/cases/{case['id']}/tasks/{t['id']}/decision",
                         {"decision": "approve", "reason": "kill9", "revision": case["revision"]}, s.decider(t))
            if st != 200:
                raise SystemExit(f"kill9: approving task {t['kind']} {t.get('jurisdiction')} of {case['id']} failed: {st} {d}")
        last = tasks[-1]
        return {"case": case["id"], "from": a["account"], "to": b["account"], "amount": amount, "task": last["id"],
                "revision": case["revision"], "token": s.decider(last)}

    def approve_last(t, timeout=60):
        return call(s.port, "POST", f"/cases/{t['case']}/tasks/{t['task']}/decision",
                    {"decision": "approve", "reason": "kill9 final", "revision": t["revision"]}, t["token"], timeout=timeout)

    def posted(ids):
        return count(f"SELECT count(*) FROM ledger_transaction WHERE case_id IN ({quoted(ids)})")

    # The latency of a final approval, uninterrupted: the kill window is drawn from it.
    warm = [propose() for _ in range(2)]
    latencies = []
    for t in warm:
        start = time.monotonic()
        st, d = approve_last(t)
        latencies.append(time.monotonic() - start)
        if st != 200:
            raise SystemExit(f"kill9: an uninterrupted final approval failed: {st} {d}")
    latency = max(latencies)
    print(f"  ..    an uninterrupted final approval (posting) takes {latency * 1000:.0f} ms", flush=True)

    transfers, acked, outcomes, cut_total = [], set(), [], 0
    aims = ("at-commit", "post-commit")
    for round_ in range(rounds):
        aim = aims[round_ % len(aims)]
        batch = [propose() for _ in range(per_round)]
        transfers.extend(batch)
        ids = [t["case"] for t in batch]
        lock = threading.Lock()
        cut = []

        def send(t):
            try:
                st, _ = approve_last(t, timeout=30)
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    cut.append(type(e).__name__)
                return
            if st == 200:
                with lock:
                    acked.add(t["case"])

        threads = [threading.Thread(target=send, args=(t,)) for t in batch]
        start = time.monotonic()
        for th in threads:
            th.start()
        if aim == "post-commit":
            while posted(ids) == 0 and time.monotonic() - start < 30:
                time.sleep(0.002)
        else:
            time.sleep(rng.uniform(0.0, 1.3 * latency * per_round))
        s.server.kill9()
        for th in threads:
            th.join()
        done = posted(ids)
        cut_total += len(cut)
        outcomes.append((aim, f"{done} of {per_round} posted, {len(cut)} requests cut"))
        print(f"  ..    round {round_ + 1} ({aim}): killed with {done} of {per_round} transfers posted, {len(cut)} requests cut", flush=True)
        r = run("ledger", "verify")
        expect(r.returncode == 0, f"ledger verify after ledger kill {round_ + 1}: {(r.stdout + r.stderr).strip().splitlines()[-1] if (r.stdout + r.stderr).strip() else r.returncode}")
        verify_log(f"ledger kill {round_ + 1}")
        s.server.start()

    # Each transfer whole or absent, read from the store and the log after the kills.
    ids = [t["case"] for t in transfers]
    txs = {}
    for row in sql(f"SELECT t.case_id || '|' || p.account_id || '|' || p.amount FROM ledger_transaction t JOIN ledger_posting p ON p.tx_seq = t.seq "
                   f"WHERE t.case_id IN ({quoted(ids)}) ORDER BY t.seq, p.n"):
        c, account, amount = row.split("|")
        txs.setdefault(c, []).append((account, int(amount)))
    tx_count = {c: 0 for c in ids}
    for c in sql(f"SELECT case_id FROM ledger_transaction WHERE case_id IN ({quoted(ids)})"):
        tx_count[c] += 1
    holds = dict(r.split("|") for r in sql(f"SELECT case_id || '|' || status FROM ledger_hold WHERE case_id IN ({quoted(ids)})"))
    logged = {}
    for e in audit_entries():
        if e["action"] == "ledger.transfer":
            c = json.loads(e["details"]).get("case")
            logged[c] = logged.get(c, 0) + 1
    whole, absent, broken = 0, 0, []
    for t in transfers:
        c = t["case"]
        st, case = call(s.port, "GET", f"/cases/{c}", token=s.office)
        status = case.get("status") if st == 200 else f"unreadable {st}"
        if tx_count[c] == 1 and txs[c] == [(t["from"], -t["amount"]), (t["to"], t["amount"])] and holds.get(c) == "settled" \
                and logged.get(c, 0) == 1 and status == "approved":
            whole += 1
        elif tx_count[c] == 0 and holds.get(c) == "open" and logged.get(c, 0) == 0 and status != "approved":
            absent += 1
        else:
            broken.append((c, tx_count[c], holds.get(c), logged.get(c, 0), status))
    expect(not broken, f"every transfer wholly posted or not at all ({whole} posted, {absent} not posted, broken: {broken[:3]})")
    lost = [c for c in acked if tx_count[c] != 1]
    expect(not lost, f"every acknowledged final approval is posted ({len(lost)} of {len(acked)} missing)")

    # The unposted transfers are not stuck: approving again posts them.
    retried = 0
    for t in transfers:
        if tx_count[t["case"]] == 0:
            st, d = approve_last(t)
            retried += 1
            expect(st == 200 and posted([t["case"]]) == 1, f"transfer {t['case']} posts when approved again after the kill ({st})")
    r = run("ledger", "verify")
    expect(r.returncode == 0, "ledger verify at the end: " + (r.stdout + r.stderr).strip()[-200:])
    s.server.stop()
    summary["ledger"] = {"kills": rounds, "transfersAtKill": len(transfers), "postedBeforeKill": whole, "notPosted": absent, "broken": len(broken),
                         "acknowledged": len(acked), "lostAcknowledged": len(lost), "requestsCut": cut_total, "retriedAndPosted": retried,
                         "finalApprovalMs": round(latency * 1000), "rounds": tally(outcomes)}


try:
    for step in os.environ.get("MC_STEPS", "decisions,publish,observations,ledger").split(","):
        {"decisions": decisions, "publish": publish, "observations": observations, "ledger": ledger}[step]()
        verify_log(step)
finally:
    if session is not None:
        session.server.stop()
    summary["failures"] = failures
    with open(OUT, "w") as f:
        json.dump(summary, f, indent=1)
print(json.dumps({k: v for k, v in summary.items() if k != "provinces"}))
print(f"kill9 ({KIND}): " + ("all checks passed" if not failures else f"{len(failures)} check(s) failed"))
sys.exit(1 if failures else 0)

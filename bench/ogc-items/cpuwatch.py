#!/usr/bin/env python3
"""cpuwatch.py SERVER_PIDS -- COMMAND...

Runs COMMAND (wrk) and prints its output, then one line
  cpuwatch: wall=S busy=S server=S client=S other=S steal=S idle=S cores=N
with CPU seconds spent during the run by the whole machine (busy, from /proc/stat), by the server
under test (SERVER_PIDS, comma-separated: "PID" counts that process with its live descendants and
the children it has reaped; "=PID" counts that process alone), by COMMAND itself (client),
and by everything else (other = busy - server - client: the other jobs sharing the cores,
plus the idle servers). steal is time the hypervisor took away.
"""
import os
import resource
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def machine():
    f = open("/proc/stat").readline().split()[1:]
    v = [int(x) for x in f]
    user, nice, system, idle, iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    return {"busy": user + nice + system + irq + softirq + steal, "idle": idle + iowait, "steal": steal}


def children_of():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = open(f"/proc/{d}/stat").read()
        except OSError:
            continue
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def proc_ticks(pid, with_reaped):
    try:
        st = open(f"/proc/{pid}/stat").read()
    except OSError:
        return 0
    f = st[st.rindex(")") + 2:].split()
    utime, stime, cutime, cstime = (int(x) for x in f[11:15])
    return utime + stime + ((cutime + cstime) if with_reaped else 0)


def server_ticks(pids):
    kids = children_of()
    total, seen = 0, set()
    stack = []
    for p in pids:
        if p.startswith("="):
            if int(p[1:]) not in seen:
                seen.add(int(p[1:]))
                total += proc_ticks(int(p[1:]), False)
        else:
            stack.append(int(p))
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        total += proc_ticks(p, True)
        stack.extend(kids.get(p, []))
    return total


def main():
    sep = sys.argv.index("--")
    pids = [p for p in sys.argv[1].split(",") if p] if sep > 1 else []
    cmd = sys.argv[sep + 1:]
    m0, s0, t0 = machine(), server_ticks(pids), time.monotonic()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    rc = subprocess.call(cmd)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    m1, s1, t1 = machine(), server_ticks(pids), time.monotonic()
    busy = (m1["busy"] - m0["busy"]) / TICK
    server = (s1 - s0) / TICK
    client = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    print(f"cpuwatch: wall={t1 - t0:.2f} busy={busy:.2f} server={server:.2f} client={client:.2f} "
          f"other={busy - server - client:.2f} steal={(m1['steal'] - m0['steal']) / TICK:.2f} "
          f"idle={(m1['idle'] - m0['idle']) / TICK:.2f} cores={os.cpu_count()}", flush=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()

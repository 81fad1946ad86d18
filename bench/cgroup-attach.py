#!/usr/bin/env python3
"""What a container start pays in cgroup v1, outside the daemon: make a cgroup in each of the ten
controller hierarchies, move a fresh process into all of them (what portod-native launch does),
remove them. With a pause between rounds, as between a scheduler's starts, the first move of each
round waits for an RCU grace period (the kernel's cgroup_threadgroup_rwsem); back to back it
does not. --favordynmods repeats the run with a named hierarchy mounted with that option in a
private mount namespace, which keeps the kernel's lock on its slow path so a move needs no grace
period; the hierarchy disappears with the namespace. As root:
    python3 bench/cgroup-attach.py [ROUNDS [PAUSE_SECONDS]] [--favordynmods]
"""
import os
import statistics
import subprocess
import sys
import time

HIERARCHIES = ["blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "net_cls", "perf_event", "pids"]
ROOT = "porto-bench-attach-%d" % os.getpid()


def cg(h, *parts):
    return os.path.join("/sys/fs/cgroup", h, ROOT, *parts)


def copy_cpuset(src, dst):
    for f in ("cpuset.cpus", "cpuset.mems"):
        with open(os.path.join(src, f)) as i, open(os.path.join(dst, f), "w") as o:
            o.write(i.read())


def measure(rounds, pause):
    made, moved, first, removed = [], [], [], []
    for h in HIERARCHIES:
        os.makedirs(cg(h), exist_ok=True)
    try:
        copy_cpuset("/sys/fs/cgroup/cpuset", cg("cpuset"))
        for _ in range(rounds):
            time.sleep(pause)
            t0 = time.perf_counter()
            for h in HIERARCHIES:
                os.mkdir(cg(h, "c"))
            copy_cpuset(cg("cpuset"), cg("cpuset", "c"))
            t1 = time.perf_counter()
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.read(r, 1)
                os._exit(0)
            t2 = time.perf_counter()
            t_first = None
            for h in HIERARCHIES:
                with open(cg(h, "c", "cgroup.procs"), "w") as f:
                    f.write(str(pid))
                t_first = t_first or time.perf_counter()
            t3 = time.perf_counter()
            os.write(w, b"x")
            os.waitpid(pid, 0)
            os.close(r)
            os.close(w)
            t4 = time.perf_counter()
            for h in HIERARCHIES:
                os.rmdir(cg(h, "c"))
            t5 = time.perf_counter()
            made.append(t1 - t0)
            moved.append(t3 - t2)
            first.append(t_first - t2)
            removed.append(t5 - t4)
    finally:
        for h in HIERARCHIES:
            if os.path.isdir(cg(h, "c")):
                os.rmdir(cg(h, "c"))
            os.rmdir(cg(h))

    def fmt(a):
        return "median %.2f ms, p90 %.2f ms" % (statistics.median(a) * 1e3, sorted(a)[len(a) * 9 // 10] * 1e3)
    print("  mkdir in 10 hierarchies (+cpuset copy): " + fmt(made))
    print("  move a process into 10 hierarchies:     " + fmt(moved))
    print("    of which the first write:             " + fmt(first))
    print("  rmdir in 10 hierarchies:                " + fmt(removed))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rounds = int(args[0]) if args else 50
    pause = float(args[1]) if len(args) > 1 else 0.03
    if os.environ.get("PORTO_BENCH_IN_NAMESPACE"):
        measure(rounds, pause)
        return
    print("%d rounds, %.0f ms apart, load average %s:" % (rounds, pause * 1000, open("/proc/loadavg").read().split()[0]))
    measure(rounds, pause)
    print("%d rounds back to back:" % rounds)
    measure(rounds, 0)
    if "--favordynmods" in sys.argv:
        print("%d rounds, %.0f ms apart, with a favordynmods hierarchy mounted:" % (rounds, pause * 1000))
        mnt = "/tmp/porto-bench-favordynmods-%d" % os.getpid()
        os.makedirs(mnt)
        try:
            script = ('mount -t cgroup -o none,name=porto-bench-%d,favordynmods cgroup "$1" && '
                      'PORTO_BENCH_IN_NAMESPACE=1 python3 "$2" "$3" "$4"; rc=$?; umount "$1"; exit $rc') % os.getpid()
            subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", mnt,
                            os.path.abspath(__file__), str(rounds), str(pause)], check=True)
        finally:
            os.rmdir(mnt)


if __name__ == "__main__":
    main()

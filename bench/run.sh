#!/usr/bin/env bash
# Benchmarks of the installed portod and portoctl (run scripts/setup.sh first). Prints medians.
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(sed -n 's/^exec "\([^"]*\)".*/\1/p' /usr/bin/portoctl)

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f ms\n", m/1e6}'; }

time_runs() {   # time_runs N command...  -> nanoseconds per run, one per line
    local n=$1; shift
    for _ in $(seq "$n"); do
        local t0 t1
        t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
        echo $((t1 - t0))
    done
}

echo "== whole-process runs, median of 30 =="
printf '/bin/true (fork+exec floor):          '; time_runs 30 /bin/true | median
printf 'portoctl --version (JVM start floor): '; time_runs 30 portoctl --version | median
printf 'portoctl exec t command=true:         '; time_runs 30 portoctl exec bench-exec command=true | median

echo "== API, one connection =="
"$java" --sun-misc-unsafe-memory-access=allow -cp "/usr/lib/porto/lib/*" bench/ApiBench.java

echo "== daemon memory =="
for f in /run/portoloop.pid /run/portod.pid; do
    pid=$(cat "$f")
    echo "$(basename "$f" .pid) (pid $pid): RSS $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
done

#!/usr/bin/env bash
# portoctl start-up, without the installed daemon: starts a private portod from this tree's build
# (mvn -pl app-cli -am package first) and prints the median wall time and CPU time of 20 runs of
# "portoctl --version" and "portoctl exec" (no AOT cache, so the two builds compare fairly).
#   bash bench/portoctl-startup.sh [OTHER_CLASSPATH]
# OTHER_CLASSPATH: another portoctl's classes (e.g. compiled from an older commit) timed beside.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh >/dev/null
id=bench$$
run=/run/porto-test-$id
export PORTO_SOCKET=$run/portod.socket PORTO_STATE_DIR=$run/kvs PORTO_CGROUP_ROOT=porto-test-$id \
    PORTO_PLACE=/place/porto-test-$id PORTO_NATIVE=$PWD/adapters-linux/target/native/portod-native \
    PORTO_LOG=$run/portod.log PORTO_MASTER_PIDFILE=$run/portoloop.pid PORTO_PIDFILE=$run/portod.pid
java=("$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED
    -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
mkdir -p "$run"
"$PORTO_NATIVE" master --socket "$PORTO_SOCKET" --pidfile "$PORTO_MASTER_PIDFILE" \
    --daemon-pidfile "$PORTO_PIDFILE" --log "$PORTO_LOG" -- "${java[@]}" --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
    -cp "app-daemon/target/lib/*:$(ls app-daemon/target/app-daemon-*.jar)" porto.daemon.Portod serve >/dev/null 2>&1 &
master=$!
cleanup() {
    kill "$master" 2>/dev/null || true
    wait "$master" 2>/dev/null || true
    umount -l "$run/kvs" "$run/vkvs" 2>/dev/null || true   # the stores' tmpfs, if a record kept it
    rm -rf "$run" "/place/porto-test-$id"
    for d in /sys/fs/cgroup/*/porto-test-$id /sys/fs/cgroup/unified/porto-test-$id; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    true
}
trap cleanup EXIT
for _ in $(seq 300); do [ -S "$PORTO_SOCKET" ] && break; sleep 0.1; done

# one line per run: wall and CPU nanoseconds of the command
runs() {
    for _ in $(seq 20); do
        python3 -c 'import os, subprocess, sys, time
r0, t0 = os.times(), time.monotonic_ns()
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r1, t1 = os.times(), time.monotonic_ns()
cpu = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
print(t1 - t0, int(cpu * 1e9))' "$@"
    done
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f ms", m/1e6}'; }
report() {   # report LABEL CLASSPATH
    local label=$1 cp=$2 what out
    for what in "--version" "exec bench-exec command=true"; do
        # shellcheck disable=SC2086
        out=$(runs "${java[@]}" -cp "$cp" porto.cli.Portoctl $what)
        printf '%-8s %-30s wall %s, CPU %s\n' "$label" "$what" "$(cut -d' ' -f1 <<<"$out" | median)" \
            "$(cut -d' ' -f2 <<<"$out" | median)"
    done
}
this="$(ls app-cli/target/app-cli-*.jar):app-cli/target/lib/*"
report this "$this"
if [ $# -gt 0 ]; then report other "$1:app-cli/target/lib/*"; fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

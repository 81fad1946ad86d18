#!/usr/bin/env bash
# Latency of `get` from 20 clients while 100 containers start, against a private portod built
# from a source tree (default: this one, after `mvn -pl app-daemon -am package -DskipTests`).
# Usage: bash bench/lock-bench.sh [TREE [STARTERS]]   (as root; STARTERS: clients starting, default 4;
# PORTOD_JAVA_OPTS: more JVM options for the daemon)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$(cd "${1:-$here}" && pwd)
source "$here/scripts/env.sh" >/dev/null
id="lockbench-$$"
run=/run/porto-$id
mkdir -p "$run"
cp="$tree/app-daemon/target/lib/*:$(ls "$tree"/app-daemon/target/app-daemon-*.jar)"
export PORTO_SOCKET=$run/portod.socket PORTO_STATE_DIR=$run/kvs PORTO_CGROUP_ROOT=porto-$id \
       PORTO_PLACE=/place/porto-$id PORTO_NATIVE=$tree/adapters-linux/target/native/portod-native \
       PORTO_LOG=$run/portod.log PORTO_MASTER_PIDFILE=$run/portoloop.pid PORTO_PIDFILE=$run/portod.pid
"$PORTO_NATIVE" master --socket "$PORTO_SOCKET" --pidfile "$PORTO_MASTER_PIDFILE" \
    --daemon-pidfile "$PORTO_PIDFILE" --log "$PORTO_LOG" -- \
    "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
    --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ${PORTOD_JAVA_OPTS:-} -cp "$cp" porto.daemon.Portod serve \
    >/dev/null 2>&1 &
master=$!
stop() {
    kill -INT "$master" 2>/dev/null || true   # a full stop: the daemon discards every container
    wait "$master" 2>/dev/null || true
    # The daemon's cgroup root, deepest first (rmdir of an empty cgroup only).
    find /sys/fs/cgroup/*/"porto-$id" -depth -type d -exec rmdir {} + 2>/dev/null || true
    umount -l "$run/kvs" "$run/vkvs" 2>/dev/null || true   # the stores' tmpfs, if a record kept it
    rm -rf "$run" "/place/porto-$id"
}
trap stop EXIT
for _ in $(seq 300); do [ -S "$PORTO_SOCKET" ] && break; sleep 0.1; done
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -cp "$cp" "$here/bench/LockBench.java" "$PORTO_SOCKET" "${2:-4}"

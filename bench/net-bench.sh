#!/usr/bin/env bash
# Start of 100 containers with net=inherited, L3 and NAT, against a private portod (built from this
# tree: `mvn -pl app-daemon -am package -DskipTests`) whose master runs in a network namespace of
# its own (ip netns porto-netbench-PID), so routes, devices and the NAT table never reach the host's.
# Usage: bash bench/net-bench.sh   (as root)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/scripts/env.sh" >/dev/null
id="netbench-$$"
run=/run/porto-$id
ns=porto-$id
mkdir -p "$run"
cp="$here/app-daemon/target/lib/*:$(ls "$here"/app-daemon/target/app-daemon-*.jar)"
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -q -w net.ipv4.conf.all.forwarding=1   # what net=L3 needs, in the namespace only
export PORTO_SOCKET=$run/portod.socket PORTO_STATE_DIR=$run/kvs PORTO_CGROUP_ROOT=porto-$id \
       PORTO_PLACE=/place/porto-$id PORTO_NATIVE=$here/adapters-linux/target/native/portod-native \
       PORTO_LOG=$run/portod.log PORTO_MASTER_PIDFILE=$run/portoloop.pid PORTO_PIDFILE=$run/portod.pid \
       PORTO_NET_NAT_FIRST_IPV4=203.0.113.1 PORTO_NET_NAT_COUNT=200 PORTO_NET_UNMANAGED_DEVICES="lo"
nsenter --net="/run/netns/$ns" "$PORTO_NATIVE" master --socket "$PORTO_SOCKET" --pidfile "$PORTO_MASTER_PIDFILE" \
    --daemon-pidfile "$PORTO_PIDFILE" --log "$PORTO_LOG" -- \
    "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
    --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$cp" porto.daemon.Portod serve \
    >/dev/null 2>&1 &
master=$!
stop() {
    kill -INT "$master" 2>/dev/null || true   # a full stop: the daemon discards every container
    wait "$master" 2>/dev/null || true
    find /sys/fs/cgroup/*/"porto-$id" -depth -type d -exec rmdir {} + 2>/dev/null || true
    for f in "$run"/netns/*; do [ -e "$f" ] && umount -l "$f" 2>/dev/null; done || true
    ip netns del "$ns" 2>/dev/null || true
    umount -l "$run/kvs" "$run/vkvs" 2>/dev/null || true   # the stores' tmpfs, if a record kept it
    rm -rf "$run" "/place/porto-$id"
}
trap stop EXIT
for _ in $(seq 300); do [ -S "$PORTO_SOCKET" ] && break; sleep 0.1; done
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -cp "$cp" "$here/bench/NetBench.java" "$PORTO_SOCKET"

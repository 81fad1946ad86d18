#!/usr/bin/env bash
# Records an AOT cache for the daemon (JDK 25's -XX:AOTCacheOutput): a daemon on scratch paths
# serves a short session of typical requests and exits in order, which writes the cache. Later
# starts and reloads load classes from it. Harmless to skip: portod works without it, only slower.
set -euo pipefail
lib=/usr/lib/porto
java=$(sed -n 's/^exec "\([^"]*\)".*/\1/p' /usr/sbin/portod)
rm -f "$lib/portod.aot"
source "$(dirname "$0")/aot.sh"
source "$(dirname "$0")/jvm-options.sh"
if ! aot_supported "$java"; then
    echo "this JDK has no AOT cache; portod runs without one"
    exit 0
fi
run=/run/porto-aot-training
umount -l "$run/kvs" "$run/vkvs" 2>/dev/null || true
rm -rf "$run"; mkdir -p "$run"
export PORTO_SOCKET=$run/portod.socket PORTO_STATE_DIR=$run/kvs PORTO_CGROUP_ROOT=porto-aot-training \
    PORTO_PLACE=/place/porto-aot-training PORTO_LOG=$run/portod.log \
    PORTO_MASTER_PIDFILE=$run/portoloop.pid PORTO_PIDFILE=$run/portod.pid PORTOD_AOT_TRAINING=1
export JAVA_TOOL_OPTIONS="$PORTOD_AOT_TRAINING_OPTIONS -XX:AOTCacheOutput=$lib/portod.aot"
"$lib/portod-native" master --daemonize --socket "$PORTO_SOCKET" --pidfile "$PORTO_MASTER_PIDFILE" \
    --daemon-pidfile "$PORTO_PIDFILE" --log "$PORTO_LOG" -- /usr/sbin/portod serve
unset JAVA_TOOL_OPTIONS
for _ in $(seq 100); do portoctl list >/dev/null 2>&1 && break; sleep 0.1; done
for i in 1 2 3; do
    portoctl run "t$i" command="sh -c 'echo hi'" >/dev/null
    portoctl wait "t$i" >/dev/null
    portoctl get "t$i" stdout exit_status state >/dev/null
    portoctl list >/dev/null
    portoctl destroy "t$i" >/dev/null
done
portoctl exec t4 command=true >/dev/null || true
kill -TERM "$(cat "$PORTO_MASTER_PIDFILE")"
for _ in $(seq 300); do [ -e "$PORTO_MASTER_PIDFILE" ] || break; sleep 0.1; done
for h in /sys/fs/cgroup/*/porto-aot-training; do [ -d "$h" ] && rmdir "$h" 2>/dev/null || true; done
umount -l "$run/kvs" "$run/vkvs" 2>/dev/null || true   # the stores' tmpfs (a SIGTERM leaves it)
rm -rf "$run" /place/porto-aot-training
[ -f "$lib/portod.aot" ] && echo "portod AOT cache: $lib/portod.aot"

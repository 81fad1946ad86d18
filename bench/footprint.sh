#!/usr/bin/env bash
# The daemon's idle footprint and reload CPU, one private daemon at a time (docs/status.md, issue 15).
# Usage (as root): bash bench/footprint.sh TREE NAME [more JVM options...]
# Starts a private portod from TREE (built) with TREE's scripts/jvm-options.sh and an AOT cache
# recorded as scale.sh does (kept in /tmp/porto-footprint/NAME, reused by later runs of NAME),
# waits SETTLE seconds (2), makes a full GC and a native trim, and prints RssAnon, the number of
# threads and the master's RssAnon. DETAIL=1 keeps smaps, threads and NMT (with
# -XX:NativeMemoryTracking=summary among the options) in that directory. WORK is shell run before
# the measurement, with $java, $cp and $pid set: e.g.
#   WORK='"$java" -cp "$cp" bench/ReloadCpu.java 10000 3' bash bench/footprint.sh . after
# creates 10,000 stopped containers and reloads three times, printing each reload's time and CPU.
set -euo pipefail
tree=$1; name=$2; shift 2; extra="$*"
source $tree/scripts/env.sh >/dev/null
source $tree/scripts/jvm-options.sh
id=fpidle-$name-$$
run=/run/porto-$id; mkdir -p $run
tmp=/tmp/porto-footprint/$name; mkdir -p $tmp
printf 'container { max_total: 20000 }\n' >"$tmp/portod.conf"
cp="$tree/app-daemon/target/lib/*:$(ls "$tree"/app-daemon/target/app-daemon-*.jar):$tree/app-cli/target/lib/*:$(ls "$tree"/app-cli/target/app-cli-*.jar)"
export PORTO_SOCKET=$run/portod.socket PORTO_STATE_DIR=$run/kvs PORTO_CGROUP_ROOT=porto-$id \
       PORTO_PLACE=/place/porto-$id PORTO_NATIVE=$tree/adapters-linux/target/native/portod-native \
       PORTO_LOG=$run/portod.log PORTO_MASTER_PIDFILE=$run/portoloop.pid PORTO_PIDFILE=$run/portod.pid PORTO_CONFIG=$tmp/portod.conf
java="$JAVA_HOME/bin/java"
cat >"$tmp/portod" <<SH
#!/bin/sh
export PORTOD_COMMAND="\$0"
aot=""
[ -f $tmp/portod.aot ] && [ -z "\$PORTOD_AOT_TRAINING" ] && aot="-XX:AOTCache=$tmp/portod.aot"
exec "$java" $PORTOD_JVM_OPTIONS \$aot \${EXTRA_OPTS:-} -Dporto.native=$PORTO_NATIVE -cp "$cp" porto.daemon.Portod "\$@"
SH
chmod +x $tmp/portod
export EXTRA_OPTS="$extra"
ctl() { "$java" -XX:TieredStopAtLevel=1 -cp "$cp" porto.cli.Portoctl "$@"; }
cleanup() { [ -n "${master:-}" ] && { kill -INT $master 2>/dev/null; wait $master 2>/dev/null || true; }; find /sys/fs/cgroup/*/"porto-$id" -depth -type d -exec rmdir {} + 2>/dev/null || true; umount -l $run/kvs $run/vkvs 2>/dev/null || true; rm -rf $run /place/porto-$id; }
trap cleanup EXIT
if [ ! -f $tmp/portod.aot ] && [ -z "${NO_AOT:-}" ]; then
    PORTOD_AOT_TRAINING=1 JAVA_TOOL_OPTIONS="${PORTOD_AOT_TRAINING_OPTIONS:-} -XX:AOTCacheOutput=$tmp/portod.aot" "$PORTO_NATIVE" master --norespawn \
        --socket "$PORTO_SOCKET" --pidfile "$PORTO_MASTER_PIDFILE" --daemon-pidfile "$PORTO_PIDFILE" \
        --log "$PORTO_LOG" -- "$tmp/portod" serve >/dev/null 2>&1 &
    trainer=$!
    for _ in $(seq 300); do ctl list >/dev/null 2>&1 && break; sleep 0.1; done
    for i in 1 2 3; do ctl run "aot$i" command="sh -c 'echo hi'" >/dev/null; ctl wait "aot$i" >/dev/null; ctl get "aot$i" stdout exit_status state >/dev/null; ctl destroy "aot$i" >/dev/null; done
    kill -TERM "$(cat "$PORTO_PIDFILE")"; wait "$trainer" || true
    for _ in $(seq 120); do "$java" $PORTOD_JVM_OPTIONS -XX:AOTMode=on -XX:AOTCache="$tmp/portod.aot" -cp "$cp" porto.daemon.Portod --help >/dev/null 2>&1 && break; sleep 0.5; done
fi
[ -n "${NO_AOT:-}" ] && rm -f $tmp/portod.aot
"$PORTO_NATIVE" master --socket "$PORTO_SOCKET" --pidfile "$PORTO_MASTER_PIDFILE" --daemon-pidfile "$PORTO_PIDFILE" --log "$PORTO_LOG" -- "$tmp/portod" serve >/dev/null 2>&1 &
master=$!
for _ in $(seq 300); do ctl list >/dev/null 2>&1 && break; sleep 0.1; done
pid=$(cat $PORTO_PIDFILE)
[ -n "${WORK:-}" ] && eval "$WORK"
pid=$(cat $PORTO_PIDFILE)   # a reload in WORK replaced the daemon
sleep ${SETTLE:-2}
$JAVA_HOME/bin/jcmd $pid GC.run >/dev/null; $JAVA_HOME/bin/jcmd $pid System.trim_native_heap >/dev/null
sleep 0.5
echo "$name $(grep -E 'RssAnon' /proc/$pid/status | tr -s ' ') threads $(ls /proc/$pid/task | wc -l) master $(grep RssAnon /proc/$master/status | tr -s ' ')"
if [ -n "${DETAIL:-}" ]; then
  cp /proc/$pid/smaps $tmp/smaps.txt
  $JAVA_HOME/bin/jcmd $pid VM.native_memory ${NMTCMD:-summary} > $tmp/nmt.txt 2>&1 || true
  for t in /proc/$pid/task/*; do cat $t/comm; done | sort | uniq -c > $tmp/threads.txt
  [ -n "${HOLD:-}" ] && sleep $HOLD
fi

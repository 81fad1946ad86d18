#!/usr/bin/env bash
# Every figure of issue 15, each beside its anchor from the same run, as a Markdown table: the
# start of a `true` container (API) against `crun run`; many starts from 10 clients against one;
# create/list/get/reload/destroy per container at two sizes; the daemon's and master's RssAnon
# after a full GC; every common portoctl command against the JVM's floor. It runs a PRIVATE
# portod built from TREE (default: this tree, after `mvn -pl app-daemon,app-cli -am package
# -DskipTests`) with the installed JVM options (scripts/jvm-options.sh), never the installed
# daemon, and removes everything it made. Installs Debian's crun if it is missing (the anchor).
# Usage (as root): bash bench/scale.sh [--cycles N] [--starts N] [--clients N] [--running N]
#                  [--sizes "1000 10000"] [--runs N] [TREE]
# Small, to check that it works: bash bench/scale.sh --cycles 20 --starts 20 --running 20 --sizes "100 1000" --runs 5
# PORTOD_JAVA_OPTS: more JVM options for the daemon (to compare settings).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cycles=100 starts=100 clients=10 running=1000 sizes="1000 10000" runs=20 tree=$here
while [ $# -gt 0 ]; do
    case $1 in
        --cycles) cycles=$2; shift 2 ;;
        --starts) starts=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --running) running=$2; shift 2 ;;
        --sizes) sizes=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) tree=$(cd "$1" && pwd); shift ;;
    esac
done
source "$here/scripts/env.sh" >/dev/null
source "$here/scripts/jvm-options.sh"
command -v crun >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q crun >/dev/null

id="scalebench-$$"
run=/run/porto-$id
tmp=$(mktemp -d "/tmp/porto-$id.XXXX")
mkdir -p "$run"
cp="$tree/app-daemon/target/lib/*:$(ls "$tree"/app-daemon/target/app-daemon-*.jar):$tree/app-cli/target/lib/*:$(ls "$tree"/app-cli/target/app-cli-*.jar)"
# The issue's sizes (11,000 containers) exceed upstream's default max_total (3000).
printf 'container { max_total: 20000 }\n' >"$tmp/portod.conf"
export PORTO_CONFIG=$tmp/portod.conf
export PORTO_SOCKET=$run/portod.socket PORTO_STATE_DIR=$run/kvs PORTO_CGROUP_ROOT=porto-$id \
       PORTO_PLACE=/place/porto-$id PORTO_NATIVE=$tree/adapters-linux/target/native/portod-native \
       PORTO_LOG=$run/portod.log PORTO_MASTER_PIDFILE=$run/portoloop.pid PORTO_PIDFILE=$run/portod.pid
java="$JAVA_HOME/bin/java"

# The daemon, portoctl and the floor as the installed wrappers run them: a shell script that
# execs the JVM (the master runs the daemon's again on reload).
cat >"$tmp/portod" <<SH
#!/bin/sh
export PORTOD_COMMAND="\$0"
aot=""
[ -f $tmp/portod.aot ] && [ -z "\$PORTOD_AOT_TRAINING" ] && aot="-XX:AOTCache=$tmp/portod.aot"
exec "$java" $PORTOD_JVM_OPTIONS \$aot ${PORTOD_JAVA_OPTS:-} -Dporto.native=$PORTO_NATIVE -cp "$cp" porto.daemon.Portod "\$@"
SH
cat >"$tmp/portoctl" <<SH
#!/bin/sh
exec "$java" $PORTOCTL_JVM_OPTIONS -XX:AOTCache=$tmp/portoctl.aot -cp "$cp" porto.cli.Portoctl "\$@"
SH
cat >"$tmp/floor" <<SH
#!/bin/sh
exec "$java" $PORTOCTL_JVM_OPTIONS -XX:AOTCache=$tmp/floor.aot -cp "$tmp/floor.jar" Floor "\$@"
SH
chmod +x "$tmp/portod" "$tmp/portoctl" "$tmp/floor"

master= crun_helper=
stop() {
    [ -n "$crun_helper" ] && kill "$crun_helper" 2>/dev/null || true
    if [ -n "$master" ]; then
        kill -INT "$master" 2>/dev/null || true   # a full stop: the daemon discards every container
        wait "$master" 2>/dev/null || true
    fi
    for c in $(crun list -q 2>/dev/null | grep "^$id-" || true); do crun delete -f "$c" >/dev/null 2>&1 || true; done
    # The daemon's cgroup root, deepest first (rmdir of an empty cgroup only).
    find /sys/fs/cgroup/*/"porto-$id" -depth -type d -exec rmdir {} + 2>/dev/null || true
    umount -l "$run/kvs" "$run/vkvs" 2>/dev/null || true   # the stores' tmpfs, if a record kept it
    rm -rf "$run" "/place/porto-$id" "$tmp"
}
trap stop EXIT
# The daemon's AOT cache, recorded as scripts/train-portod.sh does: a daemon serves a few
# containers and exits in order. The measured daemon then starts from it, as the installed one.
if [ -z "${NO_AOT:-}" ]; then
    PORTOD_AOT_TRAINING=1 JAVA_TOOL_OPTIONS="${PORTOD_AOT_TRAINING_OPTIONS:-} -XX:AOTCacheOutput=$tmp/portod.aot" "$PORTO_NATIVE" master --norespawn \
        --socket "$PORTO_SOCKET" --pidfile "$PORTO_MASTER_PIDFILE" --daemon-pidfile "$PORTO_PIDFILE" \
        --log "$PORTO_LOG" -- "$tmp/portod" serve >/dev/null 2>&1 &
    trainer=$!
    for _ in $(seq 300); do "$java" -cp "$cp" porto.cli.Portoctl list >/dev/null 2>&1 && break; sleep 0.1; done
    for i in 1 2 3; do
        "$java" -cp "$cp" porto.cli.Portoctl run "aot$i" command="sh -c 'echo hi'" >/dev/null
        "$java" -cp "$cp" porto.cli.Portoctl wait "aot$i" >/dev/null
        "$java" -cp "$cp" porto.cli.Portoctl get "aot$i" stdout exit_status state >/dev/null
        "$java" -cp "$cp" porto.cli.Portoctl destroy "aot$i" >/dev/null
    done
    kill -TERM "$(cat "$PORTO_PIDFILE")"
    wait "$trainer" || true
    # The exiting JVM assembles the cache in a child process of its own: wait until it loads.
    for _ in $(seq 120); do
        "$java" $PORTOD_JVM_OPTIONS -XX:AOTMode=on -XX:AOTCache="$tmp/portod.aot" -cp "$cp" porto.daemon.Portod --help \
            >/dev/null 2>&1 && break
        sleep 0.5
    done
    "$java" $PORTOD_JVM_OPTIONS -XX:AOTMode=on -XX:AOTCache="$tmp/portod.aot" -cp "$cp" porto.daemon.Portod --help >/dev/null \
        || echo "warning: no AOT cache for the daemon; it runs without one" >&2
fi
"$PORTO_NATIVE" master --socket "$PORTO_SOCKET" --pidfile "$PORTO_MASTER_PIDFILE" \
    --daemon-pidfile "$PORTO_PIDFILE" --log "$PORTO_LOG" -- "$tmp/portod" serve >/dev/null 2>&1 &
master=$!

# Whole-process timing without forking a clock: EPOCHREALTIME, microseconds.
usec() { local t=${1/./}; echo $((10#$t)); }
median_ms() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m/1000}'; }
time_each() {   # time_each N command... -> microseconds per run, one a line; a failing run aborts
    local n=$1 i t0; shift
    for ((i = 0; i < n; i++)); do
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>"$tmp/err" || { echo "failed: $* : $(cat "$tmp/err")" >&2; return 1; }
        echo $(($(usec "$EPOCHREALTIME") - $(usec "$t0")))
    done
}

# crun's anchor: a bundle whose root holds only `true` and the libraries it loads. crun refuses a
# hybrid cgroup layout (v1 controllers plus an empty cgroup2 at /sys/fs/cgroup/unified), so it
# runs in a mount namespace of its own where that cgroup2 is unmounted; the namespace is made
# once, outside the timed runs.
bundle=$tmp/bundle
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys"
cp /usr/bin/true "$bundle/rootfs/bin/true"
for lib in $(ldd /usr/bin/true | grep -o '/[^ ]*'); do
    mkdir -p "$bundle/rootfs$(dirname "$lib")"
    cp -L "$lib" "$bundle/rootfs$lib"
done
(cd "$bundle" && crun spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"\/bin\/true"/' "$bundle/config.json"
# A helper in that namespace runs `crun run` once for each line it reads and answers how many
# microseconds it took, so that ScaleBench interleaves crun's runs with its own cycles: whatever
# load comes and goes hits both alike.
mkfifo "$tmp/crun.in" "$tmp/crun.out"
(cd "$bundle" && exec unshare -m --propagation private bash -c "
    umount /sys/fs/cgroup/unified 2>/dev/null || true
    i=0
    while read -r _; do
        i=\$((i + 1)); t0=\$EPOCHREALTIME
        crun run $id-\$i >/dev/null 2>&1 || { echo fail; continue; }
        t1=\$EPOCHREALTIME; echo \$((10#\${t1/./} - 10#\${t0/./}))
    done") <"$tmp/crun.in" >"$tmp/crun.out" &
crun_helper=$!

# Serving, or the end of its log: a daemon that cannot start (bad JVM options in PORTOD_JAVA_OPTS)
# is restarted by the master forever, and the benchmark would wait as long. A try may take seconds:
# a cold portoctl JVM on two busy cores.
serving= deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
    timeout 10 "$java" -cp "$cp" porto.cli.Portoctl list >/dev/null 2>&1 && { serving=1; break; }
    sleep 0.1
done
[ -n "$serving" ] || { echo "portod does not answer; the end of its log:" >&2; tail -20 "$PORTO_LOG" >&2; exit 1; }
mkdir -p "$tmp/classes"
javac -d "$tmp/classes" "$here/bench/Floor.java"
jar cf "$tmp/floor.jar" -C "$tmp/classes" .   # an AOT cache needs jars, not directories, on the class path
# AOT caches for portoctl and the floor, recorded as scripts/train-portoctl.sh does.
"$java" $PORTOCTL_JVM_OPTIONS -XX:AOTCacheOutput="$tmp/portoctl.aot" -cp "$cp" porto.cli.Portoctl exec bench-aot command=true >/dev/null 2>&1
"$java" $PORTOCTL_JVM_OPTIONS -XX:AOTCacheOutput="$tmp/floor.aot" -cp "$tmp/floor.jar" Floor >/dev/null 2>&1

echo "## bench/scale.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "cycles $cycles, starts $starts by $clients clients, $running running, sizes $sizes, $runs runs of each command"
echo
echo "| what | ours | anchor (same run) | ratio / goal |"
echo "|---|---|---|---|"
"$java" --sun-misc-unsafe-memory-access=allow -cp "$cp" "$here/bench/ScaleBench.java" \
    "$tmp" "$cycles" "$starts" "$clients" "$running" $sizes
crun_ms=$(cat "$tmp/crun_ms")

# portoctl: each common command against the floor, interleaved so that load hits both alike.
pc="$tmp/portoctl"
commands=(create set start wait get list stop destroy "exec true" --version)
for c in "${commands[@]}"; do : >"$tmp/t-$c"; done
: >"$tmp/t-floor"
for ((i = 0; i < runs; i++)); do
    n=bench-ctl-$i
    time_each 1 "$tmp/floor" >>"$tmp/t-floor"
    time_each 1 "$pc" create "$n" >>"$tmp/t-create"
    time_each 1 "$pc" set "$n" command true >>"$tmp/t-set"
    time_each 1 "$pc" start "$n" >>"$tmp/t-start"
    time_each 1 "$pc" wait "$n" >>"$tmp/t-wait"
    time_each 1 "$pc" get "$n" state >>"$tmp/t-get"
    time_each 1 "$pc" list >>"$tmp/t-list"
    time_each 1 "$pc" stop "$n" >>"$tmp/t-stop"
    time_each 1 "$pc" destroy "$n" >>"$tmp/t-destroy"
    time_each 1 "$pc" exec "bench-exec-$i" command=true >>"$tmp/t-exec true"
    time_each 1 "$pc" --version >>"$tmp/t---version"
done
floor=$(median_ms <"$tmp/t-floor")
for c in "${commands[@]}"; do
    ms=$(median_ms <"$tmp/t-$c")
    echo "| portoctl $c, median of $runs | $ms ms | JVM floor (open the socket): $floor ms | $(awk -v a="$ms" -v b="$floor" 'BEGIN {printf "+%.1f ms (goal <= +10)", a - b}') |"
done
echo "| exec of \`true\`: portoctl exec, whole process | $(median_ms <"$tmp/t-exec true") ms | crun run: $crun_ms ms | $(awk -v a="$(median_ms <"$tmp/t-exec true")" -v b="$crun_ms" 'BEGIN {printf "%.2fx", a / b}') |"

# Where a start's milliseconds go, request by request (see docs/status.md for the inside of "start").
echo
echo "create+set+start+wait+destroy of \`true\`, per request (client side, $cycles cycles):"
echo '```'
"$java" --sun-misc-unsafe-memory-access=allow -cp "$cp" "$here/bench/StartProfile.java" "$PORTO_SOCKET" "$cycles"
echo '```'

#!/usr/bin/env bash
# Import of a 1 GiB layer (gzip and zstd) through a private portod (`portoctl layer -I`) against
# `tar -x` of the same archive, as upstream's portod runs it (numeric owners, permissions, xattrs).
# The tree: 4096 files of 256 KiB, half random and half text, so the archives compress to about half.
# Usage: bash bench/layer-bench.sh [TREE]   (as root, after `mvn -pl app-cli -am package -DskipTests`;
# TREE: a built source tree, default this one). Archives stay in the page cache: warm-cache numbers.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$(cd "${1:-$here}" && pwd)
source "$here/scripts/env.sh" >/dev/null
id="layerbench-$$"
run=/run/porto-$id
work=/place/porto-$id-work
mkdir -p "$run" "$work/place"
cp="$tree/app-daemon/target/lib/*:$(ls "$tree"/app-daemon/target/app-daemon-*.jar)"
clicp="$tree/app-cli/target/lib/*:$(ls "$tree"/app-cli/target/app-cli-*.jar)"
export PORTO_SOCKET=$run/portod.socket PORTO_STATE_DIR=$run/kvs PORTO_CGROUP_ROOT=porto-$id \
       PORTO_PLACE=/place/porto-$id PORTO_NATIVE=$tree/adapters-linux/target/native/portod-native \
       PORTO_LOG=$run/portod.log PORTO_MASTER_PIDFILE=$run/portoloop.pid PORTO_PIDFILE=$run/portod.pid \
       PORTO_VOLUME_PLACE=$work/place
"$PORTO_NATIVE" master --socket "$PORTO_SOCKET" --pidfile "$PORTO_MASTER_PIDFILE" \
    --daemon-pidfile "$PORTO_PIDFILE" --log "$PORTO_LOG" -- \
    "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
    --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ${PORTOD_JAVA_OPTS:-} -cp "$cp" porto.daemon.Portod serve \
    >/dev/null 2>&1 &
master=$!
stop() {
    kill -INT "$master" 2>/dev/null || true
    wait "$master" 2>/dev/null || true
    find /sys/fs/cgroup/*/"porto-$id" -depth -type d -exec rmdir {} + 2>/dev/null || true
    umount -l "$run/kvs" "$run/vkvs" 2>/dev/null || true   # the stores' tmpfs, if a record kept it
    rm -rf --one-file-system "$run" "/place/porto-$id" "$work"
}
trap stop EXIT
for _ in $(seq 300); do [ -S "$PORTO_SOCKET" ] && break; sleep 0.1; done
portoctl() { "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -cp "$clicp" porto.cli.Portoctl "$@"; }

python3 - "$work/source" <<'EOF'
import os, sys
root = sys.argv[1]
text = (b"the quick brown fox jumps over the lazy dog 0123456789\n" * 2500)[:128 << 10]
for d in range(64):
    os.makedirs(f"{root}/d{d:02}")
    for f in range(64):
        with open(f"{root}/d{d:02}/f{f:02}", "wb") as out:
            out.write(os.urandom(128 << 10))
            out.write(text)
EOF
echo "tree: $(du -sh "$work/source" | cut -f1) in $(find "$work/source" -type f | wc -l) files"
tar --numeric-owner -czf "$work/layer.tgz" -C "$work/source" .
tar --numeric-owner --zstd -cf "$work/layer.tar.zst" -C "$work/source" .
ls -l "$work/layer.tgz" "$work/layer.tar.zst" | awk '{print $5, $9}'

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
for archive in layer.tgz layer.tar.zst; do
    for try in 1 2 3; do
        mkdir -p "$work/tar-x"
        sync
        t_tar=$(seconds tar --numeric-owner --preserve-permissions --xattrs --xattrs-include=security.capability \
            --xattrs-include='trusted.overlay.*' --xattrs-include='user.*' -xf "$work/$archive" -C "$work/tar-x")
        rm -rf "$work/tar-x"
        sync
        t_porto=$(seconds portoctl layer -I bench "$work/$archive")
        portoctl layer -R bench
        echo "$archive try $try: tar -x ${t_tar}s, portoctl layer -I ${t_porto}s"
    done
done

#!/usr/bin/env bash
# Installs the built jars and native helper under /usr/lib/porto, and the portod and portoctl
# commands in /usr/sbin and /usr/bin, as upstream's package does. Needs JAVA_HOME (see env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:?source scripts/env.sh first}"

lib=/usr/lib/porto
rm -rf "$lib/lib.new"
mkdir -p "$lib/lib.new"
# Both applications share most libraries: copy one set, then the other over it.
for dir in app-daemon/target/lib app-cli/target/lib; do cp -f "$dir"/*.jar "$lib/lib.new/"; done
cp -f app-daemon/target/app-daemon-*.jar app-cli/target/app-cli-*.jar "$lib/lib.new/"
rm -rf "$lib/lib.old"
[ -d "$lib/lib" ] && mv "$lib/lib" "$lib/lib.old"
mv "$lib/lib.new" "$lib/lib"
rm -rf "$lib/lib.old"
install -m 0755 adapters-linux/target/native/portod-native "$lib/portod-native.new"
mv -f "$lib/portod-native.new" "$lib/portod-native"
install -m 0755 adapters-linux/target/native/portoinit "$lib/portoinit.new"
mv -f "$lib/portoinit.new" "$lib/portoinit"

jvm_common="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC"

cat > /usr/sbin/portod.new <<SH
#!/bin/sh
# portod: the Porto daemon (Java), under portod-native master.
# The master runs "\$0 serve", so a reload picks up a newly installed daemon and its options.
export PORTOD_COMMAND="\$0"
# A small heap that gives memory back, and only the C1 compiler: the daemon's RSS stays low.
aot=""
[ -f $lib/portod.aot ] && [ -z "\$PORTOD_AOT_TRAINING" ] && aot="-XX:AOTCache=$lib/portod.aot"
exec "$JAVA_HOME/bin/java" $jvm_common \$aot -Xms8m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \\
    -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m -Xss512k \\
    --add-exports java.base/sun.nio.ch=ALL-UNNAMED \\
    -Dporto.native=$lib/portod-native -cp "$lib/lib/*" porto.daemon.Portod "\$@"
SH
chmod 0755 /usr/sbin/portod.new
mv -f /usr/sbin/portod.new /usr/sbin/portod

cat > /usr/bin/portoctl.new <<SH
#!/bin/sh
# portoctl: Porto's command line. The AOT cache, made by scripts/train-portoctl.sh, halves start-up.
aot=""
[ -f $lib/portoctl.aot ] && aot="-XX:AOTCache=$lib/portoctl.aot"
exec "$JAVA_HOME/bin/java" $jvm_common -XX:TieredStopAtLevel=1 \$aot \\
    -cp "$lib/lib/*" porto.cli.Portoctl "\$@"
SH
chmod 0755 /usr/bin/portoctl.new
mv -f /usr/bin/portoctl.new /usr/bin/portoctl

# bash completion (loaded by the bash-completion package, or by sourcing it) and the manual pages
install -D -m 0644 packaging/bash-completion/portoctl /usr/share/bash-completion/completions/portoctl
install -D -m 0644 packaging/man/portoctl.8 /usr/share/man/man8/portoctl.8
install -D -m 0644 packaging/man/portod.8 /usr/share/man/man8/portod.8

getent group porto >/dev/null || groupadd --system porto
mkdir -p /place/porto
echo "installed portod ($(command -v portod)) and portoctl ($(command -v portoctl))"

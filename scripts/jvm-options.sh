# Sourced by install.sh (the portod and portoctl wrappers) and bench/scale.sh (its private daemon),
# so the benchmark measures the JVM settings that are installed. Why each one: docs/architecture.md,
# "Memory and JVM settings".
# shellcheck shell=bash
# -XX:-UsePerfData: no /tmp/hsperfdata_USER files (portoctl runs inside containers, whose /tmp and
# pid namespace are not the host's); jcmd still attaches by pid.
JVM_COMMON_OPTIONS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData"
# A small heap that gives memory back, and only the C1 compiler: the daemon's RSS stays low.
PORTOD_JVM_OPTIONS="$JVM_COMMON_OPTIONS -Xms8m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m -Xss512k \
--add-exports java.base/sun.nio.ch=ALL-UNNAMED"
PORTOCTL_JVM_OPTIONS="$JVM_COMMON_OPTIONS -XX:TieredStopAtLevel=1"

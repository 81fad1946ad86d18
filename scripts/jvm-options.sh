# Sourced by install.sh (the portod and portoctl wrappers) and bench/scale.sh (its private daemon),
# so the benchmark measures the JVM settings that are installed. Why each one: docs/architecture.md,
# "Memory and JVM settings".
# shellcheck shell=bash
# -XX:-UsePerfData: no /tmp/hsperfdata_USER files (portoctl runs inside containers, whose /tmp and
# pid namespace are not the host's); jcmd still attaches by pid.
# -XX:ArchiveRelocationMode=0: map the class archive (the JDK's CDS, or our AOT cache) at the
# address it was made for instead of relocating it, which rewrites every page of it into private
# memory: 10-12 MB less RssAnon in the daemon, and no relocation work at each start.
JVM_COMMON_OPTIONS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData \
-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
# A small heap that gives memory back (see HeapTrimmer) with a young generation of 1 MB that grows
# to a quarter of the old one at full collections, only the C1 compiler with one thread, a code
# cache and metaspace bounded well above what the daemon uses (3 MB, 10 MB), small stacks with a
# 40 KB shadow zone (each Java thread touches its whole shadow zone), run-time string and symbol
# tables that start small and grow when needed, no replay of training profiles (see below), and
# glibc's free memory returned every minute (-XX:TrimNativeHeapInterval, about 6 MB idle).
PORTOD_JVM_OPTIONS="$JVM_COMMON_OPTIONS -Xms8m -Xmx512m -XX:NewSize=1m -XX:NewRatio=4 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m -Xss512k \
-XX:StackShadowPages=10 -XX:StringTableSize=4096 -XX:+UnlockExperimentalVMOptions -XX:SymbolTableSize=4096 -XX:-AOTReplayTraining \
-XX:TrimNativeHeapInterval=60000 --add-exports java.base/sun.nio.ch=ALL-UNNAMED"
# Recording the daemon's AOT cache (scripts/train-portod.sh, bench/scale.sh): classes only, no
# method profiles. The profiles serve C2, which the daemon does not run; replaying them made C1
# compile the training's methods at every start and reload (about 60 ms of CPU, 0.7 MB of cache
# pages written).
PORTOD_AOT_TRAINING_OPTIONS="-XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining"
PORTOCTL_JVM_OPTIONS="$JVM_COMMON_OPTIONS -XX:TieredStopAtLevel=1"

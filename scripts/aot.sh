# Sourced by the train-*.sh scripts. aot_supported JAVA: true when this JVM can record an AOT cache.
# shellcheck shell=bash
aot_supported() {
    # Probe with a scratch file: the JVM replaces the file it writes, and /dev/null must stay a device.
    local probe ok=0
    probe=$(mktemp -d)
    "$1" -XX:AOTCacheOutput="$probe/probe.aot" -version >/dev/null 2>&1 || ok=1
    rm -rf "$probe"
    return $ok
}

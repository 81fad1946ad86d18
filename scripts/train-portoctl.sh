#!/usr/bin/env bash
# Records an AOT cache for portoctl (JDK 25's -XX:AOTCacheOutput) from a short session against the
# running portod, so later starts skip class loading and linking. Harmless to skip: portoctl works
# without it, only slower.
set -euo pipefail
lib=/usr/lib/porto
java=$(sed -n 's/^exec "\([^"]*\)".*/\1/p' /usr/bin/portoctl)
rm -f "$lib/portoctl.aot"
source "$(dirname "$0")/aot.sh"
if ! aot_supported "$java"; then
    echo "this JDK has no AOT cache; portoctl runs without one"
    exit 0
fi
# One JVM records the cache; a training run covers the common commands' classes.
source "$(dirname "$0")/jvm-options.sh"
"$java" $PORTOCTL_JVM_OPTIONS -XX:AOTCacheOutput="$lib/portoctl.aot" -cp "$lib/lib/*" \
    porto.cli.Portoctl exec porto-aot-training command=true >/dev/null 2>&1 || true
[ -f "$lib/portoctl.aot" ] && echo "portoctl AOT cache: $lib/portoctl.aot"

# Sourced by the other scripts: installs missing build tools and finds a JDK of release 21 or later.
# shellcheck shell=bash

need_packages() {
    local missing=()
    command -v gcc >/dev/null || missing+=(gcc libc6-dev)
    command -v mvn >/dev/null || missing+=(maven)
    command -v ps >/dev/null || missing+=(procps)
    command -v ip >/dev/null || missing+=(iproute2)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    fi
}

# Installs the packages of a list like scripts/test-packages.txt (a package, then the commands the
# tests run from it, per line) that dpkg does not have: one apt-get update, only if one is missing.
# Then every listed command must be a program on PATH, not a shell builtin.
need_listed_packages() {
    local list=$1 missing=() absent=() pkg commands command status
    while read -r pkg commands; do
        case $pkg in ''|'#'*) continue ;; esac
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || missing+=("$pkg")
    done <"$list"
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    fi
    while read -r pkg commands; do
        case $pkg in ''|'#'*) continue ;; esac
        for command in $commands; do type -P "$command" >/dev/null || absent+=("$command ($pkg)"); done
    done <"$list"
    if [ ${#absent[@]} -gt 0 ]; then
        echo "after installing $list these programs are still missing: ${absent[*]}" >&2
        return 1
    fi
}

# Prints the home of the newest JDK (with javac) under /usr/lib/jvm whose release is 21 or later.
find_jdk() {
    local best="" best_major=0 dir major
    for dir in /usr/lib/jvm/*/; do
        dir=${dir%/}
        [ -x "$dir/bin/javac" ] && [ -f "$dir/release" ] || continue
        major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$dir/release")
        [ -n "$major" ] || continue
        if [ "$major" -gt "$best_major" ]; then
            best=$dir
            best_major=$major
        fi
    done
    if [ "$best_major" -lt 21 ]; then
        echo "no JDK of release 21 or later under /usr/lib/jvm (Debian 12 ships 17; install Temurin 21+ there)" >&2
        return 1
    fi
    echo "$best"
}

need_packages
JAVA_HOME=$(find_jdk)
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries still use sun.misc.Unsafe; keep newer JDKs quiet about it.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
echo "using JDK $JAVA_HOME"

#!/usr/bin/env bash
# Builds Porto, installs portod and portoctl on PATH, starts portod and runs a first container.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# What the daemon runs (loop volumes, NAT) and the shell's completion loader.
need_listed_packages scripts/runtime-packages.txt

mvn -B -q package -DskipTests
bash scripts/install.sh
# The Python client, where upstream's python3-portopy puts it (the Go module and the C++ library are
# used from clients/go and clients/cpp, as upstream ships them: see clients/README.md).
need_listed_packages clients/python/packages.txt
bash clients/python/install.sh
bash scripts/train-portod.sh

if portod status >/dev/null 2>&1; then
    portod upgrade
else
    portod start
fi
bash scripts/train-portoctl.sh
portoctl exec hello command='echo "Hello, world!"'

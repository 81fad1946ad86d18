#!/usr/bin/env bash
# Builds Porto, installs portod and portoctl on PATH, starts portod and runs a first container.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# Volumes at run time: loop images are made, checked and grown by e2fsprogs, attached by losetup.
if ! command -v mkfs.ext4 >/dev/null || ! command -v resize2fs >/dev/null || ! command -v losetup >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q e2fsprogs mount
fi

# Run-time packages of the daemon: nft(8) for the masquerade of net=NAT containers.
if ! command -v nft >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nftables
fi

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

#!/usr/bin/env bash
# Runs every test: unit, property (fake kernel) and end-to-end (a real portod on this kernel).
# End-to-end tests need root; they use their own socket, cgroups and /place directories.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# Everything a test runs comes from scripts/test-packages.txt (TestPackagesListTest keeps it complete).
need_listed_packages scripts/test-packages.txt
mvn -B verify

#!/usr/bin/env bash
# Builds libporto and runs its tests with ctest against the portod that PORTO_SOCKET names.
set -euo pipefail
cd "$(dirname "$0")"
bash build.sh
cd build && ctest --output-on-failure

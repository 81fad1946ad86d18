#!/usr/bin/env bash
# Configures and builds libporto, its tests and its scenario program in clients/cpp/build.
set -euo pipefail
cd "$(dirname "$0")"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j 2

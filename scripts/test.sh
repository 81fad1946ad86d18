#!/usr/bin/env bash
# Runs every test: unit, property (fake kernel) and end-to-end (a real portod on this kernel), then the
# Python client's tests against a real portod from the jars that mvn just built.
# End-to-end tests need root; they use their own socket, cgroups and /place directories.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# Everything a test runs comes from scripts/test-packages.txt (TestPackagesListTest keeps it complete).
need_listed_packages scripts/test-packages.txt
mvn -B verify
# pytest-3 is Debian's, so it sees Debian's python3-protobuf whatever python3 is first on PATH.
bash clients/python/build.sh
status=0
pytest-3 -p no:cacheprovider clients/python/tests || status=$?
case $status in
    0) ;;
    5) echo "the Python client tests: pytest found no tests" >&2; exit 1 ;;
    *) echo "the Python client tests failed (pytest exit $status)" >&2; exit 1 ;;
esac

#!/usr/bin/env bash
# Runs every test: unit, property (fake kernel) and end-to-end (a real portod on this kernel), then the
# Python, Go and C++ clients' tests and the four-client scenario, each against a private portod from
# the jars that mvn just built (clients/testing/private_portod.py).
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

# The Go and C++ clients and the scenario: each run gets a private portod whose socket is PORTO_SOCKET.
# Debian's go (golang-go), never another one on PATH; no VCS stamping, so a tree without git builds.
export GO=/usr/bin/go GOFLAGS="${GOFLAGS:-} -buildvcs=false"
private_portod=$PWD/clients/testing/private_portod.py
with_portod() { /usr/bin/python3 "$private_portod" -- "$@"; }
bash clients/go/build.sh
(cd clients/go && with_portod /usr/bin/go test -count=1 -v ./...) || { echo "the Go client tests failed" >&2; exit 1; }
bash clients/cpp/build.sh
(cd clients/cpp/build && with_portod ctest --output-on-failure) || { echo "the C++ client tests failed" >&2; exit 1; }
with_portod /usr/bin/python3 clients/scenario/run.py || { echo "the four-client scenario failed" >&2; exit 1; }

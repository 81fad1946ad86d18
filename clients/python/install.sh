#!/usr/bin/env bash
# Installs the package porto for Debian's python3, where upstream's python3-portopy package puts it
# (/usr/lib/python3/dist-packages/porto), with rpc_pb2.py generated from the repository's rpc.proto.
# It uses Debian's python3-protobuf. (pip install ./clients/python does the same into a virtualenv.)
set -euo pipefail
cd "$(dirname "$0")"
bash build.sh
target=/usr/lib/python3/dist-packages/porto
rm -rf "$target.new"
mkdir -p "$target.new"
install -m 0644 porto/*.py "$target.new/"
rm -rf "$target"
mv "$target.new" "$target"
/usr/bin/python3 -m compileall -q "$target"
(cd / && /usr/bin/python3 -c 'import porto; porto.Connection; porto.exceptions.ContainerDoesNotExist') 
echo "installed the Python client in $target"

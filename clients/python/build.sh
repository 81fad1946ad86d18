#!/usr/bin/env bash
# Generates porto/rpc_pb2.py from the repository's rpc.proto (the one the daemon is built from),
# so the package can be imported from this directory (the tests do). pip install does the same itself.
set -euo pipefail
cd "$(dirname "$0")"
proto_dir=../../proto/src/main/proto
protoc --proto_path="$proto_dir" --python_out=porto "$proto_dir/rpc.proto"

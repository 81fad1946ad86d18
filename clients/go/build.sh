#!/usr/bin/env bash
# Generates pkg/rpc/rpc.pb.go from the repository's rpc.proto (the one the daemon is built from) with
# protoc and the protoc-gen-go of the google.golang.org/protobuf version that go.mod pins. The generated
# file is never checked in. Uses Debian's go (golang-go) unless GO names another.
set -euo pipefail
cd "$(dirname "$0")"
GO=${GO:-/usr/bin/go}
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
proto_dir=$(cd ../../proto/src/main/proto && pwd)
mkdir -p .build pkg/rpc
"$GO" build -o .build/protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go
protoc --plugin=protoc-gen-go=.build/protoc-gen-go --proto_path="$proto_dir" \
    --go_out=pkg/rpc --go_opt=paths=source_relative \
    --go_opt=Mrpc.proto=github.com/yandex/porto/src/api/go/porto/pkg/rpc \
    "$proto_dir/rpc.proto"

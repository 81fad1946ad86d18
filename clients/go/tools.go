//go:build tools

// The protoc plugin that build.sh compiles comes from the same pinned module as the runtime, so the
// generated code and the library it calls always match.
package porto

import _ "google.golang.org/protobuf/cmd/protoc-gen-go"

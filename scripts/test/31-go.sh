#!/usr/bin/env bash
# Go consumer: the cgo module in bindings/go (found through the pqjose.pc that ffi/build.rs
# writes into the build directory, which honours CARGO_TARGET_DIR), its tests (incl. a
# many-goroutine test and the race detector), a brief run of the verify benchmark, and the
# interop command.
source "$(dirname "$0")/../ffi-env.sh"
need_cmd go golang-go

# Go's build cache keys cgo packages on CGO_* flags but not on pkg-config's output: tie the
# cached package to this pqjose.pc and header, or a changed library directory goes unnoticed.
CGO_CPPFLAGS="-DPQJOSE_BUILD_ID=$(cat "$FFI_LIBDIR/pqjose.pc" include/pqjose.h | sha256sum | cut -c1-16)"
export CGO_CPPFLAGS CGO_ENABLED=1
cd bindings/go
step "gofmt" test -z "$(gofmt -l .)"
step "go vet" go vet ./...
step "go test -race" go test -count=1 -race -v ./...
# The benchmark runs briefly as a smoke test; run it longer with -benchtime=2s for numbers.
step "go test -bench (smoke)" go test -count=1 -run '^$' -bench BenchmarkVerify -benchtime=100x ./...
step "go build interop" go build -o "$FFI_OUT/interop-go" ./cmd/interop

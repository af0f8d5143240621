#!/usr/bin/env bash
# Go consumer: the cgo package in bindings/go (found through pqjose.pc), its tests (incl. a
# many-goroutine test and the race detector), a brief run of the verify benchmark, and the
# interop command.
source "$(dirname "$0")/../ffi-env.sh"
need_cmd go golang-go

cd bindings/go
export CGO_ENABLED=1
step "gofmt" test -z "$(gofmt -l .)"
step "go vet" go vet ./...
step "go test -race" go test -count=1 -race -v ./...
# The benchmark runs briefly as a smoke test; run it longer with -benchtime=2s for numbers.
step "go test -bench (smoke)" go test -count=1 -run '^$' -bench BenchmarkVerify -benchtime=100x ./...
step "go build interop" go build -o "$FFI_OUT/interop-go" ./cmd/interop

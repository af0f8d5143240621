#!/usr/bin/env bash
# Go consumer: the cgo package in examples/go (found through pqjose.pc), its tests (incl. a
# many-goroutine test and the race detector), a brief run of the verify benchmark, and the
# interop command.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ffi-env.sh
command -v go >/dev/null || ffi_need_apt golang-go

cd examples/go
export CGO_ENABLED=1
go vet ./...
test -z "$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files need formatting"; exit 1; }
go test -count=1 -race -v ./...
# The benchmark runs briefly as a smoke test; run it longer with -benchtime=2s for numbers.
go test -count=1 -run '^$' -bench BenchmarkVerify -benchtime=100x ./...
go build -o "$FFI_OUT/interop-go" ./cmd/interop
echo "go: ok"

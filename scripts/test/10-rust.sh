#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors), every workspace test, docs without warnings,
# and the benchmark workspace built and linted.
source "$(dirname "$0")/../lib/common.sh"
need_cmd cargo
need_shared

step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test" cargo test --workspace --locked --no-fail-fast
step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
# The benchmarks are their own workspace (peer crates stay out of the test build); check that
# they still build and lint clean, without running them.
step "benches: cargo fmt --check" cargo fmt --manifest-path benches/Cargo.toml --check
step "benches: cargo clippy" cargo clippy --manifest-path benches/Cargo.toml --all-targets --locked -- -D warnings

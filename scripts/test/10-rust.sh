#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors), every workspace test, and docs without warnings.
source "$(dirname "$0")/../lib/common.sh"
need_cmd cargo
need_shared

step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test" cargo test --workspace --locked --no-fail-fast
step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

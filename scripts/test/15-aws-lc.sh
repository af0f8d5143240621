#!/usr/bin/env bash
# The `aws-lc` feature (aws-lc-rs backends, RSA-OAEP decryption): linted and its differential
# and JWE tests run once, so that code cannot rot while the default build stays pure Rust.
source "$(dirname "$0")/../lib/common.sh"
need_cmd cargo
need_shared

step "aws-lc: cargo clippy" cargo clippy -p pqjose --all-targets --features aws-lc --locked -- -D warnings
step "aws-lc: lib, differential and JWE tests" cargo test -p pqjose --features aws-lc --locked \
  --lib --test differential_aws_lc --test jwe_rfc_vectors --test jwe_hpke_vectors

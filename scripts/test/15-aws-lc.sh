#!/usr/bin/env bash
# The `aws-lc` feature (aws-lc-rs backends, RSA-OAEP decryption): linted and its differential
# and JWE tests run once, so that code cannot rot while the default build stays pure Rust.
source "$(dirname "$0")/../lib/common.sh"
need_cmd cargo
need_shared

# `--workspace --features pqjose/aws-lc` rather than `-p pqjose --features aws-lc`: the
# workspace's feature resolution, so only aws-lc and what depends on pqjose are built again
# (`-p` would resolve features anew and rebuild most dependencies).
step "aws-lc: cargo clippy" cargo clippy --workspace --all-targets --features pqjose/aws-lc \
  --locked -- -D warnings
step "aws-lc: lib, differential and JWE tests" cargo test --workspace --features pqjose/aws-lc \
  --locked --lib --test differential_aws_lc --test jwe_rfc_vectors --test jwe_hpke_vectors

#!/usr/bin/env bash
# Replay and revocation shared through Redis: pqjose-redis against a real redis-server (installed
# from the distribution's packages when missing), which the tests start on free loopback ports
# without persistence and stop afterwards.
source "$(dirname "$0")/../lib/common.sh"
need_cmd cargo
need_cmd redis-server redis-server
# `--workspace --test NAME`, not `-p`: the same feature resolution as 10-rust, so no rebuild.
step "pqjose-redis against redis-server" env PQJOSE_REQUIRE_REDIS=1 \
  cargo test --workspace --locked --test redis_fleet
step "pqjose verify --replay / pqjose revoke against redis-server" env PQJOSE_REQUIRE_REDIS=1 \
  cargo test --workspace --locked --test fleet

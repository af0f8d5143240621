#!/usr/bin/env bash
# Smoke-run every cargo-fuzz target for a few seconds from its committed seeds
# (fuzz/seeds/<target>/). Fails if any target crashes, hangs or leaks past the limits.
#
#   FUZZ_SECONDS=5   seconds per target (default 5)
#   FUZZ_TARGETS="a b"  only these targets (default: every target in fuzz/Cargo.toml)
#
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 enables them on the stable toolchain.
source "$(dirname "$0")/../lib/common.sh"
need_cmd cargo

export RUSTC_BOOTSTRAP=1
seconds="${FUZZ_SECONDS:-5}"
fuzz_version="0.13.2"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz $fuzz_version"
    cargo install cargo-fuzz --version "$fuzz_version" --locked
fi

# The fuzz crate is its own workspace, so the root `cargo fmt --all` does not see it.
(cd fuzz && cargo fmt --check) || { echo "fuzz-smoke: run 'cargo fmt' in fuzz/" >&2; exit 1; }

targets="${FUZZ_TARGETS:-$(cargo fuzz list --fuzz-dir fuzz)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fuzz-smoke: building $(echo "$targets" | wc -w) targets (address sanitizer, release)"
if ! cargo fuzz build --fuzz-dir fuzz >"$work/build.log" 2>&1 </dev/null; then
    echo "fuzz-smoke: build FAILED" >&2
    tail -60 "$work/build.log" >&2
    exit 1
fi
failed=()
for t in $targets; do
    seeds="fuzz/seeds/$t"
    if [ ! -d "$seeds" ]; then
        echo "fuzz-smoke: $t has no seed corpus at $seeds" >&2
        failed+=("$t")
        continue
    fi
    mkdir -p "$work/$t" "fuzz/artifacts/$t"
    log="$work/$t.log"
    # New inputs go to the scratch corpus (first directory); the seeds are only read.
    if cargo fuzz run --fuzz-dir fuzz "$t" "$work/$t" "$seeds" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
        -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 >"$log" 2>&1 </dev/null; then
        runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')"
        echo "fuzz-smoke: $t ok (${seconds}s, $runs executions)"
    else
        echo "fuzz-smoke: $t FAILED; last lines of its log:" >&2
        tail -40 "$log" >&2
        failed+=("$t")
    fi
done

if [ "${#failed[@]}" -ne 0 ]; then
    echo "fuzz-smoke: failed targets: ${failed[*]} (reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz TARGET fuzz/artifacts/TARGET/crash-...)" >&2
    exit 1
fi
echo "fuzz-smoke: every target ran ${seconds}s without a finding"

#!/usr/bin/env bash
# Smoke-run every cargo-fuzz target for a few seconds from its committed seeds
# (fuzz/seeds/<target>/). Fails if any target crashes, hangs or leaks past the limits.
#
#   FUZZ_SECONDS=5   seconds per target (default 5)
#   FUZZ_TARGETS="a b"  only these targets (default: every target in fuzz/Cargo.toml)
#   FUZZ_JOBS=N      targets run at once (default: the number of cores)
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

# A smoke run, not a campaign: the instrumented build at opt-level 1 takes about a quarter less
# time than at fuzz/Cargo.toml's 3 (kept for real campaigns, `cargo fuzz run` by hand), and a
# few seconds per target find what they find either way. Set it yourself to override.
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${CARGO_PROFILE_RELEASE_OPT_LEVEL:-1}"

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
# One target: its libFuzzer run, then "ok" or "FAILED" into $work/$t.status (never a non-zero
# exit, so that a failing target does not end the script before the others are reported).
run_target() {
    local t=$1
    local seeds="fuzz/seeds/$t" log="$work/$t.log"
    if [ ! -d "$seeds" ]; then
        echo "fuzz-smoke: $t has no seed corpus at $seeds" >"$log"
        echo FAILED >"$work/$t.status"
        return 0
    fi
    mkdir -p "$work/$t" "fuzz/artifacts/$t"
    # New inputs go to the scratch corpus (first directory); the seeds are only read.
    if cargo fuzz run --fuzz-dir fuzz "$t" "$work/$t" "$seeds" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
        -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 >"$log" 2>&1 </dev/null; then
        echo ok >"$work/$t.status"
    else
        echo FAILED >"$work/$t.status"
    fi
    return 0
}

# The targets run side by side, one per core (FUZZ_JOBS to change it): each libFuzzer run is a
# single process, and each gets its full time.
jobs_max="${FUZZ_JOBS:-$(nproc)}"
for t in $targets; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
    run_target "$t" &
done
wait

failed=()
for t in $targets; do
    log="$work/$t.log"
    if [ "$(cat "$work/$t.status" 2>/dev/null)" = ok ]; then
        runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')"
        echo "fuzz-smoke: $t ok (${seconds}s, $runs executions)"
    else
        echo "fuzz-smoke: $t FAILED; last lines of its log:" >&2
        tail -40 "$log" >&2 || true
        failed+=("$t")
    fi
done

if [ "${#failed[@]}" -ne 0 ]; then
    echo "fuzz-smoke: failed targets: ${failed[*]} (reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz TARGET fuzz/artifacts/TARGET/crash-...)" >&2
    exit 1
fi
echo "fuzz-smoke: every target ran ${seconds}s without a finding"

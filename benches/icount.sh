#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind) of token verify against raw verify and of the
# C ABI against the Rust API: the ratio targets in a form that does not depend on machine load.
#
#   benches/icount.sh [--aws-lc] [ALG...]      (default: ML-DSA-65 Ed25519)
#
# Each algorithm runs in one process (`icount ALG 50`: one key, one token, every operation 51
# times in its own function); the table gives instructions per operation and the ratios.
set -euo pipefail
cd "$(dirname "$0")"
features=()
if [[ "${1:-}" == "--aws-lc" ]]; then
  features=(--no-default-features --features aws-lc)
  shift
fi
algs=("$@")
[[ ${#algs[@]} -gt 0 ]] || algs=(ML-DSA-65 Ed25519)
command -v valgrind >/dev/null || { echo "icount.sh: needs valgrind" >&2; exit 2; }
cargo build -q --release "${features[@]}" --bin icount
bin=../target/release/icount
out=$(mktemp)
trap 'rm -f "$out"' EXIT
n=50
printf '| alg | backend | raw verify | token verify | token / raw | Rust key-set verify | C ABI verify | C ABI / Rust | JOSE overhead |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|\n'
for alg in "${algs[@]}"; do
  info=$(valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$alg" "$n" 2>/dev/null)
  backend=${info%% *}
  declare -A cost=()
  while read -r count name; do
    cost[$name]=${count//,/}
  done < <(callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null |
    sed -n 's/^ *\([0-9,]*\) ([^)]*)  ???:icount::\(op_[a-z_]*\) .*/\1 \2/p')
  python3 - "$alg" "$backend" "$((n + 1))" "${cost[op_raw]}" "${cost[op_token]}" \
    "${cost[op_keyset]}" "${cost[op_c_abi]}" "${cost[op_overhead]}" <<'PY'
import sys
alg, backend, n, *c = sys.argv[1:]
raw, token, keyset, c_abi, overhead = (int(x) / int(n) for x in c)
k = lambda x: f"{x / 1000:,.1f} k"
print(f"| {alg} | {backend} | {k(raw)} | {k(token)} | {token / raw:.3f}× | {k(keyset)} | "
      f"{k(c_abi)} | {c_abi / keyset:.3f}× | {k(overhead)} |")
PY
  unset cost
done

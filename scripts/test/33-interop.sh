#!/usr/bin/env bash
# Cross-language check: C, Go and Python each generate keys (ML-DSA, composite, classical),
# sign tokens and publish a public JWK Set into one directory; then each verifies the tokens
# of the other two with their JWK Set (and refuses tampered copies).
source "$(dirname "$0")/../ffi-env.sh"
need_cmd go golang-go

# The consumers built by the earlier steps; build them here too so this step runs alone.
read -r -a PQJ <<<"$(pkg-config --cflags --libs pqjose)"
cc -std=c99 -Wall -Wextra -Werror -O1 examples/c/interop.c "${PQJ[@]}" -o "$FFI_OUT/interop-c"
CGO_CPPFLAGS="-DPQJOSE_BUILD_ID=$(cat "$FFI_LIBDIR/pqjose.pc" include/pqjose.h | sha256sum | cut -c1-16)"
(cd bindings/go && CGO_CPPFLAGS="$CGO_CPPFLAGS" CGO_ENABLED=1 go build -o "$FFI_OUT/interop-go" ./cmd/interop)
need_cmd python3

DIR="$FFI_OUT/interop"
rm -rf "$DIR"
mkdir -p "$DIR"
run() { # run LANG ARGS...
  case "$1" in
    c) "$FFI_OUT/interop-c" "${@:2}" ;;
    go) "$FFI_OUT/interop-go" "${@:2}" ;;
    python) PYTHONPATH="$PQJOSE_ROOT/bindings/python" python3 bindings/python/interop.py "${@:2}" ;;
  esac
}

langs=(c go python)
for l in "${langs[@]}"; do run "$l" sign "$DIR" "$l"; done
passed=0 failed=0
for signer in "${langs[@]}"; do
  for verifier in "${langs[@]}"; do
    [ "$signer" = "$verifier" ] && continue
    if run "$verifier" verify "$DIR" "$signer"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "FAILED: $verifier verifying tokens signed by $signer"
    fi
  done
done
echo "interop: $passed passed, $failed failed"
[ "$failed" = 0 ]

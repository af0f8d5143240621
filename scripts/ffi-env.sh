# Sourced by the C ABI steps (scripts/test/3*-*.sh; not a step itself): the shared helpers,
# a release build of libpqjose_ffi, and the variables the C, Go and Python consumers use to
# find it (pqjose.pc at the repository root, PQJOSE_LIB for Python).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

need_cmd cargo
need_cmd cc gcc
need_cmd pkg-config
export PKG_CONFIG_PATH="$PQJOSE_ROOT${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PQJOSE_LIB="$PQJOSE_ROOT/target/release/libpqjose_ffi.so"
FFI_OUT="$PQJOSE_ROOT/target/ffi-tests"
export FFI_OUT
mkdir -p "$FFI_OUT"
step "cargo build -p pqjose-ffi --release" cargo build -p pqjose-ffi --release --locked --quiet

# Sourced by the C ABI steps (scripts/test/3*-*.sh; not a step itself): the shared helpers,
# a release build of libpqjose_ffi, and the variables the C, Go and Python consumers use to
# find it. The build directory honours CARGO_TARGET_DIR; ffi/build.rs writes pqjose.pc there
# (found through PKG_CONFIG_PATH) and PQJOSE_LIB names the library for the Python tests.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

need_cmd cargo
need_cmd cc gcc
need_cmd pkg-config
FFI_TARGET="${CARGO_TARGET_DIR:-$PQJOSE_ROOT/target}"
case "$FFI_TARGET" in /*) ;; *) FFI_TARGET="$PQJOSE_ROOT/$FFI_TARGET" ;; esac
FFI_LIBDIR="$FFI_TARGET/release"
export FFI_TARGET FFI_LIBDIR
export PKG_CONFIG_PATH="$FFI_LIBDIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PQJOSE_LIB="$FFI_LIBDIR/libpqjose_ffi.so"
FFI_OUT="$FFI_TARGET/ffi-tests"
export FFI_OUT
mkdir -p "$FFI_OUT"
step "cargo build -p pqjose-ffi --release" cargo build -p pqjose-ffi --release --locked --quiet

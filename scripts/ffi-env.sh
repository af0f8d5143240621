# Sourced by the C ABI steps (scripts/test/3*-*.sh; not a step itself): the shared helpers,
# a build of libpqjose_ffi, and the variables the C, Go and Python consumers use to find it.
# The build directory honours CARGO_TARGET_DIR; ffi/build.rs writes pqjose.pc there (found
# through PKG_CONFIG_PATH) and PQJOSE_LIB names the library for the Python tests.
#
# The library is built with cargo's `dev` profile (PQJOSE_FFI_PROFILE=release to test a
# release build): Cargo.toml compiles pqjose and every dependency at opt-level 2 in it, so the
# consumer tests run at nearly release speed, with overflow checks and debug assertions on, for
# a fraction of a release build's time, and the Python step's wheel (built from the sdist with
# the same profile) reuses the dependencies compiled here.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

need_cmd cargo
need_cmd cc gcc
need_cmd pkg-config
FFI_TARGET="${CARGO_TARGET_DIR:-$PQJOSE_ROOT/target}"
case "$FFI_TARGET" in /*) ;; *) FFI_TARGET="$PQJOSE_ROOT/$FFI_TARGET" ;; esac
FFI_PROFILE="${PQJOSE_FFI_PROFILE:-dev}"
case "$FFI_PROFILE" in dev | test) FFI_LIBDIR="$FFI_TARGET/debug" ;; *) FFI_LIBDIR="$FFI_TARGET/$FFI_PROFILE" ;; esac
export FFI_TARGET FFI_PROFILE FFI_LIBDIR
export PKG_CONFIG_PATH="$FFI_LIBDIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PQJOSE_LIB="$FFI_LIBDIR/libpqjose_ffi.so"
FFI_OUT="$FFI_TARGET/ffi-tests"
export FFI_OUT
mkdir -p "$FFI_OUT"
step "cargo build -p pqjose-ffi --profile $FFI_PROFILE" cargo build -p pqjose-ffi \
  --profile "$FFI_PROFILE" --locked --quiet

# Sourced by scripts/test/3*-*.sh: builds the C ABI library (release) and exports what the
# C, Go and Python consumers need to find it. Run from the repository root.
set -euo pipefail

FFI_ROOT="$(pwd)"
export FFI_ROOT
export PKG_CONFIG_PATH="$FFI_ROOT${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PQJOSE_LIB="$FFI_ROOT/target/release/libpqjose_ffi.so"
FFI_OUT="$FFI_ROOT/target/ffi-tests"
export FFI_OUT
mkdir -p "$FFI_OUT"

# Debian packages, installed only when missing (CI has no stdin; apt-get runs as root here).
ffi_need_apt() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    echo "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ffi_need_apt gcc libc6-dev pkg-config
command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)"; exit 1; }
cargo build -q -p pqjose-ffi --release

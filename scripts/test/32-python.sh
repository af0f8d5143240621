#!/usr/bin/env bash
# Python package bindings/python, the way users install it: build its sdist (python -m build),
# install that sdist into a fresh virtualenv under target/ (pip builds the wheel from it: cargo
# compiles the C library from the sdist's own copy of the Rust sources and bundles it), then run
# the sdist's pytest tests against the installed package, with PQJOSE_LIB unset and away from
# the source tree, so a file missing from the sdist or the wheel fails here.
#
# Build time: CARGO_TARGET_DIR points the sdist's build at this repository's target directory
# and PQJOSE_CARGO_PROFILE at the profile of the library the other consumer steps use
# (scripts/ffi-env.sh), so the registry crates already compiled for it are reused; pqjose and
# pqjose-ffi themselves are compiled again, from the sdist (their paths differ). Set
# PQJOSE_PY_FRESH_TARGET=1 to build the sdist in an empty target directory, as a user would,
# and PQJOSE_FFI_PROFILE=release for the profile a user's `pip install` uses.
source "$(dirname "$0")/../ffi-env.sh"

tools=$(python_venv python-build "$PQJOSE_ROOT/bindings/python/requirements-build.txt")
dist="$FFI_OUT/python-dist"
rm -rf "$dist"
mkdir -p "$dist"
step "python -m build --sdist" "$tools/bin/python" -m build --sdist --outdir "$dist" bindings/python
sdist=$(ls "$dist"/pqjose-*.tar.gz)
step "sdist carries the Rust sources" sh -c \
  "tar -tzf '$sdist' | grep -q '/rust/ffi/src/lib.rs$' && tar -tzf '$sdist' | grep -q '/rust/Cargo.lock$'"
tar -xzf "$sdist" -C "$dist"
unpacked=$(ls -d "$dist"/pqjose-*/)

venv="$FFI_TARGET/venv-python-sdist"
rm -rf "$venv"
python3 -m venv "$venv"
target="$FFI_TARGET"
if [ "${PQJOSE_PY_FRESH_TARGET:-}" = 1 ]; then target="$dist/cargo-target"; fi
step "pip install pqjose sdist (builds the wheel)" env -u PQJOSE_LIB CARGO_TARGET_DIR="$target" \
  PQJOSE_CARGO_PROFILE="$FFI_PROFILE" \
  "$venv/bin/python" -m pip install --quiet --no-cache-dir \
  -r "$unpacked/requirements-test.txt" "$sdist"
step "wheel bundles the library" sh -c "ls '$venv'/lib/python3*/site-packages/pqjose/libpqjose_ffi.* >/dev/null"
# pytest from the unpacked sdist, run by the venv's pytest script from another directory: the
# package imported is the installed one (the sdist's pqjose/ has no library).
step "pytest (installed package)" env -u PQJOSE_LIB -C "$dist" "$venv/bin/pytest" -q \
  -p no:cacheprovider "$unpacked/tests"
step "mypy --strict (the package's type hints)" "$tools/bin/mypy" --strict --no-incremental \
  "$unpacked/pqjose"

#!/usr/bin/env bash
# C consumer: the example and the tests, compiled against include/pqjose.h with
# -std=c99 -Wall -Wextra -Werror, run under AddressSanitizer+UBSan (memory errors) and valgrind
# (leaks: any definitely or indirectly lost block fails).
source "$(dirname "$0")/../ffi-env.sh"
need_cmd valgrind

CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -g -pthread)
read -r -a PQJ <<<"$(pkg-config --cflags --libs pqjose)"
OUT="$FFI_OUT/c"
mkdir -p "$OUT"

# The library exports exactly the functions the header declares, all with the pqj_ prefix.
exported=$(nm -D --defined-only "$FFI_LIBDIR"/libpqjose_ffi.so | awk '{print $3}' | sort)
declared=$(grep -oE '\bpqj_[a-z0-9_]+\(' include/pqjose.h | tr -d '(' | sort -u)
step "exports match the header" test "$exported" = "$declared"
# The header compiles on its own, as C99 and as C++.
cc "${CFLAGS[@]}" -fsyntax-only -x c include/pqjose.h
if command -v c++ >/dev/null; then c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -x c++ include/pqjose.h; fi

for prog in example test_ffi test_threads test_fleet test_profiles test_jwe interop test_audit; do
  cc "${CFLAGS[@]}" -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
    "examples/c/$prog.c" "${PQJ[@]}" -o "$OUT/$prog-asan"
  cc "${CFLAGS[@]}" -O1 "examples/c/$prog.c" "${PQJ[@]}" -o "$OUT/$prog"
done

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect)

step "example (asan)" "$OUT/example-asan"
step "test_ffi (asan+ubsan)" "$OUT/test_ffi-asan"
step "test_threads (asan+ubsan)" "$OUT/test_threads-asan"
step "test_fleet (asan+ubsan)" "$OUT/test_fleet-asan"
step "test_profiles (asan+ubsan)" "$OUT/test_profiles-asan"
step "test_jwe (asan+ubsan)" "$OUT/test_jwe-asan"
step "test_ffi (valgrind)" "${VG[@]}" "$OUT/test_ffi"
# Valgrind serializes threads: fair scheduling, and 6 rotations instead of 40 (the ASan run
# above keeps the full count).
step "test_threads (valgrind)" env PQJ_TEST_ROTATIONS=6 "${VG[@]}" --fair-sched=yes "$OUT/test_threads"
step "test_fleet (valgrind)" "${VG[@]}" "$OUT/test_fleet"
step "test_profiles (valgrind)" "${VG[@]}" "$OUT/test_profiles"
step "test_jwe (valgrind)" "${VG[@]}" "$OUT/test_jwe"
step "test_audit (asan+ubsan)" "$OUT/test_audit-asan"
step "test_audit (valgrind)" "${VG[@]}" "$OUT/test_audit"
step "example (valgrind)" "${VG[@]}" "$OUT/example"

# Static linking works too (the library's native dependencies come from pkg-config --static).
read -r -a PQJ_STATIC <<<"$(pkg-config --static --cflags pqjose) ${FFI_LIBDIR}/libpqjose_ffi.a $(pkg-config --static --libs-only-l pqjose | sed 's/-lpqjose_ffi//')"
cc "${CFLAGS[@]}" examples/c/example.c "${PQJ_STATIC[@]}" -o "$OUT/example-static"
step "example (static link)" "$OUT/example-static"

# The installed library: scripts/install.sh into a fresh prefix, then a consumer that sees only
# that prefix (its own directory, the prefix's pkg-config file; the source tree's pqjose.pc is
# not on the path) links the shared library by its soname and, separately, the static one.
PREFIX="$FFI_OUT/prefix"
rm -rf "$PREFIX"
step "scripts/install.sh --prefix" scripts/install.sh --prefix "$PREFIX" --no-build \
  --profile "$FFI_PROFILE"
installed() { PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" PKG_CONFIG_LIBDIR="$PREFIX/lib/pkgconfig" pkg-config "$@"; }
step "installed pqjose.pc names the prefix" test "$(installed --variable=prefix pqjose)" = "$PREFIX"
step "installed version" test "$(installed --modversion pqjose)" = \
  "$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
consumer="$FFI_OUT/consumer"
rm -rf "$consumer"
mkdir -p "$consumer"
cp examples/c/example.c "$consumer/"
read -r -a INST <<<"$(installed --cflags --libs pqjose)"
(cd "$consumer" && cc "${CFLAGS[@]}" example.c "${INST[@]}" -o example)
step "consumer records the soname" sh -c "readelf -d '$consumer/example' | grep -q 'NEEDED.*\[libpqjose.so.0\]'"
step "consumer loads the installed copy" sh -c \
  "ldd '$consumer/example' | grep -q '$PREFIX/lib/libpqjose.so.0'"
step "consumer (installed, valgrind)" "${VG[@]}" "$consumer/example"
read -r -a INST_STATIC <<<"$(installed --cflags pqjose) $PREFIX/lib/libpqjose.a $(installed --static --libs-only-l pqjose | sed 's/-lpqjose\b//')"
(cd "$consumer" && cc "${CFLAGS[@]}" example.c "${INST_STATIC[@]}" -o example-static)
step "consumer static link has no libpqjose dependency" sh -c \
  "! readelf -d '$consumer/example-static' | grep -q libpqjose"
step "consumer (installed, static)" "$consumer/example-static"

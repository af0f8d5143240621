#!/usr/bin/env bash
# Regenerate include/pqjose.h from ffi/src with the pinned cbindgen (a dev-dependency of
# pqjose-ffi), then check it compiles as C99. Run from anywhere in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
PQJOSE_BLESS=1 cargo test -q -p pqjose-ffi --test header -- header_is_up_to_date
cc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c include/pqjose.h
echo "include/pqjose.h regenerated"

#!/usr/bin/env bash
# Interoperability with independent implementations from PyPI (jwcrypto over pyca/cryptography,
# and slh-dsa):
# tokens from the pqjose CLI verify there, and theirs verify in pqjose; keys travel as JWK.
source "$(dirname "$0")/../lib/common.sh"
need_cmd cargo

venv=$(python_venv interop "$PQJOSE_ROOT/tests/interop/requirements.txt")
# The CLI as the workspace test build makes it (no rebuild after 10-rust; see common.sh).
step "build the pqjose CLI" cargo test --workspace --locked --quiet --no-run --test cli
export PQJOSE_BIN="$PQJOSE_ROOT/target/debug/pqjose"
"$venv/bin/python" -c 'import cryptography, jwcrypto.jws as j; print("--- python side: cryptography", cryptography.__version__)'
step "pytest tests/interop" "$venv/bin/python" -m pytest -q -rs -p no:cacheprovider --basetemp="$PQJOSE_ROOT/target/pytest-interop" tests/interop

#!/usr/bin/env bash
# Python consumer: the ctypes package in examples/python and its pytest tests (incl. threads),
# in a virtualenv under target/ with pytest from PyPI.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ffi-env.sh

PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null || ffi_need_apt python3 python3-venv
VENV="$FFI_ROOT/target/py-venv"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV" || { ffi_need_apt python3-venv; rm -rf "$VENV"; "$PY" -m venv "$VENV"; }
fi
"$VENV/bin/python" -c 'import pytest' 2>/dev/null ||
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check 'pytest>=7,<9'

cd examples/python
PYTHONPATH="$PWD" "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests

#!/usr/bin/env bash
# Python consumer: the ctypes package in bindings/python and its pytest tests (incl. threads),
# with pytest (pinned) in a virtualenv under target/.
source "$(dirname "$0")/../ffi-env.sh"

venv=$(python_venv ffi-python "$PQJOSE_ROOT/bindings/python/requirements-test.txt")
cd bindings/python
step "pytest bindings/python" env PYTHONPATH="$PWD" "$venv/bin/python" -m pytest -q \
  -p no:cacheprovider tests

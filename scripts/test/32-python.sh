#!/usr/bin/env bash
# Python consumer: the ctypes package in examples/python and its pytest tests (incl. threads),
# with pytest (pinned) in a virtualenv under target/.
source "$(dirname "$0")/../ffi-env.sh"

venv=$(python_venv ffi-python "$PQJOSE_ROOT/examples/python/requirements-test.txt")
cd examples/python
step "pytest examples/python" env PYTHONPATH="$PWD" "$venv/bin/python" -m pytest -q \
  -p no:cacheprovider tests

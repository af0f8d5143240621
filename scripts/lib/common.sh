# Shared helpers for the step scripts in scripts/test/ (source this file; it is not a step).
#
#   step NAME CMD...          run one command under a heading, with its time; fail the step on error
#   need_cmd CMD [APT_PKG]    make sure CMD exists, installing the Debian package if it is missing
#   apt_install PKG...        apt-get install (after one apt-get update), for what is missing
#   python_venv NAME REQS     create/refresh target/venv-NAME from a pinned requirements file and
#                             print its path (packages never go system-wide)
set -euo pipefail

PQJOSE_ROOT="${PQJOSE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export PQJOSE_ROOT
cd "$PQJOSE_ROOT"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# A clean CI build gains nothing from incremental compilation.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
# No debug info in dev/test builds run by the steps: smaller, faster to link, and a build
# dependency compiled for the host is then the very unit the tests link, so the later steps'
# `cargo test --workspace --test NAME` reuse everything 10-rust built (see 20-interop, 35-redis,
# 15-aws-lc: they select targets within the workspace's feature resolution, never `-p`, which
# would resolve features anew and rebuild most dependencies). Override by setting it yourself.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"

step() {
  local name=$1
  shift
  echo "--- $name"
  local t0=$SECONDS
  if "$@"; then
    echo "--- $name: ok ($((SECONDS - t0))s)"
  else
    local rc=$?
    echo "--- $name: FAILED (exit $rc)" >&2
    return "$rc"
  fi
}

_apt_updated=""
apt_install() {
  echo "--- apt-get install $*" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "$_apt_updated" ]; then
    $sudo apt-get update -qq >&2
    _apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

need_cmd() {
  local cmd=$1 pkg=${2:-$1}
  command -v "$cmd" >/dev/null 2>&1 && return 0
  apt_install "$pkg"
  command -v "$cmd" >/dev/null 2>&1 || { echo "error: $cmd still missing after installing $pkg" >&2; return 1; }
}

python_venv() {
  local name=$1 reqs=$2
  local dir="$PQJOSE_ROOT/target/venv-$name"
  local stamp="$dir/.requirements.sha256"
  local want
  want=$(sha256sum "$reqs" | cut -d' ' -f1)
  if [ -x "$dir/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "$dir"
    return 0
  fi
  need_cmd python3 python3 >&2
  rm -rf "$dir"
  mkdir -p "$PQJOSE_ROOT/target"
  if ! python3 -m venv "$dir" >&2; then
    rm -rf "$dir"
    apt_install python3-venv
    python3 -m venv "$dir" >&2
  fi
  echo "--- pip install -r ${reqs#"$PQJOSE_ROOT"/} into target/venv-$name" >&2
  "$dir/bin/python" -m pip install --quiet -r "$reqs" >&2
  echo "$want" >"$stamp"
  echo "$dir"
}

# The vectors and notes live in ../shared beside the repository.
need_shared() {
  if [ ! -d "$PQJOSE_ROOT/../shared/vectors" ]; then
    echo "error: ../shared/vectors not found beside the repository (clone it next to pqjose)" >&2
    return 1
  fi
}

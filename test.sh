#!/usr/bin/env bash
# The one test command: ./test.sh [FILTER...]
#
# Runs every step script scripts/test/*.sh in sorted order (a step is added by dropping a new
# NN-name.sh there), stops at the first failing step, and ends with a summary whose last line
# is "N passed, M failed" (counting steps). With FILTER words, runs only the steps whose file
# name contains one of them. Steps install what they need (Python packages into a venv under
# target/, Debian packages only when missing); see scripts/lib/common.sh.
set -uo pipefail
cd "$(dirname "$0")"
export PQJOSE_ROOT="$PWD"

shopt -s nullglob
mapfile -t all < <(printf '%s\n' scripts/test/*.sh | LC_ALL=C sort)
steps=()
for s in "${all[@]}"; do
  if [ $# -eq 0 ]; then steps+=("$s"); continue; fi
  for f in "$@"; do
    case "$(basename "$s")" in *"$f"*) steps+=("$s"); break ;; esac
  done
done
if [ ${#steps[@]} -eq 0 ]; then
  echo "test.sh: no step scripts matched in scripts/test/" >&2
  exit 2
fi

# CPU seconds (user + system) used so far by the steps this script ran: the wall time of a step
# depends on what else the machine is doing, its CPU time much less, so both are reported.
# (`times` must run in this shell, not in a subshell, hence the file and the variable.)
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
children_cpu() {
  times >"$times_file"
  # Second line, the children's "XmY.YYYs XmZ.ZZZs" -> whole seconds, into $cpu.
  cpu=$(sed -n 2p "$times_file" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] } printf "%d", t }')
}

passed=0
failed=0
summary=()
started=$SECONDS
for s in "${steps[@]}"; do
  name=$(basename "$s" .sh)
  echo
  echo "==> [$((passed + failed + 1))/${#steps[@]}] $name"
  t0=$SECONDS
  children_cpu
  c0=$cpu
  if bash "$s" </dev/null; then
    children_cpu
    passed=$((passed + 1))
    summary+=("  ok     $name ($((SECONDS - t0))s, cpu $((cpu - c0))s)")
  else
    rc=$?
    children_cpu
    failed=$((failed + 1))
    summary+=("  FAILED $name (exit $rc, $((SECONDS - t0))s, cpu $((cpu - c0))s)")
    break
  fi
done

echo
children_cpu
echo "==> summary ($((SECONDS - started))s, cpu ${cpu}s)"
printf '%s\n' "${summary[@]}"
skipped=$(( ${#steps[@]} - passed - failed ))
if [ "$skipped" -gt 0 ]; then
  echo "  ($skipped later step(s) not run after the failure)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

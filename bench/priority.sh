#!/usr/bin/env bash
# Runs a benchmark at the highest scheduling priority, for a shared machine where other work
# (builds, tests, a fuzzer) would otherwise take CPU from it and blur the figures:
#   bench/priority.sh bench/throughput.sh
# With autogroup scheduling (Linux's default), `nice` alone only orders processes within one
# session, so the benchmark gets a session of its own with the group's weight raised too.
# (Ctrl-C does not reach it there: stop it with kill.)
# Raising priority needs root; without it the benchmark runs as it is, with a warning.
set -euo pipefail
exec setsid --wait bash -c '
  if ! { echo -20 >/proc/self/autogroup && renice -n -20 -p $$ >/dev/null; } 2>/dev/null; then
    echo "warning: cannot raise the priority (needs root); running as is" >&2
  fi
  exec "$@"' bash "$@"

#!/usr/bin/env bash
# Throughput of a batch: `witness render --jobs 2` of 40 case variants against 40 runs of
# `typst compile`, one after another, of the very sources witness generated for them (kept
# with --keep-typ), with the same flags. Target: at least 1.8 times the throughput on 2 cores.
# Needs hyperfine (apt-get install hyperfine). Not a test: run by hand.
#   RUNS=5 COUNT=40 JOBS=2 bench/throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# WITNESS=path/to/witness measures that binary instead of building one.
witness=${WITNESS:-$PWD/target/release/witness}
[ -n "${WITNESS:-}" ] || cargo build --release --quiet
count=${COUNT:-40}
jobs=${JOBS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bench/variants.sh "$work/cases" "$count"
# One batch with --keep-typ gives each case's generated source and build folder.
"$witness" render "$work/cases" --out-dir "$work/kept" --keep-typ -q
data=${WITNESS_DATA_DIR:-$HOME/.local/share/witness}
typst=$(ls "$data"/typst-0.15.1/bin/typst)
fonts=$(ls -d "$data"/fonts-* | head -1)
# The report date at midnight UTC, as witness passes it (all variants share the date).
date=$(grep -m1 '^date = ' "$work/cases/case-1/case.toml" | cut -d' ' -f3)
timestamp=$(date -u -d "$date" +%s)
mkdir -p "$work/raw"
{
  echo 'set -e'
  for build in "$work"/kept/*.typst; do
    echo "$typst compile --root $build --ignore-system-fonts --creation-timestamp $timestamp --diagnostic-format short --font-path $fonts $build/main.typ $work/raw/$(basename "$build" .typst).pdf"
  done
} >"$work/sequential.sh"

hyperfine --warmup 1 --runs "${RUNS:-5}" -N \
  --export-markdown "$work/throughput.md" \
  -n "witness render --jobs $jobs ($count cases)" "$witness render $work/cases --out-dir $work/out --jobs $jobs -q" \
  -n "$count x typst compile, one after another" "bash $work/sequential.sh"
cat "$work/throughput.md"

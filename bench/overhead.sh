#!/usr/bin/env bash
# Overhead of `witness render` over a raw `typst compile` of the very source witness generated,
# with the same flags. Needs hyperfine (apt-get install hyperfine). Not a test: run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
# WITNESS=path/to/witness measures that binary instead of building one.
witness=${WITNESS:-target/release/witness}
[ -n "${WITNESS:-}" ] || cargo build --release --quiet
case=${1:-examples/kyrgyzstan-journalist/case.toml}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One render with --keep-typ gives the generated source and its build folder.
"$witness" render "$case" --out-dir "$work/kept" --keep-typ -q
build=$(ls -d "$work"/kept/*.typst)
typst=$(ls "${WITNESS_DATA_DIR:-$HOME/.local/share/witness}"/typst-0.15.1/bin/typst)
fonts=$(ls -d "${WITNESS_DATA_DIR:-$HOME/.local/share/witness}"/fonts-* | head -1)
# The report date at midnight UTC, as witness passes it.
date=$(grep -m1 '^date = ' "$case" | cut -d' ' -f3)
timestamp=$(date -u -d "$date" +%s)

hyperfine --warmup 3 --runs "${RUNS:-20}" -N \
  --export-markdown "$work/overhead.md" \
  -n "witness render" "$witness render $case --out-dir $work/out -q" \
  -n "typst compile" "$typst compile --root $build --ignore-system-fonts --creation-timestamp $timestamp --diagnostic-format short --font-path $fonts $build/main.typ $work/raw.pdf"
cat "$work/overhead.md"

#!/usr/bin/env bash
# Where a render's time goes, from `witness render --format json` (its `timings` and
# `seconds`), against raw `typst compile` of the very source witness generated. Reports the
# medians over RUNS renders: the whole render, typst, the read-back (preflight), and
# publishing (move, page budget, provenance). Not a test: run by hand on an idle machine.
#   RUNS=15 bench/stages.sh [CASE]
set -euo pipefail
cd "$(dirname "$0")/.."
witness=${WITNESS:-target/release/witness}
[ -n "${WITNESS:-}" ] || cargo build --release --quiet
case=${1:-examples/kyrgyzstan-journalist/case.toml}
runs=${RUNS:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$witness" render "$case" --out-dir "$work/kept" --keep-typ -q
build=$(ls -d "$work"/kept/*.typst)
data=${WITNESS_DATA_DIR:-$HOME/.local/share/witness}
typst=$(ls "$data"/typst-0.15.1/bin/typst)
fonts=$(ls -d "$data"/fonts-* | head -1)
date=$(grep -m1 '^date = ' "$case" | cut -d' ' -f3)
timestamp=$(date -u -d "$date" +%s)

for _ in $(seq "$runs"); do
  "$witness" render "$case" --out-dir "$work/out" --format json -q | head -1 >> "$work/records.jsonl"
  start=$(date +%s%N)
  "$typst" compile --root "$build" --ignore-system-fonts --creation-timestamp "$timestamp" \
    --diagnostic-format short --font-path "$fonts" "$build/main.typ" "$work/raw.pdf"
  echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/raw.txt"
done
python3 - "$work/records.jsonl" "$work/raw.txt" <<'PY'
import json, statistics, sys
records = [json.loads(l) for l in open(sys.argv[1])]
raw = [float(l) for l in open(sys.argv[2])]
med = lambda xs: statistics.median(xs)
total = med([r["seconds"] * 1000 for r in records])
typeset = med([r["timings"]["typeset_ms"] for r in records])
verify = med([r["timings"]["verify_ms"] for r in records])
publish = med([r["timings"]["publish_ms"] for r in records])
typst = med(raw)
pages = records[0]["pages"]
print(f"pages {pages}, runs {len(records)}")
print(f"raw typst compile  {typst:7.1f} ms  ({typst / pages:.1f} ms per page)")
print(f"witness render     {total:7.1f} ms  = {total / typst:.2f} x raw typst")
print(f"  typst inside     {typeset:7.1f} ms")
print(f"  read-back        {verify:7.1f} ms  = {100 * verify / total:.0f}% of the render")
print(f"  publish          {publish:7.1f} ms")
print(f"witness without the read-back = {(total - verify) / typst:.2f} x raw typst")
PY

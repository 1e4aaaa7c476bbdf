#!/usr/bin/env bash
# Makes COUNT variants of an example case in DIR/case-<i>/: the example's folder (the case
# file and the CV and signature it names) copied, with reference BENCH-<i>. Used by the
# throughput and scale benchmarks.
#   bench/variants.sh DIR COUNT [EXAMPLE-FOLDER]
set -euo pipefail
dir=$1
count=$2
example=${3:-"$(dirname "$0")/../examples/kyrgyzstan-journalist"}
reference=$(grep -m1 '^reference = ' "$example/case.toml")
for i in $(seq 1 "$count"); do
  mkdir -p "$dir/case-$i"
  find "$example" -maxdepth 1 -type f ! -name case.toml -exec cp {} "$dir/case-$i/" \;
  # Only the first `reference =` line is the report's; the instructing firm's comes later.
  sed "0,/^$reference\$/s//reference = \"BENCH-$i\"/" "$example/case.toml" >"$dir/case-$i/case.toml"
done

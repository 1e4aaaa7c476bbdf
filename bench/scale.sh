#!/usr/bin/env bash
# Scale: `witness render` (default --jobs: every core) of 1, 10, 40 and 160 case variants.
# Time should grow linearly with the count and memory stay flat. Needs hyperfine and GNU time
# (/usr/bin/time, apt-get install time). Not a test: run by hand.
#   RUNS=3 COUNTS="1 10 40 160" bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# WITNESS=path/to/witness measures that binary instead of building one.
witness=${WITNESS:-$PWD/target/release/witness}
[ -n "${WITNESS:-}" ] || cargo build --release --quiet
counts=${COUNTS:-1 10 40 160}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in $counts; do
  bench/variants.sh "$work/cases-$n" "$n"
done
# A stand-in typst that copies one real report into place, so that a run's peak memory is
# witness's own and not that of the largest typst it waited for.
"$witness" render examples/kyrgyzstan-journalist/case.toml --out-dir "$work/one" -q
cat >"$work/fake-typst" <<FAKE
#!/bin/sh
[ "\$1" = --version ] && { echo "typst 0.15.1 (stand-in)"; exit 0; }
for last; do :; done
cp "$work/one/KGZ-2026-014.pdf" "\$last"
FAKE
chmod +x "$work/fake-typst"

hyperfine --warmup 1 --runs "${RUNS:-3}" -N \
  --export-markdown "$work/time.md" \
  --parameter-list n "$(echo $counts | tr ' ' ,)" \
  -n "witness render, {n} cases" "$witness render $work/cases-{n} --out-dir $work/out-{n} -q"
cat "$work/time.md"

max_rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo
echo "| cases | max RSS, witness and its typst [MiB] | max RSS, witness alone [MiB] |"
echo "|---:|---:|---:|"
for n in $counts; do
  with_typst=$(max_rss "$witness" render "$work/cases-$n" --out-dir "$work/rss-$n" -q)
  alone=$(max_rss "$witness" render "$work/cases-$n" --out-dir "$work/alone-$n" -q --typst "$work/fake-typst")
  printf '| %s | %.1f | %.1f |\n' "$n" "$(echo "$with_typst/1024" | bc -l)" "$(echo "$alone/1024" | bc -l)"
done

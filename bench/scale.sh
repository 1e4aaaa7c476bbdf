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
for arg; do case "\$arg" in *.pdf) out=\$arg;; esac; done
cp "$work/one/KGZ-2026-014.pdf" "\$out"
FAKE
chmod +x "$work/fake-typst"

hyperfine --warmup 1 --runs "${RUNS:-3}" -N \
  --export-markdown "$work/time.md" \
  --parameter-list n "$(echo $counts | tr ' ' ,)" \
  -n "witness render, {n} cases" "$witness render $work/cases-{n} --out-dir $work/out-{n} -q"
cat "$work/time.md"

# Peak resident memory in MiB, the median of three runs. GNU time reports the largest of the
# process and the children it waited for, so with the real typst that is typst's peak.
max_rss() {
  for run in 1 2 3; do
    rm -rf "$work/rss"
    /usr/bin/time -o "$work/rss.txt" -f %M "$@" --out-dir "$work/rss" -q
    cat "$work/rss.txt"
  done | sort -n | sed -n 2p | awk '{printf "%.1f", $1 / 1024}'
}
echo
echo "| cases | max RSS, witness and its typst [MiB] | max RSS, witness alone [MiB] |"
echo "|---:|---:|---:|"
for n in $counts; do
  with_typst=$(max_rss "$witness" render "$work/cases-$n")
  alone=$(max_rss "$witness" render "$work/cases-$n" --typst "$work/fake-typst")
  echo "| $n | $with_typst | $alone |"
done

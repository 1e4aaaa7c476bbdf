#!/usr/bin/env bash
# Time `witness check` (no typesetting) on the examples. Needs hyperfine. Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
hyperfine --warmup 5 --runs "${RUNS:-50}" -N \
  "target/release/witness check examples/kyrgyzstan-journalist/case.toml" \
  "target/release/witness check examples/kyrgyzstan-uzbek-minority/case.toml" \
  "target/release/witness check examples/uzbekistan-karakalpak-us/case.toml"

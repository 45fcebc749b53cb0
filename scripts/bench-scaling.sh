#!/usr/bin/env bash
# Whole-process scaling run: meshlint check --format json over generated corpora of 1k, 10k,
# 100k (and, with SIZES="... 1000000", 1M) documents, clean and with 5 % defects. Prints one
# row per corpus: documents, input bytes, wall and user seconds, peak RSS, RSS / input, and the
# JSON report's size. Corpora are generated once into target/corp/ with
# ../shared/bench/gen_corpus.py (seed 42). See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 100000"}
GEN=${GEN:-../shared/bench/gen_corpus.py}
cargo build --release --locked -q
BIN=target/release/meshlint
mkdir -p target/corp
printf '%-10s %9s %12s %8s %8s %10s %7s %12s\n' corpus docs bytes wall_s user_s peak_MB xinput json_MB
for n in $SIZES; do
  for kind in c d; do
    dir=target/corp/$kind$n
    if [ ! -d "$dir" ]; then
      if [ "$kind" = c ]; then
        python3 "$GEN" "$n" --out "$dir" --seed 42 >/dev/null
      else
        python3 "$GEN" "$n" --out "$dir" --seed 42 --defects 0.05 >/dev/null
      fi
    fi
    bytes=$(find "$dir" -name '*.yaml' -printf '%s\n' | awk '{s+=$1} END {print s}')
    json=$( { /usr/bin/time -o target/corp/.time -f '%e %U %M' "$BIN" check --format json "$dir" || true; } | wc -c)
    out=$(tail -1 target/corp/.time)
    read -r wall user rss <<<"$out"
    awk -v c="$kind$n" -v n="$n" -v b="$bytes" -v w="$wall" -v u="$user" -v r="$rss" -v j="$json" \
      'BEGIN { printf "%-10s %9d %12d %8.2f %8.2f %10.1f %7.2f %12.1f\n", c, n, b, w, u, r/1024, r*1024/b, j/1e6 }'
  done
done

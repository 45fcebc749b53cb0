#!/usr/bin/env bash
# Whole-process wall time and peak RSS of `meshlint check --format json` over a generated corpus.
#
#   scripts/bench.sh [DOCS] [CORPUS_DIR]
#
# DOCS (default 10000, ~21 MB) documents are generated with ../shared/bench/gen_corpus.py
# (seed 42) into CORPUS_DIR (default target/bench-corpus/gen_corpus-DOCS-seed42, the same
# directory `cargo bench --bench throughput` uses) unless it already exists.
# Needs GNU time (/usr/bin/time -v); without it, run by hand:
#   /usr/bin/time -v target/release/meshlint check --format json CORPUS_DIR > /dev/null
set -euo pipefail
cd "$(dirname "$0")/.."
docs="${1:-10000}"
corpus="${2:-target/bench-corpus/gen_corpus-${docs}-seed42}"
if [ ! -f "$corpus/.complete" ] && [ ! -d "$corpus" ]; then
    python3 ../shared/bench/gen_corpus.py "$docs" --out "$corpus" --seed 42 >&2
    touch "$corpus/.complete"
fi
cargo build --release --quiet
bytes=$(find "$corpus" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "corpus: $corpus ($bytes bytes), nproc $(nproc)"
if [ -x /usr/bin/time ]; then
    for run in 1 2 3; do
        /usr/bin/time -f "run $run: wall %e s, user %U s, sys %S s, peak RSS %M KiB" \
            target/release/meshlint check --format json "$corpus" > /dev/null || true
    done
else
    echo "/usr/bin/time not found; timing with bash (no peak RSS)"
    time (target/release/meshlint check --format json "$corpus" > /dev/null || true)
fi

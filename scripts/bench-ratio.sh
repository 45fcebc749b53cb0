#!/usr/bin/env bash
# Whole process against the floor, side by side: alternates `meshlint check --format json`
# (JSON to a pipe) and the bare saphyr-parser event stream on one core
# (examples/saphyr_events.rs) over the same generated corpus, RUNS times each, and prints the
# medians, their ratio (floor / meshlint: 1.0 would be as fast as the bare parser) and
# meshlint's peak RSS against the corpus size.
#
#   scripts/bench-ratio.sh [DOCS] [RUNS]        (defaults: 20000 documents, 7 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
docs="${1:-20000}"
runs="${2:-7}"
corpus="target/bench-corpus/gen_corpus-${docs}-seed42"
if [ ! -d "$corpus" ]; then
    python3 ../shared/bench/gen_corpus.py "$docs" --out "$corpus" --seed 42 >&2
fi
cargo build --release --quiet --bin meshlint --example saphyr_events
bytes=$(find "$corpus" -type f -name '*.yaml' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
secs() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
m=(); f=(); rss=0
for _ in $(seq "$runs"); do
    m+=("$(secs sh -c "target/release/meshlint check --format json $corpus | cat" || true)")
    f+=("$(secs target/release/examples/saphyr_events "$corpus")")
done
if [ -x /usr/bin/time ]; then
    rss=$( (/usr/bin/time -f %M target/release/meshlint check --format json "$corpus" 2>&1 >/dev/null || true) | tail -1)
fi
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mm=$(median "${m[@]}"); fm=$(median "${f[@]}")
echo "corpus: $corpus ($bytes bytes, $docs documents), nproc $(nproc), $runs runs each"
echo "meshlint (whole process, JSON to a pipe): median ${mm} s"
echo "bare saphyr event stream (one core):      median ${fm} s"
echo "ratio floor/meshlint: $(echo "scale=3; $fm / $mm" | bc)"
echo "meshlint peak RSS: ${rss} KiB = $(echo "scale=2; $rss * 1024 / $bytes" | bc)x the input"

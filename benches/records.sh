#!/usr/bin/env bash
# The records benchmark: kommunebench against DuckDB's straightforward SQL
# (benches/records_duckdb.py), side by side in one run, on synthetic registers of each size
# (grouped by person and shuffled, CSV and Parquet), counting months 2020-01..2024-12.
# Wall time and peak memory (RSS) from /usr/bin/time; runs alternate A B A B.
#
# usage: benches/records.sh [PERIODS...]      (default: 5000000 50000000)
#        RUNS=2 BENCH_DIR=target/records-bench benches/records.sh 5000000
# Needs: a release build (cargo build --release), python3 with duckdb (pip install duckdb).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/kommunebench
DIR=${BENCH_DIR:-target/records-bench}
RUNS=${RUNS:-1}
CODES=config/records/ydelsesgrupper.csv
mkdir -p "$DIR"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(5000000 50000000)
measure() { # label, command... → "label seconds peak-MiB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$@" > /dev/null 2> "$DIR/err.txt" || { cat "$DIR/err.txt" >&2; return 1; }
  read -r secs kib < "$DIR/time.txt"
  printf '%-48s %8.1f s %8.0f MiB\n' "$label" "$secs" "$((kib / 1024))"
}
printf '%-48s %10s %12s\n' "run" "wall" "peak RSS"
for n in "${sizes[@]}"; do
  for kind in grouped shuffled; do
    for fmt in csv parquet; do
      f="$DIR/register-$n-$kind.$fmt"
      if [ ! -s "$f" ]; then
        flag=""; [ $kind = shuffled ] && flag="--shuffle"
        $BIN records generate --periods "$n" --seed 1 $flag --out "$f" > /dev/null
      fi
      rows=$(( $(stat -c %s "$f") / 1048576 ))
      for r in $(seq "$RUNS"); do
        measure "kommunebench $n $kind $fmt (${rows} MiB)" $BIN records "$f" --codes $CODES --per month \
          --from 2020-01-01 --to 2024-12-31 --out "$DIR/kb.csv" --tmp "$DIR" --quiet
        measure "duckdb       $n $kind $fmt" python3 benches/records_duckdb.py "$f" $CODES 2020-01-01 2024-12-31 "$DIR/duck.csv"
      done
    done
  done
done

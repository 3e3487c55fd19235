#!/usr/bin/env bash
# bench/containers.sh CONTAINERS SIGS RESULTDIR
#
# Container-heavy throughput: clamscan and vigil (-j 1, -j N) side by side,
# in one run, on the corpus of bench/gen_containers.py with the ClamAV
# signatures of SIGS (SIGS/clamav, as made by ../shared/bench/gen_sigs.py).
# Prints and writes RESULTDIR/results.md: wall time (median of RUNS), MiB/s
# of container bytes, peak RSS, and whether both report the same
# (file, signature) lines.
#   RUNS=3  THREADS=$(nproc)  VIGIL=REPO/build/bin/vigil
set -euo pipefail
if [ $# -lt 3 ]; then sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CORPUS=$(realpath "$1"); SIGS=$(realpath "$2"); RES=$3
RUNS=${RUNS:-3}; THREADS=${THREADS:-$(nproc)}
VIGIL=${VIGIL:-$REPO/build/bin/vigil}
mkdir -p "$RES"
"$VIGIL" db compile -d "$SIGS/clamav" -o "$RES/bench.vdb" >/dev/null
cat "$RES/bench.vdb" > /dev/null
find "$CORPUS" -type f -exec cat {} + > /dev/null
BYTES=$(du -sb "$CORPUS" | cut -f1)

measure() {  # name, command...
  local name=$1; shift
  : > "$RES/$name.samples"
  for r in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$RES/$name.time" "$@" > "$RES/$name.out" 2> "$RES/$name.err" || true
    tail -n 1 "$RES/$name.time" >> "$RES/$name.samples"
    echo "  $name run $r: $(tail -n 1 "$RES/$name.time")" >&2
  done
  sort -n "$RES/$name.samples" | awk -v n="$RUNS" 'NR == int((n + 1) / 2) {print $1, $2}'
}

echo "== clamscan" >&2
C=$(measure clamscan clamscan -r -i --no-summary -d "$SIGS/clamav" "$CORPUS")
echo "== vigil -j 1" >&2
V1=$(measure vigil-1 "$VIGIL" scan -r -i --no-summary -j 1 -d "$RES/bench.vdb" "$CORPUS")
echo "== vigil -j $THREADS" >&2
VN=$(measure vigil-n "$VIGIL" scan -r -i --no-summary -j "$THREADS" -d "$RES/bench.vdb" "$CORPUS")

norm() { sed 's/\.UNOFFICIAL FOUND$/ FOUND/' "$1" | grep ' FOUND$' | sort; }
same() { if diff <(norm "$RES/$1.out") <(norm "$RES/clamscan.out") > "$RES/$1.diff"; then echo "same"; else echo "differs ($(grep -c '^[<>]' "$RES/$1.diff") lines, see $1.diff)"; fi; }

{
  echo "# Container benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M') UTC; $(nproc) CPUs; corpus $CORPUS ($(find "$CORPUS" -type f | wc -l) containers, $((BYTES / 1048576)) MiB); signatures $SIGS/clamav; median of $RUNS runs."
  echo
  echo "| tool | wall s | MiB/s | peak RSS MiB | detections | same lines as clamscan |"
  echo "|---|---:|---:|---:|---:|---|"
  row() {  # name, "secs rss", label
    local s=${2% *} m=${2#* }
    printf '| %s | %.2f | %.1f | %d | %d | %s |\n' "$3" "$s" "$(echo "$BYTES / 1048576 / $s" | bc -l)" \
      $((m / 1024)) "$(norm "$RES/$1.out" | wc -l)" "$4"
  }
  row clamscan "$C" "clamscan" "-"
  row vigil-1 "$V1" "vigil -j 1" "$(same vigil-1)"
  row vigil-n "$VN" "vigil -j $THREADS" "$(same vigil-n)"
  echo
  cs=${C% *}; v1=${V1% *}; vn=${VN% *}
  printf 'vigil -j 1: %.1fx clamscan; vigil -j %s: %.1fx clamscan.\n' \
    "$(echo "$cs / $v1" | bc -l)" "$THREADS" "$(echo "$cs / $vn" | bc -l)"
} | tee "$RES/results.md"

#!/usr/bin/env bash
# bench/engines/run.sh CORPUS SIGDIR...
#
# Vectorscan or Hyperscan: compiles the anchors vigil makes for each SIGDIR
# (bench/engines/anchor_dump) with both libraries and scans CORPUS from
# memory with each (bench/engines/hs_anchors.cc, linked statically against
# Debian's libvectorscan-dev and against libhyperscan-dev, which is
# downloaded and unpacked into a temporary directory, not installed: the two
# packages conflict).  Prints one line per library and set.
set -euo pipefail
if [ $# -lt 2 ]; then sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CORPUS=$1; shift
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigil-engines.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cmake -S "$REPO" -B "$REPO/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DVIGIL_BENCH_TOOLS=ON -DVIGIL_BUILD_TESTS=OFF >/dev/null
ninja -C "$REPO/build-bench" vigil_anchor_dump >/dev/null

(cd "$WORK" && apt-get download -q libhyperscan-dev >/dev/null 2>&1) || {
  echo "cannot download libhyperscan-dev (apt-get download)" >&2; exit 1; }
dpkg-deb -x "$WORK"/libhyperscan-dev_*.deb "$WORK/hyperscan"
HS_ROOT="$WORK/hyperscan/usr"
g++ -O2 -std=c++17 "$HERE/hs_anchors.cc" -I/usr/include/hs \
  /usr/lib/x86_64-linux-gnu/libhs.a -lm -o "$WORK/hs_anchors_vectorscan"
g++ -O2 -std=c++17 "$HERE/hs_anchors.cc" -I"$HS_ROOT/include/hs" \
  "$HS_ROOT/lib/x86_64-linux-gnu/libhs.a" -lm -o "$WORK/hs_anchors_hyperscan"

for sigs in "$@"; do
  name=$(basename "$(dirname "$sigs")")/$(basename "$sigs")
  name=${name//\//-}
  "$REPO/build-bench/bench/engines/vigil_anchor_dump" "$sigs" "$WORK/$name.txt" >/dev/null
  for lib in vectorscan hyperscan; do
    printf '%s %s: ' "$name" "$lib"
    "$WORK/hs_anchors_$lib" "$WORK/$name.txt" "$CORPUS"
  done
done

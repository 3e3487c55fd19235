#!/usr/bin/env bash
# bench/daemon.sh SIGS [RESULTDIR]
#
# vigild against clamd, side by side in one run on the same machine, both
# on Unix sockets, same signatures (SIGS/clamav, a copy), same MaxThreads,
# MaxQueue and StreamMaxLength. The client is bench/daemon/loadgen.cc (C++,
# built here with g++ -O2). Results: RESULTDIR/measure.tsv (every sample),
# RESULTDIR/results.md (medians, ratios, targets; bench/daemon/report.py).
#
# Parts (PARTS="throughput lifecycle"):
#   throughput  NFILES small files (1-64 KiB) of the shared corpus, scanned
#               with INSTREAM (data sent by the client) and SCAN (one file
#               per connection) by 1, 8 and 64 concurrent clients, and
#               MULTISCAN of the directory holding them (MULTISCAN_CLIENTS
#               > 1: the files split into one directory per client). A
#               fresh daemon per cell (clamd caches the verdicts of clean
#               files: a second pass would measure its cache),
#               warmed by INSTREAM of 20 other files, then files/s, MiB/s,
#               p50/p99 latency (connect .. reply); VmHWM after the cell.
#   lifecycle   start-up (exec .. first PONG; vigild with an empty compile
#               cache, "cold", and with the cache filled, "warm"; also the
#               CPU time the daemon had used by then, less noisy), VmRSS
#               idle after start-up, RELOAD to the new database active (a
#               probe.hdb with a new name for the probe file is written,
#               RELOAD sent, the probe SCANned until its verdict names the
#               new signature) with VmRSS sampled every 10 ms. vigild is
#               reloaded twice: "cold" (the new sources must be compiled)
#               and "warm" (the new sources were compiled into the cache
#               beforehand by `vigil scan -d DB`, as an updater could).
#
# Environment:
#   RUNS=3                 repetitions (medians are reported)
#   CLAMD_RUNS=$RUNS       repetitions for clamd (1 for a slow large set)
#   CLIENTS="1 8 64"  MODES="instream scan multiscan"  NFILES=2000
#   MULTISCAN_CLIENTS=1    concurrent MULTISCANs, each of its own directory
#                          (clamd refuses a MULTISCAN when its pool has too
#                          few free threads: "Not enough threads for
#                          multiscan. Increase MaxThreads. ERROR")
#   MAXTHREADS=$(nproc)+1  MaxThreads of both daemons (the yardstick's clamd
#                          setting: one pool thread holds a MULTISCAN)
#   CORPUS=/tmp/bench-data/corpus-1g   where the small files come from
#   VIGILD=REPO/build/bin/vigild  VIGIL=(next to VIGILD)/vigil
#   DAEMONS="vigild clamd"  PARTS="throughput lifecycle"
#   SET=name of the signature set in the report (default: basename of SIGS)
set -uo pipefail

if [ $# -lt 1 ]; then
    sed -n '2,43p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SIGS=$(realpath "$1")
RES=${2:-$(mktemp -d "${TMPDIR:-/tmp}/vigild-bench.XXXXXX")}
RUNS=${RUNS:-3}
CLAMD_RUNS=${CLAMD_RUNS:-$RUNS}
CLIENTS=${CLIENTS:-"1 8 64"}
MULTISCAN_CLIENTS=${MULTISCAN_CLIENTS:-1}
MODES=${MODES:-"instream scan multiscan"}
NFILES=${NFILES:-2000}
MAXTHREADS=${MAXTHREADS:-$(( $(nproc) + 1 ))}
CORPUS=$(realpath "${CORPUS:-/tmp/bench-data/corpus-1g}")
VIGILD=${VIGILD:-$REPO/build/bin/vigild}
VIGIL=${VIGIL:-$(dirname "$VIGILD")/vigil}
DAEMONS=${DAEMONS:-"vigild clamd"}
PARTS=${PARTS:-"throughput lifecycle"}
SET=${SET:-$(basename "$SIGS")}

die() { echo "error: $*" >&2; exit 1; }
[ -d "$SIGS/clamav" ] || die "no $SIGS/clamav (make it with ../shared/bench/gen_sigs.py)"
[ -d "$CORPUS" ] || die "no corpus $CORPUS"
want_daemon() { case " $DAEMONS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
want_part() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if want_daemon vigild; then
    [ -x "$VIGILD" ] || die "no vigild at $VIGILD (ninja -C BUILD vigild vigil; or set VIGILD)"
    [ -x "$VIGIL" ] || die "no vigil at $VIGIL"
fi
command -v clamd > /dev/null || die "no clamd (apt-get install clamav-daemon)"
mkdir -p "$RES"
RES=$(realpath "$RES")
W="$RES/work"
rm -rf "$W"
mkdir -p "$W/tmp" "$W/cache" "$RES/logs" "$RES/verdicts"
# a re-run replaces the rows of the same set, daemons and parts
[ -f "$RES/measure.tsv" ] && awk -F'\t' -v s="$SET" -v d=" $DAEMONS " -v p=" $PARTS " '
    { part = $4 == 0 ? "lifecycle" : "throughput" }
    !($1 == s && index(d, " " $2 " ") && index(p, " " part " "))' "$RES/measure.tsv" > "$RES/measure.tmp" \
    && mv "$RES/measure.tmp" "$RES/measure.tsv"
LG="$RES/loadgen"
g++ -std=c++20 -O2 -pthread -o "$LG" "$HERE/daemon/loadgen.cc" || die "cannot build loadgen"

PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2> /dev/null; done
    [ -n "${SAMPLER:-}" ] && kill "$SAMPLER" 2> /dev/null
    rm -rf "$W/files" "$W/split"* "$W/db"
}
trap cleanup EXIT

record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$SET" "$@" >> "$RES/measure.tsv"; }   # DAEMON METRIC CLIENTS RUN VALUE
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
kv() { tr '\t' '\n' <<< "$1" | sed -n "s/^$2=//p"; }   # kv LINE KEY
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
# CPU seconds PID has used: the sum of its threads' schedstat (ns), or
# utime+stime (clock ticks, also counting threads that have ended),
# whichever is larger
cpu_s() {
    local ns=0 a _
    for f in /proc/"$1"/task/*/schedstat; do read -r a _ < "$f" && ns=$((ns + a)); done
    awk -v ns="$ns" -v hz="$(getconf CLK_TCK)" '{t = ($14 + $15) / hz; s = ns / 1e9; printf "%.6f\n", (s > t ? s : t)}' \
        "/proc/$1/stat"
}

echo "== vigild vs clamd: $(date '+%F %T'); $SIGS -> $RES"
echo "   runs $RUNS (clamd $CLAMD_RUNS), clients $CLIENTS, modes $MODES, MaxThreads $MAXTHREADS"
echo "   load average: $(loadavg)"
# loadavg-marks.tsv: SET RUN_ID PARTS start|end DATE LOADAVG; the report
# describes each part by the latest run that measured it
RUN_ID=$(date +%s)
mark() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$SET" "$RUN_ID" "$PARTS" "$1" "$(date '+%F %T')" "$(loadavg)" \
    >> "$RES/loadavg-marks.tsv"; }
mark start
# load average and compiler processes every 5 s (the machine is shared)
(
    while :; do
        n=$(ps -eo comm= | grep -cE '^(ninja|make|cc1plus|cc1|clang|clang\+\+|ld|lld|mold)$')
        printf '%s\t%s\t%s\t%s\t%s\n' "$SET" "$RUN_ID" "$(date +%s)" "$(cut -d' ' -f1 /proc/loadavg)" "$n" \
            >> "$RES/loadavg.tsv"
        sleep 5
    done
) &
SAMPLER=$!
{
    want_daemon vigild && echo "vigild: $VIGILD ($("$VIGILD" --version 2>&1 | head -1)), sha256 $(sha256sum "$VIGILD" | cut -c1-16)"
    echo "clamd: $(clamd --version 2>&1)"
    echo "sigs: $SIGS"; echo "corpus: $CORPUS"; echo "maxthreads: $MAXTHREADS"; echo "nproc: $(nproc)"
} > "$RES/info-$SET.txt"

# ---------------------------------------------------------------- data
# The signature sources, copied (the probe signature is added to the copy).
mkdir -p "$W/db"
cp "$SIGS"/clamav/* "$W/db/" || die "cannot copy $SIGS/clamav"
DB="$W/db"
# NFILES + 20 files of 1-64 KiB, every k-th of the sorted list; the last 20
# warm a fresh daemon up, the others are measured.
find "$CORPUS" -type f -size +1023c -size -65537c -printf '%P\n' | LC_ALL=C sort > "$W/candidates"
total=$(wc -l < "$W/candidates")
want=$((NFILES + 20))
[ "$total" -ge "$want" ] || die "only $total files of 1-64 KiB in $CORPUS"
awk -v n="$total" -v w="$want" 'BEGIN {k = n / w} { if (NR - 1 >= int(c * k) && c < w) {print; c++} }' \
    "$W/candidates" > "$W/chosen"
mkdir -p "$W/files/all" "$W/files/warm"
i=0
while IFS= read -r rel; do
    name=$(printf '%04d-%s' "$i" "$(basename "$rel")")
    if [ "$i" -lt "$NFILES" ]; then cp "$CORPUS/$rel" "$W/files/all/$name"
    else cp "$CORPUS/$rel" "$W/files/warm/$name"; fi
    i=$((i + 1))
done < "$W/chosen"
find "$W/files/all" -type f | LC_ALL=C sort > "$W/files.list"
find "$W/files/warm" -type f | LC_ALL=C sort > "$W/warm.list"
# MULTISCAN layouts: the same files (hard links) in C directories
for c in $MULTISCAN_CLIENTS; do
    rm -f "$W/dirs$c.list"
    for d in $(seq 0 $((c - 1))); do
        mkdir -p "$W/split$c/$d"
        echo "$W/split$c/$d" >> "$W/dirs$c.list"
    done
    awk -v c="$c" -v dir="$W/split$c" '{n = split($0, p, "/"); print $0 "\t" dir "/" ((NR - 1) % c) "/" p[n]}' \
        "$W/files.list" | while IFS=$'\t' read -r src dst; do ln "$src" "$dst"; done
done
bytes=$(xargs -a "$W/files.list" -d '\n' stat -c %s | awk '{s += $1} END {print s}')
echo "   $NFILES files, $bytes bytes ($(( bytes / NFILES )) on average) from $total candidates"
echo "files: $NFILES, $bytes bytes" >> "$RES/info-$SET.txt"
cat "$W/files.list" "$W/warm.list" | xargs -d '\n' cat > /dev/null   # page cache

# the probe: a file whose verdict changes with the database
head -c 3000 /dev/urandom > "$W/probe.bin"
PROBE_MD5=$(md5sum "$W/probe.bin" | cut -d' ' -f1)
PROBE_SIZE=$(stat -c %s "$W/probe.bin")
set_probe() {   # set_probe NAME: the probe's signature is NAME; "" removes it
    if [ -z "$1" ]; then rm -f "$DB/probe.hdb"; return; fi
    printf '%s:%s:%s\n' "$PROBE_MD5" "$PROBE_SIZE" "$1" > "$DB/probe.hdb.tmp"
    mv "$DB/probe.hdb.tmp" "$DB/probe.hdb"
}
printf 'x' > "$W/onebyte"
precompile() {  # the database of $DB into vigild's cache, as vigild keys it
    VIGIL_CACHE_DIR="$W/cache" "$VIGIL" scan --no-summary -d "$DB" "$W/onebyte" \
        > /dev/null 2>> "$RES/logs/precompile.err"
}

# ---------------------------------------------------------------- daemons
conf() {   # conf DAEMON: its clamd.conf (the same keys for both)
    cat <<EOF
LocalSocket $W/$1.sock
FixStaleSocket yes
DatabaseDirectory $DB
TemporaryDirectory $W/tmp
LogFile $W/$1.log
Foreground yes
MaxThreads $MAXTHREADS
MaxQueue 100
SelfCheck 3600
StreamMaxLength 128M
EOF
    [ "$1" = vigild ] && echo "VigilCacheDirectory $W/cache"
}
for d in vigild clamd; do conf "$d" > "$W/$d.conf"; cp "$W/$d.conf" "$RES/$d-$SET.conf"; done
daemon_cmd() {
    case $1 in
        vigild) echo "$VIGILD --config $W/vigild.conf --foreground" ;;
        clamd) echo "clamd -c $W/clamd.conf" ;;
    esac
}

PID=""
start() {   # start DAEMON: sets PID and STARTUP (seconds exec .. first PONG)
    rm -f "$W/$1.sock"
    # shellcheck disable=SC2046
    "$LG" stamp "$W/$1.stamp" -- $(daemon_cmd "$1") >> "$RES/logs/$1-$SET.out" 2>&1 &
    PID=$!
    PIDS="$PIDS $PID"
    local out
    out=$("$LG" waitping "$W/$1.sock" "$W/$1.stamp" "$PID" 1800) || {
        tail -5 "$RES/logs/$1-$SET.out" "$W/$1.log" >&2; die "$1 did not start"; }
    STARTUP=$(kv "$out" startup_s)
}
stop() {    # stop DAEMON: SIGTERM, wait
    kill "$PID" 2> /dev/null
    local n=0
    while kill -0 "$PID" 2> /dev/null && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
    kill -0 "$PID" 2> /dev/null && { echo "  WARNING: $1 ignored SIGTERM for 30 s: killed"; kill -9 "$PID"; }
    wait "$PID" 2> /dev/null
    local rc=$?
    [ $rc -ne 0 ] && [ $rc -ne 143 ] && echo "  WARNING: $1 exited with status $rc"
    PIDS=${PIDS/ $PID/}
    PID=""
}
runs_of() { if [ "$1" = clamd ]; then echo "$CLAMD_RUNS"; else echo "$RUNS"; fi; }

# ---------------------------------------------------------------- lifecycle
if want_part lifecycle; then
    echo "== lifecycle: start-up, idle RSS, RELOAD"
    for r in $(seq "$RUNS"); do
        if want_daemon vigild; then
            set_probe ""
            rm -rf "$W/cache"; mkdir -p "$W/cache"
            start vigild
            record vigild startup_cold 0 "$r" "$STARTUP"
            record vigild startup_cpu_cold 0 "$r" "$(cpu_s "$PID")"
            record vigild rss_idle_cold 0 "$r" "$(status_kib "$PID" VmRSS)"
            record vigild hwm_start_cold 0 "$r" "$(status_kib "$PID" VmHWM)"
            printf '  vigild run %s: start-up cold %.4f s' "$r" "$STARTUP"
            stop vigild
            start vigild
            record vigild startup_warm 0 "$r" "$STARTUP"
            record vigild startup_cpu_warm 0 "$r" "$(cpu_s "$PID")"
            record vigild rss_idle 0 "$r" "$(status_kib "$PID" VmRSS)"
            record vigild hwm_start_warm 0 "$r" "$(status_kib "$PID" VmHWM)"
            printf ', warm %.4f s, idle RSS %s KiB' "$STARTUP" "$(status_kib "$PID" VmRSS)"
            for kind in cold warm; do
                name="Vigil.Bench.Probe-$SET-$r-$kind"
                set_probe "$name"
                [ $kind = warm ] && precompile
                out=$("$LG" reload "$W/vigild.sock" "$PID" "$W/probe.bin" "$name" 1800) \
                    || die "vigild reload ($kind) failed"
                for k in reload_s rss_before_kib rss_peak_kib rss_after_kib; do
                    record vigild "${k}_$kind" 0 "$r" "$(kv "$out" $k)"
                done
                printf ', reload %s %.4f s (RSS %s -> peak %s KiB)' "$kind" "$(kv "$out" reload_s)" \
                    "$(kv "$out" rss_before_kib)" "$(kv "$out" rss_peak_kib)"
            done
            echo
            stop vigild
        fi
        if want_daemon clamd && [ "$r" -le "$CLAMD_RUNS" ]; then
            set_probe ""
            start clamd
            record clamd startup 0 "$r" "$STARTUP"
            record clamd startup_cpu 0 "$r" "$(cpu_s "$PID")"
            record clamd rss_idle 0 "$r" "$(status_kib "$PID" VmRSS)"
            record clamd hwm_start 0 "$r" "$(status_kib "$PID" VmHWM)"
            printf '  clamd  run %s: start-up %.4f s, idle RSS %s KiB' "$r" "$STARTUP" "$(status_kib "$PID" VmRSS)"
            name="Vigil.Bench.Probe-$SET-$r-clamd"
            set_probe "$name"
            out=$("$LG" reload "$W/clamd.sock" "$PID" "$W/probe.bin" "$name" 1800) \
                || die "clamd reload failed"
            for k in reload_s rss_before_kib rss_peak_kib rss_after_kib; do
                record clamd "$k" 0 "$r" "$(kv "$out" $k)"
            done
            printf ', reload %.4f s (RSS %s -> peak %s KiB)\n' "$(kv "$out" reload_s)" \
                "$(kv "$out" rss_before_kib)" "$(kv "$out" rss_peak_kib)"
            stop clamd
        fi
    done
    set_probe ""
fi

# ---------------------------------------------------------------- throughput
if want_part throughput; then
    echo "== throughput: $NFILES files, fresh daemon per cell"
    set_probe ""
    if want_daemon vigild; then precompile; fi   # vigild starts from a warm cache
    for r in $(seq "$RUNS"); do
        for mode in $MODES; do
            cs=$CLIENTS
            [ "$mode" = multiscan ] && cs=$MULTISCAN_CLIENTS
            for c in $cs; do
                order="vigild clamd"
                [ $((r % 2)) = 0 ] && order="clamd vigild"   # alternate who goes first
                for d in $order; do
                    want_daemon "$d" || continue
                    [ "$r" -le "$(runs_of "$d")" ] || continue
                    start "$d"
                    "$LG" run "$W/$d.sock" instream 1 "$W/warm.list" > /dev/null \
                        || echo "  WARNING: $d warm-up had failures"
                    list="$W/files.list"
                    [ "$mode" = multiscan ] && list="$W/dirs$c.list"
                    vfile="$RES/verdicts/$SET-$d-$mode-$c-$r.txt"
                    out=$("$LG" run "$W/$d.sock" "$mode" "$c" "$list" "$vfile")
                    rc=$?
                    hwm=$(status_kib "$PID" VmHWM)
                    stop "$d"
                    for k in files_per_s mib_per_s p50_ms p99_ms wall_s found error noreply; do
                        record "$d" "$mode-$k" "$c" "$r" "$(kv "$out" $k)"
                    done
                    record "$d" "$mode-hwm_kib" "$c" "$r" "$hwm"
                    printf '  run %s %-9s c=%-2s %-6s %8.1f files/s %7.2f MiB/s p50 %8.2f ms p99 %8.2f ms  found %s err %s noreply %s  HWM %s KiB\n' \
                        "$r" "$mode" "$c" "$d" "$(kv "$out" files_per_s)" "$(kv "$out" mib_per_s)" \
                        "$(kv "$out" p50_ms)" "$(kv "$out" p99_ms)" "$(kv "$out" found)" \
                        "$(kv "$out" error)" "$(kv "$out" noreply)" "$hwm"
                    [ $rc -ne 0 ] && echo "  WARNING: $d $mode c=$c: requests without a reply (see $vfile)"
                done
            done
        done
    done
fi

kill "$SAMPLER" 2> /dev/null; SAMPLER=""
mark end
echo "   load average at the end: $(loadavg)"
python3 "$HERE/daemon/report.py" "$RES"

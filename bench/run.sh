#!/usr/bin/env bash
# bench/run.sh CORPUS SIGS [RESULTDIR]
#
# Measures vigil and the reference tools side by side, in one run, on the
# same machine, with a warm page cache (see bench/README.md).  The reference
# rows come from the shared kit ($VIGIL_SHARED_BENCH/run_baselines.sh, same
# RESULTDIR); the vigil rows are appended to the same RESULTDIR/measure.tsv.
# Ends with bench/report.py: RESULTDIR/results.md and RESULTDIR/chart.png.
#
# Environment:
#   RUNS=3              repetitions of every measurement (medians are reported)
#   THREADS=$(nproc)    threads of the vigil-n row (and of clamd / yara -p N)
#   TOOLS="cat clamscan clamd yara hs vigil"   what to measure; "vigil" means
#                       every vigil row, or name them: vigil-compile vigil-load
#                       vigil-1 vigil-n.  TOOLS=vigil only re-measures vigil.
#   KEEP_OLD=1          rows of tools not measured now are kept from an earlier
#                       run in the same RESULTDIR (same corpus and signatures,
#                       vigil rows: same binary); 0 = start the measure.tsv afresh
#   CLAMD_STREAM=0      1 = also measure clamdscan --stream (slow)
#   HS_LDB, CLAMD_MAXTHREADS, MANIFEST   passed on to run_baselines.sh
#   VIGIL=REPO/build/bin/vigil           the binary to measure
#   VDB=FILE            with TOOLS lacking vigil-compile: use this compiled
#                       database (default RESULTDIR/vigil/bench.vdb, compiled
#                       untimed if missing, older than VIGIL or unreadable)
#   VIGIL_SHARED_BENCH=REPO/../shared/bench   the shared kit
#   PYTHON=/usr/bin/python3   runs bench/report.py (needs matplotlib for the chart)
#   IDLE_LOAD=1.0       warn when the 1-minute load average exceeds this
set -uo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SHARED=$(realpath "${VIGIL_SHARED_BENCH:-$REPO/../shared/bench}")
CORPUS=$(realpath "$1")
SIGS=$(realpath "$2")
MANIFEST=${MANIFEST:-$CORPUS.manifest.json}
RES=${3:-$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")}
RUNS=${RUNS:-3}
THREADS=${THREADS:-$(nproc)}
TOOLS=${TOOLS:-"cat clamscan clamd yara hs vigil"}
KEEP_OLD=${KEEP_OLD:-1}
VIGIL=${VIGIL:-$REPO/build/bin/vigil}
IDLE_LOAD=${IDLE_LOAD:-1.0}
TIME=/usr/bin/time
if [ -z "${PYTHON:-}" ]; then
    PYTHON=python3
    [ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
fi
KIT_REPORT="python3 $SHARED/report.py"

die() { echo "error: $*" >&2; exit 1; }
[ -x "$SHARED/run_baselines.sh" ] || die "no shared kit at $SHARED (set VIGIL_SHARED_BENCH)"
[ -d "$CORPUS" ] || die "no corpus directory $CORPUS"
[ -d "$SIGS/clamav" ] || die "no $SIGS/clamav (make it with $SHARED/gen_sigs.py)"
[ -f "$MANIFEST" ] || die "no manifest $MANIFEST"
[ -x "$TIME" ] || die "GNU time is needed at $TIME (apt-get install time)"

# ---------------------------------------------------------------- what to run
REF_TOOLS="" VROWS=""
for t in $TOOLS; do
    case $t in
        cat|clamscan|clamd|yara|hs) REF_TOOLS="$REF_TOOLS $t" ;;
        vigil) VROWS="$VROWS vigil-compile vigil-load vigil-1 vigil-n" ;;
        vigil-compile|vigil-load|vigil-1|vigil-n) VROWS="$VROWS $t" ;;
        *) die "unknown tool '$t' in TOOLS" ;;
    esac
done
REF_TOOLS=${REF_TOOLS# } VROWS=${VROWS# }
vwant() { case " $VROWS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if [ -n "$VROWS" ]; then
    [ -x "$VIGIL" ] || die "no vigil binary at $VIGIL (build it: cmake -S $REPO -B $REPO/build -G Ninja && ninja -C $REPO/build vigil; or set VIGIL)"
fi

VIGIL_ID=""
[ -x "$VIGIL" ] && VIGIL_ID=$(sha256sum "$VIGIL" | cut -d' ' -f1)
mkdir -p "$RES"
RES=$(realpath "$RES")
mkdir -p "$RES/logs" "$RES/out" "$RES/vigil"

# tool token a measure.tsv row belongs to (for KEEP_OLD)
row_tool() {
    case $1 in
        cat) echo cat ;; clamscan) echo clamscan ;; clamd-*) echo clamd ;; yara-*) echo yara ;;
        hs_bound*|memchr) echo hs ;;
        vigil-load-vdb|vigil-load-src) echo vigil-load ;;
        *) echo "$1" ;;
    esac
}
# Keep earlier rows of tools not measured now, if they were measured on the
# same corpus and signatures.
OLD_ROWS=$(mktemp "${TMPDIR:-/tmp}/vigil-bench-old.XXXXXX")
trap 'rm -f "$OLD_ROWS"' EXIT
if [ "$KEEP_OLD" = 1 ] && [ -s "$RES/measure.tsv" ] && [ -f "$RES/run-info.json" ]; then
    same=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1])); print(int(i.get("corpus")==sys.argv[2] and i.get("sigs")==sys.argv[3]))' \
        "$RES/run-info.json" "$CORPUS" "$SIGS" 2>/dev/null)
    if [ "$same" = 1 ]; then
        # vigil rows of another vigil binary are not mixed with the new ones
        old_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("vigil_sha256", ""))' "$RES/run-info.json" 2>/dev/null)
        drop_vigil=0
        [ -n "$VROWS" ] && [ "$old_id" != "$VIGIL_ID" ] && drop_vigil=1
        while IFS= read -r line; do
            tok=$(row_tool "${line%%$'\t'*}")
            case $tok in vigil-*) [ $drop_vigil = 1 ] && continue ;; esac
            case " $REF_TOOLS $VROWS " in *" $tok "*) ;; *) printf '%s\n' "$line" >> "$OLD_ROWS" ;; esac
        done < "$RES/measure.tsv"
        [ $drop_vigil = 1 ] && echo "earlier vigil rows were measured with another vigil binary: not kept"
        [ -s "$OLD_ROWS" ] && echo "keeping earlier rows: $(cut -f1 "$OLD_ROWS" | sort -u | tr '\n' ' ')"
    else
        echo "earlier results in $RES were made on another corpus or signature set: not kept"
    fi
fi

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
busy_check() {
    local l1 others
    l1=$(cut -d' ' -f1 /proc/loadavg)
    others=$(ps -eo comm= | grep -cE '^(ninja|make|cc1plus|cc1|clang|clang\+\+|ld|lld|mold|clamscan|clamd|yara|vigil|hs_bound)$')
    echo "load average: $(loadavg); compiler/scanner processes running: $others"
    if awk -v a="$l1" -v b="$IDLE_LOAD" 'BEGIN {exit !(a > b)}' || [ "$others" -gt 0 ]; then
        echo "WARNING: the machine is busy; the numbers will be noisy"
    fi
}
echo "== vigil bench: $(date '+%F %T'); $CORPUS, $SIGS -> $RES"
echo "   tools: ${REF_TOOLS:-(no references)} | ${VROWS:-(no vigil rows)}; runs $RUNS, threads $THREADS"
busy_check
LOAD_START=$(loadavg)
# Background sampler: every 5 s the load average and the number of compiler /
# other scanner processes, into RESULTDIR/loadavg.tsv (summarised by report.py).
# Killed (by its pid) at exit.
# (appended to when earlier rows are kept: their samples stay with them)
[ -s "$OLD_ROWS" ] && [ -f "$RES/loadavg.tsv" ] || printf 'time\tload1\tbusy_procs\n' > "$RES/loadavg.tsv"
(
    while :; do
        n=$(ps -eo comm= | grep -cE '^(ninja|make|cc1plus|cc1|clang|clang\+\+|ld|lld|mold)$')
        printf '%s\t%s\t%s\n' "$(date +%s)" "$(cut -d' ' -f1 /proc/loadavg)" "$n" >> "$RES/loadavg.tsv"
        sleep 5
    done
) &
SAMPLER=$!
stop_sampler() { kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; }
trap 'stop_sampler; rm -f "$OLD_ROWS"' EXIT

# ---------------------------------------------------------------- references
# run_baselines.sh truncates measure.tsv and commands.txt, writes info.json,
# warms the page cache, then measures the references we asked for.  With no
# reference tool it still does the first three (TOOLS=none selects nothing).
echo "== references: $SHARED/run_baselines.sh (TOOLS=\"${REF_TOOLS:-none}\")"
RUNS=$RUNS THREADS=$THREADS TOOLS="${REF_TOOLS:-none}" CLAMD_STREAM=${CLAMD_STREAM:-0} MANIFEST=$MANIFEST \
    "$SHARED/run_baselines.sh" "$CORPUS" "$SIGS" "$RES" | sed -u '/^== results/,$d' \
    || die "run_baselines.sh failed"   # (its own table is left out: report.py prints ours)
cat "$OLD_ROWS" >> "$RES/measure.tsv"

# ---------------------------------------------------------------- vigil
# Same conventions as run_baselines.sh: logs/ROW-PHASE-RUN.{time,err},
# measure.tsv lines "ROW PHASE RUN VALUE", the command of run 1 in commands.txt.
# The timer is bench/ptime.py, GNU time's measurement (clock around fork ..
# wait4, the child's ru_maxrss) with microseconds instead of GNU time's
# hundredths of a second: vigil's load takes milliseconds.
PTIME="python3 $HERE/ptime.py"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RES/measure.tsv"; }
timed() {   # timed ROW PHASE RUN STDOUT_FILE CMD... (records PHASE and its RSS)
    local row=$1 phase=$2 run=$3 out=$4; shift 4
    local tlog="$RES/logs/$row-$phase-$run.time"
    [ "$run" = 1 ] && echo "$*" >> "$RES/commands.txt"
    $PTIME -o "$tlog" "$@" > "$out" 2> "$RES/logs/$row-$phase-$run.err"
    local rc=$?
    local el rss
    el=$(awk '/^\tElapsed seconds:/ {print $3}' "$tlog")
    rss=$(awk '/^\tMaximum resident set size/ {print $NF}' "$tlog")
    record "$row" "$phase" "$run" "$el"
    case $phase in
        total) record "$row" rss "$run" "$rss" ;;
        *) record "$row" "${phase}_rss" "$run" "$rss" ;;
    esac
    printf '  %-16s %-7s run %s: %8.4fs  rss %s KiB  rc %s\n' "$row" "$phase" "$run" "$el" "$rss" "$rc"
    # vigil scan exits 1 when it found something; 2 is an error
    if [ "$rc" -ge 2 ]; then
        echo "  WARNING: exit code $rc, see $RES/logs/$row-$phase-$run.err:"
        head -5 "$RES/logs/$row-$phase-$run.err" | sed 's/^/    /'
    fi
    return $rc
}
score() {   # score ROW OUTPUT
    $KIT_REPORT score --manifest "$MANIFEST" --corpus "$CORPUS" --tool clamav "$2" > "$RES/score-$1.json"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  detections %s: %d/%d found, %d extra, %d wrong signature, %d missed" % (sys.argv[2], d["found"], d["expected"], d["extra_count"], len(d["wrong_sig"]), len(d["missed"])))' "$RES/score-$1.json" "$1"
}

if [ -n "$VROWS" ]; then
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-work.XXXXXX")
    trap 'stop_sampler; rm -f "$OLD_ROWS"; rm -rf "$WORK"' EXIT
    printf 'x' > "$WORK/onebyte"        # "load only" runs scan this 1-byte file
    export VIGIL_CACHE_DIR="$RES/vigil/cache"
    DB="${VDB:-$RES/vigil/bench.vdb}"
    "$VIGIL" --version > "$RES/vigil/version.txt" 2>&1
    echo "== vigil: $VIGIL ($(head -1 "$RES/vigil/version.txt"))"

    if vwant vigil-compile; then
        DB="$RES/vigil/bench.vdb"
        echo "== vigil db compile"
        for i in $(seq "$RUNS"); do
            rm -f "$DB"
            timed vigil-compile compile "$i" "$RES/out/vigil-compile.txt" \
                "$VIGIL" db compile -d "$SIGS/clamav" -o "$DB" || die "vigil db compile failed"
            record vigil-compile vdb_bytes "$i" "$(stat -c %s "$DB")"
        done
        echo "    $(tail -1 "$RES/logs/vigil-compile-compile-$RUNS.err")"
    elif [ -z "${VDB:-}" ] && { [ ! -f "$DB" ] || [ "$VIGIL" -nt "$DB" ] || ! "$VIGIL" db info "$DB" > /dev/null 2>&1; }; then
        # none yet, or made by another build (the format may have changed)
        echo "== vigil db compile (untimed: $DB missing, older than $VIGIL or unreadable)"
        "$VIGIL" db compile -d "$SIGS/clamav" -o "$DB" || die "vigil db compile failed"
    fi
    "$VIGIL" db info --json "$DB" > "$RES/vigil/db-info.json" 2> "$RES/logs/vigil-db-info.err" \
        || echo "  WARNING: vigil db info failed, see $RES/logs/vigil-db-info.err"
    cat "$DB" > /dev/null                # the .vdb is read from the page cache, as the corpus

    if vwant vigil-load; then
        echo "== vigil load: compiled database"
        for i in $(seq "$RUNS"); do
            timed vigil-load-vdb load "$i" "$RES/out/vigil-load-vdb.txt" \
                "$VIGIL" scan --no-summary -d "$DB" "$WORK/onebyte"
        done
        echo "== vigil load: signature sources, warm cache ($VIGIL_CACHE_DIR)"
        rm -rf "$VIGIL_CACHE_DIR"
        # the first run compiles the sources and fills the cache (recorded
        # as phase "cold"); the timed runs then map the cached database
        timed vigil-load-src cold 1 "$RES/out/vigil-load-src.txt" \
            "$VIGIL" scan --no-summary -d "$SIGS/clamav" "$WORK/onebyte"
        for i in $(seq "$RUNS"); do
            timed vigil-load-src load "$i" "$RES/out/vigil-load-src.txt" \
                "$VIGIL" scan --no-summary -d "$SIGS/clamav" "$WORK/onebyte"
        done
    fi

    for row in vigil-1 vigil-n; do
        vwant "$row" || continue
        t=1; [ "$row" = vigil-n ] && t=$THREADS
        echo "== vigil scan -j $t"
        # load = the same command on the 1-byte file; scan s = total - load
        for i in $(seq "$RUNS"); do
            timed "$row" load "$i" "$RES/out/$row-load.txt" \
                "$VIGIL" scan --no-summary -d "$DB" -j "$t" "$WORK/onebyte"
        done
        for i in $(seq "$RUNS"); do
            timed "$row" total "$i" "$RES/out/$row-$i.txt" \
                "$VIGIL" scan -r -i --no-summary -d "$DB" -j "$t" "$CORPUS"
        done
        score "$row" "$RES/out/$row-$RUNS.txt"
    done
fi

LOAD_END=$(loadavg)
stop_sampler
python3 - "$RES/run-info.json" <<EOF
import json, sys
json.dump({"corpus": "$CORPUS", "sigs": "$SIGS", "manifest": "$MANIFEST", "shared": "$SHARED",
           "vigil": "$VIGIL", "vigil_sha256": "$VIGIL_ID", "vdb": "${DB:-}", "runs": $RUNS, "threads": $THREADS,
           "ref_tools": "$REF_TOOLS", "vigil_rows": "$VROWS",
           "loadavg_start": "$LOAD_START", "loadavg_end": "$LOAD_END",
           "kept_rows": "$(cut -f1 "$OLD_ROWS" | sort -u | tr '\n' ' ')",
           "set": "${BENCH_SET:-}"}, open(sys.argv[1], "w"), indent=1)
EOF
echo "load average at the end: $LOAD_END"

echo
echo "== results (medians of $RUNS runs; $RES)"
VIGIL_SHARED_BENCH=$SHARED "$PYTHON" "$HERE/report.py" "$RES"

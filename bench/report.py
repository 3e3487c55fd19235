#!/usr/bin/env python3
"""Tables, ratios, targets and a chart for bench/run.sh.

    report.py RESULTDIR [--set default|large] [--no-chart]

Reads RESULTDIR/measure.tsv (rows of the shared kit's run_baselines.sh and
the vigil rows of bench/run.sh), score-*.json, info.json, run-info.json and
vigil/db-info.json; prints and writes RESULTDIR/results.md (and
results.json), and draws RESULTDIR/chart.png with matplotlib (Debian's
python3-matplotlib: run it with /usr/bin/python3).

Only the chart needs matplotlib; everything else is the standard library.
The signature set (which targets apply) comes from --set, else $BENCH_SET,
else the signature counts in info.json (>= 500k hash or >= 60k body
signatures: "large").
"""

import argparse
import importlib.util
import json
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# row key -> label, in table order.  The reference rows are the shared kit's.
ROWS = [
    ("vigil-1", "vigil scan -j 1"),
    ("vigil-n", "vigil scan -j N"),
    ("vigil-load-vdb", "vigil load (compiled .vdb)"),
    ("vigil-load-src", "vigil load (sources, warm cache)"),
    ("vigil-compile", "vigil db compile"),
    ("clamscan", "clamscan"),
    ("clamd-multiscan", "clamd + clamdscan --multiscan"),
    ("clamd-stream", "clamd + clamdscan --stream"),
    ("yara-1", "yara -p 1"),
    ("yara-n", "yara -p N"),
    ("hs_bound", "hs_bound (Hyperscan, .ndb)"),
    ("hs_bound-ldb", "hs_bound (Hyperscan, .ndb+.ldb)"),
    ("cat", "cat > /dev/null (page cache)"),
    ("memchr", "memchr pass (in memory)"),
]
SHORT = {  # chart labels
    "vigil-1": "vigil -j1", "vigil-n": "vigil -jN", "vigil-load-vdb": "vigil .vdb",
    "vigil-load-src": "vigil src (cached)", "vigil-compile": "vigil compile",
    "clamscan": "clamscan", "clamd-multiscan": "clamd multiscan", "clamd-stream": "clamd stream",
    "yara-1": "yara -p1", "yara-n": "yara -pN", "hs_bound": "hs_bound", "hs_bound-ldb": "hs_bound+ldb",
    "cat": "cat", "memchr": "memchr",
}


def load_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def shared_kit(run_info):
    """The shared kit's report.py as a module (its output parser)."""
    cands = [os.environ.get("VIGIL_SHARED_BENCH"), run_info.get("shared"),
             os.path.join(HERE, "..", "..", "shared", "bench")]
    for d in cands:
        if d and os.path.exists(os.path.join(d, "report.py")):
            spec = importlib.util.spec_from_file_location("kit_report", os.path.join(d, "report.py"))
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod
    return None


def read_measure(resdir):
    meas = {}
    with open(os.path.join(resdir, "measure.tsv")) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 4 or p[0] == "row" or p[3] in ("", "None"):
                continue
            try:
                v = float(p[3])
            except ValueError:
                continue
            meas.setdefault(p[0], {}).setdefault(p[1], []).append(v)
    return meas


def med(xs):
    return statistics.median(xs) if xs else None


def build_rows(resdir, meas, info, run_info):
    mib = info.get("corpus_bytes", 0) / 2 ** 20
    threads = run_info.get("threads") or info.get("threads")
    out = []
    for key, label in ROWS:
        m = meas.get(key)
        if not m:
            continue
        if threads:
            if key in ("yara-n", "vigil-n"):
                label = label.replace("N", str(threads))
            if key.startswith("clamd"):
                label += " (MaxThreads %s)" % info.get("clamd_maxthreads", threads)
        r = {"row": key, "tool": label, "load_s": None, "load_min_s": None, "load_max_s": None,
             "scan_s": None, "scan_min_s": None, "scan_max_s": None, "mib_s": None,
             "rss_mib": None, "detections": "", "runs": 0, "note": ""}
        if key == "vigil-compile":
            c = m.get("compile", [])
            r["load_s"], r["runs"] = med(c), len(c)
            r["load_min_s"], r["load_max_s"] = (min(c), max(c)) if c else (None, None)
            if m.get("compile_rss"):
                r["rss_mib"] = max(m["compile_rss"]) / 1024
            if m.get("vdb_bytes"):
                r["vdb_mib"] = m["vdb_bytes"][-1] / 2 ** 20
                r["note"] = ".vdb %.1f MiB" % r["vdb_mib"]
        else:
            lo = m.get("load", [])
            r["load_s"] = med(lo)
            r["load_min_s"], r["load_max_s"] = (min(lo), max(lo)) if lo else (None, None)
            if "scan" in m:
                s = m["scan"]
                r["scan_s"], r["scan_min_s"], r["scan_max_s"] = med(s), min(s), max(s)
                r["runs"] = len(s)
            elif "total" in m:
                base = r["load_s"] or 0
                t = m["total"]
                r["scan_s"] = med(t) - base
                r["scan_min_s"], r["scan_max_s"] = min(t) - base, max(t) - base
                r["runs"] = len(t)
            else:
                r["runs"] = len(lo)
            if m.get("rss"):
                r["rss_mib"] = max(m["rss"]) / 1024
            elif m.get("load_rss"):
                r["rss_mib"] = max(m["load_rss"]) / 1024
            if key == "vigil-load-src" and m.get("cold"):
                r["cold_s"] = m["cold"][0]
                r["note"] = "first run (compiles, fills the cache) %.2f s" % m["cold"][0]
        if r["scan_s"] and r["scan_s"] > 0 and mib:
            r["mib_s"] = mib / r["scan_s"]
        s = load_json(os.path.join(resdir, "score-%s.json" % key))
        if s:
            r["score"] = s
            r["detections"] = "%d/%d" % (s["found"], s["expected"])
            if s["extra_count"] or s["wrong_sig"]:
                r["detections"] += " (+%d extra, %d wrong)" % (s["extra_count"], len(s["wrong_sig"]))
        out.append(r)
    return out


def busy_share(resdir):
    """row -> % of the load samples taken during the row's measurements
    (intervals from logs/ROW-PHASE-RUN.time: end = file mtime, start = end -
    elapsed) in which other compilers were running; None without samples."""
    samples = []
    try:
        with open(os.path.join(resdir, "loadavg.tsv")) as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if len(p) == 3 and p[0] != "time":
                    samples.append((float(p[0]), int(p[2]) > 0))
    except OSError:
        return {}
    if not samples:
        return {}
    logs = os.path.join(resdir, "logs")
    spans = {}
    for fn in os.listdir(logs) if os.path.isdir(logs) else []:
        m = re.fullmatch(r"(.+)-([a-z_]+)-(\d+)\.time", fn)
        if not m:
            continue
        path = os.path.join(logs, fn)
        el = None
        with open(path, errors="replace") as f:
            for line in f:
                line = line.strip()
                if line.startswith("Elapsed (wall clock) time"):
                    el = 0.0
                    for part in line.rsplit(" ", 1)[1].split(":"):
                        el = el * 60 + float(part)
        if el is None:
            continue
        end = os.path.getmtime(path)
        spans.setdefault(m.group(1), []).append((end - el - 2.5, end + 2.5))
    out = {}
    for row, iv in spans.items():
        hit = [b for t, b in samples if any(a <= t <= e for a, e in iv)]
        out[row] = round(100 * sum(hit) / len(hit)) if hit else None
    if "hs_bound" in out:
        out["memchr"] = out["hs_bound"]
    return out


def fmt(v, p=2):
    return "-" if v is None else ("%.*f" % (p, v))


def tprec(v):
    if v is None or v >= 1:
        return 2
    return 3 if v >= 0.1 else 4


def rows_table(rows):
    lines = ["| row | tool | runs | load s | scan s (min-max) | MiB/s | peak RSS MiB | found/expected | busy % |",
             "|---|---|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        p = tprec(r["scan_s"])
        rng = "" if r["scan_min_s"] is None or r["runs"] < 2 else " (%s-%s)" % (
            fmt(r["scan_min_s"], p), fmt(r["scan_max_s"], p))
        tool = r["tool"] + ("; " + r["note"] if r["note"] else "")
        lines.append("| `%s` | %s | %d | %s | %s%s | %s | %s | %s | %s |" % (
            r["row"], tool, r["runs"], fmt(r["load_s"], tprec(r["load_s"])), fmt(r["scan_s"], p), rng,
            fmt(r["mib_s"], 1 if (r["mib_s"] or 0) < 10 else 0), fmt(r["rss_mib"], 0), r["detections"] or "-",
            "-" if r.get("busy_pct") is None else r["busy_pct"]))
    return lines


def which_set(args, info, run_info):
    s = args.set or os.environ.get("BENCH_SET") or run_info.get("set")
    if s:
        return s, "given"
    c = info.get("sig_counts") or {}
    nhash = c.get("md5", 0) + c.get("sha256", 0)
    return ("large" if nhash >= 500000 or c.get("ndb", 0) >= 60000 else "default"), \
        "detected from the signature counts (%d hash, %d body)" % (nhash, c.get("ndb", 0))


def x(v):
    if v is None:
        return "-"
    return "%.0fx" % v if v >= 100 else ("%.1fx" % v if v >= 1 else "%.2fx" % v)


def ratio(a, b):
    return (a / b) if a is not None and b else None


def ratios(R):
    """-> markdown lines.  R: row key -> row dict."""
    def g(k, f):
        return R[k][f] if k in R else None
    lines = ["| comparison | metric | vigil | reference | ratio |", "|---|---|---:|---:|---:|"]

    def thr(cmp, vk, rk):
        a, b = g(vk, "mib_s"), g(rk, "mib_s")
        if a is None or b is None:
            return
        lines.append("| %s | scan throughput `%s` / `%s` | %s MiB/s | %s MiB/s | **%s** |" % (
            cmp, vk, rk, fmt(a, 1 if a < 10 else 0), fmt(b, 1 if b < 10 else 0), x(a / b)))

    def load(cmp, vk, rk):
        a, b = g(vk, "load_s"), g(rk, "load_s")
        if a is None or b is None:
            return
        lines.append("| %s | load time `%s` vs `%s` | %s s | %s s | **%s faster** |" % (
            cmp, vk, rk, fmt(a, tprec(a)), fmt(b, tprec(b)), x(b / a) if a else "-"))

    def rss(cmp, vk, rk):
        a, b = g(vk, "rss_mib"), g(rk, "rss_mib")
        if a is None or b is None:
            return
        rel = ("%s less" % x(b / a)) if a < b else ("%s more" % x(a / b))
        lines.append("| %s | peak RSS `%s` / `%s` | %s MiB | %s MiB | **%.2f** (%s) |" % (
            cmp, vk, rk, fmt(a, 0), fmt(b, 0), a / b, rel))

    c = "vigil vs clamscan"
    thr(c, "vigil-1", "clamscan")
    thr(c, "vigil-n", "clamscan")
    load(c, "vigil-load-vdb", "clamscan")
    load(c, "vigil-load-src", "clamscan")
    rss(c, "vigil-1", "clamscan")
    rss(c, "vigil-n", "clamscan")
    c = "vigil vs clamd multiscan"
    thr(c, "vigil-n", "clamd-multiscan")
    load(c, "vigil-load-vdb", "clamd-multiscan")
    rss(c, "vigil-n", "clamd-multiscan")
    c = "vigil vs yara"
    thr(c, "vigil-1", "yara-1")
    thr(c, "vigil-n", "yara-n")
    rss(c, "vigil-n", "yara-n")
    c = "vigil vs hs_bound"
    thr(c, "vigil-1", "hs_bound")
    thr(c, "vigil-1", "hs_bound-ldb")
    c = "vigil vs cat"
    thr(c, "vigil-n", "cat")
    return lines


def detection_set(kit, path, corpus):
    """{(relative path, signature)} from a clamscan-format output file."""
    got = kit.parse_output("clamav", path, corpus)
    return {(p, n) for p, names in got.items() for n in names}


def last_output(resdir, row):
    best, bi = None, -1
    for fn in os.listdir(os.path.join(resdir, "out")):
        m = re.fullmatch(re.escape(row) + r"-(\d+)\.txt", fn)
        if m and int(m.group(1)) > bi:
            best, bi = os.path.join(resdir, "out", fn), int(m.group(1))
    return best


def compare_outputs(resdir, kit, corpus, a, b):
    """Compare the detections (path, signature) of rows a and b's last runs."""
    pa, pb = last_output(resdir, a), last_output(resdir, b)
    if not (kit and corpus and pa and pb):
        return None
    sa, sb = detection_set(kit, pa, corpus), detection_set(kit, pb, corpus)
    return {"a": a, "b": b, "a_file": pa, "b_file": pb, "a_count": len(sa), "b_count": len(sb),
            "only_a": sorted(sa - sb), "only_b": sorted(sb - sa)}


def targets(R, which, cmps):
    def g(k, f):
        return R[k][f] if k in R else None
    big = which == "large"
    load_goal, rss_goal = (100, 3) if big else (20, 2)
    out = ["| target (%s set) | measured | result |" % which, "|---|---|---|"]

    def line(name, val, ok):
        out.append("| %s | %s | %s |" % (name, val, "n/a" if ok is None else ("**PASS**" if ok else "**MISS**")))

    cs = g("clamscan", "mib_s")
    for vk, goal, what in (("vigil-n", 20, "default threads"), ("vigil-1", 10, "one thread")):
        a = g(vk, "mib_s")
        r = ratio(a, cs)
        line("scan throughput >= %dx clamscan (%s, `%s`)" % (goal, what, vk),
             "%s (%s vs %s MiB/s)" % (x(r), fmt(a, 0), fmt(cs, 1 if cs < 10 else 0)) if r else "-",
             None if r is None else r >= goal)
    cl = g("clamscan", "load_s")
    for vk in ("vigil-load-vdb", "vigil-load-src"):
        a = g(vk, "load_s")
        r = ratio(cl, a)
        line("load >= %dx faster than clamscan (`%s`)" % (load_goal, vk),
             "%s (%s s vs %s s)" % (x(r), fmt(a, tprec(a)), fmt(cl, tprec(cl))) if r else "-",
             None if r is None else r >= load_goal)
    cr = g("clamscan", "rss_mib")
    for vk in ("vigil-n", "vigil-1"):
        a = g(vk, "rss_mib")
        r = ratio(a, cr)
        line("peak RSS <= 1/%d of clamscan's (`%s`)" % (rss_goal, vk),
             "%.2f (%s vs %s MiB)" % (r, fmt(a, 0), fmt(cr, 0)) if r else "-",
             None if r is None else r <= 1.0 / rss_goal)
    for vk in ("vigil-1", "vigil-n"):
        s = R.get(vk, {}).get("score")
        if s is None:
            line("detections identical to the manifest (`%s`)" % vk, "-", None)
            continue
        ok = s["found"] == s["expected"] and not s["extra_count"] and not s["wrong_sig"] and not s["missed"]
        line("detections identical to the manifest (`%s`)" % vk,
             "%d/%d found, %d missed, %d extra, %d wrong signature" % (
                 s["found"], s["expected"], len(s["missed"]), s["extra_count"], len(s["wrong_sig"])), ok)
    for c in cmps:
        if c["b"] != "clamscan":
            continue
        ok = not c["only_a"] and not c["only_b"]
        line("detections identical to clamscan's (`%s`)" % c["a"],
             "%d vs %d (file, signature) pairs; %d only vigil, %d only clamscan" % (
                 c["a_count"], c["b_count"], len(c["only_a"]), len(c["only_b"])), ok)
    if not any(c["b"] == "clamscan" for c in cmps):
        line("detections identical to clamscan's", "- (needs both outputs)", None)
    return out


def detection_details(rows, cmps):
    out = []
    for r in rows:
        s = r.get("score")
        if not s or not (s["missed"] or s["extra_count"] or s["wrong_sig"]):
            continue
        out.append("* `%s`: %d/%d found" % (r["row"], s["found"], s["expected"]))
        for k, what in (("missed", "missed"), ("wrong_sig", "wrong signature"), ("extra", "extra")):
            if s[k]:
                more = ""
                if k == "extra" and s["extra_count"] > len(s["extra"]):
                    more = " (first %d of %d)" % (len(s["extra"]), s["extra_count"])
                shown = s[k][:20]
                out.append("  * %s%s: %s%s" % (what, more, ", ".join("`%s`" % p for p in shown),
                                               " ..." if len(s[k]) > len(shown) else ""))
    for c in cmps:
        if not c["only_a"] and not c["only_b"]:
            out.append("* `%s` and `%s` report the same %d (file, signature) pairs" % (
                c["a"], c["b"], c["a_count"]))
            continue
        out.append("* `%s` vs `%s`: %d vs %d (file, signature) pairs" % (
            c["a"], c["b"], c["a_count"], c["b_count"]))
        for k, who in (("only_a", c["a"]), ("only_b", c["b"])):
            if c[k]:
                shown = c[k][:20]
                out.append("  * only `%s`: %s%s" % (who, ", ".join("`%s` %s" % pn for pn in shown),
                                                    " ..." if len(c[k]) > len(shown) else ""))
    return out


def header(info, run_info, dbinfo, which, why, resdir):
    def mibs(b):
        return "%.1f MiB" % (b / 2 ** 20)
    c = info.get("sig_counts") or {}
    lines = []
    lines.append("Results in `%s`, %s; %s, %s CPUs, kernel %s." % (
        resdir, info.get("date", "?"), info.get("cpu", "?"), info.get("nproc", "?"), info.get("kernel", "?")))
    lines.append("Corpus: %s files, %s (seed %s). Signatures: %s hash (%s MD5, %s SHA256), %s body, "
                 "%s logical; **%s set** (%s)." % (
                     info.get("corpus_files", "?"), mibs(info.get("corpus_bytes", 0)), info.get("corpus_seed", "?"),
                     c.get("md5", 0) + c.get("sha256", 0), c.get("md5", "?"), c.get("sha256", "?"),
                     c.get("ndb", "?"), c.get("ldb", "?"), which, why))
    vers = []
    vf = os.path.join(resdir, "vigil", "version.txt")
    if os.path.exists(vf):
        with open(vf) as f:
            vers.append(f.readline().strip())
    for k in ("clamscan", "yara"):
        if info.get(k):
            vers.append("%s %s" % (k, info[k]) if k == "yara" else info[k])
    lines.append("Versions: %s." % "; ".join(vers))
    if dbinfo:
        lines.append("vigil database: %s, %s signatures, %s patterns, engine %s, CPU features %s." % (
            mibs(dbinfo.get("file_size", 0)), dbinfo.get("signatures"), dbinfo.get("patterns"),
            dbinfo.get("pattern_engine"), dbinfo.get("cpu_features")))
    lines.append("Medians of %s runs (scan s min-max over the runs; see the runs column), warm page cache, %s threads for "
                 "the N-thread rows; load average %s at the start, %s at the end." % (
                     run_info.get("runs", info.get("runs")), run_info.get("threads", info.get("threads")),
                     run_info.get("loadavg_start", "?"), run_info.get("loadavg_end", "?")))
    la = os.path.join(resdir, "loadavg.tsv")
    if os.path.exists(la):
        loads, busy = [], 0
        with open(la) as f:
            for line in f:
                p = line.split("\t")
                if len(p) == 3 and p[0] != "time":
                    loads.append(float(p[1]))
                    busy += int(p[2]) > 0
        if loads:
            lines.append("During the run (%d samples, every 5 s): 1-minute load average median %.2f, max %.2f "
                         "(the benchmark itself counts: 1 per scanning thread); other compilers running in "
                         "%d%% of the samples." % (
                             len(loads), statistics.median(loads), max(loads), round(100 * busy / len(loads))))
    if run_info.get("kept_rows"):
        lines.append("Rows kept from an earlier run in this directory (not re-measured now): %s." % ", ".join(
            "`%s`" % k for k in run_info["kept_rows"].split()))
    return lines


NOTES = """\
* **load s**: whole-process time of scanning a 1-byte file (start-up, database
  load/compile); for `vigil-compile` the time of `vigil db compile`, for
  hs_bound the Hyperscan compile, for clamd the time to its first PONG.
* **scan s** = the corpus run's elapsed time minus the row's median load s
  (`scan` for hs_bound/cat/memchr, measured directly). **MiB/s** = corpus
  bytes on disk / scan s.
* **peak RSS**: maximum resident set of the corpus run (for the load rows,
  of the 1-byte run; for `vigil-compile`, of the compiler; clamd: VmHWM).
* **busy %**: share of the 5-second load samples taken during the row's
  measurements in which other compilers (cc1plus, ld, ninja, ...) were
  running on the machine: a noise indicator (0 = quiet).
* **found/expected**: the shared kit's scoring (`report.py score`); yara
  and hs_bound have smaller expected sets (no archives, no hash rules).
"""


def chart(rows, path, title):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no chart: matplotlib is missing; run this script with /usr/bin/python3)", file=sys.stderr)
        return False
    panels = [
        ("scan throughput, MiB/s (log)", [r for r in rows if r["mib_s"]], "mib_s", "%.3g"),
        ("load time, s (log)", [r for r in rows if r["load_s"] is not None
                                and r["row"] not in ("vigil-compile", "vigil-1", "vigil-n")], "load_s", "%.3g"),
        ("peak RSS of the scan, MiB", [r for r in rows if r["rss_mib"] is not None and r["row"] not in (
            "vigil-compile", "vigil-load-vdb", "vigil-load-src", "cat")], "rss_mib", "%.0f"),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(17, 6.5))
    for ax, (ttl, rs, key, lf) in zip(axes, panels):
        names = [SHORT.get(r["row"], r["row"]) for r in rs]
        vals = [max(r[key], 1e-4) for r in rs]
        colors = ["#d62728" if r["row"].startswith("vigil") else
                  ("#7f7f7f" if r["row"] in ("cat", "memchr", "hs_bound", "hs_bound-ldb") else "#1f77b4")
                  for r in rs]
        bars = ax.barh(range(len(rs)), vals, color=colors)
        ax.set_yticks(range(len(rs)))
        ax.set_yticklabels(names)
        ax.invert_yaxis()
        ax.set_title(ttl)
        log = "(log)" in ttl
        if log and vals:
            ax.set_xscale("log")
            ax.set_xlim(min(vals) / 2, max(vals) * 8)
        elif vals:
            ax.set_xlim(0, max(vals) * 1.25)
        for b, v in zip(bars, vals):
            ax.text(b.get_width() * (1.05 if log else 1.0) + (0 if log else max(vals) * 0.01),
                    b.get_y() + b.get_height() / 2, lf % v, va="center", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(title)
    fig.text(0.01, 0.01, "red: vigil; blue: ClamAV / YARA; grey: upper bounds (Hyperscan alone, "
             "page-cache read, memchr)", fontsize=8)
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("resdir")
    ap.add_argument("--set", choices=("default", "large"))
    ap.add_argument("--no-chart", action="store_true")
    args = ap.parse_args(argv[1:])
    res = os.path.abspath(args.resdir)
    info = load_json(os.path.join(res, "info.json"), {})
    run_info = load_json(os.path.join(res, "run-info.json"), {})
    dbinfo = load_json(os.path.join(res, "vigil", "db-info.json"))
    meas = read_measure(res)
    rows = build_rows(res, meas, info, run_info)
    for r, b in ((r, busy_share(res).get(r["row"])) for r in rows):
        r["busy_pct"] = b
    R = {r["row"]: r for r in rows}
    which, why = which_set(args, info, run_info)

    kit = shared_kit(run_info)
    corpus = run_info.get("corpus")
    cmps = []
    for a, b in (("vigil-n", "clamscan"), ("vigil-1", "clamscan"), ("vigil-1", "vigil-n")):
        if a in R and b in R:
            c = compare_outputs(res, kit, corpus, a, b)
            if c:
                cmps.append(c)

    md = ["# vigil benchmark: %s signature set" % which, ""]
    md += header(info, run_info, dbinfo, which, why, res) + [""]
    md += ["## All rows", ""] + rows_table(rows) + [""] + NOTES.splitlines() + [""]
    md += ["## Ratios", ""] + ratios(R) + [""]
    md += ["## Targets", ""] + targets(R, which, cmps) + [""]
    det = detection_details(rows, cmps)
    if det:
        md += ["## Detections", ""] + det + [""]
    png = os.path.join(res, "chart.png")
    if not args.no_chart:
        c = info.get("sig_counts") or {}
        title = "vigil vs ClamAV / YARA / Hyperscan: %.0f MiB corpus, %s signature set (%d hash, %s body, %s logical)" % (
            info.get("corpus_bytes", 0) / 2 ** 20, which, c.get("md5", 0) + c.get("sha256", 0),
            c.get("ndb", "?"), c.get("ldb", "?"))
        if chart(rows, png, title):
            md += ["![chart](chart.png)", ""]
    text = "\n".join(md)
    with open(os.path.join(res, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(res, "results.json"), "w") as f:
        json.dump({"info": info, "run_info": run_info, "set": which,
                   "rows": [{k: v for k, v in r.items() if k != "score"} for r in rows],
                   "comparisons": cmps}, f, indent=1)
    print(text)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""report.py RESULTDIR: the tables of bench/daemon.sh (RESULTDIR/results.md).

Reads RESULTDIR/measure.tsv (set, daemon, metric, clients, run, value),
the load-average samples and the verdict files; prints and writes one
section per signature set: medians over the runs, the ratios
clamd/vigild (times, latencies, RSS: how many times less vigild needs;
throughput: vigild/clamd, how many times more it does), and the issue's
targets. Standard library only.
"""
import collections
import os
import statistics
import sys

MODES = ["instream", "scan", "multiscan"]


def load(res):
    data = collections.defaultdict(list)  # (set, daemon, metric, clients) -> values
    sets = []
    with open(os.path.join(res, "measure.tsv")) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6 or parts[5] == "":
                continue
            s, d, m, c, _run, v = parts
            if s not in sets:
                sets.append(s)
            data[(s, d, m, int(c))].append(float(v))
    return sorted(sets), data


def med(data, key):
    v = data.get(key)
    return statistics.median(v) if v else None


def fmt_s(x):
    if x is None:
        return "-"
    return "%.1f ms" % (x * 1000) if x < 1 else "%.2f s" % x


def fmt_mib(kib):
    return "-" if kib is None else "%.0f MiB" % (kib / 1024)


def fmt_n(x, digits=1):
    return "-" if x is None else "%.*f" % (digits, x)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_x(r):
    if r is None:
        return "-"
    return "%.0fx" % r if r >= 100 else "%.1fx" % r if r >= 10 else "%.2fx" % r


def verdict_check(res, s, mode, clients):
    """'same' / 'differ (...)' for run 1's detections of both daemons."""
    sets = {}
    for d in ("vigild", "clamd"):
        fn = os.path.join(res, "verdicts", "%s-%s-%s-%s-1.txt" % (s, d, mode, clients))
        if not os.path.exists(fn):
            return "-"
        lines = set()
        with open(fn) as f:
            for line in f:
                path, _, what = line.rstrip("\n").partition("\t")
                lines.add((os.path.basename(path), what))
        sets[d] = lines
    if sets["vigild"] == sets["clamd"]:
        return "same %d" % len(sets["vigild"])
    only_v = len(sets["vigild"] - sets["clamd"])
    only_c = len(sets["clamd"] - sets["vigild"])
    return "differ (%d only vigild, %d only clamd)" % (only_v, only_c)


def load_summary(res, s, part):
    """The load of the latest run of set `s` that measured `part`."""
    marks = collections.defaultdict(dict)  # run id -> {"parts", "start", "end"}
    path = os.path.join(res, "loadavg-marks.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if len(p) == 6 and p[0] == s:
                    marks[p[1]]["parts"] = p[2].split()
                    marks[p[1]][p[3]] = "%s (%s)" % (p[4], p[5])
    runs = [r for r in marks if part in marks[r].get("parts", [])]
    if not runs:
        return "-"
    run = max(runs, key=int)
    text = "load averages (1, 5, 15 min) at the start %s, at the end %s" % (
        marks[run].get("start", "-"), marks[run].get("end", "-"))
    samples = []
    path = os.path.join(res, "loadavg.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                p = line.split("\t")
                if len(p) == 5 and p[0] == s and p[1] == run:
                    samples.append((float(p[3]), int(p[4])))
    if samples:
        loads = [l for l, _ in samples]
        busy = sum(1 for _, n in samples if n > 0) * 100 / len(samples)
        text += ("; every 5 s during the run (%d samples): 1-min load mean %.1f, max %.1f; "
                 "other engineers' compilers running in %.0f %% of the samples" %
                 (len(samples), statistics.mean(loads), max(loads), busy))
    return text


def section(res, s, data):
    out = []
    g = lambda d, m, c=0: med(data, (s, d, m, c))
    runs_v = len(data.get((s, "vigild", "startup_warm", 0), []))
    runs_c = len(data.get((s, "clamd", "startup", 0), []))
    out.append("### Set `%s`\n" % s)
    info = os.path.join(res, "info-%s.txt" % s)
    if os.path.exists(info):
        with open(info) as f:
            out.append("```\n" + f.read().rstrip() + "\n```\n")

    # lifecycle
    out.append("Start-up, memory, reload (medians of %d vigild / %d clamd runs); machine: %s.\n" %
               (runs_v, runs_c, load_summary(res, s, "lifecycle")))
    out.append("| measure | vigild | clamd | clamd/vigild |")
    out.append("|---|---:|---:|---:|")
    c_start, c_reload = g("clamd", "startup"), g("clamd", "reload_s")
    c_idle = g("clamd", "rss_idle")
    rows = [
        ("start-up to first PONG, cold compile cache", g("vigild", "startup_cold"), c_start, fmt_s),
        ("start-up to first PONG, warm cache", g("vigild", "startup_warm"), c_start, fmt_s),
        ("CPU time used by the first PONG, cold cache", g("vigild", "startup_cpu_cold"), g("clamd", "startup_cpu"), fmt_s),
        ("CPU time used by the first PONG, warm cache", g("vigild", "startup_cpu_warm"), g("clamd", "startup_cpu"), fmt_s),
        ("RELOAD to new verdict, sources changed (compile)", g("vigild", "reload_s_cold"), c_reload, fmt_s),
        ("RELOAD to new verdict, new database already compiled", g("vigild", "reload_s_warm"), c_reload, fmt_s),
        ("VmRSS idle after start-up (warm)", g("vigild", "rss_idle"), c_idle, fmt_mib),
        ("VmRSS idle after a cold start-up", g("vigild", "rss_idle_cold"), c_idle, fmt_mib),
        ("VmHWM of a cold start-up (compile)", g("vigild", "hwm_start_cold"), None, fmt_mib),
        ("VmHWM of a start-up (warm cache) / clamd's", g("vigild", "hwm_start_warm"), g("clamd", "hwm_start"), fmt_mib),
        ("VmRSS before RELOAD (compile)", g("vigild", "rss_before_kib_cold"), g("clamd", "rss_before_kib"), fmt_mib),
        ("peak VmRSS during RELOAD (compile)", g("vigild", "rss_peak_kib_cold"), g("clamd", "rss_peak_kib"), fmt_mib),
        ("VmRSS after RELOAD (compile)", g("vigild", "rss_after_kib_cold"), g("clamd", "rss_after_kib"), fmt_mib),
        ("peak VmRSS during RELOAD (precompiled)", g("vigild", "rss_peak_kib_warm"), g("clamd", "rss_peak_kib"), fmt_mib),
    ]
    for label, v, c, f in rows:
        out.append("| %s | %s | %s | %s |" % (label, f(v), f(c), fmt_x(ratio(c, v))))
    out.append("")
    growth = lambda d, k: ratio(g(d, "rss_peak_kib" + k), g(d, "rss_before_kib" + k))
    out.append("Peak/before RSS during reload: vigild %s (compile), %s (precompiled); clamd %s.\n" %
               (fmt_n(growth("vigild", "_cold"), 2), fmt_n(growth("vigild", "_warm"), 2),
                fmt_n(growth("clamd", ""), 2)))

    # throughput
    clients = sorted({k[3] for k in data if k[0] == s and k[2].endswith("-files_per_s")})
    if clients:
        n_v = len(data.get((s, "vigild", "instream-files_per_s", clients[0]), []))
        n_c = len(data.get((s, "clamd", "instream-files_per_s", clients[0]), []))
        out.append("Small files, throughput and latency (medians of %d vigild / %d clamd runs; "
                   "latency = connect to the end of the reply; MULTISCAN: one directory per "
                   "client, its latency that of the whole directory); machine: %s.\n" %
                   (n_v, n_c, load_summary(res, s, "throughput")))
        out.append("| command | clients | vigild files/s | vigild MiB/s | vigild p50 | vigild p99 "
                   "| clamd files/s | clamd MiB/s | clamd p50 | clamd p99 | files/s vigild/clamd "
                   "| p99 clamd/vigild | detections |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for mode in MODES:
            for c in clients:
                vf, cf = g("vigild", mode + "-files_per_s", c), g("clamd", mode + "-files_per_s", c)
                if vf is None and cf is None:
                    continue
                vm, cm = g("vigild", mode + "-mib_per_s", c), g("clamd", mode + "-mib_per_s", c)
                v50, c50 = g("vigild", mode + "-p50_ms", c), g("clamd", mode + "-p50_ms", c)
                v99, c99 = g("vigild", mode + "-p99_ms", c), g("clamd", mode + "-p99_ms", c)
                ms = lambda x: "-" if x is None else ("%.2f ms" % x if x < 100 else "%.0f ms" % x)
                out.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    mode.upper(), c, fmt_n(vf, 0), fmt_n(vm, 1), ms(v50), ms(v99),
                    fmt_n(cf, 0), fmt_n(cm, 1), ms(c50), ms(c99), fmt_x(ratio(vf, cf)),
                    fmt_x(ratio(c99, v99)), verdict_check(res, s, mode, c)))
        out.append("")
        errs = []
        for d in ("vigild", "clamd"):
            for mode in MODES:
                for c in clients:
                    for k in ("error", "noreply"):
                        v = data.get((s, d, "%s-%s" % (mode, k), c), [])
                        if any(v):
                            errs.append("%s %s c=%d: %s %s" % (d, mode, c, k, v))
        out.append("Errors / requests without a reply: " + ("; ".join(errs) if errs else "none") + ".\n")
        hw = lambda d: max((max(v) for k, v in data.items()
                            if k[0] == s and k[1] == d and k[2].endswith("-hwm_kib")), default=None)
        out.append("Peak RSS (VmHWM) over all throughput cells: vigild %s, clamd %s (clamd/vigild %s).\n" %
                   (fmt_mib(hw("vigild")), fmt_mib(hw("clamd")), fmt_x(ratio(hw("clamd"), hw("vigild")))))

    # targets
    out.append("Targets:\n")
    out.append("| target | measured | result |")
    out.append("|---|---|---|")
    t = []
    r = ratio(c_start, g("vigild", "startup_warm"))
    t.append(("start-up ≥ 100x faster than clamd (warm cache)", r, r is not None and r >= 100))
    r = ratio(c_start, g("vigild", "startup_cold"))
    t.append(("start-up ≥ 100x faster than clamd (cold cache)", r, r is not None and r >= 100))
    r = ratio(g("clamd", "startup_cpu"), g("vigild", "startup_cpu_warm"))
    t.append(("start-up ≥ 100x less CPU time than clamd (warm cache)", r, r is not None and r >= 100))
    r = ratio(c_reload, g("vigild", "reload_s_cold"))
    t.append(("reload ≥ 100x faster (sources changed, vigild compiles)", r, r is not None and r >= 100))
    r = ratio(c_reload, g("vigild", "reload_s_warm"))
    t.append(("reload ≥ 100x faster (new database precompiled)", r, r is not None and r >= 100))
    r = ratio(c_idle, g("vigild", "rss_idle"))
    t.append(("idle RSS ≤ 1/3 of clamd's (clamd/vigild ≥ 3)", r, r is not None and r >= 3))
    for k, label in (("_cold", "compile"), ("_warm", "precompiled")):
        gr = growth("vigild", k)
        t.append(("no doubling of RSS during reload (%s): peak/before < 2" % label, gr,
                  gr is not None and gr < 2))
    for mode in MODES:
        c = 8
        if mode == "multiscan" and (s, "vigild", mode + "-files_per_s", 8) not in data:
            c = 1  # one MULTISCAN: the daemon's own threads
        r = ratio(g("vigild", mode + "-files_per_s", c), g("clamd", mode + "-files_per_s", c))
        t.append(("throughput ≥ 5x clamd at %d client%s, %s" % (c, "s" if c > 1 else "", mode.upper()),
                  r, r is not None and r >= 5))
    for label, r, ok in t:
        if r is None:
            out.append("| %s | - | not measured |" % label)
        else:
            out.append("| %s | %s | %s |" % (label, fmt_x(r) if "doubling" not in label else "%.2f" % r,
                                             "PASS" if ok else "MISS"))
    out.append("")
    return "\n".join(out)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    res = argv[1]
    sets, data = load(res)
    text = "## vigild vs clamd (%s)\n\n" % res + "\n".join(section(res, s, data) for s in sets)
    with open(os.path.join(res, "results.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main(sys.argv)

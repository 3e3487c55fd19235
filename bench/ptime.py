#!/usr/bin/env python3
"""ptime.py -o LOG CMD [ARGS...]: run CMD, write a /usr/bin/time -v style log.

Like GNU time (the clock starts before the fork, stops after wait4; peak
RSS is the child's ru_maxrss) but with microsecond wall-clock resolution:
GNU time prints the elapsed time in hundredths of a second, too coarse for
vigil's load times of a few milliseconds.  The log has the lines the shared
kit's `report.py timev` reads ("Elapsed (wall clock) time", "Maximum
resident set size").  stdin/stdout/stderr are the caller's; exits with
CMD's exit status.
"""
import os
import subprocess
import sys
import time


def main(argv):
    if len(argv) < 4 or argv[1] != "-o":
        sys.exit(__doc__)
    log, cmd = argv[2], argv[3:]
    t0 = time.perf_counter()
    try:
        p = subprocess.Popen(cmd)
    except OSError as e:
        sys.stderr.write("ptime: %s: %s\n" % (cmd[0], e))
        return 127
    _, status, ru = os.wait4(p.pid, 0)
    el = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    rc = p.returncode if p.returncode >= 0 else 128 - p.returncode
    m, s = divmod(el, 60)
    with open(log, "w") as f:
        f.write('\tCommand being timed: "%s"\n' % " ".join(cmd))
        f.write("\tUser time (seconds): %.3f\n" % ru.ru_utime)
        f.write("\tSystem time (seconds): %.3f\n" % ru.ru_stime)
        f.write("\tElapsed (wall clock) time (h:mm:ss or m:ss): %d:%09.6f\n" % (m, s))
        f.write("\tElapsed seconds: %.6f\n" % el)
        f.write("\tMaximum resident set size (kbytes): %d\n" % ru.ru_maxrss)
        f.write("\tMajor (requiring I/O) page faults: %d\n" % ru.ru_majflt)
        f.write("\tMinor (reclaiming a frame) page faults: %d\n" % ru.ru_minflt)
        f.write("\tVoluntary context switches: %d\n" % ru.ru_nvcsw)
        f.write("\tInvoluntary context switches: %d\n" % ru.ru_nivcsw)
        f.write("\tExit status: %d\n" % rc)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""One check of vigild's start and compiling RELOAD (not a benchmark run):
cold start to PONG, then a new signature written and RELOAD sent, scanning
a probe until its new verdict, sampling the daemon's VmRSS every 10 ms.

  bench/daemon/compile_reload_check.py build/bin/vigild /tmp/bench-data/sigs-default/clamav
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

vigild, sigs = sys.argv[1], sys.argv[2]
root = tempfile.mkdtemp(prefix="vigil-reload-check-")
db = os.path.join(root, "db")
shutil.copytree(sigs, db)
sock = os.path.join(root, "sock")
conf = os.path.join(root, "v.conf")
with open(conf, "w") as f:
    f.write("LocalSocket %s\nDatabaseDirectory %s\nVigilCacheDirectory %s\nForeground yes\nLogFile %s\n"
            % (sock, db, os.path.join(root, "cache"), os.path.join(root, "log")))


def talk(cmd):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        s.sendall(cmd)
        return s.recv(4096)
    except OSError:
        return None


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


t = time.time()
p = subprocess.Popen([vigild, "--config", conf], stderr=subprocess.DEVNULL)
while talk(b"zPING\0") != b"PONG\0":
    time.sleep(0.01)
print("cold start %.2f s, RSS %d MiB" % (time.time() - t, rss(p.pid)))
with open(os.path.join(db, "probe.ndb"), "w") as f:
    f.write("Probe.New:0:*:%s\n" % b"probe-new-sig".hex())
probe = os.path.join(root, "probe.txt")
with open(probe, "w") as f:
    f.write("xx probe-new-sig xx\n")
peak, stop = [0], [False]


def sample():
    while not stop[0]:
        peak[0] = max(peak[0], rss(p.pid))
        time.sleep(0.01)


th = threading.Thread(target=sample)
th.start()
t = time.time()
talk(b"zRELOAD\0")
while b"Probe.New" not in (talk(b"zSCAN " + probe.encode() + b"\0") or b""):
    time.sleep(0.01)
elapsed = time.time() - t
stop[0] = True
th.join()
print("compiling reload %.2f s, daemon RSS peak %d MiB, after %d MiB" % (elapsed, peak[0], rss(p.pid)))
p.terminate()
p.wait()
shutil.rmtree(root)

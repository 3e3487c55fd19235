"""Database reloads while vigild is busy.

- Under load: client threads scan continuously (INSTREAM and SCAN, infected
  and clean) while the main thread flips a signature file in and out of the
  signature directory and asks for reloads (RELOAD and SIGUSR2) 24 times.
  No reply may be missing or wrong; the file whose verdict the flip changes
  may get either verdict meanwhile, never anything else; after the last
  reload the last verdict holds.
- A broken signature file: the reload fails, the old database stays, scans
  go on, the log names the error; once fixed, the next reload works.
- SelfCheck 1: a change of the directory is picked up without RELOAD.
"""

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_support as ds  # noqa: E402

LOAD_SECONDS = 20
RELOADS = 24
CLIENTS = 6


def b(s):
    return s.encode() if isinstance(s, str) else s


class ReloadTest(unittest.TestCase):
    def start(self, **options):
        d = ds.Daemon("vigild", options=dict({"MaxThreads": "4"}, **options))
        self.addCleanup(d.cleanup)
        self.files = {
            "eicar": b(ds.write(os.path.join(d.root, "files", "eicar.com"), ds.EICAR)),
            "clean": b(ds.write(os.path.join(d.root, "files", "clean.txt"), b"nothing here\n")),
            "switch": b(ds.write(os.path.join(d.root, "files", "switch.txt"), b"-- " + ds.SWITCH + b" --\n")),
        }
        d.start()
        self.d = d
        return d

    def switch_sig(self, on):
        path = os.path.join(self.d.db, ds.SWITCH_SIG_FILE)
        if on:
            # Written under another name and renamed: the daemon never sees
            # half a file.
            ds.write(path + ".tmp", ds.SWITCH_SIG)
            os.rename(path + ".tmp", path)
        elif os.path.exists(path):
            os.unlink(path)

    def switch_verdict(self):
        p = self.files["switch"]
        return self.d.talk(b"zSCAN " + p + b"\0")

    def found(self, path):
        return path + b": " + b(ds.SWITCH_NAME) + b" FOUND\0"

    # --------------------------------------------------------------------

    def test_reload_under_load(self):
        d = self.start()
        f = self.files
        ops = [
            (b"zINSTREAM\0" + ds.chunks(ds.EICAR, 16), [b"stream: " + b(ds.EICAR_NAME) + b" FOUND\0"]),
            (b"zINSTREAM\0" + ds.chunks(b"clean data " * 100, 300), [b"stream: OK\0"]),
            (b"zSCAN " + f["eicar"] + b"\0", [f["eicar"] + b": " + b(ds.EICAR_NAME) + b" FOUND\0"]),
            (b"nSCAN " + f["clean"] + b"\n", [f["clean"] + b": OK\n"]),
            (b"zSCAN " + f["switch"] + b"\0", [f["switch"] + b": OK\0", self.found(f["switch"])]),
            (b"zINSTREAM\0" + ds.chunks(b"x" * 1000 + ds.SWITCH, 512),
             [b"stream: OK\0", b"stream: " + b(ds.SWITCH_NAME) + b" FOUND\0"]),
            (b"zIDSESSION\0zPING\0zSCAN " + f["clean"] + b"\0zEND\0",
             [b"1: PONG\0" + b"2: " + f["clean"] + b": OK\0"]),
        ]
        stop = threading.Event()
        lock = threading.Lock()
        counts = {"ok": 0}
        failures = []

        def client(seed):
            rnd = random.Random(seed)
            while not stop.is_set():
                request, allowed = ops[rnd.randrange(len(ops))]
                try:
                    got = d.talk(request, tcp=rnd.random() < 0.3, timeout=60)
                except OSError as e:
                    got = "exception %r" % e
                with lock:
                    if got in allowed:
                        counts["ok"] += 1
                    else:
                        failures.append((request[:60], got))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        try:
            on = False
            pause = LOAD_SECONDS / RELOADS
            for i in range(RELOADS):
                on = not on
                self.switch_sig(on)
                if i % 3 == 2:
                    d.signal(signal.SIGUSR2)
                else:
                    self.assertEqual(d.talk(b"zRELOAD\0" if i % 2 else b"RELOAD"),
                                     b"RELOADING\0" if i % 2 else b"RELOADING\n")
                time.sleep(pause)
            # The last state: the signature is there.
            self.switch_sig(True)
            self.assertEqual(d.talk(b"zRELOAD\0"), b"RELOADING\0")
        finally:
            stop.set()
            for t in threads:
                t.join(120)
        print("\n%d replies checked during %d reloads, %d wrong" % (counts["ok"] + len(failures), RELOADS + 1,
                                                                  len(failures)), file=sys.stderr)
        self.assertEqual(failures[:20], [], "%d failures of %d" % (len(failures), counts["ok"] + len(failures)))
        self.assertGreater(counts["ok"], 0)
        self.assertTrue(d.running(), d.log_text()[-3000:])
        # The reload asked for last wins, and stays.
        want = self.found(self.files["switch"])
        self.assertTrue(ds.wait_for(lambda: self.switch_verdict() == want, timeout=60), d.log_text()[-3000:])
        for _ in range(10):
            self.assertEqual(self.switch_verdict(), want)
        # (A reload may fail when the file vanishes while it is read: the
        # old database is then kept, which is fine.)
        self.assertIn("Database correctly reloaded", d.log_text())

    def test_broken_signature_file_keeps_the_old_database(self):
        d = self.start()
        p = self.files["switch"]
        self.switch_sig(True)
        self.assertEqual(d.talk(b"zRELOAD\0"), b"RELOADING\0")
        self.assertTrue(ds.wait_for(lambda: self.switch_verdict() == self.found(p), timeout=60))
        # Now a malformed signature file, and the switch signature gone: had
        # the new database been taken, the switch file would turn clean.
        ds.write(os.path.join(d.db, "broken.ndb"), "this is not a signature\n")
        self.switch_sig(False)
        reloaded_before = d.log_text().count("Database correctly reloaded")
        self.assertEqual(d.talk(b"zRELOAD\0"), b"RELOADING\0")
        self.assertTrue(ds.wait_for(lambda: "ERROR" in d.log_text(), timeout=60), d.log_text()[-3000:])
        self.assertIn("broken.ndb", d.log_text())
        self.assertEqual(d.log_text().count("Database correctly reloaded"), reloaded_before)
        self.assertEqual(self.switch_verdict(), self.found(p))
        e = self.files["eicar"]
        self.assertEqual(d.talk(b"zSCAN " + e + b"\0"), e + b": " + b(ds.EICAR_NAME) + b" FOUND\0")
        self.assertEqual(d.talk(b"zINSTREAM\0" + ds.chunks(ds.EICAR, 10)),
                         b"stream: " + b(ds.EICAR_NAME) + b" FOUND\0")
        self.assertEqual(d.talk(b"zPING\0"), b"PONG\0")
        # Fixed: the next reload takes the directory as it is now.
        os.unlink(os.path.join(d.db, "broken.ndb"))
        d.signal(signal.SIGUSR2)
        self.assertTrue(ds.wait_for(lambda: self.switch_verdict() == p + b": OK\0", timeout=60),
                        d.log_text()[-3000:])
        self.assertTrue(d.running())

    def test_compile_before_reload(self):
        # An updater runs `vigild --compile` (same sources, options and
        # cache as the daemon), then RELOAD maps the result: the daemon
        # compiles nothing itself.
        d = self.start()
        p = self.files["switch"]
        compiling = "Compiling the signatures"
        self.assertEqual(d.log_text().count(compiling), 1)  # the start-up's
        self.switch_sig(True)

        def compile_now():
            return subprocess.run([ds.VIGILD, "--config", d.conf_path, "--compile"],
                                  capture_output=True, text=True, timeout=300)
        r = compile_now()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^Compiled %s: %s/\w+\.vdb\n$" % (re.escape(d.db), re.escape(d.cache)))
        r = compile_now()
        self.assertEqual((r.returncode, r.stdout.split(":")[0]), (0, "Already compiled %s" % d.db))
        self.assertEqual(d.talk(b"zRELOAD\0"), b"RELOADING\0")
        self.assertTrue(ds.wait_for(lambda: self.switch_verdict() == self.found(p), timeout=60))
        self.assertEqual(d.log_text().count(compiling), 1, d.log_text()[-3000:])
        # A broken source is reported by --compile (exit 1, file:line), and
        # the daemon's database is not touched.
        ds.write(os.path.join(d.db, "broken.ndb"), "this is not a signature\n")
        r = compile_now()
        self.assertEqual(r.returncode, 1)
        self.assertIn("broken.ndb:1", r.stderr)
        self.assertEqual(self.switch_verdict(), self.found(p))

    def test_selfcheck_picks_up_a_change(self):
        d = self.start(SelfCheck="1")
        p = self.files["switch"]
        self.assertEqual(self.switch_verdict(), p + b": OK\0")
        self.switch_sig(True)
        self.assertTrue(ds.wait_for(lambda: self.switch_verdict() == self.found(p), timeout=60),
                        d.log_text()[-3000:])
        self.assertIn("SelfCheck: Database modification detected", d.log_text())
        self.switch_sig(False)
        self.assertTrue(ds.wait_for(lambda: self.switch_verdict() == p + b": OK\0", timeout=60))


if __name__ == "__main__":
    ds.main()

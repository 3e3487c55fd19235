"""`vigil scan --daemon`: the same lines as a local `vigil scan` on the same
signatures, through vigild's Unix socket (FILDES) and over TCP (INSTREAM)."""

import os
import subprocess
import tempfile
import unittest

import daemon_support as ds


def scan_lines(argv):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    lines = sorted(l for l in r.stdout.splitlines() if l and not l.startswith(("----", "Time:", "Start Date", "End Date", "Known viruses", "Engine version", "Data scanned", "Data read")))
    return r.returncode, lines


@unittest.skipUnless(ds.VIGIL, "vigil binary not found")
class CliThroughDaemon(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = ds.Daemon()
        cls.d.start()
        cls.tree = tempfile.mkdtemp(prefix="vigil-cli-daemon-")
        ds.make_scan_tree(cls.tree)

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def local(self, *args):
        return scan_lines([ds.VIGIL, "scan", "-d", self.d.db, "--no-cache"] + list(args))

    def through(self, conf, *args):
        return scan_lines([ds.VIGIL, "scan", "--daemon", "--config", conf] + list(args))

    def client_conf(self, tcp):
        path = os.path.join(self.tree, "..", os.path.basename(self.tree) + ("-tcp" if tcp else "-unix") + ".conf")
        with open(path, "w") as f:
            if tcp:
                f.write("TCPSocket %d\nTCPAddr 127.0.0.1\n" % self.d.tcp_port)
            else:
                f.write("LocalSocket %s\n" % self.d.unix)
        return path

    def test_same_lines_as_a_local_scan(self):
        want = self.local("-r", self.tree)
        self.assertEqual(want[0], 1)
        self.assertIn("Infected files: 6", want[1])
        for tcp in (False, True):
            with self.subTest(tcp=tcp):
                self.assertEqual(self.through(self.client_conf(tcp), "-r", self.tree), want)

    def test_summary_leaves_out_what_only_the_daemon_knows(self):
        r = subprocess.run([ds.VIGIL, "scan", "--daemon", "--config", self.client_conf(False),
                            "-r", self.tree], capture_output=True, text=True, timeout=120)
        summary = r.stdout[r.stdout.index("----------- SCAN SUMMARY -----------"):].splitlines()
        keys = [line.split(":")[0] for line in summary[1:]]
        self.assertEqual(keys, ["Scanned directories", "Scanned files", "Infected files", "Time",
                                "Start Date", "End Date"])
        self.assertIn("Infected files: 6", summary)

    def test_stdin(self):
        eicar = os.path.join(self.tree, "eicar.com")
        for tcp in (False, True):
            with self.subTest(tcp=tcp), open(eicar, "rb") as f:
                r = subprocess.run([ds.VIGIL, "scan", "--no-summary", "--daemon", "--config",
                                    self.client_conf(tcp), "-"], stdin=f, capture_output=True,
                                   text=True, timeout=60)
                self.assertEqual(r.returncode, 1, r)
                self.assertEqual(r.stdout.strip(), "stdin: %s FOUND" % ds.EICAR_NAME)

    def test_unreachable_daemon_is_an_error_not_clean(self):
        conf = os.path.join(self.tree, "..", "nowhere.conf")
        with open(conf, "w") as f:
            f.write("LocalSocket /nonexistent/vigild.sock\n")
        r = subprocess.run([ds.VIGIL, "scan", "--daemon", "--config", conf,
                            os.path.join(self.tree, "clean.txt")], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 2, r)
        self.assertNotIn(": OK", r.stdout)


if __name__ == "__main__":
    ds.main()

"""Interoperability with ClamAV's own clients: clamdscan and clamdtop.

The real clamdscan runs against vigild and against the real clamd (same
signature directory, same files) in each of its modes; its output, less
the Time/Start Date/End Date lines, and its exit code must be the same.
clamdtop is run in a pseudo-terminal and must show the daemon's STATS.
Skipped (77) when clamdscan or clamd is not installed (scripts/
install-deps.sh --test installs clamav-daemon, which has both).
"""

import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_support as ds  # noqa: E402

VOLATILE = re.compile(r"^(Time: |Start Date: |End Date: )")


def normalize(text):
    lines = []
    for line in text.splitlines():
        if VOLATILE.match(line):
            continue
        lines.append(re.sub(r"fd\[\d+\]", "fd[N]", line))
    return lines


class Clients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="vigil-clamdscan-")
        cls.db = os.path.join(cls.root, "db")
        ds.make_signature_dir(cls.db)
        cls.tree = os.path.join(cls.root, "tree")
        w = lambda rel, data: ds.write(os.path.join(cls.tree, rel), data)  # noqa: E731
        w("eicar.com", ds.EICAR)
        w("clean.txt", b"hello, world\n")
        w("empty.txt", b"")
        w("marker.txt", b"a " + ds.MARKER + b" b\n")
        w("double.com", ds.EICAR + b"\n" + ds.MARKER + b"\n")
        w("with space.txt", b"clean with a space\n")
        w("sub/hashme.txt", ds.HASHME)
        w("sub/ok.txt", b"fine\n")
        w("sub/deeper/e2.com", ds.EICAR)
        w("sub/deeper/ok2.txt", b"fine too\n")
        w("cleandir/a.txt", b"a\n")
        w("cleandir/b.txt", b"b\n")
        os.symlink("eicar.com", os.path.join(cls.tree, "link-to-eicar"))
        cls.daemons = {}
        try:
            for kind in ("vigild", "clamd"):
                d = ds.Daemon(kind, db_dir=cls.db, options={"StreamMaxLength": "10M"})
                d.start()
                cls.daemons[kind] = d
                # clamdscan reads clamd.conf; vigild's own file has a key
                # clamd does not know, so the client gets a file of its own.
                ds.write(os.path.join(d.root, "client-unix.conf"),
                         "LocalSocket %s\nStreamMaxLength 10M\n" % d.unix)
                ds.write(os.path.join(d.root, "client-tcp.conf"),
                         "TCPSocket %d\nTCPAddr 127.0.0.1\nStreamMaxLength 10M\n" % d.tcp_port)
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for d in cls.daemons.values():
            d.cleanup()
        shutil.rmtree(cls.root, ignore_errors=True)

    def clamdscan(self, kind, args, transport="unix", stdin=None, stdin_file=None):
        d = self.daemons[kind]
        conf = os.path.join(d.root, "client-%s.conf" % transport)
        argv = [ds.CLAMDSCAN, "--config-file=" + conf] + list(args)
        kw = {}
        if stdin_file is not None:
            kw["stdin"] = open(stdin_file, "rb")
        elif stdin is not None:
            kw["input"] = stdin
        else:
            kw["stdin"] = subprocess.DEVNULL
        try:
            p = subprocess.run(argv, capture_output=True, timeout=120, cwd=self.root,
                               env=dict(os.environ, LC_ALL="C"), **kw)
        finally:
            if stdin_file is not None:
                kw["stdin"].close()
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def compare(self, args, transport="unix", stdin=None, stdin_file=None, sort=False, expect_rc=None):
        got = {}
        for kind in ("vigild", "clamd"):
            rc, out, err = self.clamdscan(kind, args, transport, stdin, stdin_file)
            lines = normalize(out) + ["stderr: " + l for l in normalize(err)]
            got[kind] = (rc, sorted(lines) if sort else lines)
        what = "clamdscan %s (%s)\n--- vigild\n%s\n--- clamd\n%s" % (
            " ".join(args), transport, "\n".join(got["vigild"][1]), "\n".join(got["clamd"][1]))
        self.assertEqual(got["vigild"], got["clamd"], what)
        if expect_rc is not None:
            self.assertEqual(got["vigild"][0], expect_rc, what)
        self.assertTrue(any("SCAN SUMMARY" in l for l in got["vigild"][1]) or "--no-summary" in args, what)
        return got["vigild"]

    # ------------------------------------------------------------ scans

    def test_default_mode(self):
        # CONTSCAN <abspath>: the daemon walks the tree.
        self.compare([self.tree], expect_rc=1)
        self.compare([os.path.join(self.tree, "cleandir")], expect_rc=0)
        self.compare([os.path.join(self.tree, "clean.txt"), os.path.join(self.tree, "eicar.com")], expect_rc=1)

    def test_default_mode_over_tcp(self):
        # A TCP-only configuration makes clamdscan stream each file.
        self.compare([self.tree], transport="tcp", expect_rc=1)

    def test_stream(self):
        self.compare(["--stream", self.tree], expect_rc=1)
        self.compare(["--stream", os.path.join(self.tree, "cleandir")], expect_rc=0)

    def test_fdpass(self):
        self.compare(["--fdpass", self.tree], expect_rc=1)

    def test_multiscan(self):
        # Lines in completion order: compared sorted.
        self.compare(["-m", self.tree], sort=True, expect_rc=1)
        self.compare(["-m", "--stream", self.tree], sort=True, expect_rc=1)
        self.compare(["-m", "--fdpass", self.tree], sort=True, expect_rc=1)

    def test_allmatch(self):
        rc, lines = self.compare(["--allmatch", os.path.join(self.tree, "double.com")], expect_rc=1)
        self.assertEqual(sum("FOUND" in l for l in lines), 2, lines)
        self.compare(["-z", self.tree], expect_rc=1)

    def test_infected_only_and_no_summary(self):
        self.compare(["-i", "--no-summary", self.tree], expect_rc=1)

    def test_missing_path(self):
        self.compare([os.path.join(self.tree, "nonexistent"), os.path.join(self.tree, "clean.txt")], expect_rc=2)

    def test_stdin(self):
        # A regular file on stdin goes by FILDES, a pipe by INSTREAM.
        self.compare(["-"], stdin_file=os.path.join(self.tree, "eicar.com"), expect_rc=1)
        self.compare(["-"], stdin_file=os.path.join(self.tree, "clean.txt"), expect_rc=0)
        self.compare(["-"], stdin=ds.EICAR, expect_rc=1)
        self.compare(["-"], stdin=b"just text\n", expect_rc=0)
        self.compare(["-"], stdin=ds.HASHME, transport="tcp", expect_rc=1)

    # ------------------------------------------------------- admin options

    def test_ping(self):
        for kind in ("vigild", "clamd"):
            rc, out, err = self.clamdscan(kind, ["--ping", "1"])
            self.assertEqual((rc, out, err), (0, "PONG\n", ""), kind)
            rc, out, err = self.clamdscan(kind, ["--ping", "2:1"], transport="tcp")
            self.assertEqual((rc, out), (0, "PONG\n"), kind)

    def test_version(self):
        for kind in ("vigild", "clamd"):
            rc, out, err = self.clamdscan(kind, ["--version"])
            self.assertEqual(rc, 0, kind)
            self.assertRegex(out, r"^ClamAV 1\.4\.6( \(vigil [^)]+\))?(/\d+/.+)?\n\Z")

    def test_reload(self):
        for kind in ("vigild", "clamd"):
            d = self.daemons[kind]
            rc, out, err = self.clamdscan(kind, ["--reload"])
            self.assertEqual((rc, out, err), (0, "", ""), kind)
            self.assertTrue(ds.wait_for(lambda: "Database correctly reloaded" in d.log_text(), timeout=60),
                            d.log_text())
            self.assertEqual(d.talk(b"zPING\0"), b"PONG\0")

    # ------------------------------------------------------------ clamdtop

    def clamdtop_screen(self, target, seconds=2.5):
        """Runs clamdtop on a pseudo-terminal; returns (text shown, status)."""
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.environ.update(TERM="xterm", LINES="40", COLUMNS="120")
            try:
                os.execv(ds.CLAMDTOP, [ds.CLAMDTOP, "-d", target])
            finally:
                os._exit(127)
        out = b""
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                r, _, _ = select.select([fd], [], [], 0.1)
                if r:
                    out += os.read(fd, 65536)
            os.write(fd, b"q")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                r, _, _ = select.select([fd], [], [], 0.1)
                if r:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        break
                    out += chunk
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
            else:
                os.kill(pid, signal.SIGKILL)
                done, status = os.waitpid(pid, 0)
        except OSError:  # the pty closes when clamdtop exits
            done, status = os.waitpid(pid, 0)
        finally:
            os.close(fd)
        if not done:
            done, status = os.waitpid(pid, 0)
        text = re.sub(rb"\x1b[\[(][0-9;?]*[A-Za-z]?", b" ", out).decode("utf-8", "replace")
        return re.sub(r"\s+", " ", text), status

    @unittest.skipUnless(ds.CLAMDTOP, "clamdtop is not installed")
    def test_clamdtop_reads_stats(self):
        for kind in ("vigild", "clamd"):
            d = self.daemons[kind]
            for target in (d.unix, "127.0.0.1:%d" % d.tcp_port):
                text, status = self.clamdtop_screen(target)
                what = "%s %s: %s" % (kind, target, text[-1500:])
                self.assertEqual(status, 0, what)
                self.assertIn("Details for Clamd version: ClamAV 1.4.6", text, what)
                # "Primary threads: live N idle N max 4" from THREADS:
                self.assertRegex(text, r"Primary threads: live \d+ idle \d+ max 4", what)
                self.assertRegex(text, r"Queue: \d+ items", what)
                self.assertNotRegex(text, r"(?i)error|unknown|disconnected", what)


def main():
    if not ds.CLAMDSCAN or not ds.CLAMD:
        print("clamdscan/clamd are not installed: skipping", file=sys.stderr)
        sys.exit(ds.SKIP_RETURN_CODE)
    ds.main()


if __name__ == "__main__":
    main()

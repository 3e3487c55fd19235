"""clamd.conf keys whose effect is seen from outside vigild, each checked
against vigild and, where clamd is installed, against clamd 1.4.6 run with
the same file:

- ExtendedDetectionInfo: the log line of a detection is
  "PATH: NAME(MD5:SIZE) FOUND" (MD5 and size of the top-level object, a zip
  for a member's match); the reply on the socket does not change.
- CrossFilesystems no: a directory walk does not enter a mount point inside
  the tree; SCAN/CONTSCAN answer "<mount>: Excluded (another filesystem)",
  MULTISCAN says nothing. Needs to mount a tmpfs (root, as in CI): skipped
  with the reason otherwise.
- ExcludePath: excluded entries of a walk are answered "<path>: Excluded"
  by SCAN/CONTSCAN (readdir order, before their directory's files), not by
  MULTISCAN; the same bytes as clamd.
- DetectPUA: a PUA.* signature of a .hdu file detects with `yes` only.
- LogFile locking: a second daemon on the same LogFile does not start
  ("Failed to lock the log file ...") unless it has LogFileUnlock yes; a
  clamd holding the file stops vigild too.
- LogFileMaxSize: the log is renamed to "<name>-YYYYMMDD_HHMMSS.log" past
  the size; without LogRotate the old file ends with clamd's two lines.
- SendBufTimeout: a client that stops reading its replies is dropped after
  SendBufTimeout ms without progress, not after ReadTimeout.
"""

import glob
import hashlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_support as ds  # noqa: E402


def b(s):
    return s.encode() if isinstance(s, str) else s


PUA_DATA = b"vigild test: a potentially unwanted program\n"
PUA_NAME = "PUA.Test.Unwanted.UNOFFICIAL"
FORCED = ("WARNING: Log size limit met but log file rotation turned off. "
          "Forcing log file rotation anyways.")


def zip_of(name, data):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


def found_lines(text):
    return sorted(l for l in text.splitlines() if l.endswith(" FOUND"))


class Base(unittest.TestCase):
    def daemon(self, kind="vigild", db_dir=None, **options):
        d = ds.Daemon(kind, options=options, db_dir=db_dir)
        self.addCleanup(d.cleanup)
        return d


class ExtendedDetectionInfo(Base):
    def files(self, root):
        return {
            "eicar": b(ds.write(os.path.join(root, "files", "eicar.com"), ds.EICAR)),
            "hashme": b(ds.write(os.path.join(root, "files", "hashme.txt"), ds.HASHME)),
            "zip": b(ds.write(os.path.join(root, "files", "e.zip"), zip_of("in/e.com", ds.EICAR))),
        }

    def run_scans(self, d):
        """Scans that detect; returns the replies and the log's FOUND lines."""
        f = self.files(d.root)
        with open(f["zip"], "rb") as z:
            zip_bytes = z.read()
        replies = [
            d.talk(b"zSCAN " + f["eicar"] + b"\0"),
            d.talk(b"zSCAN " + f["hashme"] + b"\0"),
            d.talk(b"zCONTSCAN " + f["zip"] + b"\0"),
            d.talk(b"zINSTREAM\0" + ds.chunks(ds.EICAR, 16)),
            d.talk(b"zINSTREAM\0" + ds.chunks(zip_bytes, 50)),
        ]
        ok = ds.wait_for(lambda: len(found_lines(d.log_text())) >= 5, timeout=10)
        self.assertTrue(ok, d.log_text()[-2000:])
        return f, zip_bytes, replies, found_lines(d.log_text())

    def expected_log(self, f, zip_bytes, extended):
        def line(name, sig, data):
            if not extended:
                return "%s: %s FOUND" % (name, sig)
            return "%s: %s(%s:%d) FOUND" % (name, sig, hashlib.md5(data).hexdigest(), len(data))
        return sorted([
            line(f["eicar"].decode(), ds.EICAR_NAME, ds.EICAR),
            line(f["hashme"].decode(), ds.HASHME_NAME, ds.HASHME),
            line(f["zip"].decode(), ds.EICAR_NAME, zip_bytes),
            line("instream(local)", ds.EICAR_NAME, ds.EICAR),
            line("instream(local)", ds.EICAR_NAME, zip_bytes),
        ])

    def expected_replies(self, f):
        found = b(ds.EICAR_NAME) + b" FOUND\0"
        return [f["eicar"] + b": " + found,
                f["hashme"] + b": " + b(ds.HASHME_NAME) + b" FOUND\0",
                f["zip"] + b": " + found,
                b"stream: " + found, b"stream: " + found]

    def check(self, kind, extended):
        d = self.daemon(kind, ExtendedDetectionInfo="yes" if extended else "no").start()
        f, zip_bytes, replies, log = self.run_scans(d)
        self.assertEqual(replies, self.expected_replies(f))
        self.assertEqual(log, self.expected_log(f, zip_bytes, extended))

    def test_vigild_logs_md5_and_size(self):
        self.check("vigild", True)

    def test_vigild_without_it_logs_the_name_only(self):
        self.check("vigild", False)

    @ds.NEEDS_CLAMD
    def test_clamd_logs_the_same(self):
        self.check("clamd", True)


class MountedTree:
    """root/tree/sub/mnt is a tmpfs holding an infected file and a
    directory with another; root/tree/sub/clean.txt is clean."""

    def __init__(self, root):
        self.tree = os.path.join(root, "tree")
        self.mnt = os.path.join(self.tree, "sub", "mnt")
        os.makedirs(self.mnt)
        ds.write(os.path.join(self.tree, "sub", "clean.txt"), b"clean\n")
        self.mounted = False
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", self.mnt],
                           capture_output=True, text=True)
        if p.returncode != 0:
            self.why = "cannot mount a tmpfs (needs root): " + (p.stderr or p.stdout).strip()
            return
        self.mounted = True
        ds.write(os.path.join(self.mnt, "e.com"), ds.EICAR)
        ds.write(os.path.join(self.mnt, "deeper", "h.txt"), ds.HASHME)

    def unmount(self):
        if self.mounted:
            subprocess.run(["umount", self.mnt], capture_output=True)
            self.mounted = False


class CrossFilesystems(Base):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="vigil-xfs-")
        os.chmod(self.work, 0o755)
        self.t = MountedTree(self.work)
        self.addCleanup(lambda: shutil.rmtree(self.work, ignore_errors=True))
        self.addCleanup(self.t.unmount)
        if not self.t.mounted:
            self.skipTest(self.t.why)

    def replies(self, d):
        tree, mnt = b(self.t.tree), b(self.t.mnt)
        out = {}
        for cmd in (b"SCAN", b"CONTSCAN", b"MULTISCAN", b"ALLMATCHSCAN"):
            out[cmd] = d.talk(b"z" + cmd + b" " + tree + b"\0")
        out[b"CONTSCAN mnt"] = d.talk(b"zCONTSCAN " + mnt + b"\0")
        return out

    def expected(self, cross):
        tree, mnt = b(self.t.tree), b(self.t.mnt)
        e = mnt + b"/e.com: " + b(ds.EICAR_NAME) + b" FOUND\0"
        h = mnt + b"/deeper/h.txt: " + b(ds.HASHME_NAME) + b" FOUND\0"
        inside = mnt + b"/e.com: " + b(ds.EICAR_NAME) + b" FOUND\0" + h
        if cross:
            multi = b"".join(sorted([e, h]))  # sorted by the test
            return {b"SCAN": e, b"CONTSCAN": inside, b"MULTISCAN": multi,
                    b"ALLMATCHSCAN": e, b"CONTSCAN mnt": inside}
        excluded = mnt + b": Excluded (another filesystem)\0"
        ok = tree + b": OK\0"
        return {b"SCAN": excluded + ok, b"CONTSCAN": excluded + ok, b"MULTISCAN": ok,
                b"ALLMATCHSCAN": excluded + ok,
                # Started inside the mount, the walk stays on its file system.
                b"CONTSCAN mnt": inside}

    def check(self, kind, cross):
        d = self.daemon(kind, CrossFilesystems="yes" if cross else "no").start()
        got = self.replies(d)
        if cross:  # MULTISCAN answers in completion order
            got[b"MULTISCAN"] = b"".join(sorted(x + b"\0" for x in ds.split_replies(got[b"MULTISCAN"], b"\0")))
        self.assertEqual(got, self.expected(cross))

    def test_vigild_does_not_enter_a_mount_point(self):
        self.check("vigild", False)

    def test_vigild_enters_it_by_default(self):
        self.check("vigild", True)

    @ds.NEEDS_CLAMD
    def test_clamd_answers_the_same(self):
        self.check("clamd", False)


class ExcludePath(Base):
    """Entries ExcludePath matches inside a walk: SCAN and CONTSCAN answer
    "<path>: Excluded" for each, in readdir order before the files of their
    directory (clamd decides while it reads the directory), MULTISCAN says
    nothing; a path named in the command is "Excluded" for all three."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="vigil-exclude-")
        os.chmod(self.root, 0o755)
        self.addCleanup(lambda: shutil.rmtree(self.root, ignore_errors=True))
        t = self.tree = os.path.join(self.root, "tree")
        for rel, data in (("aaa.com", ds.EICAR), ("skip1.txt", ds.EICAR), ("skip2.txt", b"2\n"),
                          ("clean.txt", b"c\n"), ("d1/skip3.txt", b"3\n"), ("d1/e.com", ds.EICAR),
                          ("skipd/e.com", ds.EICAR)):
            ds.write(os.path.join(t, rel), data, 0o644)
        for dirpath, dirs, _ in os.walk(t):
            os.chmod(dirpath, 0o755)

    def replies(self, kind):
        d = self.daemon(kind, ExcludePath="skip").start()
        out = {}
        for cmd in ("SCAN", "CONTSCAN", "MULTISCAN"):
            for path in (self.tree, os.path.join(self.tree, "skip1.txt")):
                out[(cmd, path)] = d.talk(("z%s %s\0" % (cmd, path)).encode())
        return out

    def test_vigild(self):
        t = self.tree
        got = self.replies("vigild")
        found = lambda rel: "%s/%s: %s FOUND" % (t, rel, ds.EICAR_NAME)
        excluded = ["%s/%s: Excluded" % (t, rel) for rel in ("skip1.txt", "skip2.txt", "skipd")]
        lines = lambda cmd, path: [x.decode() for x in ds.split_replies(got[(cmd, path)], b"\0")]
        # SCAN stops at the first infected file; the skipped entries of the
        # top directory come before it.
        self.assertEqual(sorted(lines("SCAN", t)), sorted(excluded + [found("aaa.com")]))
        self.assertEqual(lines("SCAN", t)[-1], found("aaa.com"))
        contscan = lines("CONTSCAN", t)
        self.assertEqual(sorted(contscan[:4]), sorted(excluded + [found("aaa.com")]))
        self.assertEqual(contscan[4:], ["%s/d1/skip3.txt: Excluded" % t, found("d1/e.com")])
        self.assertEqual(sorted(lines("MULTISCAN", t)), [found("aaa.com"), found("d1/e.com")])
        for cmd in ("SCAN", "CONTSCAN", "MULTISCAN"):
            self.assertEqual(lines(cmd, t + "/skip1.txt"), ["%s/skip1.txt: Excluded" % t])

    @ds.NEEDS_CLAMD
    def test_clamd_answers_the_same_bytes(self):
        v, c = self.replies("vigild"), self.replies("clamd")
        for key in v:
            if key[0] == "MULTISCAN":  # completion order
                v[key], c[key] = sorted(ds.split_replies(v[key], b"\0")), sorted(ds.split_replies(c[key], b"\0"))
            self.assertEqual(v[key], c[key], key)


class DetectPua(Base):
    def pua_db(self):
        db = tempfile.mkdtemp(prefix="vigil-pua-db-")
        self.addCleanup(lambda: shutil.rmtree(db, ignore_errors=True))
        ds.make_signature_dir(db)
        ds.write(os.path.join(db, "test.hdu"),
                 "%s:%d:PUA.Test.Unwanted\n" % (hashlib.md5(PUA_DATA).hexdigest(), len(PUA_DATA)), 0o644)
        return db

    def check(self, kind):
        db = self.pua_db()
        for value, want in (("yes", b" " + b(PUA_NAME) + b" FOUND\0"), ("no", b": OK\0")):
            d = self.daemon(kind, db_dir=db, DetectPUA=value).start()
            path = b(ds.write(os.path.join(d.root, "files", "pua.txt"), PUA_DATA))
            got = d.talk(b"zSCAN " + path + b"\0")
            self.assertTrue(got.startswith(path + b":") and got.endswith(want), (value, got))
            # The verdicts without PUA do not change.
            eicar = b(ds.write(os.path.join(d.root, "files", "e.com"), ds.EICAR))
            self.assertEqual(d.talk(b"zSCAN " + eicar + b"\0"),
                             eicar + b": " + b(ds.EICAR_NAME) + b" FOUND\0")
            d.cleanup()

    def test_vigild_loads_pua_signatures_with_yes_only(self):
        self.check("vigild")

    @ds.NEEDS_CLAMD
    def test_clamd_too(self):
        self.check("clamd")


class LogFileLock(Base):
    def second(self, first_log, kind="vigild", **options):
        """A daemon logging to `first_log`; returns (daemon, error)."""
        d = self.daemon(kind, LogFile=first_log, **options)
        try:
            d.start(timeout=60)
            return d, None
        except RuntimeError as e:
            return d, str(e)

    def test_a_second_vigild_on_the_log_file_does_not_start(self):
        first = self.daemon().start()
        d, err = self.second(first.log_path)
        self.assertIsNotNone(err, "the second vigild started")
        self.assertEqual(d.proc.returncode, 1)
        self.assertIn("vigild: Failed to lock the log file %s: Resource temporarily unavailable"
                      % first.log_path, d.stderr_text())
        self.assertTrue(first.running())

    def test_log_file_unlock_lets_both_log(self):
        first = self.daemon().start()
        d, err = self.second(first.log_path, LogFileUnlock="yes")
        self.assertIsNone(err, err)
        path = b(ds.write(os.path.join(d.root, "files", "e.com"), ds.EICAR))
        d.talk(b"zSCAN " + path + b"\0")
        self.assertTrue(ds.wait_for(lambda: path.decode() + ": " in first.log_text(), timeout=10))
        self.assertTrue(first.running())

    def test_a_vigild_in_the_background_keeps_the_lock(self):
        # Without Foreground, vigild forks after locking: the lock must go
        # with the file to the daemon, not stay with the parent that exits.
        first = self.daemon(Foreground="no", PidFile=None)
        first.options["PidFile"] = os.path.join(first.root, "vigild.pid")
        first.write_config()
        p = subprocess.run([ds.VIGILD, "--config", first.conf_path], capture_output=True, timeout=120)
        self.addCleanup(self.kill_pid_file, first.options["PidFile"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(first.talk(b"zPING\0"), b"PONG\0")
        d, err = self.second(first.log_path)
        self.assertIsNotNone(err, "the lock was lost in the fork")
        self.assertIn("Failed to lock the log file", d.stderr_text())
        self.assertEqual(first.talk(b"zSHUTDOWN\0"), b"")
        self.assertTrue(ds.wait_for(lambda: not os.path.exists(first.unix), timeout=30))

    @staticmethod
    def kill_pid_file(path):
        try:
            with open(path) as f:
                os.kill(int(f.read().strip()), 9)
        except (OSError, ValueError):
            pass

    @ds.NEEDS_CLAMD
    def test_vigild_and_clamd_exclude_each_other(self):
        clamd = self.daemon("clamd").start()
        d, err = self.second(clamd.log_path)
        self.assertIsNotNone(err, "vigild started on clamd's log file")
        self.assertIn("Failed to lock the log file", d.stderr_text())
        clamd.stop()
        vigild = self.daemon().start()
        c, err = self.second(vigild.log_path, kind="clamd")
        self.assertIsNotNone(err, "clamd started on vigild's log file")
        self.assertIn("ERROR: Failed to lock the log file %s: Resource temporarily unavailable"
                      % vigild.log_path, c.stderr_text())


class LogFileMaxSize(Base):
    ROTATED = re.compile(r"-\d{8}_\d{6}\.log$")

    def rotated(self, d):
        stem = d.log_path[:-len(".log")]
        return sorted(p for p in glob.glob(stem + "-*.log") if self.ROTATED.search(p))

    def fill(self, d):
        """Logs detections until the log is rotated once (two rotations in
        one second would give one name, the second file replacing the first,
        with clamd as with vigild)."""
        path = b(ds.write(os.path.join(d.root, "files", "h.txt"), ds.HASHME))
        for _ in range(100):  # ~80 bytes of log each
            d.talk(b"zSCAN " + path + b"\0")
            if self.rotated(d):
                return

    def check(self, kind, rotate):
        d = self.daemon(kind, LogFileMaxSize="2K", LogRotate="yes" if rotate else "no",
                        LogVerbose="no").start()
        self.fill(d)
        self.assertTrue(ds.wait_for(lambda: self.rotated(d), timeout=10), os.listdir(d.root))
        with open(self.rotated(d)[0]) as f:
            first = f.read()
        self.assertLessEqual(len(first), 2048 + 200)
        warned = "Log size = " in first and first.rstrip("\n").endswith(FORCED)
        self.assertEqual(warned, not rotate, first[-300:])
        self.assertLess(os.path.getsize(d.log_path), 2048 + 200)

    def test_vigild_without_log_rotate_rotates_with_clamds_warning(self):
        self.check("vigild", False)

    def test_vigild_with_log_rotate(self):
        self.check("vigild", True)

    @ds.NEEDS_CLAMD
    def test_clamd_without_log_rotate(self):
        self.check("clamd", False)


class SendBufTimeout(Base):
    COMMAND = b"zVERSIONCOMMANDS\0"

    def flood(self, d):
        """An IDSESSION that sends commands without reading a reply until
        vigild stops reading it (2 s without progress). Returns the socket
        and the bytes of commands sent (the last one may be cut)."""
        s = d.connect()
        s.sendall(b"zIDSESSION\0")
        s.setblocking(False)
        block = self.COMMAND * 1000
        sent, at = 0, 0
        last = time.monotonic()
        while time.monotonic() - last < 2 and sent < 300 * len(block):
            try:
                n = s.send(block[at:])
            except BlockingIOError:
                time.sleep(0.01)
                continue
            except (BrokenPipeError, ConnectionResetError):
                break  # dropped already
            sent += n
            at = (at + n) % len(block)
            last = time.monotonic()
        self.assertLess(sent, 300 * len(block), "vigild read everything")
        s.setblocking(True)
        return s, sent

    def drain(self, s, seconds):
        """Reads for up to `seconds`; returns (data, closed)."""
        s.settimeout(seconds)
        data = b""
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                chunk = s.recv(1 << 16)
                if not chunk:
                    return data, True
                data += chunk
        except ConnectionResetError:
            # Closed with our commands unread: a unix socket reports that so.
            return data, True
        except socket.timeout:
            pass
        return data, False

    def ids(self, data):
        return [int(r.split(b":", 1)[0]) for r in ds.split_replies(data, b"\0") if b":" in r]

    def test_a_client_that_stops_reading_is_dropped_after_the_timeout(self):
        d = self.daemon(SendBufTimeout="300", ReadTimeout="60", CommandReadTimeout="60").start()
        s, sent = self.flood(d)
        with s:
            time.sleep(3)  # well past 300 ms, far from ReadTimeout
            data, closed = self.drain(s, 20)
        self.assertTrue(closed, "still open, %d bytes read" % len(data))
        ids = self.ids(data)
        self.assertEqual(ids, list(range(1, len(ids) + 1)))  # cut at the end only
        self.assertLess(len(ids), sent // len(self.COMMAND))
        self.assertTrue(d.running())
        self.assertEqual(d.talk(b"zPING\0"), b"PONG\0")

    def test_a_long_timeout_keeps_the_client(self):
        d = self.daemon(SendBufTimeout="60000", ReadTimeout="60", CommandReadTimeout="60").start()
        s, sent = self.flood(d)
        with s:
            time.sleep(3)
            # The client reads again: everything is answered and the
            # session goes on.
            got = []
            reader = threading.Thread(target=lambda: got.append(ds.recv_all(s)))
            reader.start()
            rest = self.COMMAND[sent % len(self.COMMAND):] if sent % len(self.COMMAND) else b""
            s.sendall(rest + b"zPING\0zEND\0")
            reader.join(60)
        commands = -(-sent // len(self.COMMAND))  # the cut one completed
        ids = self.ids(got[0])
        self.assertEqual(ids, list(range(1, commands + 2)))
        self.assertTrue(got[0].endswith(b"%d: PONG\0" % (commands + 1)), got[0][-200:])


if __name__ == "__main__":
    ds.main()

"""vigild started as root with `User nobody`: what it may and may not read.

The issue's rule: "a client cannot make vigild read what its configured user
cannot". vigild binds its sockets, writes its PID file and gives its log file
to the user as root, then drops to the user before it serves anyone. SCAN and
its kin then open paths with the user's rights only: a file the user may not
read is "Access denied. ERROR", a directory it may not enter is "File path
check failure: Permission denied. ERROR", in the same places and words as
clamd 1.4.6 run the same way (compared when clamd is installed). FILDES is
the way for a client to have a file scanned that only the client may read.

Needs root (CI runs as root) and the user "nobody"; skipped (77) otherwise.
"""

import os
import pwd
import signal
import socket
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_support as ds  # noqa: E402

USER = "nobody"


def make_tree(top):
    """A tree with files and directories `nobody` may not read.
    Returns {name: path}."""
    os.makedirs(top)
    os.chmod(top, 0o755)

    def f(rel, data, mode=0o644):
        return ds.write(os.path.join(top, rel), data, mode)

    def d(rel, mode=0o755):
        path = os.path.join(top, rel)
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
        return path

    p = {}
    # t: a clean file, an unreadable file, an unreadable directory, and an
    # infected file in a readable sub-directory.
    p["t"] = d("t")
    f("t/a.txt", b"hello\n")
    p["t_noread"] = f("t/noread.txt", b"y\n", 0o600)
    d("t/locked")
    f("t/locked/inside.txt", ds.MARKER)
    os.chmod(os.path.join(top, "t/locked"), 0o700)
    d("t/sub")
    f("t/sub/e.com", ds.EICAR)
    # u: only an unreadable file; w: a clean file and an unreadable
    # directory; x: only an unreadable directory; empty: nothing.
    p["u"] = d("u")
    f("u/noread.txt", b"y\n", 0o600)
    p["w"] = d("w")
    f("w/ok.txt", b"q\n")
    d("w/locked", 0o700)
    p["x"] = d("x")
    d("x/locked", 0o700)
    p["empty"] = d("empty")
    # An infected file only root may read, and one in a directory only root
    # may enter.
    p["secret_dir"] = d("secret")
    p["secret"] = f("secret/eicar.com", ds.EICAR, 0o600)
    p["hidden_dir"] = d("hidden")
    p["hidden"] = f("hidden/eicar.com", ds.EICAR)
    os.chmod(p["hidden_dir"], 0o700)
    p["missing"] = os.path.join(p["hidden_dir"], "nonexistent")
    return p


def scan(daemon, command, path):
    return daemon.talk(("z%s %s\0" % (command, path)).encode())


def replies(data, sort):
    lines = [x.decode() for x in data.split(b"\0") if x]
    return sorted(lines) if sort else lines


@unittest.skipUnless(os.geteuid() == 0, "needs root to start vigild as another user")
class AsNobody(unittest.TestCase):
    KIND = "vigild"

    @classmethod
    def setUpClass(cls):
        try:
            cls.pw = pwd.getpwnam(USER)
        except KeyError:
            raise unittest.SkipTest("no user %s" % USER)
        cls.base = tempfile.mkdtemp(prefix="vigil-priv-")
        os.chmod(cls.base, 0o755)
        cls.tree = make_tree(os.path.join(cls.base, "tree"))
        cls.daemons = {}

    @classmethod
    def tearDownClass(cls):
        for d in cls.daemons.values():
            d.cleanup()
        ds.shutil.rmtree(cls.base, ignore_errors=True)

    @classmethod
    def daemon(cls, kind, extra=None):
        """One daemon of `kind` running as USER (started once per kind)."""
        key = (kind, tuple(sorted((extra or {}).items())))
        if key in cls.daemons:
            return cls.daemons[key]
        root = tempfile.mkdtemp(prefix="%s-" % kind, dir=cls.base)
        # clamd binds its socket after it dropped to the user.
        os.chmod(root, 0o777)
        tmp = os.path.join(root, "tmp")
        os.makedirs(tmp)
        os.chmod(tmp, 0o1777)
        options = {"User": USER, "TCPSocket": None, "TCPAddr": None,
                   "PidFile": os.path.join(root, "daemon.pid"), "TemporaryDirectory": tmp}
        if kind == "vigild":
            # Not there yet: vigild creates it for the user.
            options["VigilCacheDirectory"] = os.path.join(root, "cache-for-user")
        options.update(extra or {})
        d = ds.Daemon(kind, options=options, root=root, tcp=False)
        cls.daemons[key] = d
        d.start()
        return d

    # -- the process

    def test_runs_as_the_user(self):
        d = self.daemon("vigild")
        with open("/proc/%d/status" % d.proc.pid) as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        self.assertEqual(status["Uid"].split(), [str(self.pw.pw_uid)] * 4)
        self.assertEqual(status["Gid"].split(), [str(self.pw.pw_gid)] * 4)
        self.assertEqual(status["CapEff"].strip(), "0" * 16)

    def test_pid_file_written_before_the_drop(self):
        d = self.daemon("vigild")
        with open(d.options["PidFile"]) as f:
            self.assertEqual(int(f.read()), d.proc.pid)

    def test_socket_mode_and_owner(self):
        d = self.daemon("vigild")
        st = os.stat(d.unix)
        self.assertEqual(st.st_mode & 0o777, 0o660)
        self.assertEqual(st.st_uid, 0)  # bound as root, before the drop

    def test_log_file_is_the_users_and_reopens(self):
        d = self.daemon("vigild")
        st = os.stat(d.log_path)
        self.assertEqual((st.st_uid, st.st_gid), (self.pw.pw_uid, self.pw.pw_gid))
        # logrotate moves the log away; SIGHUP makes the user open a new one.
        os.rename(d.log_path, d.log_path + ".1")
        d.signal(signal.SIGHUP)
        self.assertTrue(ds.wait_for(lambda: "SIGHUP caught" in d.log_text()), d.stderr_text())
        self.assertEqual(os.stat(d.log_path).st_uid, self.pw.pw_uid)
        path = self.tree["t"] + "/sub/e.com"
        self.assertEqual(scan(d, "SCAN", path), ("%s: %s FOUND\0" % (path, ds.EICAR_NAME)).encode())
        self.assertTrue(ds.wait_for(lambda: "e.com: %s FOUND" % ds.EICAR_NAME in d.log_text()),
                        d.log_text())

    # -- what the user may read

    def test_unreadable_file(self):
        d = self.daemon("vigild")
        self.assertEqual(scan(d, "SCAN", self.tree["secret"]),
                         ("%s: Access denied. ERROR\0" % self.tree["secret"]).encode())

    def test_file_in_a_directory_the_user_cannot_enter(self):
        d = self.daemon("vigild")
        for name in ("hidden", "missing"):
            path = self.tree[name]
            self.assertEqual(scan(d, "SCAN", path),
                             ("%s: File path check failure: Permission denied. ERROR\0" % path).encode())

    def test_fildes_scans_what_the_client_may_read(self):
        d = self.daemon("vigild")
        with open(self.tree["secret"], "rb") as f:
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(30)
            s.connect(d.unix)
            s.sendmsg([b"zFILDES\0"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                        struct.pack("i", f.fileno()))])
            reply = ds.recv_all(s)
            s.close()
        self.assertRegex(reply.decode(), r"^fd\[\d+\]: %s FOUND\0$" % ds.EICAR_NAME)

    def test_directory_walks(self):
        d = self.daemon("vigild")
        t = self.tree
        expected = {
            ("SCAN", "t"): ["{t}/noread.txt: Access denied. ERROR",
                            "{t}/locked: File path check failure: Permission denied. ERROR",
                            "{t}/sub/e.com: %s FOUND" % ds.EICAR_NAME],
            ("CONTSCAN", "u"): ["{u}/noread.txt: Access denied. ERROR", "{u}: OK"],
            ("SCAN", "x"): ["{x}/locked: File path check failure: Permission denied. ERROR", "{x}: OK"],
            ("MULTISCAN", "u"): ["{u}/noread.txt: Access denied. ERROR"],
            ("MULTISCAN", "w"): ["{w}/locked: File path check failure: Permission denied. ERROR",
                                 "{w}: OK"],
            ("MULTISCAN", "x"): ["{x}/locked: File path check failure: Permission denied. ERROR"],
            ("MULTISCAN", "empty"): [],
            ("SCAN", "hidden_dir"): ["{hidden_dir}: File path check failure: Permission denied. ERROR",
                                     "{hidden_dir}: OK"],
        }
        for (command, name), want in expected.items():
            want = [w.format(**t) for w in want]
            got = replies(scan(d, command, t[name]), command == "MULTISCAN")
            self.assertEqual(got, sorted(want) if command == "MULTISCAN" else want,
                             "%s %s" % (command, name))

    def test_same_replies_as_clamd(self):
        if not ds.CLAMD:
            self.skipTest("clamd is not installed")
        v, c = self.daemon("vigild"), self.daemon("clamd")
        for command in ("SCAN", "CONTSCAN", "MULTISCAN"):
            for name in ("t", "u", "w", "x", "empty", "secret", "hidden", "missing", "hidden_dir",
                         "secret_dir"):
                path = self.tree[name]
                sort = command == "MULTISCAN"
                self.assertEqual(replies(scan(v, command, path), sort),
                                 replies(scan(c, command, path), sort), "%s %s" % (command, name))

    # -- what the user may write

    def test_reload_after_the_drop_compiles_into_the_users_cache(self):
        d = self.daemon("vigild", {"LogVerbose": "yes", "SelfCheck": "0"})
        sample = ds.write(os.path.join(self.base, "switch-%d.txt" % os.getpid()), ds.SWITCH, 0o644)
        self.assertEqual(scan(d, "SCAN", sample), ("%s: OK\0" % sample).encode())
        ds.write(os.path.join(d.db, ds.SWITCH_SIG_FILE), ds.SWITCH_SIG, 0o644)
        self.assertEqual(d.talk(b"zRELOAD\0"), b"RELOADING\0")
        self.assertTrue(ds.wait_for(
            lambda: scan(d, "SCAN", sample) == ("%s: %s FOUND\0" % (sample, ds.SWITCH_NAME)).encode(),
            timeout=120), d.log_text())
        cache = d.options["VigilCacheDirectory"]
        st = os.stat(cache)
        self.assertEqual(st.st_uid, self.pw.pw_uid)
        owners = {os.stat(os.path.join(cache, n)).st_uid for n in os.listdir(cache) if n.endswith(".vdb")}
        # The start-up compile (as root) and the reload's (as the user).
        self.assertIn(self.pw.pw_uid, owners, os.listdir(cache))
        self.assertNotIn("not writable", d.log_text())

    def test_unwritable_temporary_directory_does_not_hide_detections(self):
        # clamd 1.4.6 answers "OK" for EICAR when its TemporaryDirectory is
        # not writable by its User (it fails open); vigild scans in memory.
        tmp = os.path.join(self.base, "roots-tmp")
        os.makedirs(tmp, exist_ok=True)
        os.chmod(tmp, 0o755)
        d = self.daemon("vigild", {"TemporaryDirectory": tmp})
        path = self.tree["t"] + "/sub/e.com"
        self.assertEqual(scan(d, "SCAN", path), ("%s: %s FOUND\0" % (path, ds.EICAR_NAME)).encode())


if __name__ == "__main__":
    ds.main()

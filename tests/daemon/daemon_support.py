"""Shared helpers of the vigild tests (tests/daemon).

Each test starts the real vigild (or, to compare, the real clamd of
ClamAV 1.4.6) on a private unix socket and a free loopback TCP port, with a
configuration file, a signature directory, a temporary directory and a
compiled-database cache of its own, all in a temporary directory. Samples
are made at test time: EICAR is assembled from parts, never stored.

Binaries come from the command line (CTest passes them):
    --vigild PATH   the daemon under test (else $VIGILD_BIN, else
                    build*/bin/vigild next to the sources)
    --vigil PATH    the CLI (optional)
"""

import atexit
import hashlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
SKIP_RETURN_CODE = 77

# The EICAR test file, assembled so that this source file is not detected.
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-" + "ANTIVIRUS-TEST-FILE!$H+H*").encode()
assert len(EICAR) == 68

# Harmless contents the test database detects.
MARKER = b"VIGIL-DAEMON-TEST-MARKER-7d1e"          # test.ndb: Test.Marker
HASHME = b"vigild test: this exact content is in test.hdb\n"  # test.hdb: Test.HashMe
# A marker that only the optional "extra" signature file detects (used to
# flip a file's verdict by a reload).
SWITCH = b"VIGIL-DAEMON-TEST-SWITCH-52aa"
SWITCH_SIG_FILE = "switch.ndb"
SWITCH_SIG = "Test.Switch:0:*:%s\n" % SWITCH.hex()

EICAR_NAME = "Eicar-Signature.UNOFFICIAL"
MARKER_NAME = "Test.Marker.UNOFFICIAL"
HASHME_NAME = "Test.HashMe.UNOFFICIAL"
SWITCH_NAME = "Test.Switch.UNOFFICIAL"


def _take_arg(name):
    for i, a in enumerate(sys.argv):
        if a == name and i + 1 < len(sys.argv):
            path = sys.argv[i + 1]
            del sys.argv[i:i + 2]
            return os.path.abspath(path)
        if a.startswith(name + "="):
            del sys.argv[i]
            return os.path.abspath(a.split("=", 1)[1])
    return None


def _find_binary(arg, env, name):
    path = _take_arg(arg) or (os.path.abspath(os.environ[env]) if os.environ.get(env) else None)
    if path:
        return path
    for d in sorted(os.listdir(SOURCE_DIR)):
        p = os.path.join(SOURCE_DIR, d, "bin", name)
        if d.startswith("build") and os.access(p, os.X_OK):
            return p
    return None


VIGILD = _find_binary("--vigild", "VIGILD_BIN", "vigild")
VIGIL = _find_binary("--vigil", "VIGIL_BIN", "vigil")
CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if os.access("/usr/sbin/clamd", os.X_OK) else None)
CLAMDSCAN = shutil.which("clamdscan")
CLAMDTOP = shutil.which("clamdtop")
NEEDS_CLAMD = unittest.skipUnless(CLAMD, "clamd is not installed")


def main():
    """unittest.main(), after checking that vigild exists."""
    if VIGILD is None or not os.access(VIGILD, os.X_OK):
        print("vigild binary not found: pass --vigild PATH or set VIGILD_BIN", file=sys.stderr)
        sys.exit(2)
    unittest.main(verbosity=2)


# ------------------------------------------------------------------ samples


def write(path, data, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    if mode is not None:
        os.chmod(path, mode)
    return path


def make_signature_dir(db_dir):
    """test.ndb: EICAR by its string and MARKER; test.hdb: HASHME by MD5."""
    os.makedirs(db_dir, exist_ok=True)
    write(os.path.join(db_dir, "test.ndb"),
          "Eicar-Signature:0:*:%s\n" % EICAR.hex()
          + "Test.Marker:0:*:%s\n" % MARKER.hex())
    write(os.path.join(db_dir, "test.hdb"),
          "%s:%d:Test.HashMe\n" % (hashlib.md5(HASHME).hexdigest(), len(HASHME)))
    for name in os.listdir(db_dir):
        os.chmod(os.path.join(db_dir, name), 0o644)
    os.chmod(db_dir, 0o755)


SIGTOOL = shutil.which("sigtool")


def make_daily_cud(db_dir, version=27999):
    """An unsigned daily.cud (ClamAV's container, built by sigtool) holding
    the test signatures, so that VERSION shows a daily version and date.
    Returns the build time (seconds since the epoch) from its header."""
    work = tempfile.mkdtemp(prefix="vigil-cud-")
    try:
        make_signature_dir(work)
        os.rename(os.path.join(work, "test.ndb"), os.path.join(work, "daily.ndb"))
        os.rename(os.path.join(work, "test.hdb"), os.path.join(work, "daily.hdb"))
        write(os.path.join(work, "COPYING"), "test signatures\n")
        # sigtool asks for the version and the builder's name.
        p = subprocess.run([SIGTOOL, "--unsigned", "--build=daily.cud", "--datadir=" + work],
                           input=b"%d\nvigil-tests\n" % version, cwd=work, capture_output=True, timeout=120)
        cud = os.path.join(work, "daily.cud")
        if not os.path.exists(cud):
            raise RuntimeError("sigtool --build failed: %r" % (p.stdout + p.stderr))
        with open(cud, "rb") as f:
            header = f.read(512).rstrip(b"\0 ").decode()
        os.makedirs(db_dir, exist_ok=True)
        shutil.copy(cud, os.path.join(db_dir, "daily.cud"))
        return int(header.split(":")[8])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def make_scan_tree(root):
    """Files the protocol tests scan. Returns a dict of useful paths."""
    p = {
        "eicar": write(os.path.join(root, "eicar.com"), EICAR),
        "clean": write(os.path.join(root, "clean.txt"), b"hello, world\n"),
        "empty": write(os.path.join(root, "empty.txt"), b""),
        "marker": write(os.path.join(root, "marker.txt"), b"a " + MARKER + b" b\n"),
        "hashme": write(os.path.join(root, "hashme.txt"), HASHME),
        # Two signatures in one file: ALLMATCHSCAN names both.
        "double": write(os.path.join(root, "double.com"), EICAR + b"\n" + MARKER + b"\n"),
        "spaced": write(os.path.join(root, "clean dir", "with space.txt"), b"clean\n"),
    }
    p["clean_dir"] = os.path.join(root, "clean dir")
    # A directory with two infected files (one in a sub-directory) and a
    # clean one.
    two = os.path.join(root, "two")
    write(os.path.join(two, "hashme.txt"), HASHME)
    write(os.path.join(two, "sub", "e2.com"), EICAR)
    write(os.path.join(two, "sub", "ok.txt"), b"fine\n")
    p["two"] = two
    p["two_files"] = [os.path.join(two, "hashme.txt"), os.path.join(two, "sub", "e2.com")]
    return p


# --------------------------------------------------------------- processes


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortTaken(Exception):
    pass


_STARTED = []


@atexit.register
def _kill_leftovers():
    """A test that died half-way leaves no daemon behind."""
    for d in _STARTED:
        d.kill()


class Daemon:
    """One vigild (kind "vigild") or clamd (kind "clamd") with a private
    configuration. `options` are clamd.conf keys (value None drops a key);
    `db_dir` defaults to a fresh test signature directory."""

    def __init__(self, kind="vigild", options=None, db_dir=None, root=None, tcp=True):
        self.kind = kind
        self.root = root or tempfile.mkdtemp(prefix="vigil-%s-" % kind)
        self.own_root = root is None
        self.db = db_dir or os.path.join(self.root, "db")
        if db_dir is None:
            make_signature_dir(self.db)
        self.tmp = os.path.join(self.root, "tmp")
        self.cache = os.path.join(self.root, "cache")
        os.makedirs(self.tmp, exist_ok=True)
        os.makedirs(self.cache, exist_ok=True)
        self.unix = os.path.join(self.root, "%s.sock" % kind)
        if len(self.unix) > 100:  # sun_path is 108 bytes
            self.unix = os.path.join(tempfile.mkdtemp(prefix="vd-", dir="/tmp"), "s")
        self.log_path = os.path.join(self.root, "%s.log" % kind)
        self.stderr_path = os.path.join(self.root, "%s.stderr" % kind)
        self.conf_path = os.path.join(self.root, "%s.conf" % kind)
        self.tcp_port = free_tcp_port() if tcp else None
        opts = {
            "LocalSocket": self.unix,
            "TCPSocket": str(self.tcp_port) if tcp else None,
            "TCPAddr": "127.0.0.1" if tcp else None,
            "DatabaseDirectory": self.db,
            "TemporaryDirectory": self.tmp,
            "LogFile": self.log_path,
            "LogVerbose": "yes",
            "Foreground": "yes",
            "MaxThreads": "4",
            "StreamMaxLength": "1M",
            "CommandReadTimeout": "10",
            "SelfCheck": "0" if kind == "vigild" else "3600",
        }
        if kind == "vigild":
            opts["VigilCacheDirectory"] = self.cache
        opts.update(options or {})
        self.options = opts
        self.proc = None

    # -- configuration

    def write_config(self):
        lines = ["# written by tests/daemon/daemon_support.py"]
        for k, v in self.options.items():
            if v is None:
                continue
            for one in (v if isinstance(v, (list, tuple)) else [v]):
                lines.append("%s %s" % (k, one))
        write(self.conf_path, "\n".join(lines) + "\n")

    def argv(self):
        if self.kind == "vigild":
            return [VIGILD, "--config", self.conf_path, "--foreground"]
        return [CLAMD, "--config-file=" + self.conf_path]

    # -- life cycle

    def start(self, timeout=120):
        for attempt in range(3):
            try:
                return self._start(timeout)
            except PortTaken:
                # Another process took the free port between our probe and
                # the daemon's bind: take another one.
                self.stderr.close()
                self.tcp_port = free_tcp_port()
                self.options["TCPSocket"] = str(self.tcp_port)
        return self._start(timeout)

    def _start(self, timeout):
        self.write_config()
        log_start = len(self.log_text())
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self.stderr,
                                     stderr=self.stderr, cwd=self.root)
        _STARTED.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                text = self.stderr_text() + self.log_text()
                if self.tcp_port and "in use" in text and str(self.tcp_port) in text:
                    raise PortTaken()
                raise RuntimeError("%s exited with %d while starting:\n%s" % (
                    self.kind, self.proc.returncode, text))
            if os.path.exists(self.unix):
                try:
                    if self.talk(b"zPING\0", timeout=5) == b"PONG\0":
                        break
                except OSError:
                    pass
            time.sleep(0.05)
        else:
            self.kill()
            raise RuntimeError("%s did not answer PING within %d s:\n%s" % (self.kind, timeout, self.log_text()))
        if self.tcp_port:
            # clamd goes on without its TCP socket when the bind fails.
            try:
                ok = self.talk(b"zPING\0", tcp=True, timeout=5) == b"PONG\0"
            except OSError:
                ok = False
            if not ok or "Cannot bind" in self.log_text()[log_start:]:
                self.kill()
                if os.path.exists(self.unix):
                    os.unlink(self.unix)
                raise PortTaken()
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, timeout=30):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=30):
        """SIGTERM, then SIGKILL after `timeout`. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if self.wait_exit(timeout) is None:
                self.kill()
        self.stderr.close()
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def signal(self, sig):
        self.proc.send_signal(sig)

    def cleanup(self):
        self.stop()
        if self.own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    # -- logs

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # -- sockets

    def connect(self, tcp=False, timeout=30):
        """A connected socket (unix by default) with a safety-net timeout."""
        if tcp:
            s = socket.create_connection(("127.0.0.1", self.tcp_port), timeout=timeout)
        else:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(timeout)
            s.connect(self.unix)
        return s

    def talk(self, data, tcp=False, timeout=30, shut_wr=False):
        """Sends `data` in one write and returns everything received until
        the daemon closes the connection."""
        with self.connect(tcp, timeout) as s:
            if data:
                s.sendall(data)
            if shut_wr:
                s.shutdown(socket.SHUT_WR)
            return recv_all(s)


def recv_all(s):
    """Reads until EOF (or a reset, which ends the data too)."""
    chunks = []
    while True:
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            break
        if not b:
            break
        chunks.append(b)
    return b"".join(chunks)


def recv_until(s, terminator, count=1):
    """Reads until `terminator` was seen `count` times (or EOF)."""
    data = b""
    while data.count(terminator) < count:
        b = s.recv(65536)
        if not b:
            break
        data += b
    return data


def chunks(data, size):
    """INSTREAM framing of `data` in chunks of `size`, with the end mark."""
    out = bytearray()
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += struct.pack(">I", len(part)) + part
    out += b"\0\0\0\0"
    return bytes(out)


def split_replies(data, term):
    """Replies of a session, split on `term` (last one may be partial)."""
    parts = data.split(term)
    if parts and parts[-1] == b"":
        parts.pop()
    return parts


def wait_for(pred, timeout=30, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return pred()

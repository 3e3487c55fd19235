"""Shared helpers of the end-to-end tests of `vigil scan`.

The tests run the vigil binary and, where installed, clamscan on the same
files with the same signature database, and compare what they print.
Samples are made at test time: EICAR is assembled from parts, never stored.

The vigil binary is found from `--vigil PATH` on the command line (CTest
passes it), else $VIGIL_BIN, else build*/bin/vigil next to the sources.
"""

import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
GOLDEN_DIR = os.path.join(HERE, "golden")

# The EICAR anti-malware test file, assembled so that this source file is
# not itself detected.
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-" + "ANTIVIRUS-TEST-FILE!$H+H*").encode()
assert len(EICAR) == 68

# Harmless markers the test database detects.
MARKER_A = b"VIGIL-E2E-MARKER-ALPHA-1f4c"
MARKER_B = b"VIGIL-E2E-MARKER-BRAVO-93d0"
HASHED = b"vigil e2e: this exact content is listed in test.hdb\n"

SKIP_RETURN_CODE = 77  # CTest SKIP_RETURN_CODE: the whole module skipped


def _find_vigil():
    for i, a in enumerate(sys.argv):
        if a == "--vigil" and i + 1 < len(sys.argv):
            path = sys.argv[i + 1]
            del sys.argv[i:i + 2]
            return os.path.abspath(path)
        if a.startswith("--vigil="):
            del sys.argv[i]
            return os.path.abspath(a.split("=", 1)[1])
    if os.environ.get("VIGIL_BIN"):
        return os.path.abspath(os.environ["VIGIL_BIN"])
    for d in sorted(os.listdir(SOURCE_DIR)):
        p = os.path.join(SOURCE_DIR, d, "bin", "vigil")
        if d.startswith("build") and os.access(p, os.X_OK):
            return p
    return None


VIGIL = _find_vigil()
CLAMSCAN = shutil.which("clamscan")
NEEDS_CLAMSCAN = unittest.skipUnless(CLAMSCAN, "clamscan is not installed")


def main(needs_clamscan=False):
    """unittest.main(), exiting 77 (skipped) when nothing could run."""
    if VIGIL is None or not os.access(VIGIL, os.X_OK):
        print("vigil binary not found: pass --vigil PATH or set VIGIL_BIN", file=sys.stderr)
        sys.exit(2)
    if needs_clamscan and not CLAMSCAN:
        print("clamscan is not installed: skipping", file=sys.stderr)
        sys.exit(SKIP_RETURN_CODE)
    unittest.main(verbosity=2)


# ---------------------------------------------------------------- processes


class Run:
    """The outcome of one process: rc, stdout, stderr (text)."""

    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err

    def __repr__(self):
        return "Run(%r, rc=%d)\n--- stdout\n%s--- stderr\n%s" % (self.argv, self.rc, self.out, self.err)


def run(argv, cwd=None, stdin=None, env=None, user=None, timeout=60):
    """Runs argv; `stdin` is bytes, or a file name to redirect from."""
    if user is not None:
        argv = ["setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups", "--"] + argv
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env.setdefault("LC_ALL", "C")
    stdin_file = None
    kwargs = {}
    if isinstance(stdin, str):
        stdin_file = open(stdin, "rb")
        kwargs["stdin"] = stdin_file
    elif stdin is not None:
        kwargs["input"] = stdin
    else:
        kwargs["stdin"] = subprocess.DEVNULL
    try:
        p = subprocess.run(argv, cwd=cwd, env=full_env, capture_output=True, timeout=timeout, **kwargs)
    finally:
        if stdin_file:
            stdin_file.close()
    return Run(argv, p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


class Workspace:
    """A temporary directory for one test class, with the test database and
    a vigil cache dir (compiled databases are cached there)."""

    def __init__(self, world_readable=False):
        self.root = tempfile.mkdtemp(prefix="vigil-e2e-")
        if world_readable:
            os.chmod(self.root, 0o755)
        self.cache = os.path.join(self.root, ".cache")
        os.mkdir(self.cache)
        os.chmod(self.cache, 0o777)
        self.db = os.path.join(self.root, "db")
        make_test_database(self.db)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def cleanup(self):
        def unlock(func, path, _):
            os.chmod(os.path.dirname(path), 0o755)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o755)
            func(path)
        for dirpath, dirnames, _ in os.walk(self.root):
            for d in dirnames:
                p = os.path.join(dirpath, d)
                if not os.path.islink(p):
                    os.chmod(p, 0o755)
        shutil.rmtree(self.root, onerror=unlock)

    def vigil(self, *args, cwd=None, stdin=None, user=None, env=None):
        e = {"VIGIL_CACHE_DIR": self.cache}
        e.update(env or {})
        return run([VIGIL, "scan"] + list(args), cwd=cwd or self.root, stdin=stdin, env=e, user=user)

    def vigil_cmd(self, *args, cwd=None, stdin=None, env=None):
        """`vigil ARGS` (not only `scan`)."""
        e = {"VIGIL_CACHE_DIR": self.cache}
        e.update(env or {})
        return run([VIGIL] + list(args), cwd=cwd or self.root, stdin=stdin, env=e)

    def clamscan(self, *args, cwd=None, stdin=None, user=None):
        return run([CLAMSCAN] + list(args), cwd=cwd or self.root, stdin=stdin, user=user)


# ------------------------------------------------------------------ samples


def hexlify(b):
    return b.hex()


def make_test_database(db_dir):
    """test.ndb: EICAR by its string, two markers; test.hdb: HASHED by MD5."""
    import hashlib
    os.makedirs(db_dir, exist_ok=True)
    with open(os.path.join(db_dir, "test.ndb"), "w") as f:
        f.write("Eicar-Signature:0:0:%s\n" % hexlify(EICAR))
        f.write("Test.Marker.Alpha:0:*:%s\n" % hexlify(MARKER_A))
        f.write("Test.Marker.Bravo:0:*:%s\n" % hexlify(MARKER_B))
    with open(os.path.join(db_dir, "test.hdb"), "w") as f:
        f.write("%s:%d:Test.Hashed\n" % (hashlib.md5(HASHED).hexdigest(), len(HASHED)))
    for name in os.listdir(db_dir):
        os.chmod(os.path.join(db_dir, name), 0o644)
    os.chmod(db_dir, 0o755)


def write(path, data, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    if mode is not None:
        os.chmod(path, mode)
    return path



def one_file_event(r):
    """The only "file" event of `vigil scan --json` output `r` (a run()
    result); fails when there is not exactly one."""
    files = [e for e in map(json.loads, r.out.splitlines()) if e["event"] == "file"]
    if len(files) != 1:
        raise AssertionError("expected one file event, got %d: %r" % (len(files), r))
    return files[0]


def zip_bytes(members):
    """A deflated zip of `members` [(name, bytes)], in that order."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return b.getvalue()


def need(tool, package):
    """The path of `tool`; fails naming the Debian package that has it."""
    path = shutil.which(tool)
    if not path:
        raise AssertionError("%s not found: install the Debian package %s "
                             "(scripts/install-deps.sh --test does)" % (tool, package))
    return path


def sh(argv, cwd):
    """Runs `argv` in `cwd`; fails with its stderr when it fails."""
    p = subprocess.run(argv, cwd=cwd, capture_output=True)
    if p.returncode != 0:
        raise AssertionError("%r failed: %s" % (argv, p.stderr.decode("utf-8", "replace")))


PROGRAM_C = r"""
#include <stdio.h>
static const char marker[] = "%s";
int main(void) { puts(marker); return 0; }
"""


def make_test_program(ws, marker, db_name):
    """The container tests' sample: a C program holding `marker`, compiled
    with cc into ws/src/prog, and a signature directory ws/`db_name` that
    finds it by its MD5 (Test.Program.Hash, proving an extraction is exact)
    and by the marker (Test.Program.Body). Returns (program bytes, source
    directory, signature directory)."""
    src = ws.path("src")
    os.mkdir(src)
    write(os.path.join(src, "prog.c"), PROGRAM_C % marker.decode())
    sh([need("cc", "gcc"), "-O1", "-o", "prog", "prog.c"], src)
    with open(os.path.join(src, "prog"), "rb") as f:
        program = f.read()
    assert marker in program
    db = ws.path(db_name)
    os.mkdir(db)
    write(os.path.join(db, "prog.hdb"), "%s:%d:Test.Program.Hash\n" % (
        hashlib.md5(program).hexdigest(), len(program)))
    write(os.path.join(db, "prog.ndb"), "Test.Program.Body:0:*:%s\n" % marker.hex())
    return program, src, db

def make_tree(root):
    """A small tree with one of each kind of entry clamscan distinguishes."""
    write(os.path.join(root, "eicar.com"), EICAR)
    write(os.path.join(root, "clean.txt"), b"hello, world\n")
    write(os.path.join(root, "empty.txt"), b"")
    write(os.path.join(root, "with space.txt"), b"spaces " + MARKER_A + b"\n")
    write(os.path.join(root, "hashed.bin"), HASHED)
    write(os.path.join(root, "sub", "inner.com"), b"prefix " + MARKER_B + b" suffix\n")
    write(os.path.join(root, "sub", "clean2.txt"), b"nothing to see\n")
    write(os.path.join(root, "sub", "deeper", "deep.txt"), b"deep clean\n")
    write(os.path.join(root, "sub", "deeper", "deep-eicar.com"), EICAR)
    write(os.path.join(root, "dir with space", "x.txt"), b"x\n")
    os.symlink("clean.txt", os.path.join(root, "link-to-file"))
    os.symlink("eicar.com", os.path.join(root, "link-to-eicar"))
    os.symlink("sub", os.path.join(root, "link-to-dir"))
    os.symlink("does-not-exist", os.path.join(root, "dangling"))
    os.mkfifo(os.path.join(root, "fifo"))
    return root


# --------------------------------------------------------------- comparison

SUMMARY_HEADER = "----------- SCAN SUMMARY -----------"

# Summary lines whose values may differ from clamscan's: checked against
# these formats, then masked.
VOLATILE = [
    (re.compile(r"^Engine version: \S+$"), "Engine version: <version>"),
    (re.compile(r"^Data scanned: \d+\.\d\d MB$"), "Data scanned: <mb>"),
    (re.compile(r"^Data read: \d+\.\d\d MB \(ratio \d+\.\d\d:1\)$"), "Data read: <mb>"),
    (re.compile(r"^Time: \d+\.\d{3} sec \(\d+ m \d+ s\)$"), "Time: <time>"),
    (re.compile(r"^Start Date: \d{4}:\d\d:\d\d \d\d:\d\d:\d\d$"), "Start Date: <date>"),
    (re.compile(r"^End Date:   \d{4}:\d\d:\d\d \d\d:\d\d:\d\d$"), "End Date: <date>"),
]
VOLATILE_PREFIXES = ("Engine version:", "Data scanned:", "Data read:", "Time:", "Start Date:",
                     "End Date:")


def mask_summary(text, testcase=None, keep_data_read=False):
    """`text` with the volatile summary lines masked; each must have
    clamscan's format (asserted when `testcase` is given)."""
    out = []
    for line in text.split("\n"):
        if line.startswith(VOLATILE_PREFIXES):
            if keep_data_read and line.startswith("Data read:"):
                out.append(line)
                continue
            for rx, repl in VOLATILE:
                if rx.match(line):
                    line = repl
                    break
            else:
                if testcase:
                    testcase.fail("summary line in an unexpected format: %r" % line)
        out.append(line)
    return "\n".join(out)


def clamscan_stderr(text):
    """clamscan's stderr without libclamav's own chatter."""
    return "".join(l + "\n" for l in text.splitlines() if not l.startswith("LibClamAV "))


class DiffTestCase(unittest.TestCase):
    """A TestCase with a workspace and `assertSameAsClamscan`."""

    maxDiff = None
    world_readable = False

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace(world_readable=cls.world_readable)

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def both(self, *args, **kw):
        return self.ws.clamscan(*args, **kw), self.ws.vigil(*args, **kw)

    def assertSameAsClamscan(self, *args, vigil_extra=(), stderr=True, keep_data_read=False, **kw):
        """Runs clamscan and vigil with `args`; asserts the same exit code,
        stdout (summary values that may differ masked) and stderr."""
        c = self.ws.clamscan(*args, **kw)
        v = self.ws.vigil(*(list(vigil_extra) + list(args)), **kw)
        ctx = "\nclamscan: %r\nvigil: %r" % (c, v)
        self.assertEqual(mask_summary(v.out, self, keep_data_read),
                         mask_summary(c.out, None, keep_data_read), "stdout differs" + ctx)
        if stderr:
            self.assertEqual(v.err, clamscan_stderr(c.err), "stderr differs" + ctx)
        self.assertEqual(v.rc, c.rc, "exit code differs" + ctx)
        return c, v


def can_switch_user():
    return os.geteuid() == 0 and shutil.which("setpriv") is not None


def nobody():
    return "65534"

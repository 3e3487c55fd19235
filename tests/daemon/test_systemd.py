"""The systemd units of dist/systemd and socket activation.

There is no running systemd here (tests run in a container), so the units are
checked with systemd's own offline tools, and socket activation is driven by
systemd-socket-activate, which passes the listening socket the way systemd
does (LISTEN_FDS/LISTEN_PID, descriptor 3):

- `systemd-analyze verify` accepts both units (ExecStart pointed at the
  built vigild);
- `systemd-analyze security --offline` rates the service's sandbox at most
  2.5 on systemd's exposure scale (0 best, 10 worst; a unit with no sandbox
  rates 9.6);
- a client connects before vigild has started, and vigild answers it on the
  socket it inherited, without binding one of its own or removing the
  inherited one when it stops.

Skipped (77) when systemd's tools are not installed.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_support as ds  # noqa: E402

UNITS = os.path.join(ds.SOURCE_DIR, "dist", "systemd")
ANALYZE = shutil.which("systemd-analyze")
ACTIVATE = shutil.which("systemd-socket-activate")


def units_for_this_build(work):
    """Copies of the units whose ExecStart runs the vigild under test."""
    for name in ("vigild.service", "vigild.socket"):
        with open(os.path.join(UNITS, name)) as f:
            text = f.read()
        text = text.replace("ExecStart=/usr/bin/vigild", "ExecStart=" + os.path.abspath(ds.VIGILD))
        ds.write(os.path.join(work, name), text)
    return [os.path.join(work, n) for n in ("vigild.service", "vigild.socket")]


@unittest.skipUnless(ANALYZE, "systemd-analyze is not installed")
class Units(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="vigil-units-")
        self.units = units_for_this_build(self.work)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def test_units_verify(self):
        p = subprocess.run([ANALYZE, "verify"] + self.units, capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # Warnings about our units would name them; others (the host's) do not.
        ours = [line for line in (p.stdout + p.stderr).splitlines() if "vigild." in line]
        self.assertEqual(ours, [])

    def test_sandbox_exposure(self):
        p = subprocess.run([ANALYZE, "security", "--offline=yes", "--no-pager", self.units[0]],
                           capture_output=True, text=True, timeout=120)
        m = re.search(r"Overall exposure level for vigild\.service: ([0-9.]+)", p.stdout)
        self.assertIsNotNone(m, p.stdout + p.stderr)
        self.assertLessEqual(float(m.group(1)), 2.5, p.stdout)


@unittest.skipUnless(ACTIVATE, "systemd-socket-activate is not installed")
class SocketActivation(unittest.TestCase):
    def test_answers_on_the_inherited_socket(self):
        d = ds.Daemon("vigild", tcp=False)
        try:
            d.write_config()
            sock = d.unix
            activator = subprocess.Popen([ACTIVATE, "-l", sock, ds.VIGILD, "--foreground",
                                          "--config", d.conf_path],
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         cwd=d.root)
            try:
                self.assertTrue(ds.wait_for(lambda: os.path.exists(sock)), "no socket")
                inode = os.stat(sock).st_ino
                # vigild is started by this first connection.
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(120)
                s.connect(sock)
                s.sendall(b"zPING\0")
                self.assertEqual(ds.recv_all(s), b"PONG\0")
                s.close()
                self.assertEqual(os.stat(sock).st_ino, inode, "vigild bound a socket of its own")
                self.assertNotIn("LOCAL: Unix socket file", d.log_text())
                clean = ds.write(os.path.join(d.root, "clean.txt"), b"clean\n").encode()
                self.assertEqual(d.talk(b"zSCAN %s\0" % clean), b"%s: OK\0" % clean)
            finally:
                activator.terminate()
                out = activator.communicate(timeout=60)[0].decode(errors="replace")
            self.assertEqual(activator.returncode, 0, out + d.log_text())
            self.assertIn("vigild stopped", d.log_text())
            # The socket is systemd's: vigild leaves it in place.
            self.assertTrue(os.path.exists(sock))
        finally:
            d.cleanup()


if __name__ == "__main__":
    ds.main()

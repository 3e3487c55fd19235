"""Output order: vigil scans with several threads but prints in clamscan's
traversal order (readdir order, depth first), whatever the thread count."""

import json
import os
import random
import shlex
import shutil
import unittest

import e2e_support as s

FILES = 400


def make_big_tree(root):
    """FILES files over nested directories: clean, infected, empty, of
    varied sizes (so that threads finish out of order)."""
    rnd = random.Random(1234)
    dirs = [root]
    for i in range(24):
        parent = rnd.choice(dirs)
        d = os.path.join(parent, "d%02d" % i)
        os.makedirs(d)
        dirs.append(d)
    for i in range(FILES):
        d = rnd.choice(dirs)
        kind = rnd.random()
        if kind < 0.1:
            data = s.EICAR
        elif kind < 0.15:
            data = b"marker " + s.MARKER_A
        elif kind < 0.2:
            data = b""
        else:
            data = rnd.randbytes(rnd.choice((10, 300, 5000, 60000)))
        s.write(os.path.join(d, "f%03d%s" % (i, rnd.choice((".txt", ".bin", ".com", "")))), data)


class Order(s.DiffTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_big_tree(cls.ws.path("big"))

    @s.NEEDS_CLAMSCAN
    def test_same_order_as_clamscan(self):
        for threads in ("1", "4"):
            with self.subTest(threads=threads):
                c, v = self.assertSameAsClamscan("-d", "db", "-r", "big", vigil_extra=["-j", threads])
                self.assertGreater(v.out.count("\n"), FILES)

    @s.NEEDS_CLAMSCAN
    def test_same_order_infected_only(self):
        self.assertSameAsClamscan("-d", "db", "-r", "-i", "big", vigil_extra=["-j", "4"])

    def test_thread_counts_agree(self):
        outs = {}
        for threads in ("1", "2", "4", "16"):
            v = self.ws.vigil("-d", "db", "-r", "--no-summary", "-j", threads, "big")
            outs[threads] = v.out
        self.assertEqual(len(set(outs.values())), 1)

    def test_json_order_matches_text(self):
        text = self.ws.vigil("-d", "db", "-r", "--no-summary", "-j", "4", "big").out
        events = [json.loads(l) for l in
                  self.ws.vigil("-d", "db", "-r", "--json", "-j", "4", "big").out.splitlines()]
        text_paths = [l.rsplit(": ", 1)[0] for l in text.splitlines()]
        json_paths = [e["path"] for e in events if e["event"] == "file"]
        self.assertEqual(json_paths, text_paths)


class ProgressLine(unittest.TestCase):
    """On a terminal, the progress line (stderr) is erased before every
    line, so the result lines come out whole and in order."""

    @classmethod
    def setUpClass(cls):
        cls.ws = s.Workspace()
        rnd = random.Random(7)
        for i in range(120):
            s.write(cls.ws.path("many", "f%03d" % i), rnd.randbytes(50) * 4000)
        s.write(cls.ws.path("many", "eicar.com"), s.EICAR)

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def on_tty(self, *args):
        if not shutil.which("script"):
            self.skipTest("needs script(1)")
        cmd = "VIGIL_CACHE_DIR=%s %s scan %s" % (shlex.quote(self.ws.cache), shlex.quote(s.VIGIL),
                                                " ".join(shlex.quote(a) for a in args))
        r = s.run(["script", "-qec", cmd, "/dev/null"], cwd=self.ws.root)
        return r.out

    def test_lines_survive_the_progress_line(self):
        plain = self.ws.vigil("-d", "db", "-j", "1", "--no-summary", "many").out
        raw = self.on_tty("-d", "db", "-j", "1", "--no-summary", "many")
        lines = [l.split("\x1b[K")[-1] for l in raw.replace("\r\n", "\n").split("\n")]
        self.assertEqual("\n".join(l for l in lines if l) + "\n", plain)

    def test_no_progress(self):
        raw = self.on_tty("-d", "db", "-j", "1", "--no-progress", "--no-summary", "many")
        self.assertNotIn("\x1b", raw)


if __name__ == "__main__":
    s.main()

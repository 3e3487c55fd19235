"""Scan limits (--max-filesize, --max-scansize, --max-files, --max-recursion,
--alert-exceeds-max), compared with clamscan on archives made at test time.

The limits are the engine's (src/scan); the CLI only passes them on.
"""

import io
import os
import tarfile
import unittest

import e2e_support as s


def make_archives(root):
    os.makedirs(root)
    e = s.EICAR
    s.write(os.path.join(root, "big.bin"), b"B" * 50000 + e)
    s.write(os.path.join(root, "small.com"), e)
    s.write(os.path.join(root, "first.zip"), s.zip_bytes([("eicar.com", e), ("a.txt", b"a" * 1000)]))
    s.write(os.path.join(root, "files4.zip"),
            s.zip_bytes([("a.txt", b"a" * 1000), ("b.txt", b"b" * 1000), ("c.txt", b"c" * 1000),
                       ("eicar.com", e)]))
    level1 = s.zip_bytes([("eicar.com", e)])
    level2 = s.zip_bytes([("l1.zip", level1)])
    level3 = s.zip_bytes([("l2.zip", level2)])
    s.write(os.path.join(root, "depth1.zip"), level1)
    s.write(os.path.join(root, "depth2.zip"), level2)
    s.write(os.path.join(root, "depth3.zip"), level3)
    s.write(os.path.join(root, "scansize.zip"),
            s.zip_bytes([("pad.bin", b"\0" * 300000), ("eicar.com", e)]))
    s.write(os.path.join(root, "bigmember.zip"), s.zip_bytes([("big.txt", b"A" * 200000 + e)]))
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz") as t:
        info = tarfile.TarInfo("eicar.com")
        info.size = len(e)
        t.addfile(info, io.BytesIO(e))
    s.write(os.path.join(root, "eicar.tgz"), b.getvalue())


@s.NEEDS_CLAMSCAN
class Limits(s.DiffTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_archives(cls.ws.path("lim"))

    def same(self, *opts, files=None):
        args = ["-d", "db", "--no-summary"] + list(opts)
        args += [os.path.join("lim", f) for f in files] if files else ["lim"]
        return self.assertSameAsClamscan(*args)

    def test_archives_without_limits(self):
        self.same()
        self.same("--scan-archive=no")

    def test_max_filesize_top_level(self):
        # A file over the limit is "OK" (not scanned) unless
        # --alert-exceeds-max, then Heuristics.Limits.Exceeded.MaxFileSize.
        self.same("--max-filesize=10K", files=["big.bin", "small.com"])
        self.same("--max-filesize=10K", "--alert-exceeds-max", files=["big.bin", "small.com"])
        self.same("--max-filesize=50000", "--alert-exceeds-max", files=["big.bin"])
        self.same("--max-filesize=1M", "--alert-exceeds-max", files=["big.bin"])

    def test_max_scansize_with_alert(self):
        self.same("--max-scansize=100K", "--alert-exceeds-max")

    def test_max_recursion_deep_enough(self):
        self.same("--max-recursion=4", "--alert-exceeds-max")

    def test_max_filesize_archive_members(self):
        self.same("--max-filesize=10K", "--alert-exceeds-max", files=["scansize.zip", "bigmember.zip"])

    def test_max_scansize_without_alert(self):
        self.same("--max-scansize=100K", files=["scansize.zip"])

    def test_max_files(self):
        self.same("--max-files=1", "--alert-exceeds-max")

    def test_max_recursion(self):
        self.same("--max-recursion=1", "--alert-exceeds-max")


class LimitsInJson(unittest.TestCase):
    """A file a limit stopped is never "clean" in JSON."""

    @classmethod
    def setUpClass(cls):
        cls.ws = s.Workspace()
        make_archives(cls.ws.path("lim"))

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def events(self, *args):
        import json
        r = self.ws.vigil("-d", "db", "--json", *args)
        return [json.loads(l) for l in r.out.splitlines()]

    def test_limit_stops_are_not_clean(self):
        for opts in (["--max-filesize=10K"], ["--max-scansize=100K"], ["--max-recursion=1"],
                     ["--max-files=1"], ["--max-filesize=10K", "--alert-exceeds-max"]):
            with self.subTest(opts=opts):
                for e in self.events(*opts, "lim"):
                    if e["event"] != "file":
                        continue
                    if e["limits"]:
                        self.assertIn(e["result"], ("not_fully_scanned", "infected"), e)
                        self.assertFalse(e["fully_scanned"], e)
                    if e["result"] == "clean":
                        self.assertEqual(e["limits"], [], e)

    def test_over_size_file_is_not_fully_scanned(self):
        ev = [e for e in self.events("--max-filesize=10K", "lim/big.bin") if e["event"] == "file"]
        self.assertEqual(len(ev), 1)
        self.assertEqual(ev[0]["result"], "not_fully_scanned")
        self.assertEqual([l["limit"] for l in ev[0]["limits"]], ["MaxFileSize"])

    def test_alert_makes_it_infected(self):
        ev = [e for e in self.events("--max-filesize=10K", "--alert-exceeds-max", "lim/big.bin")
              if e["event"] == "file"]
        self.assertEqual(ev[0]["result"], "infected")
        self.assertEqual(ev[0]["detections"][0]["name"], "Heuristics.Limits.Exceeded.MaxFileSize")


    def test_compression_ratio(self):
        # scansize.zip holds 300,000 zero bytes deflated to a few hundred
        # (ratio > 100); vigil's own limit, off by default as in ClamAV.
        ev = [e for e in self.events("lim/scansize.zip") if e["event"] == "file"]
        self.assertEqual(ev[0]["result"], "infected")
        self.assertEqual(ev[0]["limits"], [])
        ev = [e for e in self.events("--max-compression-ratio=100", "lim/scansize.zip")
              if e["event"] == "file"]
        self.assertEqual([l["limit"] for l in ev[0]["limits"]], ["MaxCompressionRatio"])
        self.assertEqual(ev[0]["limits"][0]["layers"], ["pad.bin"])
        self.assertEqual(ev[0]["result"], "infected")  # eicar.com still found
        r = self.ws.vigil("-d", "db", "--no-summary", "--max-compression-ratio=100",
                          "--alert-exceeds-max", "lim/scansize.zip")
        self.assertIn("Heuristics.Limits.Exceeded.MaxCompressionRatio FOUND", r.out)


if __name__ == "__main__":
    s.main()

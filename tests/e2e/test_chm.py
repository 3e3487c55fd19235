"""The test program inside Microsoft Compiled HTML Help files (.chm): in
section 0 (stored), in the LZX section (uncompressed and verbatim LZX
blocks), alone and nested (a CHM in a zip, a CHM in a CHM). It must be
found by the MD5 of the program itself (the extraction is byte-exact) and
by a body signature, with its layer path in the JSON output; clamscan must
print the same lines.

The CHM files are written by tests/e2e/chm_writer.py (Debian has no light
CHM compiler). Before they are trusted, chmlib's extract_chmLib (package
libchm-bin, an implementation independent of libmspack, which both vigil
and ClamAV use) must read the program back out of each of them.
"""

import os
import subprocess
import unittest
import zipfile

import chm_writer
import e2e_support as e2e

MARKER = b"VIGIL-CHM-TEST-PROGRAM-5b2d"
PAGE = b"<html><head><title>Help</title></head><body>Nothing here.</body></html>\n"


need = e2e.need

class Chm(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = e2e.Workspace()
        cls.program, _, cls.db = e2e.make_test_program(cls.ws, MARKER, "cdb")
        cls.out = cls.ws.path("fixtures")
        os.mkdir(cls.out)
        cls.fixtures = {}  # name -> layer path of the program
        cls.make_fixtures()

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    @classmethod
    def put(cls, name, data, layers):
        e2e.write(os.path.join(cls.out, name), data)
        cls.fixtures[name] = layers

    @classmethod
    def make_fixtures(cls):
        prog = cls.program
        cls.put("section0.chm", chm_writer.chm([("/index.htm", 0, PAGE), ("/prog", 0, prog)]),
                ["/prog"])
        cls.put("lzx.chm", chm_writer.chm([("/index.htm", 0, PAGE), ("/prog", 1, prog),
                                          ("/notes.txt", 1, b"see /prog\n")]), ["/prog"])
        verbatim = chm_writer.chm([("/index.htm", 1, PAGE), ("/bin/prog.exe", 1, prog)],
                                  lzx_mode="verbatim")
        # Verbatim blocks code the bytes: the marker is not in the file as
        # it is, so a body match proves decoding.
        assert MARKER not in verbatim
        cls.put("verbatim.chm", verbatim, ["/bin/prog.exe"])
        with zipfile.ZipFile(os.path.join(cls.out, "chm.zip"), "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("help/lzx.chm", chm_writer.chm([("/prog", 1, prog)]))
            z.writestr("readme.txt", "a help file\n")
        cls.fixtures["chm.zip"] = ["help/lzx.chm", "/prog"]
        cls.put("nested.chm", chm_writer.chm([("/index.htm", 0, PAGE),
                                             ("/inner.chm", 1, verbatim)], lzx_mode="verbatim"),
                ["/inner.chm", "/bin/prog.exe"])

    def path(self, name):
        return os.path.join(self.out, name)

    def vigil_event(self, path, *args):
        r = self.ws.vigil("-z", "--json", "-d", self.db, *args, path)
        return r, e2e.one_file_event(r)

    def test_fixtures_are_read_by_chmlib(self):
        # An independent reader gets the program back out of each CHM.
        tool = need("extract_chmLib", "libchm-bin")
        for name, layers in sorted(self.fixtures.items()):
            if not name.endswith(".chm") or len(layers) != 1:
                continue
            with self.subTest(fixture=name):
                outdir = self.ws.path("chmlib-" + name)
                p = subprocess.run([tool, self.path(name), outdir], capture_output=True)
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(os.path.join(outdir, layers[0].lstrip("/")), "rb") as f:
                    self.assertEqual(f.read(), self.program)

    def test_found_by_hash_and_body_with_layers(self):
        for name, layers in sorted(self.fixtures.items()):
            with self.subTest(fixture=name):
                r, event = self.vigil_event(self.path(name))
                self.assertEqual(r.rc, 1, r)
                found = {d["name"]: d["layers"] for d in event["detections"]}
                self.assertEqual(found.get("Test.Program.Hash.UNOFFICIAL"), layers, event)
                self.assertIn("Test.Program.Body.UNOFFICIAL", found, event)
                self.assertTrue(event["fully_scanned"], event)
                self.assertEqual(event["notes"], [], event)

    @e2e.NEEDS_CLAMSCAN
    def test_same_lines_as_clamscan(self):
        for name in sorted(self.fixtures):
            with self.subTest(fixture=name):
                v = self.ws.vigil("-z", "--no-summary", "-d", self.db, self.path(name))
                c = self.ws.clamscan("-z", "--no-summary", "-d", self.db, self.path(name))
                self.assertEqual(sorted(v.out.splitlines()), sorted(c.out.splitlines()),
                                 "vigil:\n%s\nclamscan:\n%s" % (v.out, c.out))
                self.assertEqual(v.rc, c.rc)

    def test_damaged_files(self):
        prog = self.program
        good = chm_writer.chm([("/index.htm", 0, PAGE), ("/prog", 1, prog)])
        cut = self.ws.path("cut.chm")
        e2e.write(cut, good[:len(good) // 2])
        absurd = self.ws.path("absurd.chm")
        e2e.write(absurd, chm_writer.chm([("/prog", 1, prog)], extra_entries=[
            ("/huge", 1, 100, 1 << 50), ("/far", 0, 1 << 40, 5)]))
        # Cut in the LZX content: the program is lost (its body is still
        # seen in the raw bytes), the reason is noted.
        r, event = self.vigil_event(cut)
        self.assertEqual([d["name"] for d in event["detections"]], ["Test.Program.Body.UNOFFICIAL"])
        self.assertIn("compressed section unreadable", " ".join(event["notes"]), event)
        # Absurd directory entries: noted, the program still found.
        r, event = self.vigil_event(absurd)
        found = {d["name"]: d["layers"] for d in event["detections"]}
        self.assertEqual(found.get("Test.Program.Hash.UNOFFICIAL"), ["/prog"], event)
        notes = " ".join(event["notes"])
        self.assertIn("'/far': data lies outside the file", notes)
        self.assertIn("'/huge': runs past what the compressed section holds", notes)
        if e2e.CLAMSCAN:
            for path in (cut, absurd):
                v = self.ws.vigil("-z", "--no-summary", "-d", self.db, path)
                c = self.ws.clamscan("-z", "--no-summary", "-d", self.db, path)
                # The same names; clamscan may print a name once more (it
                # scans the partial output of a member it failed to decode
                # as well as the rest).
                self.assertEqual(set(v.out.splitlines()), set(c.out.splitlines()),
                                 "vigil:\n%s\nclamscan:\n%s" % (v.out, c.out))
                self.assertEqual(v.rc, c.rc)


if __name__ == "__main__":
    e2e.main()

"""RTF documents with the test program embedded as an OLE object: vigil
must find it by the MD5 of the program itself (proving the extraction is
byte-exact) and by a body signature, with its JSON layer path, and print
what clamscan prints where clamscan reads the object too.

The documents are written here, at test time: the program (compiled with
cc, as in test_containers.py) hex-encoded in \\objdata
  (a) as an OLE1 "Package" object (what Word writes for an embedded file),
  (b) as raw bytes without any OLE1 header,
  (c) inside an OLE2 compound file, embedded as Word.Document.8 native data,
  (d) as in (a), the RTF inside a zip,
  (e) as in (a), the object data as a \\bin run instead of hex,
  (f) as in (a), under the class name "Foo.Bar" instead of "Package",
  (g) as in (a), a line break instead of a space after \\objdata.
clamscan 1.4.6 agrees on (a), (c), (d) and (f). It differs on (b): it
reads every \\objdata as an OLE1 object, header or not, so raw bytes are
cut up as header fields and the program never comes out; on (e): it has no
\\bin (the raw bytes are read as more hex text); and on (g): it takes
\\objdata only when a space follows. docs/rtf.md has the details.
"""

import os
import struct
import unittest
import zipfile

import e2e_support as e2e
import test_containers as tc

# Fixtures on which clamscan finds the program too: their output lines
# must be the same. The others are checked for vigil only.
CLAMSCAN_AGREES = {"package.rtf", "word-doc.rtf", "rtf.zip", "other-class.rtf"}


def hex_lines(data, width=64):
    """`data` as hex digits in lines of `width` bytes (as Word writes)."""
    h = data.hex()
    return "\r\n".join(h[i:i + 2 * width] for i in range(0, len(h), 2 * width)).encode()


def prefixed(s):
    """An OLE1 LengthPrefixedAnsiString."""
    return struct.pack("<I", len(s) + 1) + s + b"\0"


def ole1_embedded(class_name, native):
    """An OLE1.0 embedded object: header (version 0x501, FormatID 2,
    class, empty topic and item), NativeDataSize, native data, then an
    empty presentation object as Word leaves it."""
    return (struct.pack("<II", 0x501, 2) + prefixed(class_name) + struct.pack("<II", 0, 0) +
            struct.pack("<I", len(native)) + native + struct.pack("<III", 0x501, 0, 0))


def package_native(label, path, data):
    """Object Packager's native data for one embedded file."""
    temp = b"C:\\Users\\user\\AppData\\Local\\Temp\\" + label
    return (struct.pack("<H", 2) + label + b"\0" + path + b"\0" + struct.pack("<HH", 0, 3) +
            prefixed(temp) + struct.pack("<I", len(data)) + data)


def rtf_document(objdata, class_name=b"Package"):
    """A small document with one embedded object whose \\objdata
    destination holds `objdata` (RTF text)."""
    return (b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\r\n"
            b"\\pard\\plain Please open the attachment.\\par\r\n"
            b"{\\object\\objemb\\objw1440\\objh1440{\\*\\objclass " + class_name + b"}"
            b"{\\*\\objdata " + objdata + b"\r\n}"
            b"{\\result{\\pict\\wmetafile8\\picw100\\pich100 0100090000030000000000}}}\r\n"
            b"\\par}\r\n")


class Rtf(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = e2e.Workspace()
        cls.program, _, cls.db = e2e.make_test_program(cls.ws, tc.MARKER, "rdb")
        cls.out = cls.ws.path("fixtures")
        os.mkdir(cls.out)
        cls.fixtures = {}  # name -> (path, expected layers)
        cls.make_fixtures()

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    @classmethod
    def add(cls, name, data, layers):
        path = os.path.join(cls.out, name)
        e2e.write(path, data)
        cls.fixtures[name] = (path, layers)
        # Only the \\bin run shows the program's bytes as they are.
        assert (tc.MARKER in data) == (name == "bin.rtf"), name

    @classmethod
    def make_fixtures(cls):
        prog = cls.program
        package = ole1_embedded(b"Package", package_native(b"prog", b"C:\\Users\\user\\prog", prog))
        cls.add("package.rtf", rtf_document(hex_lines(package)), ["prog"])
        cls.add("raw.rtf", rtf_document(hex_lines(prog)), ["objdata0"])
        compound = tc.Containers.compound_file([("Payload", prog)])
        word = ole1_embedded(b"Word.Document.8", compound)
        cls.add("word-doc.rtf", rtf_document(hex_lines(word), b"Word.Document.8"),
                ["objdata0", "Payload"])
        buf = cls.ws.path("rtf.zip.tmp")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("package.rtf", rtf_document(hex_lines(package)))
        with open(buf, "rb") as f:
            cls.add("rtf.zip", f.read(), ["package.rtf", "prog"])
        os.unlink(buf)
        # Hex header, then the rest as one \bin run (a pending nibble and
        # whitespace around it are tolerated).
        head = package[:40]
        binary = (hex_lines(head) + b" \\bin%d " % (len(package) - 40) + package[40:])
        cls.add("bin.rtf", rtf_document(binary), ["prog"])
        other = ole1_embedded(b"Foo.Bar", package_native(b"prog", b"C:\\prog", prog))
        cls.add("other-class.rtf", rtf_document(hex_lines(other), b"Foo.Bar"), ["prog"])
        newline = rtf_document(hex_lines(package)).replace(b"\\objdata ", b"\\objdata\r\n")
        assert newline != rtf_document(hex_lines(package))
        cls.add("newline.rtf", newline, ["prog"])

    def vigil_json(self, path):
        r = self.ws.vigil("-z", "--json", "-d", self.db, path)
        self.assertEqual(r.rc, 1, r)
        return e2e.one_file_event(r)

    def test_found_by_hash_and_body_with_layers(self):
        for name, (path, layers) in sorted(self.fixtures.items()):
            with self.subTest(fixture=name):
                event = self.vigil_json(path)
                found = {}  # signature -> the layer paths it was found at
                for d in event["detections"]:
                    found.setdefault(d["name"], []).append(d["layers"])
                self.assertIn(layers, found.get("Test.Program.Hash.UNOFFICIAL", []), event)
                self.assertIn(layers, found.get("Test.Program.Body.UNOFFICIAL", []), event)
                self.assertEqual(event["notes"], [], event)

    def test_plain_rtf_is_clean(self):
        path = self.ws.path("plain.rtf")
        e2e.write(path, b"{\\rtf1\\ansi Hello {\\b world}\\par}\r\n")
        r = self.ws.vigil("--no-summary", "-d", self.db, path)
        self.assertEqual((r.rc, r.out), (0, "%s: OK\n" % path), r)

    def test_damaged_rtf_is_partial_not_fatal(self):
        path, _ = self.fixtures["package.rtf"]
        with open(path, "rb") as f:
            data = f.read()
        for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
            with self.subTest(cut=cut):
                part = self.ws.path("cut.rtf")
                e2e.write(part, data[:cut])
                r = self.ws.vigil("--json", "-d", self.db, part)
                self.assertIn(r.rc, (0, 1), r)
                event = e2e.one_file_event(r)
                self.assertIn(event["result"], ("clean", "infected"), event)
        # A nesting bomb: ends quickly, the file is clean.
        bomb = self.ws.path("bomb.rtf")
        e2e.write(bomb, b"{\\rtf1" + b"{" * 2000000 + b"}" * 2000000 + b"}")
        r = self.ws.vigil("--no-summary", "-d", self.db, bomb)
        self.assertEqual((r.rc, r.out), (0, "%s: OK\n" % bomb), r)

    @e2e.NEEDS_CLAMSCAN
    def test_same_lines_as_clamscan(self):
        for name in sorted(CLAMSCAN_AGREES):
            path, _ = self.fixtures[name]
            with self.subTest(fixture=name):
                for mode in (["-z"], []):
                    v = self.ws.vigil(*mode, "--no-summary", "-d", self.db, path)
                    c = self.ws.clamscan(*mode, "--no-summary", "-d", self.db, path)
                    self.assertEqual(sorted(v.out.splitlines()), sorted(c.out.splitlines()),
                                     "vigil:\n%s\nclamscan:\n%s" % (v.out, c.out))
                    self.assertEqual(v.rc, c.rc)

    @e2e.NEEDS_CLAMSCAN
    def test_where_clamscan_differs(self):
        # Recorded so that a change in either scanner shows: clamscan does
        # not get the program out of these (see the module docstring); in
        # bin.rtf it finds the body signature in the document's own bytes.
        hash_line = "%s: Test.Program.Hash.UNOFFICIAL FOUND"
        for name in sorted(set(self.fixtures) - CLAMSCAN_AGREES):
            path, _ = self.fixtures[name]
            with self.subTest(fixture=name):
                c = self.ws.clamscan("-z", "--no-summary", "-d", self.db, path)
                v = self.ws.vigil("-z", "--no-summary", "-d", self.db, path)
                self.assertNotIn(hash_line % path, c.out.splitlines(), c)
                self.assertIn(hash_line % path, v.out.splitlines(), v)
                # Whatever clamscan finds, vigil finds too.
                self.assertLessEqual(set(c.out.splitlines()) - {"%s: OK" % path},
                                     set(v.out.splitlines()), (c, v))


if __name__ == "__main__":
    e2e.main()

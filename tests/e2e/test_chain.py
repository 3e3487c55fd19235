"""A detection through the whole chain of issue 3: a marker in the VBA
source of a macro, in a Word document, in a zip, attached to a mail:

    mail.eml > invoice.zip > doc.docm > word/vbaProject.bin > VBA/Module1.vba

Each link is tested on its own elsewhere (test_containers.py: mail > zip;
the OOXML typing and the OLE2/VBA reader in the C++ unit tests); here one
fixture holds them all. The marker is reachable only by decompressing the
module's MS-OVBA source: it is asserted absent from the raw bytes of every
outer layer. `vigil scan --json` must give the full layer path, the text
mode the clamscan line, and clamscan (where installed) the same name.

vbaProject.bin is written by tests/e2e/ole2_writer.py (Debian has no tool
that writes VBA projects). Before it is trusted, olefile (python3-olefile,
an independent OLE2 reader) must list its streams and read them back.
"""

import email.message
import email.policy
import json
import os
import shutil
import subprocess
import sys
import unittest

import e2e_support as e2e
import ole2_writer

MARKER = b"VIGIL-E2E-VBA-CHAIN-MARKER-4e7a"
SIGNATURE = "Test.Chain.VbaMarker"
SOURCE = (b'Attribute VB_Name = "Module1"\r\n'
          b"Sub AutoOpen()\r\n"
          b'  MsgBox "' + MARKER + b'"\r\n'
          b"End Sub\r\n")
MODULES = [("Module1", SOURCE)]
# The streams of vbaProject.bin, as olefile lists them.
STREAMS = [["PROJECT"], ["PROJECTwm"], ["VBA", "Module1"], ["VBA", "_VBA_PROJECT"], ["VBA", "dir"]]
LAYERS = ["mail.eml", "invoice.zip", "doc.docm", "word/vbaProject.bin", "VBA/Module1.vba"]

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>
</Types>
"""
DOCUMENT = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>Invoice attached.</w:t></w:r></w:p></w:body>
</w:document>
"""

# Lists the streams of argv[1] and their sizes, as JSON (run by a Python
# that has olefile: CTest's may not be the system one).
OLEFILE_SCRIPT = r"""
import json, sys, olefile
with olefile.OleFileIO(sys.argv[1]) as f:
    print(json.dumps([[p, len(f.openstream(p).read())] for p in f.listdir()]))
"""


def message(name, data):
    m = email.message.EmailMessage()
    m["From"] = "sender@example.org"
    m["To"] = "rcpt@example.org"
    m["Subject"] = "Invoice"
    m.set_content("Please see the attachment.\n")
    m.add_attachment(data, maintype="application", subtype="zip", filename=name, cte="base64")
    return m.as_bytes(policy=email.policy.SMTP)


def python_with_olefile():
    for python in (sys.executable, shutil.which("python3"), "/usr/bin/python3"):
        if python and os.access(python, os.X_OK) and subprocess.run(
                [python, "-c", "import olefile"], capture_output=True).returncode == 0:
            return python
    return None


class Chain(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = e2e.Workspace()
        cls.db = cls.ws.path("chaindb")
        os.mkdir(cls.db)
        e2e.write(os.path.join(cls.db, "chain.ndb"), "%s:0:*:%s\n" % (SIGNATURE, MARKER.hex()))
        cls.layers = {}  # name -> raw bytes, outermost last
        cls.layers["vbaProject.bin"] = ole2_writer.vba_project(MODULES)
        cls.layers["doc.docm"] = e2e.zip_bytes([("[Content_Types].xml", CONTENT_TYPES),
                                         ("word/document.xml", DOCUMENT),
                                         ("word/vbaProject.bin", cls.layers["vbaProject.bin"])])
        cls.layers["invoice.zip"] = e2e.zip_bytes([("doc.docm", cls.layers["doc.docm"])])
        cls.layers["mail.eml"] = message("invoice.zip", cls.layers["invoice.zip"])
        for name, data in cls.layers.items():
            e2e.write(cls.ws.path(name), data)

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def test_marker_only_in_the_vba_source(self):
        for name, data in self.layers.items():
            with self.subTest(layer=name):
                self.assertNotIn(MARKER, data)
        # It is there once decompressed (the literal-only chunk: every
        # eighth byte a flag byte).
        self.assertEqual(ole2_writer.ovba_compress(SOURCE)[3:],
                         b"".join(b"\0" + SOURCE[k:k + 8] for k in range(0, len(SOURCE), 8)))

    def test_olefile_reads_the_vba_project(self):
        python = python_with_olefile()
        if python is None:
            self.skipTest("olefile is not installed (Debian package python3-olefile)")
        p = subprocess.run([python, "-c", OLEFILE_SCRIPT, self.ws.path("vbaProject.bin")],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        listed = json.loads(p.stdout)
        self.assertEqual([path for path, _ in listed], STREAMS)
        sizes = {"/".join(path): size for path, size in listed}
        self.assertEqual(sizes["VBA/Module1"], 5 + len(ole2_writer.ovba_compress(SOURCE)))

    def test_json_layer_path(self):
        r = self.ws.vigil("--json", "-d", self.db, "mail.eml")
        self.assertEqual(r.rc, 1, r)
        event = e2e.one_file_event(r)
        self.assertEqual(event["result"], "infected", event)
        self.assertEqual(event["notes"], [], event)
        self.assertEqual(len(event["detections"]), 1, event)
        detection = event["detections"][0]
        self.assertEqual(detection["name"], SIGNATURE + ".UNOFFICIAL", event)
        self.assertEqual(detection["kind"], "body", event)
        self.assertEqual([event["path"]] + detection["layers"], LAYERS, event)

    def test_text_line(self):
        r = self.ws.vigil("--no-summary", "-d", self.db, "mail.eml")
        self.assertEqual((r.rc, r.out), (1, "mail.eml: %s.UNOFFICIAL FOUND\n" % SIGNATURE), r)

    @e2e.NEEDS_CLAMSCAN
    def test_clamscan_finds_the_same_name(self):
        c = self.ws.clamscan("--no-summary", "-d", self.db, "mail.eml")
        v = self.ws.vigil("--no-summary", "-d", self.db, "mail.eml")
        self.assertEqual((c.rc, c.out), (1, "mail.eml: %s.UNOFFICIAL FOUND\n" % SIGNATURE), c)
        self.assertEqual(v.out, c.out)


if __name__ == "__main__":
    e2e.main()

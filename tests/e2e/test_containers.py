"""A test program inside every container format vigil opens, alone and
nested: it must be found by the MD5 of the program itself (which proves the
extraction is byte-exact) and by a body signature, with its layer path in
the JSON output; clamscan, on the formats it opens, must print the same.

The program is compiled at test time (cc), the containers are made with
Debian's tools (zip, 7z, tar, cpio, gzip, bzip2, xz, zstd, genisoimage,
gcab; the test command installs them). A tool that is missing fails the
test with the package to install.
"""

import os
import shutil
import subprocess
import unittest
import zipfile

import e2e_support as e2e

MARKER = b"VIGIL-CONTAINER-TEST-PROGRAM-7c1e"
need = e2e.need
sh = e2e.sh


class Containers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ws = e2e.Workspace()
        cls.program, cls.src, cls.db = e2e.make_test_program(cls.ws, MARKER, "cdb")
        cls.out = cls.ws.path("fixtures")
        os.mkdir(cls.out)
        cls.fixtures = {}  # name -> (path, clamscan opens it, expected layers)
        cls.body_only = set()  # fixtures that hold the marker, not the program
        cls.make_fixtures()

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    @classmethod
    def add(cls, name, clamscan_opens, layers, hashed=True):
        cls.fixtures[name] = (os.path.join(cls.out, name), clamscan_opens, layers)
        if not hashed:
            cls.body_only.add(name)

    @classmethod
    def make_fixtures(cls):
        src, out = cls.src, cls.out

        def o(name):
            return os.path.join(out, name)

        zip_ = need("zip", "zip")
        sz = need("7z", "p7zip-full")
        tar = need("tar", "tar")
        for flag, name in (("-0", "stored.zip"), ("-9", "deflate.zip"), ("-Zbzip2", "bzip2.zip")):
            args = [zip_, "-q", name, "prog"]
            if flag.startswith("-Z"):
                args = [zip_, "-q", "-Z", flag[2:], o(name), "prog"]
            else:
                args = [zip_, "-q", flag, o(name), "prog"]
            sh(args, src)
            cls.add(name, True, ["prog"])
        with zipfile.ZipFile(o("lzma.zip"), "w", zipfile.ZIP_LZMA) as z:
            z.write(os.path.join(src, "prog"), "prog")
        cls.add("lzma.zip", False, ["prog"])
        # PPMd is left out: libarchive 3.6 fails on p7zip's PPMd streams
        # ("Damaged 7-Zip archive"), a known gap (clamscan opens them).
        # clamscan does not open 7z BZip2/Deflate nor zip LZMA (it prints
        # OK): vigil must find the program there all the same.
        for method, clam in (("LZMA2", True), ("LZMA", True), ("BZip2", False),
                             ("Deflate", False), ("Copy", True)):
            name = "%s.7z" % method.lower()
            sh([sz, "a", "-m0=" + method, o(name), "prog"], src)
            cls.add(name, clam, ["prog"])
        for fmt in ("gnu", "oldgnu", "ustar", "pax", "v7"):
            name = "%s.tar" % fmt
            sh([tar, "--format=" + fmt, "-cf", o(name), "prog"], src)
            cls.add(name, True, ["prog"])
        cpio = need("cpio", "cpio")
        for fmt in ("bin", "odc", "newc", "crc"):
            name = "%s.cpio" % fmt
            with open(o(name), "wb") as f:
                p = subprocess.run([cpio, "-o", "--quiet", "-H", fmt], cwd=src, input=b"prog\n",
                                   stdout=f, stderr=subprocess.PIPE)
            assert p.returncode == 0, p.stderr
            cls.add(name, fmt != "bin", ["prog"])
        # Compressed streams of the program and of a tar of it.
        streams = (("gz", ["gzip", "-c"], "gzip", True), ("bz2", ["bzip2", "-c"], "bzip2", True),
                   ("xz", ["xz", "-c"], "xz-utils", True),
                   ("lzma", ["xz", "--format=lzma", "-c"], "xz-utils", False),
                   ("zst", ["zstd", "-q", "-c"], "zstd", False))
        for ext, argv, package, clam in streams:
            need(argv[0], package)
            with open(o("prog." + ext), "wb") as f:
                subprocess.run(argv + ["prog"], cwd=src, stdout=f, check=True)
            # A compressed stream is a layer of its own (its member is
            # the decompressed bytes, named by the gzip header or "data"),
            # then the tar inside is one more, as in ClamAV.
            cls.add("prog." + ext, clam, ["*"])
            with open(o("gnu.tar." + ext), "wb") as f:
                subprocess.run(argv + [o("gnu.tar")], stdout=f, check=True)
            cls.add("gnu.tar." + ext, clam, ["*", "prog"])
        sh([need("genisoimage", "genisoimage"), "-quiet", "-o", o("prog.iso"), "prog"], src)
        # clamscan -z reports a raw match in an ISO twice (the file, then
        # the image it finds embedded in it at 32768): compared by name
        # only, below.
        cls.add("prog.iso", False, ["PROG"])
        sh([need("gcab", "gcab"), "-c", "-z", o("prog.cab"), "prog"], src)
        cls.add("prog.cab", True, ["prog"])
        sh([need("ar", "binutils"), "rc", o("prog.a"), "prog"], src)
        cls.add("prog.a", False, ["prog"])
        # vigil's own readers: Unix compress (clamscan does not open it),
        # MS SZDD (compress.exe), mail.
        with open(o("prog.Z"), "wb") as f:
            subprocess.run([need("compress", "ncompress"), "-c", "prog"], cwd=src, stdout=f, check=True)
        cls.add("prog.Z", False, [""])
        shutil.copy(os.path.join(src, "prog"), o("szdd"))
        sh([need("mscompress", "mscompress"), "szdd"], out)
        os.unlink(o("szdd"))
        cls.add("szdd_", True, [""])
        arj = need("arj", "arj")
        for method in range(5):
            name = "m%d.arj" % method
            sh([arj, "a", "-m%d" % method, "-y", o(name), "prog"], src)
            cls.add(name, True, ["prog"])
        cls.make_mail(o)
        # Self-extracting / appended archives: a zip or a 7z after an ELF
        # (the test program itself), after an MZ stub, after random bytes.
        import random
        rng = random.Random(7)
        with open(o("deflate.zip"), "rb") as f:
            zipped = f.read()
        with open(o("lzma2.7z"), "rb") as f:
            sevened = f.read()
        stub = b"MZ" + bytes(rng.randrange(256) for _ in range(4000))
        noise = bytes(rng.randrange(256) for _ in range(3000))
        for name, data in (("elf-zip.sfx", cls.program + zipped), ("mz-zip.exe", stub + zipped),
                           ("noise-zip.bin", noise + zipped), ("mz-7z.exe", stub + sevened)):
            e2e.write(o(name), data)
            cls.add(name, True, ["prog"])
        # Nested: the program in a zip in a tar.gz in a 7z.
        sh([tar, "-czf", o("inner.tar.gz"), "-C", out, "deflate.zip"], src)
        sh([sz, "a", o("nested.7z"), o("inner.tar.gz")], src)
        cls.add("nested.7z", True, ["inner.tar.gz", "*", "deflate.zip", "prog"])

    @classmethod
    def make_mail(cls, o):
        import email.message
        import email.policy

        def message(subject, attachments, encoding="base64"):
            m = email.message.EmailMessage()
            m["From"] = "sender@example.org"
            m["To"] = "rcpt@example.org"
            m["Subject"] = subject
            m.set_content("Please see the attachment.\n")
            for name, data in attachments:
                m.add_attachment(data, maintype="application", subtype="octet-stream", filename=name,
                                 cte=encoding)
            return m.as_bytes(policy=email.policy.SMTP)

        with open(os.path.join(cls.src, "prog"), "rb") as f:
            program = f.read()
        e2e.write(o("base64.eml"), message("base64", [("invoice.exe", program)]))
        cls.add("base64.eml", True, ["invoice.exe"])
        # Quoted-printable: text with the marker split by soft line breaks
        # (found by the body signature only: it is not the program).
        text = b"x" * 70 + MARKER + b"y" * 70 + b"\n"
        e2e.write(o("qp.eml"), message("qp", [("notes.txt", text)], "quoted-printable"))
        assert MARKER not in open(o("qp.eml"), "rb").read()
        cls.add("qp.eml", True, ["notes.txt"], hashed=False)
        with open(o("deflate.zip"), "rb") as f:
            zipped = f.read()
        e2e.write(o("zip.eml"), message("zip", [("invoice.zip", zipped)]))
        cls.add("zip.eml", True, ["invoice.zip", "prog"])
        # TNEF (winmail.dat), alone and attached to a mail.
        import struct

        def attr(level, ident, value):
            return (bytes([level]) + struct.pack("<II", ident, len(value)) + value +
                    struct.pack("<H", sum(value) & 0xFFFF))

        tnef = struct.pack("<I", 0x223E9F78) + b"\x01\x00" + attr(1, 0x00089006, b"\x01\x00\x00\x00")
        tnef += attr(2, 0x00069002, bytes(14)) + attr(2, 0x00018010, b"setup.exe\0")
        tnef += attr(2, 0x0006800F, program)
        e2e.write(o("winmail.dat"), tnef)
        cls.add("winmail.dat", True, ["setup.exe"])
        e2e.write(o("tnef.eml"), message("tnef", [("winmail.dat", tnef)]))
        cls.add("tnef.eml", True, ["winmail.dat", "setup.exe"])
        # RFC 2397: the program as a base64 data: URI in an HTML link.
        import base64
        e2e.write(o("data-uri.html"), b"<html><body><a href=\"data:application/octet-stream;base64," +
                  base64.b64encode(program) + b"\">setup</a></body></html>\n")
        cls.add("data-uri.html", True, ["data-uri-1"])
        # PDF: the program as a FlateDecode stream object.
        import zlib
        body = zlib.compress(program)
        e2e.write(o("stream.pdf"),
                  b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                  b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
                  b"3 0 obj\n<< /Length " + str(len(body)).encode() + b" /Filter /FlateDecode >>\n"
                  b"stream\n" + body + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
        cls.add("stream.pdf", True, ["obj 3 0"])
        # OLE2 compound file: the program as a stream in a storage.
        e2e.write(o("compound.doc"), cls.compound_file([("Payload", program)]))
        cls.add("compound.doc", True, ["Payload"])
        # An mbox of three messages, the program in the last one.
        mbox = b""
        for i, atts in enumerate(([], [("notes.txt", b"nothing here\n")], [("late.exe", program)])):
            mbox += b"From sender@example.org Mon Nov 30 12:00:00 2026\n"
            mbox += message("m%d" % i, atts).replace(b"\r\n", b"\n") + b"\n"
        e2e.write(o("mailbox.mbox"), mbox)
        cls.add("mailbox.mbox", True, ["late.exe"])

    @staticmethod
    def compound_file(streams):
        """A minimal [MS-CFB] v3 file: 512-byte sectors, one FAT sector,
        one directory sector, each stream in regular sectors (>= 4096
        bytes, so no mini stream)."""
        import struct
        end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
        fat = [fatsect, end]
        data = b""
        starts = []
        for _, payload in streams:
            assert len(payload) >= 4096
            n = (len(payload) + 511) // 512
            first = len(fat)
            starts.append(first)
            fat += [first + i + 1 for i in range(n - 1)] + [end]
            data += payload.ljust(n * 512, b"\0")
        assert len(fat) <= 128 and len(streams) <= 3
        fat += [free] * (128 - len(fat))

        def entry(name, kind, child, right, start, size):
            raw = name.encode("utf-16-le") + b"\0\0" if name else b""
            return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) +
                    struct.pack("<III", nostream, right, child) + bytes(16) + bytes(4) + bytes(16) +
                    struct.pack("<IQ", start, size))

        entries = [entry("Root Entry", 5, 1, nostream, end, 0)]
        for i, ((name, payload), start) in enumerate(zip(streams, starts)):
            right = i + 2 if i + 1 < len(streams) else nostream
            entries.append(entry(name, 2, nostream, right, start, len(payload)))
        while len(entries) < 4:
            entries.append(bytes(64) + struct.pack("<HBB", 0, 0, 0) +
                           struct.pack("<III", nostream, nostream, nostream) + bytes(48))
        header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16)
        header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
        header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        header += struct.pack("<109I", 0, *([free] * 108))
        assert len(header) == 512
        return header + struct.pack("<128I", *fat) + b"".join(entries) + data

    def vigil_json(self, path):
        return self.vigil_json_rc(path, 1)

    def test_found_by_hash_and_body_in_every_format(self):
        for name, (path, _, layers) in sorted(self.fixtures.items()):
            with self.subTest(fixture=name):
                event = self.vigil_json(path)
                found = {d["name"]: d for d in event["detections"]}
                self.assertIn("Test.Program.Body.UNOFFICIAL", found, event)
                if name in self.body_only:
                    continue
                self.assertIn("Test.Program.Hash.UNOFFICIAL", found, event)
                # The layer path, from the outer member to the program
                # ("*": any name).
                got = found["Test.Program.Hash.UNOFFICIAL"]["layers"]
                self.assertEqual(len(got), len(layers), event)
                for want, have in zip(layers, got):
                    if want != "*":
                        self.assertEqual(os.path.basename(have), want, event)

    @e2e.NEEDS_CLAMSCAN
    def test_clamscan_finds_the_same_names(self):
        # Every format clamscan opens: the same signature names.
        for name, (path, clam_opens, _) in sorted(self.fixtures.items()):
            if not clam_opens and name != "prog.iso":
                continue
            with self.subTest(fixture=name):
                v = self.ws.vigil("-z", "--no-summary", "-d", self.db, path)
                c = self.ws.clamscan("-z", "--no-summary", "-d", self.db, path)
                self.assertEqual(set(v.out.splitlines()), set(c.out.splitlines()))

    @e2e.NEEDS_CLAMSCAN
    def test_same_lines_as_clamscan(self):
        for name, (path, clam_opens, _) in sorted(self.fixtures.items()):
            if not clam_opens:
                continue
            with self.subTest(fixture=name):
                v = self.ws.vigil("-z", "--no-summary", "-d", self.db, path)
                c = self.ws.clamscan("-z", "--no-summary", "-d", self.db, path)
                self.assertEqual(sorted(v.out.splitlines()), sorted(c.out.splitlines()),
                                 "vigil:\n%s\nclamscan:\n%s" % (v.out, c.out))
                self.assertEqual(v.rc, c.rc)

    def test_encrypted_members(self):
        src = self.src
        zip_path = self.ws.path("enc.zip")
        sh([need("zip", "zip"), "-q", "-P", "secret", zip_path, "prog"], src)
        seven = self.ws.path("enc.7z")
        sh([need("7z", "p7zip-full"), "a", "-psecret", seven, "prog"], src)
        seven_h = self.ws.path("ench.7z")
        sh([need("7z", "p7zip-full"), "a", "-psecret", "-mhe=on", seven_h, "prog"], src)
        cases = ((zip_path, "Heuristics.Encrypted.Zip"), (seven, "Heuristics.Encrypted.7Zip"),
                 (seven_h, "Heuristics.Encrypted.7Zip"))
        for path, heuristic in cases:
            with self.subTest(path=os.path.basename(path)):
                plain = self.ws.vigil("--no-summary", "-d", self.db, path)
                self.assertEqual(plain.out, "%s: OK\n" % path, plain)
                self.assertEqual(plain.rc, 0, plain)
                for flag in ("--alert-encrypted", "--alert-encrypted-archive=yes"):
                    alert = self.ws.vigil("--no-summary", flag, "-d", self.db, path)
                    self.assertEqual(alert.out, "%s: %s FOUND\n" % (path, heuristic), alert)
                    self.assertEqual(alert.rc, 1, alert)
                off = self.ws.vigil("--no-summary", "--alert-encrypted", "--alert-encrypted-archive=no",
                                    "-d", self.db, path)
                self.assertEqual(off.rc, 0, off)
                if e2e.CLAMSCAN:
                    c = self.ws.clamscan("--no-summary", "--alert-encrypted", "-d", self.db, path)
                    self.assertEqual(c.out, "%s: %s FOUND\n" % (path, heuristic), c)

    def test_bomb_and_deep_nesting_end_within_limits(self):
        # 300 MiB of zeros in a 300 KiB zip, beside the program: the huge
        # member is cut at --max-filesize, the program is still found, the
        # file is not called fully scanned.
        bomb = self.ws.path("bomb.zip")
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            with z.open("zeros.bin", "w", force_zip64=True) as f:
                block = bytes(1 << 20)
                for _ in range(300):
                    f.write(block)
            z.writestr("prog", self.program)
        event = self.vigil_json(bomb)
        self.assertFalse(event["fully_scanned"], event)
        self.assertIn("MaxFileSize", [l["limit"] for l in event["limits"]], event)
        self.assertIn("Test.Program.Hash.UNOFFICIAL", [d["name"] for d in event["detections"]])
        r = self.ws.vigil("--no-summary", "--alert-exceeds-max", "--max-filesize=10M", "-d", self.db, bomb)
        self.assertEqual(r.rc, 1, r)
        # 25 zips deep: beyond --max-recursion (17) nothing is opened, and
        # --alert-exceeds-max names it, as clamscan does.
        inner = self.program
        for depth in range(25):
            path = self.ws.path("deep.zip")
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("level%d" % depth, inner)
            with open(path, "rb") as f:
                inner = f.read()
        event = self.vigil_json_rc(path, 0)
        self.assertIn("MaxRecursion", [l["limit"] for l in event["limits"]], event)
        self.assertFalse(event["fully_scanned"], event)
        r = self.ws.vigil("--no-summary", "--alert-exceeds-max", "-d", self.db, path)
        self.assertEqual(r.out, "%s: Heuristics.Limits.Exceeded.MaxRecursion FOUND\n" % path, r)
        if e2e.CLAMSCAN:
            c = self.ws.clamscan("--no-summary", "--alert-exceeds-max", "-d", self.db, path)
            self.assertEqual(r.out, c.out)

    def vigil_json_rc(self, path, rc):
        r = self.ws.vigil("-z", "--json", "-d", self.db, path)
        self.assertEqual(r.rc, rc, r)
        return e2e.one_file_event(r)

    def test_encrypted_pdf(self):
        plain, _, _ = self.fixtures["stream.pdf"]
        enc = self.ws.path("enc.pdf")
        p = subprocess.run([need("qpdf", "qpdf"), "--encrypt", "user", "owner", "256", "--", plain, enc],
                           capture_output=True)
        self.assertTrue(os.path.exists(enc), p.stderr)  # qpdf warns (exit 3) on the minimal file
        r = self.ws.vigil("--no-summary", "-d", self.db, enc)
        self.assertEqual((r.rc, r.out), (0, "%s: OK\n" % enc), r)
        for flag in ("--alert-encrypted", "--alert-encrypted-doc"):
            r = self.ws.vigil("--no-summary", flag, "-d", self.db, enc)
            self.assertEqual((r.rc, r.out), (1, "%s: Heuristics.Encrypted.PDF FOUND\n" % enc), r)
        r = self.ws.vigil("--no-summary", "--alert-encrypted-archive", "-d", self.db, enc)
        self.assertEqual(r.rc, 0, r)
        if e2e.CLAMSCAN:
            c = self.ws.clamscan("--no-summary", "--alert-encrypted", "-d", self.db, enc)
            self.assertEqual(c.out, "%s: Heuristics.Encrypted.PDF FOUND\n" % enc, c)

    def test_damaged_container_is_partial_not_fatal(self):
        path, _, _ = self.fixtures["nested.7z"]
        with open(path, "rb") as f:
            data = f.read()
        cut = self.ws.path("cut.7z")
        e2e.write(cut, data[: len(data) // 2])
        r = self.ws.vigil("--json", "-d", self.db, cut)
        self.assertIn(r.rc, (0, 1), r)
        event = e2e.one_file_event(r)
        self.assertIn(event["result"], ("clean", "infected"), event)


if __name__ == "__main__":
    e2e.main()

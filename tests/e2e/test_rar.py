"""RAR 4.x and RAR 5.0 archives: the test program inside them, alone and
nested, must be found by the MD5 of the program (proving the extraction is
byte-exact) and by a body signature, with its layer path in the JSON output;
damaged archives give a partial result; encrypted members and encrypted
headers give Heuristics.Encrypted.RAR under --alert-encrypted.

No free tool writes RAR: the archives are made by rar_writer.py (stored
members, from RARLAB's published format descriptions), and checked with 7z's
own RAR reader (p7zip-full), an implementation independent of libarchive.

clamscan: Debian's ClamAV reads RAR only through the non-free
libclamunrar_iface, which Debian main does not ship. Without it clamscan
types a RAR but does not open it: it matches the archive's raw bytes only
(a stored member's bytes are there, so body signatures still match, hash
signatures of members do not), and it has no encryption heuristic for RAR.
The comparisons below say exactly that, and expect clamscan's own result
where it has unrar support.
"""

import io
import os
import random
import subprocess
import unittest
import zipfile

import e2e_support as e2e
from rar_writer import Member, rar4, rar5

MARKER = b"VIGIL-CONTAINER-TEST-PROGRAM-7c1e"

HASH = "Test.Program.Hash.UNOFFICIAL"
BODY = "Test.Program.Body.UNOFFICIAL"
ENCRYPTED = "Heuristics.Encrypted.RAR"

README = b"This archive was made by tests/e2e/rar_writer.py.\n" * 3
NOTES = "Notes: nothing to see here, only plain text.\n".encode() * 4


need = e2e.need

def clamscan_reads_rar():
    """True when clamscan has its unrar module (libclamunrar_iface)."""
    if not e2e.CLAMSCAN:
        return False
    ws = e2e.Workspace()
    try:
        path = e2e.write(ws.path("probe.rar"), rar4([Member("a.txt", README)]))
        r = ws.clamscan("--debug", "--no-summary", "-d", ws.db, path)
        return "unrar support unavailable" not in r.err
    finally:
        ws.cleanup()


class Rar(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.ws = e2e.Workspace()
        cls.program, _, cls.db = e2e.make_test_program(cls.ws, MARKER, "rdb")
        cls.out = cls.ws.path("fixtures")
        os.mkdir(cls.out)
        cls.unrar = clamscan_reads_rar()
        # name -> (path, layer path of the program, clamscan finds its hash
        # even without unrar (it opens a zip it finds in the raw bytes))
        cls.fixtures = {}
        cls.make_fixtures()

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    @classmethod
    def add(cls, name, data, layers, clam_hash_without_unrar=False):
        path = e2e.write(os.path.join(cls.out, name), data)
        cls.fixtures[name] = (path, layers, clam_hash_without_unrar)
        return path

    @staticmethod
    def zipped(name, data):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(name, data)
        return buf.getvalue()

    @classmethod
    def make_fixtures(cls):
        prog = cls.program
        alone4, alone5 = rar4([Member("prog", prog)]), rar5([Member("prog", prog)])
        cls.add("alone.rar", alone4, ["prog"])
        cls.add("alone5.rar", alone5, ["prog"])
        # Several members, a directory; RAR 4 names use '\' (as rar writes
        # them on Windows), read back as '/'; RAR 5 names are UTF-8.
        cls.add("multi.rar", rar4([Member("readme.txt", README), Member("bin", directory=True),
                                   Member("bin\\prog", prog), Member("notes.txt", NOTES)]),
                ["bin/prog"])
        cls.add("multi5.rar", rar5([Member("readme.txt", README), Member("bin", directory=True),
                                    Member("bin/prog", prog),
                                    Member("docs/r\u00e9sum\u00e9.txt", NOTES)]),
                ["bin/prog"])
        # Nested: RAR in zip, zip in RAR 5, RAR 5 in RAR 4.
        cls.add("rar-in.zip", cls.zipped("inner.rar", alone4), ["inner.rar", "prog"])
        cls.add("rar5-in.zip", cls.zipped("inner.rar", alone5), ["inner.rar", "prog"])
        cls.add("zip-in.rar5", rar5([Member("readme.txt", README),
                                     Member("prog.zip", cls.zipped("prog", prog))]),
                ["prog.zip", "prog"], clam_hash_without_unrar=True)
        cls.add("rar5-in.rar", rar4([Member("inner.rar", alone5)]), ["inner.rar", "prog"])
        # Self-extracting / appended: after an ELF (the program itself), an
        # MZ stub, random bytes.
        rng = random.Random(11)
        stub = b"MZ" + bytes(rng.randrange(256) for _ in range(4000))
        noise = bytes(rng.randrange(256) for _ in range(3000))
        cls.add("elf-rar.sfx", prog + alone4, ["prog"])
        cls.add("elf-rar5.sfx", prog + alone5, ["prog"])
        cls.add("mz-rar.exe", stub + alone4, ["prog"])
        cls.add("mz-rar5.exe", stub + alone5, ["prog"])
        cls.add("noise-rar5.bin", noise + rar5([Member("readme.txt", README),
                                                Member("prog", prog)]), ["prog"])

    def vigil_json(self, path, *flags):
        r = self.ws.vigil("--json", "-d", self.db, *(list(flags) + [path]))
        return r, e2e.one_file_event(r)

    def test_writer_output_is_read_by_7z(self):
        # 7z's RAR reader checks the header and data CRCs of stored members.
        sz = need("7z", "p7zip-full")
        for name, (path, _, _) in sorted(self.fixtures.items()):
            if not name.endswith((".rar", ".rar5")):
                continue
            with self.subTest(fixture=name):
                p = subprocess.run([sz, "t", path], capture_output=True)
                self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())
                self.assertIn(b"Everything is Ok", p.stdout)

    def test_found_by_hash_and_body_with_layer_path(self):
        for name, (path, layers, _) in sorted(self.fixtures.items()):
            with self.subTest(fixture=name):
                r, event = self.vigil_json(path, "-z")
                self.assertEqual(r.rc, 1, r)
                self.assertEqual(event["notes"], [], event)
                hashes = [d["layers"] for d in event["detections"] if d["name"] == HASH]
                self.assertEqual(hashes, [layers], event)
                bodies = [d["layers"] for d in event["detections"] if d["name"] == BODY]
                self.assertIn(layers, bodies, event)

    @e2e.NEEDS_CLAMSCAN
    def test_same_first_match_as_clamscan(self):
        # A stored member's bytes are in the archive: without --allmatch
        # both stop at the body signature in the raw bytes.
        for name, (path, _, _) in sorted(self.fixtures.items()):
            with self.subTest(fixture=name):
                v = self.ws.vigil("--no-summary", "-d", self.db, path)
                c = self.ws.clamscan("--no-summary", "-d", self.db, path)
                self.assertEqual((v.rc, v.out), (c.rc, c.out), "vigil: %r\nclamscan: %r" % (v, c))

    @e2e.NEEDS_CLAMSCAN
    def test_allmatch_compared_with_clamscan(self):
        # With -z vigil also finds the program's hash inside the RAR;
        # clamscan does too only with unrar, or when the program is in a
        # zip it finds in the RAR's raw bytes. Nothing else differs.
        for name, (path, _, clam_hash) in sorted(self.fixtures.items()):
            with self.subTest(fixture=name):
                v = self.ws.vigil("-z", "--no-summary", "-d", self.db, path)
                c = self.ws.clamscan("-z", "--no-summary", "-d", self.db, path)
                ctx = "vigil:\n%s\nclamscan:\n%s" % (v.out, c.out)
                self.assertEqual((v.rc, c.rc), (1, 1), ctx)
                hash_line = "%s: %s FOUND" % (path, HASH)
                vset, cset = set(v.out.splitlines()), set(c.out.splitlines())
                self.assertLessEqual(cset, vset, ctx)
                missed = set() if self.unrar or clam_hash else {hash_line}
                self.assertEqual(vset - cset, missed, ctx)

    def test_damaged_rar_gives_a_partial_result(self):
        prog = self.program
        filler = bytes(random.Random(5).randrange(256) for _ in range(20000))
        cases = []  # (name, bytes, program still found by its hash)
        for ver, write in (("4", rar4), ("5", rar5)):
            alone = write([Member("prog", prog)])
            two = write([Member("prog", prog), Member("filler.bin", filler)])
            cases += [
                # The second member cut short, or claiming far more data
                # than the archive holds: the program before it is read.
                ("cut-second" + ver, two[:len(two) - 5000], True),
                ("absurd-second" + ver, write([Member("prog", prog),
                                               Member("filler.bin", filler,
                                                      pack_size=0xFFFFFFF0)]), True),
                # A wrong data CRC: libarchive 3.6 does not check it for
                # stored members; the bytes are scanned all the same.
                ("bad-crc" + ver, write([Member("prog", prog, crc=0x12345678)]), True),
                # The only member cut, its header cut, its header's CRC
                # wrong, an absurd packed size.
                ("cut-data" + ver, alone[:len(alone) // 2], False),
                ("cut-header" + ver, alone[:30], False),
                ("bad-header-crc" + ver, self.flip_name_byte(alone, b"prog"), False),
                ("absurd-size" + ver, write([Member("prog", prog,
                                                    pack_size=(1 << 60) if ver == "5"
                                                    else 0xFFFFFFF0)]), False),
            ]
        for name, data, found in cases:
            with self.subTest(case=name):
                path = e2e.write(self.ws.path("damaged", name + ".rar"), data)
                r, event = self.vigil_json(path, "-z")
                self.assertIn(r.rc, (0, 1), r)
                self.assertIn(event["result"], ("clean", "infected"), event)
                hashes = [d["layers"] for d in event["detections"] if d["name"] == HASH]
                if found:
                    self.assertEqual(hashes, [["prog"]], event)
                else:
                    self.assertEqual(hashes, [], event)
                if not name.startswith("bad-crc"):
                    self.assertTrue(any(n.startswith("archive") for n in event["notes"]), event)
                if e2e.CLAMSCAN and not self.unrar:
                    v = self.ws.vigil("--no-summary", "-d", self.db, path)
                    c = self.ws.clamscan("--no-summary", "-d", self.db, path)
                    self.assertEqual((v.rc, v.out), (c.rc, c.out))

    @staticmethod
    def flip_name_byte(data, name):
        at = data.index(name)
        return data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:]

    def test_encrypted_members_and_headers(self):
        prog = self.program
        members = [Member("readme.txt", README), Member("prog", prog, encrypted=True)]
        cases = (("enc.rar", rar4(members), "encrypted member: prog"),
                 ("enc5.rar", rar5(members), "encrypted member: prog"),
                 ("hdr.rar", rar4(members, encrypted_headers=True), "encrypted container"),
                 ("hdr5.rar", rar5(members, encrypted_headers=True), "encrypted container"))
        sz = need("7z", "p7zip-full")
        for name, data, note in cases:
            with self.subTest(fixture=name):
                path = e2e.write(self.ws.path("enc", name), data)
                self.assertNotIn(MARKER, data)
                # 7z agrees that it is encrypted.
                p = subprocess.run([sz, "l", "-slt", "-p", path], capture_output=True,
                                   stdin=subprocess.DEVNULL)
                listing = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
                if name.startswith("enc"):
                    self.assertIn("Encrypted = +", listing)
                else:
                    self.assertRegex(listing, "(?i)encrypted|password")
                plain = self.ws.vigil("--no-summary", "-d", self.db, path)
                self.assertEqual((plain.rc, plain.out), (0, "%s: OK\n" % path), plain)
                for flag in ("--alert-encrypted", "--alert-encrypted-archive=yes"):
                    alert = self.ws.vigil("--no-summary", flag, "-d", self.db, path)
                    self.assertEqual((alert.rc, alert.out), (1, "%s: %s FOUND\n" % (path, ENCRYPTED)),
                                     alert)
                off = self.ws.vigil("--no-summary", "--alert-encrypted", "--alert-encrypted-archive=no",
                                    "-d", self.db, path)
                self.assertEqual(off.rc, 0, off)
                r, event = self.vigil_json(path, "-z")
                self.assertIn(note, event["notes"], event)
                if e2e.CLAMSCAN:
                    c = self.ws.clamscan("--no-summary", "-d", self.db, path)
                    self.assertEqual((c.rc, c.out), (plain.rc, plain.out), c)
                    c = self.ws.clamscan("--no-summary", "--alert-encrypted", "-d", self.db, path)
                    # Without unrar clamscan cannot see a RAR's encryption.
                    want = "%s: %s FOUND\n" % (path, ENCRYPTED) if self.unrar else "%s: OK\n" % path
                    self.assertEqual(c.out, want, c)

    def test_rar_ending_with_a_zip_is_read_as_a_rar(self):
        # libarchive alone reads such a RAR as the zip (its zip reader finds
        # the end of central directory near the end and outbids the RAR
        # readers): the RAR's other members would never be scanned.
        text = b"first member " + MARKER + b"\n"
        for name, write in (("zip-last.rar", rar4), ("zip-last5.rar", rar5)):
            with self.subTest(fixture=name):
                path = e2e.write(self.ws.path("ziplast", name), write([
                    Member("first.txt", text), Member("last.zip", self.zipped("readme.txt", README))]))
                r, event = self.vigil_json(path, "-z")
                self.assertEqual(r.rc, 1, r)
                bodies = [d["layers"] for d in event["detections"] if d["name"] == BODY]
                self.assertIn(["first.txt"], bodies, event)
                self.assertEqual(event["objects"], 4, event)  # rar, first.txt, last.zip, readme.txt

    def test_encrypted_member_beside_the_program(self):
        # An encrypted member is reported, not scanned as data; the plain
        # program beside it is still found (-z: every match).
        secret = Member("secret.bin", README, encrypted=True)
        for name, write in (("mixed.rar", rar4), ("mixed5.rar", rar5)):
            with self.subTest(fixture=name):
                path = e2e.write(self.ws.path("mixed", name),
                                 write([secret, Member("prog", self.program)]))
                r, event = self.vigil_json(path, "-z", "--alert-encrypted")
                names = {(d["name"], tuple(d["layers"])) for d in event["detections"]}
                self.assertIn((HASH, ("prog",)), names, event)
                self.assertIn((ENCRYPTED, ()), names, event)
                self.assertIn("encrypted member: secret.bin", event["notes"], event)


if __name__ == "__main__":
    e2e.main()

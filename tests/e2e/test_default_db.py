"""The bundled default database (data/default-db/): `vigil scan` without -d."""

import json
import unittest

import e2e_support as s


class DefaultDatabase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.ws = s.Workspace()
        s.write(cls.ws.path("eicar.com"), s.EICAR)
        s.write(cls.ws.path("eicar-crlf.com"), s.EICAR + b"\r\n")
        s.write(cls.ws.path("clean.txt"), b"clean\n")
        marker = bytes.fromhex("564947494c2d4841524d4c4553532d544553542d4d41524b45522d376431663363")
        s.write(cls.ws.path("marker.txt"), b"text around " + marker + b" the marker\n")

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def test_eicar_is_detected_by_its_official_name(self):
        r = self.ws.vigil("--no-summary", "eicar.com")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(
            r.out, "eicar.com: Eicar-Test-Signature FOUND\n",
            "the bundled database's names must print as they are, without clamscan's "
            ".UNOFFICIAL suffix (which marks unsigned databases given with -d)")

    def test_eicar_with_trailing_bytes(self):
        # Only the MD5 signature needs the exact 68 bytes; the body
        # signature at offset 0 still matches.
        r = self.ws.vigil("--no-summary", "eicar-crlf.com")
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.out, r"^eicar-crlf\.com: Eicar-Test-Signature(\.UNOFFICIAL)? FOUND\n$")

    def test_marker(self):
        r = self.ws.vigil("--no-summary", "marker.txt", "clean.txt")
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.out, r"^marker\.txt: Vigil\.Test\.Marker(\.UNOFFICIAL)? FOUND\n"
                                r"clean\.txt: OK\n$")

    def test_summary_counts_the_bundled_signatures(self):
        r = self.ws.vigil("clean.txt")
        self.assertEqual(r.rc, 0)
        self.assertIn("Known viruses: 3\n", r.out)

    def test_json(self):
        r = self.ws.vigil("--json", "eicar.com")
        events = [json.loads(l) for l in r.out.splitlines()]
        self.assertEqual(events[0]["known_signatures"], 3)
        self.assertEqual(events[1]["detections"][0]["name"], "Eicar-Test-Signature",
                         "the bundled database's names carry no .UNOFFICIAL suffix")

    def test_stdin(self):
        r = self.ws.vigil("--no-summary", "-", stdin=s.EICAR)
        self.assertRegex(r.out, r"^stdin: Eicar-Test-Signature(\.UNOFFICIAL)? FOUND\n$")


if __name__ == "__main__":
    s.main()

"""Golden tests for the user-visible text that is vigil's own (not
clamscan's): the JSON events, database errors in vigil's words, `vigil db`
output, --version, usage errors.

Each case runs a command and compares its normalised output with
tests/e2e/golden/<case>.expected. Normalising replaces what changes from run
to run or machine to machine (times, dates, durations, the version, the
workspace path, hashes, CPU features) with <placeholders>. To accept new
output after a deliberate change, run with VIGIL_UPDATE_GOLDEN=1 and review
the diff.
"""

import os
import re
import unittest

import e2e_support as s

UPDATE = os.environ.get("VIGIL_UPDATE_GOLDEN") == "1"

NORMALISE = [
    (re.compile(r'"(time|start|end)":"[^"]*"'), r'"\1":"<time>"'),
    (re.compile(r'"seconds":[0-9.e+-]+'), '"seconds":<seconds>'),
    (re.compile(r'"open_seconds": [0-9.e+-]+'), '"open_seconds": <seconds>'),
    (re.compile(r"vigil \d+\.\d+\.\d+[^\s\"]*"), "vigil <version>"),
    (re.compile(r'("engine_version":\s*"|Engine version: )\d+\.\d+\.\d+\S*?(?=["\n])'), r"\1<version>"),
    (re.compile(r"Vectorscan [^\n\"]*"), "Vectorscan <version>"),
    (re.compile(r'("cpu_features":\s*"|CPU features: )[^"\n]*'), r"\1<cpu>"),
    (re.compile(r"[0-9a-f]{64}"), "<sha256>"),
    (re.compile(r"\d+\.\d+ (s|ms)\b"), r"<t> \1"),
    (re.compile(r"(File size: |\"file_size\": )\d+"), r"\1<bytes>"),
    (re.compile(r"(Start Date: |End Date:   )[\d: ]+"), r"\1<date>"),
    (re.compile(r"Time: \d+\.\d+ sec \(\d+ m \d+ s\)"), "Time: <time>"),
]


def normalise(text, ws):
    text = text.replace(ws.root, "<ws>")
    for rx, repl in NORMALISE:
        text = rx.sub(repl, text)
    return text


class Golden(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.ws = s.Workspace()
        s.make_tree(cls.ws.path("tree"))
        s.write(cls.ws.path("bad", "bad.ndb"), "Bad.Sig:0:*:4142zz\n")
        os.makedirs(cls.ws.path("emptydb"))

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def check(self, name, run):
        actual = "exit code: %d\n--- stdout\n%s--- stderr\n%s" % (run.rc, run.out, run.err)
        actual = normalise(actual, self.ws)
        path = os.path.join(s.GOLDEN_DIR, name + ".expected")
        if UPDATE:
            os.makedirs(s.GOLDEN_DIR, exist_ok=True)
            with open(path, "w") as f:
                f.write(actual)
        with open(path) as f:
            expected = f.read()
        self.assertEqual(actual, expected, "golden file %s (VIGIL_UPDATE_GOLDEN=1 rewrites it)" % path)

    def test_scan_json(self):
        # Command-line files only: directory order is the file system's.
        self.check("scan-json", self.ws.vigil(
            "-d", "db", "--json", "tree/eicar.com", "tree/clean.txt", "tree/empty.txt",
            "tree/hashed.bin", "tree/link-to-eicar", "missing", "tree/fifo", "-",
            stdin=b"stdin " + s.MARKER_B))

    def test_scan_json_allmatch_and_limits(self):
        s.write(self.ws.path("two.txt"), s.MARKER_A + b" " + s.MARKER_B)
        s.write(self.ws.path("big.bin"), b"x" * 20000)
        self.check("scan-json-allmatch-limits", self.ws.vigil(
            "-d", "db", "--json", "-z", "--max-filesize=10K", "two.txt", "big.bin"))

    def test_scan_json_excluded_directory(self):
        self.check("scan-json-excluded-directory", self.ws.vigil(
            "-d", "db", "--json", "--exclude-dir=tree", "tree"))

    def test_scan_malformed_database(self):
        self.check("scan-malformed-database", self.ws.vigil("-d", "bad", "tree/clean.txt"))

    def test_scan_malformed_database_json(self):
        self.check("scan-malformed-database-json",
                   self.ws.vigil("-d", "bad", "--json", "tree/clean.txt"))

    def test_scan_missing_database(self):
        self.check("scan-missing-database",
                   self.ws.vigil("-d", "no-such.ndb", "--no-summary", "tree/clean.txt"))

    def test_scan_empty_database_directory(self):
        self.check("scan-empty-database-directory",
                   self.ws.vigil("-d", "emptydb", "--no-summary", "tree/clean.txt"))

    def test_scan_unknown_option(self):
        self.check("scan-unknown-option", self.ws.vigil("--no-such-option", "tree"))

    def test_scan_bad_option_value(self):
        self.check("scan-bad-option-value", self.ws.vigil("--max-filesize=12Q", "tree"))

    def test_version(self):
        self.check("version", self.ws.vigil_cmd("--version"))

    def test_no_subcommand(self):
        self.check("no-subcommand", self.ws.vigil_cmd())

    def test_db_compile_and_info(self):
        out = self.ws.path("t.vdb")
        self.check("db-compile", self.ws.vigil_cmd("db", "compile", "-d", "db", "-o", out))
        self.check("db-info", self.ws.vigil_cmd("db", "info", "--verify", out))
        self.check("db-info-json", self.ws.vigil_cmd("db", "info", "--json", out))
        self.check("db-scan-compiled", self.ws.vigil("-d", out, "--no-summary", "tree/eicar.com"))

    def test_db_compile_malformed(self):
        self.check("db-compile-malformed",
                   self.ws.vigil_cmd("db", "compile", "-d", "bad", "-o", self.ws.path("x.vdb")))


if __name__ == "__main__":
    s.main()

"""The summary block and the exit codes of `vigil scan`."""

import os
import re
import unittest

import e2e_support as s

SUMMARY_FORMAT = [
    r"",
    re.escape(s.SUMMARY_HEADER),
    r"Known viruses: \d+",
    r"Engine version: \S+",
    r"Scanned directories: \d+",
    r"Scanned files: \d+",
    r"Infected files: \d+",
    r"(Total errors: [1-9]\d*)?",  # only when there were errors
    r"Data scanned: \d+\.\d\d MB",
    r"Data read: \d+\.\d\d MB \(ratio \d+\.\d\d:1\)",
    r"Time: \d+\.\d{3} sec \(\d+ m \d+ s\)",
    r"Start Date: \d{4}:\d\d:\d\d \d\d:\d\d:\d\d",
    r"End Date:   \d{4}:\d\d:\d\d \d\d:\d\d:\d\d",
]


def summary_lines(out):
    i = out.index(s.SUMMARY_HEADER)
    return out[i - 1:].rstrip("\n").split("\n")


class SummaryFormat(unittest.TestCase):
    """vigil's summary, line by line (no clamscan needed)."""

    @classmethod
    def setUpClass(cls):
        cls.ws = s.Workspace()
        s.make_tree(cls.ws.path("tree"))

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def check(self, out):
        lines = summary_lines(out)
        pattern = [p for p in SUMMARY_FORMAT if not p.startswith("(")]
        if any(l.startswith("Total errors:") for l in lines):
            pattern.insert(7, SUMMARY_FORMAT[7])
        self.assertEqual(len(lines), len(pattern), lines)
        for line, p in zip(lines, pattern):
            self.assertRegex(line, "^" + p + "$")
        self.assertTrue(out.endswith(lines[-1] + "\n"), "the summary ends the output")
        return {l.split(":")[0]: l.split(":", 1)[1].strip() for l in lines if ":" in l}

    def test_format(self):
        v = self.ws.vigil("-d", "db", "-r", "tree")
        fields = self.check(v.out)
        self.assertEqual(fields["Known viruses"], "4")
        self.assertEqual(fields["Scanned directories"], "4")
        self.assertEqual(fields["Infected files"], "5")
        self.assertNotIn("Total errors", fields)

    def test_dates_are_ordered(self):
        v = self.ws.vigil("-d", "db", "tree")
        fields = self.check(v.out)
        start = re.search(r"Start Date: (.*)", v.out).group(1)
        end = re.search(r"End Date: +(.*)", v.out).group(1)
        self.assertLessEqual(start, end)
        self.assertRegex(fields["Time"], r"^0\.\d{3} sec \(0 m 0 s\)$")

    def test_total_errors(self):
        v = self.ws.vigil("-d", "db", "tree/clean.txt", "missing")
        self.check(v.out)
        # A missing command-line path is a warning, not a "Total errors" error.
        self.assertNotIn("Total errors", v.out)
        self.assertEqual(v.rc, 2)

    def test_no_summary(self):
        v = self.ws.vigil("-d", "db", "--no-summary", "tree")
        self.assertNotIn(s.SUMMARY_HEADER, v.out)


@s.NEEDS_CLAMSCAN
class SummaryValues(s.DiffTestCase):
    """Known viruses, directory/file/infected counts and Data read, exactly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s.make_tree(cls.ws.path("tree"))
        sizes = cls.ws.path("sizes")
        for n in (1, 100, 4095, 4096, 4097, 5000, 8191, 8192, 100000, 1048576, 3000000):
            s.write(os.path.join(sizes, "f%d" % n), bytes((i * 7) & 0xFF for i in range(n)))
        for i in range(20):
            s.write(os.path.join(cls.ws.path("small"), "s%d" % i), b"y" * 3000)

    def test_counts(self):
        self.assertSameAsClamscan("-d", "db", "-r", "tree")
        self.assertSameAsClamscan("-d", "db/test.hdb", "tree")

    def test_data_read(self):
        # clamscan counts 4 KiB blocks, rounding each file down: 20 files of
        # 3000 bytes read "0.00 MB (ratio 0.00:1)".
        for target in ("sizes/f100", "sizes/f4096", "sizes/f8192", "sizes/f100000", "small"):
            with self.subTest(target=target):
                c, v = self.assertSameAsClamscan("-d", "db", target)
                c_read = re.search(r"Data read: (\S+) MB", c.out).group(1)
                v_read = re.search(r"Data read: (\S+) MB", v.out).group(1)
                self.assertEqual(v_read, c_read)

    def test_ratio_on_small_files(self):
        # Files under 4 KiB: clamscan prints "ratio 0.00:1".
        for target in ("small", "tree/clean.txt"):
            with self.subTest(target=target):
                c, v = self.assertSameAsClamscan("-d", "db", target, keep_data_read=True)

    def test_data_read_directory(self):
        c, v = self.assertSameAsClamscan("-d", "db", "sizes")
        self.assertEqual(re.search(r"Data read: (\S+) MB", v.out).group(1),
                         re.search(r"Data read: (\S+) MB", c.out).group(1))


@s.NEEDS_CLAMSCAN
class ExitCodes(s.DiffTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s.make_tree(cls.ws.path("tree"))
        s.write(cls.ws.path("bad", "bad.ndb"), "Bad.Sig:0:*:41424zz3\n")
        s.write(cls.ws.path("bad2", "good.ndb"), "Good.Sig:0:*:41424344\n")
        s.write(cls.ws.path("bad2", "bad.hdb"), "44d88612fea8a8f36de82e1278abb02f:68\n")
        os.makedirs(cls.ws.path("emptydb"))

    def rc(self, *args, **kw):
        c, v = self.assertSameAsClamscan(*args, **kw)
        return v.rc

    def test_clean_is_0(self):
        self.assertEqual(self.rc("-d", "db", "tree/clean.txt"), 0)

    def test_infected_is_1(self):
        self.assertEqual(self.rc("-d", "db", "tree/eicar.com"), 1)
        self.assertEqual(self.rc("-d", "db", "--quiet", "tree/eicar.com"), 1)

    def test_errors_are_2(self):
        self.assertEqual(self.rc("-d", "db", "missing"), 2)
        self.assertEqual(self.rc("-d", "db", "tree/fifo"), 2)

    def test_infection_wins_over_errors(self):
        self.assertEqual(self.rc("-d", "db", "missing", "tree/eicar.com", "tree/fifo"), 1)

    def database_error(self, db, clamscan_error, *extra):
        """Exit 2; stderr: vigil's diagnostic(s), then clamscan's ERROR
        line; stdout: the summary with nothing scanned, as clamscan's."""
        c, v = self.both("-d", db, *extra, "tree/eicar.com", "tree")
        ctx = "%r\n%r" % (c, v)
        self.assertEqual(c.rc, 2, ctx)
        self.assertEqual(v.rc, 2, ctx)
        self.assertEqual(s.clamscan_stderr(c.err), "ERROR: %s\n" % clamscan_error)
        err = v.err.splitlines()
        self.assertGreaterEqual(len(err), 2, ctx)
        self.assertEqual(err[-1], "ERROR: %s" % clamscan_error)
        for line in err[:-1]:
            self.assertRegex(line, r"^%s\S*(:\d+:\d+)?: error\[E\d{4}\]: \S.*$" % re.escape(db))
        self.assertEqual(s.mask_summary(v.out, self), s.mask_summary(c.out))
        self.assertNotIn("FOUND", v.out)
        self.assertIn("Scanned files: 0\n", v.out)
        return v

    def test_malformed_database(self):
        v = self.database_error("bad", "Malformed database")
        self.assertRegex(v.err, r"^bad/bad\.ndb:1:\d+: error\[E0201\]: ")

    def test_malformed_database_among_good_ones(self):
        self.database_error("bad2", "Malformed database")

    def test_malformed_database_file(self):
        self.database_error("bad/bad.ndb", "Malformed database")

    def test_missing_database(self):
        self.database_error("no-such-db.ndb", "Can't get file status")

    def test_empty_database_directory(self):
        self.database_error("emptydb", "Can't open file or directory")

    def test_database_error_with_stdout(self):
        c, v = self.both("-d", "bad", "--stdout", "--no-summary", "tree/eicar.com")
        self.assertEqual(v.out, c.out)
        self.assertEqual(v.out, "ERROR: Malformed database\n")
        self.assertEqual(v.rc, 2)


if __name__ == "__main__":
    s.main()

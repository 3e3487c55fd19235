"""clamscan's options in `vigil scan`, each compared with clamscan."""

import hashlib
import os
import shutil
import subprocess
import unittest

import e2e_support as s


@s.NEEDS_CLAMSCAN
class OutputOptions(s.DiffTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s.make_tree(cls.ws.path("tree"))

    def test_infected_only(self):
        # -i hides OK, Empty file, Excluded and Symbolic link lines.
        self.assertSameAsClamscan("-d", "db", "-r", "-i", "tree")
        self.assertSameAsClamscan("-d", "db", "-i", "--exclude=clean", "tree")
        self.assertSameAsClamscan("-d", "db", "--infected", "-r", "--exclude-dir=deeper", "tree")

    def test_suppress_ok_results(self):
        self.assertSameAsClamscan("-d", "db", "-r", "-o", "tree")
        self.assertSameAsClamscan("-d", "db", "-r", "--suppress-ok-results", "tree")

    def test_no_summary(self):
        self.assertSameAsClamscan("-d", "db", "-r", "--no-summary", "tree", "missing")

    def test_quiet(self):
        # Nothing on stdout, no warnings; the perror() line stays.
        self.assertSameAsClamscan("-d", "db", "-r", "--quiet", "tree", "missing", "tree/fifo")

    def test_stdout(self):
        # Warnings move to stdout; the perror() line stays on stderr.
        self.assertSameAsClamscan("-d", "db", "--stdout", "tree/clean.txt", "missing", "tree/fifo")

    def test_database_forms(self):
        self.assertSameAsClamscan("-d", "db/test.ndb", "-r", "tree")
        self.assertSameAsClamscan("-d", "db/test.hdb", "-r", "tree")
        self.assertSameAsClamscan("-d", "db/test.ndb", "-d", "db/test.hdb", "-r", "tree")
        self.assertSameAsClamscan("--database=db", "-r", "tree")
        self.assertSameAsClamscan("-d", "db", "-d", "db/test.ndb", "tree/eicar.com")

    def test_allmatch(self):
        both = s.write(self.ws.path("am", "both.txt"), b"1 " + s.MARKER_B + b" 2 " + s.MARKER_A + b"\n")
        s.write(self.ws.path("am", "reversed.txt"), b"1 " + s.MARKER_A + b" 2 " + s.MARKER_B + b"\n")
        s.write(self.ws.path("am", "eicar.com"), s.EICAR)
        self.assertSameAsClamscan("-d", "db", "-z", "am")
        self.assertSameAsClamscan("-d", "db", "--allmatch", "-r", "am")
        self.assertSameAsClamscan("-d", "db", "am")
        self.assertTrue(os.path.exists(both))

    def hash_and_body_database(self, hash_name):
        """db-hb: test.ndb plus an MD5 signature of EICAR named `hash_name`."""
        d = self.ws.path("db-hb-" + hash_name)
        if not os.path.isdir(d):
            s.make_test_database(d)
            s.write(os.path.join(d, "eicar.hdb"),
                    "%s:68:%s\n" % (hashlib.md5(s.EICAR).hexdigest(), hash_name))
        s.write(self.ws.path("hb", "eicar.com"), s.EICAR)
        return d

    def test_body_match_reported_before_hash_match(self):
        db = self.hash_and_body_database("Test.Eicar.Hash")
        self.assertSameAsClamscan("-d", db, "hb/eicar.com")

    def test_allmatch_repeats_a_name_matched_twice(self):
        db = self.hash_and_body_database("Eicar-Signature")
        self.assertSameAsClamscan("-d", db, "-z", "hb/eicar.com")


@s.NEEDS_CLAMSCAN
class SelectionOptions(s.DiffTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s.make_tree(cls.ws.path("tree"))

    def test_exclude(self):
        self.assertSameAsClamscan("-d", "db", "-r", "--exclude=eicar", "tree")
        self.assertSameAsClamscan("-d", "db", "-r", "--exclude=\\.txt$", "--exclude=inner", "tree")

    def test_exclude_applies_to_command_line_files(self):
        self.assertSameAsClamscan("-d", "db", "--exclude=eicar", "tree/eicar.com", "tree/clean.txt")

    def test_exclude_matches_the_real_path(self):
        # clamscan matches --exclude/--include against the resolved,
        # absolute path but prints the path as given.
        root = os.path.realpath(self.ws.path("tree"))
        self.assertSameAsClamscan("-d", "db", "-r", "--exclude=^" + root + "/e", "tree")
        self.assertSameAsClamscan("-d", "db", "--exclude=clean", "tree/link-to-file")
        self.assertSameAsClamscan("-d", "db", "--exclude=link", "tree/link-to-file")
        self.assertSameAsClamscan("-d", "db", "--exclude=clean", "--follow-file-symlinks=2", "tree")

    def test_exclude_dir(self):
        self.assertSameAsClamscan("-d", "db", "-r", "--exclude-dir=deeper", "tree")
        self.assertSameAsClamscan("-d", "db", "-r", "--exclude-dir=sub", "tree")
        self.assertSameAsClamscan("-d", "db", "--exclude-dir=sub", "tree")

    def test_exclude_dir_applies_to_the_command_line_directory(self):
        self.assertSameAsClamscan("-d", "db", "-r", "--exclude-dir=tree", "tree")
        self.assertSameAsClamscan("-d", "db", "-r", "--exclude-dir=tree", "tree/eicar.com")

    def test_include(self):
        self.assertSameAsClamscan("-d", "db", "-r", "--include=\\.com$", "tree")
        self.assertSameAsClamscan("-d", "db", "--include=\\.txt$", "tree/eicar.com", "tree/clean.txt")

    def test_include_dir(self):
        # The command-line directory itself must match too.
        self.assertSameAsClamscan("-d", "db", "-r", "--include-dir=sub", "tree")
        self.assertSameAsClamscan("-d", "db", "-r", "--include-dir=tree", "tree")
        self.assertSameAsClamscan("-d", "db", "-r", "--include-dir=tree$", "--include-dir=sub$", "tree")

    def test_invalid_regex_never_matches(self):
        # clamscan ignores a pattern regcomp() refuses (it never matches);
        # vigil does the same and warns about it (docs/cli.md).
        for opt in ("--exclude=(", "--include=(", "--exclude-dir=(", "--include-dir=("):
            with self.subTest(opt=opt):
                c, v = self.both("-d", "db", "-r", opt, "tree")
                self.assertEqual(s.mask_summary(v.out, self), s.mask_summary(c.out))
                self.assertEqual(v.rc, c.rc)
                self.assertEqual(s.clamscan_stderr(c.err), "")
                self.assertRegex(v.err, r"^WARNING: --(ex|in)clude(-dir)?: bad regular expression "
                                        r"'\(' \(.*\): it never matches\n$")

    def test_max_dir_recursion(self):
        for n in ("0", "1", "2", "3"):
            with self.subTest(n=n):
                self.assertSameAsClamscan("-d", "db", "-r", "--max-dir-recursion=" + n, "tree")

    def test_file_list(self):
        lst = s.write(self.ws.path("list.txt"),
                      "tree/clean.txt\ntree/eicar.com\r\ntree/sub/\nmissing\ntree/fifo\n")
        self.assertSameAsClamscan("-d", "db", "-f", lst)
        self.assertSameAsClamscan("-d", "db", "-r", "--file-list=" + lst)

    def test_file_list_ignores_command_line_paths(self):
        lst = s.write(self.ws.path("list2.txt"), "tree/clean.txt\n")
        self.assertSameAsClamscan("-d", "db", "-f", lst, "tree/eicar.com")

    def test_file_list_missing(self):
        c, v = self.both("-d", "db", "-f", "no-such-list.txt")
        self.assertEqual(s.mask_summary(v.out, self), s.mask_summary(c.out))
        self.assertEqual(v.err, s.clamscan_stderr(c.err))
        # clamscan exits 54 here (an internal code leaking out); vigil keeps
        # to 0/1/2 (docs/cli.md).
        self.assertEqual(c.rc, 54)
        self.assertEqual(v.rc, 2)


@s.NEEDS_CLAMSCAN
class SymlinkOptions(s.DiffTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s.make_tree(cls.ws.path("tree"))

    def test_follow_matrix(self):
        links = ["tree/link-to-file", "tree/link-to-eicar", "tree/link-to-dir", "tree/dangling"]
        for d in ("0", "1", "2"):
            for f in ("0", "1", "2"):
                for rec in ([], ["-r"]):
                    args = ["-d", "db", "--no-summary", "--follow-dir-symlinks=" + d,
                            "--follow-file-symlinks=" + f] + rec
                    with self.subTest(dir=d, file=f, recursive=bool(rec)):
                        self.assertSameAsClamscan(*(args + ["tree"] + links))

    def test_symlink_loop_is_bounded(self):
        os.makedirs(self.ws.path("loop", "a"), exist_ok=True)
        if not os.path.islink(self.ws.path("loop", "a", "up")):
            os.symlink("..", self.ws.path("loop", "a", "up"))
            s.write(self.ws.path("loop", "a", "f.txt"), b"f\n")
        self.assertSameAsClamscan("-d", "db", "-r", "--follow-dir-symlinks=2",
                                  "--max-dir-recursion=4", "loop")

    def test_invalid_values(self):
        for opt in ("--follow-dir-symlinks=3", "--follow-file-symlinks=7"):
            with self.subTest(opt=opt):
                c, v = self.both("-d", "db", opt, "tree/clean.txt")
                self.assertEqual(v.rc, c.rc)
                self.assertIn(s.clamscan_stderr(c.err).splitlines()[0], v.err)


@s.NEEDS_CLAMSCAN
class CrossFs(s.DiffTestCase):
    """--cross-fs=no: entries on another file system are "Excluded". Needs
    a private mount namespace (root)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s.make_tree(cls.ws.path("xfs"))
        os.makedirs(cls.ws.path("xfs", "mnt"))

    def in_namespace(self, argv):
        script = ('mount -t tmpfs none xfs/mnt && printf "%s" > xfs/mnt/eicar.com && '
                  'echo clean > xfs/mnt/ok.txt && exec "$@"') % s.EICAR.decode().replace("%", "%%")
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"] + argv

    def setUp(self):
        if os.geteuid() != 0 or not shutil.which("unshare"):
            self.skipTest("needs root and unshare to mount a file system")
        probe = subprocess.run(self.in_namespace(["true"]), cwd=self.ws.root, capture_output=True)
        if probe.returncode != 0:
            self.skipTest("cannot mount a tmpfs here: %s" % probe.stderr.decode().strip())

    def check(self, *args):
        env = {"VIGIL_CACHE_DIR": self.ws.cache}
        c = s.run(self.in_namespace([s.CLAMSCAN] + list(args)), cwd=self.ws.root)
        v = s.run(self.in_namespace([s.VIGIL, "scan"] + list(args)), cwd=self.ws.root, env=env)
        self.assertEqual(s.mask_summary(v.out, self), s.mask_summary(c.out), "%r\n%r" % (c, v))
        self.assertEqual(v.err, s.clamscan_stderr(c.err))
        self.assertEqual(v.rc, c.rc)

    def test_cross_fs_default_yes(self):
        self.check("-d", "db", "-r", "xfs")

    def test_cross_fs_no(self):
        self.check("-d", "db", "-r", "--cross-fs=no", "xfs")
        self.check("-d", "db", "--cross-fs=no", "xfs")
        self.check("-d", "db", "-r", "-i", "--cross-fs=no", "xfs")


@s.NEEDS_CLAMSCAN
class LogFile(s.DiffTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s.make_tree(cls.ws.path("tree"))

    def logs(self, *args):
        """Runs both with -l and returns the two log files' contents."""
        out = []
        for tool, name in ((self.ws.clamscan, "c.log"), (self.ws.vigil, "v.log")):
            path = self.ws.path(name)
            if os.path.exists(path):
                os.unlink(path)
            tool("-l", path, *args)
            with open(path) as f:
                out.append(f.read())
        return out

    def test_log_contents(self):
        # FOUND, Empty file, Symbolic link, Excluded, warnings and the
        # summary; no OK lines.
        c, v = self.logs("-d", "db", "-r", "--exclude=with", "tree", "missing", "tree/fifo")
        self.assertEqual(s.mask_summary(v, self), s.mask_summary(c))
        self.assertNotIn(": OK", v)
        self.assertTrue(v.startswith("\n" + "-" * 79 + "\n\n"), v)

    def test_log_with_quiet_and_no_summary(self):
        c, v = self.logs("-d", "db", "-r", "--quiet", "tree", "missing")
        self.assertEqual(s.mask_summary(v, self), s.mask_summary(c))
        c, v = self.logs("-d", "db", "--no-summary", "-i", "tree")
        self.assertEqual(v, c)

    def test_log_appends(self):
        path = self.ws.path("append.log")
        for _ in range(2):
            self.ws.vigil("-d", "db", "--log=" + path, "tree/eicar.com")
        with open(path) as f:
            text = f.read()
        self.assertEqual(text.count(s.SUMMARY_HEADER), 2)
        self.assertEqual(text.count("-" * 79 + "\n"), 2)

    def test_log_cannot_be_opened(self):
        self.assertSameAsClamscan("-d", "db", "-l", "no/such/dir/x.log", "tree/clean.txt")


if __name__ == "__main__":
    s.main(needs_clamscan=True)

"""Result lines of `vigil scan` against clamscan's, on the same files.

Every test runs both programs with the same arguments in the same
directory and compares exit code, stdout (volatile summary values masked)
and stderr.
"""

import os

import e2e_support as s


@s.NEEDS_CLAMSCAN
class ResultLines(s.DiffTestCase):
    world_readable = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s.make_tree(cls.ws.path("tree"))

    def test_directory_not_recursive(self):
        # Files of the top directory only; symbolic links (file and
        # directory) are "Symbolic link", the dangling one too; the FIFO
        # and subdirectories are skipped silently.
        self.assertSameAsClamscan("-d", "db", "tree")

    def test_directory_recursive(self):
        self.assertSameAsClamscan("-d", "db", "-r", "tree")

    def test_single_files(self):
        self.assertSameAsClamscan("-d", "db", "tree/eicar.com", "tree/clean.txt", "tree/empty.txt",
                                  "tree/hashed.bin", "tree/sub/inner.com")

    def test_spaces_in_names(self):
        self.assertSameAsClamscan("-d", "db", "-r", "tree/with space.txt", "tree/dir with space")

    def test_missing_files(self):
        # stderr: "PATH: No such file or directory" then the WARNING; the
        # path as typed, trailing slash included; exit code 2.
        self.assertSameAsClamscan("-d", "db", "nonexistent", "tree/clean.txt", "missing-dir/")
        self.assertSameAsClamscan("-d", "db", "tree/clean.txt/", "tree/nonexistent/x")

    def test_missing_file_with_infection_exits_1(self):
        self.assertSameAsClamscan("-d", "db", "nonexistent", "tree/eicar.com")

    def test_fifo_on_command_line(self):
        self.assertSameAsClamscan("-d", "db", "tree/fifo")

    def test_device_on_command_line(self):
        self.assertSameAsClamscan("-d", "db", "/dev/null", "tree/clean.txt")

    def test_fifo_and_device_inside_directories(self):
        os.makedirs(self.ws.path("special"), exist_ok=True)
        if not os.path.exists(self.ws.path("special", "fifo")):
            os.mkfifo(self.ws.path("special", "fifo"))
            s.write(self.ws.path("special", "a.txt"), b"a\n")
            os.symlink("/dev/null", self.ws.path("special", "devnull"))
        self.assertSameAsClamscan("-d", "db", "-r", "special")
        self.assertSameAsClamscan("-d", "db", "-r", "--follow-file-symlinks=2", "special")

    def test_symbolic_links_on_command_line(self):
        # Followed by default on the command line (file and directory);
        # a dangling one is skipped without a word.
        self.assertSameAsClamscan("-d", "db", "tree/link-to-file", "tree/link-to-eicar",
                                  "tree/link-to-dir", "tree/dangling")

    def test_trailing_slashes(self):
        self.assertSameAsClamscan("-d", "db", "tree/")
        self.assertSameAsClamscan("-d", "db", "-r", "tree//")
        self.assertSameAsClamscan("-d", "db", "tree/sub/")
        # A trailing slash makes lstat() follow the link: a directory.
        self.assertSameAsClamscan("-d", "db", "--follow-dir-symlinks=0", "tree/link-to-dir/")

    def test_dot_slash_paths(self):
        self.assertSameAsClamscan("-d", "db", "./tree")
        self.assertSameAsClamscan("-d", "db", "./tree/eicar.com", "./tree/./clean.txt")
        self.assertSameAsClamscan("-d", self.ws.db, "-r", ".", cwd=self.ws.path("tree", "sub"))

    def test_absolute_paths(self):
        self.assertSameAsClamscan("-d", self.ws.db, "-r", self.ws.path("tree"))
        self.assertSameAsClamscan("-d", self.ws.db, self.ws.path("tree", "eicar.com"))

    def test_root_directory_not_recursive(self):
        # "/" stays "/" and its entries print as "/name".
        self.assertSameAsClamscan("-d", "db", "--no-summary", "/")

    def test_no_path_scans_the_current_directory(self):
        # clamscan scans getcwd(): absolute paths in the output.
        self.assertSameAsClamscan("-d", self.ws.db, "-r", cwd=self.ws.path("tree", "sub"))

    def test_stdin(self):
        self.assertSameAsClamscan("-d", "db", "-", stdin=s.EICAR)
        self.assertSameAsClamscan("-d", "db", "-", stdin=b"clean data\n")
        self.assertSameAsClamscan("-d", "db", "-", stdin=b"")

    def test_stdin_between_files(self):
        self.assertSameAsClamscan("-d", "db", "tree/clean.txt", "-", "tree/eicar.com",
                                  stdin=b"xx " + s.MARKER_A)

    def test_stdin_from_file(self):
        self.assertSameAsClamscan("-d", "db", "-", stdin=self.ws.path("tree", "eicar.com"))

    def test_stdin_twice(self):
        # The second "-" finds stdin at its end: "stdin: OK", in order.
        self.assertSameAsClamscan("-d", "db", "-", "tree/clean.txt", "-", stdin=s.EICAR)
        self.assertSameAsClamscan("-d", "db", "-", "-", stdin=self.ws.path("tree", "eicar.com"))

    def test_proc_files_are_excluded(self):
        self.assertSameAsClamscan("-d", "db", "/proc/version", "/proc/self/status")


@s.NEEDS_CLAMSCAN
class AccessDenied(s.DiffTestCase):
    """Unreadable files and directories, scanned as an unprivileged user
    (root reads everything)."""

    world_readable = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not s.can_switch_user():
            return
        root = cls.ws.path("perm")
        s.write(os.path.join(root, "readable.txt"), b"fine\n", 0o644)
        s.write(os.path.join(root, "secret.txt"), b"secret\n" * 2000, 0o000)
        s.write(os.path.join(root, "eicar.com"), s.EICAR, 0o644)
        s.write(os.path.join(root, "locked", "inside.txt"), b"inside\n", 0o644)
        os.chmod(os.path.join(root, "locked"), 0o000)
        s.write(os.path.join(root, "sub", "secret2.com"), s.EICAR, 0o000)

    def setUp(self):
        if not s.can_switch_user():
            self.skipTest("needs root (to run the scan as an unprivileged user) and setpriv")

    def scan(self, *args):
        return self.assertSameAsClamscan("-d", "db", *args, user=s.nobody(), keep_data_read=True)

    def test_unreadable_file_in_directory(self):
        self.scan("perm")

    def test_unreadable_file_on_command_line(self):
        self.scan("perm/secret.txt", "perm/readable.txt")

    def test_unreadable_directory_recursive(self):
        self.scan("-r", "perm")

    def test_unreadable_directory_on_command_line(self):
        self.scan("perm/locked")

    def test_infected_only_hides_access_denied(self):
        self.scan("-r", "-i", "perm")

    def test_infection_wins_over_errors(self):
        c, v = self.scan("perm/secret.txt", "perm/eicar.com")
        self.assertEqual(v.rc, 1)


if __name__ == "__main__":
    s.main(needs_clamscan=True)

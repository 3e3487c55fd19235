"""Golden transcripts of the clamd protocol (ClamAV 1.4.6) over real sockets.

Every test sends exact bytes to a running daemon and compares the exact
bytes it answers (../shared/reference/clamav.md section 1). The same
transcripts run against vigild and, when it is installed, against the real
clamd with the same signatures: the clamd run keeps the expectations
honest. Where vigild differs from clamd on purpose the test says so
(`self.vigild`).

Run by hand: python3 tests/daemon/test_protocol.py --vigild build/bin/vigild
"""

import os
import re
import shutil
import signal
import socket
import struct
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_support as ds  # noqa: E402

EICAR, HASHME, MARKER = ds.EICAR, ds.HASHME, ds.MARKER
EN, HN, MN = ds.EICAR_NAME, ds.HASHME_NAME, ds.MARKER_NAME

COMMAND_LIST = (b"SCAN QUIT RELOAD PING CONTSCAN VERSIONCOMMANDS VERSION END SHUTDOWN MULTISCAN "
                b"FILDES STATS IDSESSION INSTREAM DETSTATSCLEAR DETSTATS ALLMATCHSCAN")
# clamd: "ClamAV 1.4.6[/daily/date]"; vigild puts " (vigil X.Y.Z)" after the
# version (docs/vigild.md). The test database has no daily.* file.
VERSION_RE = rb"ClamAV 1\.4\.6( \(vigil [^)\x00\n]+\))?(/\d+/\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})?"

# Framings: (name, how to frame a command, reply terminator).
Z = ("z", lambda c: b"z" + c + b"\0", b"\0")
N = ("n", lambda c: b"n" + c + b"\n", b"\n")
OLD = ("old", lambda c: c, b"\n")
OLD_NL = ("old+LF", lambda c: c + b"\n", b"\n")
FORMS = (Z, N, OLD)
PATH_COMMANDS = (b"SCAN", b"CONTSCAN", b"MULTISCAN", b"ALLMATCHSCAN")


def b(s):
    return s.encode() if isinstance(s, str) else s


def fd_normalized(data):
    """clamd names a descriptor by its own number: fd[12] -> fd[N]."""
    return re.sub(rb"fd\[\d+\]", b"fd[N]", data)


def stats_re(term, prefix=b""):
    """The STATS reply (clamav.md 1.6), with its parts as groups."""
    return re.compile(
        re.escape(prefix)
        + rb"POOLS: 1\n\nSTATE: VALID PRIMARY\n"
        rb"THREADS: live (\d+)  idle (\d+) max (\d+) idle-timeout (\d+)\n"
        rb"QUEUE: (\d+) items( min_wait: \d+\.\d{6} max_wait: \d+\.\d{6} avg_wait: \d+\.\d{6})?\n"
        rb"((?:\t[A-Z/]+ \d+\.\d{6} [^\n]*\n)*)"
        rb"\nMEMSTATS: heap (?:N/A|\d+\.\d{3}M) mmap (?:N/A|\d+\.\d{3}M) used (?:N/A|\d+\.\d{3}M) "
        rb"free (?:N/A|\d+\.\d{3}M) releasable (?:N/A|\d+\.\d{3}M) pools (\d+) "
        rb"pools_used \d+\.\d{3}M pools_total \d+\.\d{3}M\n"
        rb"END" + re.escape(term) + rb"\Z")


class ProtocolTranscripts:
    """The transcripts; mixed into one TestCase per daemon kind."""

    KIND = "vigild"

    @classmethod
    def setUpClass(cls):
        cls.d = ds.Daemon(cls.KIND)
        cls.T = {k: b(v) if isinstance(v, str) else v
                 for k, v in ds.make_scan_tree(os.path.join(cls.d.root, "files")).items()}
        cls.d.start()

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    @property
    def vigild(self):
        return self.KIND == "vigild"

    def setUp(self):
        self.assertTrue(self.d.running(), "%s died:\n%s" % (self.KIND, self.d.log_text()[-3000:]))

    def talk(self, data, **kw):
        return self.d.talk(data, **kw)

    def expect(self, request, reply, **kw):
        got = self.d.talk(request, **kw)
        self.assertEqual(got, reply, "request %r" % request[:300])
        return got

    def expect_lines_set(self, request, term, lines, **kw):
        got = self.d.talk(request, **kw)
        self.assertTrue(got.endswith(term), "request %r: %r" % (request[:300], got))
        self.assertEqual(sorted(ds.split_replies(got, term)), sorted(lines),
                         "request %r: %r" % (request[:300], got))
        return got

    def send_fd(self, sock, data, fd):
        socket.send_fds(sock, [data], [fd])

    # ----------------------------------------------------------- PING etc.

    def test_ping_every_form(self):
        for name, frame, term in FORMS + (OLD_NL,):
            self.expect(frame(b"PING"), b"PONG" + term)
        self.expect(b"PING\r\n", b"PONG\n")
        self.expect(b"nPING\r\n", b"PONG\n")
        self.expect(b"PING\0", b"PONG\n")

    def test_ping_over_tcp(self):
        self.expect(b"zPING\0", b"PONG\0", tcp=True)
        self.expect(b"PING", b"PONG\n", tcp=True)

    def test_version_shape(self):
        for name, frame, term in FORMS:
            got = self.talk(frame(b"VERSION"))
            self.assertRegex(got, re.compile(VERSION_RE + re.escape(term) + rb"\Z"), name)
            if self.vigild:
                self.assertIn(b"(vigil ", got)

    def test_versioncommands(self):
        version = self.talk(b"zVERSION\0")[:-1]
        for name, frame, term in (Z, N):
            self.expect(frame(b"VERSIONCOMMANDS"), version + b"| COMMANDS: " + COMMAND_LIST + term)
        # z/n only.
        self.expect(b"VERSIONCOMMANDS", b"UNKNOWN COMMAND\n")

    # ------------------------------------------------------------ path scans

    def test_scan_single_files_every_command_and_form(self):
        T = self.T
        cases = [
            (T["eicar"], b": " + b(EN) + b" FOUND"),
            (T["clean"], b": OK"),
            (T["empty"], b": OK"),
            (T["marker"], b": " + b(MN) + b" FOUND"),
            (T["hashme"], b": " + b(HN) + b" FOUND"),
            (T["spaced"], b": OK"),
        ]
        for cmd in PATH_COMMANDS:
            for name, frame, term in FORMS:
                for path, tail in cases:
                    request = frame(cmd + b" " + path)
                    if cmd == b"ALLMATCHSCAN" and name == "old":
                        self.expect(request, b"UNKNOWN COMMAND\n")  # z/n only
                    else:
                        self.expect(request, path + tail + term)

    def test_scan_clean_directory(self):
        d = self.T["clean_dir"]
        for cmd in PATH_COMMANDS:
            self.expect(b"z" + cmd + b" " + d + b"\0", d + b": OK\0")
            # A trailing slash is not repeated in the reply.
            self.expect(b"n" + cmd + b" " + d + b"/\n", d + b": OK\n")

    def test_scan_directory_with_two_infected_files(self):
        two = self.T["two"]
        found = [b"%s/hashme.txt: %s FOUND" % (two, b(HN)), b"%s/sub/e2.com: %s FOUND" % (two, b(EN))]
        for name, frame, term in (Z, N):
            # SCAN and ALLMATCHSCAN stop at the first infected file, and
            # give no OK line.
            for cmd in (b"SCAN", b"ALLMATCHSCAN"):
                got = self.talk(frame(cmd + b" " + two))
                self.assertIn(got, [f + term for f in found], cmd)
            # CONTSCAN and MULTISCAN report both (MULTISCAN in completion
            # order).
            for cmd in (b"CONTSCAN", b"MULTISCAN"):
                self.expect_lines_set(frame(cmd + b" " + two), term, found)
        # Trailing slash: no "//" in the names.
        self.expect_lines_set(b"zCONTSCAN " + two + b"/\0", b"\0", found)

    def test_scan_nonexistent_and_relative_paths(self):
        msg = b": File path check failure: No such file or directory. ERROR"
        for cmd in PATH_COMMANDS:
            for name, frame, term in FORMS:
                for path in (b"/nonexistent/file", b"relative/path", b"clean.txt"):
                    request = frame(cmd + b" " + path)
                    if cmd == b"ALLMATCHSCAN" and name == "old":
                        self.expect(request, b"UNKNOWN COMMAND\n")
                    else:
                        self.expect(request, path + msg + term)

    def test_one_separator_character_is_skipped_blindly(self):
        msg = b": File path check failure: No such file or directory. ERROR"
        self.expect(b"SCAN/tmp/x", b"tmp/x" + msg + b"\n")
        # Prefix match: "SCANX" is SCAN with argument "" after the 'X'.
        self.expect(b"zSCANX\0", msg + b"\0")
        self.expect(b"zSCAN \0", msg + b"\0")

    def test_allmatchscan_names_every_signature(self):
        p = self.T["double"]
        for name, frame, term in (Z, N):
            self.expect(frame(b"ALLMATCHSCAN " + p),
                        p + b": " + b(EN) + b" FOUND" + term + p + b": " + b(MN) + b" FOUND" + term)
            self.expect(frame(b"SCAN " + p), p + b": " + b(EN) + b" FOUND" + term)
            self.expect(frame(b"CONTSCAN " + p), p + b": " + b(EN) + b" FOUND" + term)

    def test_scan_special_file(self):
        self.expect(b"nSCAN /dev/null\n", b"/dev/null: Not supported file type ERROR\n/dev/null: OK\n")
        self.expect(b"zCONTSCAN /dev/null\0", b"/dev/null: Not supported file type ERROR\0/dev/null: OK\0")

    def test_scan_names_the_path_as_given(self):
        d = os.path.dirname(self.T["clean"])
        for p in (d + b"//clean.txt", d + b"/../" + os.path.basename(d) + b"/clean.txt"):
            self.expect(b"zSCAN " + p + b"\0", p + b": OK\0")

    # -------------------------------------------------------------- INSTREAM

    def test_instream_one_byte_chunks(self):
        self.expect(b"zINSTREAM\0" + ds.chunks(EICAR, 1), b"stream: " + b(EN) + b" FOUND\0")
        self.expect(b"nINSTREAM\n" + ds.chunks(b"hello", 1), b"stream: OK\n")
        self.expect(b"zINSTREAM\0" + ds.chunks(b"xx " + MARKER + b" yy", 3),
                    b"stream: " + b(MN) + b" FOUND\0")
        self.expect(b"zINSTREAM\0" + ds.chunks(HASHME, 5), b"stream: " + b(HN) + b" FOUND\0")

    def test_instream_zero_length_stream(self):
        self.expect(b"zINSTREAM\0\0\0\0\0", b"stream: OK\0")
        self.expect(b"nINSTREAM\n\0\0\0\0", b"stream: OK\n")

    def test_instream_is_z_n_only(self):
        self.expect(b"INSTREAM", b"UNKNOWN COMMAND\n")
        self.expect(b"INSTREAM\n", b"UNKNOWN COMMAND\n")

    def test_instream_over_tcp(self):
        self.expect(b"zINSTREAM\0" + ds.chunks(EICAR, 7), b"stream: " + b(EN) + b" FOUND\0", tcp=True)
        self.expect(b"nINSTREAM\n" + ds.chunks(b"clean", 7), b"stream: OK\n", tcp=True)

    def test_instream_exactly_at_the_limit(self):
        # StreamMaxLength 1M (daemon_support): a total equal to it is fine.
        data = b"a" * (1 << 20)
        self.expect(b"zINSTREAM\0" + ds.chunks(data, len(data)), b"stream: OK\0")
        self.expect(b"zINSTREAM\0" + ds.chunks(data[:-len(EICAR)] + EICAR, 65536),
                    b"stream: " + b(EN) + b" FOUND\0")

    def _over_limit(self, first, header, term=b"\0", lead=b"zINSTREAM\0"):
        """Sends `first` (whole chunks), then one chunk header and a little of
        its data; returns what the daemon answered."""
        with self.d.connect() as s:
            s.sendall(lead + first)
            try:
                s.sendall(header + b"y" * 100)
            except OSError:
                pass  # the daemon may already have closed
            return ds.recv_all(s)

    def test_instream_over_the_limit(self):
        limit = 1 << 20
        err = b"INSTREAM size limit exceeded. ERROR"
        # One byte over, in one chunk: refused at the header.
        self.assertEqual(self._over_limit(b"", struct.pack(">I", limit + 1)), err + b"\0")
        # 600000 + 600000: the second header passes the rest of the quota.
        first = struct.pack(">I", 600000) + b"x" * 600000
        self.assertEqual(self._over_limit(first, struct.pack(">I", 600000)), err + b"\0")
        # A 0xFFFFFFFF header with no data.
        self.expect(b"zINSTREAM\0\xff\xff\xff\xff", err + b"\0")
        # n-form: same error with '\n'.
        self.assertEqual(self._over_limit(b"", struct.pack(">I", limit + 1), lead=b"nINSTREAM\n"),
                         err + b"\n")

    # ---------------------------------------------------------------- FILDES

    def test_fildes_separate_sendmsg(self):
        for cmd, term in ((b"zFILDES\0", b"\0"), (b"nFILDES\n", b"\n")):
            for key, tail in (("eicar", b"fd[N]: " + b(EN) + b" FOUND"), ("clean", b"fd[N]: OK")):
                with self.d.connect() as s, open(self.T[key], "rb") as f:
                    s.sendall(cmd)
                    self.send_fd(s, b"\0", f.fileno())
                    self.assertEqual(fd_normalized(ds.recv_all(s)), tail + term, (cmd, key))

    def test_fildes_logs_the_files_path(self):
        # The reply says fd[N]; the log names the file the descriptor is
        # open on (clamd reads /proc/self/fd).
        with self.d.connect() as s, open(self.T["double"], "rb") as f:
            s.sendall(b"zFILDES\0")
            self.send_fd(s, b"\0", f.fileno())
            self.assertTrue(ds.recv_all(s).endswith(b" FOUND\0"))
        line = "%s: %s FOUND" % (os.path.realpath(self.T["double"]).decode(), EN)
        self.assertTrue(ds.wait_for(lambda: line in self.d.log_text()), self.d.log_text()[-2000:])

    def test_fildes_one_sendmsg(self):
        # The command and the descriptor in one sendmsg(), the descriptor
        # riding on one byte after the command.
        for cmd, term in ((b"nFILDES\n\0", b"\n"), (b"zFILDES\0\0", b"\0")):
            for key, tail in (("eicar", b"fd[N]: " + b(EN) + b" FOUND"), ("hashme", b"fd[N]: " + b(HN) + b" FOUND"),
                              ("clean", b"fd[N]: OK")):
                with self.d.connect() as s, open(self.T[key], "rb") as f:
                    self.send_fd(s, cmd, f.fileno())
                    self.assertEqual(fd_normalized(ds.recv_all(s)), tail + term, (cmd, key))

    def test_fildes_dummy_byte_without_descriptor(self):
        self.expect(b"zFILDES\0x", b"No file descriptor received. ERROR\0")
        with self.d.connect() as s:
            s.sendall(b"nFILDES\n")
            s.sendall(b"x")
            self.assertEqual(ds.recv_all(s), b"No file descriptor received. ERROR\n")

    def test_fildes_over_tcp_gets_no_descriptor(self):
        self.expect(b"zFILDES\0x", b"No file descriptor received. ERROR\0", tcp=True)

    def test_fildes_without_any_byte_waits(self):
        # clamd waits for the ancillary message (it answers nothing until
        # ReadTimeout). One second of silence is enough here.
        with self.d.connect(timeout=1) as s:
            s.sendall(b"nFILDES\n")
            with self.assertRaises(socket.timeout):
                s.recv(100)

    # ----------------------------------------------------------------- STATS

    def test_stats_structure(self):
        for name, frame, term in (Z, N):
            got = self.talk(frame(b"STATS"))
            m = stats_re(term).match(got)
            self.assertIsNotNone(m, got)
            live, idle, mx, idle_timeout = (int(m.group(i)) for i in range(1, 5))
            self.assertEqual(mx, 4)  # MaxThreads 4
            self.assertLessEqual(live, mx)
            self.assertLessEqual(idle, live)
            self.assertEqual(idle_timeout, 30)  # IdleTimeout default
            thread_lines = m.group(7).splitlines()
            self.assertEqual(len(thread_lines), live, got)
        self.expect(b"STATS", b"UNKNOWN COMMAND\n")  # z/n only

    # ------------------------------------------------------------- IDSESSION

    def test_idsession_pipelined(self):
        T = self.T
        request = (b"zIDSESSION\0zPING\0zVERSION\0zSCAN " + T["eicar"] + b"\0zSCAN " + T["clean"] + b"\0"
                   + b"zINSTREAM\0" + ds.chunks(EICAR, 10) + b"zINSTREAM\0" + ds.chunks(b"hello", 5)
                   + b"zSCAN /nonexistent\0zSCAN " + T["two"] + b"\0zEND\0")
        got = self.talk(request)
        replies = ds.split_replies(got, b"\0")
        by_id = {}
        for r in replies:
            m = re.match(rb"(\d+): ", r)
            self.assertIsNotNone(m, got)
            by_id.setdefault(int(m.group(1)), []).append(r[m.end():])
        self.assertEqual(sorted(by_id), list(range(1, 9)), got)
        self.assertTrue(all(len(v) == 1 for v in by_id.values()), got)
        one = {k: v[0] for k, v in by_id.items()}
        self.assertEqual(one[1], b"PONG")
        self.assertRegex(one[2], re.compile(VERSION_RE + rb"\Z"))
        self.assertEqual(one[3], T["eicar"] + b": " + b(EN) + b" FOUND")
        self.assertEqual(one[4], T["clean"] + b": OK")
        self.assertEqual(one[5], b"stream: " + b(EN) + b" FOUND")
        self.assertEqual(one[6], b"stream: OK")
        self.assertEqual(one[7], b"/nonexistent: File path check failure: No such file or directory. ERROR")
        self.assertIn(one[8], [b"%s/hashme.txt: %s FOUND" % (T["two"], b(HN)),
                                b"%s/sub/e2.com: %s FOUND" % (T["two"], b(EN))])

    def test_idsession_versioncommands(self):
        # Alone in its session: clamd writes this reply in many pieces, which
        # other replies of the session can come between (vigild does not).
        version = self.talk(b"zVERSION\0")[:-1]
        self.expect(b"zIDSESSION\0zVERSIONCOMMANDS\0zEND\0", b"1: " + version + b"| COMMANDS: " + COMMAND_LIST + b"\0")
        self.expect(b"nIDSESSION\nnVERSIONCOMMANDS\nnVERSION\nnEND\n",
                    b"1: " + version + b"| COMMANDS: " + COMMAND_LIST + b"\n2: " + version + b"\n")

    def test_idsession_stats(self):
        # The body is prefixed once; only the final END has the command's
        # terminator. (Alone in its session: clamd writes the prefix and the
        # body separately, so other replies could come between them.)
        for start, frame, end, term in ((b"zIDSESSION\0", Z[1], b"zEND\0", b"\0"),
                                        (b"nIDSESSION\n", N[1], b"nEND\n", b"\n")):
            got = self.talk(start + frame(b"STATS") + end)
            self.assertIsNotNone(stats_re(term, prefix=b"1: ").match(got), got)
        got = self.talk(b"zIDSESSION\0zPING\0zSTATS\0zEND\0")
        self.assertTrue(got.startswith(b"1: PONG\0"), got)
        self.assertIsNotNone(stats_re(b"\0", prefix=b"2: ").match(got[len(b"1: PONG\0"):]), got)

    def test_idsession_n_form_and_mixed_terminators(self):
        # Each reply ends with its own command's terminator.
        got = self.talk(b"nIDSESSION\nnPING\nnSCAN " + self.T["eicar"] + b"\nzPING\0nEND\n")
        expected = [b"1: PONG\n", b"2: " + self.T["eicar"] + b": " + b(EN) + b" FOUND\n", b"3: PONG\0"]
        self.assertEqual(len(got), sum(map(len, expected)), got)
        for e in expected:
            self.assertIn(e, got)

    def test_idsession_with_fildes(self):
        with self.d.connect() as s:
            s.sendall(b"zIDSESSION\0zPING\0")
            self.assertEqual(ds.recv_until(s, b"\0"), b"1: PONG\0")
            for key in ("eicar", "clean"):
                with open(self.T[key], "rb") as f:
                    s.sendall(b"zFILDES\0")
                    self.send_fd(s, b"x", f.fileno())
            s.sendall(b"zEND\0")
            got = fd_normalized(ds.recv_all(s))
        self.assertEqual(sorted(ds.split_replies(got, b"\0")),
                         [b"2: fd[N]: " + b(EN) + b" FOUND", b"3: fd[N]: OK"])

    def test_idsession_end_of_input_still_answers(self):
        # vigild answers what a half-closed client sent; clamd may drop a
        # reply still being computed when it sees the end of input.
        request = b"zIDSESSION\0zPING\0zSCAN " + self.T["clean"] + b"\0"
        if not self.vigild:
            got = self.talk(request, shut_wr=True)
            self.assertIn(got, [b"1: PONG\0", b"1: PONG\0" + b"2: " + self.T["clean"] + b": OK\0"])
            return
        self.expect(request, b"1: PONG\0" + b"2: " + self.T["clean"] + b": OK\0", shut_wr=True)

    def test_idsession_commands_after_end_are_ignored(self):
        self.expect(b"zIDSESSION\0zPING\0zEND\0zPING\0", b"1: PONG\0")

    def test_old_style_inside_idsession(self):
        lit = b"Only nCMDS\\n and zCMDS\\0 are accepted inside IDSESSION. ERROR"
        # The old-style command comes as a packet of its own (clamd reads
        # it as one); the error replies use the terminator of the last z/n
        # command of the connection.
        for start, term in ((b"zIDSESSION\0zPING\0", b"\0"), (b"nIDSESSION\nnPING\n", b"\n")):
            with self.d.connect() as s:
                s.sendall(start)
                self.assertEqual(ds.recv_until(s, term), b"1: PONG" + term)
                s.sendall(b"PING")
                got = ds.recv_all(s)
            self.assertEqual(got, b"2: " + lit + term + b"2: Error processing command. ERROR" + term)

    def test_commands_invalid_inside_idsession(self):
        for cmd in (b"zCONTSCAN /tmp\0", b"zMULTISCAN /tmp\0", b"zALLMATCHSCAN /tmp\0", b"zRELOAD\0",
                    b"zIDSESSION\0", b"zDETSTATS\0", b"zFOO\0"):
            self.expect(b"zIDSESSION\0zPING\0" + cmd,
                        b"1: PONG\0" + b"2: Command invalid inside IDSESSION. ERROR\0")
        self.expect(b"nIDSESSION\nnCONTSCAN " + self.T["clean"] + b"\n",
                    b"1: Command invalid inside IDSESSION. ERROR\n")
        self.assertTrue(self.d.running())

    def test_idsession_oversize_instream(self):
        self.expect(b"zIDSESSION\0zPING\0zINSTREAM\0\xff\xff\xff\xff",
                    b"1: PONG\0" + b"2: INSTREAM size limit exceeded. ERROR\0")

    def test_end_outside_session(self):
        self.expect(b"zEND\0", b"UNKNOWN COMMAND\0")
        self.expect(b"nEND\n", b"UNKNOWN COMMAND\n")
        self.expect(b"END", b"UNKNOWN COMMAND\n")
        self.expect(b"IDSESSION", b"UNKNOWN COMMAND\n")  # z/n only

    # ------------------------------------------------------ errors, garbage

    def test_unknown_and_removed_commands(self):
        for request, reply in (
                (b"zFOO\0", b"UNKNOWN COMMAND\0"), (b"nFOO\n", b"UNKNOWN COMMAND\n"), (b"FOO", b"UNKNOWN COMMAND\n"),
                (b"zRAWSCAN /tmp\0", b"UNKNOWN COMMAND\0"), (b"nSTREAM\n", b"UNKNOWN COMMAND\n"),
                (b"nSESSION\n", b"UNKNOWN COMMAND\n"), (b"STREAM", b"UNKNOWN COMMAND\n"),
                (b"zPING extra\0", b"UNKNOWN COMMAND\0"), (b"nVERSION extra\n", b"UNKNOWN COMMAND\n"),
                (b"zping\0", b"UNKNOWN COMMAND\0"), (b"PINGPONG", b"UNKNOWN COMMAND\n"),
                (b"zPING\r\0", b"UNKNOWN COMMAND\0"),
                (b"GET / HTTP/1.1\r\n\r\n", b"UNKNOWN COMMAND\n"),
                (b"nSCAN\n", b"UNKNOWN COMMAND\n"), (b"zSCAN\0", b"UNKNOWN COMMAND\0"), (b"SCAN", b"UNKNOWN COMMAND\n"),
                (b"\0", b"UNKNOWN COMMAND\n"), (b"\n", b"UNKNOWN COMMAND\n"), (b"z\0", b"UNKNOWN COMMAND\0"),
                (b"n\n", b"UNKNOWN COMMAND\n"), (b"\xff\xfe\x00garbage\n", b"UNKNOWN COMMAND\n")):
            self.expect(request, reply)
        self.assertTrue(self.d.running())

    def test_command_line_limit(self):
        # 4104 bytes with the terminator are served; one more closes the
        # connection with no reply.
        for frame_head, term in ((b"zSCAN /", b"\0"), (b"nSCAN /", b"\n")):
            ok_path = b"/" + b"a" * (4104 - len(frame_head) - 1)
            self.expect(frame_head[:-1] + ok_path + term,
                        ok_path + b": File path check failure: File name too long. ERROR" + term)
            self.expect(frame_head + b"a" * (4104 - len(frame_head)) + term, b"")
            self.expect(frame_head + b"a" * 5000 + term, b"")
        self.assertTrue(self.d.running())
        self.expect(b"zPING\0", b"PONG\0")

    def test_one_command_per_connection(self):
        self.expect(b"nPING\nnPING\n", b"PONG\n")
        self.expect(b"zPING\0garbage", b"PONG\0")
        self.expect(b"PING\nPING", b"PONG\n")
        self.expect(b"zVERSION\0nPING\n", self.talk(b"zVERSION\0"))

    def expect_after_garbage(self, request, reply, term):
        """`request` has bytes after its command: clamd answers "Error
        processing command. ERROR" before the command's own reply. clamd
        checks for them while its worker runs the command, so a quick
        command may already have closed the connection: clamd is allowed
        either answer, vigild must give the error line."""
        err = b"Error processing command. ERROR" + term
        got = self.talk(request)
        if self.vigild:
            self.assertEqual(got, err + reply, "request %r" % request[:300])
        else:  # clamd: the error line may come first, last, or not at all
            self.assertEqual(got.replace(err, b"", 1), reply, "request %r" % request[:300])

    def test_garbage_after_a_dispatched_command(self):
        T = self.T
        e = T["eicar"] + b": " + b(EN) + b" FOUND"
        self.expect_after_garbage(b"nSCAN " + T["eicar"] + b"\nnPING\n", e + b"\n", b"\n")
        self.expect_after_garbage(b"zSCAN " + T["eicar"] + b"\0zPING\0", e + b"\0", b"\0")
        self.expect_after_garbage(b"SCAN " + T["eicar"] + b"\ngarbage", e + b"\n", b"\n")
        self.expect_after_garbage(b"zCONTSCAN " + T["clean"] + b"\0x", T["clean"] + b": OK\0", b"\0")
        self.expect_after_garbage(b"zMULTISCAN " + T["clean_dir"] + b"\0x", T["clean_dir"] + b": OK\0", b"\0")
        self.expect_after_garbage(
            b"zALLMATCHSCAN " + T["double"] + b"\0zPING\0",
            T["double"] + b": " + b(EN) + b" FOUND\0" + T["double"] + b": " + b(MN) + b" FOUND\0", b"\0")
        self.expect_after_garbage(b"zSCAN /nonexistent\0x",
                                  b"/nonexistent: File path check failure: No such file or directory. ERROR\0",
                                  b"\0")
        # n-form "\r\n": clamd chomps in place and leaves a NUL behind,
        # which is garbage (docs/clamd-protocol.md 1).
        self.expect_after_garbage(b"nSCAN " + T["eicar"] + b"\r\n", e + b"\n", b"\n")
        # STATS is dispatched too.
        err = b"Error processing command. ERROR\0"
        got = self.talk(b"zSTATS\0zPING\0")
        body = got[len(err):] if got.startswith(err) else got.replace(err, b"")
        self.assertIsNotNone(stats_re(b"\0").match(body), got)
        if self.vigild:
            self.assertTrue(got.startswith(err), got)
        # FILDES: bytes after the one that carries the descriptor.
        with self.d.connect() as s, open(T["eicar"], "rb") as f:
            s.sendall(b"zFILDES\0")
            self.send_fd(s, b"xgarbage", f.fileno())
            got = fd_normalized(ds.recv_all(s))
        if self.vigild:
            self.assertEqual(got, err + b"fd[N]: " + b(EN) + b" FOUND\0")
        else:
            self.assertEqual(got.replace(err, b"", 1), b"fd[N]: " + b(EN) + b" FOUND\0")
        # Never after PING, VERSION or INSTREAM's end mark.
        self.expect(b"zPING\0zPING\0", b"PONG\0")
        self.expect(b"zINSTREAM\0" + ds.chunks(EICAR, 100) + b"zPING\0", b"stream: " + b(EN) + b" FOUND\0")
        self.expect(b"nPING\r\n", b"PONG\n")

    def test_carriage_return_nul_starts_instream_data(self):
        # The NUL that "nINSTREAM\r\n" leaves is the first byte of the
        # first chunk length.
        got = self.talk(b"nIDSESSION\nnINSTREAM\r\n\0\0\0zPING\0zEND\0")
        self.assertIn(got, [b"2: PONG\0" + b"1: stream: OK\n", b"1: stream: OK\n" + b"2: PONG\0"])

    def test_old_style_command_longer_than_the_line_limit(self):
        # Its first 4104 bytes are the command; the rest is not garbage.
        path = b"/" + b"a" * (4104 - len(b"SCAN ") - 1)
        self.expect(b"SCAN " + path + b"a" * 900,
                    path + b": File path check failure: File name too long. ERROR\n")

    def test_session_forms_and_empty_session(self):
        self.expect(b"zIDSESSION\0nPING\nzPING\0zEND\0", b"1: PONG\n2: PONG\0")
        self.expect(b"zIDSESSION\0zEND\0", b"")

    def test_old_style_bytes_after_a_session_command_wait_for_a_read(self):
        # "PING" read together with the session's commands waits for the
        # next read, which makes it old style.
        lit = b"Only nCMDS\\n and zCMDS\\0 are accepted inside IDSESSION. ERROR"
        with self.d.connect() as s:
            s.sendall(b"zIDSESSION\0zPING\0PING")
            self.assertEqual(ds.recv_until(s, b"\0"), b"1: PONG\0")
            s.settimeout(0.5)
            with self.assertRaises(socket.timeout):
                s.recv(100)  # nothing more yet: the connection waits
            s.settimeout(30)
            s.sendall(b"zPING\0")
            got = ds.recv_all(s)
        self.assertEqual(got, b"2: " + lit + b"\0" + b"2: Error processing command. ERROR\0")

    def test_top_level_symbolic_links(self):
        # FollowFileSymlinks/FollowDirectorySymlinks are off (the default).
        # clamd skips a symlink named in the command and answers OK (so does
        # clamdscan --stream); vigild resolves it (realpath, docs/vigild.md)
        # and scans its target: a deliberate difference.
        link = os.path.join(os.path.dirname(self.T["eicar"]), b"link-to-eicar")
        dlink = os.path.join(os.path.dirname(self.T["eicar"]), b"link-to-two")
        if not os.path.lexists(link):
            os.symlink(self.T["eicar"], link)
            os.symlink(self.T["two"], dlink)
        if self.vigild:
            self.expect(b"zSCAN " + link + b"\0", link + b": " + b(EN) + b" FOUND\0")
            self.expect_lines_set(b"zCONTSCAN " + dlink + b"\0", b"\0",
                                  [b"%s/hashme.txt: %s FOUND" % (dlink, b(HN)),
                                   b"%s/sub/e2.com: %s FOUND" % (dlink, b(EN))])
        else:
            self.expect(b"zSCAN " + link + b"\0", link + b": OK\0")
            self.expect(b"zCONTSCAN " + dlink + b"\0", dlink + b": OK\0")

    def test_detstats_removed_but_accepted(self):
        for request in (b"zDETSTATS\0", b"nDETSTATSCLEAR\n", b"DETSTATS", b"DETSTATSCLEAR"):
            self.expect(request, b"")
        self.assertTrue(self.d.running())


class VigildProtocol(ProtocolTranscripts, unittest.TestCase):
    KIND = "vigild"


@ds.NEEDS_CLAMD
class ClamdProtocol(ProtocolTranscripts, unittest.TestCase):
    KIND = "clamd"


# ------------------------------------------------- configuration switches


class ConfigSwitches:
    KIND = "vigild"

    def start(self, **options):
        d = ds.Daemon(self.KIND, options=options)
        self.addCleanup(d.cleanup)
        d.start()
        return d

    def test_allmatchscan_disabled(self):
        d = self.start(AllowAllMatchScan="no")
        e = ds.write(os.path.join(d.root, "e.com"), EICAR).encode()
        msg = b": ALLMATCHSCAN command disabled by clamd configuration. ERROR"
        self.assertEqual(d.talk(b"zALLMATCHSCAN " + e + b"\0"), e + msg + b"\0")
        self.assertEqual(d.talk(b"nALLMATCHSCAN /nonexistent\n"), b"/nonexistent" + msg + b"\n")
        self.assertEqual(d.talk(b"zSCAN " + e + b"\0"), e + b": " + b(EN) + b" FOUND\0")

    def test_reload(self):
        d = self.start()
        e = ds.write(os.path.join(d.root, "m.txt"), b"-- " + ds.SWITCH + b" --").encode()
        self.assertEqual(d.talk(b"zSCAN " + e + b"\0"), e + b": OK\0")
        ds.write(os.path.join(d.db, ds.SWITCH_SIG_FILE), ds.SWITCH_SIG)
        self.assertEqual(d.talk(b"zRELOAD\0"), b"RELOADING\0")
        want = e + b": " + b(ds.SWITCH_NAME) + b" FOUND\0"
        self.assertTrue(ds.wait_for(lambda: d.talk(b"zSCAN " + e + b"\0") == want, timeout=60), d.log_text())
        os.unlink(os.path.join(d.db, ds.SWITCH_SIG_FILE))
        self.assertEqual(d.talk(b"RELOAD"), b"RELOADING\n")
        self.assertTrue(ds.wait_for(lambda: d.talk(b"nSCAN " + e + b"\n") == e + b": OK\n", timeout=60))
        self.assertIn("Database correctly reloaded", d.log_text())
        self.assertEqual(d.talk(b"nRELOAD\n"), b"RELOADING\n")
        self.assertTrue(d.running())

    @unittest.skipUnless(ds.SIGTOOL, "sigtool is not installed")
    def test_version_with_a_daily_database(self):
        db = os.path.join(self.tmp_root(), "db")
        built = ds.make_daily_cud(db, 27999)
        d = ds.Daemon(self.KIND, db_dir=db)
        self.addCleanup(d.cleanup)
        d.start()
        tail = b"/27999/" + time.ctime(built).encode()
        version = d.talk(b"zVERSION\0")
        self.assertRegex(version, re.compile(VERSION_RE + rb"\0\Z"))
        self.assertTrue(version.endswith(tail + b"\0"), version)
        self.assertEqual(d.talk(b"nVERSIONCOMMANDS\n"), version[:-1] + b"| COMMANDS: " + COMMAND_LIST + b"\n")
        e = ds.write(os.path.join(d.root, "e.com"), EICAR).encode()
        self.assertEqual(d.talk(b"zSCAN " + e + b"\0"), e + b": " + b(EN) + b" FOUND\0")

    def test_shutdown_forms(self):
        for request in (b"zSHUTDOWN\0", b"nSHUTDOWN\n", b"SHUTDOWN", b"QUIT"):
            d = self.start()
            self.assertEqual(d.talk(request), b"", request)
            self.assertEqual(d.wait_exit(60), 0, request)
            self.assertFalse(os.path.exists(d.unix), "socket file left behind after %r" % request)

    def test_sigterm_and_pid_file(self):
        pid_file = os.path.join(self.tmp_root(), "daemon.pid")
        d = self.start(PidFile=pid_file)
        with open(pid_file) as f:
            self.assertEqual(f.read().strip(), str(d.proc.pid))
        d.signal(signal.SIGTERM)
        self.assertEqual(d.wait_exit(60), 0)
        self.assertFalse(os.path.exists(d.unix))
        self.assertFalse(os.path.exists(pid_file))

    def test_sighup_reopens_the_log(self):
        d = self.start()
        os.rename(d.log_path, d.log_path + ".1")  # as logrotate does
        d.signal(signal.SIGHUP)

        def both_logs():
            with open(d.log_path + ".1") as f:
                return f.read() + d.log_text()
        # (clamd writes this line to the old file, vigild to the new one.)
        self.assertTrue(ds.wait_for(lambda: "SIGHUP caught: re-opening log file." in both_logs(), timeout=30))
        # What comes next goes to the new file.
        e = ds.write(os.path.join(d.root, "e.com"), EICAR).encode()
        self.assertEqual(d.talk(b"zSCAN " + e + b"\0"), e + b": " + b(EN) + b" FOUND\0")
        self.assertTrue(ds.wait_for(lambda: "e.com: " + EN + " FOUND" in d.log_text(), timeout=30),
                        d.log_text())

    def tmp_root(self):
        root = tempfile.mkdtemp(prefix="vigil-daemon-test-")
        self.addCleanup(shutil.rmtree, root, True)
        return root


class VigildConfigSwitches(ConfigSwitches, unittest.TestCase):
    KIND = "vigild"

    def test_disabled_admin_commands(self):
        # clamd 1.5's switches (vigild has them; clamd 1.4.6 does not).
        d = self.start(EnableShutdownCommand="no", EnableReloadCommand="no",
                       EnableVersionCommand="no", EnableStatsCommand="no")
        for name, frame, term in (Z, N):
            for cmd in (b"SHUTDOWN", b"RELOAD", b"VERSION", b"VERSIONCOMMANDS", b"STATS"):
                self.assertEqual(d.talk(frame(cmd)), b"COMMAND UNAVAILABLE" + term, cmd)
        for cmd in (b"SHUTDOWN", b"QUIT", b"RELOAD", b"VERSION"):
            self.assertEqual(d.talk(cmd), b"COMMAND UNAVAILABLE\n", cmd)
        self.assertTrue(d.running())
        self.assertEqual(d.talk(b"zPING\0"), b"PONG\0")
        self.assertEqual(d.talk(b"zIDSESSION\0zSTATS\0zPING\0zEND\0"),
                         b"1: COMMAND UNAVAILABLE\0" + b"2: PONG\0")
        self.assertNotIn("Reading databases", d.log_text().split("ready")[-1])

    def test_enabled_commands_still_work_when_others_are_off(self):
        d = self.start(EnableShutdownCommand="no", EnableReloadCommand="no")
        self.assertRegex(d.talk(b"zVERSION\0"), re.compile(VERSION_RE + rb"\0\Z"))
        self.assertIsNotNone(stats_re(b"\0").match(d.talk(b"zSTATS\0")))
        self.assertEqual(d.talk(b"zSHUTDOWN\0"), b"COMMAND UNAVAILABLE\0")
        self.assertTrue(d.running())


@ds.NEEDS_CLAMD
class ClamdConfigSwitches(ConfigSwitches, unittest.TestCase):
    KIND = "clamd"


if __name__ == "__main__":
    ds.main()

"""Clients that misbehave: silent, half-open, slow, noisy, greedy.

While such connections are open a well-behaved client must still be served,
and the daemon must survive them. Timeouts here are safety nets, never
performance assertions. The timeout transcripts run against vigild and,
when installed, the real clamd (clamav.md 1.1: "COMMAND READ TIMED OUT\\n").
"""

import os
import random
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemon_support as ds  # noqa: E402

TIMED_OUT = b"COMMAND READ TIMED OUT\n"


def b(s):
    return s.encode() if isinstance(s, str) else s


def in_parallel(*calls):
    """Runs each (name, fn) on a thread of its own; returns {name: result}."""
    results = {}

    def run(name, fn):
        try:
            results[name] = fn()
        except Exception as e:  # reported by the caller's assertions
            results[name] = "exception %r" % e

    threads = [threading.Thread(target=run, args=c) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


class TimeoutTranscripts:
    """CommandReadTimeout for the first command and for FILDES' descriptor;
    ReadTimeout inside INSTREAM and between the commands of an IDSESSION.
    Every one of them answers "COMMAND READ TIMED OUT\\n" and closes."""

    KIND = "vigild"

    @classmethod
    def setUpClass(cls):
        cls.d = ds.Daemon(cls.KIND, options={"CommandReadTimeout": "2", "ReadTimeout": "3",
                                             "IdleTimeout": "30"})
        cls.d.start()

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def silent_after(self, data):
        def fn():
            with self.d.connect(timeout=60) as s:
                if data:
                    s.sendall(data)
                return ds.recv_all(s)
        return fn

    def slowloris(self):
        # One byte every 0.5 s of a command that never ends: the command
        # timer runs from the connection, not from the last byte.
        with self.d.connect(timeout=60) as s:
            got = b""
            s.setblocking(False)
            deadline = time.monotonic() + 30
            for ch in b"nSCAN /" + b"a" * 200:
                if time.monotonic() > deadline:
                    return b"still open after 30 s"
                try:
                    s.send(bytes([ch]))
                except OSError:
                    break
                time.sleep(0.5)
                try:
                    r = s.recv(100)
                    if not r:
                        break
                    got += r
                except BlockingIOError:
                    pass
                except OSError:
                    break
            s.settimeout(30)
            s.setblocking(True)
            try:
                got += ds.recv_all(s)
            except OSError:
                pass
            return got

    def test_timeouts(self):
        r = in_parallel(
            ("silent", self.silent_after(b"")),
            ("half command", self.silent_after(b"nPIN")),
            ("half z command", self.silent_after(b"zSCAN /tmp")),
            ("slowloris", self.slowloris),
            ("fildes without descriptor", self.silent_after(b"zFILDES\0")),
            ("instream without chunks", self.silent_after(b"zINSTREAM\0")),
            ("instream stalled in a chunk", self.silent_after(b"zINSTREAM\0\0\0\0\x10abc")),
            ("idle session", self.silent_after(b"zIDSESSION\0zPING\0")),
            ("idle n session", self.silent_after(b"nIDSESSION\nnPING\n")),
            ("empty session", self.silent_after(b"zIDSESSION\0")),
            ("session half command", self.silent_after(b"zIDSESSION\0zPI")),
        )
        expected = {
            "silent": TIMED_OUT, "half command": TIMED_OUT, "half z command": TIMED_OUT,
            "slowloris": TIMED_OUT, "fildes without descriptor": TIMED_OUT,
            "instream without chunks": TIMED_OUT, "instream stalled in a chunk": TIMED_OUT,
            "idle session": b"1: PONG\0" + TIMED_OUT, "idle n session": b"1: PONG\n" + TIMED_OUT,
            "empty session": TIMED_OUT, "session half command": TIMED_OUT,
        }
        self.assertEqual(r, expected)
        self.assertEqual(self.d.talk(b"zPING\0"), b"PONG\0")

    def test_half_open(self):
        d = self.d
        # Write side shut with nothing or half a command: closed, no reply.
        self.assertEqual(d.talk(b"", shut_wr=True), b"")
        self.assertEqual(d.talk(b"nPIN", shut_wr=True), b"")
        self.assertEqual(d.talk(b"zSCAN /tm", shut_wr=True), b"")
        # A whole command and then the write side shut: still answered.
        self.assertEqual(d.talk(b"zPING\0", shut_wr=True), b"PONG\0")
        self.assertEqual(d.talk(b"nINSTREAM\n" + ds.chunks(ds.EICAR, 9), shut_wr=True),
                         b"stream: " + b(ds.EICAR_NAME) + b" FOUND\n")
        self.assertEqual(d.talk(b"zPING\0"), b"PONG\0")


class VigildTimeouts(TimeoutTranscripts, unittest.TestCase):
    KIND = "vigild"


@ds.NEEDS_CLAMD
class ClamdTimeouts(TimeoutTranscripts, unittest.TestCase):
    KIND = "clamd"


class BadClients(unittest.TestCase):
    """vigild only."""

    def start(self, **options):
        d = ds.Daemon("vigild", options=dict({"MaxThreads": "2", "CommandReadTimeout": "30",
                                              "ReadTimeout": "30"}, **options))
        self.addCleanup(d.cleanup)
        d.start()
        self.eicar = b(ds.write(os.path.join(d.root, "files", "eicar.com"), ds.EICAR))
        self.clean = b(ds.write(os.path.join(d.root, "files", "clean.txt"), b"clean\n"))
        return d

    def well_behaved(self, d):
        """A normal client's work; every reply must be right."""
        e, c = self.eicar, self.clean
        found = b(ds.EICAR_NAME) + b" FOUND"
        self.assertEqual(d.talk(b"zPING\0"), b"PONG\0")
        self.assertEqual(d.talk(b"nPING\n", tcp=True), b"PONG\n")
        self.assertEqual(d.talk(b"zSCAN " + e + b"\0"), e + b": " + found + b"\0")
        self.assertEqual(d.talk(b"nCONTSCAN " + c + b"\n"), c + b": OK\n")
        self.assertEqual(d.talk(b"zINSTREAM\0" + ds.chunks(ds.EICAR, 5)), b"stream: " + found + b"\0")
        self.assertEqual(d.talk(b"zINSTREAM\0" + ds.chunks(b"fine", 5), tcp=True), b"stream: OK\0")
        got = d.talk(b"zIDSESSION\0zPING\0zSCAN " + c + b"\0zEND\0")
        self.assertEqual(sorted(ds.split_replies(got, b"\0")), [b"1: PONG", b"2: " + c + b": OK"])

    def test_many_idle_and_stuck_connections(self):
        d = self.start()
        held = []
        try:
            for i in range(60):  # far more than MaxThreads (2)
                s = d.connect(tcp=(i % 4 == 3), timeout=60)
                kind = i % 6
                if kind == 1:
                    s.sendall(b"nPIN")  # half a command
                elif kind == 2:
                    s.sendall(b"zINSTREAM\0\0\0\x10\0abc")  # stalled inside a chunk
                elif kind == 3:
                    s.sendall(b"zIDSESSION\0zPING\0")  # idle session, reply unread
                elif kind == 4:
                    s.sendall(b"zFILDES\0")  # waiting for a descriptor
                elif kind == 5:
                    s.sendall(b"zSCAN /tmp")  # no terminator
                held.append(s)
            # A client that resets mid-stream.
            for _ in range(5):
                s = d.connect()
                s.sendall(b"zINSTREAM\0" + struct.pack(">I", 100000) + b"x" * 1000)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
            self.well_behaved(d)
        finally:
            for s in held:
                s.close()
        self.assertTrue(d.running())
        self.well_behaved(d)

    def test_garbage_bytes(self):
        d = self.start()
        rnd = random.Random(1234)
        allowed = (b"", b"UNKNOWN COMMAND\n", b"UNKNOWN COMMAND\0")
        for i in range(150):
            n = rnd.choice([1, 2, 5, 17, 100, 1000, 4103, 4104, 4105, 9000])
            data = bytes(rnd.getrandbits(8) for _ in range(n))
            if i % 3 == 0:
                data = rnd.choice([b"z", b"n", b"zSCAN ", b"nINSTREAM\n", b"zIDSESSION\0"]) + data
            with d.connect(timeout=60) as s:
                try:
                    s.sendall(data)
                    s.shutdown(socket.SHUT_WR)
                except OSError:
                    pass  # closed already: fine
                got = ds.recv_all(s)
            ok = got in allowed or got.endswith(b"ERROR\0") or got.endswith(b"ERROR\n") or \
                got.startswith(b"stream: ") or got.startswith(b"1: ")
            self.assertTrue(ok, "garbage %r -> %r" % (data[:80], got[:200]))
        self.assertTrue(d.running(), d.log_text()[-2000:])
        self.well_behaved(d)

    def test_huge_instream_lengths(self):
        d = self.start()
        err = b"INSTREAM size limit exceeded. ERROR\0"
        for header in (b"\xff\xff\xff\xff", b"\x80\x00\x00\x00", struct.pack(">I", (1 << 20) + 1)):
            self.assertEqual(d.talk(b"zINSTREAM\0" + header), err)
            self.assertEqual(d.talk(b"zINSTREAM\0" + header, tcp=True), err)
        # Many chunks whose total passes the limit only at the end.
        data = b"zINSTREAM\0" + (struct.pack(">I", 65536) + b"z" * 65536) * 16 + struct.pack(">I", 1)
        with d.connect() as s:
            s.sendall(data)
            self.assertEqual(ds.recv_all(s), err)
        self.assertTrue(d.running())
        self.well_behaved(d)

    def test_pipelined_session_that_reads_while_it_writes(self):
        # 400 commands in one session, sent by one thread while another
        # reads: nothing may be lost even when the daemon has to wait for
        # the client to read (backpressure).
        d = self.start()
        payload = b"".join(
            b"zPING\0" if i % 4 else b"zINSTREAM\0" + ds.chunks(ds.EICAR if i % 8 == 0 else b"ok", 4)
            for i in range(400))
        with d.connect(timeout=120) as s:
            def send():
                s.sendall(b"zIDSESSION\0" + payload + b"zEND\0")
            t = threading.Thread(target=send)
            t.start()
            got = ds.recv_all(s)
            t.join(120)
        replies = ds.split_replies(got, b"\0")
        self.assertEqual(len(replies), 400, got[-300:])
        ids = sorted(int(r.split(b":", 1)[0]) for r in replies)
        self.assertEqual(ids, list(range(1, 401)))
        self.assertEqual(sum(r.endswith(b" FOUND") for r in replies), 50)
        self.well_behaved(d)

    def test_backpressure_with_a_tiny_pool(self):
        # One worker, one queued job, 24 clients at once: every one is
        # served (the others wait, unread), none gets a wrong reply.
        d = self.start(MaxThreads="1", MaxQueue="1")
        found = b(ds.EICAR_NAME) + b" FOUND"
        data = b"x" * 200000 + ds.EICAR

        def client(i):
            def fn():
                if i % 3 == 0:
                    return d.talk(b"zINSTREAM\0" + ds.chunks(data, 8192), timeout=120) == \
                        b"stream: " + found + b"\0"
                if i % 3 == 1:
                    return d.talk(b"zSCAN " + self.eicar + b"\0", tcp=True, timeout=120) == \
                        self.eicar + b": " + found + b"\0"
                got = d.talk(b"zIDSESSION\0zSCAN " + self.clean + b"\0zINSTREAM\0" +
                             ds.chunks(b"ok", 2) + b"zEND\0", timeout=120)
                return sorted(ds.split_replies(got, b"\0")) == [b"1: " + self.clean + b": OK",
                                                                 b"2: stream: OK"]
            return fn

        r = in_parallel(*[("client %d" % i, client(i)) for i in range(24)])
        self.assertEqual({k: v for k, v in r.items() if v is not True}, {})
        self.well_behaved(d)

    def test_clients_gone_before_their_replies(self):
        d = self.start(MaxFileSize="200M", MaxScanSize="200M")
        big = b(ds.write(os.path.join(d.root, "files", "big.bin"), os.urandom(1 << 20) * 40))
        for i in range(12):
            s = d.connect()
            if i % 3 == 0:
                s.sendall(b"zSCAN " + big + b"\0")
            elif i % 3 == 1:
                s.sendall(b"zIDSESSION\0zSCAN " + big + b"\0zSCAN " + self.eicar + b"\0zPING\0")
            else:
                s.sendall(b"zINSTREAM\0" + ds.chunks(b"y" * 300000, 65536))
            if i % 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        self.assertTrue(d.running())
        self.well_behaved(d)
        self.assertEqual(d.talk(b"zSCAN " + big + b"\0"), big + b": OK\0")

    def test_shutdown_with_clients_connected(self):
        d = self.start()
        held = []
        for data in (b"", b"nPIN", b"zINSTREAM\0\0\0\x10\0abc", b"zIDSESSION\0zPING\0", b"zFILDES\0"):
            s = d.connect(timeout=60)
            if data:
                s.sendall(data)
            held.append(s)
        try:
            self.assertEqual(d.talk(b"zSHUTDOWN\0"), b"")
            self.assertEqual(d.wait_exit(60), 0, d.log_text()[-2000:])
            self.assertFalse(os.path.exists(d.unix))
            for s in held:  # every connection was closed
                ds.recv_all(s)
        finally:
            for s in held:
                s.close()

    def test_descriptor_flood(self):
        # A unix-socket client attaching descriptors (8 a message) to
        # commands that never claim them: vigild keeps at most one.
        d = self.start()
        fd_dir = "/proc/%d/fd" % d.proc.pid
        before = len(os.listdir(fd_dir))
        with open("/dev/null", "rb") as f, d.connect() as s:
            s.sendall(b"zIDSESSION\0")
            for _ in range(200):
                socket.send_fds(s, [b"zPING\0"], [f.fileno()] * 8)
            self.assertEqual(ds.recv_until(s, b"\0", 200).count(b"PONG"), 200)
            self.assertLessEqual(len(os.listdir(fd_dir)), before + 3)
            # FILDES still takes the descriptor sent for it.
            with open(self.eicar, "rb") as e:
                s.sendall(b"zFILDES\0")
                socket.send_fds(s, [b"x"], [e.fileno(), f.fileno()])
            s.sendall(b"zEND\0")
            got = ds.recv_all(s)
        self.assertRegex(got, rb"^201: fd\[\d+\]: " + b(ds.EICAR_NAME) + rb" FOUND\0$")
        self.assertTrue(ds.wait_for(lambda: len(os.listdir(fd_dir)) <= before))
        self.well_behaved(d)

    def test_client_that_never_reads_its_replies(self):
        # Commands pipelined without reading a reply: vigild stops reading
        # (the client's sends block) instead of buffering replies without
        # end, serves others meanwhile, and drops the client (after
        # SendBufTimeout without progress, 500 ms here; ReadTimeout too).
        d = self.start(ReadTimeout="3")

        def rss_kib():
            with open("/proc/%d/status" % d.proc.pid) as f:
                return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))

        start_rss = rss_kib()
        chunk = b"zVERSIONCOMMANDS\0" * 1000  # ~17 KB in, ~200 KB of replies
        sent = 0
        with d.connect(timeout=2) as s:
            s.sendall(b"zIDSESSION\0")
            try:
                while sent < 3000:  # at most 600 MB of replies
                    s.sendall(chunk)
                    sent += 1
            except OSError:
                pass  # blocked (timeout) or dropped: both fine
            self.assertLess(sent, 3000, "vigild read everything without its replies being read")
            self.assertLess(rss_kib() - start_rss, 100 * 1024)
            self.well_behaved(d)
            s.settimeout(60)
            try:
                ds.recv_all(s)  # ends: vigild closed the connection
            except OSError:
                pass
        self.assertTrue(d.running())
        self.well_behaved(d)

    def test_socket_mode(self):
        d = self.start()
        self.assertEqual(os.stat(d.unix).st_mode & 0o777, 0o660)
        for mode, want in (("600", 0o600), ("0666", 0o666)):
            d = self.start(LocalSocketMode=mode)
            self.assertEqual(os.stat(d.unix).st_mode & 0o777, want, mode)
            self.assertEqual(d.talk(b"zPING\0"), b"PONG\0")

    def test_tcp_is_loopback_only_without_tcpaddr(self):
        d = self.start(TCPAddr=None)
        port = "%04X" % d.tcp_port
        listening = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    rows = f.read().splitlines()[1:]
            except OSError:
                continue
            for row in rows:
                cols = row.split()
                local, state = cols[1], cols[3]
                if state == "0A" and local.endswith(":" + port):  # LISTEN
                    listening.append(local.split(":")[0])
        self.assertEqual(listening, ["0100007F"], "listening on %r" % listening)
        self.assertEqual(d.talk(b"zPING\0", tcp=True), b"PONG\0")


if __name__ == "__main__":
    ds.main()

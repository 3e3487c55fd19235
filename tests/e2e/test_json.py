"""`vigil scan --json`: one event per line, schema v1 (docs/json-events.md).

vigil only; the results are checked against vigil's own text mode, which
the other tests compare with clamscan.
"""

import json
import os
import re
import unittest

import e2e_support as s

RESULTS = {"clean", "infected", "not_fully_scanned", "skipped", "error"}
SKIP_REASONS = {"empty", "excluded", "proc", "symlink"}
ERROR_REASONS = {"not_accessible", "unsupported_type", "unreadable_directory", "access_denied",
                 "open_failed", "scan_failed"}
ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"


class JsonEvents(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.ws = s.Workspace()
        s.make_tree(cls.ws.path("tree"))

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def events(self, *args, stdin=None):
        r = self.ws.vigil("-d", "db", "--json", *args, stdin=stdin)
        events = []
        for line in r.out.splitlines():
            e = json.loads(line)
            self.assertIsInstance(e, dict, line)
            self.assertEqual(list(e)[:2], ["v", "event"], line)
            self.assertEqual(e["v"], 1, line)
            events.append(e)
        self.check_stream(events, r.rc)
        return events, r

    def check_stream(self, events, rc):
        kinds = [e["event"] for e in events]
        self.assertEqual(kinds[-1], "summary", kinds)
        self.assertEqual(kinds.count("summary"), 1)
        self.assertLessEqual(kinds.count("start"), 1)
        if "start" in kinds:
            self.assertEqual(kinds[0], "start")
        for e in events:
            getattr(self, "check_" + e["event"])(e)
        summary = events[-1]
        self.assertEqual(summary["exit_code"], rc)
        files = [e for e in events if e["event"] == "file"]
        self.assertEqual(summary["infected"], sum(e["result"] == "infected" for e in files))

    def check_start(self, e):
        self.assertRegex(e["time"], ISO)
        self.assertRegex(e["engine"], r"^vigil \S+$")
        self.assertIsInstance(e["known_signatures"], int)

    def check_file(self, e):
        self.assertIsInstance(e["path"], str)
        self.assertIn(e["result"], RESULTS)
        self.assertIsInstance(e["detections"], list)
        for d in e["detections"]:
            self.assertEqual(set(d), {"name", "kind", "layers"})
            self.assertIn(d["kind"], ("hash", "body", "logical", "heuristic"))
        if e["result"] == "infected":
            self.assertTrue(e["detections"])
        elif e["result"] != "error":
            self.assertEqual(e["detections"], [])
        if e["result"] == "skipped":
            self.assertIn(e["reason"], SKIP_REASONS)
        if e["result"] == "error":
            self.assertIn(e["reason"], ERROR_REASONS)
            self.assertIsInstance(e["error"], str)
        if e["result"] in ("clean", "infected", "not_fully_scanned"):
            for key in ("fully_scanned", "limits", "notes", "size", "bytes_scanned", "objects",
                        "seconds"):
                self.assertIn(key, e)
            self.assertEqual(e["result"] == "not_fully_scanned",
                             not e["fully_scanned"] and e["result"] != "infected")
            if e["result"] == "clean":
                self.assertTrue(e["fully_scanned"])
                self.assertEqual(e["limits"], [])

    def check_directory(self, e):
        self.assertIn(e["result"], ("skipped", "error"))
        self.assertIn(e["reason"], SKIP_REASONS | ERROR_REASONS)

    def check_warning(self, e):
        self.assertIsInstance(e["message"], str)

    def check_error(self, e):
        self.assertIsInstance(e["message"], str)

    def check_summary(self, e):
        for key in ("known_signatures", "directories", "files", "infected", "errors", "bytes_read",
                    "bytes_scanned", "exit_code"):
            self.assertIsInstance(e[key], int, key)
        self.assertRegex(e["start"], ISO)
        self.assertRegex(e["end"], ISO)
        self.assertIsInstance(e["seconds"], float)

    def text_results(self, *args):
        """(path, result text) from the text mode."""
        out = self.ws.vigil("-d", "db", "--no-summary", *args).out
        return [tuple(l.rsplit(": ", 1)) for l in out.splitlines()]

    def test_matches_text_mode(self):
        for args in (["-r", "tree"], ["tree"], ["-r", "--exclude-dir=deeper", "--exclude=with", "tree"],
                     ["-z", "-r", "tree"], ["tree/eicar.com", "tree/link-to-dir", "tree/dangling"]):
            with self.subTest(args=args):
                events, r = self.events(*args)
                text = self.text_results(*args)
                got = []
                for e in events:
                    if e["event"] not in ("file", "directory"):
                        continue
                    if e["result"] == "infected":
                        got += [(e["path"], d["name"] + " FOUND") for d in e["detections"]]
                    elif e["result"] == "clean":
                        got.append((e["path"], "OK"))
                    elif e["result"] == "skipped":
                        got.append((e["path"], {"empty": "Empty file", "excluded": "Excluded",
                                                "symlink": "Symbolic link"}[e["reason"]]))
                self.assertEqual(got, text)

    def test_summary_matches_text_mode(self):
        events, r = self.events("-r", "tree", "missing")
        text = self.ws.vigil("-d", "db", "-r", "tree", "missing").out
        summary = events[-1]
        for label, key in (("Known viruses", "known_signatures"), ("Scanned directories", "directories"),
                           ("Scanned files", "files"), ("Infected files", "infected")):
            self.assertIn("%s: %d\n" % (label, summary[key]), text)
        self.assertEqual(summary["exit_code"], 1)  # infection wins over the missing file
        self.assertEqual(r.rc, 1)

    def test_stdout_is_only_json(self):
        events, r = self.events("-r", "tree")
        self.assertEqual(r.err, "")
        self.assertEqual(len(events), len(r.out.splitlines()))

    def test_errors(self):
        events, r = self.events("missing", "tree/fifo", "tree/clean.txt")
        by_path = {e.get("path"): e for e in events}
        self.assertEqual(by_path["missing"]["result"], "error")
        self.assertEqual(by_path["missing"]["reason"], "not_accessible")
        self.assertEqual(by_path["missing"]["error"], "No such file or directory")
        self.assertEqual(by_path["tree/fifo"]["reason"], "unsupported_type")
        self.assertEqual(r.rc, 2)

    def test_detection_fields(self):
        events, _ = self.events("tree/eicar.com", "tree/hashed.bin")
        files = [e for e in events if e["event"] == "file"]
        self.assertEqual(files[0]["detections"],
                         [{"name": "Eicar-Signature.UNOFFICIAL", "kind": "body", "layers": []}])
        self.assertEqual(files[1]["detections"][0]["kind"], "hash")
        self.assertEqual(files[0]["size"], 68)

    def test_archive_layers(self):
        import zipfile
        path = self.ws.path("a.zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("dir/eicar.com", s.EICAR)
        events, _ = self.events("a.zip")
        det = [e for e in events if e["event"] == "file"][0]["detections"][0]
        self.assertEqual(det["name"], "Eicar-Signature.UNOFFICIAL")
        self.assertEqual(det["layers"][-1], "dir/eicar.com")

    def test_stdin(self):
        events, _ = self.events("-", stdin=s.EICAR)
        files = [e for e in events if e["event"] == "file"]
        self.assertEqual(files[0]["path"], "stdin")
        self.assertEqual(files[0]["result"], "infected")

    def test_directory_events(self):
        events, _ = self.events("-r", "--exclude-dir=sub$", "tree")
        dirs = [e for e in events if e["event"] == "directory"]
        self.assertEqual(dirs, [{"v": 1, "event": "directory", "path": "tree/sub",
                                 "result": "skipped", "reason": "excluded"}])

    def test_infected_only_and_suppress_ok(self):
        events, _ = self.events("-i", "-r", "tree")
        files = [e for e in events if e["event"] == "file"]
        self.assertTrue(files)
        self.assertTrue(all(e["result"] == "infected" for e in files))
        events, _ = self.events("-o", "-r", "tree")
        results = {e["result"] for e in events if e["event"] == "file"}
        self.assertNotIn("clean", results)
        self.assertIn("skipped", results)

    def test_quiet_and_no_summary_do_not_change_json(self):
        a, _ = self.events("-r", "tree")
        b, _ = self.events("-r", "--quiet", "--no-summary", "tree")
        strip = lambda evs: [{k: v for k, v in e.items() if k not in ("seconds", "time", "start", "end")}
                             for e in evs]
        self.assertEqual(strip(a), strip(b))

    def test_file_list_warning(self):
        lst = s.write(self.ws.path("list.txt"), "tree/clean.txt\n")
        events, _ = self.events("-f", lst, "tree/eicar.com")
        warnings = [e for e in events if e["event"] == "warning"]
        self.assertEqual(len(warnings), 1)
        self.assertIn("--file-list", warnings[0]["message"])

    def test_database_error(self):
        s.write(self.ws.path("bad", "bad.ndb"), "Bad.Sig:0:*:4142zz\n")
        r = self.ws.vigil("-d", "bad", "--json", "tree")
        events = [json.loads(l) for l in r.out.splitlines()]
        self.assertEqual([e["event"] for e in events], ["error", "summary"])
        self.assertEqual(events[0]["message"], "Malformed database")
        self.assertRegex(events[0]["diagnostics"][0], r"^bad/bad\.ndb:1:\d+: error\[E0201\]: ")
        self.assertEqual(events[1]["exit_code"], 2)
        self.assertEqual(events[1]["files"], 0)
        self.assertEqual(r.rc, 2)

    def test_log_file_gets_the_events(self):
        log = self.ws.path("json.log")
        r = self.ws.vigil("-d", "db", "--json", "-l", log, "tree/eicar.com")
        with open(log) as f:
            self.assertEqual(f.read(), r.out)


if __name__ == "__main__":
    s.main()

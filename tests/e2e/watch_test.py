"""End-to-end tests of `billflow watch`: files dropped into an inbox are loaded once, only when
complete, and moved to processed/ or failed/; the watcher stops cleanly. The real billflow binary,
real files, the database read directly with Python's sqlite3.

Run by ctest with BILLFLOW_BIN, BILLFLOW_GEN and TEST_DATA_DIR set.
"""
import gzip
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import oracle  # noqa: E402
from operator_support import (  # noqa: E402
    BIN, EXAMPLE_FILES, MEAT, OperatorTestCase, bt, figure, rows_csv, run)


class WatchTest(OperatorTestCase):
    SETTLE_MS = 300

    def setUp(self):
        super().setUp()
        self.inbox = self.dir / "inbox"
        self.inbox.mkdir()
        self.log = self.dir / "watch.log"
        self.proc = None

    def tearDown(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        super().tearDown()

    def start(self, *extra):
        offset = len(self.log_text())
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [BIN, "watch", "--db", self.url, "--settle-ms", str(self.SETTLE_MS), *extra, str(self.inbox)],
                stdout=subprocess.DEVNULL, stderr=log, env=bt.clean_env())
        self.wait_for(lambda: "watching" in self.log_text()[offset:], "watcher start")

    def stop(self, timeout=10):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for(self, predicate, what, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.proc and self.proc.poll() is not None:
                self.fail(f"watch exited ({self.proc.returncode}) while waiting for {what}:\n{self.log_text()}")
            time.sleep(0.02)
        self.fail(f"timed out waiting for {what}:\n{self.log_text()}")

    def files_loaded(self):
        return self.query("SELECT COUNT(*) FROM billing_files WHERE status = 'loaded'")[0][0]

    def test_slow_copy_is_loaded_once_and_only_when_complete(self):
        self.start()
        rows = [(str(i), "Acme", "US", "Austin", "Bakery", "Bread", "2024-05-01", "USD", f"{i}.25") for i in range(1, 401)]
        text = rows_csv(rows)
        chunks = [text[i:i + 1000] for i in range(0, len(text), 1000)]
        target = self.inbox / "slow.csv"
        with open(target, "w") as f:
            for chunk in chunks:
                f.write(chunk)
                f.flush()
                time.sleep(0.4)  # longer than --settle-ms: only the close may trigger a load
                self.assertEqual(self.query("SELECT COUNT(*) FROM billing_files"), [(0,)])
                self.assertTrue(target.exists())
        closed = time.monotonic()
        self.wait_for(lambda: (self.inbox / "processed" / "slow.csv").exists(), "slow.csv processed")
        figure("watch latency close->processed (settle 300 ms, 400 rows)", f"{time.monotonic() - closed:.3f} s")
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(400,)])
        self.assertEqual(self.query("SELECT status, rows_loaded FROM billing_files"), [("loaded", 400)])
        self.assertEqual(self.log_text().count("loading slow.csv"), 1)
        self.assertEqual(self.stop(), 0)

    def test_appends_that_reopen_the_file_within_the_settle_time_load_once(self):
        self.start()
        rows = [(str(i), "Acme", "US", "Austin", "Bakery", "Bread", "2024-05-01", "USD", "1.00") for i in range(1, 201)]
        text = rows_csv(rows)
        target = self.inbox / "appended.csv"
        for i in range(0, len(text), 700):
            with open(target, "a") as f:  # each chunk closes the file: IN_CLOSE_WRITE every time
                f.write(text[i:i + 700])
            time.sleep(0.1)
        self.wait_for(lambda: (self.inbox / "processed" / "appended.csv").exists(), "appended.csv processed")
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(200,)])
        self.assertEqual(self.log_text().count("loading appended.csv"), 1)
        self.assertEqual(self.stop(), 0)

    def test_files_present_at_start_load_and_move_to_processed(self):
        want = oracle.expected_files(EXAMPLE_FILES)
        for f in EXAMPLE_FILES:
            shutil.copy(f, self.inbox / f.name)
        self.start()
        n = len(EXAMPLE_FILES)
        self.wait_for(lambda: len(list((self.inbox / "processed").glob("*.csv"))) == n, f"{n} files processed")
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(want["valid"],)])
        total = sum(Decimal(v) for (v,) in self.query("SELECT bill_amount_usd FROM billing_data"))
        self.assertEqual(total, want["usd_total"])
        self.assertEqual(list(self.inbox.glob("*.csv")), [])
        self.assertEqual(self.stop(), 0)

    def test_bad_file_lands_in_failed_with_its_reason(self):
        self.start()
        (self.inbox / "bad.csv").write_text("id,amount\n1,2\n")
        self.wait_for(lambda: (self.inbox / "failed" / "bad.csv.error.txt").exists(), "bad.csv failed")
        self.assertTrue((self.inbox / "failed" / "bad.csv").exists())
        self.assertFalse((self.inbox / "bad.csv").exists())
        reason = (self.inbox / "failed" / "bad.csv.error.txt").read_text()
        self.assertIn("header is missing required column(s): company_name", reason)
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(0,)])
        self.assertEqual(self.query("SELECT status FROM billing_files"), [("failed",)])
        # A good file after it still loads.
        (self.inbox / "good.csv").write_text(rows_csv([("1", "A", "US", "X", "P", "I", "2024-01-01", "USD", "5")]))
        self.wait_for(lambda: (self.inbox / "processed" / "good.csv").exists(), "good.csv processed")
        self.assertEqual(self.stop(), 0)

    def test_dotfiles_and_partial_names_wait_until_renamed(self):
        self.start()
        body = rows_csv([("1", "A", "US", "X", "P", "I", "2024-01-01", "USD", "5")])
        for name in (".hidden.csv", "upload.csv.part", "upload2.csv.tmp", "notes.txt"):
            (self.inbox / name).write_text(body)
        time.sleep(1.0)
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_files"), [(0,)])
        for name in (".hidden.csv", "upload.csv.part", "upload2.csv.tmp", "notes.txt"):
            self.assertTrue((self.inbox / name).exists(), name)
        os.rename(self.inbox / "upload.csv.part", self.inbox / "upload.csv")
        self.wait_for(lambda: (self.inbox / "processed" / "upload.csv").exists(), "upload.csv processed")
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(1,)])
        self.assertEqual(self.stop(), 0)

    def test_same_content_again_is_unchanged_and_moves_to_processed(self):
        self.start()
        body = rows_csv([("1", "A", "US", "X", "P", "I", "2024-01-01", "USD", "5")])
        (self.inbox / "a.csv").write_text(body)
        self.wait_for(lambda: (self.inbox / "processed" / "a.csv").exists(), "a.csv processed")
        (self.inbox / "a.csv").write_text(body)
        self.wait_for(lambda: (self.inbox / "processed" / "a-1.csv").exists(), "second a.csv processed")
        self.assertIn("a.csv: unchanged", self.log_text())
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(1,)])
        self.assertEqual(self.stop(), 0)

    def test_gzip_file_in_the_inbox_loads(self):
        self.start()
        tmp = self.dir / "meat.csv.gz"
        tmp.write_bytes(gzip.compress(MEAT.read_bytes()))
        os.rename(tmp, self.inbox / "meat.csv.gz")  # IN_MOVED_TO
        self.wait_for(lambda: (self.inbox / "processed" / "meat.csv.gz").exists(), "meat.csv.gz processed")
        want = oracle.expected(MEAT.read_bytes())
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(len(want["valid"]),)])
        self.assertEqual(self.stop(), 0)

    def test_sigterm_mid_file_leaves_the_database_consistent_and_exits_0(self):
        big, answer = self.generate(400_000, 7, "big.csv")
        self.start()
        os.rename(big, self.inbox / "big.csv")
        self.wait_for(lambda: "loading big.csv" in self.log_text(), "big.csv load start")
        time.sleep(0.5)
        signalled = time.monotonic()
        code = self.stop(timeout=30)
        figure("watch exit after SIGTERM mid-file", f"{time.monotonic() - signalled:.3f} s")
        self.assertEqual(code, 0, self.log_text())
        self.assertLess(time.monotonic() - signalled, 5)
        self.assertNotIn("\r", self.log_text())  # not a TTY: no progress line
        self.assertEqual(self.query("PRAGMA integrity_check"), [("ok",)])
        loaded = self.query("SELECT COUNT(*) FROM billing_data")[0][0]
        if loaded == 0:  # rolled back: the file waits in the inbox for the next start
            self.assertTrue((self.inbox / "big.csv").exists())
            self.assertEqual(self.query("SELECT COUNT(*) FROM billing_files WHERE status = 'loaded'"), [(0,)])
            self.assertIn("stopped before the end and rolled back", self.log_text())
        else:  # finished first: every row, and the file is filed away
            self.assertEqual(loaded, answer["valid"])
            self.assertTrue((self.inbox / "processed" / "big.csv").exists())
        figure("rows of big.csv in the database after SIGTERM", loaded)
        # A second start finishes the job exactly once.
        self.start()
        self.wait_for(lambda: (self.inbox / "processed" / "big.csv").exists(), "big.csv processed", timeout=300)
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data")[0][0], answer["valid"])
        stored = sum(Decimal(v) for (v,) in self.query("SELECT bill_amount_usd FROM billing_data"))
        self.assertEqual(stored, Decimal(answer["usd_total"]))
        self.assertEqual(self.stop(), 0)

    def test_missing_directory_is_a_usage_error(self):
        p = run("watch", "--db", self.url, self.dir / "nope")
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"not a directory", p.stderr)


if __name__ == "__main__":
    unittest.main()

"""Duplicates and concurrency: 8 billflow processes ingest overlapping sets of 50 generated
files (different seeds) into one SQLite database at the same time. Every file must be loaded
exactly once (one process says "loaded", every other "unchanged"), and the stored rows, rejects
and USD totals must equal billflow_gen's answers exactly. A second round changes nothing.

Run by ctest with BILLFLOW_BIN and BILLFLOW_GEN set. CONCURRENCY_ROWS sizes each file (2,000).
"""
import json
import os
import random
import subprocess
import sys
import unittest
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import billflow_test as bt  # noqa: E402

BIN = bt.binary()
GEN = bt.generator()
ROWS = int(os.environ.get("CONCURRENCY_ROWS", 2000))
FILES = 50
PROCESSES = 8


class ConcurrentIngestTest(bt.TempDirTestCase):
    TEMP_PREFIX = "billflow_conc_"

    def setUp(self):
        super().setUp()
        self.answers = {}
        for k in range(FILES):
            path = self.dir / f"bills_{k:02d}.csv"
            answer = self.dir / f"bills_{k:02d}.json"
            subprocess.run([GEN, "--rows", str(ROWS + 37 * k), "--seed", str(1000 + k), "--out", str(path),
                            "--answer", str(answer)], check=True)
            self.answers[f"file://{path}"] = json.loads(answer.read_text())

    def run_round(self, rng):
        paths = sorted(str(p) for p in self.dir.glob("bills_*.csv"))
        # Each process takes a random ~half of the files, in its own order; every file is in at
        # least two processes' sets, so every file is contended.
        sets = [rng.sample(paths, FILES // 2) for _ in range(PROCESSES)]
        for path in paths:
            holders = [s for s in sets if path in s]
            for s in rng.sample([s for s in sets if path not in s], max(0, 2 - len(holders))):
                s.insert(rng.randrange(len(s) + 1), path)
        env = bt.clean_env()
        procs = [subprocess.Popen([BIN, "ingest", "--db", f"sqlite:{self.db}", "--json", "-q", *s],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for s in sets]
        results = []
        for p in procs:
            out, err = p.communicate(timeout=900)
            self.assertEqual(p.returncode, 0, err.decode()[-1000:])
            results.append(json.loads(out))
        statuses = {}
        for result in results:
            for f in result["files"]:
                statuses.setdefault(f["source"], []).append(f["status"])
        return statuses

    def check_exact(self):
        ledger = self.query("SELECT source, file_id, status, rows_loaded, rows_rejected, usd_total FROM billing_files")
        self.assertEqual(sorted(s for s, *_ in ledger), sorted(self.answers))
        data = {fid: (n, d, usd) for fid, n, d, usd in self.query(
            "SELECT file_id, COUNT(*), COUNT(DISTINCT id), SUM(CAST(REPLACE(bill_amount_usd, '.', '') AS INTEGER)) "
            "FROM billing_data GROUP BY file_id")}
        rejects = dict(self.query("SELECT file_id, COUNT(*) FROM billing_rejects GROUP BY file_id"))
        total = Decimal(0)
        for source, file_id, status, loaded, rejected, usd in ledger:
            want = self.answers[source]
            cents = int(Decimal(want["usd_total"]) * 100)
            self.assertEqual(status, "loaded", source)
            self.assertEqual((loaded, rejected, usd), (want["valid"], want["rejected"], want["usd_total"]), source)
            self.assertEqual(data[file_id], (want["valid"], want["valid"], cents), source)
            self.assertEqual(rejects.get(file_id, 0), want["rejected"], source)
            total += Decimal(want["usd_total"])
        stored = sum(Decimal(v) for (v,) in self.query("SELECT bill_amount_usd FROM billing_data"))
        self.assertEqual(stored, total)
        self.assertEqual(self.query("PRAGMA integrity_check"), [("ok",)])
        return total

    def test_eight_processes_overlapping_fifty_files_load_each_exactly_once(self):
        rng = random.Random(8)
        statuses = self.run_round(rng)
        self.assertEqual(sorted(statuses), sorted(self.answers))
        for source, seen in statuses.items():
            self.assertGreaterEqual(len(seen), 2, source)
            self.assertEqual(sorted(seen), ["loaded"] + ["unchanged"] * (len(seen) - 1), source)
        total = self.check_exact()
        print(f"concurrency: {PROCESSES} processes, {FILES} files, "
              f"{sum(len(s) for s in statuses.values())} ingest attempts, each file loaded once, "
              f"{sum(a['valid'] for a in self.answers.values())} rows, USD {total}", flush=True)
        # Again, all at once: nothing changes.
        statuses = self.run_round(random.Random(9))
        self.assertTrue(all(set(s) == {"unchanged"} for s in statuses.values()), statuses)
        self.assertEqual(self.check_exact(), total)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""End-to-end tests of rows settled after the fact: rate-missing rejects retried when rates
arrive (`rejects retry`, and by itself after `rates import`), and corrected rates applied by
`reconvert`, audited in fx_reconversions. The real billflow binary, SQLite
read directly; expected rows and totals from tests/e2e/oracle.py.

Run by ctest with BILLFLOW_BIN set.
"""
import sys
import unittest
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
sys.path.insert(0, str(Path(__file__).parent))
import billflow_test as bt  # noqa: E402
import oracle  # noqa: E402

HEADER = bt.HEADER
# Two EUR bills before any EUR rate, a GBP one that never gets a rate, one that is wrong anyway.
BILLS = (HEADER +
         "1,Acme,US,Austin,Dairy,Milk,2025-07-01,USD,12.25\n"
         "2,Acme,FR,Paris,Dairy,Milk,2025-07-02,EUR,100.5\n"
         "3,Acme,FR,Lyon,Dairy,Milk,2025/07/03,eur,7.125\n"
         "4,Acme,GB,Leeds,Dairy,Milk,2025-07-02,GBP,9\n"
         "5,Acme,FR,Paris,Dairy,Milk,03/07/2025,EUR,1\n")
EUR = Decimal("1.085")


class RejectsRetryTest(bt.TempDirTestCase):
    TEMP_PREFIX = "billflow_settle_"

    def ingest(self, path):
        p = bt.run("ingest", "--db", self.url, path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())

    def stored(self):
        files = bt.query(self.db, "SELECT rows_read, rows_loaded, rows_rejected, usd_total FROM billing_files")
        rows = bt.query(self.db, "SELECT id, bill_date, bill_amount_usd, currency FROM billing_data ORDER BY id")
        return files, [(i, d, Decimal(u), c) for i, d, u, c in rows]

    def test_rates_import_settles_rate_missing_rejects_exactly_once(self):
        bills = self.dir / "bills.csv"
        bills.write_text(BILLS)
        self.ingest(bills)
        before = oracle.expected(BILLS.encode())
        self.assertEqual(self.stored(), ([(5, 1, 4, "12.25")], before["valid"]))

        fix = self.dir / "eur.csv"
        fix.write_text(f"currency,rate_to_usd,valid_from\nEUR,{EUR},2025-07-01\n")
        p = bt.run("rates", "import", "--db", self.url, "--csv", fix)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        source = f"file://{bills}"
        after = oracle.expected(BILLS.encode(), dict(oracle.DEFAULT_RATES, EUR=EUR))
        total = after["usd_total"]
        self.assertEqual(total, Decimal("129.02"))  # 12.25 + 109.04 (109.0425) + 7.73 (7.730625)
        self.assertEqual(p.stdout.decode(),
                         f"read 1 rates for 1 currencies (1 dates, 2025-07-01 to 2025-07-01) from {fix} (rates CSV)\n"
                         f"sqlite:{self.db}: 1 dates added, 1 rates added, 0 changed, 0 relabelled, 0 unchanged\n"
                         f"file {source}: 2 rejects settled, usd_total 12.25 -> {total}, 1 still without a rate\n"
                         "rejects retry: 2 rejects settled in 1 file, 1 still without a rate\n")
        self.assertEqual(self.stored(), ([(5, 3, 2, str(total))], after["valid"]))
        self.assertEqual(bt.query(self.db, "SELECT fx_rate, fx_rate_date, fx_rate_source FROM billing_data "
                                           "WHERE id = '3'"), [(str(EUR), "2025-07-01", str(fix))])
        self.assertEqual(bt.query(self.db, "SELECT line_number, reason FROM billing_rejects ORDER BY line_number"),
                         [(5, "currency GBP has no USD rate on 2025-07-02"),
                          (6, 'bill_date "03/07/2025" is not YYYY-MM-DD; set date_formats')])

        # Again: nothing changes, and it says so.
        p = bt.run("rejects", "retry", "--db", self.url)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode(),
                         f"file {source}: no rejects settled, 1 still without a rate\n"
                         "rejects retry: 0 rejects settled in 0 files, 1 still without a rate\n")
        self.assertEqual(self.stored(), ([(5, 3, 2, str(total))], after["valid"]))

    def test_retry_with_nothing_to_settle_says_so(self):
        p = bt.run("rejects", "retry", "--db", self.url)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode(), "rejects retry: no rate-missing rejects stored\n")

    def test_help_says_what_it_does_and_when_it_runs_by_itself(self):
        p = bt.run("rejects", "retry", "--help")
        self.assertEqual(p.returncode, 0)
        text = p.stdout.decode()
        self.assertIn("settle rate-missing rejects whose rate now exists", text)
        self.assertIn("It runs by\nitself after every `rates import` and `rates fetch`", text)


EURO_BILLS = (HEADER +
              "1,Acme,FR,Paris,Dairy,Milk,2025-07-02,EUR,100\n"
              "2,Acme,FR,Lyon,Dairy,Milk,2025-07-03,EUR,10.005\n"
              "3,Acme,US,Austin,Dairy,Milk,2025-07-03,USD,5\n"
              "4,Acme,FR,Paris,Dairy,Milk,2025-08-01,EUR,1\n")


class ReconvertTest(bt.TempDirTestCase):
    TEMP_PREFIX = "billflow_reconvert_"

    def rates(self, name, rate):
        path = self.dir / name
        path.write_text(f"currency,rate_to_usd,valid_from\nEUR,{rate},2025-07-01\n")
        p = bt.run("rates", "import", "--db", self.url, "--csv", path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return path, p.stdout.decode()

    def stored(self):
        rows = bt.query(self.db, "SELECT id, bill_date, bill_amount_usd, currency FROM billing_data ORDER BY id")
        files = bt.query(self.db, "SELECT usd_total FROM billing_files")
        return files, [(i, d, Decimal(u), c) for i, d, u, c in rows]

    def test_reconvert_equals_a_fresh_load_under_the_corrected_rate_and_is_audited(self):
        first, _ = self.rates("r1.csv", "1.1")
        bills = self.dir / "bills.csv"
        bills.write_text(EURO_BILLS)
        p = bt.run("ingest", "--db", self.url, bills)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        loaded = self.stored()
        old = oracle.expected(EURO_BILLS.encode(), dict(oracle.DEFAULT_RATES, EUR=Decimal("1.1")))
        self.assertEqual(loaded, ([(str(old["usd_total"]),)], old["valid"]))

        fix, out = self.rates("r2.csv", "1.2")
        self.assertIn(f"changed: EUR 2025-07-01 1.1 ({first}) -> 1.2 ({fix})\n", out)
        self.assertIn("changed: EUR 2025-07-01 was used by 3 loaded rows, which keep the old rate "
                      "(billflow reconvert --currency EUR --from 2025-07-01 applies the new one)\n", out)
        self.assertEqual(self.stored(), loaded)  # an import never changes loaded rows

        p = bt.run("reconvert", "--db", self.url, "--currency", "eur", "--to", "2025-07-31", "--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        source = f"file://{bills}"
        self.assertEqual(p.stdout.decode(),
                         f"file {source}: 2 rows would change, usd_total 127.11 -> 138.11\n"
                         "reconvert (dry run, nothing changed): 2 rows in 1 file would change, "
                         "USD 121.01 -> 132.01\n")
        self.assertEqual(self.stored(), loaded)
        self.assertEqual(bt.query(self.db, "SELECT COUNT(*) FROM fx_reconversions"), [(0,)])

        p = bt.run("reconvert", "--db", self.url, "--currency", "EUR", "--to", "2025-07-31")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode(),
                         f"file {source}: 2 rows reconverted, usd_total 127.11 -> 138.11\n"
                         "reconvert: 2 rows in 1 file reconverted, USD 121.01 -> 132.01; recorded in "
                         "fx_reconversions\n")
        # Every EUR row billed by 2025-07-31 now at 1.2; the August one keeps 1.1 (outside --to).
        july = oracle.expected(EURO_BILLS.encode(), dict(oracle.DEFAULT_RATES, EUR=Decimal("1.2")))
        expected = july["valid"][:3] + old["valid"][3:]
        self.assertEqual(self.stored(), ([(str(sum(v[2] for v in expected)),)], expected))
        self.assertEqual(bt.query(self.db, "SELECT currency, from_date, to_date, dry_run, files, rows_changed, "
                                           "old_usd_total, new_usd_total FROM fx_reconversions"),
                         [("EUR", None, "2025-07-31", 0, 1, 2, "121.01", "132.01")])

        # A fresh load under the corrected rate (August too) equals a reconvert of everything.
        p = bt.run("reconvert", "--db", self.url)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(self.stored(), ([(str(july["usd_total"]),)], july["valid"]))

        p = bt.run("report", "--db", self.url, "--reconversions")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        lines = p.stdout.decode().splitlines()
        self.assertEqual(len(lines), 3)
        self.assertEqual(lines[0].split(), ["run", "run_at", "(UTC)", "currency", "from", "to", "files",
                                            "rows", "old_usd_total", "new_usd_total"])
        first_run = lines[1].split()
        self.assertEqual(first_run[0], "1")
        self.assertEqual(first_run[3:], ["EUR", "-", "2025-07-31", "1", "2", "121.01", "132.01"])
        self.assertEqual(lines[2].split()[3:], ["all", "-", "-", "1", "1", "1.10", "1.20"])

    def test_bad_filter_is_a_usage_error_naming_the_flag(self):
        p = bt.run("reconvert", "--db", self.url, "--from", "2025-13-01")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr.decode(), "billflow: error: --from 2025-13-01: expected a date YYYY-MM-DD\n")
        self.assertFalse(self.db.exists())


if __name__ == "__main__":
    unittest.main()

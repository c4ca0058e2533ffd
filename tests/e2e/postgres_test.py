"""billflow on PostgreSQL, from outside: the example files through `billflow ingest --db
postgres://…` give the rows, rejects and exact totals the oracle computes and SQLite stores; a
second load changes nothing; `report`, `rejects` and `rates show` print the same on both; `watch`
loads each dropped file once and stops cleanly on SIGTERM; the rate each row used (fx_rate_date,
fx_rate_source) and a rate-missing reject's retry_fields are stored as on SQLite.

The server is the ctest fixture's (scripts/postgres-test-server.sh; its env file is named by
BILLFLOW_TEST_POSTGRES_ENV); each test gets a database of its own.
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import unittest
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import billflow_test as bt  # noqa: E402
import oracle  # noqa: E402

PSQL = "/usr/lib/postgresql/15/bin/psql"


def server_env():
    path = os.environ.get("BILLFLOW_TEST_POSTGRES_ENV")
    if not path or not os.path.exists(path):
        return None
    env = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            env[key] = value
    return env


class PostgresCliTest(bt.TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.server = server_env()
        if self.server is None:
            self.skipTest("BILLFLOW_TEST_POSTGRES_ENV not set (run through ctest)")
        self.database = "e2e_" + uuid.uuid4().hex[:12]
        self.psql("postgres", f"CREATE DATABASE {self.database}")
        self.pg_url = (f"postgres://{self.server['BILLFLOW_TEST_PG_USER']}@127.0.0.1:"
                       f"{self.server['BILLFLOW_TEST_PG_PORT']}/{self.database}")
        self.pg_env = {"BILLFLOW_DB_PASSWORD": self.server["BILLFLOW_TEST_PG_PASSWORD"]}

    def psql(self, database, sql):
        env = {"PATH": "/usr/bin:/bin", "PGPASSWORD": self.server["BILLFLOW_TEST_PG_PASSWORD"]}
        return subprocess.run([PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                               "-p", self.server["BILLFLOW_TEST_PG_PORT"], "-U",
                               self.server["BILLFLOW_TEST_PG_USER"], "-d", database, "-c", sql],
                              env=env, capture_output=True, check=True, text=True).stdout.strip()

    def pg(self, *args):
        return bt.run(*args, "--db", self.pg_url, env=self.pg_env)

    def sqlite(self, *args):
        return bt.run(*args, "--db", self.url)

    def test_example_files_match_the_oracle_and_sqlite(self):
        files = sorted(bt.EXAMPLES.glob("*.csv"))
        want = oracle.expected_files(files)
        pg = self.pg("ingest", "--json", *files)
        self.assertEqual(pg.returncode, 0, pg.stderr.decode())
        lite = self.sqlite("ingest", "--json", *files)
        self.assertEqual(lite.returncode, 0, lite.stderr.decode())
        pg_json, lite_json = json.loads(pg.stdout), json.loads(lite.stdout)
        self.assertEqual(pg_json["totals"]["rows_loaded"], want["valid"])
        self.assertEqual(pg_json["totals"]["rows_rejected"], want["rejected"])
        self.assertEqual(Decimal(str(pg_json["totals"]["usd_total"])), want["usd_total"])
        strip = lambda doc: [{k: f[k] for k in ("source", "status", "rows_read", "rows_loaded",
                                                 "rows_rejected", "usd_total")} for f in doc["files"]]
        self.assertEqual(strip(pg_json), strip(lite_json))
        # Stored rows, read back by PostgreSQL itself.
        self.assertEqual(self.psql(self.database, "SELECT COUNT(*) FROM billing_data"), str(want["valid"]))
        self.assertEqual(Decimal(self.psql(self.database, "SELECT SUM(bill_amount_usd) FROM billing_data")),
                         want["usd_total"])
        stored = self.psql(self.database, "SELECT id || ' ' || bill_date || ' ' || bill_amount_usd || ' ' "
                           "|| currency FROM billing_data ORDER BY file_id, line_number").splitlines()
        self.assertEqual(stored, [f"{i} {d} {u} {c}" for f in want["files"] for i, d, u, c in f["valid"]])
        # A second load changes nothing.
        again = self.pg("ingest", "--json", *files)
        self.assertEqual(again.returncode, 0, again.stderr.decode())
        self.assertEqual({f["status"] for f in json.loads(again.stdout)["files"]}, {"unchanged"})
        self.assertEqual(self.psql(self.database, "SELECT COUNT(*) FROM billing_data"), str(want["valid"]))
        # The read paths print the same as on SQLite.
        for by in ("currency", "month", "country", "product_line", "company", "file"):
            a = self.pg("report", "--by", by, "--format", "csv")
            b = self.sqlite("report", "--by", by, "--format", "csv")
            self.assertEqual(a.returncode, 0, a.stderr.decode())
            self.assertEqual(a.stdout, b.stdout, by)
        for args in (("rejects",), ("rates", "show")):
            a, b = self.pg(*args), self.sqlite(*args)
            self.assertEqual(a.returncode, 0, a.stderr.decode())
            self.assertEqual(a.stdout, b.stdout, args)

    def test_watch_loads_each_dropped_file_once_and_stops_cleanly_on_sigterm(self):
        inbox = self.dir / "inbox"
        inbox.mkdir()
        log = self.dir / "watch.log"
        env = bt.clean_env(self.pg_env)
        with open(log, "wb") as err:
            proc = subprocess.Popen([bt.binary(), "watch", "--db", self.pg_url, "--settle-ms", "200",
                                     str(inbox)], stdout=subprocess.DEVNULL, stderr=err, env=env)
        try:
            def wait_for(predicate, what, timeout=60):
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    if predicate():
                        return
                    if proc.poll() is not None:
                        self.fail(f"watch exited ({proc.returncode}) waiting for {what}:\n"
                                  f"{log.read_text(errors='replace')}")
                    time.sleep(0.05)
                self.fail(f"timed out waiting for {what}:\n{log.read_text(errors='replace')}")

            wait_for(lambda: "watching" in log.read_text(errors="replace"), "the watcher to start")
            files = sorted(bt.EXAMPLES.glob("*.csv"))
            want = oracle.expected_files(files)
            for f in files:
                shutil.copy(f, inbox / (f.name + ".part"))
                os.rename(inbox / (f.name + ".part"), inbox / f.name)
            wait_for(lambda: all((inbox / "processed" / f.name).exists() for f in files),
                     "every file in processed/")
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=10), 0, log.read_text(errors="replace"))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertEqual(self.psql(self.database, "SELECT COUNT(*) FROM billing_data"), str(want["valid"]))
        self.assertEqual(Decimal(self.psql(self.database, "SELECT SUM(bill_amount_usd) FROM billing_data")),
                         want["usd_total"])
        self.assertEqual(self.psql(self.database, "SELECT COUNT(*) FROM billing_rejects"), str(want["rejected"]))
        self.assertEqual(self.psql(self.database, "SELECT COUNT(*) FROM billing_files WHERE status = 'loaded'"),
                         str(len(files)))

    def test_rate_columns_and_retry_fields_are_stored_as_on_sqlite(self):
        ecb = self.dir / "ecb.csv"
        ecb.write_text("Date,USD,GBP,\n2025-06-20,1.1500,0.8500,\n")
        bills = self.dir / "late.csv"
        bills.write_text("id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n"
                         "1,Acme,FR,Paris,Dairy,Milk,2025-06-27,EUR,100\n"
                         "2,Acme,FR,Paris,Dairy,Milk,2025-07-20,EUR,100\n"
                         "3,Acme,US,NY,Dairy,Milk,2025-07-20,USD,5\n"
                         "4,Acme,GB,London,Dairy,Milk,2025-06-21,gbp,10\n")
        for run in (self.pg, self.sqlite):
            p = run("rates", "import", "--ecb", ecb)
            self.assertEqual(p.returncode, 0, p.stderr.decode())
            p = run("ingest", bills)
            self.assertEqual(p.returncode, 0, p.stderr.decode())
        rows = self.psql(self.database, "SELECT id || ' ' || fx_rate_date || ' ' || fx_rate_source || ' ' || "
                         "bill_amount_usd FROM billing_data ORDER BY line_number").splitlines()
        self.assertEqual(rows, ["1 2025-06-20 ecb 115.00", "3 2025-07-20 USD 5.00", "4 2025-06-20 ecb 13.53"])
        self.assertEqual(self.psql(self.database, "SELECT line_number || ' ' || reason FROM billing_rejects"),
                         "3 currency EUR has no USD rate on 2025-07-20 at most 7 days old: the newest is of "
                         "2025-06-20 (ecb, 30 days older); import newer rates or raise --max-rate-age-days")
        retry = self.psql(self.database, "SELECT retry_fields FROM billing_rejects")
        self.assertEqual(retry, "2\tAcme\tFR\tParis\tDairy\tMilk\t2025-07-20\tEUR\t100.0000")
        with sqlite3.connect(self.db) as conn:
            lite_rows = conn.execute("SELECT id, fx_rate_date, fx_rate_source FROM billing_data "
                                     "ORDER BY line_number").fetchall()
            lite_retry = conn.execute("SELECT retry_fields FROM billing_rejects").fetchone()[0]
        self.assertEqual([r.split(" ")[:3] for r in rows], [list(r) for r in lite_rows])
        self.assertEqual(retry, lite_retry)

    def test_a_password_never_comes_from_pg_environment_variables(self):
        # libpq would take PGPASSWORD and PGSSLMODE; billflow ignores them.
        env = {"PGPASSWORD": self.server["BILLFLOW_TEST_PG_PASSWORD"], "PGSSLMODE": "require"}
        p = bt.run("migrate", "--db", self.pg_url, env=env)
        self.assertEqual(p.returncode, 1, p.stderr.decode())
        self.assertIn("fe_sendauth: no password supplied", p.stderr.decode())
        ok = bt.run("migrate", "--db", self.pg_url, env={**env, **self.pg_env})
        self.assertEqual(ok.returncode, 0, ok.stderr.decode())  # PGSSLMODE=require ignored too


if __name__ == "__main__":
    unittest.main()

"""What every Python suite of billflow shares: the binary runner, the environment it runs in,
a temporary directory per test and direct reads of the SQLite database.

Suites import it after putting this folder on sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
    import billflow_test as bt

The binary is $BILLFLOW_BIN (ctest sets it). Python's standard library only: the suites run
under Debian's /usr/bin/python3.
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.csv"))
HEADER = "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n"


def binary():
    """The billflow binary under test; a clear error when ctest did not say which."""
    path = os.environ.get("BILLFLOW_BIN")
    if not path:
        raise RuntimeError("BILLFLOW_BIN is not set: run this suite through ctest, or set it to build/billflow")
    return path


def generator():
    """The billflow_gen binary ($BILLFLOW_GEN, which ctest sets), or a clear error."""
    path = os.environ.get("BILLFLOW_GEN")
    if not path:
        raise RuntimeError("BILLFLOW_GEN is not set: run this suite through ctest, or set it to "
                           "build/bench/billflow_gen")
    return path


def clean_env(extra=None, log_format="text"):
    """The environment billflow runs in: the caller's, minus every BILLFLOW_* variable and the
    CA bundle settings libcurl reads (a developer's BILLFLOW_DB, log or TLS settings must not
    change what a test sees), plus the log format the test parses ("text" for messages
    compared verbatim, "json" for log records) and `extra`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BILLFLOW_") and k not in ("SSL_CERT_FILE", "CURL_CA_BUNDLE")}
    env["BILLFLOW_LOG_FORMAT"] = log_format
    env.update(extra or {})
    return env


def run(*args, stdin=None, env=None, log_format="text", timeout=600):
    """Runs billflow to completion; returns the CompletedProcess with stdout/stderr as bytes."""
    return subprocess.run([binary(), *map(str, args)], input=stdin, capture_output=True,
                          env=clean_env(env, log_format), timeout=timeout)


def query(db, sql, *params, text_factory=str):
    """Every row of `sql` on the SQLite database file `db`; the connection is closed after."""
    conn = sqlite3.connect(db)
    conn.text_factory = text_factory
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


class TempDirTestCase(unittest.TestCase):
    """Each test gets a fresh directory self.dir, removed afterwards, and a database self.db
    in it (self.url for --db)."""

    TEMP_PREFIX = "billflow_test_"

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix=self.TEMP_PREFIX))
        self.db = self.dir / "t.db"
        self.url = f"sqlite:{self.db}"

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def query(self, sql, *params):
        return query(self.db, sql, *params)

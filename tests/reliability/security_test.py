"""Security checks of the real billflow binary and of its source.

Run by ctest with BILLFLOW_BIN and BILLFLOW_SOURCE_DIR set (Debian's /usr/bin/python3, stdlib).
  SqlInjectionTest   payloads in every field and in the file name are stored byte for byte
  SqlBuildingTest    SQL built at run time in src/ is held to a reviewed allow-list
  SecretTest         a canary password never shows in output, logs, rejects, the ledger,
                     /proc/<pid>/cmdline, and billflow starts no child process
  S3KeyTest          keys with '..' or a leading '/' are never local paths, and reach S3 as given
  FormulaTest        exported CSV cells starting with = + - @ (text) are escaped; HTML escapes
"""
import csv
import http.server
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import sql_concat_scan  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import billflow_test as bt  # noqa: E402

BIN = bt.binary()
SOURCE_DIR = Path(os.environ.get("BILLFLOW_SOURCE_DIR", bt.REPO))
HEADER = b"id,company_name,country,city,product_line,item,bill_date,currency,bill_amount\n"

PAYLOADS = [
    "'); DROP TABLE billing_data; --",
    "\" OR \"1\"=\"1",
    "' OR '1'='1' --",
    "\\'; DELETE FROM billing_files; --",
    "\\",
    "\\\\'",
    "x'||(SELECT sqlite_version())||'",
    "1; ATTACH DATABASE '/tmp/pwn.db' AS pwn; --",
    "?", "?1", ":id", "@id", "$1", "%s%n%x",
    "\x1a\x1a",
    "Robert'); DROP TABLE Students;--",
    "ünïcödé 名前 \U0001F4B8",
    "tab\tinside",
    "' UNION SELECT source FROM billing_files --",
]


def clean_env(extra=None):
    return bt.clean_env(extra, log_format="json")


def run(*args, env=None, stdin=None, timeout=120):
    return bt.run(*args, stdin=stdin, env=env, log_format="json", timeout=timeout)


def csv_line(fields):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue().encode()


class TempDirTest(bt.TempDirTestCase):
    TEMP_PREFIX = "billflow_sec_"

    def query(self, sql, *params):
        return bt.query(self.db, sql, *params, text_factory=bytes)


class SqlInjectionTest(TempDirTest):
    def test_payloads_in_every_text_field_are_stored_verbatim(self):
        rows, want = [], {}
        for i, payload in enumerate(PAYLOADS):
            row_id = f"{i}{payload}"[:64]
            while len(row_id.encode()) > 64:
                row_id = row_id[:-1]
            fields = [row_id, "Co " + payload, "US", "City " + payload, "PL " + payload, "Item " + payload,
                      "2024-05-01", "USD", "1.00"]
            rows.append(csv_line(fields))
            want[row_id.encode()] = [f.encode() for f in fields[1:6]]
        path = self.dir / "payloads.csv"
        path.write_bytes(HEADER + b"".join(rows))
        p = run("ingest", "--db", self.url, "--json", path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        got = {r[0]: list(r[1:]) for r in self.query(
            "SELECT id, company_name, country, city, product_line, item FROM billing_data")}
        self.assertEqual(got, want)
        tables = {r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.assertTrue({b"billing_data", b"billing_files", b"billing_rejects", b"fx_rates"} <= tables)
        self.assertFalse(Path("/tmp/pwn.db").exists())

    def test_payloads_in_checked_fields_become_rejects_with_the_raw_line_verbatim(self):
        lines = []
        for i, payload in enumerate(PAYLOADS):
            for column in (2, 6, 7, 8):  # country, bill_date, currency, bill_amount
                fields = [f"r{i}_{column}", "Co", "US", "City", "PL", "Item", "2024-05-01", "USD", "1.00"]
                fields[column] = payload
                lines.append(csv_line(fields))
        path = self.dir / "bad.csv"
        path.write_bytes(HEADER + b"".join(lines))
        p = run("ingest", "--db", self.url, "--json", path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        stored = self.query("SELECT line_number, raw_line FROM billing_rejects ORDER BY line_number")
        self.assertEqual(len(stored), len(lines))
        for (line_number, raw), line in zip(stored, lines):
            self.assertEqual(raw, line.rstrip(b"\n"), f"line {line_number}")
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(0,)])

    def test_file_name_with_sql_is_stored_as_the_source(self):
        name = "x'); DROP TABLE billing_files;--.csv"
        path = self.dir / name
        path.write_bytes(HEADER + b"1,Co,US,City,PL,Item,2024-05-01,USD,1.00\n")
        p = run("ingest", "--db", self.url, "--json", path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(self.query("SELECT source FROM billing_files"), [(f"file://{path}".encode(),)])
        p = run("rejects", "--db", self.url, "--source", path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())


# Every place in src/ that builds SQL text at run time, with why it is safe. A new one fails
# the test until it is reviewed and listed here (key: file, start of its first SQL literal).
REVIEWED_SQL_BUILDERS = {
    ("sinks/data_api_sink.cc", "SELECT file_id, status, content_sha256, size_bytes, "):
        "FOR UPDATE suffix chosen by a bool; source bound as :key",
    ("sinks/data_api_sink.cc", "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, "):
        "values bound as :parameters; only constant text joined",
    ("sinks/mysql_schema.h", "CREATE TABLE IF NOT EXISTS schema_version (\\n"):
        "table options from a collation name the server listed, restricted to two constants",
    ("sinks/postgres_sink.cc", "SELECT pg_advisory_xact_lock($1::bigint)"):
        "constant statement, source bound as $1; only the error context string is joined",
    ("sinks/schema_upgrade.cc", "ALTER TABLE "):
        "table, column and definition from each dialect's constant AddedColumn list; no run-time input",
    ("sinks/mysql_connection.cc", "SET SESSION sql_mode="):
        "integer from options; this statement also pins sql_mode without NO_BACKSLASH_ESCAPES",
    # mysql_sink.cc and mysql_bulk_writer.cc bind every value of its own statements as a prepared-statement parameter
    # (MysqlConnection::Exec/Query with MysqlParams). What remains joins constants only, or is
    # the non-default kInsert bulk mode, whose rows are SQL text by design. (The rejects INSERT
    # and the duplicate-id IN list repeat "(?, ?, ?, ?)" / ",?" after a named constant: no value
    # is joined, and the scanner, which looks for SQL literals, does not list them.)
    ("sinks/mysql_bulk_writer.cc", "INSERT INTO billing_data (file_id, "):
        "column list from the kBulkBatchColumns constant; staged mode binds file_id as ?, "
        "the opt-in kInsert mode splices BulkRowBatch values (kMysqlLiteralEscapes, number formatting)",
    ("sinks/mysql_bulk_writer.cc", " FROM billflow_stage ORDER BY line_number"): "constants",
    ("sinks/mysql_bulk_writer.cc", ": LOAD DATA read "): "an error message that mentions LOAD DATA, not SQL",
    # The shared reads (FileLedger, file_ledger_reads.cc) are built once per dialect from constant
    # fragments: column lists, per-dialect functions chosen by a switch over SqlDialect, the
    # GroupBy enum's key, integer page limits; every value (source, keys of the last row of a
    # page, piece positions) is a $n parameter bound by the backend's QueryText.
    ("sinks/ledger_read_sql.cc", " WHERE "): "keyset predicate over constant column names; values bound as $n",
    ("sinks/ledger_read_sql.cc", "SELECT * FROM ("): "wraps a constant base query; ORDER BY columns constant, integer limits",
    ("sinks/ledger_read_sql.cc", "SELECT * FROM (SELECT p.*, SUM(p.row_bytes) OVER (ORDER BY "):
        "wraps a constant base query; ORDER BY columns constant, integer limits",
    ("sinks/ledger_read_sql.cc", "SELECT "): "GROUP BY key from the GroupBy enum; SUM function chosen by dialect",
    ("sinks/ledger_read_sql.cc", "SELECT file_id, source, status, rows_read, rows_loaded, rows_rejected, usd_total, "):
        "finished_at formatting chosen by dialect",
    ("sinks/ledger_read_sql.cc", "SELECT f.source, r.line_number, r.reason, "):
        "length and CASE expressions chosen by dialect, piece size an integer; source bound as $1",
    ("sinks/ledger_read_sql.cc", " WHERE f.source_sha256 = UNHEX($1)"): "constant; source key bound as $1",
    ("sinks/ledger_read_sql.cc", " WHERE f.source = $1"): "constant; source bound as $1",
    ("sinks/ledger_read_sql.cc", "SELECT substr(raw_line, $1, "): "piece size an integer; positions and keys bound",
    ("sinks/ledger_read_sql.cc", "SELECT currency, "): "date formatting chosen by dialect",
    ("sinks/postgres_ledger_sql.cc", "WITH waits AS MATERIALIZED (SELECT set_config('lock_timeout', '"):
        "an integer of seconds (DataApiSinkOptions::lock_wait_timeout_s); the source's key bound as $1",
    # The jobs over stored rows (rejects retry, reconvert: ledger_jobs.cc, reject_retry.cc,
    # reconvert.cc) join constant fragments only: a constant EXISTS subquery, $n placeholder
    # numbers, the constant page LIMIT, per-dialect date/time functions chosen by a switch; every
    # value (ids, lines, dates, currency, amounts) is a bound $n. Where only the error context
    # (`what`) joins the source, the statement itself is constant.
    ("sinks/ledger_jobs.cc", "SELECT f.file_id, f.source FROM billing_files f WHERE f.status = "):
        "constant EXISTS subquery of the caller, $n numbers and page LIMIT; values bound",
    ("sinks/ledger_jobs.cc", "SELECT rows_read, rows_loaded, rows_rejected, usd_total FROM billing_files WHERE "):
        "constant statement; only the error context joins the source",
    ("sinks/reconvert.cc", "SELECT 1 FROM billing_data d WHERE d.file_id = f.file_id"):
        "filter of constant conditions with $n placeholders; values bound",
    ("sinks/reconvert.cc", "INSERT INTO fx_reconversions (run_at, currency, from_date, to_date, dry_run, "):
        "current-time function chosen by dialect; values bound as $n",
    ("sinks/reconvert.cc", "SELECT d.id, d.company_name, d.country, d.city, d.product_line, d.item, d.bill_date, "):
        "date cast chosen by dialect, constant filter conditions, $n numbers, page LIMIT; values bound",
    ("sinks/reconvert.cc", "UPDATE billing_data SET fx_rate = $1, fx_rate_date = $2, fx_rate_source = $3, "):
        "constant statement; only the error context joins the source",
    ("sinks/reconvert.cc", "UPDATE billing_files SET usd_total = $1 WHERE file_id = $2"):
        "constant statement; only the error context joins the source",
    ("sinks/reconvert.cc", "SELECT run_id, "): "timestamp and date casts chosen by dialect, page LIMIT",
    ("sinks/reject_retry.cc", "SELECT line_number, retry_fields FROM billing_rejects WHERE file_id = $1 AND "):
        "constant page LIMIT; values bound; the error context joins the source",
    ("sinks/reject_retry.cc", "UPDATE billing_rejects SET reason = $1, retry_fields = NULL WHERE file_id = $2 AND "):
        "constant statement; only the error context joins the source",
    ("sinks/reject_retry.cc", "DELETE FROM billing_rejects WHERE file_id = $1 AND line_number = $2"):
        "constant statement; only the error context joins the source",
    ("sinks/reject_retry.cc", "UPDATE billing_files SET rows_loaded = $1, rows_rejected = $2, usd_total = $3 WHERE "):
        "constant statement; only the error context joins the source",
}


def _first_sql_literal(statement):
    for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', statement):
        if sql_concat_scan.SQL_WORDS.search(literal) or literal.strip().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            return literal
    return ""


class SqlBuildingTest(unittest.TestCase):
    def test_sql_built_at_run_time_is_only_in_reviewed_places(self):
        unreviewed = []
        for rel, line, statement in sql_concat_scan.scan(SOURCE_DIR / "src"):
            literal = _first_sql_literal(statement)
            if not any(rel == f and literal.startswith(prefix) for (f, prefix) in REVIEWED_SQL_BUILDERS):
                unreviewed.append(f"src/{rel}:~{line}: {statement[:200]}")
        self.assertEqual(unreviewed, [], "SQL built from run-time values outside the reviewed list:\n" +
                         "\n".join(unreviewed))

    def test_sqlite_sink_binds_every_value(self):
        """The SQLite sink, the default backend, builds no SQL at run time: its SQL hooks run the
        shared statements of ledger_read_sql.cc with every value bound."""
        sites = [s for s in sql_concat_scan.scan(SOURCE_DIR / "src")
                 if s[0] in ("sinks/sqlite_sink.cc", "sinks/sqlite_sink_sql.cc")]
        self.assertEqual(sites, [])

    def test_the_scanner_finds_concatenated_sql(self):
        d = Path(tempfile.mkdtemp(prefix="billflow_scan_"))
        try:
            (d / "x.cc").write_text('void F(std::string id) {\n  db.Exec("DELETE FROM t WHERE id = \'" + id + "\'");\n'
                                    '  db.Exec("SELECT 1");\n  sql.append("INSERT INTO t VALUES (").append(v);\n}\n')
            found = list(sql_concat_scan.scan(d))
            self.assertEqual(len(found), 2, found)
        finally:
            shutil.rmtree(d)


class StallingServer:
    """Accepts TCP connections and never answers (a database that hangs in the handshake)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class SecretTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.canary = "canary-" + secrets.token_hex(12)
        self.csv = self.dir / "bills.csv"
        self.csv.write_bytes(HEADER + b"1,Co,US,City,PL,Item,2024-05-01,USD,1.00\n"
                             b"2,Co,US,City,PL,Item,2024-13-01,USD,1.00\n")

    def assertNoCanary(self, *blobs):
        for blob in blobs:
            if isinstance(blob, str):
                blob = blob.encode()
            self.assertNotIn(self.canary.encode(), blob)

    def test_mysql_connection_refused_does_not_echo_the_password(self):
        url = f"mysql://loader@127.0.0.1:{closed_port()}/billing"
        env = {"BILLFLOW_DB_PASSWORD": self.canary}
        for args in (["ingest", "--db", url, "--json", self.csv], ["ingest", "--db", url, self.csv],
                     ["report", "--db", url], ["migrate", "--db", url], ["rejects", "--db", url]):
            p = run(*args, env=env)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertNoCanary(p.stdout, p.stderr)
            self.assertIn(b"127.0.0.1", p.stderr + p.stdout, args)  # it did say what failed

    def test_password_file_is_not_echoed(self):
        pw = self.dir / "pw"
        pw.write_text(self.canary + "\n")
        pw.chmod(0o600)
        p = run("ingest", "--db", f"mysql://loader@127.0.0.1:{closed_port()}/billing", "--password-file", pw,
                "--json", self.csv)
        self.assertNotEqual(p.returncode, 0)
        self.assertNoCanary(p.stdout, p.stderr)

    def test_password_in_the_url_is_not_echoed(self):
        """The contract forbids passwords in argv; refusing one must not print it back either."""
        p = run("ingest", "--db", f"mysql://loader:{self.canary}@127.0.0.1:{closed_port()}/billing", self.csv)
        self.assertNotEqual(p.returncode, 0)
        self.assertNoCanary(p.stdout, p.stderr)

    def test_not_in_cmdline_and_no_child_process_while_connecting(self):
        server = StallingServer()
        try:
            env = clean_env({"BILLFLOW_DB_PASSWORD": self.canary})
            proc = subprocess.Popen([BIN, "ingest", "--db", f"mysql://loader@127.0.0.1:{server.port}/billing",
                                     str(self.csv)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            deadline = time.time() + 10
            while not server.conns and time.time() < deadline:
                time.sleep(0.05)
            self.assertTrue(server.conns, "billflow never connected")
            time.sleep(0.3)
            self.assertIsNone(proc.poll(), "billflow should be waiting for the handshake")
            cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
            self.assertNoCanary(cmdline)
            children = []
            for task in Path(f"/proc/{proc.pid}/task").iterdir():
                children += (task / "children").read_text().split()
            for child in children:  # (there should be none; if there are, their environ must be clean)
                self.assertNoCanary(Path(f"/proc/{child}/environ").read_bytes(),
                                    Path(f"/proc/{child}/cmdline").read_bytes())
            self.assertEqual(children, [], "billflow started child processes")
            proc.kill()
            out, err = proc.communicate()
            self.assertNoCanary(out, err)
        finally:
            server.close()

    def test_sqlite_outputs_rejects_and_ledger_never_hold_the_password(self):
        env = {"BILLFLOW_DB_PASSWORD": self.canary}
        outputs = []
        for args in (["ingest", "--db", self.url, "--json", self.csv], ["report", "--db", self.url, "--format", "json"],
                     ["rejects", "--db", self.url], ["ingest", "--db", self.url, self.dir / "missing.csv"]):
            p = run(*args, env=env)
            outputs += [p.stdout, p.stderr]
        self.assertNoCanary(*outputs)
        with open(self.db, "rb") as f:
            self.assertNoCanary(f.read())


class S3KeyTest(TempDirTest):
    def test_event_and_source_code_never_turn_keys_into_local_paths(self):
        """Files that handle S3 keys and events use no filesystem API at all (aws_config.cc, which
        reads ~/.aws/config and credentials, gets no key, so it is not among them)."""
        fs_api = re.compile(r"\b(fopen|ofstream|ifstream|std::filesystem|fs::path|open\(|mkdir|rename|unlink|remove\()")
        files = [*sorted((SOURCE_DIR / "src/aws").glob("*.cc")), *sorted((SOURCE_DIR / "src/lambda").glob("*.cc")),
                 *sorted((SOURCE_DIR / "src/sources").glob("s3_*.cc"))]
        files = [f for f in files if not f.name.endswith("_test.cc") and f.name != "aws_config.cc"]
        self.assertTrue(files)
        offenders = [f"{f.relative_to(SOURCE_DIR)}: {m.group(0)}" for f in files
                     for m in fs_api.finditer(f.read_text())]
        self.assertEqual(offenders, [])

    def _serve(self):
        seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self):
                seen.append(self.path)
                body = b"<Error><Code>NoSuchKey</Code><Message>no</Message></Error>"
                self.send_response(404)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = _any

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, seen

    def _ingest_s3(self, uri, server):
        env = {"AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{server.server_address[1]}", "AWS_REGION": "us-east-1",
               "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_MAX_ATTEMPTS": "1",
               "AWS_EC2_METADATA_DISABLED": "true", "HOME": str(self.dir)}
        return run("ingest", "--db", self.url, uri, env=env, timeout=60)

    def test_leading_slash_key_is_not_a_local_path(self):
        server, seen = self._serve()
        try:
            p = self._ingest_s3("s3://inbox//etc/passwd", server)
        finally:
            server.shutdown()
            server.server_close()
        self.assertNotEqual(p.returncode, 0)
        self.assertTrue(seen, p.stderr.decode())
        self.assertTrue(all(path.startswith("/inbox/") for path in seen), seen)
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_files WHERE source LIKE 'file:%'")
                         if self.db.exists() else [(0,)], [(0,)])

    def test_dot_segments_in_a_key_reach_s3_as_given(self):
        """Regression (fixed by CURLOPT_PATH_AS_IS in curl_http_client.cc): libcurl removed '..'
        segments from the URL path, so key 'a/../../other/x.csv' in bucket 'inbox' is
        requested as '/other/x.csv' — another bucket, path-style — instead of that key. S3 keys
        may legally contain '..'; SigV4 signs the un-normalised path, so AWS answers 403 rather
        than serving the other object, but the request leaves for the wrong resource."""
        server, seen = self._serve()
        try:
            p = self._ingest_s3("s3://inbox/a/../../other/x.csv", server)
        finally:
            server.shutdown()
            server.server_close()
        self.assertNotEqual(p.returncode, 0)
        self.assertTrue(seen, p.stderr.decode())
        self.assertTrue(all(path.startswith("/inbox/a/") for path in seen), seen)


class FormulaTest(TempDirTest):
    DANGEROUS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "=1,2"]

    def _load(self):
        lines = [csv_line([str(i), name, "US", "City", "PL", "Item", "2024-05-01", "USD", "-1.50"])
                 for i, name in enumerate(self.DANGEROUS)]
        lines += [b"=cmd|' /C calc'!A0,bad\n", b"+bad,row\n", b"-bad,row\n", b"@bad,row\n"]
        path = self.dir / "f.csv"
        path.write_bytes(HEADER + b"".join(lines))
        p = run("ingest", "--db", self.url, path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())

    def _cells(self, text):
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]

    def test_report_csv_escapes_text_cells_but_not_numbers(self):
        self._load()
        p = run("report", "--db", self.url, "--by", "company", "--format", "csv")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        rows = list(csv.reader(io.StringIO(p.stdout.decode())))
        keys = [r[0] for r in rows[1:]]
        for name in self.DANGEROUS:
            self.assertIn("'" + name, keys)
        for cell in (c for r in rows for c in r):
            self.assertFalse(cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not re.fullmatch(r"-[\d.]+", cell)),
                             cell)
        self.assertIn("-7.50", [c for r in rows for c in r])  # a negative number stays a number

    def test_rejects_export_escapes_text_cells(self):
        self._load()
        p = run("rejects", "--db", self.url)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        cells = self._cells(p.stdout.decode())
        raws = [c for c in cells if "bad" in c and "," in c]
        self.assertEqual(sorted(raws), sorted(["'=cmd|' /C calc'!A0,bad", "'+bad,row", "'-bad,row", "'@bad,row"]))
        for cell in cells:
            self.assertNotIn(cell[:1], ("=", "+", "-", "@"), cell)

    def test_html_report_escapes_names(self):
        path = self.dir / "h.csv"
        path.write_bytes(HEADER + csv_line(["1", "<script>alert(1)</script>", "US", "C", "<img src=x onerror=alert(2)>",
                                            "I", "2024-05-01", "USD", "1.00"]))
        self.assertEqual(run("ingest", "--db", self.url, path).returncode, 0)
        out = self.dir / "r.html"
        p = run("report", "--db", self.url, "--format", "html", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        html = out.read_text()
        self.assertNotIn("<script>alert(1)", html)
        self.assertNotIn("<img src=x", html)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""End-to-end tests of the operator features: HTML report, gzip input, ECB rates,
rejects export, progress output. The real billflow binary, real files, the database read
directly with Python's sqlite3; expected amounts computed here with Python's Decimal.

Run by ctest with BILLFLOW_BIN, BILLFLOW_GEN and TEST_DATA_DIR set; the sample files are
examples/. The HTML tests also need Debian's `chromium` (scripts/setup.sh installs it); they are
skipped without it.
"""
import csv
import gzip
import io
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import time
import unittest
import zlib
from decimal import ROUND_HALF_EVEN, Decimal, getcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import oracle  # noqa: E402
from operator_support import (  # noqa: E402
    BIN, CHROMIUM, DATA, EXAMPLE_FILES, EXAMPLES, HEADER, MEAT, OperatorTestCase, bt, figure,
    rows_csv, run)


def png_size(path):
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise AssertionError(f"{path} is not a PNG")
    return struct.unpack(">II", data[16:24])


def png_pixel_bytes_sample(path):
    """Distinct byte values in the (filtered) image data: one colour gives very few."""
    data = Path(path).read_bytes()
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat)[::13]))


def chromium(*args, user_dir):
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={user_dir}", *args],
        capture_output=True, timeout=120)


def render_report(db_url, html, png, user_dir):
    """Writes the HTML report and its 1200x1600 screenshot; returns (report process, chromium --dump-dom)."""
    p = run("report", "--db", db_url, "--format", "html", "--out", html)
    shot = chromium(f"--screenshot={png}", "--window-size=1200,1600", f"file://{html}", user_dir=user_dir)
    if shot.returncode != 0:
        raise AssertionError(shot.stderr.decode(errors="replace"))
    dom = chromium("--dump-dom", f"file://{html}", user_dir=user_dir)
    return p, dom.stdout.decode()


class HtmlReportTest(OperatorTestCase):
    @unittest.skipUnless(CHROMIUM, "chromium is not installed (scripts/setup.sh installs it)")
    def test_sample_data_report_renders_in_headless_chromium(self):
        self.assertEqual(run("ingest", "--db", self.url, EXAMPLES).returncode, 0)
        want = oracle.expected_files(EXAMPLE_FILES)
        usd_rows = [v for f in want["files"] for v in f["valid"] if v[3] == "USD"]
        html, png = self.dir / "report.html", self.dir / "report.png"
        p, dom = render_report(self.url, html, png, self.dir / "chromium")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        page = html.read_text()
        self.assertNotIn("http", page)  # nothing to fetch: no fonts, scripts, images or links
        self.assertNotIn("<script", page)
        self.assertIn(f"<b>{want['usd_total']:,}</b><span>USD total</span>", page)
        usd_total = sum(v[2] for v in usd_rows)
        self.assertIn(f"<title>2025-06 USD: {usd_total:,} USD ({len(usd_rows)} rows)</title>", page)
        self.assertEqual(png_size(png), (1200, 1600))
        self.assertGreater(png.stat().st_size, 20_000)
        self.assertGreater(png_pixel_bytes_sample(png), 40)
        # After load, Chromium's DOM holds the three charts and their bars.
        self.assertEqual(dom.count("<svg "), 3, dom[:2000])
        self.assertGreaterEqual(dom.count("<rect "), 3 + 4 + 1)
        self.assertIn("Rejected rows by reason", dom)
        if os.environ.get("BILLFLOW_REPORT_PNG"):  # how docs/report.png is made
            shutil.copy(png, os.environ["BILLFLOW_REPORT_PNG"])

    def test_report_escapes_data_and_keeps_amounts_exact(self):
        body = rows_csv([("1", "A", "US", "X", "<script>alert(1)</script>", "I", "2024-01-01", "USD", "0.1"),
                         ("2", "A", "US", "X", "<script>alert(1)</script>", "I", "2024-02-01", "USD", "0.2"),
                         ("3", "A", "USA", "X", "P", "I", "2024-02-01", "USD", "1")])
        (self.dir / "x.csv").write_text(body)
        self.assertEqual(run("ingest", "--db", self.url, self.dir / "x.csv").returncode, 0)
        p = run("report", "--db", self.url, "--format", "html")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        page = p.stdout.decode()
        self.assertNotIn("<script>", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertIn("<b>0.30</b><span>USD total</span>", page)  # 0.1 + 0.2, not 0.30000000000000004
        self.assertIn("country &quot;\u2026&quot; is not a two-letter code", page)


class GzipTest(OperatorTestCase):
    def test_csv_gz_loads_the_same_rows_and_hash_as_the_plain_file(self):
        plain_dir, gz_dir = self.dir / "plain", self.dir / "gz"
        plain_dir.mkdir()
        gz_dir.mkdir()
        for f in EXAMPLE_FILES:
            shutil.copy(f, plain_dir / f.name)
            (gz_dir / (f.name + ".gz")).write_bytes(gzip.compress(f.read_bytes()))
        db2 = self.dir / "gz.db"
        self.assertEqual(run("ingest", "--db", self.url, plain_dir).returncode, 0)
        p = run("ingest", "--db", f"sqlite:{db2}", "--json", gz_dir)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        want = oracle.expected_files(EXAMPLE_FILES)
        self.assertEqual(Decimal(json.loads(p.stdout)["totals"]["usd_total"]), want["usd_total"])
        sql = ("SELECT substr(f.source, instr(f.source, 'billing_')), d.id, d.line_number, d.bill_date, d.currency, "
               "d.bill_amount, d.fx_rate, d.bill_amount_usd FROM billing_data d JOIN billing_files f USING (file_id) "
               "ORDER BY 1, 2")
        gz_rows = [(s.removesuffix(".gz"), *rest) for (s, *rest) in bt.query(db2, sql)]
        gz_hashes = sorted(h for (h,) in bt.query(db2, "SELECT content_sha256 FROM billing_files"))
        self.assertEqual(gz_rows, self.query(sql))
        self.assertEqual(len(gz_rows), want["valid"])
        # The content hash is that of the decompressed CSV: gzipped or not, the same content.
        self.assertEqual(gz_hashes, sorted(h for (h,) in self.query("SELECT content_sha256 FROM billing_files")))

    def test_gzip_bomb_is_a_clear_error_quickly_with_bounded_memory(self):
        # 2 GiB of zeros as 32 gzip members of 64 MiB each (~2 MB in all): quick to make.
        member = gzip.compress(bytes(64 << 20), compresslevel=6)
        bomb = self.dir / "bomb.csv.gz"
        with open(bomb, "wb") as f:
            for _ in range(32):
                f.write(member)
        started = time.monotonic()
        proc = subprocess.Popen([BIN, "ingest", "--db", self.url, "--json", str(bomb)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=bt.clean_env())
        out, err = proc.stdout.read(), proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        proc.stderr.close()
        seconds = time.monotonic() - started
        figure("gzip bomb (2 GiB zeros in %.1f MB)" % (bomb.stat().st_size / 1e6),
               f"refused in {seconds:.3f} s, peak RSS {usage.ru_maxrss / 1024:.1f} MiB")
        self.assertEqual(proc.returncode, 1, err.decode())
        error = json.loads(out)["files"][0]["error"]
        self.assertIn("bomb.csv.gz: decompresses to more than 1000 times its compressed size", error)
        self.assertIn("refusing a likely gzip bomb", error)
        self.assertLess(seconds, 10)
        self.assertLess(usage.ru_maxrss, 100 * 1024)  # KiB
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(0,)])

    def test_inflated_size_limit_is_a_flag(self):
        f = self.dir / "meat.csv.gz"
        f.write_bytes(gzip.compress(MEAT.read_bytes()))
        p = run("ingest", "--db", self.url, "--json", "--max-inflated-bytes", "500", f)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(json.loads(p.stdout)["files"][0]["error"],
                         f"{f}: decompresses to more than 500 bytes (--max-inflated-bytes); refusing it")

    def test_truncated_gzip_is_an_error_not_a_short_file(self):
        rows = [(str(i), "Acme", "US", "Austin", "Bakery", "Bread", "2024-05-01", "USD", "1.00") for i in range(1, 5001)]
        whole = gzip.compress(rows_csv(rows).encode())
        f = self.dir / "cut.csv.gz"
        f.write_bytes(whole[: len(whole) // 2])
        p = run("ingest", "--db", self.url, "--json", f)
        self.assertEqual(p.returncode, 1)
        error = json.loads(p.stdout)["files"][0]["error"]
        self.assertIn("cut.csv.gz: truncated gzip stream", error)
        self.assertEqual(self.query("SELECT COUNT(*) FROM billing_data"), [(0,)])
        self.assertEqual(self.query("SELECT status FROM billing_files"), [("failed",)])

    def test_plain_csv_named_gz_is_not_gzip(self):
        f = self.dir / "plain.csv.gz"
        f.write_text(HEADER)
        p = run("ingest", "--db", self.url, "--json", f)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(json.loads(p.stdout)["files"][0]["error"], f"{f}: not gzip data (no gzip header)")


def usd(amount, rate):
    return (Decimal(amount) * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def ecb_rate(usd_per_eur, per_eur):
    getcontext().prec = 60
    return (Decimal(usd_per_eur) / Decimal(per_eur)).quantize(Decimal("1e-10"), rounding=ROUND_HALF_EVEN)


class RatesTest(OperatorTestCase):
    ECB = DATA / "ecb_eurofxref_hist_sample.csv"

    def test_import_stores_usd_based_rates_from_the_ecb_file(self):
        p = run("rates", "import", "--db", self.url, "--ecb", self.ECB)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertIn(b"(3 dates, 2024-06-13 to 2024-06-17)", p.stdout)
        self.assertIn(b"CYP EEK LTL LVL MTL ROL SIT SKK TRL HRK", p.stdout)
        got = dict(((c, d), (r, s)) for c, d, r, s in self.query(
            "SELECT currency, valid_from, rate_to_usd, source FROM fx_rates WHERE source = 'ecb'"))
        self.assertEqual(got[("EUR", "2024-06-14")], ("1.0687", "ecb"))
        self.assertEqual(got[("GBP", "2024-06-14")], ("1.2669828097", "ecb"))  # 1.0687 / 0.84350
        self.assertEqual(got[("JPY", "2024-06-17")], (str(ecb_rate("1.0713", "169.21")), "ecb"))
        self.assertNotIn(("EUR", "2024-06-12"), got)  # USD was N/A that day
        self.assertFalse(any(c in ("CYP", "RUB", "HRK") for c, _ in got))  # N/A or not ISO 4217 any more
        self.assertEqual(len(got), 3 * 30)
        # Importing again changes nothing.
        self.assertEqual(run("rates", "import", "--db", self.url, "--ecb", self.ECB).returncode, 0)
        self.assertEqual(self.query("SELECT COUNT(*) FROM fx_rates WHERE source = 'ecb'"), [(90,)])

    def test_weekend_bills_use_fridays_rate(self):
        self.assertEqual(run("rates", "import", "--db", self.url, "--ecb", self.ECB).returncode, 0)
        bills = self.dir / "bills.csv"
        bills.write_text(rows_csv([
            ("1", "Boulangerie", "FR", "Paris", "Bakery", "Croissant", "2024-06-15", "EUR", "100.00"),  # Saturday
            ("2", "Teashop", "GB", "London", "Tea", "Earl Grey", "2024-06-16", "GBP", "250.50"),  # Sunday
            ("3", "Sushi", "JP", "Tokyo", "Fish", "Tuna", "2024-06-17", "JPY", "12345"),  # Monday
            ("4", "Maple", "CA", "Toronto", "Syrup", "Maple", "2024-06-14", "CAD", "1000.00"),  # Friday
            ("5", "Taco", "MX", "CDMX", "Food", "Tortilla", "2024-06-16", "MXN", "5000.00"),  # Sunday
            ("6", "Old", "FR", "Lyon", "Bakery", "Bread", "2024-06-12", "EUR", "10.00"),  # no USD that day
        ]))
        p = run("ingest", "--db", self.url, "--json", bills)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        got = {i: (Decimal(r), Decimal(u)) for i, r, u in self.query(
            "SELECT id, fx_rate, bill_amount_usd FROM billing_data")}
        friday = "1.0687"
        want = {
            "1": (Decimal(friday), Decimal("106.87")),
            "2": (Decimal("1.2669828097"), Decimal("317.38")),
            "3": (ecb_rate("1.0713", "169.21"), Decimal("78.16")),
            "4": (ecb_rate(friday, "1.4699"), Decimal("727.06")),
            "5": (ecb_rate(friday, "19.9420"), Decimal("267.95")),
        }
        self.assertEqual(got, want)
        for i, amount in (("2", "250.50"), ("3", "12345"), ("4", "1000.00"), ("5", "5000.00")):
            self.assertEqual(usd(amount, want[i][0]), want[i][1], i)  # hand numbers agree with Decimal
        self.assertEqual(self.query("SELECT reason FROM billing_rejects"),
                         [("currency EUR has no USD rate on 2024-06-12",)])

    def test_show_prints_the_rate_in_force_and_one_currencys_history(self):
        self.assertEqual(run("rates", "import", "--db", self.url, "--ecb", self.ECB).returncode, 0)
        p = run("rates", "show", "--db", self.url)
        self.assertEqual(p.returncode, 0)
        lines = p.stdout.decode().splitlines()
        self.assertIn("EUR       2024-06-17                1.0713  ecb         3", lines)
        self.assertIn("USD       1970-01-01                     1  default     1", lines)
        p = run("rates", "show", "--db", self.url, "--currency", "gbp")
        self.assertEqual(p.stdout.decode().splitlines()[1:],
                         ["GBP       2024-06-17          1.2678106509  ecb",
                          "GBP       2024-06-14          1.2669828097  ecb",
                          "GBP       2024-06-13          1.2773696682  ecb"])

    def test_malformed_ecb_file_is_refused_with_its_line(self):
        bad = self.dir / "ecb.csv"
        bad.write_text("Date,USD,JPY,\n2024-06-14,1.0687,abc,\n")
        p = run("rates", "import", "--db", self.url, "--ecb", bad)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f'{bad}:2: JPY value "abc" is not a positive decimal number'.encode(), p.stderr)
        self.assertEqual(run("rates", "import", "--db", self.url, "--ecb", self.dir / "none.csv").returncode, 2)


class RejectsExportTest(OperatorTestCase):
    def test_export_escapes_formulas_and_filters_by_source(self):
        evil = self.dir / "evil.csv"
        evil.write_text(HEADER +
                        "=cmd|' /C calc'!A0,Acme,USA,Austin,Bakery,Bread,2024-05-01,USD,1.00\n"
                        "2,Acme,US,Austin,Bakery,Bread,2024-05-01,USD,1.00\n"
                        "@SUM(A1),Acme,US,Austin,Bakery,Bread,2024-05-01,XXX,1.00\n")
        other = self.dir / "other.csv"
        other.write_text(HEADER + "-1+1,Acme,US,Austin,Bakery,Bread,not-a-date,USD,1.00\n")
        self.assertEqual(run("ingest", "--db", self.url, evil, other).returncode, 0)
        out = self.dir / "rejects.csv"
        p = run("rejects", "--db", self.url, "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        table = list(csv.reader(io.StringIO(out.read_bytes().decode(), newline="")))
        self.assertEqual(table[0], ["source", "line_number", "reason", "raw_line"])
        self.assertEqual(len(table), 4)
        by_line = {(r[0].rsplit("/", 1)[1], r[1]): r for r in table[1:]}
        raw = by_line[("evil.csv", "2")][3]
        self.assertEqual(raw, "'=cmd|' /C calc'!A0,Acme,USA,Austin,Bakery,Bread,2024-05-01,USD,1.00")
        self.assertEqual(by_line[("evil.csv", "2")][2], 'country "USA" is not a two-letter code')
        self.assertTrue(by_line[("evil.csv", "4")][3].startswith("'@SUM(A1)"))
        self.assertTrue(by_line[("other.csv", "2")][3].startswith("'-1+1"))
        for row in table[1:]:
            for cell in row:
                self.assertNotIn(cell[:1], ("=", "+", "-", "@"), row)
        # One file, named by its path.
        p = run("rejects", "--db", self.url, "--source", evil)
        self.assertEqual(p.returncode, 0)
        rows = list(csv.reader(io.StringIO(p.stdout.decode())))
        self.assertEqual([r[1] for r in rows[1:]], ["2", "4"])


class ProgressTest(OperatorTestCase):
    def test_non_tty_stderr_has_no_carriage_return_progress(self):
        big, _ = self.generate(150_000, 3, "p.csv")
        p = run("ingest", "--db", self.url, big)  # stderr is a pipe
        self.assertEqual(p.returncode, 0)
        self.assertNotIn(b"\r", p.stderr)
        self.assertNotIn(b"MB/s", p.stderr)

    def test_tty_stderr_shows_rows_rate_and_eta(self):
        big, _ = self.generate(150_000, 3, "p.csv")
        master, slave = pty.openpty()
        proc = subprocess.Popen([BIN, "ingest", "--db", self.url, str(big)], stdout=subprocess.DEVNULL,
                                stderr=slave, env=bt.clean_env())
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        os.close(master)
        self.assertEqual(proc.wait(timeout=120), 0)
        self.assertIn(b"\r\x1b[K", seen)
        self.assertRegex(seen, rb"p\.csv: \d+ rows  [\d.]+ MB  [\d.]+ MB/s  +\d+%  ETA \d+s")


class HelpTest(unittest.TestCase):
    def test_new_commands_have_examples(self):
        for args in (["watch"], ["rates"], ["rates", "import"], ["rates", "show"], ["rejects"]):
            p = run(*args, "--help")
            self.assertEqual(p.returncode, 0, args)
            self.assertIn(b"Examples:", p.stdout, args)


if __name__ == "__main__":
    unittest.main()

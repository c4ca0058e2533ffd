"""End-to-end tests of rates from the source: `rates import --ecb` on every layout the ECB
publishes (CSV, zip, daily / 90-day / full XML), `rates import --csv`, and `rates fetch` over
HTTPS from a local server with a CA made here by openssl. The real billflow binary, SQLite read
directly; expected rates computed here with Python's Decimal from the quotes written.

Run by ctest with BILLFLOW_BIN set. Needs /usr/bin/openssl (scripts/setup.sh installs it).
"""
import datetime
import http.server
import io
import shutil
import sqlite3
import ssl
import subprocess
import tempfile
import threading
import unittest
import zipfile
import sys
from decimal import ROUND_HALF_EVEN, Decimal, getcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import billflow_test as bt  # noqa: E402

HEADER = bt.HEADER
OPENSSL = shutil.which("openssl")

# The 41 columns of the real eurofxref-hist.csv, with a rough magnitude and the last date each
# was quoted (None: still quoted). The ten legacy codes are no active ISO 4217 currencies.
COLUMNS = [
    ("USD", "1.1", None), ("JPY", "130", None), ("BGN", "1.9558", None), ("CYP", "0.58", "2007-12-31"),
    ("CZK", "25", None), ("DKK", "7.45", None), ("EEK", "15.6466", "2010-12-31"), ("GBP", "0.85", None),
    ("HUF", "300", None), ("LTL", "3.4528", "2014-12-31"), ("LVL", "0.7028", "2013-12-31"),
    ("MTL", "0.4293", "2007-12-31"), ("PLN", "4.3", None), ("ROL", "35000", "2005-06-30"), ("RON", "4.5", None),
    ("SEK", "10", None), ("SIT", "239.5", "2006-12-29"), ("SKK", "30.126", "2008-12-31"), ("CHF", "1.2", None),
    ("ISK", "140", None), ("NOK", "9", None), ("TRL", "1500000", "2004-12-31"), ("TRY", "15", None),
    ("AUD", "1.6", None), ("BRL", "4", None), ("CAD", "1.45", None), ("CNY", "8", None), ("HKD", "8.6", None),
    ("IDR", "15000", None), ("ILS", "4.5", None), ("INR", "70", None), ("KRW", "1350", None),
    ("MXN", "18", None), ("MYR", "4.5", None), ("NZD", "1.7", None), ("PHP", "55", None), ("SGD", "1.55", None),
    ("THB", "40", None), ("ZAR", "15", None), ("HRK", "7.5", "2022-12-30"), ("RUB", "70", "2022-03-01"),
]
LEGACY = ["CYP", "EEK", "LTL", "LVL", "MTL", "ROL", "SIT", "SKK", "TRL", "HRK"]


def easter(year):
    """Gregorian Easter Sunday (Gauss's algorithm as corrected by Lichtenberg)."""
    k = year // 100
    m = 15 + (3 * k + 3) // 4 - (8 * k + 13) // 25
    s = 2 - (3 * k + 3) // 4
    a = year % 19
    d = (19 * a + m) % 30
    r = (d + a // 11) // 29
    og = 21 + d - r
    sz = 7 - (year + year // 4 + s) % 7
    oe = 7 - (og - sz) % 7
    return datetime.date(year, 3, 1) + datetime.timedelta(days=og + oe - 1)


def target_open(day):
    if day.weekday() >= 5 or (day.month, day.day) in ((1, 1), (12, 25)):
        return False
    if day.year >= 2000:
        e = easter(day.year)
        if (day.month, day.day) in ((5, 1), (12, 26)) or day in (e - datetime.timedelta(days=2),
                                                                 e + datetime.timedelta(days=1)):
            return False
    return not ((day.month, day.day) == (12, 31) and day.year in (1998, 1999, 2001))


def history(first, last):
    """{date: {currency: "value" | "N/A"}}, every TARGET working day, newest first."""
    out = {}
    day = last
    n = 0
    while day >= first:
        if target_open(day):
            row = {}
            for i, (code, base, until) in enumerate(COLUMNS):
                if (until and day.isoformat() > until) or (code == "ISK" and "2008-12-09" <= day.isoformat() <= "2018-12-31"):
                    row[code] = "N/A"
                else:
                    wiggle = Decimal((n * 7919 + i * 104729) % 2001 - 1000) / 20000
                    row[code] = str((Decimal(base) * (1 + wiggle)).quantize(Decimal("0.0001")))
            out[day] = row
            n += 1
        day -= datetime.timedelta(days=1)
    return out


def ecb_csv(quotes):
    lines = ["Date," + "".join(c + "," for c, _, _ in COLUMNS)]
    for day, row in quotes.items():
        lines.append(day.isoformat() + "," + "".join(row[c] + "," for c, _, _ in COLUMNS))
    return "\n".join(lines) + "\n"


def ecb_xml(quotes):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
           'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">',
           "\t<gesmes:subject>Reference rates</gesmes:subject>",
           "\t<gesmes:Sender>", "\t\t<gesmes:name>European Central Bank</gesmes:name>", "\t</gesmes:Sender>",
           "\t<Cube>"]
    for day, row in quotes.items():
        out.append(f"\t\t<Cube time='{day.isoformat()}'>")
        out += [f"\t\t\t<Cube currency='{c}' rate='{row[c]}'/>" for c, _, _ in COLUMNS if row[c] != "N/A"]
        out.append("\t\t</Cube>")
    out += ["\t</Cube>", "</gesmes:Envelope>"]
    return "\n".join(out) + "\n"


def zipped(name, text):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text)
    return buffer.getvalue()


def oracle(quotes):
    """{(currency, date): rate} as billflow must store them: EUR = the USD quote,
    C = USD / C rounded half-even to 10 decimals; legacy codes and N/A left out."""
    getcontext().prec = 60
    out = {}
    for day, row in quotes.items():
        u = row["USD"]
        if u == "N/A":
            continue
        out[("EUR", day.isoformat())] = Decimal(u)
        for code, _, _ in COLUMNS:
            if code in LEGACY or code == "USD" or row[code] == "N/A":
                continue
            out[(code, day.isoformat())] = (Decimal(u) / Decimal(row[code])).quantize(
                Decimal("1e-10"), rounding=ROUND_HALF_EVEN)
    return out


def newest(quotes, n):
    return dict(list(quotes.items())[:n])


def run(*args, env=None):
    return bt.run(*args, env=env)


class RatesCase(unittest.TestCase):
    # 2013-01-02 .. 2025-06-20: 3,190 TARGET working days, 41 columns; RUB, HRK go N/A.
    QUOTES = history(datetime.date(2013, 1, 2), datetime.date(2025, 6, 20))

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="billflow_rates_"))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, content):
        path = self.dir / name
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        return path

    def stored(self, db, source="ecb"):
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT currency, valid_from, rate_to_usd FROM fx_rates WHERE source = ?",
                                (source,)).fetchall()
        return {(c, d): Decimal(r) for c, d, r in rows}

    def dump(self, db):
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT currency, valid_from, rate_to_usd, source FROM fx_rates "
                                "ORDER BY currency, valid_from").fetchall()

    def import_ecb(self, db, path):
        p = run("rates", "import", "--db", f"sqlite:{db}", "--ecb", path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return p.stdout.decode()


class ImportLayoutsTest(RatesCase):
    def test_every_published_layout_stores_the_same_rates(self):
        quotes = self.QUOTES
        self.assertEqual(len(quotes), 3190)
        want = oracle(quotes)
        layouts = {
            "csv": self.write("eurofxref-hist.csv", ecb_csv(quotes)),
            "zip": self.write("eurofxref-hist.zip", zipped("eurofxref-hist.csv", ecb_csv(quotes))),
            "xml": self.write("eurofxref-hist.xml", ecb_xml(quotes)),
        }
        for name, path in layouts.items():
            db = self.dir / f"{name}.db"
            out = self.import_ecb(db, path)
            self.assertIn("(3190 dates, 2013-01-02 to 2025-06-20)", out, name)
            # The XML leaves N/A quotes out: it names legacy codes as they first appear, newest first.
            skipped = "HRK LTL LVL" if name == "xml" else " ".join(LEGACY)
            self.assertIn(f"skipped columns that are not active ISO 4217 currencies: {skipped}\n", out, name)
            self.assertEqual(self.stored(db), want, name)
        layout_of = {n: self.import_ecb(self.dir / "again.db", p).splitlines()[0].split(f"from {p} ")[1]
                     for n, p in layouts.items()}
        self.assertEqual(layout_of, {"csv": "(ECB CSV)", "zip": "(ECB CSV in a zip (eurofxref-hist.csv))",
                                     "xml": "(ECB XML)"})

    def test_ninety_day_and_daily_feeds_store_their_slice(self):
        want = oracle(self.QUOTES)
        for name, n in (("eurofxref-hist-90d.xml", 64), ("eurofxref-daily.xml", 1)):
            db = self.dir / f"{n}.db"
            out = self.import_ecb(db, self.write(name, ecb_xml(newest(self.QUOTES, n))))
            first = list(self.QUOTES)[n - 1].isoformat()
            self.assertEqual(self.stored(db), {k: v for k, v in want.items() if k[1] >= first}, name)
            self.assertIn(f"{n} dates added, {n * 30} rates added, 0 changed, 0 relabelled, 0 unchanged", out)

    def test_reimport_changes_nothing_and_new_days_are_counted(self):
        db = self.dir / "t.db"
        older = dict(list(self.QUOTES.items())[1:])
        zip_path = self.write("eurofxref-hist.zip", zipped("eurofxref-hist.csv", ecb_csv(older)))
        first = self.import_ecb(db, zip_path)
        rates = len(oracle(older))
        self.assertIn(f"3189 dates added, {rates} rates added, 0 changed, 0 relabelled, 0 unchanged", first)
        self.assertIn("gaps: none (no TARGET working day without ECB rates)", first)
        before = self.dump(db)
        again = self.import_ecb(db, zip_path)
        self.assertIn(f": 0 dates added, 0 rates added, 0 changed, 0 relabelled, {rates} unchanged", again)
        self.assertEqual(self.dump(db), before)
        daily = self.import_ecb(db, self.write("eurofxref-daily.xml", ecb_xml(newest(self.QUOTES, 1))))
        self.assertIn(": 1 dates added, 30 rates added, 0 changed, 0 relabelled, 0 unchanged", daily)
        self.assertIn("gaps: none", daily)
        self.assertEqual(self.stored(db), oracle(self.QUOTES))

    def test_gaps_are_missing_target_working_days_only(self):
        # 2024-03-25 .. 2024-04-05 spans Good Friday and Easter Monday; Tuesday 04-02 is dropped,
        # and the USD of Wednesday 04-03 is N/A, so that day has no ECB rates either.
        quotes = {d: dict(r) for d, r in self.QUOTES.items()
                  if datetime.date(2024, 3, 25) <= d <= datetime.date(2024, 4, 5) and d != datetime.date(2024, 4, 2)}
        quotes[datetime.date(2024, 4, 3)]["USD"] = "N/A"
        db = self.dir / "t.db"
        out = self.import_ecb(db, self.write("h.csv", ecb_csv(quotes)))
        self.assertIn("gaps: 2 TARGET working days without ECB rates: 2024-04-02 2024-04-03", out)
        # A daily file a week later: the days between are gaps too.
        later = {datetime.date(2024, 4, 12): self.QUOTES[datetime.date(2024, 4, 12)]}
        out = self.import_ecb(db, self.write("d.xml", ecb_xml(later)))
        self.assertIn("gaps: 4 TARGET working days without ECB rates: 2024-04-08 2024-04-09 2024-04-10 2024-04-11",
                      out)

    def test_malformed_feeds_are_refused_naming_file_and_line(self):
        db = self.dir / "t.db"
        bad_zip = self.write("h.zip", zipped("eurofxref-hist.csv", "Date,USD,JPY,\n2024-06-14,1.0687,abc,\n"))
        p = run("rates", "import", "--db", f"sqlite:{db}", "--ecb", bad_zip)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.decode(),
                         f'billflow: error: {bad_zip}:eurofxref-hist.csv:2: JPY value "abc" is not a positive decimal number\n')
        bad_xml = self.write("d.xml", "<gesmes:Envelope>\n<Cube>\n<Cube time='2024-06-14'>\n</gesmes:Envelope>\n")
        p = run("rates", "import", "--db", f"sqlite:{db}", "--ecb", bad_xml)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.decode(), f"billflow: error: {bad_xml}:4: not well-formed XML: Start-end tags mismatch\n")
        p = run("rates", "import", "--db", f"sqlite:{db}")
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"rates import needs --ecb FILE or --csv FILE", p.stderr)
        self.assertFalse(db.exists())  # nothing was opened, nothing was written


class CsvImportAndUsdTest(RatesCase):
    def test_csv_corrections_are_reported_old_to_new(self):
        db = self.dir / "t.db"
        self.import_ecb(db, self.write("d.xml", ecb_xml(newest(self.QUOTES, 2))))
        eur = oracle(self.QUOTES)[("EUR", "2025-06-20")]
        fix = self.write("fix.csv", "currency,rate_to_usd,valid_from\nEUR,1.2000,2025-06-20\nCHF,1.15,2025-06-01\n")
        p = run("rates", "import", "--db", f"sqlite:{db}", "--csv", fix)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        out = p.stdout.decode().splitlines()
        self.assertEqual(out[0], f"read 2 rates for 2 currencies (2 dates, 2025-06-01 to 2025-06-20) from {fix} (rates CSV)")
        self.assertEqual(out[1], f"sqlite:{db}: 1 dates added, 1 rates added, 1 changed, 0 relabelled, 0 unchanged")
        # Read back in canonical form (no trailing zeros), as every backend prints a stored rate.
        stored = str(eur).rstrip("0").rstrip(".") if "." in str(eur) else str(eur)
        self.assertEqual(out[2], f"changed: EUR 2025-06-20 {stored} (ecb) -> 1.2000 ({fix})")
        self.assertEqual(len(out), 3)  # no gaps line: a rates CSV stands until its next valid_from
        self.assertEqual(self.stored(db, str(fix)), {("EUR", "2025-06-20"): Decimal("1.2"),
                                                     ("CHF", "2025-06-01"): Decimal("1.15")})
        p = run("rates", "import", "--db", f"sqlite:{db}", "--csv", fix)
        self.assertIn(b": 0 dates added, 0 rates added, 0 changed, 0 relabelled, 2 unchanged", p.stdout)

    def test_usd_is_exactly_one_without_a_table_rate(self):
        db = self.dir / "t.db"
        rates = self.write("r.csv", "currency,rate_to_usd,valid_from\nUSD,1,2024-01-01\nEUR,1.1,2024-01-01\n")
        self.assertEqual(run("rates", "import", "--db", f"sqlite:{db}", "--csv", rates).returncode, 0)
        bills = self.write("bills.csv", HEADER +
                           "1,Acme,US,Austin,Dairy,Milk,2019-05-02,USD,10.25\n"
                           "2,Acme,FR,Paris,Dairy,Milk,2019-05-02,EUR,10.00\n"
                           "3,Acme,US,Austin,Dairy,Milk,2024-06-03,usd,-3.5\n")
        p = run("ingest", "--db", f"sqlite:{db}", bills)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT id, fx_rate, bill_amount_usd FROM billing_data ORDER BY id").fetchall()
            rejects = conn.execute("SELECT line_number, reason FROM billing_rejects").fetchall()
        self.assertEqual([(i, Decimal(r), Decimal(u)) for i, r, u in rows],
                         [("1", Decimal(1), Decimal("10.25")), ("3", Decimal(1), Decimal("-3.50"))])
        self.assertEqual(rejects, [(3, "currency EUR has no USD rate on 2019-05-02")])

    def test_bill_thirty_days_after_the_newest_ecb_rate_is_a_reject_naming_that_date(self):
        db = self.dir / "t.db"
        self.import_ecb(db, self.write("d.xml", ecb_xml(newest(self.QUOTES, 2))))
        eur = oracle(self.QUOTES)[("EUR", "2025-06-20")]
        bills = self.write("late.csv", HEADER +
                           "1,Acme,FR,Paris,Dairy,Milk,2025-06-27,EUR,100\n"
                           "2,Acme,FR,Paris,Dairy,Milk,2025-07-20,EUR,100\n")
        p = run("ingest", "--db", f"sqlite:{db}", bills)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT id, fx_rate, fx_rate_date, fx_rate_source FROM billing_data").fetchall()
            rejects = conn.execute("SELECT line_number, reason, retry_fields IS NOT NULL FROM billing_rejects").fetchall()
        self.assertEqual([(i, Decimal(r), d, src) for i, r, d, src in rows], [("1", eur, "2025-06-20", "ecb")])
        self.assertEqual(rejects, [(3, "currency EUR has no USD rate on 2025-07-20 at most 7 days old: the newest "
                                       "is of 2025-06-20 (ecb, 30 days older); import newer rates or raise "
                                       "--max-rate-age-days", 1)])
        # One limit for every source, when given.
        again = self.write("late2.csv", HEADER + "2,Acme,FR,Paris,Dairy,Milk,2025-07-20,EUR,100\n")
        p = run("ingest", "--db", f"sqlite:{db}", "--max-rate-age-days", "30", again)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        with sqlite3.connect(db) as conn:
            self.assertEqual(conn.execute("SELECT COUNT(*) FROM billing_data").fetchone(), (2,))

    def test_usd_rate_other_than_one_is_refused(self):
        db = self.dir / "t.db"
        bad = self.write("r.csv", "currency,rate_to_usd,valid_from\nEUR,1.1,2024-01-01\nUSD,1.1,2024-01-01\n")
        p = run("rates", "import", "--db", f"sqlite:{db}", "--csv", bad)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.decode(), f"billflow: error: {bad}:3: USD rate 1.1: USD is the base currency and "
                                            "converts at exactly 1; give it no other rate\n")
        self.assertFalse(db.exists())


class HttpsServer:
    """Serves files from a dict over HTTPS on 127.0.0.1 and records the paths asked for."""

    def __init__(self, files, cert, key):
        self.files = files
        self.paths = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                owner.paths.append(self.path)
                body = owner.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def make_ca(directory, name):
    """A CA (name.pem) and a server certificate it signs for 127.0.0.1 (name-server.pem/.key)."""
    def ssl_cmd(*args):
        subprocess.run([OPENSSL, *args], check=True, capture_output=True, cwd=directory)
    ssl_cmd("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN={name}")
    ssl_cmd("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", f"{name}-server.key", "-out", f"{name}-server.csr", "-subj", "/CN=127.0.0.1")
    (directory / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    ssl_cmd("x509", "-req", "-in", f"{name}-server.csr", "-CA", f"{name}.pem", "-CAkey", f"{name}.key",
            "-CAcreateserial", "-out", f"{name}-server.pem", "-days", "2", "-extfile", "san.cnf")
    return directory / f"{name}.pem", directory / f"{name}-server.pem", directory / f"{name}-server.key"


@unittest.skipUnless(OPENSSL, "openssl is not installed")
class FetchTest(RatesCase):
    def setUp(self):
        super().setUp()
        self.ca, cert, key = make_ca(self.dir, "test-ca")
        self.other_ca, _, _ = make_ca(self.dir, "other-ca")
        self.files = {
            "/stats/eurofxref/eurofxref-hist.zip": zipped("eurofxref-hist.csv", ecb_csv(self.QUOTES)),
            "/stats/eurofxref/eurofxref-hist-90d.xml": ecb_xml(newest(self.QUOTES, 64)).encode(),
            "/daily.xml": ecb_xml({datetime.date(2025, 6, 23): self.QUOTES[datetime.date(2025, 6, 20)]}).encode(),
        }
        self.server = HttpsServer(self.files, cert, key)
        self.db = self.dir / "t.db"

    def tearDown(self):
        self.server.close()
        super().tearDown()

    def fetch(self, *args, env=None):
        return run("rates", "fetch", "--db", f"sqlite:{self.db}", *args,
                   env={"SSL_CERT_FILE": str(self.ca), **(env or {})})

    def test_fetch_takes_the_history_then_the_ninety_day_feed(self):
        base = self.server.url + "/stats/eurofxref/"
        p = self.fetch("--ecb-url", base)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(self.server.paths, ["/stats/eurofxref/eurofxref-hist.zip"])
        out = p.stdout.decode()
        self.assertIn(f"downloaded {base}eurofxref-hist.zip\n", out)
        self.assertIn(f"from {base}eurofxref-hist.zip (ECB CSV in a zip (eurofxref-hist.csv))", out)
        self.assertEqual(self.stored(self.db), oracle(self.QUOTES))
        p = self.fetch(env={"BILLFLOW_ECB_URL": base})
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(self.server.paths[1:], ["/stats/eurofxref/eurofxref-hist-90d.xml"])
        self.assertIn(": 0 dates added, 0 rates added, 0 changed, 0 relabelled, 1920 unchanged", p.stdout.decode())
        p = self.fetch("--ecb-url", self.server.url + "/daily.xml")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertIn(": 1 dates added, 30 rates added, 0 changed", p.stdout.decode())
        self.assertIn("gaps: none", p.stdout.decode())

    def test_wrong_ca_is_refused_and_nothing_is_stored(self):
        url = self.server.url + "/daily.xml"
        p = self.fetch("--ecb-url", url, env={"SSL_CERT_FILE": str(self.other_ca)})
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.decode(),
                         f"billflow: error: rates fetch: GET {url}: SSL certificate problem: unable to get local "
                         "issuer certificate (TLS certificate not trusted); the server's certificate must chain "
                         "to a CA of the system store or of the bundle SSL_CERT_FILE (or CURL_CA_BUNDLE) names\n")
        self.assertEqual(self.dump(self.db), [])
        p = self.fetch("--ecb-url", url.replace("https://", "http://"))
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr.decode(),
                         f'billflow: error: --ecb-url (or BILLFLOW_ECB_URL): ECB URL "{url.replace("https://", "http://")}" '
                         "is not https://: rates are downloaded over verified TLS only\n")
        p = self.fetch("--ecb-url", self.server.url + "/missing.xml")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.decode(),
                         f"billflow: error: rates fetch: GET {self.server.url}/missing.xml: HTTP 404 "
                         "(set --ecb-url or BILLFLOW_ECB_URL to another feed or mirror)\n")

    def test_help_teaches_with_examples(self):
        for args in (["rates", "fetch"], ["rates", "import"]):
            p = run(*args, "--help")
            self.assertEqual(p.returncode, 0)
            self.assertIn(b"billflow rates fetch --ecb-url https://mirror.internal/eurofxref/", p.stdout)
            self.assertIn(b"billflow rates import --ecb eurofxref-hist.zip", p.stdout)


if __name__ == "__main__":
    unittest.main()

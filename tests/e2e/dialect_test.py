"""End-to-end tests of file dialects and profiles (CONTRACT.md "Dialect").

The real billflow binary on SQLite; every assertion reads the database, the exit code or the
full output text; USD sums are compared with oracle.py given the same dialect.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import oracle  # noqa: E402

BIN = os.environ["BILLFLOW_BIN"]
DATA = Path(os.environ["TEST_DATA_DIR"]) / "dialects"
HEADER = "id,company_name,country,city,product_line,item,bill_date,currency,bill_amount"
EUR_RATES = {"USD": Decimal("1"), "EUR": Decimal("1.08")}
GERMAN = {"encoding": "windows-1252", "delimiter": ";", "decimal_separator": ",",
          "thousands_separator": ".", "date_formats": ["%d.%m.%Y"], "skip_lines": 1,
          "columns": {"Rechnungsnr": "id", "Firma": "company_name", "Ort": "city",
                      "Sparte": "product_line", "Artikel": "item", "Datum": "bill_date",
                      "Währung": "currency", "Betrag": "bill_amount"},
          "defaults": {"country": "DE"}}


def run(*args, env=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BILLFLOW_")}
    full_env["BILLFLOW_LOG_FORMAT"] = "text"
    full_env.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, env=full_env, timeout=300)


class DialectTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="billflow_dialects_"))
        self.url = f"sqlite:{self.dir / 't.db'}"
        self.rates = self.dir / "rates.csv"
        self.rates.write_text("currency,rate_to_usd,valid_from\nUSD,1,1970-01-01\n"
                              "EUR,1.08,2025-01-01\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def query(self, sql, *params):
        with sqlite3.connect(self.dir / "t.db") as conn:
            return conn.execute(sql, params).fetchall()

    def ingest(self, *args, env=None):
        result = run("ingest", "--db", self.url, "--rates", str(self.rates), "--json", *args,
                     env=env)
        return result, (json.loads(result.stdout) if result.stdout else None)

    def write(self, name, data):
        path = self.dir / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        return path

    def stored_total(self):
        return sum((Decimal(v) for (v,) in self.query("SELECT bill_amount_usd FROM billing_data")),
                   Decimal("0.00"))


class ProfileTest(DialectTestCase):
    def test_german_windows1252_file_through_a_matched_profile(self):
        src = self.dir / "acme_de_2025_06.csv"
        shutil.copy(DATA / "acme_de_2025_06.csv", src)
        result, summary = self.ingest("--profiles", str(DATA / "profiles.toml"), str(src))
        self.assertEqual(result.returncode, 0, result.stderr)
        want = oracle.expected(src.read_bytes(), rates=EUR_RATES, dialect=GERMAN)
        entry = summary["files"][0]
        self.assertEqual(entry["profile"], "acme-de")
        self.assertEqual(entry["rows_loaded"], len(want["valid"]))
        self.assertEqual(entry["rows_rejected"], want["rejected"])
        self.assertEqual(Decimal(entry["usd_total"]), want["usd_total"])
        self.assertEqual(self.stored_total(), want["usd_total"])
        self.assertEqual(entry["usd_total"], "13334765.98")
        self.assertEqual(self.query("SELECT company_name, country, bill_date, bill_amount FROM "
                                    "billing_data WHERE id = '1'"),
                         [("Bäckerei Müller", "DE", "2025-06-01", "1234.5600")])
        rejects = self.query("SELECT line_number, reason, raw_line FROM billing_rejects "
                             "ORDER BY line_number")
        self.assertEqual([(n, r) for n, r, _ in rejects], [
            (7, 'bill_amount "1.23.4,5" has a thousands separator out of place'),
            (8, 'bill_date "2025-06-03" matches none of date_formats %d.%m.%Y')])
        # raw_line keeps the file's own bytes (windows-1252), not their UTF-8 reading.
        self.assertEqual(rejects[0][2], "5;Schlecht;Bonn;Dairy;Milch;03.06.2025;EUR;1.23.4,5"
                         .encode("windows-1252"))

    def test_profile_from_environment_and_forced_by_name(self):
        src = self.write("export.csv", (DATA / "acme_de_2025_06.csv").read_bytes())
        result, summary = self.ingest("--profile", "acme-de", str(src),
                                      env={"BILLFLOW_PROFILES": str(DATA / "profiles.toml")})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["files"][0]["profile"], "acme-de")
        self.assertEqual(summary["files"][0]["rows_loaded"], 4)

    def test_profile_forced_from_the_environment_as_a_lambda_for_one_source_sets_it(self):
        src = self.write("export.csv", (DATA / "acme_de_2025_06.csv").read_bytes())
        env = {"BILLFLOW_PROFILES": str(DATA / "profiles.toml"), "BILLFLOW_PROFILE": "acme-de"}
        result, summary = self.ingest("--dry-run", str(src), env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["files"][0]["profile"], "acme-de")
        self.assertEqual(summary["files"][0]["rows_loaded"], 4)
        # The flag wins over the environment; an unknown name is the usage error of --profile.
        env["BILLFLOW_PROFILE"] = "nope"
        flagged, summary = self.ingest("--dry-run", "--profile", "acme-de", str(src), env=env)
        self.assertEqual(flagged.returncode, 0, flagged.stderr)
        self.assertEqual(summary["files"][0]["profile"], "acme-de")
        unknown, _ = self.ingest("--dry-run", str(src), env=env)
        self.assertEqual(unknown.returncode, 2)
        self.assertEqual(unknown.stderr.decode(),
                         f"billflow: error: --profile nope: no such profile in "
                         f"{DATA / 'profiles.toml'} (has: acme-de)\n")

    def test_same_bytes_under_a_changed_profile_are_replaced(self):
        src = self.dir / "acme_de_2025_06.csv"
        shutil.copy(DATA / "acme_de_2025_06.csv", src)
        profiles = self.dir / "profiles.toml"
        shutil.copy(DATA / "profiles.toml", profiles)
        _, first = self.ingest("--profiles", str(profiles), str(src))
        self.assertEqual(first["files"][0]["status"], "loaded")
        _, again = self.ingest("--profiles", str(profiles), str(src))
        self.assertEqual(again["files"][0]["status"], "unchanged")
        profiles.write_text(profiles.read_text().replace(
            'date_formats = ["%d.%m.%Y"]', 'date_formats = ["%d.%m.%Y", "%Y-%m-%d"]'))
        _, fixed = self.ingest("--profiles", str(profiles), str(src))
        self.assertEqual(fixed["files"][0]["status"], "replaced")
        self.assertEqual(fixed["files"][0]["rows_loaded"], 5)
        self.assertEqual(self.query("SELECT count(*) FROM billing_data"), [(5,)])
        self.assertEqual(self.query("SELECT profile FROM billing_files"), [("acme-de",)])

    def test_flags_override_the_profile_setting_by_setting(self):
        src = self.dir / "acme_de_2025_06.csv"
        shutil.copy(DATA / "acme_de_2025_06.csv", src)
        result, summary = self.ingest("--profiles", str(DATA / "profiles.toml"),
                                      "--date-format", "%d.%m.%Y", "--date-format", "%Y-%m-%d",
                                      "--dry-run", str(src))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["files"][0]["rows_loaded"], 5)  # line 8's ISO date now fits
        self.assertEqual(summary["files"][0]["rows_rejected"], 1)

    def test_bad_profiles_file_is_a_usage_error_naming_file_line_and_key(self):
        bad = self.write("bad.toml", '[profile.x]\nmatch = ["*.csv"]\nencoding = "klingon"\n')
        result, _ = self.ingest("--profiles", str(bad), str(self.write("a.csv", HEADER + "\n")))
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr.decode(),
                         f'billflow: error: {bad}:3: profile.x.encoding: unknown encoding '
                         '"klingon" (use utf-8, utf-16, utf-16le, utf-16be, windows-1252, '
                         'iso-8859-1, iso-8859-15 or another iconv name)\n')
        self.assertFalse((self.dir / "t.db").exists() and self.query(
            "SELECT name FROM sqlite_master WHERE name = 'billing_files'") and self.query(
            "SELECT * FROM billing_files"))
        check = run("profiles", "check", str(bad))
        self.assertEqual(check.returncode, 2)
        good = run("profiles", "check", str(DATA / "profiles.toml"))
        self.assertEqual(good.returncode, 0, good.stderr)
        self.assertEqual(good.stdout.decode(), f"{DATA / 'profiles.toml'}: 1 profile(s) OK: acme-de\n")


def utf16le_with_bom(text):
    return b"\xff\xfe" + text.encode("utf-16-le")


class DetectionTest(DialectTestCase):
    def test_excel_utf16le_tab_export_with_us_dates(self):
        body = ("ID\tCompany Name\tCountry\tCity\tProduct Line\tItem\tBill Date\tCurrency\tBill Amount\r\n"
                "1\tCafé\tUS\tAustin\tBakery\tPie\t6/2/2025\tUSD\t12.50\r\n"
                "2\tDeli\tUS\tAustin\tMeat\tHam\t12/31/2025\tUSD\t1000\r\n"
                "3\tOdd\tUS\tAustin\tMeat\tHam\t31/12/2025\tUSD\t1\r\n")
        src = self.write("excel.txt", utf16le_with_bom(body))
        result, summary = self.ingest("--date-format", "%m/%d/%Y", str(src))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["files"][0]["profile"], None)
        self.assertEqual(summary["files"][0]["usd_total"], "1012.50")
        self.assertEqual(self.query("SELECT company_name, bill_date FROM billing_data ORDER BY id"),
                         [("Café", "2025-06-02"), ("Deli", "2025-12-31")])
        self.assertEqual(self.query("SELECT reason, raw_line FROM billing_rejects"), [
            ('bill_date "31/12/2025" is not a calendar date',
             "3\tOdd\tUS\tAustin\tMeat\tHam\t31/12/2025\tUSD\t1".encode("utf-16-le"))])

    def test_header_variants_and_semicolon_and_pipe_files_need_no_settings(self):
        variants = {"semi.csv": ("ID;Company Name;Country;City;Product-Line;Item;BILL_DATE;"
                                 "Currency;Bill Amount", ";"),
                    "pipe.csv": (HEADER.replace(",", "|"), "|"),
                    "comma.csv": (" Id , company name,country,city,product line,item,"
                                  "bill date,currency,bill-amount", ",")}
        for name, (header, sep) in variants.items():
            row = sep.join(["1", "A", "US", "X", "P", "I", "2025-06-01", "USD", "2.50"])
            self.write(name, f"{header}\n{row}\n")
        result, summary = self.ingest(str(self.dir / "semi.csv"), str(self.dir / "pipe.csv"),
                                      str(self.dir / "comma.csv"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([f["rows_loaded"] for f in summary["files"]], [1, 1, 1])
        self.assertEqual(self.stored_total(), Decimal("7.50"))

    def test_title_rows_skipped_and_defaults_fill_a_missing_column(self):
        src = self.write("titled.csv", "Billing export\nGenerated 2025-06-30\n"
                         "id,company_name,city,product_line,item,bill_date,currency,bill_amount\n"
                         "1,A,X,P,I,2025-06-01,USD,3\n")
        result, summary = self.ingest("--skip-lines", "2", "--default", "country=DE", str(src))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.query("SELECT line_number, country FROM billing_data"), [(4, "DE")])


class MisleadingErrorsTest(DialectTestCase):
    def test_utf16_without_bom_says_set_encoding(self):
        src = self.write("nobom.csv", (HEADER + "\n").encode("utf-16-le"))
        result, summary = self.ingest(str(src))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(summary["files"][0]["error"],
                         f'{src}: looks like UTF-16 without a BOM; set encoding ("utf-16le", '
                         '--encoding utf-16le)')

    def test_latin1_rows_get_one_warning_naming_the_encoding(self):
        src = self.write("latin.csv", (HEADER + "\n1,Café Olé,US,X,P,I,2025-06-01,USD,1\n")
                         .encode("latin-1"))
        result, summary = self.ingest(str(src))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["files"][0]["warnings"], [
            f"{src}: 1 row(s) rejected as not valid UTF-8; the file is likely windows-1252 or "
            "iso-8859-1: set encoding (--encoding windows-1252)"])
        # The same bytes read with the setting the warning names: a new version, replaced.
        result, summary = self.ingest("--encoding", "latin1", str(src))
        self.assertEqual(summary["files"][0]["status"], "replaced")
        self.assertEqual(self.query("SELECT company_name FROM billing_data"), [("Café Olé",)])

    def test_us_date_without_setting_names_the_setting(self):
        src = self.write("us.csv", HEADER + "\n1,A,US,X,P,I,01/02/2025,USD,1\n")
        self.ingest(str(src))
        self.assertEqual(self.query("SELECT reason FROM billing_rejects"),
                         [('bill_date "01/02/2025" is not YYYY-MM-DD; set date_formats',)])

    def test_unknown_header_lists_the_delimiters_tried(self):
        src = self.write("what.csv", "a;b\n1;2\n")
        result, summary = self.ingest(str(src))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(summary["files"][0]["error"],
                         f"{src}:1: header is missing required column(s): id, company_name, "
                         "country, city, product_line, item, bill_date, currency, bill_amount "
                         '(tried delimiters "," ";" tab "|": "," maps 0, ";" maps 0, tab maps 0, '
                         '"|" maps 0 of 9 columns); set delimiter or columns')


class SniffTest(DialectTestCase):
    def test_sniff_prints_findings_and_a_stanza_that_loads_the_file(self):
        src = self.write("de_export.csv", (
            "ID;Company Name;Country;City;Product Line;Item;Bill Date;Currency;Bill Amount\r\n"
            "1;Bäckerei;DE;Köln;Bakery;Brot;01.06.2025;EUR;1.234,56\r\n"
            "2;Metzgerei;DE;Bonn;Meat;Wurst;15.06.2025;USD;10,00\r\n").encode("windows-1252"))
        result = run("sniff", "--encoding", "windows-1252", "--json", str(src))
        self.assertEqual(result.returncode, 0, result.stderr)
        found = json.loads(result.stdout)
        self.assertEqual(found["delimiter"], ";")
        self.assertEqual(found["date_format"], "%d.%m.%Y")
        self.assertEqual(found["decimal_separator"], ",")
        self.assertEqual(found["missing_columns"], [])
        self.assertEqual(found["columns"]["bill_amount"], "Bill Amount")
        self.assertEqual(found["profile_stanza"],
                         '[profile.my-source]\nmatch = ["de_export.csv"]\n'
                         'encoding = "windows-1252"\ndelimiter = ";"\ndecimal_separator = ","\n'
                         'thousands_separator = "."\ndate_formats = ["%d.%m.%Y"]\n')
        profiles = self.write("p.toml", found["profile_stanza"])
        check = run("profiles", "check", str(profiles))
        self.assertEqual(check.returncode, 0, check.stderr)
        result, summary = self.ingest("--profiles", str(profiles), str(src))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(summary["files"][0]["profile"], "my-source")
        self.assertEqual(summary["files"][0]["usd_total"], "1343.32")
        text = run("sniff", "--encoding", "windows-1252", str(src))
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("delimiter:  \";\" (detected: \";\" maps 9 of 9 columns", text.stdout.decode())


if __name__ == "__main__":
    unittest.main()

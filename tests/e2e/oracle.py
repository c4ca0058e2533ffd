"""An independent decimal oracle for billing CSVs: Python's csv module + decimal.Decimal.

It shares no code with billflow; it restates the contract's row rules so tests can compare
what billflow stored with what the contract says it should store.
"""
import csv
import io
import re
from decimal import Decimal, ROUND_HALF_EVEN, ROUND_HALF_UP

DEFAULT_RATES = {"USD": Decimal("1"), "CAD": Decimal("0.79"), "MXN": Decimal("0.05")}
COLUMNS = ["id", "company_name", "country", "city", "product_line", "item", "bill_date",
           "currency", "bill_amount"]
_DATE = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})$")
_AMOUNT = re.compile(r"^[+-]?(\d*)(?:\.(\d*))?$")


def _valid_date(text):
    m = _DATE.match(text)
    if not m or text[4] != text[7]:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not 1 <= mo <= 12 or y < 1000:
        return None
    days = [31, 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][mo - 1]
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= d <= days else None


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _date_with(text, fmt):
    """strptime-like, restated: %Y four digits, %m/%d one or two, %b Jan..Dec (any case)."""
    pattern = ""
    i = 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            pattern += {"Y": r"(?P<Y>\d{4})", "m": r"(?P<m>\d{1,2})", "d": r"(?P<d>\d{1,2})",
                        "b": r"(?P<b>[A-Za-z]{3})"}[fmt[i + 1]]
            i += 2
        else:
            pattern += re.escape(fmt[i])
            i += 1
    m = re.fullmatch(pattern, text)
    if not m:
        return None
    g = m.groupdict()
    month = _MONTHS.index(g["b"].lower()) + 1 if g.get("b") else int(g["m"])
    return _valid_date(f"{int(g['Y']):04d}-{month:02d}-{int(g['d']):02d}")


def _plain_amount(text, decimal, thousands):
    """The amount in '.'-decimal form, or None when its grouping is wrong."""
    text = text.strip()
    if decimal == "." and not thousands:
        return text
    whole, _, frac = text.partition(decimal)
    if "." in frac or "," in frac:
        return None
    if thousands and thousands in whole:
        sign = whole[:1] if whole[:1] in "+-" else ""
        groups = whole[len(sign):].split(thousands)
        if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
            return None
        whole = sign + "".join(groups)
    if "." in whole or "," in whole:
        return None
    return whole + ("." + frac if decimal in text else "")


def _key(name):
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def expected(data: bytes, rates=None, rounding=ROUND_HALF_EVEN, dialect=None):
    """Returns {"valid": [(id, date, usd, currency)], "rejected": n, "usd_total": Decimal}.

    `dialect` (optional) restates a profile: encoding, delimiter, decimal_separator,
    thousands_separator, date_formats, skip_lines, columns {header: field}, defaults."""
    rates = rates or DEFAULT_RATES
    d = dialect or {}
    text = data.decode(d.get("encoding", "utf-8-sig"))
    text = text.lstrip("\ufeff")
    for _ in range(d.get("skip_lines", 0)):
        text = text.split("\n", 1)[1]
    first = text.split("\n", 1)[0]
    if first.startswith('"') and '"' not in first[1:]:
        text = text[1:]  # the contract's header repair
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=d.get("delimiter", ",")))
    rows = [r for r in rows if r]
    aliases = {_key(k): v for k, v in d.get("columns", {}).items()}
    header = [aliases.get(_key(h), _key(h)) for h in rows[0]]
    defaults = {c: v for c, v in d.get("defaults", {}).items() if c not in header}
    pos = {c: header.index(c) for c in COLUMNS if c not in defaults}
    decimal = d.get("decimal_separator", ".")
    thousands = d.get("thousands_separator", "")
    formats = d.get("date_formats")
    valid, rejected, seen = [], 0, set()
    for r in rows[1:]:
        if len(r) != len(header):
            rejected += 1
            continue
        f = {c: (r[pos[c]] if c in pos else defaults[c]) for c in COLUMNS}
        if formats:
            date = next((x for x in (_date_with(f["bill_date"], fm) for fm in formats) if x), None)
        else:
            date = _valid_date(f["bill_date"])
        cur = f["currency"].strip().upper()
        amt = _plain_amount(f["bill_amount"], decimal, thousands)
        m = _AMOUNT.match(amt) if amt is not None else None
        ok = (f["id"].strip() != "" and len(f["id"].encode()) <= 64 and f["id"] not in seen
              and len(f["country"]) == 2 and f["country"].isalpha() and date is not None
              and cur in rates and m is not None and (m.group(1) or m.group(2))
              and len(m.group(2) or "") <= 4 and len((m.group(1) or "").lstrip("0")) <= 15)
        if not ok:
            rejected += 1
            continue
        seen.add(f["id"])
        usd = (Decimal(amt) * rates[cur]).quantize(Decimal("0.01"), rounding=rounding)
        valid.append((f["id"], date, usd, cur))
    return {"valid": valid, "rejected": rejected, "usd_total": sum((v[2] for v in valid), Decimal("0.00"))}


def expected_files(paths, rates=None):
    """expected() of each file plus their sum: {"files": [...], "valid": n, "rejected": n,
    "usd_total": Decimal}."""
    files = [expected(p.read_bytes(), rates) for p in paths]
    return {"files": files, "valid": sum(len(f["valid"]) for f in files),
            "rejected": sum(f["rejected"] for f in files),
            "usd_total": sum((f["usd_total"] for f in files), Decimal("0.00"))}


if __name__ == "__main__":
    # For the shell tests: `oracle.py FILE…` prints "VALID_ROWS REJECTED USD_TOTAL" for the files
    # together, at the default rates.
    import sys
    from pathlib import Path
    total = expected_files([Path(p) for p in sys.argv[1:]])
    print(total["valid"], total["rejected"], total["usd_total"])

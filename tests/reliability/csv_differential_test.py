#!/usr/bin/python3
"""Differential test: billflow's CsvReader (through csv_dump) against Python's csv module.

    csv_differential_test.py --dump CSV_DUMP [--documents 100000] [--seed 7] [--batch 2000]

Documents come from a seeded RNG: rows of random fields (plain words, commas, quotes, CR, LF,
CRLF inside fields, empty fields, spaces, Unicode up to 4-byte UTF-8), written by csv.writer in
several dialects (QUOTE_MINIMAL / QUOTE_ALL / QUOTE_NONNUMERIC, '\\n' or '\\r\\n' line ends, last
line with or without its line break), sometimes with blank lines between records or a BOM in
the middle of a field. Each document is parsed by Python (csv.reader, newline='') and by our
reader, in batches of many documents per csv_dump process.

Documented differences, which the expectation applies rather than excludes:
  1. our reader skips empty lines; Python yields [] for them            -> Python's [] dropped
  2. a leading UTF-8 BOM is skipped; Python keeps U+FEFF                -> expectation strips it
  3. a first line that opens a quote it never closes loses that quote  -> Python parses doc[1:]
     (the contract's header repair; a quoted first field holding a line break triggers it)
  4. a character after a closing quote (`"a"b`): Python joins it ('ab'), we report the record
     as kCharAfterQuote and go on at the next line                      -> injected, asserted
  5. a quote that never closes: Python swallows the rest of the document into one field; we
     report the first line as kUnterminatedQuote and resume after it    -> injected, asserted
  6. a bare CR (not before LF) outside quotes: Python ends the record, we keep it as data
     -> the generator puts bare CRs only inside quoted fields (csv.writer quotes them)
  7. a quoted span crossing line breaks whose record has another field count than the first
     record is re-read line by line (stray-quote recovery); Python keeps it as one record
     -> the generator writes every document's rows at one width, so well-formed multi-line
        fields must still come out whole
Exit 1 with the first mismatches shown. Prints one JSON summary line.
"""
import argparse
import csv
import io
import json
import random
import subprocess
import sys

WORDS = ["alpha", "Bäckerei", "naïve", "名前", "東京", "\U0001F600", "x", "42", "-1.50", "0", "O'Brien",
         "say \"hi\"", "a,b", "", " ", "  padded  ", "tab\there", "=SUM(A1)", "\u00e9\u0301", "\u200b"]
SPECIAL = ["\n", "\r\n", "\r", "\"", ",", "\"\"", "\",\"", "\n\n"]
BOM = "\ufeff"


def random_field(rng):
    kind = rng.random()
    if kind < 0.25:
        return ""
    if kind < 0.6:
        return rng.choice(WORDS)
    parts = []
    for _ in range(rng.randint(1, 5)):
        parts.append(rng.choice(SPECIAL) if rng.random() < 0.4 else rng.choice(WORDS))
    if rng.random() < 0.03:
        parts.insert(rng.randint(0, len(parts)), BOM)  # a BOM in the middle is data
    return "".join(parts)


def write_rows(rng, rows):
    quoting = rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
    terminator = rng.choice(["\n", "\r\n"])
    if terminator == "\n" and any("\r" in f for row in rows for f in row):
        quoting = csv.QUOTE_ALL  # difference 6: csv.writer leaves a bare CR unquoted then
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=quoting, lineterminator=terminator)
    for row in rows:
        writer.writerow(row)
        if rng.random() < 0.05:
            out.write(terminator * rng.randint(1, 2))  # blank lines
    text = out.getvalue()
    if text and rng.random() < 0.3:
        text = text[: -len(terminator)]  # last line without its line break
    return text, terminator


def random_rows(rng, max_rows=8, width=None):
    """Rows of one width (difference 7: a multi-line record of another width is re-read)."""
    width = width or rng.randint(1, 6)
    return [[random_field(rng) for _ in range(width)] for _ in range(rng.randint(1, max_rows))]


def python_records(text):
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r != []]


def repaired(text):
    """The contract's header repair, restated: the first line opens a quote it never closes."""
    first = text.split("\n", 1)[0]
    return text.startswith('"') and '"' not in first[1:]


def expected_plain(text, at_start=True):
    """Records ([fields], error) our reader should give for a well-formed document (or a
    well-formed part of one that does not start it)."""
    if at_start and text.startswith(BOM):
        text = text[1:]
    if at_start and repaired(text):
        text = text[1:]
    return [(r, 0) for r in python_records(text)]


def make_document(rng):
    """Returns (document text, expected records as (fields or None, error))."""
    roll = rng.random()
    if roll < 0.06:
        # 4: char after a closing quote, between two well-formed parts.
        width = rng.randint(1, 6)
        head, term = write_rows(rng, random_rows(rng, 4, width))
        if head and not head.endswith("\n"):
            head += term
        tail, _ = write_rows(rng, random_rows(rng, 4, width))
        if repaired(head or '"'):
            head = ",".join(["safe"] * width) + term + head
        bad = '"' + rng.choice(["x", "", "a,b"]) + '"' + rng.choice(["y", " ", "z\"", "q,w"]) + ",2"
        doc = head + bad + term + tail
        want = expected_plain(head) + [(None, 2)] + expected_plain(tail, at_start=False)
        return doc, want, "char_after_quote"
    if roll < 0.10:
        # 5: an unterminated quote, followed only by quote-free lines.
        width = rng.randint(1, 6)
        head, term = write_rows(rng, random_rows(rng, 4, width))
        if head and not head.endswith("\n"):
            head += term
        if repaired(head or '"'):
            head = ",".join(["safe"] * width) + term + head
        plain = [[w for w in (rng.choice(["p", "q r", "7", "名"]) for _ in range(3))] for _ in range(rng.randint(0, 3))]
        tail = "".join(",".join(r) + term for r in plain)
        bad = "1,\"never closed " + rng.choice(["", "a,b", "名前"])
        doc = head + bad + term + tail
        want = expected_plain(head) + [(None, 1)] + [(r, 0) for r in plain]
        return doc, want, "unterminated_quote"
    if roll < 0.13:
        # 3: the sample file's stray quote before the header, then well-formed rows.
        body, term = write_rows(rng, random_rows(rng, 5, 2))
        doc = '"id,company_name' + term + body
        return doc, [(["id", "company_name"], 0)] + expected_plain(body, at_start=False), "header_repair"
    width = rng.randint(1, 6)
    text, term = write_rows(rng, random_rows(rng, width=width))
    if repaired(text):
        # A quoted first field holding a line break looks like the stray header quote (3);
        # the repair then makes the rest malformed, so such documents get a plain first line.
        text = ",".join(["h"] * width) + term + text
    if rng.random() < 0.05:
        text = BOM + text
    return text, expected_plain(text), "plain"


def parse_dump_line(line):
    records = []
    if not line:
        return records
    for rec in line.split("\x1e"):
        number, error, fields = rec.split(":", 2)
        if int(error) != 0:
            records.append((None, int(error)))
        else:
            records.append(([bytes.fromhex(f).decode("utf-8", "surrogateescape") for f in fields.split(",")], 0))
    return records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", required=True)
    ap.add_argument("--documents", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch", type=int, default=2000)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    compared = mismatches = records = 0
    kinds = {}
    shown = []
    done = 0
    while done < args.documents:
        n = min(args.batch, args.documents - done)
        docs = [make_document(rng) for _ in range(n)]
        frames = bytearray()
        for text, _, _ in docs:
            data = text.encode("utf-8")
            frames += f"{len(data)}\n".encode() + data
        p = subprocess.run([args.dump], input=bytes(frames), capture_output=True)
        if p.returncode != 0:
            print(p.stderr.decode(), file=sys.stderr)
            sys.exit(1)
        lines = p.stdout.decode("utf-8", "surrogateescape").split("\n")
        if len(lines) != n + 1:
            print(f"csv_dump answered {len(lines) - 1} documents, want {n}", file=sys.stderr)
            sys.exit(1)
        for (text, want, kind), line in zip(docs, lines):
            got = parse_dump_line(line)
            compared += 1
            records += len(want)
            kinds[kind] = kinds.get(kind, 0) + 1
            if got != want:
                mismatches += 1
                if len(shown) < 5:
                    shown.append({"kind": kind, "document": text, "python": want, "ours": got})
        done += n
    summary = {"result": "PASS" if mismatches == 0 else "FAIL", "documents": compared, "records": records,
               "mismatches": mismatches, "by_kind": kinds, "seed": args.seed}
    print(json.dumps(summary))
    for s in shown:
        print(json.dumps(s, ensure_ascii=False), file=sys.stderr)
    sys.exit(0 if mismatches == 0 else 1)


if __name__ == "__main__":
    main()

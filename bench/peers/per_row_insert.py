#!/usr/bin/python3
"""Goal 4 peer: the original Lambda's per-row pattern, re-implemented against MariaDB.

  /usr/bin/python3 bench/peers/per_row_insert.py --port P --user U --database DB FILE
  (password from BILLFLOW_DB_PASSWORD)

Faithful to the original lambda_function.py: csv.reader over the file, header skipped, each
row unpacked into nine fields, float(bill_amount) × a float rate from a dict, and ONE
`INSERT IGNORE` statement per row, autocommit (the Data API commits each ExecuteStatement),
over TCP loopback with pymysql. Rows whose unpacking or float() fails, or whose currency has
no rate, are skipped (the original logged and moved on or crashed). Prints one JSON line:
{"rows_read", "rows_inserted", "seconds"}.
"""
import argparse
import csv
import json
import os
import time

import pymysql

RATES = {'USD': 1, 'CAD': 0.79, 'MXN': 0.05}
SQL = ("INSERT IGNORE INTO billing_data (id, company_name, country, city, product_line, item, "
       "bill_date, currency, bill_amount, bill_amount_usd) "
       "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("file")
    args = parser.parse_args()
    started = time.monotonic()
    connection = pymysql.connect(host=args.host, port=args.port, user=args.user,
                                 password=os.environ.get("BILLFLOW_DB_PASSWORD", ""),
                                 database=args.database, autocommit=True, charset="utf8mb4")
    cursor = connection.cursor()
    cursor.execute("""CREATE TABLE IF NOT EXISTS billing_data (
        id VARCHAR(64) NOT NULL PRIMARY KEY, company_name VARCHAR(1000), country VARCHAR(8),
        city VARCHAR(1000), product_line VARCHAR(1000), item VARCHAR(1000), bill_date VARCHAR(32),
        currency VARCHAR(8), bill_amount DOUBLE, bill_amount_usd DOUBLE) ENGINE=InnoDB""")
    read = inserted = 0
    with open(args.file, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader, None)
        for record in reader:
            read += 1
            try:
                (id_, company_name, country, city, product_line, item, bill_date, currency,
                 bill_amount) = record
                bill_amount = float(bill_amount)
            except ValueError:
                continue
            rate = RATES.get(currency)
            if not rate:
                continue
            usd_amount = bill_amount * rate
            inserted += cursor.execute(SQL, (id_, company_name, country, city, product_line, item,
                                             bill_date, currency, bill_amount, usd_amount))
    connection.close()
    print(json.dumps({"rows_read": read, "rows_inserted": inserted,
                      "seconds": round(time.monotonic() - started, 3)}))


if __name__ == "__main__":
    main()

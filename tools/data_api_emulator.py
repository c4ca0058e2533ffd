#!/usr/bin/python3
"""Test-only RDS Data API backed by a real database server, SigV4 checked: Aurora MySQL over a
MariaDB/MySQL server (pymysql), or Aurora PostgreSQL over a PostgreSQL server (psycopg2).

  /usr/bin/python3 tools/data_api_emulator.py --mysql-port P [--mysql-host 127.0.0.1]
      [--mysql-user U] [--mysql-password PW] [--resuming N]
      [--access-key ID] [--secret-key KEY] [--region us-east-1] [--request-log FILE]
      [--exit-on-stdin-eof]
  /usr/bin/python3 tools/data_api_emulator.py --engine postgres --pg-port P [--pg-host H]
      [--pg-user U] [--pg-password PW] [--pg-database DB] [same options as above]

Serves POST /Execute, /BatchExecute, /BeginTransaction, /CommitTransaction and
/RollbackTransaction in the Data API's JSON format (rest-json, errors as HTTP 400 with
x-amzn-ErrorType). Named parameters (:name) become driver parameters, typed as the service types
them on each engine, and database errors carry the engine's own text (tools/data_api_engines.py:
MySQL's error number, PostgreSQL's "…; SQLState: 23505"); the request's `database` defaults to
--pg-database on PostgreSQL. Each transaction id owns one database connection until commit,
rollback or 3 minutes idle. --resuming N answers DatabaseResumingException to the first N
calls, as a paused Aurora Serverless v2 does. Prints the port on stdout when ready.

The real service's limits are enforced: a request over 4 MiB (headers included) is refused
with HTTP 413; an answer over 1 MiB, or holding a record over 64 KB, is refused as
BadRequestException; an unknown transaction id is TransactionNotFoundException (HTTP 404); and
any failed call inside a transaction aborts it (rolled back, its locks released), so that every
later call on it is TransactionNotFoundException "Transaction has been aborted due to an error
from a previous call". --request-log FILE appends one JSON line per
request ({"t_ns", "op", "bytes", "parameter_sets", "status", "records", "answer_bytes"}: the
rows an answer holds and its size) to count calls per file and what they read.
--exit-on-stdin-eof ends the emulator once its stdin reaches end of file: a parent that keeps
the write end of a pipe there stops it by exiting, even by crashing (an orphaned emulator would
otherwise hold the parent's stdout and stderr open, and ctest waits for those until its timeout).
"""
import argparse
import base64
import datetime
import decimal
import http.server
import json
import os
import secrets as random_tokens
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_sigv4  # noqa: E402
from data_api_engines import ApiError, make_engine  # noqa: E402

MAX_REQUEST_BYTES = 4 * 1024 * 1024
MAX_RESPONSE_BYTES = 1024 * 1024
MAX_RECORD_BYTES = 64 * 1024
ABORTED = "Transaction has been aborted due to an error from a previous call"
TRANSACTION_IDLE_SECONDS = 180


def field(value):
    if value is None:
        return {"isNull": True}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"longValue": value}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, decimal.Decimal):
        return {"stringValue": format(value, "f")}  # str() would give 0E-10 for NUMERIC(20,10)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"blobValue": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime.datetime):
        return {"stringValue": value.strftime("%Y-%m-%d %H:%M:%S")}
    if isinstance(value, datetime.date):
        return {"stringValue": value.isoformat()}
    return {"stringValue": str(value)}


def exit_on_stdin_eof():
    """Waits for the end of stdin, then exits at once: a request thread blocked on a database
    lock must not keep the process alive, and the server rolls back the transactions of the
    connections that close with it."""
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mysql-host", default="127.0.0.1")
    parser.add_argument("--mysql-port", type=int)
    parser.add_argument("--mysql-user", default="root")
    parser.add_argument("--mysql-password", default="")
    parser.add_argument("--engine", choices=("mysql", "postgres"), default="mysql")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int)
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--pg-password", default="")
    parser.add_argument("--pg-database", default="postgres")
    parser.add_argument("--resuming", type=int, default=0)
    parser.add_argument("--access-key", default="AKIDBILLFLOWTEST")
    parser.add_argument("--secret-key", default="billflow-test-secret")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--request-log", help="append one JSON line per request")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin reaches end of file (the parent is gone)")
    args = parser.parse_args()
    if (args.mysql_port if args.engine == "mysql" else args.pg_port) is None:
        parser.error(f"--engine {args.engine} needs --{'mysql' if args.engine == 'mysql' else 'pg'}-port")
    engine = make_engine(args)

    lock = threading.Lock()
    state = {"resuming_left": args.resuming, "calls": 0}
    transactions = {}  # id -> [connection, last_used, lock, aborted]

    def take_transaction(transaction_id):
        with lock:
            now = time.time()
            for tid in [t for t, v in transactions.items()
                        if now - v[1] > TRANSACTION_IDLE_SECONDS]:
                stale = transactions.pop(tid)
                try:
                    stale[0].close()
                except Exception:  # noqa: BLE001
                    pass
            entry = transactions.get(transaction_id)
            if entry is None:
                raise ApiError("TransactionNotFoundException",
                               f"Transaction {transaction_id} is not found", 404)
            if entry[3]:
                raise ApiError("TransactionNotFoundException", ABORTED, 404)
            entry[1] = now
            return entry

    def abort(entry):
        """Ends a transaction after a failed call in it, as the service does: later calls on its
        id are refused, and its locks are released now."""
        entry[3] = True
        try:
            entry[0].rollback()
            entry[0].close()
        except engine.error:
            pass

    def run(connection, sql, parameter_sets):
        try:
            return engine.run(connection, sql, parameter_sets)
        except engine.error as error:
            raise ApiError("BadRequestException", engine.describe(error)) from error
        except (KeyError, TypeError, ValueError) as error:
            raise ApiError("BadRequestException", f"parameter error: {error}") from error

    def with_connection(request, statement):
        """Runs statement(connection); a failure inside a transaction aborts it."""
        transaction_id = request.get("transactionId")
        if transaction_id:
            entry = take_transaction(transaction_id)
            with entry[2]:
                if entry[3]:
                    raise ApiError("TransactionNotFoundException", ABORTED, 404)
                try:
                    return statement(entry[0])
                except ApiError:
                    abort(entry)
                    raise
        try:
            connection = engine.connect(request.get("database"), autocommit=True)
        except engine.error as error:
            raise ApiError("BadRequestException", engine.describe(error)) from error
        try:
            return statement(connection)
        finally:
            connection.close()

    def execute(request):
        def statement(connection):
            rows, updated, generated, description = run(
                connection, request["sql"], [request.get("parameters") or []])
            answer = {"numberOfRecordsUpdated": updated,
                      "generatedFields": [{"longValue": generated}] if generated else []}
            if rows is not None:
                answer["records"] = [[field(v) for v in row] for row in rows]
                for record in answer["records"]:
                    if len(json.dumps(record)) > MAX_RECORD_BYTES:
                        raise ApiError("BadRequestException",
                                       "Database returned a row larger than the allowed row size "
                                       "limit of 64 KB")
                if request.get("includeResultMetadata"):
                    answer["columnMetadata"] = [{"name": d[0], "label": d[0]}
                                                for d in description]
            if len(json.dumps(answer)) > MAX_RESPONSE_BYTES:
                raise ApiError("BadRequestException",
                               "Database returned more than the allowed response size limit")
            return answer
        return with_connection(request, statement)

    def batch_execute(request):
        sets = request.get("parameterSets") or [[]]
        with_connection(request, lambda connection: run(
            connection, request["sql"], sets))
        return {"updateResults": [{"generatedFields": []} for _ in sets]}

    def begin(request):
        try:
            connection = engine.connect(request.get("database"), autocommit=False)
        except engine.error as error:
            raise ApiError("BadRequestException", engine.describe(error)) from error
        transaction_id = base64.b64encode(random_tokens.token_bytes(48)).decode("ascii")
        with lock:
            transactions[transaction_id] = [connection, time.time(), threading.Lock(), False]
        return {"transactionId": transaction_id}

    def finish(request, commit):
        transaction_id = request.get("transactionId", "")
        entry = take_transaction(transaction_id)
        with lock:
            transactions.pop(transaction_id, None)
        with entry[2]:
            try:
                if commit:
                    entry[0].commit()
                else:
                    entry[0].rollback()
            except engine.error as error:
                raise ApiError("BadRequestException", engine.describe(error)) from error
            finally:
                entry[0].close()
        return {"transactionStatus": "Transaction Committed" if commit else "Rollback Complete"}

    routes = {"/Execute": execute, "/BatchExecute": batch_execute, "/BeginTransaction": begin,
              "/CommitTransaction": lambda r: finish(r, True),
              "/RollbackTransaction": lambda r: finish(r, False)}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stall

        def log_message(self, *unused):
            pass

        def record_request(self, body, status, document):
            if not args.request_log:
                return
            try:
                sets = len(json.loads(body or b"{}").get("parameterSets") or [])
            except (ValueError, AttributeError):
                sets = 0
            line = json.dumps({"t_ns": time.time_ns(), "op": self.path.split("?")[0],
                               "bytes": len(body), "parameter_sets": sets, "status": status,
                               "records": len(document.get("records") or []),
                               "answer_bytes": len(json.dumps(document))})
            with lock, open(args.request_log, "a", encoding="utf-8") as f:
                f.write(line + "\n")

        def answer(self, status, document, error_type=None):
            body = json.dumps(document).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if error_type:
                self.send_header(
                    "x-amzn-ErrorType",
                    f"{error_type}:http://internal.amazon.com/coral/com.amazon.rdsdataservice/")
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            try:
                problem = aws_sigv4.verify("POST", self.path, self.headers, body, args.access_key,
                                           args.secret_key, args.region, "rds-data")
                if problem:
                    raise ApiError(problem[0], problem[1], 403)
                route = routes.get(self.path.split("?")[0])
                if route is None:
                    raise ApiError("BadRequestException", f"unknown operation {self.path}", 404)
                if length + len(str(self.headers).encode("latin-1")) > MAX_REQUEST_BYTES:
                    raise ApiError("BadRequestException",
                                   "Request content size exceeds the 4 MB limit", 413)
                with lock:
                    state["calls"] += 1
                    resuming = state["resuming_left"] > 0
                    if resuming:
                        state["resuming_left"] -= 1
                if resuming:
                    raise ApiError("DatabaseResumingException",
                                   "The Aurora DB instance db-emulator is resuming after being "
                                   "auto-paused. Please wait a few seconds and try again.")
                try:
                    request = json.loads(body or b"{}")
                except ValueError as error:
                    raise ApiError("BadRequestException", "body is not JSON") from error
                document = route(request)
                self.answer(200, document)
                self.record_request(body, 200, document)
            except ApiError as error:
                document = {"message": error.message}
                self.answer(error.status, document, error.error_type)
                self.record_request(body, error.status, document)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if args.exit_on_stdin_eof:
        threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

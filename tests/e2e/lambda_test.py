"""`billflow lambda` under tools/lambda_runtime_emulator.py: shutdown while idle, and the
scheduled rates fetch against a local HTTPS server serving ECB files (rates_source_test's)."""
import datetime
import json
import sqlite3
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from decimal import Decimal
from pathlib import Path

from rates_source_test import (OPENSSL, HttpsServer, ecb_csv, ecb_xml, history, make_ca, newest, oracle,
                               zipped)

BIN = os.environ.get("BILLFLOW_BIN", "build/billflow")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EMULATOR = os.path.join(REPO, "tools", "lambda_runtime_emulator.py")


class LambdaSignalTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="billflow_lambda_e2e_")
        self.procs = []

    def tearDown(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.tmp)

    def start_emulator(self, *events):
        paths = []
        for i, event in enumerate(events):
            path = os.path.join(self.tmp, f"event{i}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(event, f)
            paths.append(path)
        self.requests = os.path.join(self.tmp, "requests.jsonl")
        emulator = subprocess.Popen(
            ["/usr/bin/python3", EMULATOR, "--out", os.path.join(self.tmp, "out"), "--stay",
             "--log", self.requests, *paths],
            stdout=subprocess.PIPE, text=True)
        self.procs.append(emulator)
        return int(emulator.stdout.readline())

    def next_calls(self):
        if not os.path.exists(self.requests):
            return 0
        with open(self.requests, encoding="utf-8") as f:
            return sum(1 for line in f if json.loads(line)["path"].endswith("/invocation/next"))

    def test_sigterm_while_waiting_in_next_exits_within_one_second(self):
        port = self.start_emulator({"Records": []})
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
               "BILLFLOW_DB": "sqlite:" + os.path.join(self.tmp, "lambda.db"),
               "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDTEST",
               "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"}
        runtime = subprocess.Popen([BIN, "lambda"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        self.procs.append(runtime)
        # The empty event is answered, then the runtime waits in its second /next.
        deadline = time.monotonic() + 30
        while self.next_calls() < 2 and time.monotonic() < deadline:
            if runtime.poll() is not None:
                self.fail(f"billflow lambda exited {runtime.returncode}: "
                          f"{runtime.stderr.read().decode()}")
            time.sleep(0.02)
        self.assertEqual(self.next_calls(), 2)
        time.sleep(0.2)  # well inside the blocked long poll
        asked = time.monotonic()
        runtime.send_signal(signal.SIGTERM)
        try:
            rc = runtime.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.fail("billflow lambda still running 5 s after SIGTERM")
        took = time.monotonic() - asked
        stderr = runtime.stderr.read().decode()
        self.assertEqual(rc, 0, stderr)
        self.assertLess(took, 1.0, stderr)
        self.assertIn('"message":"stop signal while waiting for an invocation; exiting"', stderr)
        with open(os.path.join(self.tmp, "out", "000.response.json"), encoding="utf-8") as f:
            answer = json.load(f)
        self.assertEqual(answer["files"], [])
        self.assertEqual(answer["totals"]["files"], 0)


# The envelopes EventBridge Scheduler (as deploy/terraform/schedule.tf sets its input) and an
# EventBridge rule deliver.
SCHEDULER_EVENT = {"detail-type": "Scheduled Event", "source": "aws.scheduler",
                   "time": "2025-06-23T15:00:00Z",
                   "resources": ["arn:aws:scheduler:eu-central-1:123456789012:schedule/default/billflow-rates-fetch"],
                   "detail": {}}
RULE_EVENT = {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
              "source": "aws.events", "account": "123456789012", "time": "2025-06-24T15:00:00Z",
              "region": "eu-central-1", "resources": ["arn:aws:events:eu-central-1:123456789012:rule/rates"],
              "detail": {}}


@unittest.skipUnless(OPENSSL, "openssl is not installed")
class ScheduledRatesTest(unittest.TestCase):
    QUOTES = history(datetime.date(2025, 1, 2), datetime.date(2025, 6, 20))

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="billflow_lambda_rates_"))
        self.ca, cert, key = make_ca(self.tmp, "test-ca")
        self.server = HttpsServer({
            "/stats/eurofxref/eurofxref-hist.zip": zipped("eurofxref-hist.csv", ecb_csv(self.QUOTES)),
            "/stats/eurofxref/eurofxref-hist-90d.xml": ecb_xml(newest(self.QUOTES, 64)).encode(),
        }, cert, key)
        self.db = self.tmp / "lambda.db"

    def tearDown(self):
        self.server.close()
        shutil.rmtree(self.tmp)

    def run_lambda(self, base_url, *events):
        """Serves `events` to `billflow lambda` and returns (results in order, stdout lines)."""
        paths = []
        for i, event in enumerate(events):
            path = self.tmp / f"event{i}.json"
            path.write_text(json.dumps(event))
            paths.append(str(path))
        out = self.tmp / "out"
        emulator = subprocess.Popen(["/usr/bin/python3", EMULATOR, "--out", str(out), *paths],
                                    stdout=subprocess.PIPE, text=True)
        port = int(emulator.stdout.readline())
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
               "AWS_LAMBDA_FUNCTION_NAME": "billflow-rates-test",
               "BILLFLOW_DB": f"sqlite:{self.db}", "BILLFLOW_LOG_FORMAT": "json",
               "BILLFLOW_ECB_URL": base_url, "SSL_CERT_FILE": str(self.ca),
               "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDTEST",
               "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"}
        runtime = subprocess.Popen([BIN, "lambda"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        try:
            self.assertEqual(emulator.wait(timeout=120), 0)
        finally:
            # Every event has its result: the runtime now waits in /next; SIGTERM ends it there.
            runtime.send_signal(signal.SIGTERM)
            stdout, stderr = runtime.communicate(timeout=30)
            if emulator.poll() is None:
                emulator.kill()
                emulator.wait()
            emulator.stdout.close()
        results = []
        with open(out / "results.jsonl", encoding="utf-8") as f:
            for line in f:
                results.append(json.loads(line))
        return results, stdout.decode().splitlines(), stderr.decode()

    def stored_ecb(self):
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute("SELECT currency, valid_from, rate_to_usd FROM fx_rates WHERE source = 'ecb'").fetchall()
        return {(c, d): Decimal(r) for c, d, r in rows}

    def read_result(self, index):
        out = self.tmp / "out"
        for kind in ("response", "error"):
            path = out / f"{index:03d}.{kind}.json"
            if path.exists():
                return kind, json.loads(path.read_text())
        self.fail(f"no result for event {index}")

    def test_scheduled_events_fetch_the_history_then_the_ninety_day_feed(self):
        base = self.server.url + "/stats/eurofxref/"
        _, stdout, stderr = self.run_lambda(base, SCHEDULER_EVENT, RULE_EVENT)
        expected = oracle(self.QUOTES)
        dates = len(self.QUOTES)
        self.assertEqual(self.read_result(0), ("response", {"rates_fetch": {
            "url": base + "eurofxref-hist.zip", "rates_read": len(expected), "dates_added": dates,
            "rates_added": len(expected), "rates_changed": 0, "gaps": 0, "rejects_settled": 0}}), stderr)
        ninety = oracle(newest(self.QUOTES, 64))
        self.assertEqual(self.read_result(1), ("response", {"rates_fetch": {
            "url": base + "eurofxref-hist-90d.xml", "rates_read": len(ninety), "dates_added": 0,
            "rates_added": 0, "rates_changed": 0, "gaps": 0, "rejects_settled": 0}}), stderr)
        self.assertEqual(self.server.paths, ["/stats/eurofxref/eurofxref-hist.zip",
                                             "/stats/eurofxref/eurofxref-hist-90d.xml"])
        self.assertEqual(self.stored_ecb(), expected)
        lines = [json.loads(line) for line in stdout if line.startswith("{")]
        fetches = [line for line in lines if "rates_fetch" in line]
        self.assertEqual([(f["message"], f["event_source"], f["schedule"]) for f in fetches], [
            (f"scheduled rates fetch stored rates from {base}eurofxref-hist.zip", "aws.scheduler",
             SCHEDULER_EVENT["resources"][0]),
            (f"scheduled rates fetch stored rates from {base}eurofxref-hist-90d.xml", "aws.events",
             RULE_EVENT["resources"][0])])
        emf = [line for line in lines if "_aws" in line]
        self.assertEqual([(e["function"], e["rates_added"], e["rates_fetch_failed"], e["failed_files"]) for e in emf],
                         [("billflow-rates-test", len(expected), 0, 0), ("billflow-rates-test", 0, 0, 0)])
        declared = [m["Name"] for m in emf[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
        self.assertEqual(declared, ["files", "rows_loaded", "rows_rejected", "failed_files", "duration_ms",
                                    "rates_fetch_failed", "rates_added", "rates_changed"])

    def test_failed_fetch_fails_the_invocation_and_stores_no_ecb_rate(self):
        url = self.server.url + "/missing/eurofxref-hist-90d.xml"
        _, stdout, stderr = self.run_lambda(url, SCHEDULER_EVENT)
        self.assertEqual(self.read_result(0), ("error", {
            "errorMessage": f"rates fetch: GET {url}: HTTP 404 (set --ecb-url or BILLFLOW_ECB_URL to another "
                            "feed or mirror)",
            "errorType": "billflow.unavailable", "stackTrace": []}), stderr)
        self.assertEqual(self.stored_ecb(), {})
        emf = [json.loads(line) for line in stdout if '"_aws"' in line]
        self.assertEqual([e["rates_fetch_failed"] for e in emf], [1])


if __name__ == "__main__":
    unittest.main()

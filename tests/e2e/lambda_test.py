"""`billflow lambda` under tools/lambda_runtime_emulator.py: shutdown while idle."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

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


if __name__ == "__main__":
    unittest.main()

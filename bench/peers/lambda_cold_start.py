#!/usr/bin/python3
"""Goal 7: process start → first Lambda Runtime API request, and the boto3 baseline.

  /usr/bin/python3 bench/peers/lambda_cold_start.py --runs N runtime -- CMD [ARG…]
      Serves a minimal Runtime API on 127.0.0.1 (AWS_LAMBDA_RUNTIME_API is set for CMD). For
      each run: a monotonic timestamp is taken right before spawning CMD; the server records
      the arrival of its first GET /2018-06-01/runtime/invocation/next (the request is held
      open, never answered); then CMD is killed. Sample = arrival − spawn.
  /usr/bin/python3 bench/peers/lambda_cold_start.py --runs N process -- CMD [ARG…]
      Sample = spawn → exit of CMD (e.g. python3 -c 'import boto3; boto3.client("s3")').

Prints one JSON line: {"samples_ms": […], "median_ms": …, "min_ms": …, "max_ms": …}.
Exit 1 when a process did not reach /next within 10 s (or exited non-zero in process mode).
"""
import argparse
import http.server
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time

NEXT = "/2018-06-01/runtime/invocation/next"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("mode", choices=["runtime", "process"])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")

    arrivals = queue.Queue()
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *unused):
            pass

        def do_GET(self):
            if self.path.startswith(NEXT):
                arrivals.put(time.monotonic_ns())
                release.wait(15)  # hold the long poll, as Lambda does between invocations
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET

    server = None
    env = dict(os.environ)
    if args.mode == "runtime":
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.handle_error = lambda *unused: None  # a killed runtime resets its held request
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env["AWS_LAMBDA_RUNTIME_API"] = f"127.0.0.1:{server.server_address[1]}"

    samples = []
    for _ in range(args.runs):
        release.clear()
        started = time.monotonic_ns()
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if args.mode == "runtime":
            try:
                arrived = arrivals.get(timeout=10)
            except queue.Empty:
                process.kill()
                print(f"no /next within 10 s: {process.communicate()[1][-500:]!r}", file=sys.stderr)
                return 1
            process.kill()
            release.set()
            process.communicate()
        else:
            _, err = process.communicate()
            arrived = time.monotonic_ns()
            if process.returncode != 0:
                print(f"exit {process.returncode}: {err[-500:]!r}", file=sys.stderr)
                return 1
        samples.append((arrived - started) / 1e6)
    if server:
        server.shutdown()
    print(json.dumps({"samples_ms": [round(s, 2) for s in samples],
                      "median_ms": round(statistics.median(samples), 2),
                      "min_ms": round(min(samples), 2), "max_ms": round(max(samples), 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

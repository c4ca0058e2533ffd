#!/usr/bin/python3
"""Test-only AWS Lambda Runtime API (2018-06-01) that serves queued events.

  /usr/bin/python3 tools/lambda_runtime_emulator.py --out DIR [--timeout-ms 30000]
      [--function-arn ARN] [--log FILE] [--stay] EVENT.json [EVENT.json…]

Each event file is handed out once, in order, by GET /2018-06-01/runtime/invocation/next
with the real headers (request id, epoch-ms deadline, function ARN, X-Ray trace id). POSTs
to …/invocation/{id}/response and …/{id}/error are recorded as DIR/NNN.response.json or
DIR/NNN.error.json (NNN = the event's position) and appended to DIR/results.jsonl;
POST …/runtime/init/error is recorded as DIR/init-error.json and ends the run. Exits 0 once
every event has a result (a /next that arrives after that waits until the process ends).
Prints the port on stdout when ready. --log FILE appends one JSON line per request as it
arrives ({"t_ns": epoch ns, "method", "path"}), e.g. to time a runtime's first /next.
--stay keeps serving after the last result (a later /next blocks, as in an idle Lambda) until
the emulator is killed.
"""
import argparse
import http.server
import json
import os
import secrets
import threading
import time
import uuid

API = "/2018-06-01"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--timeout-ms", type=int, default=30000)
    parser.add_argument("--function-arn",
                        default="arn:aws:lambda:us-east-1:123456789012:function:billflow")
    parser.add_argument("--log", help="append one JSON line per arriving request")
    parser.add_argument("--stay", action="store_true",
                        help="keep serving (and blocking /next) after the last result")
    parser.add_argument("events", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    events = []
    for path in args.events:
        with open(path, "rb") as f:
            events.append(f.read())
    condition = threading.Condition()
    log_lock = threading.Lock()

    def log_request(method, path):
        if not args.log:
            return
        line = json.dumps({"t_ns": time.time_ns(), "method": method, "path": path}) + "\n"
        with log_lock, open(args.log, "a", encoding="utf-8") as f:
            f.write(line)

    state = {"next": 0, "done": 0, "pending": {}, "finished": False}

    def record(index, request_id, kind, body, error_type):
        name = os.path.join(args.out, f"{index:03d}.{kind}.json")
        with open(name, "wb") as f:
            f.write(body)
        with open(os.path.join(args.out, "results.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps({"index": index, "event": args.events[index],
                                "request_id": request_id, "kind": kind,
                                "error_type": error_type,
                                "body": body.decode("utf-8", "replace")}) + "\n")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stall

        def log_message(self, *unused):
            pass

        def reply(self, status, document, headers=None):
            body = json.dumps(document).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            log_request("GET", self.path)
            if self.path != f"{API}/runtime/invocation/next":
                return self.reply(404, {"errorMessage": f"unknown path {self.path}"})
            with condition:
                while state["next"] >= len(events):
                    condition.wait()  # like Lambda: block until there is work
                index = state["next"]
                state["next"] += 1
                request_id = str(uuid.uuid4())
                state["pending"][request_id] = index
            payload = events[index]
            now_ms = int(time.time() * 1000)
            trace = (f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};"
                     f"Parent={secrets.token_hex(8)};Sampled=1")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
            self.send_header("Lambda-Runtime-Deadline-Ms", str(now_ms + args.timeout_ms))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn", args.function_arn)
            self.send_header("Lambda-Runtime-Trace-Id", trace)
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):
            log_request("POST", self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            error_type = self.headers.get("Lambda-Runtime-Function-Error-Type")
            if self.path == f"{API}/runtime/init/error":
                with open(os.path.join(args.out, "init-error.json"), "wb") as f:
                    f.write(body)
                self.reply(202, {"status": "OK"})
                with condition:
                    state["finished"] = True
                    condition.notify_all()
                return
            parts = self.path[len(API):].strip("/").split("/")
            if len(parts) != 4 or parts[:2] != ["runtime", "invocation"] or \
                    parts[3] not in ("response", "error"):
                return self.reply(404, {"errorMessage": f"unknown path {self.path}"})
            request_id, kind = parts[2], parts[3]
            with condition:
                index = state["pending"].pop(request_id, None)
            if index is None:
                return self.reply(400, {"errorMessage": "Invalid request ID",
                                        "errorType": "InvalidRequestID"})
            record(index, request_id, kind, body, error_type)
            self.reply(202, {"status": "OK"})
            with condition:
                state["done"] += 1
                if state["done"] == len(events):
                    state["finished"] = True
                condition.notify_all()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    with condition:
        while not state["finished"] or args.stay:
            condition.wait()
    time.sleep(0.2)  # let the last 202 reach the runtime before the socket closes


if __name__ == "__main__":
    main()

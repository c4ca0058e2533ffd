#!/usr/bin/python3
"""Test-only TCP fault proxy for HTTP/1.1 (keep-alive) clients, e.g. billflow → Data API emulator.

  /usr/bin/python3 tools/tcp_fault_proxy.py --upstream-port P [--upstream-host 127.0.0.1]
      [--fault KIND@OP[~SQL]#N ...] [--stall-seconds S] [--log FILE]

Forwards each HTTP request read from a client connection to the upstream (one upstream
connection per client connection), and the upstream's answer back, unless a fault rule
matches. OP is the request path without its slash (the Data API's BeginTransaction,
Execute, BatchExecute, CommitTransaction, RollbackTransaction) or * for any; N counts the
requests of that OP since the proxy started (1-based): N, a range A-B, or * for every one. With
~SQL, the rule sees only the requests of OP whose JSON body's "sql" contains SQL (a plain,
case-sensitive substring, e.g. Execute~LAST_INSERT_ID#1 or BatchExecute~billing_rejects#1),
and N counts those: a case then aims at a statement, not at a position that moves whenever
another read is added. The first rule that matches a request applies. Kinds:

  rst_request    read the headers and half the body, then reset the connection (RST); the
                 upstream never sees the request
  close_request  the same but a clean close (FIN) mid-request
  rst_response   forward the whole request, wait for the upstream's whole answer, then reset
                 the client connection without a byte of it (the operation happened upstream;
                 the client cannot know: on CommitTransaction, an ambiguous commit)
  cut_response   forward, then send the headers and half the body of the answer and close
  stall_request  hold the request S seconds before forwarding it (then normal)
  stall_response forward, hold the answer S seconds, then deliver it
  stall_close    forward, hold S seconds, then close without answering
  outage         reset this connection (request not forwarded), then reset every connection
                 for S seconds
  outage_after_response  forward, wait for the answer, reset instead of answering, then reset
                 every connection for S seconds (a commit that happened, then the link down)

Prints the listening port on stdout when ready. --log FILE appends one JSON line per request:
{"op", "n", "fault", "forwarded", "status", "sql"} (status: the upstream's HTTP status, or null;
sql: the statement (its first 2,000 characters) when a ~SQL rule made the proxy read the body
before forwarding, else null; n: the count the matching rule used).
"""
import argparse
import json
import socket
import struct
import sys
import threading
import time

KINDS = ("rst_request", "close_request", "rst_response", "cut_response", "stall_request",
         "stall_response", "stall_close", "outage", "outage_after_response")


class Closed(Exception):
    pass


def parse_rule(text):
    """KIND@OP[~SQL]#N -> (kind, op, sql or None, (first, last) or None)."""
    try:
        kind, rest = text.split("@", 1)
        target, n = rest.rsplit("#", 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"fault {text!r}: expected KIND@OP[~SQL]#N") from None
    op, _, sql = target.partition("~")
    if kind not in KINDS:
        raise argparse.ArgumentTypeError(f"fault {text!r}: unknown kind {kind!r}")
    if "~" in target and not sql:
        raise argparse.ArgumentTypeError(f"fault {text!r}: empty SQL after ~")
    if n == "*":
        return kind, op, sql or None, None
    first, _, last = n.partition("-")
    if not first.isdigit() or not (last or first).isdigit():
        raise argparse.ArgumentTypeError(f"fault {text!r}: N must be a number, A-B or *")
    return kind, op, sql or None, (int(first), int(last or first))


def statement_of(body):
    """The "sql" of a Data API request body ("" when it has none or is not JSON)."""
    try:
        sql = json.loads(body).get("sql", "")
    except (ValueError, AttributeError):
        return ""
    return sql if isinstance(sql, str) else ""


def _quietly(action, *args):
    try:
        action(*args)
    except OSError:
        pass


def reset(sock):
    """Closes with RST instead of FIN."""
    _quietly(sock.setsockopt, socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    _quietly(sock.close)


def close(sock):
    _quietly(sock.shutdown, socket.SHUT_RDWR)
    _quietly(sock.close)


class Reader:
    """Buffered reads of HTTP/1.1 messages framed by Content-Length."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise Closed()
        self.buf += chunk

    def head(self):
        """The header block (through CRLFCRLF) and its Content-Length; None at a clean EOF."""
        while b"\r\n\r\n" not in self.buf:
            try:
                self.fill()
            except Closed:
                if not self.buf:
                    return None, 0
                raise
        end = self.buf.index(b"\r\n\r\n") + 4
        head, self.buf = self.buf[:end], self.buf[end:]
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        return head, length

    def body(self, length):
        while len(self.buf) < length:
            self.fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream-host", default="127.0.0.1")
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--fault", type=parse_rule, action="append", default=[])
    parser.add_argument("--stall-seconds", type=float, default=2.0)
    parser.add_argument("--log")
    args = parser.parse_args()

    lock = threading.Lock()
    counts = {}
    state = {"outage_until": 0.0}

    def log(entry):
        if args.log:
            with lock, open(args.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def needs_statement(op):
        return any(sql is not None and rule_op in ("*", op) for _, rule_op, sql, _ in args.fault)

    def choose(op, statement):
        # Counts per OP, and per (OP, SQL) for every ~SQL rule the statement contains.
        with lock:
            counts[op] = counts.get(op, 0) + 1
            seen = {None: counts[op]}
            for sql in {sql for _, rule_op, sql, _ in args.fault
                        if sql is not None and rule_op in ("*", op) and sql in statement}:
                counts[(op, sql)] = counts.get((op, sql), 0) + 1
                seen[sql] = counts[(op, sql)]
        for kind, rule_op, sql, rule_n in args.fault:
            n = seen.get(sql)
            if rule_op in ("*", op) and n is not None and (rule_n is None or rule_n[0] <= n <= rule_n[1]):
                return n, kind
        return seen[None], None

    def in_outage():
        with lock:
            return time.monotonic() < state["outage_until"]

    def serve(client):
        upstream = None
        reader = Reader(client)
        up_reader = None
        try:
            while True:
                head, length = reader.head()
                if head is None:
                    return
                if in_outage():
                    reset(client)
                    return
                request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
                parts = request_line.split(" ")
                path = parts[1] if len(parts) > 1 else "/"
                op = path.split("?", 1)[0].lstrip("/")
                # The body is read before the choice only when a ~SQL rule must see it; else
                # rst_request and close_request cut the request mid-body, as the client sends it.
                body = reader.body(length) if needs_statement(op) else None
                statement = statement_of(body) if body is not None else ""
                n, fault = choose(op, statement)
                entry = {"op": op, "n": n, "fault": fault, "forwarded": False, "status": None,
                         "sql": statement[:2000] if body is not None else None}
                if fault in ("rst_request", "close_request"):
                    if body is None:
                        reader.body(length // 2)
                    log(entry)
                    (reset if fault == "rst_request" else close)(client)
                    return
                if fault == "outage":
                    with lock:
                        state["outage_until"] = time.monotonic() + args.stall_seconds
                    log(entry)
                    reset(client)
                    return
                if body is None:
                    body = reader.body(length)
                if fault == "stall_request":
                    time.sleep(args.stall_seconds)
                if upstream is None:
                    upstream = socket.create_connection((args.upstream_host, args.upstream_port))
                    upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    up_reader = Reader(upstream)
                upstream.sendall(head + body)
                entry["forwarded"] = True
                answer_head, answer_length = up_reader.head()
                if answer_head is None:
                    raise Closed()
                answer_body = up_reader.body(answer_length)
                status_line = answer_head.split(b"\r\n", 1)[0].split(b" ")
                entry["status"] = int(status_line[1]) if len(status_line) > 1 else None
                log(entry)
                if fault in ("rst_response", "outage_after_response"):
                    if fault == "outage_after_response":
                        with lock:
                            state["outage_until"] = time.monotonic() + args.stall_seconds
                    reset(client)
                    return
                if fault == "cut_response":
                    client.sendall(answer_head + answer_body[:len(answer_body) // 2])
                    close(client)
                    return
                if fault in ("stall_response", "stall_close"):
                    time.sleep(args.stall_seconds)
                    if fault == "stall_close":
                        close(client)
                        return
                client.sendall(answer_head + answer_body)
        except (Closed, OSError):
            pass
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    try:
                        sock.close()
                    except OSError:
                        pass

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if in_outage():
            log({"op": None, "n": None, "fault": "outage", "forwarded": False, "status": None})
            reset(client)
            continue
        threading.Thread(target=serve, args=(client,), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
    sys.exit(0)

#!/usr/bin/python3
"""Test-only AWS Secrets Manager: GetSecretValue over x-amz-json-1.1, with SigV4 checked.

  /usr/bin/python3 tools/secrets_emulator.py SECRETS.json [--access-key ID] [--secret-key KEY]
                                              [--region us-east-1]

SECRETS.json maps a secret name to its SecretString (a string, or an object that is stored
as its JSON text). A secret can be asked for by name or by
arn:aws:secretsmanager:REGION:123456789012:secret:NAME (with or without the random suffix).
Prints the port on stdout when ready.
"""
import argparse
import http.server
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_sigv4  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("secrets")
    parser.add_argument("--access-key", default="AKIDBILLFLOWTEST")
    parser.add_argument("--secret-key", default="billflow-test-secret")
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()
    with open(args.secrets, encoding="utf-8") as f:
        raw = json.load(f)
    secrets = {name: value if isinstance(value, str) else json.dumps(value)
               for name, value in raw.items()}
    created = time.time()

    def find(secret_id):
        if secret_id in secrets:
            return secret_id
        if secret_id.startswith("arn:aws:secretsmanager:"):
            name = secret_id.split(":secret:", 1)[-1]
            if name in secrets:
                return name
            base = name.rsplit("-", 1)[0]  # ARNs end in a 6-character random suffix
            if base in secrets:
                return base
        return None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *unused):
            pass

        def answer(self, status, document):
            body = json.dumps(document).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def fail(self, status, error_type, message):
            self.answer(status, {"__type": error_type, "message": message})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            problem = aws_sigv4.verify("POST", self.path, self.headers, body, args.access_key,
                                       args.secret_key, args.region, "secretsmanager")
            if problem:
                return self.fail(400, *problem)
            target = self.headers.get("X-Amz-Target", "")
            if target != "secretsmanager.GetSecretValue":
                return self.fail(400, "UnknownOperationException", f"unsupported: {target}")
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                return self.fail(400, "SerializationException", "body is not JSON")
            name = find(request.get("SecretId", ""))
            if name is None:
                return self.fail(400, "ResourceNotFoundException",
                                 "Secrets Manager can't find the specified secret.")
            self.answer(200, {
                "ARN": f"arn:aws:secretsmanager:{args.region}:123456789012:secret:{name}-AbCdEf",
                "Name": name,
                "VersionId": "00000000-0000-0000-0000-000000000001",
                "SecretString": secrets[name],
                "VersionStages": ["AWSCURRENT"],
                "CreatedDate": created,
            })

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

"""SigV4 verification for the test-only emulators in tools/ (stdlib only).

verify(method, raw_path, headers, body, ...) recomputes the signature of a request the way an
AWS service does (non-S3 rules: the path is URI-encoded once more) and returns None when it
matches, else a short reason. `headers` is an http.server message (case-insensitive get_all).
"""
import hashlib
import hmac
import re
import urllib.parse

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, ?"
    r"SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$")


def _encode(text):
    return urllib.parse.quote(text, safe="-_.~")


def canonical_query(raw_query):
    pairs = []
    for item in raw_query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((_encode(urllib.parse.unquote(name)), _encode(urllib.parse.unquote(value))))
    pairs.sort()
    return "&".join(f"{n}={v}" for n, v in pairs)


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def verify(method, raw_path, headers, body, access_key, secret_key, region, service):
    authorization = headers.get("Authorization")
    if not authorization:
        return "MissingAuthenticationToken", "Request is missing Authentication Token"
    match = _AUTH.match(authorization)
    if not match:
        return "IncompleteSignatureException", "Authorization header is malformed"
    key_id, date, req_region, req_service, signed_headers, signature = match.groups()
    if key_id != access_key:
        return "UnrecognizedClientException", "The security token included in the request is invalid."
    if req_region != region or req_service != service:
        return ("InvalidSignatureException",
                f"Credential should be scoped to a valid region/service ({region}/{service}), "
                f"not '{req_region}/{req_service}'.")
    amz_date = headers.get("X-Amz-Date", "")
    if not amz_date.startswith(date):
        return "IncompleteSignatureException", "X-Amz-Date missing or outside the credential scope"
    path, _, query = raw_path.partition("?")
    canonical_uri = urllib.parse.quote(path or "/", safe="/-_.~")
    lines = []
    for name in signed_headers.split(";"):
        values = headers.get_all(name) or []
        value = ",".join(" ".join(v.split()) for v in values)
        lines.append(f"{name}:{value}\n")
    canonical = "\n".join([method, canonical_uri, canonical_query(query), "".join(lines),
                           signed_headers, hashlib.sha256(body).hexdigest()])
    scope = f"{date}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    key = _hmac(key, "aws4_request")
    expected = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return ("InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method.")
    return None

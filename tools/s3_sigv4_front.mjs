#!/usr/bin/env node
// Test-only S3 server: s3rver behind a front that verifies AWS Signature V4 the way S3 does
// (s3rver itself accepts any signature). Prints its port on stdout when ready.
//
//   node --openssl-legacy-provider tools/s3_sigv4_front.mjs --directory DIR --bucket NAME [--bucket NAME…]
//        [--access-key AKID] [--secret-key SECRET] [--region us-east-1]
//
// Requests whose signature, credential scope or x-amz-content-sha256 do not match get S3's
// XML error (403 SignatureDoesNotMatch / InvalidAccessKeyId, 400 XAmzContentSHA256Mismatch);
// the rest are passed, body and all, to s3rver.callback().
// --openssl-legacy-provider: s3rver 3.7 builds ListObjectsV2 continuation tokens with DES,
// which OpenSSL 3 only offers through its legacy provider (without it, paging answers 500).
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'package.json'));
const S3rver = require('s3rver');

function parseArgs(argv) {
  const options = { buckets: [], accessKey: 'AKIDBILLFLOWTEST', secretKey: 'billflow-test-secret',
                    region: 'us-east-1', directory: null };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === '--directory') options.directory = value;
    else if (name === '--bucket') options.buckets.push(value);
    else if (name === '--access-key') options.accessKey = value;
    else if (name === '--secret-key') options.secretKey = value;
    else if (name === '--region') options.region = value;
    else throw new Error(`unknown option ${name}`);
  }
  if (!options.directory) throw new Error('--directory is required');
  return options;
}

const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

// RFC 3986 encoding with upper-case hex, everything but A-Za-z0-9-._~ encoded.
function uriEncode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) =>
    '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(text) {
  try { return decodeURIComponent(text); } catch { return text; }
}

function canonicalQuery(rawQuery) {
  if (!rawQuery) return '';
  const pairs = rawQuery.split('&').filter((item) => item.length > 0).map((item) => {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? '' : item.slice(eq + 1);
    return [uriEncode(safeDecode(name)), uriEncode(safeDecode(value))];
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

function s3Error(res, status, code, message) {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
    `<Message>${message}</Message></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

// Returns null when the request is correctly signed, else [status, code, message].
function verify(req, body, options) {
  const authorization = req.headers['authorization'];
  if (!authorization) return [403, 'AccessDenied', 'Anonymous access is not allowed'];
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return [400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed'];
  const [, accessKey, date, region, service, signedHeaders, signature] = match;
  if (accessKey !== options.accessKey) {
    return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
  }
  if (region !== options.region || service !== 's3') {
    return [400, 'AuthorizationHeaderMalformed', `the region '${region}' or service '${service}' is wrong; expecting '${options.region}' and 's3'`];
  }
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate || !amzDate.startsWith(date)) {
    return [403, 'AccessDenied', 'X-Amz-Date is missing or does not match the credential scope'];
  }
  const payloadHash = req.headers['x-amz-content-sha256'];
  if (!payloadHash) return [400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256'];
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256Hex(body)) {
    return [400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed."];
  }
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-content-sha256')) {
    return [403, 'AccessDenied', 'host and x-amz-content-sha256 must be signed'];
  }
  const headerBlock = names.map((name) => {
    const value = req.headers[name];
    const text = Array.isArray(value) ? value.join(',') : (value ?? '');
    return `${name}:${String(text).trim().replace(/\s+/g, ' ')}\n`;
  }).join('');
  const question = req.url.indexOf('?');
  const rawPath = question < 0 ? req.url : req.url.slice(0, question);
  const rawQuery = question < 0 ? '' : req.url.slice(question + 1);
  const canonical = [req.method, rawPath || '/', canonicalQuery(rawQuery), headerBlock, signedHeaders,
                     payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key = hmac('AWS4' + options.secretKey, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected !== signature) {
    return [403, 'SignatureDoesNotMatch',
            'The request signature we calculated does not match the signature you provided. Check your key and signing method.'];
  }
  return null;
}

function checkLegacyCipher() {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
  } catch {
    throw new Error('DES is unavailable: start node with --openssl-legacy-provider ' +
                    "(s3rver's ListObjectsV2 continuation tokens need it)");
  }
}

async function main() {
  checkLegacyCipher();
  const options = parseArgs(process.argv.slice(2));
  const s3rver = new S3rver({
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  // s3rver looks the access key up in its own account registry (it skips the v4 signature).
  const AWSAccount = require('s3rver/lib/models/account');
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(options.accessKey, options.secretKey);
  await s3rver.configureBuckets();
  const inner = s3rver.callback();

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const failure = verify(req, body, options);
      if (failure) {
        s3Error(res, ...failure);
        return;
      }
      // s3rver reads the body from the request stream: give it a fresh one.
      const replay = Readable.from(body.length ? [body] : []);
      for (const field of ['method', 'url', 'headers', 'rawHeaders', 'httpVersion',
                           'httpVersionMajor', 'httpVersionMinor', 'trailers', 'rawTrailers']) {
        replay[field] = req[field];
      }
      replay.socket = req.socket;
      replay.connection = req.socket;
      inner(replay, res);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${server.address().port}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`s3_sigv4_front: ${error.stack || error}\n`);
  process.exit(1);
});

// Proves the Terraform checks can fail: each mutation removes or weakens one hardening line in a
// temporary copy of deploy/terraform, runs the checks on it and expects the named check among the
// failures. The unmodified copy must pass. The first mutation also runs check_terraform.mjs as a
// separate process, as ctest does, and expects its exit code 1; the rest call checkTerraform()
// in-process, which is the same code without a second WebAssembly start-up each time.
//
//   node tests/deploy/mutation_test.mjs [DIR]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { checkTerraform } from './check_terraform.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const checker = path.join(here, 'check_terraform.mjs');
const source = path.resolve(process.argv[2] ?? path.join(here, '../../deploy/terraform'));

// file, the exact text to change (must occur once), its replacement, the check expected to fail.
const mutations = [
  { name: 'Data API turned off (enable_http_endpoint deleted)', file: 'rds.tf',
    find: /^\s*enable_http_endpoint\s*=\s*true.*\n/m, replace: '', fails: 'Aurora' },
  { name: 'storage encryption off', file: 'rds.tf',
    find: /storage_encrypted(\s*)= true/, replace: 'storage_encrypted$1= false', fails: 'Aurora' },
  { name: 'a public access block set false', file: 's3.tf',
    find: /restrict_public_buckets = true/, replace: 'restrict_public_buckets = false', fails: 'public access' },
  { name: 'TLS deny condition inverted', file: 's3.tf',
    find: /(variable = "aws:SecureTransport"\s*\n\s*values\s*=\s*)\["false"\]/, replace: '$1["true"]', fails: 'non-TLS' },
  { name: 'versioning suspended', file: 's3.tf',
    find: /status = "Enabled"\n(\s*\}\n\})/, replace: 'status = "Suspended"\n$1', fails: 'versioning' },
  { name: 'notification sent to the dead-letter queue', file: 's3.tf',
    find: /(filter_suffix = "\.csv"\n[\s\S]*?queue_arn\s*=\s*)aws_sqs_queue\.ingest\.arn/, replace: '$1aws_sqs_queue.ingest_dlq.arn',
    fails: 'S3 notification' },
  { name: 'the 6 x timeout precondition removed', file: 'sqs.tf',
    find: /\n\s*lifecycle \{\n\s*precondition \{[\s\S]*?\n  \}\n/, replace: '\n', fails: 'enforced' },
  { name: 'ReportBatchItemFailures removed', file: 'lambda.tf',
    find: /^\s*function_response_types\s*=.*\n/m, replace: '', fails: 'ReportBatchItemFailures' },
  { name: 'redrive policy removed', file: 'sqs.tf',
    find: /\n\s*redrive_policy = jsonencode\(\{[\s\S]*?\}\)\n/, replace: '\n', fails: 'dead-letter' },
  { name: 'function timeout raised past visibility / 6', file: 'variables.tf',
    find: /(variable "lambda_timeout_seconds" \{[\s\S]*?default\s*=\s*)300/, replace: '$1900', fails: 'visibility' },
  { name: 'wildcard action granted', file: 'iam.tf',
    find: /actions\s*=\s*\["s3:GetObject"\]/, replace: 'actions   = ["s3:*"]', fails: 'wildcard' },
  { name: 'secret readable on every resource', file: 'iam.tf',
    find: /resources = \[aws_rds_cluster\.this\.master_user_secret\[0\]\.secret_arn\]/, replace: 'resources = ["*"]',
    fails: 'wildcard' },
  { name: 'an action billflow does not use', file: 'iam.tf',
    find: /"sqs:DeleteMessage",/, replace: '"sqs:DeleteMessage",\n      "sqs:SendMessage",', fails: 'exactly' },
  { name: 'log retention removed', file: 'monitoring.tf',
    find: /^\s*retention_in_days\s*=.*\n/m, replace: '', fails: 'retention' },
  // The rates schedule (schedule.tf).
  { name: 'scheduler may invoke every function', file: 'schedule.tf',
    find: /resources = \[aws_lambda_function\.billflow\.arn\]/, replace: 'resources = ["${aws_lambda_function.billflow.arn}*"]',
    fails: 'lambda:InvokeFunction on the function' },
  { name: 'scheduler granted another action', file: 'schedule.tf',
    find: /actions\s*= \["lambda:InvokeFunction"\]/, replace: 'actions   = ["lambda:InvokeFunction", "lambda:UpdateFunctionCode"]',
    fails: 'lambda:InvokeFunction on the function' },
  { name: 'scheduler role assumable from any account', file: 'schedule.tf',
    find: /\n\s*condition \{\n\s*test\s*= "StringEquals"\n\s*variable = "aws:SourceAccount"[\s\S]*?\n    \}\n/, replace: '\n',
    fails: 'lambda:InvokeFunction on the function' },
  { name: 'scheduler role assumable by Lambda too', file: 'schedule.tf',
    find: /identifiers = \["scheduler\.amazonaws\.com"\]/, replace: 'identifiers = ["scheduler.amazonaws.com", "lambda.amazonaws.com"]',
    fails: 'lambda:InvokeFunction on the function' },
  { name: 'schedule runs every day', file: 'schedule.tf',
    find: /MON-FRI \*\)/, replace: 'MON-SUN *)', fails: 'Rates schedule' },
  { name: 'schedule in UTC, before publication in summer', file: 'schedule.tf',
    find: /^\s*schedule_expression_timezone = "Europe\/Berlin"\n/m, replace: '', fails: 'Rates schedule' },
  { name: 'schedule before the ECB publishes', file: 'schedule.tf',
    find: /cron\(0 17 /, replace: 'cron(0 15 ', fails: 'Rates schedule' },
  { name: 'schedule input no longer a Scheduled Event', file: 'schedule.tf',
    find: /= "Scheduled Event"/, replace: '= "Rates Please"', fails: 'Rates schedule' },
  { name: 'schedule without retries', file: 'schedule.tf',
    find: /maximum_retry_attempts(\s*)= 5/, replace: 'maximum_retry_attempts$1= 0', fails: 'Rates schedule' },
  // Operability (operability_checks.mjs).
  { name: 'provider constraint admits 5.86.0 again', file: 'versions.tf',
    find: /version = "~> 5\.87"/, replace: 'version = "~> 5.81"', fails: 'excludes 5.86.0' },
  { name: 'provider constraint without an upper bound', file: 'versions.tf',
    find: /version = "~> 5\.87"/, replace: 'version = ">= 5.87"', fails: 'excludes 5.86.0' },
  { name: 'automatic minor upgrades on with an exact engine version', file: 'rds.tf',
    find: /auto_minor_version_upgrade = false/, replace: 'auto_minor_version_upgrade = true', fails: 'minor upgrades' },
  { name: 'automatic minor upgrades left at the AWS default', file: 'rds.tf',
    find: /^\s*auto_minor_version_upgrade = false\n/m, replace: '', fails: 'minor upgrades' },
  { name: 'deprecated Aurora MySQL 3.07 admitted', file: 'variables.tf',
    find: /3\\\\\.\(0\[89\]\|/, replace: '3\\\\.(0[7-9]|', fails: '3.08 or later' },
  // The engine choice (engine_checks.mjs).
  { name: 'Aurora PostgreSQL 15.2 admitted (no Data API for Serverless v2)', file: 'variables.tf',
    find: /15\\\\\.\(\[3-9\]\|/, replace: '15\\\\.([2-9]|', fails: 'Aurora PostgreSQL versions with the Data API' },
  { name: 'var.engine admits a third engine', file: 'variables.tf',
    find: /\^aurora-\(mysql\|postgresql\)\$/, replace: '^aurora-(mysql|postgresql|oracle)$', fails: 'var.engine picks' },
  { name: 'BILLFLOW_DB without engine=postgres on PostgreSQL', file: 'main.tf',
    find: /url_engine(\s*)= "&engine=postgres"/, replace: 'url_engine$1= ""', fails: 'var.engine picks' },
  { name: 'BILLFLOW_DB no longer takes the engine parameter', file: 'main.tf',
    find: /database=%s%s",/, replace: 'database=%s",', fails: 'var.engine picks' },
  { name: 'PostgreSQL on the MySQL port', file: 'main.tf',
    find: /port(\s*)= 5432/, replace: 'port$1= 3306', fails: 'var.engine picks' },
  { name: 'cluster port fixed to 3306', file: 'rds.tf',
    find: /port(\s*)= local\.engine\.port/, replace: 'port$1= 3306', fails: 'var.engine picks' },
  { name: 'bastion rule opens the MySQL port whatever the engine', file: 'network.tf',
    find: /to_port(\s*)= local\.engine\.port/, replace: 'to_port$1= 3306', fails: 'var.engine picks' },
  { name: 'MySQL parameter group family for PostgreSQL', file: 'main.tf',
    find: /"aurora-postgresql\$\{split/, replace: '"aurora-mysql${split', fails: 'var.engine picks' },
  { name: 'TLS no longer forced on PostgreSQL', file: 'main.tf',
    find: /tls_value(\s*)= "1"/, replace: 'tls_value$1= "0"', fails: 'var.engine picks' },
  { name: 'engine fixed to aurora-mysql', file: 'rds.tf',
    find: /engine(\s*)= var\.engine/, replace: 'engine$1= "aurora-mysql"', fails: 'var.engine picks' },
  { name: 'KMS alias ARN admitted', file: 'variables.tf',
    find: /can\(regex\("\^arn:aws\[a-z-\]\*:kms:[^"]*"/, replace: 'can(regex("^arn:[a-z-]+:kms:"', fails: 'never an alias' },
  { name: 'subnets no longer checked to be in vpc_id', file: 'network.tf',
    find: /\n\s*precondition \{\n\s*condition\s*= alltrue[\s\S]*?\n    \}\n/, replace: '\n', fails: 'vpc_id' },
  { name: 'one Availability Zone accepted', file: 'network.tf',
    find: /availability_zone\]\)\) >= 2/, replace: 'availability_zone])) >= 1', fails: 'Availability Zones' },
  { name: 'failed_files filter reads another field', file: 'monitoring.tf',
    find: /value\s*= "\$\.failed_files"/, replace: 'value     = "$.files"', fails: 'failed_files' },
  { name: 'failed_files alarm on a metric no filter writes', file: 'monitoring.tf',
    find: /metric_name\s*= "failed_files"/, replace: 'metric_name         = "failedFiles"', fails: 'failed_files' },
  { name: 'alarms no longer notify the stack topic', file: 'main.tf',
    find: /concat\(\[aws_sns_topic\.alarms\.arn\], (.*)\)\n/, replace: '$1\n', fails: 'SNS' },
  { name: 'e-mail subscription always created', file: 'monitoring.tf',
    find: /count = var\.alarm_email == null \? 0 : 1/, replace: 'count = 1', fails: 'SNS' },
  { name: 'final snapshot name fixed again', file: 'rds.tf',
    find: /-final-\$\{terraform_data\.stack_created\.output\}/, replace: '-final', fails: 'final snapshot' },
  { name: 'snapshot suffix recomputed on every plan', file: 'rds.tf',
    find: /\n\s*lifecycle \{\n\s*ignore_changes = \[input\]\n\s*\}\n/, replace: '\n', fails: 'final snapshot' },
];

async function runChecker(dir, inProcess) {
  if (!inProcess) {
    const r = spawnSync(process.execPath, [checker, dir], { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }
  const results = await checkTerraform(dir);
  const out = results.map((x) => (x.ok ? `ok - ${x.name}` : `not ok - ${x.name}: ${x.detail}`)).join('\n');
  return { status: results.every((x) => x.ok) ? 0 : 1, out };
}

function copyOf(tmpRoot, label) {
  const dir = path.join(tmpRoot, label);
  fs.mkdirSync(dir);
  for (const f of fs.readdirSync(source).filter((x) => x.endsWith('.tf'))) {
    fs.copyFileSync(path.join(source, f), path.join(dir, f));
  }
  return dir;
}

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'billflow-tf-mutation-'));
let passed = 0;
let failed = 0;
const report = (ok, line) => {
  console.log(`${ok ? 'ok' : 'not ok'} - ${line}`);
  ok ? passed++ : failed++;
};

try {
  const base = await runChecker(copyOf(tmpRoot, 'unmodified'), false);
  report(base.status === 0, `unmodified configuration passes (exit ${base.status})`);
  if (base.status !== 0) console.log(base.out);

  for (const [i, mut] of mutations.entries()) {
    const dir = copyOf(tmpRoot, `mutation-${i}`);
    const file = path.join(dir, mut.file);
    const text = fs.readFileSync(file, 'utf8');
    const matches = text.match(new RegExp(mut.find.source, mut.find.flags.replace('g', '') + 'g')) ?? [];
    if (matches.length !== 1) {
      // The configuration moved on: the mutation must be updated, or it would prove nothing.
      report(false, `${mut.name}: pattern ${mut.find} matches ${matches.length} times in ${mut.file}, expected 1`);
      continue;
    }
    fs.writeFileSync(file, text.replace(mut.find, mut.replace));
    const r = await runChecker(dir, i > 0);
    const failing = r.out.split('\n').filter((l) => l.startsWith('not ok - '));
    const caught = failing.find((l) => l.includes(mut.fails));
    report(r.status === 1 && Boolean(caught),
      `${mut.name}: checker exits ${r.status}` + (caught ? `, ${caught.slice('not ok - '.length)}`
        : `, but no failing check mentions "${mut.fails}"\n${r.out}`));
  }
} finally {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

// Offline review of deploy/terraform: parses every .tf file with @cdktf/hcl2json (no provider, no
// network) and asserts the hardening points of the deployment, one named check per point, and the
// operability points of operability_checks.mjs and the engine points of engine_checks.mjs.
//
//   node tests/deploy/check_terraform.mjs [DIR]      (DIR defaults to deploy/terraform)
//
// Prints "ok - NAME" / "not ok - NAME: why" per check and a closing "N passed, N failed" line;
// exits 1 when a check fails, 2 when the configuration cannot be read.
// Also importable: checkTerraform(dir) returns [{name, ok, detail}] (used by the mutation test).

import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { engineChecks } from './engine_checks.mjs';
import { operabilityChecks } from './operability_checks.mjs';
import {
  all, asList, auroraEngines, conditionMatches, expect, literal, loadConfig, policyDocument, refersTo,
  single, statements, target, textOf,
} from './terraform_model.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultDir = path.resolve(here, '../../deploy/terraform');

// ---------------------------------------------------------------------------------------------
// The checks. Each throws with a reason when the configuration does not meet the point.

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

// The version constraint itself is checked in operability_checks.mjs.
check('AWS provider: hashicorp/aws with default_tags', (m) => {
  const aws = m.terraform.flatMap((t) => asList(t.required_providers)).map((p) => p.aws).find(Boolean);
  expect(aws, 'terraform.required_providers has no aws entry');
  expect(aws.source === 'hashicorp/aws', `aws provider source is ${aws.source}`);
  expect(asList(m.provider.aws?.default_tags).length === 1, 'provider "aws" has no default_tags block');
});

check('no hard-coded account id or region', (m) => {
  // Descriptions may mention a region as an example; the resources, providers and defaults may not.
  const scanned = JSON.stringify({
    resource: m.resource, data: m.data, provider: m.provider, locals: m.locals,
    defaults: Object.fromEntries(Object.entries(m.variable).map(([k, v]) => [k, v.default ?? null])),
  });
  const account = scanned.match(/(?<![\d.])\d{12}(?![\d.])/);
  expect(!account, `hard-coded account id ${account?.[0]}`);
  const region = scanned.match(/\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b/);
  expect(!region, `hard-coded region ${region?.[0]}`);
});

check('variables have descriptions and types; outputs have descriptions', (m) => {
  for (const [name, v] of Object.entries(m.variable)) {
    expect(typeof v.description === 'string' && v.description.length > 10, `variable ${name} has no description`);
    expect(v.type !== undefined, `variable ${name} has no type`);
  }
  for (const [name, o] of Object.entries(m.output)) {
    expect(typeof o.description === 'string' && o.description.length > 5, `output ${name} has no description`);
  }
  for (const name of ['bucket_name', 'billflow_db_url', 'function_name', 'cluster_arn']) {
    expect(m.output[name], `output ${name} is missing`);
  }
});

check('tunable inputs are validated', (m) => {
  const lambda = single(m, 'aws_lambda_function')[1];
  const cluster = single(m, 'aws_rds_cluster')[1];
  const esm = single(m, 'aws_lambda_event_source_mapping')[1];
  const tunables = {
    architectures: lambda.architectures, memory_size: lambda.memory_size, timeout: lambda.timeout,
    reserved_concurrent_executions: lambda.reserved_concurrent_executions,
    batch_size: esm.batch_size, engine: cluster.engine,
  };
  for (const [name, e] of Object.entries(auroraEngines(m))) tunables[`${name} engine_version`] = e.version && `\${var.${e.versionVar}}`;
  for (const [arg, value] of Object.entries(tunables)) {
    const v = textOf(value).match(/var\.(\w+)/);
    expect(v, `${arg} is not set from a variable`);
    expect(asList(m.variable[v[1]]?.validation).length > 0, `variable ${v[1]} (${arg}) has no validation`);
  }
  const arch = textOf(m.variable[textOf(lambda.architectures).match(/var\.(\w+)/)[1]].validation);
  expect(arch.includes('x86_64') && arch.includes('arm64'), 'architecture validation does not name x86_64 and arm64');
});

// --- S3 ---------------------------------------------------------------------------------------

function billingBucket(m) {
  return single(m, 'aws_s3_bucket')[0];
}

function bucketResource(m, type) {
  const bucket = billingBucket(m);
  const hits = all(m, type).filter(([, r]) => target(m, r.bucket, 'aws_s3_bucket') === bucket);
  expect(hits.length === 1, `expected one ${type} for aws_s3_bucket.${bucket}, found ${hits.length}`);
  return hits[0][1];
}

check('S3: all four public access blocks on', (m) => {
  const pab = bucketResource(m, 'aws_s3_bucket_public_access_block');
  for (const key of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets']) {
    expect(pab[key] === true, `${key} is ${JSON.stringify(pab[key])}, not true`);
  }
});

check('S3: versioning enabled', (m) => {
  const v = bucketResource(m, 'aws_s3_bucket_versioning');
  const status = asList(v.versioning_configuration)[0]?.status;
  expect(status === 'Enabled', `versioning status is ${JSON.stringify(status)}`);
});

check('S3: default encryption', (m) => {
  const sse = bucketResource(m, 'aws_s3_bucket_server_side_encryption_configuration');
  const algos = asList(sse.rule).flatMap((r) => asList(r.apply_server_side_encryption_by_default))
    .map((d) => d.sse_algorithm);
  expect(algos.length > 0 && algos.every((a) => ['AES256', 'aws:kms', 'aws:kms:dsse'].includes(a)),
    `no default encryption algorithm (found ${JSON.stringify(algos)})`);
});

check('S3: bucket policy denies non-TLS requests', (m) => {
  const bucket = billingBucket(m);
  const { doc } = policyDocument(m, bucketResource(m, 'aws_s3_bucket_policy').policy, 'aws_s3_bucket_policy');
  const deny = statements(doc).find((s) => s.effect === 'Deny' &&
    conditionMatches(s, 'Bool', 'aws:SecureTransport', ['false']));
  expect(deny, 'no Deny statement with condition Bool aws:SecureTransport = false');
  expect(asList(deny.actions).some((a) => a === 's3:*' || a === '*'), 'TLS deny does not cover every s3 action');
  expect(asList(deny.principals).some((p) => p.type === '*' || asList(p.identifiers).includes('*')),
    'TLS deny does not apply to every principal');
  const res = asList(deny.resources).map(textOf);
  expect(res.some((r) => refersTo(m, r, 'aws_s3_bucket', bucket, 'arn') && !r.includes('/*')),
    'TLS deny does not cover the bucket itself');
  expect(res.some((r) => refersTo(m, r, 'aws_s3_bucket', bucket, 'arn') && r.endsWith('/*')),
    'TLS deny does not cover the objects (arn/*)');
});

// --- S3 → SQS → Lambda wiring ------------------------------------------------------------------

function ingestQueue(m) {
  const queues = asList(bucketResource(m, 'aws_s3_bucket_notification').queue);
  const names = [...new Set(queues.map((q) => target(m, q.queue_arn, 'aws_sqs_queue')))];
  expect(names.length === 1 && names[0], `notification queue_arn must reference one declared aws_sqs_queue (got ${JSON.stringify(queues.map((q) => q.queue_arn))})`);
  return names[0];
}

check('S3 notification: ObjectCreated *.csv and *.csv.gz to a declared queue', (m) => {
  const queues = asList(bucketResource(m, 'aws_s3_bucket_notification').queue);
  for (const suffix of ['.csv', '.csv.gz']) {
    const q = queues.find((x) => x.filter_suffix === suffix);
    expect(q, `no notification for suffix ${suffix}`);
    expect(asList(q.events).includes('s3:ObjectCreated:*'), `suffix ${suffix} is not sent for s3:ObjectCreated:*`);
    expect(refersTo(m, q.queue_arn, 'aws_sqs_queue', target(m, q.queue_arn, 'aws_sqs_queue') ?? '', 'arn'),
      `suffix ${suffix}: queue_arn ${q.queue_arn} is not the .arn of a declared aws_sqs_queue`);
  }
  ingestQueue(m);
});

check('SQS queue policy admits only the billing bucket', (m) => {
  const queue = ingestQueue(m);
  const bucket = billingBucket(m);
  const policies = all(m, 'aws_sqs_queue_policy').filter(([, p]) => target(m, p.queue_url, 'aws_sqs_queue') === queue);
  expect(policies.length === 1, `expected one aws_sqs_queue_policy for aws_sqs_queue.${queue}, found ${policies.length}`);
  const { doc } = policyDocument(m, policies[0][1].policy, 'aws_sqs_queue_policy');
  const allows = statements(doc).filter((s) => s.effect === 'Allow');
  expect(allows.length > 0, 'queue policy allows nothing');
  for (const s of allows) {
    expect(JSON.stringify(asList(s.actions)) === '["sqs:SendMessage"]', `queue policy allows ${JSON.stringify(s.actions)}, not only sqs:SendMessage`);
    expect(asList(s.principals).some((p) => p.type === 'Service' && asList(p.identifiers).includes('s3.amazonaws.com')),
      'queue policy is not for the s3.amazonaws.com service');
    const src = asList(s.condition).find((c) => c.variable === 'aws:SourceArn' && /^Arn(Equals|Like)$/.test(c.test));
    expect(src && asList(src.values).length === 1 && refersTo(m, asList(src.values)[0], 'aws_s3_bucket', bucket, 'arn'),
      'queue policy is not limited by aws:SourceArn to the billing bucket');
  }
});

check('event source mapping: queue → function with ReportBatchItemFailures', (m) => {
  const queue = ingestQueue(m);
  const [, esm] = single(m, 'aws_lambda_event_source_mapping');
  expect(refersTo(m, esm.event_source_arn, 'aws_sqs_queue', queue, 'arn'),
    `event_source_arn ${esm.event_source_arn} is not aws_sqs_queue.${queue}.arn (the notification's queue)`);
  const fn = target(m, esm.function_name, 'aws_lambda_function');
  expect(fn, `function_name ${esm.function_name} does not reference a declared aws_lambda_function`);
  expect(asList(esm.function_response_types).includes('ReportBatchItemFailures'),
    'function_response_types does not include ReportBatchItemFailures');
  expect(/var\.\w+/.test(textOf(esm.batch_size)), 'batch_size is not a variable');
});

check('SQS: dead-letter queue with redrive and maxReceiveCount', (m) => {
  const queue = ingestQueue(m);
  const q = m.resource.aws_sqs_queue[queue];
  const redrive = textOf(q.redrive_policy);
  expect(q.redrive_policy, `aws_sqs_queue.${queue} has no redrive_policy`);
  const dlq = target(m, redrive, 'aws_sqs_queue');
  expect(dlq && dlq !== queue && /deadLetterTargetArn/.test(redrive) && refersTo(m, redrive, 'aws_sqs_queue', dlq, 'arn'),
    'redrive_policy.deadLetterTargetArn is not the .arn of another declared queue');
  const count = redrive.match(/maxReceiveCount\s*[=:]\s*([^\s,}]+)/);
  expect(count, 'redrive_policy has no maxReceiveCount');
  const n = Number(literal(m, `\${${count[1]}}`) ?? count[1]);
  expect(Number.isFinite(n) && n >= 1, `maxReceiveCount ${count[1]} does not resolve to a number >= 1`);
});

check('SQS: server-side encryption on every queue', (m) => {
  for (const [name, q] of all(m, 'aws_sqs_queue')) {
    expect(q.sqs_managed_sse_enabled === true || q.kms_master_key_id,
      `aws_sqs_queue.${name} has neither sqs_managed_sse_enabled = true nor kms_master_key_id`);
  }
});

check('SQS: visibility timeout >= 6 x function timeout, and enforced', (m) => {
  const q = m.resource.aws_sqs_queue[ingestQueue(m)];
  const [, fn] = single(m, 'aws_lambda_function');
  const visibility = Number(literal(m, q.visibility_timeout_seconds));
  const timeout = Number(literal(m, fn.timeout));
  expect(Number.isFinite(visibility) && Number.isFinite(timeout),
    `cannot resolve visibility_timeout_seconds (${q.visibility_timeout_seconds}) or timeout (${fn.timeout})`);
  expect(visibility >= 6 * timeout, `visibility timeout ${visibility}s < 6 x function timeout ${timeout}s`);
  // The defaults may be changed: something must stop a smaller value at plan time.
  const visVar = textOf(q.visibility_timeout_seconds).match(/var\.(\w+)/)?.[1];
  const toVar = textOf(fn.timeout).match(/var\.(\w+)/)?.[1];
  if (visVar && toVar) {
    const guards = [
      ...asList(q.lifecycle).flatMap((l) => asList(l.precondition)),
      ...Object.values(m.variable).flatMap((v) => asList(v.validation)),
    ].map((g) => textOf(g.condition));
    const re = new RegExp(`var\\.${visVar}\\s*>=\\s*6\\s*\\*\\s*var\\.${toVar}\\b`);
    expect(guards.some((g) => re.test(g)),
      `no precondition or validation enforces var.${visVar} >= 6 * var.${toVar}`);
  }
});

// --- Lambda ----------------------------------------------------------------------------------

check('Lambda: provided.al2023 bootstrap from the package, billflow environment', (m) => {
  const [, fn] = single(m, 'aws_lambda_function');
  expect(fn.runtime === 'provided.al2023', `runtime is ${fn.runtime}`);
  expect(fn.handler === 'bootstrap', `handler is ${fn.handler}`);
  expect(fn.filename, 'filename is not set');
  expect(/filebase64sha256\(/.test(textOf(fn.source_code_hash)), 'source_code_hash is not filebase64sha256(...)');
  expect(textOf(fn.source_code_hash).includes(textOf(fn.filename).replace(/^\$\{|\}$/g, '')),
    'source_code_hash is not computed from filename');
  const env = asList(fn.environment)[0]?.variables ?? {};
  expect(env.BILLFLOW_LOG_FORMAT === 'json', 'BILLFLOW_LOG_FORMAT is not "json"');
  const resolved = textOf(env.BILLFLOW_DB).replace(/local\.(\w+)/g, (_, n) => textOf(m.locals[n]));
  expect(/data-api:\/\/%s\?secret=%s&database=%s|data-api:\/\/\$\{[^}]+\}\?secret=\$\{[^}]+\}&database=/.test(resolved),
    `BILLFLOW_DB is not data-api://<cluster>?secret=<secret>&database=<db>: ${resolved}`);
  const cluster = single(m, 'aws_rds_cluster')[0];
  expect(refersTo(m, env.BILLFLOW_DB, 'aws_rds_cluster', cluster, 'arn'), `BILLFLOW_DB does not use aws_rds_cluster.${cluster}.arn: ${resolved}`);
  expect(/master_user_secret\[0\]\.secret_arn/.test(resolved), 'BILLFLOW_DB does not use master_user_secret[0].secret_arn');
});

// --- Aurora ----------------------------------------------------------------------------------

check('Aurora: Serverless v2 with Data API, encrypted, managed password, private', (m) => {
  const [name, c] = single(m, 'aws_rds_cluster');
  expect(['aurora-mysql', 'aurora-postgresql'].includes(literal(m, c.engine)), `engine is ${c.engine}`);
  expect(c.enable_http_endpoint === true, 'enable_http_endpoint is not true (the Data API is off)');
  expect(c.storage_encrypted === true, 'storage_encrypted is not true');
  expect(c.manage_master_user_password === true, 'manage_master_user_password is not true');
  expect(c.master_password === undefined, 'master_password is set (it would be stored in the state)');
  expect(asList(c.serverlessv2_scaling_configuration).length === 1, 'no serverlessv2_scaling_configuration');
  const version = String(auroraEngines(m)['aurora-mysql']?.version);
  const minor = version.match(/^8\.0\.mysql_aurora\.3\.(\d+)\./);
  expect(minor && Number(minor[1]) >= 8, `engine version ${version} is older than 3.08 (deprecated; no Data API for Serverless v2)`);
  expect(/var\.\w+/.test(textOf(c.deletion_protection)), 'deletion_protection is not a variable');
  expect(target(m, asList(c.vpc_security_group_ids), 'aws_security_group'), 'vpc_security_group_ids does not reference a declared security group');
  expect(target(m, c.db_subnet_group_name, 'aws_db_subnet_group'), 'db_subnet_group_name does not reference a declared subnet group');
  const instances = all(m, 'aws_rds_cluster_instance').filter(([, i]) => target(m, i.cluster_identifier, 'aws_rds_cluster') === name);
  expect(instances.length >= 1, `no aws_rds_cluster_instance in aws_rds_cluster.${name}`);
  for (const [iname, i] of instances) {
    expect(i.instance_class === 'db.serverless', `instance ${iname} class is ${i.instance_class}`);
    expect(i.publicly_accessible === false, `instance ${iname} is not publicly_accessible = false`);
  }
});

// --- IAM -------------------------------------------------------------------------------------

// What billflow calls, and on what: action → the resource reference its statement must hold.
const expectedGrants = {
  's3:GetObject': { type: 'aws_s3_bucket', attr: 'arn', suffix: '/*' },
  's3:ListBucket': { type: 'aws_s3_bucket', attr: 'arn', suffix: '' },
  'sqs:ReceiveMessage': { type: 'aws_sqs_queue', attr: 'arn', suffix: '' },
  'sqs:DeleteMessage': { type: 'aws_sqs_queue', attr: 'arn', suffix: '' },
  'sqs:GetQueueAttributes': { type: 'aws_sqs_queue', attr: 'arn', suffix: '' },
  'rds-data:ExecuteStatement': { type: 'aws_rds_cluster', attr: 'arn', suffix: '' },
  'rds-data:BatchExecuteStatement': { type: 'aws_rds_cluster', attr: 'arn', suffix: '' },
  'rds-data:BeginTransaction': { type: 'aws_rds_cluster', attr: 'arn', suffix: '' },
  'rds-data:CommitTransaction': { type: 'aws_rds_cluster', attr: 'arn', suffix: '' },
  'rds-data:RollbackTransaction': { type: 'aws_rds_cluster', attr: 'arn', suffix: '' },
  'secretsmanager:GetSecretValue': { type: 'aws_rds_cluster', attr: 'master_user_secret', suffix: '' },
  'logs:CreateLogStream': { type: 'aws_cloudwatch_log_group', attr: 'arn', suffix: ':*' },
  'logs:PutLogEvents': { type: 'aws_cloudwatch_log_group', attr: 'arn', suffix: ':*' },
};
const optionalGrants = new Set(['kms:Decrypt']); // only in a dynamic block, for a customer-managed key

check('IAM: no Allow statement with a wildcard action or a bare "*" resource', (m) => {
  for (const [name, doc] of Object.entries(m.data.aws_iam_policy_document ?? {})) {
    for (const s of statements(doc).filter((x) => x.effect === 'Allow')) {
      for (const a of asList(s.actions)) expect(!String(a).includes('*'), `policy document ${name}: action ${a}`);
      expect(s.not_actions === undefined && s.not_resources === undefined, `policy document ${name}: NotAction/NotResource`);
      for (const r of asList(s.resources)) expect(r !== '*', `policy document ${name}: bare "*" resource for ${asList(s.actions)}`);
    }
  }
  // Inline JSON policies and managed-policy attachments escape the check above, so there are none.
  for (const type of ['aws_iam_role_policy', 'aws_iam_policy']) {
    for (const [name, p] of all(m, type)) policyDocument(m, p.policy, `${type}.${name}`);
  }
  for (const type of ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment']) {
    expect(all(m, type).length === 0, `${type} used: attached policies are not checked here`);
  }
  for (const [name, r] of all(m, 'aws_iam_role')) {
    expect(r.managed_policy_arns === undefined, `aws_iam_role.${name} has managed_policy_arns`);
    policyDocument(m, r.assume_role_policy, `aws_iam_role.${name} assume_role_policy`);
  }
});

check('IAM: the function role grants exactly what billflow uses, on this stack only', (m) => {
  const [, fn] = single(m, 'aws_lambda_function');
  const role = target(m, fn.role, 'aws_iam_role');
  expect(role, `function role ${fn.role} is not a declared aws_iam_role`);
  const policies = all(m, 'aws_iam_role_policy').filter(([, p]) => target(m, p.role, 'aws_iam_role') === role);
  expect(policies.length === 1, `expected one aws_iam_role_policy on aws_iam_role.${role}, found ${policies.length}`);
  const { name, doc } = policyDocument(m, policies[0][1].policy, 'aws_iam_role_policy');
  const names = {
    aws_s3_bucket: billingBucket(m), aws_sqs_queue: ingestQueue(m),
    aws_rds_cluster: single(m, 'aws_rds_cluster')[0], aws_cloudwatch_log_group: single(m, 'aws_cloudwatch_log_group')[0],
  };
  const granted = new Set();
  for (const s of statements(doc)) {
    expect(s.effect === 'Allow', `policy document ${name} has a ${s.effect} statement`);
    for (const action of asList(s.actions)) {
      granted.add(action);
      if (optionalGrants.has(action)) {
        expect(s.dynamic, `${action} is granted unconditionally; it is only needed for a customer-managed key`);
        continue;
      }
      const want = expectedGrants[action];
      expect(want, `policy document ${name} grants ${action}, which billflow does not use`);
      for (const r of asList(s.resources)) {
        const text = textOf(r);
        const ok = refersTo(m, text, want.type, names[want.type], want.attr) &&
          (want.suffix === '' ? !/\/\*|:\*/.test(text) : text.endsWith(want.suffix));
        expect(ok, `${action} is granted on ${text}, expected ${want.type}.${names[want.type]}.${want.attr}${want.suffix}`);
      }
    }
  }
  const missing = Object.keys(expectedGrants).filter((a) => !granted.has(a));
  expect(missing.length === 0, `policy document ${name} lacks ${missing.join(', ')}`);
});

// The rates schedule's role: assumed only by EventBridge Scheduler for this account, and allowed
// nothing but invoking this function (not its versions or aliases, not any other function).
check('IAM: the rates scheduler role grants exactly lambda:InvokeFunction on the function', (m) => {
  const [, schedule] = single(m, 'aws_scheduler_schedule');
  const fn = single(m, 'aws_lambda_function')[0];
  const scheduleTarget = asList(schedule.target)[0];
  const role = target(m, scheduleTarget?.role_arn, 'aws_iam_role');
  expect(role, `schedule role_arn ${textOf(scheduleTarget?.role_arn)} is not a declared aws_iam_role`);
  const { name: trustName, doc: trust } = policyDocument(m, m.resource.aws_iam_role[role].assume_role_policy,
    `aws_iam_role.${role} assume_role_policy`);
  const assume = statements(trust);
  expect(assume.length === 1 && asList(assume[0].actions).join() === 'sts:AssumeRole',
    `policy document ${trustName} must have one sts:AssumeRole statement`);
  const principals = asList(assume[0].principals).flatMap((p) => asList(p.identifiers));
  expect(principals.join() === 'scheduler.amazonaws.com',
    `aws_iam_role.${role} is assumable by ${principals.join(', ')}, expected scheduler.amazonaws.com only`);
  const account = asList(assume[0].condition).find((c) => c.test === 'StringEquals' && c.variable === 'aws:SourceAccount');
  expect(account && /data\.aws_caller_identity\.current\.account_id/.test(textOf(account.values)),
    `aws_iam_role.${role} trust has no StringEquals aws:SourceAccount = this account`);
  const policies = all(m, 'aws_iam_role_policy').filter(([, p]) => target(m, p.role, 'aws_iam_role') === role);
  expect(policies.length === 1, `expected one aws_iam_role_policy on aws_iam_role.${role}, found ${policies.length}`);
  const { name, doc } = policyDocument(m, policies[0][1].policy, 'aws_iam_role_policy');
  const grants = statements(doc);
  for (const st of grants) {
    expect(st.effect === 'Allow', `policy document ${name} has a ${st.effect} statement`);
    for (const action of asList(st.actions)) {
      expect(action === 'lambda:InvokeFunction', `policy document ${name} grants ${action}; the scheduler only invokes`);
    }
    for (const r of asList(st.resources).map(textOf)) {
      expect(refersTo(m, r, 'aws_lambda_function', fn, 'arn') && r === `\${aws_lambda_function.${fn}.arn}`,
        `lambda:InvokeFunction is granted on ${r}, expected aws_lambda_function.${fn}.arn exactly`);
    }
  }
  expect(grants.some((st) => asList(st.actions).includes('lambda:InvokeFunction')),
    `policy document ${name} lacks lambda:InvokeFunction`);
});

check('Rates schedule: weekdays in Frankfurt time after the ECB publishes, a Scheduled Event to the function', (m) => {
  const [name, schedule] = single(m, 'aws_scheduler_schedule');
  const fn = single(m, 'aws_lambda_function')[0];
  const where = `aws_scheduler_schedule.${name}`;
  const scheduleTarget = asList(schedule.target)[0];
  const cron = textOf(literal(m, schedule.schedule_expression)).match(/^cron\((\d+) (\d+) \? \* ([A-Z,-]+) \*\)$/);
  expect(cron, `${where} schedule_expression ${textOf(schedule.schedule_expression)} is not cron(M H ? * DAYS *)`);
  expect(cron[3] === 'MON-FRI', `${where} runs on ${cron[3]}, expected MON-FRI (the ECB publishes on weekdays)`);
  // Local Frankfurt time, so the margin after the ~16:00 CET publication survives daylight saving.
  const zone = literal(m, schedule.schedule_expression_timezone);
  expect(['Europe/Berlin', 'Europe/Frankfurt'].includes(zone) || zone === 'CET',
    `${where} schedule_expression_timezone is ${zone}, expected Europe/Berlin (the ECB publishes in Frankfurt time)`);
  const minutes = Number(cron[2]) * 60 + Number(cron[1]);
  expect(minutes >= 16 * 60 + 15 && minutes < 23 * 60,
    `${where} runs at ${cron[2]}:${cron[1].padStart(2, '0')} local time, expected after 16:15 (publication is ~16:00 CET) on the same day`);
  expect(refersTo(m, scheduleTarget?.arn, 'aws_lambda_function', fn, 'arn'),
    `${where} target ${textOf(scheduleTarget?.arn)} is not aws_lambda_function.${fn}.arn`);
  const input = textOf(scheduleTarget?.input);
  expect(/"?detail-type"?\s*=\s*"Scheduled Event"/.test(input) && /source\s*=\s*"aws\.scheduler"/.test(input),
    `${where} target input is not a "Scheduled Event" from aws.scheduler (billflow would not recognise it): ${input}`);
  const retry = asList(scheduleTarget?.retry_policy)[0];
  expect(retry && Number(literal(m, retry.maximum_retry_attempts)) > 0,
    `${where} has no retry_policy with retries: a failed fetch would wait for the next weekday`);
});

// --- Monitoring --------------------------------------------------------------------------------

check('CloudWatch: /aws/lambda/<function> log group with retention', (m) => {
  const [, fn] = single(m, 'aws_lambda_function');
  const [, lg] = single(m, 'aws_cloudwatch_log_group');
  const name = textOf(literal(m, lg.name));
  const fnName = textOf(fn.function_name).replace(/^\$\{|\}$/g, '');
  expect(name.startsWith('/aws/lambda/') && name.includes(fnName),
    `log group name ${name} is not /aws/lambda/<${fnName}>`);
  const days = Number(literal(m, lg.retention_in_days));
  expect(Number.isFinite(days) && days > 0, `log retention ${JSON.stringify(lg.retention_in_days)} is not a positive number of days`);
});

check('CloudWatch alarms: DLQ not empty, function errors', (m) => {
  const queue = ingestQueue(m);
  const redrive = textOf(m.resource.aws_sqs_queue[queue].redrive_policy);
  const dlq = target(m, redrive, 'aws_sqs_queue');
  const fn = single(m, 'aws_lambda_function')[0];
  const alarms = all(m, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
  const above0 = (a) => a.comparison_operator === 'GreaterThanThreshold' && Number(literal(m, a.threshold)) === 0;
  const dlqAlarm = alarms.find((a) => a.namespace === 'AWS/SQS' && a.metric_name === 'ApproximateNumberOfMessagesVisible' &&
    refersTo(m, a.dimensions?.QueueName, 'aws_sqs_queue', dlq ?? '', 'name'));
  expect(dlqAlarm && above0(dlqAlarm), `no alarm on aws_sqs_queue.${dlq} ApproximateNumberOfMessagesVisible > 0`);
  const errAlarm = alarms.find((a) => a.namespace === 'AWS/Lambda' && a.metric_name === 'Errors' &&
    refersTo(m, a.dimensions?.FunctionName, 'aws_lambda_function', fn, 'function_name'));
  expect(errAlarm && above0(errAlarm), `no alarm on aws_lambda_function.${fn} Errors > 0`);
  for (const a of [dlqAlarm, errAlarm]) {
    expect(/var\.alarm_sns_topic_arn/.test(textOf(literal(m, a.alarm_actions))),
      `alarm ${a.alarm_name} actions are not wired to var.alarm_sns_topic_arn`);
  }
});

// ---------------------------------------------------------------------------------------------

export async function checkTerraform(dir = defaultDir) {
  const model = await loadConfig(dir);
  return [...checks, ...operabilityChecks, ...engineChecks].map(({ name, fn }) => {
    try {
      fn(model);
      return { name, ok: true, detail: '' };
    } catch (err) {
      return { name, ok: false, detail: err.message };
    }
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? defaultDir);
  let results;
  try {
    results = await checkTerraform(dir);
  } catch (err) {
    console.error(`check_terraform: ${err.message}`);
    process.exit(2);
  }
  for (const r of results) console.log(r.ok ? `ok - ${r.name}` : `not ok - ${r.name}: ${r.detail}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

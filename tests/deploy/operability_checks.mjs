// Checks of deploy/terraform for what a real apply or a real operator would hit, as opposed to the
// security hardening in check_terraform.mjs: provider versions with known bugs, engine versions
// AWS deprecates or upgrades behind Terraform's back, inputs that pass validation but fail in AWS,
// failures no alarm sees, names that collide across stacks. check_terraform.mjs runs them with the
// others; each is a {name, fn(model)} that throws with the reason when the point is not met.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { constraintAdmits, validationAccepts } from './terraform_expressions.mjs';
import { all, asList, auroraEngines, expect, literal, refersTo, single, target, textOf } from './terraform_model.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// The AWS provider release tests/deploy/terraform_validate_test.sh validates the configuration
// against (the schema of @cdktf/provider-aws 20.1.0).
export const validatedProviderVersion = '5.100.0';

// The file whose EMF line the failed-files alarm reads.
const emfSource = path.resolve(here, '../../src/lambda/lambda_handler.cc');

export const operabilityChecks = [];
const check = (name, fn) => operabilityChecks.push({ name, fn });

check('AWS provider: the version constraint excludes 5.86.0 and admits the validated release', (m) => {
  const aws = m.terraform.flatMap((t) => asList(t.required_providers)).map((p) => p.aws).find(Boolean);
  expect(aws?.version, 'terraform.required_providers.aws has no version constraint');
  const admits = (v) => constraintAdmits(aws.version, v);
  // 5.86.0 breaks the empty lifecycle filter {} (s3.tf); before 5.81 there is no scale-to-zero.
  for (const bad of ['5.86.0', '5.80.0', '99.0.0']) {
    expect(!admits(bad), `aws provider "${aws.version}" admits ${bad}`);
  }
  expect(admits('5.87.0') && admits(validatedProviderVersion),
    `aws provider "${aws.version}" does not admit 5.87.0 and ${validatedProviderVersion} (the release the suite validates against)`);
});

check('Aurora: an exact engine version is never upgraded behind Terraform (no automatic minor upgrades)', (m) => {
  const [name] = single(m, 'aws_rds_cluster');
  // Aurora MySQL 8.0.mysql_aurora.3.MM.P and Aurora PostgreSQL MAJOR.MINOR are exact versions.
  const engines = auroraEngines(m);
  const version = [engines['aurora-mysql']?.version, engines['aurora-postgresql']?.version].map(String).join(' / ');
  const exact = /^8\.0\.mysql_aurora\.\d+\.\d+\.\d+$/.test(String(engines['aurora-mysql']?.version)) ||
    /^\d+\.\d+$/.test(String(engines['aurora-postgresql']?.version));
  const instances = all(m, 'aws_rds_cluster_instance').filter(([, i]) => target(m, i.cluster_identifier, 'aws_rds_cluster') === name);
  for (const [iname, i] of instances) {
    // Absent means true in AWS.
    expect(!exact || i.auto_minor_version_upgrade === false,
      `engine_version ${version} is an exact patch version, but aws_rds_cluster_instance.${iname} has ` +
      `auto_minor_version_upgrade = ${JSON.stringify(i.auto_minor_version_upgrade ?? true)}: after AWS upgrades it, ` +
      'the next plan asks for a downgrade, which Aurora refuses');
  }
});

check('variables: aurora_engine_version admits only Aurora MySQL 3.08 or later', (m) => {
  const engineVar = auroraEngines(m)['aurora-mysql']?.versionVar;
  expect(engineVar, 'engine_version is not set from a variable');
  const accepts = (v) => validationAccepts(m, engineVar, v);
  for (const v of ['8.0.mysql_aurora.3.07.1', '8.0.mysql_aurora.3.05.2', '5.7.mysql_aurora.2.12.0', '8.0.mysql_aurora.3.08']) {
    expect(!accepts(v), `var.${engineVar} accepts ${v} (deprecated, no Data API for Serverless v2, or not exact)`);
  }
  for (const v of ['8.0.mysql_aurora.3.08.0', '8.0.mysql_aurora.3.09.0', '8.0.mysql_aurora.3.10.1', m.variable[engineVar].default]) {
    expect(accepts(v), `var.${engineVar} refuses ${v}`);
  }
});

check('variables: master_user_secret_kms_key_id takes a KMS key ARN, never an alias', (m) => {
  const accepts = (v) => validationAccepts(m, 'master_user_secret_kms_key_id', v);
  for (const v of ['arn:aws:kms:eu-west-1:111122223333:alias/billflow', 'alias/billflow',
    '1234abcd-12ab-34cd-56ef-1234567890ab', 'arn:aws:kms:eu-west-1:111122223333:key/alias']) {
    expect(!accepts(v), `master_user_secret_kms_key_id accepts ${v}: a kms:Decrypt grant on it does not cover the key`);
  }
  for (const v of [null, 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab']) {
    expect(accepts(v), `master_user_secret_kms_key_id refuses ${v}`);
  }
});

check('subnets: read from AWS and required to be in vpc_id and in two Availability Zones', (m) => {
  const [, group] = single(m, 'aws_db_subnet_group');
  const subnetsVar = textOf(group.subnet_ids).match(/^\$\{var\.(\w+)\}$/)?.[1];
  expect(subnetsVar, `aws_db_subnet_group subnet_ids is not a variable: ${textOf(group.subnet_ids)}`);
  const reads = Object.entries(m.data.aws_subnet ?? {}).filter(([, d]) =>
    new RegExp(`var\\.${subnetsVar}\\b`).test(textOf(d.for_each)) && /each\.(value|key)/.test(textOf(d.id)));
  expect(reads.length === 1, `expected one data "aws_subnet" with for_each over var.${subnetsVar} and id = each.value, found ${reads.length}`);
  const ref = `data.aws_subnet.${reads[0][0]}`;
  const guards = asList(group.lifecycle).flatMap((l) => asList(l.precondition)).map((p) => textOf(p.condition));
  expect(guards.some((g) => g.includes(ref) && /\.vpc_id\s*==\s*var\.vpc_id|var\.vpc_id\s*==\s*\w+\.vpc_id/.test(g) && g.includes('alltrue(')),
    `no precondition on aws_db_subnet_group requires every ${ref} to have vpc_id == var.vpc_id`);
  expect(guards.some((g) => g.includes(ref) && /length\(distinct\(\[[^\]]*\.availability_zone\]\)\)\s*>=\s*2/.test(g)),
    `no precondition on aws_db_subnet_group requires the ${ref} availability zones to number at least 2`);
});

check('CloudWatch: an alarm on the failed_files field of billflow\'s EMF line', (m) => {
  const logGroup = single(m, 'aws_cloudwatch_log_group')[0];
  const emf = fs.readFileSync(emfSource, 'utf8');
  expect(/\{"failed_files",/.test(emf), `${emfSource} no longer writes failed_files into its EMF line`);
  const filters = all(m, 'aws_cloudwatch_log_metric_filter').filter(([, f]) =>
    refersTo(m, f.log_group_name, 'aws_cloudwatch_log_group', logGroup, 'name'));
  const filter = filters.map(([, f]) => f).find((f) => /\$\.failed_files\b/.test(textOf(f.pattern)) &&
    asList(f.metric_transformation).some((t) => t.value === '$.failed_files'));
  expect(filter, `no aws_cloudwatch_log_metric_filter on aws_cloudwatch_log_group.${logGroup} turns $.failed_files into a metric`);
  const metric = asList(filter.metric_transformation)[0];
  const alarm = all(m, 'aws_cloudwatch_metric_alarm').map(([, a]) => a)
    .find((a) => a.namespace === metric.namespace && a.metric_name === metric.name);
  expect(alarm, `no aws_cloudwatch_metric_alarm on ${metric.namespace} ${metric.name}`);
  expect(alarm.statistic === 'Sum' && alarm.comparison_operator === 'GreaterThanThreshold' && Number(literal(m, alarm.threshold)) === 0,
    `alarm ${alarm.alarm_name} is not Sum > 0`);
  expect(alarm.treat_missing_data === 'notBreaching', `alarm ${alarm.alarm_name}: treat_missing_data is not notBreaching`);
});

check('SNS: every alarm notifies the stack\'s topic, with an optional e-mail subscription', (m) => {
  const [topic] = single(m, 'aws_sns_topic');
  const subs = all(m, 'aws_sns_topic_subscription').map(([, s]) => s)
    .filter((s) => refersTo(m, s.topic_arn, 'aws_sns_topic', topic, 'arn') && s.protocol === 'email');
  expect(subs.length === 1, `expected one e-mail aws_sns_topic_subscription on aws_sns_topic.${topic}, found ${subs.length}`);
  const emailVar = textOf(subs[0].endpoint).match(/^\$\{var\.(\w+)\}$/)?.[1];
  expect(emailVar && m.variable[emailVar]?.default === null, 'the e-mail endpoint is not a variable defaulting to null');
  expect(new RegExp(`var\\.${emailVar}\\s*==\\s*null\\s*\\?\\s*0\\s*:\\s*1`).test(textOf(subs[0].count)),
    `the subscription is not optional (count = var.${emailVar} == null ? 0 : 1)`);
  for (const [name, a] of all(m, 'aws_cloudwatch_metric_alarm')) {
    for (const key of ['alarm_actions', 'ok_actions']) {
      expect(refersTo(m, a[key], 'aws_sns_topic', topic, 'arn'), `aws_cloudwatch_metric_alarm.${name} ${key} do not include aws_sns_topic.${topic}.arn`);
    }
  }
});

check('Aurora: the final snapshot name is unique per stack', (m) => {
  const [, cluster] = single(m, 'aws_rds_cluster');
  const id = textOf(cluster.final_snapshot_identifier);
  const ref = id.match(/terraform_data\.(\w+)\.output/)?.[1];
  const random = /\b(random_(id|string|pet|uuid)|time_static)\.\w+\./.test(id);
  expect(ref || random, `final_snapshot_identifier ${id} has no part unique to this stack (terraform_data, random_*, time_static)`);
  if (random) return;
  const data = m.resource.terraform_data?.[ref];
  expect(data, `terraform_data.${ref} is not declared`);
  expect(/\b(timestamp|uuid)\(\)/.test(textOf(data.input)), `terraform_data.${ref} input is not from timestamp() or uuid()`);
  expect(asList(data.lifecycle).some((l) => textOf(l.ignore_changes).includes('input')),
    `terraform_data.${ref} does not ignore_changes = [input]: the name would change on every plan`);
});

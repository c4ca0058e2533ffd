// Checks of var.engine in deploy/terraform (Aurora MySQL or Aurora PostgreSQL): each engine gets
// a Data-API-capable version, its own parameter group family, port and TLS parameter, and the
// engine parameter billflow's data-api:// URL needs. check_terraform.mjs runs them with the others.

import { validationAccepts } from './terraform_expressions.mjs';
import { all, asList, auroraEngines, expect, literal, refersTo, single, target, textOf } from './terraform_model.mjs';

export const engineChecks = [];
const check = (name, fn) => engineChecks.push({ name, fn });

// What each engine must come out as. The PostgreSQL family follows the major of its version.
const expected = {
  'aurora-mysql': { family: () => 'aurora-mysql8.0', port: 3306, tls: ['require_secure_transport', 'ON'], url_engine: '' },
  'aurora-postgresql': {
    family: (e) => `aurora-postgresql\${split(".", var.${e.versionVar})[0]}`,
    port: 5432, tls: ['rds.force_ssl', '1'], url_engine: '&engine=postgres',
  },
};

check('Aurora: var.engine picks the engine, parameter group family, port, TLS parameter and BILLFLOW_DB engine', (m) => {
  const [cname, c] = single(m, 'aws_rds_cluster');
  expect(textOf(c.engine) === '${var.engine}', `engine is ${textOf(c.engine)}, not var.engine`);
  expect(m.variable.engine?.default === 'aurora-mysql', 'var.engine does not default to aurora-mysql');
  for (const v of ['aurora-mysql', 'aurora-postgresql']) expect(validationAccepts(m, 'engine', v), `var.engine refuses ${v}`);
  // Anything else would fail the local.engines[var.engine] lookup at plan time, not in validation.
  for (const v of ['aurora', 'mysql', 'postgres', 'aurora-postgres', 'aurora-postgresql-x', 'aurora-oracle', 'aurora-mysql5.7']) {
    expect(!validationAccepts(m, 'engine', v), `var.engine accepts ${v}, which local.engines does not know`);
  }
  expect(textOf(m.locals.engine) === '${local.engines[var.engine]}', 'local.engine is not local.engines[var.engine]');
  const engines = auroraEngines(m);
  expect(JSON.stringify(Object.keys(engines).sort()) === JSON.stringify(Object.keys(expected)),
    `local.engines has ${Object.keys(engines).join(', ')}`);
  for (const [name, want] of Object.entries(expected)) {
    const e = engines[name];
    expect(e.versionVar, `local.engines.${name}.version is not a variable`);
    expect(e.family === want.family(e), `local.engines.${name}.family is ${e.family}, not ${want.family(e)}`);
    expect(e.port === want.port, `local.engines.${name}.port is ${e.port}, not ${want.port}`);
    expect(e.tls_parameter === want.tls[0] && e.tls_value === want.tls[1],
      `local.engines.${name} requires TLS with ${e.tls_parameter} = ${e.tls_value}, not ${want.tls.join(' = ')}`);
    expect(e.url_engine === want.url_engine, `local.engines.${name}.url_engine is "${e.url_engine}", not "${want.url_engine}"`);
  }
  expect(textOf(c.engine_version) === '${local.engine.version}', 'engine_version is not local.engine.version');
  expect(textOf(c.port) === '${local.engine.port}', `port is ${textOf(c.port)}, not local.engine.port`);
  const [gname, group] = single(m, 'aws_rds_cluster_parameter_group');
  expect(refersTo(m, c.db_cluster_parameter_group_name, 'aws_rds_cluster_parameter_group', gname, 'name'),
    `aws_rds_cluster.${cname} does not use aws_rds_cluster_parameter_group.${gname}`);
  expect(textOf(group.family) === '${local.engine.family}', `parameter group family is ${textOf(group.family)}`);
  const tls = asList(group.parameter);
  expect(tls.length === 1 && textOf(tls[0].name) === '${local.engine.tls_parameter}' &&
    textOf(tls[0].value) === '${local.engine.tls_value}', 'the parameter group does not set local.engine\'s TLS parameter');
  for (const [rname, r] of all(m, 'aws_vpc_security_group_ingress_rule')) {
    if (!target(m, r.security_group_id, 'aws_security_group')) continue;
    expect(textOf(r.from_port) === '${local.engine.port}' && textOf(r.to_port) === '${local.engine.port}',
      `aws_vpc_security_group_ingress_rule.${rname} opens ${textOf(r.from_port)}-${textOf(r.to_port)}, not local.engine.port`);
  }
  const url = textOf(literal(m, m.locals.billflow_db_url));
  expect(/%s%s"/.test(url) && /local\.engine\.url_engine/.test(url), `BILLFLOW_DB does not end with local.engine.url_engine: ${url}`);
});

check('variables: aurora_postgresql_engine_version admits only Aurora PostgreSQL versions with the Data API', (m) => {
  const name = auroraEngines(m)['aurora-postgresql']?.versionVar;
  expect(name, 'no Aurora PostgreSQL version variable');
  const accepts = (v) => validationAccepts(m, name, v);
  // The Data API serves Serverless v2 from 13.11, 14.8, 15.3 and 16.1 on.
  for (const v of ['13.10', '14.7', '15.2', '16.0', '12.16', '16', '16.4.1', '11.21', 'aurora-16.4']) {
    expect(!accepts(v), `var.${name} accepts ${v} (no Data API for Serverless v2, or not MAJOR.MINOR)`);
  }
  for (const v of ['13.11', '13.20', '14.8', '14.12', '15.3', '15.10', '16.1', '16.4', m.variable[name].default]) {
    expect(accepts(v), `var.${name} refuses ${v}`);
  }
});

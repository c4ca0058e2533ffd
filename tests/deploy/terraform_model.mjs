// The parsed form of a Terraform directory for tests/deploy/check_terraform.mjs: every .tf file
// read with @cdktf/hcl2json (offline, no provider), merged into one model, and the helpers that
// follow references through it. hcl2json leaves expressions as "${…}" text; these helpers read
// resource references, var.X defaults and local.X definitions out of that text.

import fs from 'node:fs';
import path from 'node:path';

let hcl2json;
try {
  hcl2json = await import('@cdktf/hcl2json');
} catch (err) {
  console.error('check_terraform: @cdktf/hcl2json is not installed; run `npm install` in tests/ ' +
                '(scripts/setup.sh does it): ' + err.message);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Loading: hcl2json turns each file into {resource: {type: {name: [body]}}, variable: …}. All files
// are merged into one model; a block declared twice is an error, as it is for Terraform.

export async function loadConfig(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  if (files.length === 0) throw new Error(`no .tf files in ${dir}`);
  const model = { files, resource: {}, data: {}, variable: {}, output: {}, locals: {},
                  provider: {}, terraform: [] };
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    let parsed;
    try {
      parsed = await hcl2json.parse(file, text);
    } catch (err) {
      throw new Error(`${file}: does not parse: ${err.message ?? err}`);
    }
    for (const kind of ['resource', 'data']) {
      for (const [type, byName] of Object.entries(parsed[kind] ?? {})) {
        model[kind][type] ??= {};
        for (const [name, bodies] of Object.entries(byName)) {
          if (model[kind][type][name]) throw new Error(`${file}: ${kind} ${type}.${name} declared twice`);
          model[kind][type][name] = { ...bodies[0], __file: file };
        }
      }
    }
    for (const kind of ['variable', 'output', 'provider']) {
      for (const [name, bodies] of Object.entries(parsed[kind] ?? {})) {
        if (model[kind][name]) throw new Error(`${file}: ${kind} ${name} declared twice`);
        model[kind][name] = { ...bodies[0], __file: file };
      }
    }
    for (const block of parsed.locals ?? []) {
      for (const [name, value] of Object.entries(block)) {
        if (name in model.locals) throw new Error(`${file}: local.${name} declared twice`);
        model.locals[name] = value;
      }
    }
    model.terraform.push(...(parsed.terraform ?? []));
  }
  return model;
}

// ---------------------------------------------------------------------------------------------
// Expression helpers. hcl2json keeps expressions as "${…}" text; these read references out of it.

export const asList = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
export const textOf = (v) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

// "aws_sqs_queue.ingest.arn" style references (resources), "data.T.N" (data sources).
export function resourceRefs(value) {
  const refs = [];
  const re = /(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_]\w*))?/g;
  for (const m of textOf(value).matchAll(re)) {
    refs.push({ data: Boolean(m[1]), type: m[2], name: m[3], attr: m[4] ?? null });
  }
  return refs;
}

// Like resourceRefs, but follows local.X into the locals' own expressions.
export function deepRefs(model, value, seen = new Set()) {
  const refs = resourceRefs(value);
  for (const m of textOf(value).matchAll(/(?<![\w.])local\.(\w+)/g)) {
    if (seen.has(m[1]) || !(m[1] in model.locals)) continue;
    seen.add(m[1]);
    refs.push(...deepRefs(model, model.locals[m[1]], seen));
  }
  return refs;
}

export function refersTo(model, value, type, name, attr) {
  return deepRefs(model, value).some(
    (r) => !r.data && r.type === type && r.name === name && (attr === undefined || r.attr === attr));
}

// The one declared resource a value points at, e.g. a bucket argument → the aws_s3_bucket.
export function target(model, value, type) {
  const hits = deepRefs(model, value).filter((r) => !r.data && r.type === type);
  const names = [...new Set(hits.map((r) => r.name))];
  if (names.length !== 1) return null;
  return model.resource[type]?.[names[0]] ? names[0] : null;
}

// Literal value of an argument: a literal, or var.X's default, or local.X followed.
export function literal(model, value, depth = 0) {
  if (typeof value !== 'string' || depth > 5) return value;
  const m = value.match(/^\$\{\s*(var|local)\.(\w+)\s*\}$/);
  if (!m) return value;
  if (m[1] === 'var') return model.variable[m[2]]?.default;
  return literal(model, model.locals[m[2]], depth + 1);
}

export const all = (model, type) => Object.entries(model.resource[type] ?? {});

// Every statement of an aws_iam_policy_document, including dynamic "statement" blocks.
export function statements(doc) {
  const out = asList(doc.statement).map((s) => ({ ...s, dynamic: false }));
  for (const dyn of asList(doc.dynamic?.statement)) {
    for (const content of asList(dyn.content)) out.push({ ...content, dynamic: true });
  }
  return out.map((s) => ({ ...s, effect: s.effect ?? 'Allow' }));
}

// The policy document a "policy = data.aws_iam_policy_document.X.json" argument points at.
export function policyDocument(model, policyValue, where) {
  const ref = resourceRefs(policyValue).find((r) => r.data && r.type === 'aws_iam_policy_document');
  const doc = ref && model.data.aws_iam_policy_document?.[ref.name];
  if (!doc) {
    throw new Error(`${where}: policy must be a data.aws_iam_policy_document (inline JSON cannot be checked)`);
  }
  return { name: ref.name, doc };
}

export function conditionMatches(stmt, test, variable, values) {
  return asList(stmt.condition).some((c) => c.test === test && c.variable === variable &&
    JSON.stringify(asList(c.values)) === JSON.stringify(values));
}

// Throws with MESSAGE unless CONDITION holds: how a check reports what is wrong.
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

export function single(model, type) {
  const list = all(model, type);
  expect(list.length === 1, `expected exactly one ${type}, found ${list.length}`);
  return list[0];
}

// The Aurora engines var.engine chooses between (local.engines, main.tf), by engine name: each
// with its literal settings, `versionVar` (the variable its engine version comes from) and
// `version` (that variable's default).
export function auroraEngines(model) {
  const engines = model.locals.engines;
  expect(engines && typeof engines === 'object', 'local.engines (what var.engine chooses) is not declared');
  return Object.fromEntries(Object.entries(engines).map(([name, e]) => {
    const versionVar = String(e.version).match(/^\$\{\s*var\.(\w+)\s*\}$/)?.[1];
    return [name, { ...e, versionVar, version: versionVar ? model.variable[versionVar]?.default : e.version }];
  }));
}

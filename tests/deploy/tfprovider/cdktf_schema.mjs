// The AWS provider's schema, rebuilt from @cdktf/provider-aws: the package is generated from the
// provider's own schema, and the TypeScript each lib/<type>/index.js carries in its source map
// keeps, per attribute, "// name - computed: X, optional: Y, required: Z", its getter (its type)
// and, for arguments, synthesizeHclAttributes() entries saying block or attribute, list/set/struct.
//
// buildSchema(packageDir) returns {version, provider, resources, dataSources}, each schema in
// the shape of `terraform providers schema -json` ({block: {attributes, block_types}}), with
// attribute types as cty type JSON ("string", ["list","string"], ["object",{…}]). What the package
// does not say is not invented: descriptions and sensitivity are absent, and a single nested block
// is a list of at most one (as SDKv2 declares it). Against `terraform providers schema -json` of
// the real 5.100.0 the resource and data source types match one for one; the differences left
// are in types no billflow file uses (SDKv2 attributes written as blocks, blocks of at least two,
// nesting deeper than the bindings go).

import fs from 'node:fs';
import path from 'node:path';

const flagsRe = /\/\/ (\w+) - computed: (true|false), optional: (true|false), required: (true|false)\n([^\n]*)\n([^\n]*)\n([^\n]*)/g;
const synthRe = /(\w+): \{\n\s*value: ([^\n]*),\n\s*isBlock: (true|false),\n\s*type: "(\w+)",\n\s*storageClassType: "(\w+)",\n\s*\}/g;

function typeScriptOf(file) {
  const js = fs.readFileSync(file, 'utf8');
  const m = js.match(/sourceMappingURL=data:application\/json;base64,(\S+)/);
  if (!m) throw new Error(`${file}: no embedded source map`);
  return JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')).sourcesContent[0];
}

// Text of each class and each *ToHclTerraform function, by name.
function sections(ts) {
  const classes = new Map();
  const functions = new Map();
  const starts = [...ts.matchAll(/^export (class|function) (\w+)/gm)];
  starts.forEach((s, i) => {
    const text = ts.slice(s.index, starts[i + 1]?.index ?? ts.length);
    (s[1] === 'class' ? classes : functions).set(s[2], text);
  });
  return { classes, functions };
}

const simpleTypes = {
  string: 'string', number: 'number', boolean: 'bool', stringList: ['list', 'string'],
  numberList: ['list', 'number'], booleanList: ['list', 'bool'], stringMap: ['map', 'string'],
  numberMap: ['map', 'number'], booleanMap: ['map', 'bool'], anyMap: ['map', 'dynamic'],
};

// The cty type of a member from the lines after its flags comment (its field and getter).
function getterType(lines, ctx) {
  const text = lines.join('\n');
  let m = text.match(/new (\w+?)(List|Map|OutputReference)\(this, "\w+"(?:, (true|false))?\)/);
  if (m && !m[1].startsWith('cdktf.')) {
    const object = ['object', objectType(ctx, m[1])];
    if (m[2] === 'Map') return ['map', object];
    return [m[3] === 'true' ? 'set' : 'list', object];
  }
  m = text.match(/new cdktf\.(String|Number|Boolean|Any)Map(List)?\(this, "\w+"(?:, (true|false))?\)/);
  if (m) {
    const map = ['map', { String: 'string', Number: 'number', Boolean: 'bool', Any: 'dynamic' }[m[1]]];
    return m[2] ? [m[3] === 'true' ? 'set' : 'list', map] : map;
  }
  const asSet = /Fn\.tolist\(/.test(text);
  const getters = [
    [/getStringAttribute\(/, 'string'], [/getNumberAttribute\(/, 'number'], [/getBooleanAttribute\(/, 'bool'],
    [/getNumberListAttribute\(/, [asSet ? 'set' : 'list', 'number']], [/getListAttribute\(/, [asSet ? 'set' : 'list', 'string']],
    [/getStringMapAttribute\(/, ['map', 'string']], [/getNumberMapAttribute\(/, ['map', 'number']],
    [/getBooleanMapAttribute\(/, ['map', 'bool']], [/getAnyMapAttribute\(/, ['map', 'dynamic']],
  ];
  for (const [re, type] of getters) if (re.test(text)) return type;
  return 'dynamic';
}

function flagsOf(classText) {
  const out = new Map();
  for (const m of classText?.matchAll(flagsRe) ?? []) {
    out.set(m[1], { computed: m[2] === 'true', optional: m[3] === 'true', required: m[4] === 'true', lines: m.slice(5) });
  }
  return out;
}

// The object type of computed-only struct NAME: every member of its OutputReference class.
function objectType(ctx, name) {
  const attrs = {};
  for (const [attr, f] of flagsOf(ctx.classes.get(`${name}OutputReference`))) attrs[attr] = getterType(f.lines, ctx);
  return attrs;
}

// A block's schema: arguments from its synthesizeHclAttributes() entries, flags and computed-only
// members from the class that holds its getters.
function blockOf(ctx, synthText, classText) {
  const flags = flagsOf(classText);
  const block = { attributes: {}, block_types: {} };
  const seen = new Set();
  for (const m of synthText?.matchAll(synthRe) ?? []) {
    const [, name, value, isBlock, kind, storage] = m;
    seen.add(name);
    const f = flags.get(name) ?? { computed: false, optional: true, required: false, lines: [] };
    if (isBlock === 'true') {
      const fn = value.match(/(\w+)ToHclTerraform/)?.[1];
      const struct = ctx.structOfFunction.get(fn);
      const nested = blockOf(ctx, ctx.functions.get(`${fn}ToHclTerraform`), ctx.classes.get(`${struct}OutputReference`));
      const nesting = kind === 'set' ? 'set' : kind === 'map' ? 'map' : 'list';
      const bt = { nesting_mode: nesting, block: nested };
      if (f.required && nesting !== 'map') bt.min_items = 1; // Terraform allows no bounds on map blocks
      if (kind === 'struct') bt.max_items = 1;
      block.block_types[name] = bt;
      continue;
    }
    let type = simpleTypes[storage] ?? getterType(f.lines, ctx);
    if (kind === 'set' && Array.isArray(type) && type[0] === 'list') type = ['set', type[1]];
    block.attributes[name] = attribute(type, f);
  }
  for (const [name, f] of flags) {
    if (seen.has(name)) continue;
    block.attributes[name] = attribute(getterType(f.lines, ctx), f);
  }
  return block;
}

function attribute(type, f) {
  const a = { type };
  if (f.required) a.required = true;
  else {
    if (f.optional) a.optional = true;
    if (f.computed || !f.optional) a.computed = true;
  }
  return a;
}

function schemaOfFile(file) {
  const ts = typeScriptOf(file);
  const { classes, functions } = sections(ts);
  const structOfFunction = new Map();
  for (const [fn, text] of functions) {
    const m = fn.match(/^(\w+)ToHclTerraform$/) && text.match(/\(struct\?: (\w+)/);
    // A single nested block's function takes "FooOutputReference | Foo".
    if (m) structOfFunction.set(fn.replace(/ToHclTerraform$/, ''), m[1].replace(/OutputReference$/, ''));
  }
  const ctx = { classes, functions, structOfFunction };
  const out = [];
  for (const [name, text] of classes) {
    const kind = text.match(/extends cdktf\.(TerraformResource|TerraformDataSource|TerraformProvider)\b/)?.[1];
    if (!kind) continue;
    const tfType = ts.match(new RegExp(`${name}\\.tfResourceType = "(\\w+)"|static readonly tfResourceType = "(\\w+)"`));
    const synth = text.slice(text.indexOf('synthesizeHclAttributes'));
    const block = blockOf(ctx, synth, text);
    if (kind === 'TerraformProvider') delete block.attributes.alias;
    out.push({ kind, type: tfType?.[1] ?? tfType?.[2], schema: { version: 0, block } });
  }
  return out;
}

const holdsDynamic = (block) =>
  Object.values(block.attributes).some((a) => JSON.stringify(a.type).includes('"dynamic"')) ||
  Object.values(block.block_types).some((b) => holdsDynamic(b.block));

// Terraform refuses a set block holding an attribute of unknown type ("dynamic": where the
// package's bindings stop at a depth limit, e.g. aws_wafv2_rule_group's rule.statement); such a
// block is served as a list block, which the same configuration text fills.
function listWhereSetHoldsDynamic(block) {
  for (const b of Object.values(block.block_types)) {
    if (b.nesting_mode === 'set' && holdsDynamic(b.block)) b.nesting_mode = 'list';
    listWhereSetHoldsDynamic(b.block);
  }
}

export function buildSchema(packageDir) {
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  const providerVersion = readme.match(/hashicorp\/aws provider version (\d+\.\d+\.\d+)/)?.[1];
  if (!providerVersion) throw new Error(`${packageDir}/README.md does not name the AWS provider version`);
  const result = { version: providerVersion, provider: null, resources: {}, dataSources: {} };
  const lib = path.join(packageDir, 'lib');
  for (const dir of fs.readdirSync(lib).sort()) {
    const file = path.join(lib, dir, 'index.js');
    if (!fs.existsSync(file)) continue;
    for (const s of schemaOfFile(file)) {
      listWhereSetHoldsDynamic(s.schema.block);
      if (s.kind === 'TerraformProvider') result.provider = s.schema;
      else (s.kind === 'TerraformResource' ? result.resources : result.dataSources)[s.type] = s.schema;
    }
  }
  return result;
}

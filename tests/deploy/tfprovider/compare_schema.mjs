// Compares the stand-in's schema (build_mirror.mjs's aws-schema.json) with the real provider's
// (`terraform providers schema -json`) for every resource and data source type a Terraform
// directory uses: attribute names, required/optional/computed, types, block nesting and minimum
// counts. A single nested block counts as a list of one, and an SDKv2 attribute that is written
// as blocks (a list or set of objects served as a block of the same name) as equal.
//
//   node compare_schema.mjs STANDIN.json REAL.json TERRAFORM_DIR
//
// Prints one line per difference; exits 1 when there is one.

import fs from 'node:fs';

import { loadConfig } from '../terraform_model.mjs';

const [standinFile, realFile, dir] = process.argv.slice(2);
const standin = JSON.parse(fs.readFileSync(standinFile, 'utf8'));
const real = JSON.parse(fs.readFileSync(realFile, 'utf8')).provider_schemas['registry.terraform.io/hashicorp/aws'];
const model = await loadConfig(dir);

const diffs = [];
const nestingOf = (b) => (b.nesting_mode === 'single' ? 'list' : b.nesting_mode);

function compareBlock(where, mine, theirs) {
  const attrs = new Set([...Object.keys(mine.attributes ?? {}), ...Object.keys(theirs.attributes ?? {})]);
  for (const name of attrs) {
    const a = mine.attributes?.[name];
    const b = theirs.attributes?.[name];
    const asBlock = mine.block_types?.[name];
    if (!a && b && asBlock && Array.isArray(b.type) && ['list', 'set'].includes(b.type[0])) continue;
    if (!a || !b) {
      diffs.push(`${where}.${name}: ${a ? 'only in the stand-in' : 'missing from the stand-in'}`);
      continue;
    }
    for (const flag of ['required', 'optional', 'computed']) {
      if (Boolean(a[flag]) !== Boolean(b[flag])) diffs.push(`${where}.${name}: ${flag} ${Boolean(a[flag])}, real ${Boolean(b[flag])}`);
    }
    if (JSON.stringify(a.type) !== JSON.stringify(b.type)) {
      diffs.push(`${where}.${name}: type ${JSON.stringify(a.type)}, real ${JSON.stringify(b.type)}`);
    }
  }
  for (const [name, b] of Object.entries(theirs.block_types ?? {})) {
    const a = mine.block_types?.[name];
    if (!a) {
      diffs.push(`${where}.${name}: block missing from the stand-in`);
      continue;
    }
    if (nestingOf(a) !== nestingOf(b) || (a.min_items ?? 0) !== (b.min_items ?? 0)) {
      diffs.push(`${where}.${name}: block ${nestingOf(a)} min ${a.min_items ?? 0}, real ${nestingOf(b)} min ${b.min_items ?? 0}`);
    }
    compareBlock(`${where}.${name}`, a.block, b.block);
  }
  for (const name of Object.keys(mine.block_types ?? {})) {
    if (!theirs.block_types?.[name] && !theirs.attributes?.[name]) diffs.push(`${where}.${name}: block only in the stand-in`);
  }
}

let compared = 0;
for (const [kind, mineKey, realKey] of [['resource', 'resources', 'resource_schemas'], ['data', 'dataSources', 'data_source_schemas']]) {
  for (const type of Object.keys(model[kind]).filter((t) => t.startsWith('aws_')).sort()) {
    const mine = standin[mineKey][type];
    const theirs = real[realKey][type];
    if (!mine || !theirs) {
      diffs.push(`${kind} ${type}: ${mine ? 'not in the real provider' : 'not in the stand-in'}`);
      continue;
    }
    compareBlock(`${kind}.${type}`, mine.block, theirs.block);
    compared++;
  }
}
compareBlock('provider', standin.provider.block, real.provider.block);
for (const d of diffs) console.log(`not ok - ${d}`);
console.log(`${compared} types and the provider block compared, ${diffs.length} differences`);
process.exit(diffs.length ? 1 : 0);

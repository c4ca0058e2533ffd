// Writes a Terraform filesystem mirror holding the schema-only hashicorp/aws stand-in:
//   MIRROR/registry.terraform.io/hashicorp/aws/VERSION/OS_ARCH/terraform-provider-aws_vVERSION_x5
// (a wrapper that runs provider.mjs) beside aws-schema.pb, the GetSchema answer built from the
// schema of the pinned @cdktf/provider-aws in tests/node_modules, and that schema as
// aws-schema.json (the shape of `terraform providers schema -json`). Prints the provider version.
//
//   node build_mirror.mjs MIRROR_DIR
//
// Exits 2, naming the fix, when the package is missing or is not the pinned release.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { validatedProviderVersion } from '../operability_checks.mjs';
import { buildSchema } from './cdktf_schema.mjs';
import { loadProtocol, serializedSchemaResponse } from './schema_message.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const mirror = path.resolve(process.argv[2] ?? '');
if (!process.argv[2]) {
  console.error('usage: build_mirror.mjs MIRROR_DIR');
  process.exit(2);
}

let packageDir;
try {
  packageDir = path.dirname(createRequire(import.meta.url).resolve('@cdktf/provider-aws/package.json'));
} catch {
  console.error('build_mirror: @cdktf/provider-aws is not installed; run `npm install` in tests/');
  process.exit(2);
}

const schema = buildSchema(packageDir);
if (schema.version !== validatedProviderVersion) {
  console.error(`build_mirror: @cdktf/provider-aws in ${packageDir} is built from AWS provider ${schema.version}, ` +
    `not ${validatedProviderVersion}; run \`npm install\` in tests/ (tests/package.json pins it)`);
  process.exit(2);
}

const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
const dir = path.join(mirror, 'registry.terraform.io/hashicorp/aws', schema.version, `${process.platform}_${arch}`);
fs.mkdirSync(dir, { recursive: true });
const schemaFile = path.join(mirror, 'aws-schema.pb');
fs.writeFileSync(schemaFile, serializedSchemaResponse(loadProtocol(), schema));
fs.writeFileSync(path.join(mirror, 'aws-schema.json'), JSON.stringify(schema)); // for compare_schema.mjs
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
fs.writeFileSync(path.join(dir, `terraform-provider-aws_v${schema.version}_x5`),
  `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(path.join(here, 'provider.mjs'))} ${quote(schemaFile)}\n`,
  { mode: 0o755 });
console.log(schema.version);

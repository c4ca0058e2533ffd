// A schema-only stand-in for the hashicorp/aws provider: enough of a Terraform plugin for the real
// `terraform init` and `terraform validate`. It answers GetSchema from a schema file written by
// cdktf_schema.mjs, accepts every configuration (value checks inside the real provider are not
// reproduced) and plans nothing.
//
//   node provider.mjs SCHEMA.json        (started by Terraform through the mirror's wrapper)
//
// Terraform starts it with TF_PLUGIN_MAGIC_COOKIE set and, under TF_DISABLE_PLUGIN_TLS=1, without
// a client certificate; it reads the go-plugin handshake line from stdout
// ("CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL") and then speaks gRPC to that address.
// Diagnostics go to stderr, which Terraform logs.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
const magicCookie = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

if (process.env.TF_PLUGIN_MAGIC_COOKIE !== magicCookie) {
  console.error('This is a Terraform provider plugin: Terraform starts it; it is not run by hand.');
  process.exit(1);
}
if (process.env.PLUGIN_CLIENT_CERT) {
  console.error('provider.mjs speaks gRPC without TLS: run Terraform with TF_DISABLE_PLUGIN_TLS=1.');
  process.exit(1);
}

const schemaFile = process.argv[2];
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));

// `terraform providers schema -json` shape → the protocol's Schema message.
const nesting = { single: 'SINGLE', list: 'LIST', set: 'SET', map: 'MAP', group: 'GROUP' };
function blockMessage(block) {
  return {
    attributes: Object.entries(block.attributes ?? {}).map(([name, a]) => ({
      name, type: Buffer.from(JSON.stringify(a.type)), required: Boolean(a.required),
      optional: Boolean(a.optional), computed: Boolean(a.computed), sensitive: Boolean(a.sensitive),
    })),
    block_types: Object.entries(block.block_types ?? {}).map(([name, b]) => ({
      type_name: name, block: blockMessage(b.block), nesting: nesting[b.nesting_mode],
      min_items: b.min_items ?? 0, max_items: b.max_items ?? 0,
    })),
  };
}
const schemaMessage = (s) => ({ version: s.version ?? 0, block: blockMessage(s.block) });
const mapOf = (schemas) => Object.fromEntries(Object.entries(schemas).map(([k, s]) => [k, schemaMessage(s)]));

const providerSchema = {
  provider: schemaMessage(schema.provider),
  resource_schemas: mapOf(schema.resources),
  data_source_schemas: mapOf(schema.dataSources),
  diagnostics: [],
  server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
};

const definition = protoLoader.loadSync(path.join(here, 'tfplugin5_subset.proto'), {
  keepCase: true, longs: Number, enums: String, defaults: true,
});
const proto = grpc.loadPackageDefinition(definition).tfplugin5;

const noDiagnostics = (call, done) => done(null, { diagnostics: [] });
const server = new grpc.Server();
server.addService(proto.Provider.service, {
  GetSchema: (call, done) => done(null, providerSchema),
  // The configuration comes back as given: nothing to default or normalise.
  PrepareProviderConfig: (call, done) => done(null, { prepared_config: call.request.config, diagnostics: [] }),
  ValidateResourceTypeConfig: noDiagnostics,
  ValidateDataSourceConfig: noDiagnostics,
  Stop: (call, done) => {
    done(null, { Error: '' });
    setImmediate(() => server.forceShutdown());
  },
});

server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`provider.mjs: cannot listen on 127.0.0.1: ${err.message}`);
    process.exit(1);
  }
  process.stdout.write(`1|5|tcp|127.0.0.1:${port}|grpc\n`);
});

// Terraform ends a plugin by killing it once it is done with it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));

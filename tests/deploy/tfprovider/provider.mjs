// A schema-only stand-in for the hashicorp/aws provider: enough of a Terraform plugin for the real
// `terraform init`, `terraform validate` and `terraform test` with mock_provider. It answers
// GetSchema with the schema build_mirror.mjs serialized, accepts every configuration (value checks
// inside the real provider are not reproduced) and plans nothing.
//
//   node provider.mjs SCHEMA.pb          (started by Terraform through the mirror's wrapper)
//
// Terraform starts it with TF_PLUGIN_MAGIC_COOKIE set and, under TF_DISABLE_PLUGIN_TLS=1, without
// a client certificate; it reads the go-plugin handshake line from stdout
// ("CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL") and then speaks gRPC to that address.
// Diagnostics go to stderr, which Terraform logs.

import fs from 'node:fs';

import grpc from '@grpc/grpc-js';

import { loadProtocol } from './schema_message.mjs';

const magicCookie = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

if (process.env.TF_PLUGIN_MAGIC_COOKIE !== magicCookie) {
  console.error('This is a Terraform provider plugin: Terraform starts it; it is not run by hand.');
  process.exit(1);
}
if (process.env.PLUGIN_CLIENT_CERT) {
  console.error('provider.mjs speaks gRPC without TLS: run Terraform with TF_DISABLE_PLUGIN_TLS=1.');
  process.exit(1);
}

// Terraform starts a provider several times per command; serializing the ~2,100 schemas each
// time would cost seconds, so build_mirror.mjs stores the answer already serialized.
const schemaResponse = fs.readFileSync(process.argv[2]);
const proto = loadProtocol();
const service = {
  ...proto.Provider.service,
  GetSchema: { ...proto.Provider.service.GetSchema, responseSerialize: (bytes) => bytes },
};

const noDiagnostics = (call, done) => done(null, { diagnostics: [] });
const server = new grpc.Server();
server.addService(service, {
  GetSchema: (call, done) => done(null, schemaResponse),
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

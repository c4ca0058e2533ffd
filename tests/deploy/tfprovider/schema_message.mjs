// The GetSchema answer of the stand-in provider: the schema of cdktf_schema.mjs (in the shape of
// `terraform providers schema -json`) as the protocol's GetProviderSchema.Response, and the gRPC
// definitions of tfplugin5_subset.proto both provider.mjs and build_mirror.mjs load.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));

// The tfplugin5 package object (its Provider service and messages).
export function loadProtocol() {
  const definition = protoLoader.loadSync(path.join(here, 'tfplugin5_subset.proto'), {
    keepCase: true, longs: Number, enums: String, defaults: true,
  });
  return grpc.loadPackageDefinition(definition).tfplugin5;
}

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

// GetProviderSchema.Response for SCHEMA, serialized: the provider sends these bytes as they are.
export function serializedSchemaResponse(protocol, schema) {
  return protocol.Provider.service.GetSchema.responseSerialize({
    provider: schemaMessage(schema.provider),
    resource_schemas: mapOf(schema.resources),
    data_source_schemas: mapOf(schema.dataSources),
    diagnostics: [],
    server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
  });
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Alpaca's published OpenAPI specs (alpacahq/alpaca-mcp-server), copied into test/fixtures/specs. */
const SPECS_DIR = fileURLToPath(new URL('../../fixtures/specs', import.meta.url));

type Json = Record<string, unknown>;
interface OpenApi {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Json }> }> }>>;
}

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Formats the specs use beyond JSON Schema's own.
  ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
  ajv.addFormat('uint32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 && n < 2 ** 32 });
  ajv.addFormat('uint64', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  return ajv;
}

const templateRegex = (template: string) => new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/**
 * Validates simulator responses against the response schema the spec gives for that path, method and
 * status. Error statuses the spec lists without a body are checked against its error schema.
 */
export class AlpacaSpec {
  private readonly ajv = newAjv();
  private readonly docs: Record<'trading' | 'data', OpenApi>;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    const load = (file: string) => JSON.parse(readFileSync(path.join(SPECS_DIR, 'alpaca', file), 'utf8')) as OpenApi;
    this.docs = { trading: load('trading-api.json'), data: load('market-data-api.json') };
    this.ajv.addSchema(this.docs.trading as unknown as Json, 'trading');
    this.ajv.addSchema(this.docs.data as unknown as Json, 'data');
  }

  private compile(doc: 'trading' | 'data', schema: Json): ValidateFunction {
    // Refs inside the spec are document-relative ("#/components/..."): point them at the added document.
    const text = JSON.stringify(schema).replaceAll('"#/components/', `"${doc}#/components/`);
    let fn = this.cache.get(text);
    if (!fn) {
      fn = this.ajv.compile(JSON.parse(text) as Json);
      this.cache.set(text, fn);
    }
    return fn;
  }

  /** Problems with one response; empty when it conforms. Throws when the spec has no such operation. */
  check(method: string, urlPath: string, status: number, body: unknown): string[] {
    const doc = urlPath.startsWith('/v2/stocks/') || urlPath.startsWith('/v1beta') ? 'data' : 'trading';
    const paths = this.docs[doc].paths;
    // Literal paths first so "/v2/orders:by_client_order_id" is not read as "/v2/orders/{order_id}".
    const template = paths[urlPath] ? urlPath : Object.keys(paths).find((t) => t.includes('{') && templateRegex(t).test(urlPath));
    const operation = template ? paths[template]?.[method.toLowerCase()] : undefined;
    if (!operation) throw new Error(`no ${method} ${urlPath} in Alpaca ${doc} spec`);
    let schema = operation.responses?.[String(status)]?.content?.['application/json']?.schema;
    // The spec's activity items are oneOf two open schemas (neither requires nor forbids a field), which no object
    // can meet; the path's activity type says which one applies, as the spec's description does.
    if (template === '/v2/account/activities/{activity_type}' && urlPath.endsWith('/FILL') && status === 200) {
      schema = { type: 'array', items: { $ref: '#/components/schemas/TradingActivities' } };
    }
    // The market-data spec defines no error body; its errors carry the trading spec's ErrorResponse ({message}).
    if (!schema && status >= 400) {
      schema =
        doc === 'trading'
          ? { $ref: '#/components/schemas/Error' }
          : { allOf: [{ $ref: 'trading#/components/schemas/ErrorResponse' }, { required: ['message'] }] };
    }
    if (!schema) {
      if (!operation.responses?.[String(status)]) return [`status ${status} is not documented for ${method} ${template}`];
      return body === '' || body === undefined ? [] : [`status ${status} of ${method} ${template} has no body in the spec`];
    }
    const validate = this.compile(doc, schema);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${method} ${template} ${status}: ${e.instancePath} ${e.message}`);
  }
}

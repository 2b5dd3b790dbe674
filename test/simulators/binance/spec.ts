import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

/** Binance's OpenAPI spec of the Spot REST API (binance/binance-api-swagger, Oct 2024). */
const SPECS_DIR = fileURLToPath(new URL('../../fixtures/specs', import.meta.url));

type Json = Record<string, unknown>;
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/**
 * Validates simulator responses against the spec's response schema for the path, method and status.
 * Two places where the 2024 spec cannot be applied literally (the newer protocol sheet wins):
 * - POST /api/v3/order answers `oneOf` ACK/RESULT/FULL, but the three schemas are not exclusive (a FULL
 *   answer also matches RESULT and ACK), so the answer is checked against the variant it claims to be.
 * - exchangeInfo's filter items require minPrice/maxPrice/tickSize on every filter, which only
 *   PRICE_FILTER has; every filter is checked for filterType and PRICE_FILTER against the spec's item schema.
 */
export class BinanceSpec {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly doc: OpenApi;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    this.doc = YAML.parse(readFileSync(path.join(SPECS_DIR, 'binance', 'spot_api.yaml'), 'utf8')) as OpenApi;
    this.ajv.addSchema(this.doc as unknown as Json, 'spot');
  }

  private validator(schema: Json): ValidateFunction {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"spot#/components/');
    let fn = this.cache.get(text);
    if (!fn) {
      fn = this.ajv.compile(JSON.parse(text) as Json);
      this.cache.set(text, fn);
    }
    return fn;
  }

  private run(schema: Json, body: unknown, label: string): string[] {
    const validate = this.validator(schema);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${label}: ${e.instancePath} ${e.message}`);
  }

  /** Problems with one response; empty when it conforms. Throws when the spec has no such operation. */
  check(method: string, urlPath: string, status: number, body: unknown): string[] {
    const operation = this.doc.paths[urlPath]?.[method.toLowerCase()];
    if (!operation) throw new Error(`no ${method} ${urlPath} in the Binance spec`);
    const label = `${method} ${urlPath} ${status}`;
    const documented = operation.responses?.[String(status)]?.content?.['application/json']?.schema;
    // Statuses the spec leaves out (429, 418, 5xx) carry the same error body.
    if (status >= 400) return this.run(documented ?? ref('error'), body, label);
    if (!documented) return [`${label}: status not documented`];
    if (method === 'POST' && urlPath === '/api/v3/order') {
      const b = body as Json;
      const variant = 'fills' in b ? 'orderResponseFull' : 'status' in b ? 'orderResponseResult' : 'orderResponseAck';
      return this.run(ref(variant), body, label);
    }
    if (urlPath === '/api/v3/exchangeInfo') return this.exchangeInfo(documented, body, label);
    return this.run(documented, body, label);
  }

  private exchangeInfo(schema: Json, body: unknown, label: string): string[] {
    const copy = JSON.parse(JSON.stringify(schema)) as Json;
    const symbolItem = (copy as { properties: { symbols: { items: { properties: { filters: { items: Json } } } } } }).properties.symbols.items;
    const priceFilter = symbolItem.properties.filters.items;
    symbolItem.properties.filters.items = { type: 'object', required: ['filterType'], properties: { filterType: { type: 'string' } } };
    const filters = ((body as { symbols?: { filters?: { filterType?: string }[] }[] }).symbols ?? []).flatMap((s) => s.filters ?? []);
    return [
      ...this.run(copy, body, label),
      ...filters.filter((f) => f.filterType === 'PRICE_FILTER').flatMap((f) => this.run(priceFilter, f, `${label} PRICE_FILTER`)),
    ];
  }
}

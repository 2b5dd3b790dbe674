import type { BrokerDescriptor, BrokerId } from '../../src/shared/brokers';
import { rateLimits, type BrokerAdapter } from '../../src/main/brokers/types';

/**
 * A programmable adapter for foundation tests that need a broker without its protocol (the real
 * adapters are tested against their simulators in test/brokers). `fail` lets a test make every call
 * throw a given error, e.g. one carrying secrets in its headers.
 */
export function fakeAdapter(id: BrokerId, overrides: Partial<BrokerDescriptor> = {}): BrokerAdapter & { fail: Error | null } {
  const descriptor: BrokerDescriptor = {
    id,
    name: `Fake ${id}`,
    region: 'US',
    initials: 'FK',
    auth: 'api-key',
    fields: [
      { name: 'api_key', label: 'API key', input: 'text', secret: true, required: true, pattern: '[A-Za-z0-9_-]{8,200}', help: 'From the developer console.' },
      { name: 'api_secret', label: 'API secret', input: 'secret', secret: true, required: true, help: 'Shown once when the key is created.' },
      { name: 'client_code', label: 'Client code', input: 'text', secret: false, required: false, pattern: '[A-Z0-9]{3,12}', help: 'Your client code.' },
      { name: 'pin', label: 'PIN', input: 'pin', secret: true, required: false, pattern: '\\d{4,6}', help: 'Your 4–6 digit PIN.' },
    ],
    environments: [
      { id: 'live', label: 'Live', baseUrl: 'https://api.example.invalid' },
      { id: 'sandbox', label: 'Sandbox', baseUrl: 'https://sandbox.example.invalid' },
    ],
    capabilities: ['equity'],
    tokenLifetime: 'Keys do not expire.',
    docsUrl: 'https://alpaca.markets/docs',
    signInHosts: ['example.invalid'],
    protocol: id,
    currency: 'USD',
    ...overrides,
  };
  const adapter = {
    descriptor,
    symbolDialect: 'us' as const,
    // It sends no HTTP requests, so its limits never apply; they are here because every adapter has some.
    rateLimits: rateLimits({ budgets: { requests: [{ limit: 100, intervalMs: 60_000 }] }, spend: () => ({ requests: 1 }) }),
    fail: null as Error | null,
    async validate() {
      if (adapter.fail) throw adapter.fail;
      return { accountMasked: '••••4321', accountType: 'margin', buyingPower: 1000, currency: 'USD' };
    },
    async funds() {
      if (adapter.fail) throw adapter.fail;
      return { available: 1000, used: 0, total: 1000, currency: 'USD' };
    },
    async placeOrder() {
      if (adapter.fail) throw adapter.fail;
      return { brokerOrderId: 'F1', state: 'OPEN' as const };
    },
    async cancelOrder() {},
    async getOrder() {
      return null;
    },
    async orders() {
      return [];
    },
    async positions() {
      return [];
    },
    async quotes() {
      return [];
    },
    sessionExpiry: () => null,
  };
  return adapter;
}

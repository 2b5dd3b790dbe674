import { afterEach, describe, expect, it } from 'vitest';
import { descriptor as ed25519 } from '../../src/main/brokers/binance-ed25519/descriptor';
import { promptText } from '../../src/main/brokers/ibkr/errors';
import { isDuplicateCoid } from '../../src/main/brokers/ibkr/orders';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { BrokerError } from '../../src/main/brokers/types';
import { checkFields } from '../../src/main/services/field-rules';
import { fieldMaxLength } from '../../src/shared/brokers';
import { blockingMs, MAX_BLOCKING_MS } from '../support/blocking';
import { fakeAdapter } from '../support/fake-broker';
import { dumpDatabase, makeGraph, TRUSTED_SENDER, type TestGraph } from '../support/graph';

let g: TestGraph;
afterEach(() => g?.close());

const fields = { api_key: 'AKTESTKEY123456', api_secret: 'secret-value-0001' };

async function setup() {
  const adapter = fakeAdapter('alpaca');
  g = await makeGraph({ brokers: [adapter] });
  const conn = await g.ok('connections:connect', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
  return { adapter, conn };
}

describe('validation outcomes become connection health', () => {
  it('a check maps broker answers to statuses the health panel shows', async () => {
    const { adapter, conn } = await setup();
    expect(conn).toMatchObject({ status: 'valid', accountMasked: '••••4321', buyingPower: 1000, currency: 'USD' });
    const cases: [BrokerError, string][] = [
      [new BrokerError('INVALID_CREDENTIALS', 'The key was revoked.'), 'invalid'],
      [new BrokerError('TOKEN_EXPIRED', 'Session ended.'), 'expired'],
      [new BrokerError('NETWORK', 'Could not reach the broker.'), 'error'],
      [new BrokerError('IP_NOT_ALLOWED', 'Register your static IP.'), 'error'],
    ];
    for (const [error, status] of cases) {
      adapter.fail = error;
      const view = await g.ok('connections:validate', { id: conn.id });
      expect(view).toMatchObject({ status, lastError: error.message });
    }
    adapter.fail = null;
    expect(await g.ok('connections:validate', { id: conn.id })).toMatchObject({ status: 'valid', lastError: null });
  });

  it('"too many requests" is not a verdict on the credentials: the status stays and the trader is told to wait', async () => {
    const { adapter, conn } = await setup();
    const audited = (await g.ok('audit:list', { action: 'connection.validate' })).entries.length;
    adapter.fail = new BrokerError('RATE_LIMITED', 'Alpaca rate limit reached. Wait a moment and try again.');
    const result = await g.call('connections:validate', { id: conn.id });
    expect(result).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: 'Alpaca rate limit reached. Wait a moment and try again.' } });
    expect(await g.ok('connections:get', { id: conn.id })).toMatchObject({ status: 'valid', lastError: null });
    expect((await g.ok('audit:list', { action: 'connection.validate' })).entries.length).toBe(audited);
  });

  it('an OAuth connection never signed in is not called "expired": the trader is told to sign in, status stays untested', async () => {
    const adapter = Object.assign(fakeAdapter('zerodha', { auth: 'oauth-redirect', region: 'IN', currency: 'INR' }), {
      loginUrl: () => 'https://kite.zerodha.com/connect/login?v=3',
      completeLogin: async () => ({ fields: { access_token: 'session-token-0001' }, expiresAt: null }),
    });
    g = await makeGraph({ brokers: [adapter] });
    const conn = await g.ok('connections:connect', { broker: 'zerodha', label: 'Kite', environment: 'live', fields });
    expect(conn.status).toBe('untested');
    const result = await g.call('connections:validate', { id: conn.id });
    expect(result).toEqual({
      ok: false,
      error: { code: 'TOKEN_EXPIRED', message: 'Sign in to Fake zerodha first: choose Sign in (Re-login) on this connection.' },
    });
    expect(await g.ok('connections:get', { id: conn.id })).toMatchObject({ status: 'untested', lastError: null });
    // Once a session is stored, validation calls the broker as usual.
    await g.services.connections.storeSession(conn.id, { access_token: 'session-token-0001' }, null, { flow: 'browser' });
    expect(await g.ok('connections:validate', { id: conn.id })).toMatchObject({ status: 'valid' });
  });
});

// ---- Issue 11 item 9: length caps before any pattern, and patterns that run in linear time ----

/** The input that froze main for seconds: a PEM header, 4,000 spaces and a character no pattern accepts. */
const PEM_BAIT = `-----BEGIN PRIVATE KEY-----${' '.repeat(4000)}!`;

/**
 * Inputs that make a backtracking pattern try every split of a long run before failing at the last character.
 * Each starts with a non-space character, so the trim before the pattern leaves the run in place.
 */
function pumpInputs(length: number): string[] {
  const units = [' ', 'a', 'A', '0', 'a.', 'a-', 'A1+/=', ' \t', '1.', '='];
  const prefixes = ['A', '1', '-----BEGIN PRIVATE KEY-----'];
  return prefixes.flatMap((prefix) => units.map((unit) => (prefix + unit.repeat(length)).slice(0, length - 1) + '!'));
}

describe('field values are capped before any pattern runs, and every pattern runs in linear time', () => {
  it('connections:test with the PEM bait answers INVALID_INPUT without blocking main', async () => {
    g = await makeGraph({ brokers: [fakeAdapter('binance-ed25519', { fields: ed25519.fields })] });
    const input = { broker: 'binance-ed25519' as const, environment: 'live' as const, fields: { apiKey: 'A'.repeat(64), privateKey: PEM_BAIT } };
    const result = await g.call('connections:test', input);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await blockingMs(() => g.call('connections:test', input))).toBeLessThan(MAX_BLOCKING_MS);
  });

  it('a value longer than its field allows is refused by length, naming the field, before its pattern is tried', async () => {
    g = await makeGraph({ brokers: [fakeAdapter('binance-ed25519', { fields: ed25519.fields })] });
    const result = await g.call('connections:test', {
      broker: 'binance-ed25519',
      environment: 'live',
      fields: { apiKey: 'A'.repeat(64), privateKey: PEM_BAIT },
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: `‘Ed25519 private key’ is too long (at most ${fieldMaxLength(ed25519.fields[1]!)} characters).` },
    });
  });

  it('broker warning text with a long run of "<" and no ">" becomes plain text within the bound (IBKR prompts)', async () => {
    expect(promptText('Order <b>held</b><br/>&amp; checked')).toBe('Order held & checked');
    expect(await blockingMs(async () => promptText('<'.repeat(100_000)))).toBeLessThan(MAX_BLOCKING_MS);
  });

  it('broker text repeating "Local order ID=" is read within the bound (IBKR duplicate cOID)', async () => {
    expect(isDuplicateCoid("Order couldn't be submitted: Local order ID=bv-1 is already registered.")).toBe(true);
    expect(isDuplicateCoid('is already registered, Local order ID=bv-1')).toBe(false);
    expect(await blockingMs(async () => isDuplicateCoid('Local order ID='.repeat(8_000)))).toBeLessThan(MAX_BLOCKING_MS);
  });

  it('every real descriptor pattern refuses pump inputs up to its cap within the bound', async () => {
    for (const { descriptor } of BROKER_ADAPTERS) {
      for (const field of descriptor.fields) {
        for (const value of pumpInputs(fieldMaxLength(field))) {
          const ms = await blockingMs(async () => {
            try {
              checkFields(descriptor, { [field.name]: value }, true);
            } catch {
              // Refused or accepted, only the time matters here.
            }
          });
          expect({ broker: descriptor.id, field: field.name, sample: value.slice(0, 12), fast: ms < MAX_BLOCKING_MS }).toMatchObject({ fast: true });
        }
      }
    }
  });
});

// ---- Issue 11 item 12: INVALID_INPUT in BrokerVault's own words, and plain objects only ----

describe('refused input is described in BrokerVault’s own words, naming the field', () => {
  const ticket = { ticketId: 'ticket-0001', symbol: 'NSE:INFY', side: 'BUY', quantity: 1, type: 'MARKET' };
  const cases: [string, string, unknown, string][] = [
    ['a quantity of 0', 'orders:place', { ...ticket, quantity: 0 }, 'Quantity must be more than 0.'],
    ['a quantity as text', 'orders:place', { ...ticket, quantity: '5' }, 'Quantity must be a number.'],
    ['an infinite quantity', 'orders:place', { ...ticket, quantity: Number.POSITIVE_INFINITY }, 'Quantity must be a finite number.'],
    ['a missing symbol', 'orders:place', { ...ticket, symbol: undefined }, 'Symbol is required.'],
    ['a malformed symbol', 'orders:place', { ...ticket, symbol: 'infy' }, 'Symbol must look like EXCHANGE:SYMBOL, e.g. NSE:INFY or US:AAPL.'],
    [
      'a LIMIT order without a price',
      'orders:place',
      { ...ticket, type: 'LIMIT' },
      'A limit price is required for LIMIT and STOP_LIMIT orders, and only for them.',
    ],
    ['an extra key', 'orders:place', { ...ticket, extra: 1 }, 'Field ‘extra’ is not part of this request.'],
    [
      'a fractional rate limit',
      'limits:set',
      { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: 1.5 },
      'Maximum orders per minute must be a whole number.',
    ],
    [
      'a weekday out of range',
      'schedules:create',
      { name: 'X', time: '15:10', timeZone: 'Asia/Kolkata', days: [9], orders: [{ symbol: 'NSE:INFY', side: 'SELL', quantity: 1, type: 'MARKET' }] },
      'Days (item 1) must be at most 7.',
    ],
    ['an unknown theme', 'settings:set', { theme: 'neon' }, 'Theme must be one of system, light, dark.'],
    [
      'an over-long credential',
      'connections:test',
      { broker: 'alpaca', environment: 'live', fields: { apiKey: 'A'.repeat(5000) } },
      '‘apiKey’ is too long (at most 4096 characters).',
    ],
    ['a bad credential name', 'connections:test', { broker: 'alpaca', environment: 'live', fields: { 'Bad Key!': 'x' } }, '‘Bad Key!’ is not a field name.'],
    ['a short passphrase', 'vault:setupPassphrase', { passphrase: 'short' }, 'Passphrase must be at least 12 characters.'],
    ['no object at all', 'mode:get', null, 'The request must be an object.'],
  ];
  for (const [what, channel, input, message] of cases) {
    it(what, async () => {
      g = await makeGraph();
      expect(await g.services.router.handle(channel, TRUSTED_SENDER, input)).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message } });
    });
  }

  it('several problems are listed up to three, then counted', async () => {
    g = await makeGraph();
    const result = await g.services.router.handle('orders:place', TRUSTED_SENDER, { a: 1, ticketId: 5, symbol: 5, side: 'UP', quantity: -1, type: 'X' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Ticket id must be text. Symbol must be text. Side must be one of BUY, SELL. (3 more problems.)' },
    });
  });
});

describe('only plain objects cross the router: Date, Map, Set and buffers are not taken for `{}`', () => {
  class Custom {}
  const impostors: [string, unknown][] = [
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a Set', new Set()],
    ['an ArrayBuffer', new ArrayBuffer(8)],
    ['a Uint8Array', new Uint8Array(8)],
    ['a RegExp', /x/],
    ['a class instance', new Custom()],
  ];
  for (const [what, value] of impostors) {
    it(`${what} as the whole input or as an object field is refused, and nothing changes`, async () => {
      g = await makeGraph();
      const before = dumpDatabase(g.services);
      expect(await g.services.router.handle('settings:get', TRUSTED_SENDER, value)).toEqual({
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The request must be a plain object (not a date, map, set or binary data).' },
      });
      expect(
        await g.services.router.handle('connections:create', TRUSTED_SENDER, { broker: 'alpaca', label: 'X', environment: 'live', fields: value }),
      ).toEqual({
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'Credentials must be a plain object (not a date, map, set or binary data).' },
      });
      expect(dumpDatabase(g.services)).toEqual(before);
    });
  }

  it('objects without a prototype (as JSON.parse and structured clone can make) are plain and accepted', async () => {
    g = await makeGraph();
    const input = Object.assign(Object.create(null) as object, { theme: 'dark' });
    expect(await g.services.router.handle('settings:set', TRUSTED_SENDER, input)).toMatchObject({ ok: true, value: { theme: 'dark' } });
  });

  it('a deeply nested or huge input is refused before its schema runs', async () => {
    g = await makeGraph();
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(await g.services.router.handle('settings:set', TRUSTED_SENDER, deep)).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'The request is nested too deeply.' },
    });
    expect(await g.services.router.handle('quotes:get', TRUSTED_SENDER, { symbols: new Array(1_000_000).fill('NSE:INFY') })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'The request is too large.' },
    });
  });
});

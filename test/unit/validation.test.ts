import { afterEach, describe, expect, it } from 'vitest';
import { descriptor as ed25519 } from '../../src/main/brokers/binance-ed25519/descriptor';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { BrokerError } from '../../src/main/brokers/types';
import { checkFields } from '../../src/main/services/field-rules';
import { fieldMaxLength } from '../../src/shared/brokers';
import { blockingMs, MAX_BLOCKING_MS } from '../support/blocking';
import { fakeAdapter } from '../support/fake-broker';
import { makeGraph, type TestGraph } from '../support/graph';

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
    expect(result).toEqual({ ok: false, error: { code: 'TOKEN_EXPIRED', message: 'Sign in to Fake zerodha first: choose Sign in (Re-login) on this connection.' } });
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
    const result = await g.call('connections:test', { broker: 'binance-ed25519', environment: 'live', fields: { apiKey: 'A'.repeat(64), privateKey: PEM_BAIT } });
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: `‘Ed25519 private key’ is too long (at most ${fieldMaxLength(ed25519.fields[1]!)} characters).` } });
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


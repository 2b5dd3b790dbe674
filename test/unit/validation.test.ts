import { afterEach, describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/main/brokers/types';
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

import { afterEach, describe, expect, it } from 'vitest';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { dumpDatabase, makeGraph, type TestGraph } from '../support/graph';

/**
 * A saved connection's host override, attacked through the router as a compromised renderer would
 * (issue 11, item 8): it must not be pointed at another host, or at plain http, to make main send the
 * saved secrets there.
 */

const SECRET = 'AlpacaSecretKey0123456789abcdefXYZ';
const KEY_ID = 'PKCANARY0123456789AB';
const ATTACKER = 'https://collect.attacker.example';

/** A network that records every request and answers 401, so nothing gets further than the first call. */
function recordingNet() {
  const sent: { host: string; protocol: string; text: string }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    sent.push({ host: url.host, protocol: url.protocol, text: `${url.href} ${JSON.stringify(init?.headers ?? {})} ${String(init?.body ?? '')}` });
    return new Response(JSON.stringify({ code: 40110000, message: 'request is not authorized' }), {
      status: 401,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { sent, fetch };
}

let g: TestGraph;
afterEach(() => g?.close());

async function savedAlpaca(net: ReturnType<typeof recordingNet>) {
  g = await makeGraph({ brokers: BROKER_ADAPTERS, fetch: net.fetch });
  return g.ok('connections:create', {
    broker: 'alpaca',
    label: 'Main',
    environment: 'live',
    fields: { apiKeyId: KEY_ID, apiSecretKey: SECRET },
    apiHost: 'https://api.alpaca.markets',
  });
}

describe('an API host override is https, or http to this computer only', () => {
  const refused = [
    'http://collect.attacker.example',
    'http://10.0.0.5:8080',
    'http://127.0.0.1.attacker.example',
    'http://localhost.attacker.example',
    'http://[::ffff:7f00:1]:5000',
    'ftp://127.0.0.1',
    'https://user:pw@api.example.com',
    'https://api.example.com/?key=1',
    'https://api.example.com/#x',
    'https://api.example.com /x',
  ];
  const accepted = [
    'https://api.example.com',
    'https://localhost:5000/v1/api',
    'http://127.0.0.1:8080',
    'http://127.45.0.9',
    'http://localhost:47000',
    'http://[::1]:9000/base',
  ];

  it.each(refused)('refuses %s on create, test, connect and update, naming the field, and changes nothing', async (host) => {
    const net = recordingNet();
    const saved = await savedAlpaca(net);
    const before = dumpDatabase(g.services);
    const input = {
      broker: 'alpaca' as const,
      label: 'Other',
      environment: 'live' as const,
      fields: { apiKeyId: KEY_ID, apiSecretKey: SECRET },
      apiHost: host,
    };
    const { label: _label, ...unsaved } = input;
    for (const result of [
      await g.call('connections:create', input),
      await g.call('connections:test', unsaved),
      await g.call('connections:connect', input),
      await g.call('connections:update', { id: saved.id, apiHost: host, fields: { apiSecretKey: SECRET } }),
    ]) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^The API host override must be an https:\/\/ address/) },
      });
    }
    expect(dumpDatabase(g.services)).toEqual(before);
    expect(net.sent).toEqual([]);
  });

  it.each(accepted)('accepts %s', async (host) => {
    const net = recordingNet();
    await savedAlpaca(net);
    const created = await g.call('connections:create', {
      broker: 'alpaca',
      label: 'Other',
      environment: 'live',
      fields: { apiKeyId: KEY_ID, apiSecretKey: SECRET },
      apiHost: host,
    });
    expect(created).toMatchObject({ ok: true, value: { apiHost: host } });
  });
});

describe('re-pointing a saved connection needs its secrets again', () => {
  it('refuses a new host without the secrets: nothing changes, and validate sends nothing to the new host', async () => {
    const net = recordingNet();
    const saved = await savedAlpaca(net);
    const before = dumpDatabase(g.services);
    const moved = await g.call('connections:update', { id: saved.id, apiHost: ATTACKER });
    expect(moved).toEqual({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^To change the API host, enter this connection's API Secret Key again in the same change/),
      },
    });
    // The label and the host together: still refused as a whole.
    expect(await g.call('connections:update', { id: saved.id, label: 'Renamed', apiHost: ATTACKER, fields: { apiKeyId: KEY_ID } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    // Removing the override is a new host too.
    expect(await g.call('connections:update', { id: saved.id, apiHost: null })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(dumpDatabase(g.services)).toEqual(before);

    await g.call('connections:validate', { id: saved.id });
    expect(net.sent.length).toBeGreaterThan(0);
    expect(net.sent.every((r) => r.host === 'api.alpaca.markets')).toBe(true);
  });

  it('accepts a new host with every secret entered again, audits old → new host, and sends only the new secret there', async () => {
    const net = recordingNet();
    const saved = await savedAlpaca(net);
    const NEW_SECRET = 'NewSecretKeyForTheNewHost0123456789';
    const moved = await g.ok('connections:update', { id: saved.id, apiHost: 'https://api.other-region.example', fields: { apiSecretKey: NEW_SECRET } });
    expect(moved).toMatchObject({ apiHost: 'https://api.other-region.example', status: 'untested' });
    const audit = (await g.ok('audit:list', { action: 'connection.update' })).entries;
    expect(audit.map((e) => e.detail)).toEqual([
      { changed: ['apiHost', 'apiSecretKey'], hostFrom: 'https://api.alpaca.markets', hostTo: 'https://api.other-region.example', sessionDropped: [] },
    ]);
    expect(JSON.stringify(audit)).not.toContain(NEW_SECRET);

    await g.call('connections:validate', { id: saved.id });
    const there = net.sent.filter((r) => r.host === 'api.other-region.example');
    expect(there.length).toBeGreaterThan(0);
    expect(there.some((r) => r.text.includes(NEW_SECRET))).toBe(true);
    expect(there.some((r) => r.text.includes(SECRET))).toBe(false);
  });

  it('sends nothing to an insecure host a row saved by an older version still holds', async () => {
    const net = recordingNet();
    const saved = await savedAlpaca(net);
    g.services.db.prepare('UPDATE connections SET api_host = ? WHERE id = ?').run('http://collect.attacker.example', saved.id);
    const checked = await g.call('connections:validate', { id: saved.id });
    expect(checked).toMatchObject({ ok: true, value: { status: 'error', lastError: expect.stringContaining("Edit this connection's API host") } });
    expect(net.sent).toEqual([]);
  });

  it('drops the session tokens the old host issued', async () => {
    g = await makeGraph({ brokers: BROKER_ADAPTERS, fetch: recordingNet().fetch });
    const fields = { api_key: 'angelKeyCanary01', clientcode: 'A123456', mpin: '4821', totp_secret: 'JBSWY3DPEHPK3PXP' };
    const saved = await g.ok('connections:create', {
      broker: 'angel-one',
      label: 'Angel',
      environment: 'live',
      fields,
      apiHost: 'https://apiconnect.angelone.in',
    });
    await g.services.connections.storeSession(
      saved.id,
      { jwtToken: 'jwt-from-old-host-0123456789', refreshToken: 'refresh-from-old-host-0123' },
      g.clock.now() + 3_600_000,
      { flow: 'direct' },
    );
    // Only part of the secrets: refused, the session stays.
    expect(await g.call('connections:update', { id: saved.id, apiHost: ATTACKER, fields: { api_key: 'angelKeyCanary01' } })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('MPIN') },
    });
    expect(Object.keys(g.services.connections.credentials(saved.id)).sort()).toEqual([
      'api_key',
      'clientcode',
      'jwtToken',
      'mpin',
      'refreshToken',
      'totp_secret',
    ]);

    const moved = await g.ok('connections:update', {
      id: saved.id,
      apiHost: 'https://smartapi.mirror.example',
      fields: { api_key: 'angelKeyCanary02', mpin: '1357', totp_secret: 'GEZDGNBVGY3TQOJQ' },
    });
    expect(moved.tokenExpiresAt).toBeNull();
    expect(Object.keys(g.services.connections.credentials(saved.id)).sort()).toEqual(['api_key', 'clientcode', 'mpin', 'totp_secret']);
    const [entry] = (await g.ok('audit:list', { action: 'connection.update' })).entries;
    expect(entry!.detail).toMatchObject({
      hostFrom: 'https://apiconnect.angelone.in',
      hostTo: 'https://smartapi.mirror.example',
      sessionDropped: ['jwtToken', 'refreshToken'],
    });
  });
});

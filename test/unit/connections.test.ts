import { afterEach, describe, expect, it } from 'vitest';
import { dumpDatabase, makeGraph, type TestGraph } from '../support/graph';

let g: TestGraph;
afterEach(() => g?.close());

const fields = { api_key: 'AKTESTKEY123456', api_secret: 'secret-value-0001', client_code: 'AB123', pin: '4321' };

describe('connections through the IPC contract', () => {
  it('creates with masked previews only, first one default, and audits field names only', async () => {
    g = await makeGraph();
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    expect(conn).toMatchObject({ broker: 'alpaca', label: 'Main', environment: 'live', status: 'untested', isDefault: true, isActive: true });
    expect(conn.fields).toEqual([
      { name: 'api_key', secret: true, preview: '••••3456' },
      { name: 'api_secret', secret: true, preview: '••••0001' },
      { name: 'client_code', secret: false, preview: 'AB123' },
      { name: 'pin', secret: true, preview: '••••' },
    ]);
    const [entry] = (await g.ok('audit:list', { action: 'connection.create' })).entries;
    expect(entry!.detail).toMatchObject({ broker: 'alpaca', fields: ['api_key', 'api_secret', 'client_code', 'pin'] });
    expect(JSON.stringify(entry)).not.toContain('secret-value-0001');
    // The renderer's list is pushed once per event-loop turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(g.events.some((e) => e.event === 'connections:changed')).toBe(true);
  });

  it('supports several accounts per broker, unique by label', async () => {
    g = await makeGraph();
    const a = await g.ok('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    const b = await g.ok('connections:create', { broker: 'alpaca', label: 'Paper', environment: 'sandbox', fields });
    expect(b.isDefault).toBe(false);
    const before = dumpDatabase(g.services);
    const clash = await g.call('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    expect(clash).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('"Main"') } });
    const rename = await g.call('connections:update', { id: b.id, label: 'Main' });
    expect(rename).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(dumpDatabase(g.services)).toEqual(before);
    expect((await g.ok('connections:list')).map((c) => c.id)).toEqual([a.id, b.id]);
  });

  it('rejects bad fields with a specific message that does not echo the value', async () => {
    g = await makeGraph();
    const cases: [Record<string, string>, RegExp][] = [
      [{ api_secret: 'x'.repeat(20) }, /API key is required/],
      [{ ...fields, api_key: 'bad key with spaces!' }, /API key does not look right\. From the developer console/],
      [{ ...fields, pin: '12ab' }, /PIN does not look right/],
      [{ ...fields, password: 'hunter2hunter2' }, /has no field "password"/],
      [{ ...fields, api_secret: '   ' }, /API secret is required/],
    ];
    for (const [bad, message] of cases) {
      const result = await g.call('connections:create', { broker: 'alpaca', label: 'X', environment: 'live', fields: bad });
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(message) } });
      if (!result.ok) expect(result.error.message).not.toContain('bad key with spaces');
    }
    const env = await g.call('connections:create', { broker: 'alpaca', label: 'X', environment: 'paper', fields });
    expect(env).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('Live, Sandbox') } });
    expect(await g.ok('connections:list')).toEqual([]);
    expect((await g.ok('audit:list', {})).entries).toEqual([]);
  });

  it('updates only what changed, re-encrypts new secrets and resets status', async () => {
    g = await makeGraph();
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    g.services.connections.recordHealth(conn.id, { status: 'valid', last_validated_at: g.clock.now() });
    const renamed = await g.ok('connections:update', { id: conn.id, label: 'Renamed' });
    expect(renamed.status).toBe('valid');
    // A new host needs every saved secret again (or cleared): see test/integration/host-override.security.test.ts.
    const updated = await g.ok('connections:update', {
      id: conn.id,
      fields: { api_key: fields.api_key, api_secret: 'secret-value-0002', pin: '' },
      apiHost: 'http://127.0.0.1:9999',
    });
    expect(updated.status).toBe('untested');
    expect(updated.apiHost).toBe('http://127.0.0.1:9999');
    expect(updated.fields.map((f) => f.name)).toEqual(['api_key', 'api_secret', 'client_code']);
    expect(g.services.connections.credentials(conn.id)).toEqual({ api_key: fields.api_key, api_secret: 'secret-value-0002', client_code: 'AB123' });
    const entries = (await g.ok('audit:list', { action: 'connection.update' })).entries;
    expect(entries.map((e) => e.detail.changed)).toEqual([['apiHost', 'api_key', 'api_secret', 'pin'], ['label']]);
  });

  it('keeps at most one default; deactivating the default clears it; inactive cannot be default', async () => {
    g = await makeGraph();
    const a = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields });
    const b = await g.ok('connections:create', { broker: 'angel-one', label: 'B', environment: 'live', fields });
    await g.ok('connections:setDefault', { id: b.id });
    let list = await g.ok('connections:list');
    expect(list.filter((c) => c.isDefault).map((c) => c.id)).toEqual([b.id]);
    await g.ok('connections:deactivate', { id: b.id });
    list = await g.ok('connections:list');
    expect(list.filter((c) => c.isDefault)).toEqual([]);
    expect(await g.call('connections:setDefault', { id: b.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await g.ok('connections:activate', { id: b.id });
    await g.ok('connections:setDefault', { id: a.id });
    expect(() => g.services.db.prepare('UPDATE connections SET is_default = 1').run()).toThrow(/UNIQUE/);
    const actions = (await g.ok('audit:list', {})).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['connection.setDefault', 'connection.deactivate', 'connection.activate']));
  });

  it('deletes a connection with its encrypted fields, keeping the audit history', async () => {
    g = await makeGraph();
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields });
    await g.ok('connections:delete', { id: conn.id });
    expect(await g.ok('connections:list')).toEqual([]);
    expect(g.services.db.prepare('SELECT count(*) AS n FROM connection_fields').get()).toEqual({ n: 0 });
    expect(await g.call('connections:get', { id: conn.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const history = await g.ok('audit:list', { connectionId: conn.id });
    expect(history.entries.map((e) => e.action)).toEqual(['connection.delete', 'connection.create']);
  });

  it('shows only the fields the trader entered: session values a login stored show as signedIn, never as fields', async () => {
    g = await makeGraph();
    const conn = await g.ok('connections:create', { broker: 'angel-one', label: 'Angel', environment: 'live', fields });
    expect(conn.signedIn).toBe(false);
    const entered = conn.fields;
    const endsAt = Date.UTC(2026, 0, 6, 0, 0);
    await g.services.connections.storeSession(
      conn.id,
      { jwtToken: 'jwt-0001-abcdef', feedToken: 'feed-0002-abcdef', refreshToken: 'refresh-0003' },
      endsAt,
      {},
    );
    // Stored, encrypted, beside the entered fields…
    const stored = g.services.db.prepare<[string], { name: string }>('SELECT name FROM connection_fields WHERE connection_id = ? ORDER BY name').all(conn.id);
    expect(stored.map((r) => r.name)).toEqual(['api_key', 'api_secret', 'client_code', 'feedToken', 'jwtToken', 'pin', 'refreshToken']);
    // …but every view (get, list, the pushed list) carries the entered fields only, and says it is signed in.
    const view = await g.ok('connections:get', { id: conn.id });
    expect(view).toMatchObject({ signedIn: true, tokenExpiresAt: endsAt, fields: entered });
    expect((await g.ok('connections:list')).find((c) => c.id === conn.id)).toMatchObject({ signedIn: true, fields: entered });
    await new Promise((resolve) => setImmediate(resolve));
    const pushed = (g.events.filter((e) => e.event === 'connections:changed').at(-1)!.payload as { connections: { id: string }[] }).connections;
    expect(pushed.find((c) => c.id === conn.id)).toMatchObject({ signedIn: true, fields: entered });
    // Signing out drops the session: no longer signed in, the entered fields unchanged.
    expect(await g.ok('connections:disconnect', { id: conn.id })).toMatchObject({ signedIn: false, tokenExpiresAt: null, fields: entered });
  });

  it('lists brokers from their descriptors', async () => {
    g = await makeGraph();
    const brokers = await g.ok('brokers:list');
    expect(brokers.map((b) => b.id)).toEqual(['alpaca', 'angel-one']);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKeyStore } from '../../src/main/vault/keystore';
import { dumpDatabase, makeGraph, type TestGraph } from '../support/graph';

const graphs: TestGraph[] = [];
async function graph(...args: Parameters<typeof makeGraph>) {
  const g = await makeGraph(...args);
  graphs.push(g);
  return g;
}
afterEach(() => graphs.splice(0).forEach((g) => g.close()));

const fields = { api_key: 'AKTESTKEY123456', api_secret: 'secret-value-0001' };

describe('vault key lifecycle', () => {
  it('creates the key on first secret and reports ready', async () => {
    const g = await graph();
    expect((await g.ok('vault:status')).state).toBe('no-key-yet');
    await g.ok('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    const status = await g.ok('vault:status');
    expect(status).toMatchObject({ state: 'ready', backend: 'keychain', secretCount: 2 });
    expect(await g.keyStore.load(g.services.vault.keychainAccount)).toHaveLength(1);
  });

  it('announces vault:changed when saving or deleting a connection changes the key or the secret count', async () => {
    const g = await graph();
    const vaultEvents = () => g.events.filter((e) => e.event === 'vault:changed').map((e) => e.payload);
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    // Settings shows the key and its Rotate button without a reload.
    await expect.poll(vaultEvents, { timeout: 5_000 }).toEqual([expect.objectContaining({ state: 'ready', secretCount: 2 })]);
    await g.ok('connections:delete', { id: conn.id });
    await expect.poll(() => vaultEvents().at(-1), { timeout: 5_000 }).toMatchObject({ state: 'ready', secretCount: 0 });
    expect(vaultEvents()).toHaveLength(2);
  });

  it('refuses to store secrets without a keychain and changes nothing (KEYSTORE_UNAVAILABLE)', async () => {
    const g = await graph({ keyStore: new MemoryKeyStore(true) });
    const status = await g.ok('vault:status');
    expect(status.state).toBe('keystore-unavailable');
    expect(status.guidance).toMatch(/passphrase/);
    const before = dumpDatabase(g.services);
    const result = await g.call('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'KEYSTORE_UNAVAILABLE' }) });
    expect(dumpDatabase(g.services)).toEqual(before);
  });

  it('never generates a new key over existing encrypted rows when the key is lost', async () => {
    const g = await graph();
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    await g.keyStore.clear(g.services.vault.keychainAccount);
    const reopened = await g.reopen();
    graphs.push(reopened);
    const status = await reopened.ok('vault:status');
    expect(status.state).toBe('key-missing');
    expect(status.guidance).toMatch(/Restore your keychain/);
    const before = dumpDatabase(reopened.services);
    const update = await reopened.call('connections:update', { id: conn.id, fields: { api_secret: 'another-secret-1' } });
    expect(update).toMatchObject({ ok: false, error: { code: 'KEY_MISSING' } });
    const create = await reopened.call('connections:create', { broker: 'alpaca', label: 'Second', environment: 'live', fields });
    expect(create).toMatchObject({ ok: false, error: { code: 'KEY_MISSING' } });
    expect(await reopened.keyStore.load(reopened.services.vault.keychainAccount)).toBeNull();
    expect(dumpDatabase(reopened.services)).toEqual(before);
    expect(() => reopened.services.connections.credentials(conn.id)).toThrowError(expect.objectContaining({ code: 'KEY_MISSING' }));
  });

  it('after the affected connections are deleted, a new key may be made', async () => {
    const g = await graph();
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    await g.keyStore.clear(g.services.vault.keychainAccount);
    const reopened = await g.reopen();
    graphs.push(reopened);
    await reopened.ok('connections:delete', { id: conn.id });
    await reopened.ok('connections:create', { broker: 'alpaca', label: 'Again', environment: 'live', fields });
    expect((await reopened.ok('vault:status')).state).toBe('ready');
  });

  it('keeps credentials readable across restarts', async () => {
    const g = await graph();
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'Main', environment: 'live', fields });
    const reopened = await g.reopen();
    graphs.push(reopened);
    expect(reopened.services.connections.credentials(conn.id)).toEqual(fields);
  });
});

describe('key rotation', () => {
  it('re-encrypts every secret under a new key and audits it', async () => {
    const g = await graph();
    const a = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields });
    const b = await g.ok('connections:create', { broker: 'alpaca', label: 'B', environment: 'sandbox', fields: { ...fields, pin: '1234' } });
    const oldId = (await g.ok('vault:status')).keyId;
    const rotated = await g.ok('vault:rotateKey');
    expect(rotated.keyId).not.toBe(oldId);
    const stored = g.services.db.prepare('SELECT ciphertext FROM connection_fields WHERE is_secret = 1').all() as { ciphertext: string }[];
    expect(stored.every((r) => r.ciphertext.startsWith(`v1.${rotated.keyId}.`))).toBe(true);
    expect(g.services.connections.credentials(a.id)).toEqual(fields);
    expect(g.services.connections.credentials(b.id)).toEqual({ ...fields, pin: '1234' });
    // The old key is retired, not destroyed: a backup of the database from before the rotation still opens.
    expect((await g.keyStore.load(g.services.vault.keychainAccount))!.map((k) => k.id)).toEqual([oldId, rotated.keyId]);
    const audit = await g.ok('audit:list', { action: 'vault.keyRotated' });
    expect(audit.entries[0]!.detail).toMatchObject({ from: oldId, to: rotated.keyId, secrets: '5' });
    const reopened = await g.reopen();
    graphs.push(reopened);
    expect(reopened.services.connections.credentials(b.id).pin).toBe('1234');
  });

  it('changes nothing when a row fails part-way through', async () => {
    const g = await graph();
    const a = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields });
    await g.ok('connections:create', { broker: 'alpaca', label: 'B', environment: 'live', fields });
    // Corrupt one stored secret so rotation fails when it reaches it.
    g.services.db.prepare("UPDATE connection_fields SET ciphertext = 'v1.broken' WHERE connection_id = ? AND name = 'api_secret'").run(a.id);
    const before = dumpDatabase(g.services);
    const result = await g.call('vault:rotateKey');
    expect(result).toMatchObject({ ok: false, error: { code: 'DECRYPTION_FAILED' } });
    expect(dumpDatabase(g.services)).toEqual(before);
    // The key the database names is still stored; the unused new key may stay beside it.
    const stored = (await g.keyStore.load(g.services.vault.keychainAccount))!.map((k) => k.id);
    expect(stored).toContain((await g.ok('vault:status')).keyId);
  });

  it('a rotation whose keychain write fails changes nothing and keeps the old key working', async () => {
    const g = await graph();
    const a = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields });
    const store = g.keyStore as MemoryKeyStore;
    const before = dumpDatabase(g.services);
    store.unavailable = true;
    const result = await g.call('vault:rotateKey');
    expect(result).toMatchObject({ ok: false, error: { code: 'KEYSTORE_UNAVAILABLE' } });
    expect(dumpDatabase(g.services)).toEqual(before);
    store.unavailable = false;
    const reopened = await g.reopen();
    graphs.push(reopened);
    expect((await reopened.ok('vault:status')).state).toBe('ready');
    expect(reopened.services.connections.credentials(a.id)).toEqual(fields);
  });
});

describe('passphrase mode', () => {
  it('works where no keychain exists: set up, restart locked, wrong passphrase refused, unlock', async () => {
    const g = await graph({ keyStore: new MemoryKeyStore(true) });
    const short = await g.call('vault:setupPassphrase', { passphrase: 'short' });
    expect(short).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const setup = await g.ok('vault:setupPassphrase', { passphrase: 'correct horse battery staple' });
    expect(setup).toMatchObject({ backend: 'passphrase', state: 'ready' });
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields });
    const reopened = await g.reopen();
    graphs.push(reopened);
    expect((await reopened.ok('vault:status')).state).toBe('locked');
    expect(() => reopened.services.connections.credentials(conn.id)).toThrowError(expect.objectContaining({ code: 'VAULT_LOCKED' }));
    const wrong = await reopened.call('vault:unlock', { passphrase: 'not the right passphrase' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE' } });
    expect((await reopened.ok('vault:unlock', { passphrase: 'correct horse battery staple' })).state).toBe('ready');
    expect(reopened.services.connections.credentials(conn.id)).toEqual(fields);
    // Rotation re-wraps the key file under the same passphrase.
    await reopened.ok('vault:rotateKey');
    const again = await reopened.reopen();
    graphs.push(again);
    await again.ok('vault:unlock', { passphrase: 'correct horse battery staple' });
    expect(again.services.connections.credentials(conn.id)).toEqual(fields);
  });

  it('announces vault:changed once after each change that succeeded, and nothing after one that failed', async () => {
    const passphrase = 'correct horse battery staple';
    const g = await graph({ keyStore: new MemoryKeyStore(true) });
    const vaultEvents = (of: TestGraph) => of.events.filter((e) => e.event === 'vault:changed').map((e) => e.payload);
    await g.ok('vault:setupPassphrase', { passphrase });
    expect(vaultEvents(g)).toEqual([expect.objectContaining({ backend: 'passphrase', state: 'ready' })]);
    const reopened = await g.reopen();
    graphs.push(reopened);
    await reopened.call('vault:unlock', { passphrase: 'not the right passphrase' });
    expect(vaultEvents(reopened)).toEqual([]);
    await reopened.ok('vault:unlock', { passphrase });
    await reopened.ok('vault:rotateKey');
    await reopened.ok('vault:retry');
    expect(vaultEvents(reopened).map((s) => (s as { state: string }).state)).toEqual(['ready', 'ready', 'ready']);
  });

  it('moves an existing keychain key into the passphrase file', async () => {
    const g = await graph();
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields });
    const account = g.services.vault.keychainAccount;
    await g.ok('vault:setupPassphrase', { passphrase: 'correct horse battery staple' });
    expect(await g.keyStore.load(account)).toBeNull();
    const reopened = await g.reopen();
    graphs.push(reopened);
    await reopened.ok('vault:unlock', { passphrase: 'correct horse battery staple' });
    expect(reopened.services.connections.credentials(conn.id)).toEqual(fields);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import type keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/main/store/db';
import { newMasterKey } from '../../src/main/vault/crypto';
import { LEGACY_ACCOUNT } from '../../src/main/vault/keychain-ring';
import { KeyStoreUnavailableError, MemoryKeyStore } from '../../src/main/vault/keystore';
import { KeytarKeyStore } from '../../src/main/vault/keytar-keystore';
import { makeGraph, tempDir, type TestGraph } from '../support/graph';

const graphs: TestGraph[] = [];
async function graph(...args: Parameters<typeof makeGraph>) {
  const g = await makeGraph(...args);
  graphs.push(g);
  return g;
}
afterEach(() => graphs.splice(0).forEach((g) => g.close()));

const fields = { api_key: 'AKPROFILE0000001', api_secret: 'profile-secret-0001' };
const create = (g: TestGraph, label = 'Main') => g.ok('connections:create', { broker: 'alpaca', label, environment: 'live', fields });

/** Close the graph and copy its database (a backup the trader keeps). */
function backup(g: TestGraph): string {
  g.close();
  const copy = path.join(tempDir('bv-backup-'), DB_FILE);
  fs.copyFileSync(path.join(g.dataDir, DB_FILE), copy);
  return copy;
}

function removeDatabase(dataDir: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dataDir, DB_FILE + suffix), { force: true });
}

describe('one keychain record per profile (issue 10 item 4)', () => {
  it('a second profile on the same keychain never overwrites the first profile’s key', async () => {
    const keyStore = new MemoryKeyStore();
    const first = await graph({ keyStore });
    const a = await create(first);
    const second = await graph({ keyStore });
    const b = await create(second);
    expect(first.services.vault.keychainAccount).not.toBe(second.services.vault.keychainAccount);
    for (const [g, id] of [
      [first, a.id],
      [second, b.id],
    ] as const) {
      const again = await g.reopen();
      graphs.push(again);
      expect(again.services.connections.credentials(id)).toEqual(fields);
    }
  });

  it('adopts the legacy global record’s key by copying it, and leaves the legacy record in place', async () => {
    const keyStore = new MemoryKeyStore();
    const g = await graph({ keyStore });
    const conn = await create(g);
    // What an older version left behind: the key in the one global record, no per-profile record.
    const account = g.services.vault.keychainAccount;
    const keys = (await keyStore.load(account))!;
    await keyStore.save(LEGACY_ACCOUNT, keys);
    await keyStore.clear(account);
    const again = await g.reopen();
    graphs.push(again);
    expect((await again.ok('vault:status')).state).toBe('ready');
    expect(again.services.connections.credentials(conn.id)).toEqual(fields);
    expect(await keyStore.load(account)).toEqual(keys);
    expect(await keyStore.load(LEGACY_ACCOUNT)).toEqual(keys);
  });

  it('never adopts a legacy key the database does not use', async () => {
    const keyStore = new MemoryKeyStore();
    const other = newMasterKey();
    await keyStore.save(LEGACY_ACCOUNT, [other]);
    const g = await graph({ keyStore });
    await create(g);
    const own = (await keyStore.load(g.services.vault.keychainAccount))!;
    expect(own.map((k) => k.id)).not.toContain(other.id);
    expect(await keyStore.load(LEGACY_ACCOUNT)).toEqual([other]);
  });

  it('a deleted database opens as a fresh profile; a restored backup still decrypts (issue 11 item 6)', async () => {
    const keyStore = new MemoryKeyStore();
    const g = await graph({ keyStore });
    const conn = await create(g);
    const saved = backup(g);
    removeDatabase(g.dataDir);
    const fresh = await graph({ keyStore, dataDir: g.dataDir });
    expect((await fresh.ok('vault:status')).state).toBe('no-key-yet');
    const other = await create(fresh, 'Fresh');
    fresh.close();
    fs.copyFileSync(saved, path.join(g.dataDir, DB_FILE));
    const restored = await graph({ keyStore, dataDir: g.dataDir });
    expect((await restored.ok('vault:status')).state).toBe('ready');
    expect(restored.services.connections.credentials(conn.id)).toEqual(fields);
    expect(restored.services.connections.find(other.id)).toBeNull();
  });

  it('an emptied database (same profile) adds its first key beside the old one, never over it', async () => {
    const keyStore = new MemoryKeyStore();
    const g = await graph({ keyStore });
    const conn = await create(g);
    const oldKeyId = (await g.ok('vault:status')).keyId!;
    const saved = backup(g);
    // Emptied: no connections and no key id, but the profile id survives.
    const emptied = await graph({ keyStore, dataDir: g.dataDir });
    emptied.services.db.exec("DELETE FROM connections; DELETE FROM settings WHERE key = 'vault.keyId'");
    const reopened = await emptied.reopen();
    graphs.push(reopened);
    expect((await reopened.ok('vault:status')).state).toBe('no-key-yet');
    await create(reopened, 'After');
    const stored = (await keyStore.load(reopened.services.vault.keychainAccount))!.map((k) => k.id);
    expect(stored).toHaveLength(2);
    expect(stored).toContain(oldKeyId);
    reopened.close();
    fs.copyFileSync(saved, path.join(g.dataDir, DB_FILE));
    for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(g.dataDir, DB_FILE + suffix), { force: true });
    const restored = await graph({ keyStore, dataDir: g.dataDir });
    expect(restored.services.connections.credentials(conn.id)).toEqual(fields);
  });

  it('a record holding keys this profile does not know keeps them all when a key is added', async () => {
    const keyStore = new MemoryKeyStore();
    const g = await graph({ keyStore });
    const account = g.services.vault.keychainAccount;
    const strangers = [newMasterKey(), newMasterKey()];
    await keyStore.save(account, strangers);
    await create(g);
    const stored = (await keyStore.load(account))!;
    expect(stored.slice(0, 2)).toEqual(strangers);
    expect(stored).toHaveLength(3);
  });

  it('setting up a passphrase never overwrites a vault.key it cannot open: the old file is moved aside', async () => {
    const g = await graph({ keyStore: new MemoryKeyStore(true) });
    fs.writeFileSync(path.join(g.dataDir, 'vault.key'), 'an older key file');
    await g.ok('vault:setupPassphrase', { passphrase: 'correct horse battery staple' });
    const aside = fs.readdirSync(g.dataDir).filter((f) => /^vault\.key\.\d+\.old$/.test(f));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(g.dataDir, aside[0]!), 'utf8')).toBe('an older key file');
  });
});

/** A keytar stand-in whose calls hang while `hung` is set (a Secret Service that never answers). */
function switchableKeytar() {
  const records = new Map<string, string>();
  const state = { hung: true };
  const call = <T>(answer: () => T): Promise<T> => (state.hung ? new Promise<T>(() => undefined) : Promise.resolve(answer()));
  const fake = {
    findCredentials: () => call(() => []),
    getPassword: (_s: string, account: string) => call(() => records.get(account) ?? null),
    setPassword: (_s: string, account: string, value: string) => call(() => void records.set(account, value)),
    deletePassword: (_s: string, account: string) => call(() => records.delete(account)),
  } as unknown as typeof keytar;
  return { state, fake };
}

describe('keychain calls time out (issue 10 item 3)', () => {
  it('a hung keychain call surfaces as unavailable instead of hanging', async () => {
    const { fake } = switchableKeytar();
    const store = new KeytarKeyStore('BrokerVault test hung', { timeoutMs: 20, loadKeytar: () => fake });
    expect(await store.available()).toBe(false);
    await expect(store.load('master-key:x')).rejects.toBeInstanceOf(KeyStoreUnavailableError);
    await expect(store.save('master-key:x', [newMasterKey()])).rejects.toBeInstanceOf(KeyStoreUnavailableError);
  });

  it('start-up with a hung keychain reports keystore-unavailable; vault:retry recovers once it answers', async () => {
    const { state, fake } = switchableKeytar();
    state.hung = false;
    const keyStore = new KeytarKeyStore('BrokerVault test hung', { timeoutMs: 20, loadKeytar: () => fake });
    const g = await graph({ keyStore });
    const conn = await create(g);
    state.hung = true;
    const again = await g.reopen();
    graphs.push(again);
    const status = await again.ok('vault:status');
    expect(status.state).toBe('keystore-unavailable');
    expect(status.guidance).toMatch(/Try again/);
    expect((await again.ok('vault:retry')).state).toBe('keystore-unavailable');
    state.hung = false;
    expect((await again.ok('vault:retry')).state).toBe('ready');
    expect(again.events.filter((e) => e.event === 'vault:changed').at(-1)?.payload).toMatchObject({ state: 'ready' });
    expect(again.services.connections.credentials(conn.id)).toEqual(fields);
  });
});

describe('vault:retry', () => {
  it('leaves a ready vault as it is: an unlocked passphrase vault stays unlocked', async () => {
    const g = await graph({ keyStore: new MemoryKeyStore(true) });
    await g.ok('vault:setupPassphrase', { passphrase: 'correct horse battery staple' });
    const conn = await create(g);
    expect((await g.ok('vault:retry')).state).toBe('ready');
    expect(g.services.connections.credentials(conn.id)).toEqual(fields);
  });
});

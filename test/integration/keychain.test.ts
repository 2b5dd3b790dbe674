import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeytarKeyStore } from '../../src/main/vault/keytar-keystore';
import { newMasterKey } from '../../src/main/vault/crypto';
import { makeGraph } from '../support/graph';

/**
 * The real OS keychain through keytar: GNOME Keyring over the Secret Service inside the session bus
 * `npm test` starts. Where `npm test` started an unlocked keyring it sets BROKERVAULT_KEYCHAIN_TESTS=required,
 * and then these tests must run; elsewhere they skip, saying why.
 */
const required = process.env.BROKERVAULT_KEYCHAIN_TESTS === 'required';
const reachable = required || (await new KeytarKeyStore(`BrokerVault probe ${process.pid}`).available());
const skipReason = 'no OS keychain reachable here (npm test runs these inside dbus-run-session with gnome-keyring)';

describe.skipIf(!reachable)(`OS keychain (keytar)${reachable ? '' : `: skipped, ${skipReason}`}`, () => {
  const service = `BrokerVault test ${randomBytes(4).toString('hex')}`;

  it('is available and round-trips a key record', async () => {
    const store = new KeytarKeyStore(service);
    expect(await store.available()).toBe(true);
    const keys = [newMasterKey(), newMasterKey()];
    await store.save('round-trip', keys);
    expect(await store.load('round-trip')).toEqual(keys);
    await store.clear('round-trip');
    expect(await store.load('round-trip')).toBeNull();
  });

  it('keeps the vault key across restarts of the whole graph', async () => {
    const keyStore = new KeytarKeyStore(`${service} graph`);
    const g = await makeGraph({ keyStore });
    const conn = await g.ok('connections:create', {
      broker: 'alpaca',
      label: 'Keychain',
      environment: 'live',
      fields: { api_key: 'AKKEYCHAIN0001', api_secret: 'keychain-secret-1' },
    });
    expect((await g.ok('vault:status')).state).toBe('ready');
    const again = await g.reopen();
    expect(again.services.connections.credentials(conn.id)).toEqual({ api_key: 'AKKEYCHAIN0001', api_secret: 'keychain-secret-1' });
    await again.ok('vault:rotateKey');
    const account = again.services.vault.keychainAccount;
    // Old and new key, in this profile's own record.
    expect(account).toMatch(/^master-key:[0-9a-f]{32}$/);
    expect((await keyStore.load(account))!).toHaveLength(2);
    again.close();
    await keyStore.clear(account);
  });

  it('gives each profile its own record: a second profile never overwrites the first one’s key', async () => {
    const keyStore = new KeytarKeyStore(`${service} profiles`);
    const creds = { api_key: 'AKKEYCHAIN0002', api_secret: 'keychain-secret-2' };
    const first = await makeGraph({ keyStore });
    const a = await first.ok('connections:create', { broker: 'alpaca', label: 'First', environment: 'live', fields: creds });
    const second = await makeGraph({ keyStore });
    const b = await second.ok('connections:create', { broker: 'alpaca', label: 'Second', environment: 'live', fields: creds });
    const accounts = [first.services.vault.keychainAccount, second.services.vault.keychainAccount];
    expect(new Set(accounts).size).toBe(2);
    for (const [g, id] of [
      [first, a.id],
      [second, b.id],
    ] as const) {
      const again = await g.reopen();
      expect(again.services.connections.credentials(id)).toEqual(creds);
      again.close();
    }
    for (const account of accounts) await keyStore.clear(account);
  });

  it('fails closed when the secret service is gone: no key is written anywhere else', () => {
    // A child process with a session bus address that leads nowhere.
    const script = `
      import { makeGraph } from './test/support/graph.ts';
      import { KeytarKeyStore } from './src/main/vault/keytar-keystore.ts';
      const g = await makeGraph({ keyStore: new KeytarKeyStore('BrokerVault test unreachable') });
      const status = await g.ok('vault:status');
      const create = await g.call('connections:create', { broker: 'alpaca', label: 'x', environment: 'live', fields: { api_key: 'AKKEYCHAIN0001', api_secret: 'keychain-secret-1' } });
      const rows = g.services.db.prepare('SELECT count(*) AS n FROM connection_fields').get().n;
      console.log(JSON.stringify({ state: status.state, code: create.ok ? null : create.error.code, rows }));
      g.close();
    `;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const last = result.stdout.trim().split('\n').pop() ?? '';
    expect(JSON.parse(last || '{}'), result.stderr).toEqual({ state: 'keystore-unavailable', code: 'KEYSTORE_UNAVAILABLE', rows: 0 });
  }, 60_000);
});

describe('key store failure is a named state, never a fallback', () => {
  it('a keytar that cannot load at all reports unavailable', async () => {
    const broken = new KeytarKeyStore('x', {
      loadKeytar: () => {
        throw new Error('libsecret-1.so.0: cannot open shared object file');
      },
    });
    expect(await broken.available()).toBe(false);
    await expect(broken.load('master-key:x')).rejects.toThrow('No OS keychain is reachable');
    const g = await makeGraph({ keyStore: broken });
    expect((await g.ok('vault:status')).state).toBe('keystore-unavailable');
    g.close();
  });
});

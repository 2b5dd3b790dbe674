import fs from 'node:fs';
import { createServices } from '../src/main/composition';
import { decryptField, encryptField, newMasterKey } from '../src/main/vault/crypto';
import { MemoryKeyStore } from '../src/main/vault/keystore';
import { confPreferences } from '../src/main/preferences-conf';
import { fakeAdapter } from '../test/support/fake-broker';
import { benchGraph, benchTempDir, TRUSTED_SENDER } from './lib/graph';
import { metric, summarize, timeAsync, timeSync, type BenchOptions, type BenchResult } from './lib/stats';

const CONNECTIONS = 100;

/**
 * 3. Vault: open the store and unlock the key (keychain mode, in-memory key store), decrypt every secret
 * of 100 connections, rotate the key over them; the passphrase mode's scrypt unlock separately.
 */
export async function vaultBench(opts: BenchOptions): Promise<BenchResult> {
  const reps = opts.quick ? 5 : 15;
  // Three secret fields per connection (api_key, api_secret, pin) and one plain one: 300 secrets.
  const brokers = [fakeAdapter('alpaca')];
  const keyStore = new MemoryKeyStore();
  const dataDir = benchTempDir('vault');
  let g = await benchGraph({ dataDir, keyStore, brokers });
  const ids: string[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const c = await g.ok('connections:create', {
      broker: 'alpaca',
      label: `vault ${i}`,
      environment: 'live',
      fields: { api_key: `key_${i}_abcdefgh`, api_secret: `secret-${i}-${'x'.repeat(40)}`, client_code: 'ABC123', pin: '1234' },
    });
    ids.push(c.id);
  }
  const secretCount = g.services.vault.status().secretCount;
  g.close(true);

  // Open: the whole service graph on the existing profile (database open + migration check, vault init
  // from the key store); the vault must come up ready.
  const open: number[] = [];
  for (let i = 0; i < reps + 2; i++) {
    let services: Awaited<ReturnType<typeof createServices>> | null = null;
    const ms = await timeAsync(async () => {
      services = await createServices({ dataDir, keyStore, brokers, preferences: confPreferences(dataDir), logSink: { write: () => undefined }, oauthPort: 0 });
    });
    const s = services as unknown as Awaited<ReturnType<typeof createServices>>;
    if (s.vault.status().state !== 'ready') throw new Error(`vault not ready: ${s.vault.status().state}`);
    s.close();
    if (i >= 2) open.push(ms);
  }
  g = await benchGraph({ dataDir, keyStore, brokers });
  try {
    const initOnly = summarize(await Promise.all(Array.from({ length: reps }, () => timeAsync(() => g.services.vault.init()))));
    // Decrypt every secret the way an adapter call gets them: connections.credentials(id), per connection.
    const decryptAll: number[] = [];
    for (let i = 0; i < reps + 3; i++) {
      const ms = timeSync(() => {
        for (const id of ids) g.services.connections.credentials(id);
      });
      if (i >= 3) decryptAll.push(ms);
    }
    // The bare cipher work for the same number of values, for comparison.
    const key = newMasterKey();
    const sealed = Array.from({ length: secretCount }, (_, i) => encryptField(key, { recordId: `r${i}`, field: 'f' }, `secret-${i}-${'x'.repeat(40)}`));
    const rawDecrypt = summarize(
      Array.from({ length: reps + 3 }, () => timeSync(() => sealed.forEach((s, i) => decryptField(key, { recordId: `r${i}`, field: 'f' }, s)))).slice(3),
    );
    const rotate: number[] = [];
    for (let i = 0; i < reps; i++) {
      rotate.push(
        await timeAsync(async () => {
          const r = await g.services.router.handle('vault:rotateKey', TRUSTED_SENDER, {});
          if (!r.ok) throw new Error(`rotate failed: ${r.error.message}`);
        }),
      );
    }
    g.close();
    fs.rmSync(dataDir, { recursive: true, force: true });

    // Passphrase mode: scrypt (N = 2^17, r = 8, p = 1) is deliberately slow.
    const pDir = benchTempDir('vault-pass');
    const pass = 'correct horse battery staple';
    const pg = await benchGraph({ dataDir: pDir, keyStore: new MemoryKeyStore(), brokers });
    await pg.ok('vault:setupPassphrase', { passphrase: pass });
    pg.close(true);
    const unlock: number[] = [];
    for (let i = 0; i < (opts.quick ? 2 : 4); i++) {
      const lg = await benchGraph({ dataDir: pDir, keyStore: new MemoryKeyStore(), brokers });
      unlock.push(await timeAsync(() => lg.ok('vault:unlock', { passphrase: pass })));
      lg.close(true);
    }
    fs.rmSync(pDir, { recursive: true, force: true });
    const openS = summarize(open);
    const dec = summarize(decryptAll);
    const rot = summarize(rotate);
    const unl = summarize(unlock);
    return {
      bench: 'vault',
      method:
        `${CONNECTIONS} connections with ${secretCount} encrypted secrets (3 per connection, AES-256-GCM); keychain mode with the in-memory key store. ` +
        `Open = createServices on the existing profile until the vault is ready; decrypt-all = connections.credentials() for every connection; rotation = vault:rotateKey via the router.`,
      metrics: [
        metric('open store + unlock key p50', openS.p50, 'ms', { target: 50 }),
        metric('open store + unlock key max', openS.max, 'ms'),
        metric('vault.init() alone p50', initOnly.p50, 'ms'),
        metric(`decrypt all ${secretCount} secrets p50`, dec.p50, 'ms', { target: 10 }),
        metric(`bare AES-GCM decrypt of ${secretCount} p50`, rawDecrypt.p50, 'ms'),
        metric('decrypt-all / bare cipher', dec.p50 / rawDecrypt.p50, '×'),
        metric(`rotate key over ${secretCount} secrets p50`, rot.p50, 'ms', { target: 500 }),
        metric('rotate key max', rot.max, 'ms'),
        metric('passphrase unlock (scrypt N=2^17) p50', unl.p50, 'ms', { note: 'deliberately slow' }),
        metric('scrypt unlock / keychain open', unl.p50 / openS.p50, '×'),
      ],
      findings: [],
    };
  } catch (error) {
    g.close();
    throw error;
  }
}

import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/result';
import type { MasterKey } from '../../src/main/vault/crypto';
import fs from 'node:fs';
import { parseKeys, serializeKeys, type KeyStore } from '../../src/main/vault/keystore';
import { makeGraph, tempDir, type TestGraph } from '../support/graph';

/**
 * Issue 11 item 5, "done when": every interleaving of pairs of key operations loses 0 credentials after a
 * restart. Each run starts operation A, lets `gap` event-loop turns pass (each keychain call takes one), starts
 * B, waits for both, restarts the graph and decrypts every connection. Counted, and the count is printed.
 */
const PASSPHRASE = 'correct horse battery staple';
const GAPS = [0, 1, 2, 4];

/** A keychain whose every call takes one event-loop turn, so operations overlap at every step; copyable per run. */
class SlowKeyStore implements KeyStore {
  readonly name = 'Slow in-memory (testing only)';
  constructor(private readonly records = new Map<string, string>()) {}
  private turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  copy(): SlowKeyStore {
    return new SlowKeyStore(new Map(this.records));
  }
  async available() {
    await this.turn();
    return true;
  }
  async load(account: string) {
    await this.turn();
    const record = this.records.get(account);
    return record ? parseKeys(record) : null;
  }
  async save(account: string, keys: MasterKey[]) {
    await this.turn();
    this.records.set(account, serializeKeys(keys));
  }
  async clear(account: string) {
    await this.turn();
    this.records.delete(account);
  }
}

type Expected = Map<string, Record<string, string>>;
interface Run {
  g: TestGraph;
  expected: Expected;
  ids: string[];
}
type Op = (run: Run, slot: number) => Promise<Result<unknown>>;

let serial = 0;
const fieldsFor = (n: number) => ({ api_key: `AKPAIR${String(n).padStart(8, '0')}`, api_secret: `pair-secret-${n}` });

const OPS: Record<string, Op> = {
  rotate: ({ g }) => g.call('vault:rotateKey'),
  setupPassphrase: ({ g }) => g.call('vault:setupPassphrase', { passphrase: PASSPHRASE }),
  unlock: ({ g }) => g.call('vault:unlock', { passphrase: PASSPHRASE }),
  retry: ({ g }) => g.call('vault:retry'),
  create: async ({ g, expected }) => {
    const fields = fieldsFor(++serial);
    const result = await g.call('connections:create', { broker: 'alpaca', label: `pair-${serial}`, environment: 'live', fields });
    if (result.ok) expected.set(result.value.id, fields);
    return result;
  },
  update: async ({ g, expected, ids }, slot) => {
    const id = ids[slot];
    if (!id) return { ok: true, value: null };
    const secret = `updated-secret-${++serial}`;
    const result = await g.call('connections:update', { id, fields: { api_secret: secret } });
    if (result.ok) expected.set(id, { ...expected.get(id)!, api_secret: secret });
    return result;
  },
  session: async ({ g, expected, ids }, slot) => {
    const id = ids[slot];
    if (!id) return { ok: true, value: null };
    const token = `session-token-${++serial}`;
    try {
      await g.services.connections.storeSession(id, { access_token: token }, null, {});
      expected.set(id, { ...expected.get(id)!, access_token: token });
      return { ok: true, value: null };
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'INTERNAL';
      return { ok: false, error: { code, message: String(error) } } as Result<unknown>;
    }
  },
};

/** Refusals that are a correct answer for the state an operation meets; anything else is a defect. */
const ACCEPTABLE_REFUSALS = new Set(['CONFLICT', 'VAULT_LOCKED']);

const STARTS: Record<string, { rows: number; passphrase: 'none' | 'locked' | 'unlocked' }> = {
  'fresh profile': { rows: 0, passphrase: 'none' },
  'keychain with rows': { rows: 2, passphrase: 'none' },
  'passphrase, locked': { rows: 2, passphrase: 'locked' },
  'passphrase, unlocked': { rows: 2, passphrase: 'unlocked' },
};

interface Template {
  dataDir: string;
  keyStore: SlowKeyStore;
  expected: Expected;
  unlock: boolean;
}

/** Build each starting profile once; every run opens a copy of its files and keychain. */
async function template(start: (typeof STARTS)[string]): Promise<Template> {
  const keyStore = new SlowKeyStore();
  const g = await makeGraph({ keyStore });
  const expected: Expected = new Map();
  for (let i = 0; i < start.rows; i++) {
    const fields = fieldsFor(++serial);
    expected.set((await g.ok('connections:create', { broker: 'alpaca', label: `start-${serial}`, environment: 'live', fields })).id, fields);
  }
  if (start.passphrase !== 'none') await g.ok('vault:setupPassphrase', { passphrase: PASSPHRASE });
  g.close();
  return { dataDir: g.dataDir, keyStore, expected, unlock: start.passphrase === 'unlocked' };
}

async function prepare(t: Template): Promise<Run> {
  const dataDir = tempDir('bv-pair-');
  fs.cpSync(t.dataDir, dataDir, { recursive: true });
  const g = await makeGraph({ dataDir, keyStore: t.keyStore.copy() });
  if (t.unlock) await g.ok('vault:unlock', { passphrase: PASSPHRASE });
  return { g, expected: new Map(t.expected), ids: [...t.expected.keys()] };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

async function lostAfterRestart(run: Run): Promise<string[]> {
  const again = await run.g.reopen();
  try {
    if ((await again.ok('vault:status')).state === 'locked') await again.ok('vault:unlock', { passphrase: PASSPHRASE });
    const lost: string[] = [];
    const rows = again.services.db.prepare('SELECT id FROM connections').all() as { id: string }[];
    for (const { id } of rows) if (!run.expected.has(id)) lost.push(`${id}: a row no call reported`);
    for (const [id, creds] of run.expected) {
      try {
        expect(again.services.connections.credentials(id)).toEqual(creds);
      } catch (error) {
        lost.push(`${id}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    return lost;
  } finally {
    again.close();
  }
}

const tally = { runs: 0, lost: 0 };
afterAll(() => console.log(`key-operation interleavings: ${tally.runs} runs, ${tally.lost} credentials lost`));

describe('every interleaving of pairs of key operations loses 0 credentials after a restart', () => {
  const names = Object.keys(OPS);
  for (const [startName, start] of Object.entries(STARTS)) {
    it(`from a ${startName}: ${names.length ** 2} ordered pairs × ${GAPS.length} gaps`, async () => {
      const failures: string[] = [];
      const t = await template(start);
      for (const a of names) {
        for (const b of names) {
          for (const gap of GAPS) {
            const run = await prepare(t);
            const first = OPS[a]!(run, 0);
            await turns(gap);
            const second = OPS[b]!(run, 1);
            const results = await Promise.all([first, second]);
            const label = `${a} × ${b} (gap ${gap})`;
            results.forEach((r, i) => {
              if (!r.ok && !ACCEPTABLE_REFUSALS.has(r.error.code)) failures.push(`${label}: ${i === 0 ? a : b} failed ${r.error.code} ${r.error.message}`);
            });
            const lost = await lostAfterRestart(run);
            tally.runs++;
            tally.lost += lost.length;
            failures.push(...lost.map((l) => `${label}: lost ${l}`));
          }
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }
});

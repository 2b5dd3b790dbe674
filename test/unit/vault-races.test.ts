import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKeyStore } from '../../src/main/vault/keystore';
import { SerialQueue } from '../../src/main/vault/serial-queue';
import { makeGraph, type TestGraph } from '../support/graph';

/**
 * Issue 11 item 5: key changes that race. Each test starts two operations in the same turn, as a
 * renderer that double-sends would, then restarts and requires every stored credential to decrypt.
 */
const graphs: TestGraph[] = [];
async function graph(...args: Parameters<typeof makeGraph>) {
  const g = await makeGraph(...args);
  graphs.push(g);
  return g;
}
afterEach(() => graphs.splice(0).forEach((g) => g.close()));

const PASSPHRASE = 'correct horse battery staple';
const fields = (n: number) => ({ api_key: `AKRACE${String(n).padStart(8, '0')}`, api_secret: `race-secret-${n}` });

async function restartAndDecryptAll(g: TestGraph, expected: Map<string, Record<string, string>>) {
  const again = await g.reopen();
  graphs.push(again);
  if ((await again.ok('vault:status')).state === 'locked') await again.ok('vault:unlock', { passphrase: PASSPHRASE });
  const rows = again.services.db.prepare('SELECT id FROM connections').all() as { id: string }[];
  expect(rows.map((r) => r.id).sort()).toEqual([...expected.keys()].sort());
  for (const [id, creds] of expected) expect(again.services.connections.credentials(id)).toEqual(creds);
}

describe('key changes race (reproductions)', () => {
  it('setupPassphrase while rotateKey runs: every credential still decrypts after a restart', async () => {
    const g = await graph({ keyStore: new MemoryKeyStore() });
    const a = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields: fields(1) });
    const [rotate, setup] = await Promise.all([g.call('vault:rotateKey'), g.call('vault:setupPassphrase', { passphrase: PASSPHRASE })]);
    expect(rotate.ok).toBe(true);
    expect(setup.ok).toBe(true);
    await restartAndDecryptAll(g, new Map([[a.id, fields(1)]]));
  });

  it('two rotations at once leave a working key', async () => {
    const g = await graph();
    const a = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields: fields(1) });
    const results = await Promise.all([g.call('vault:rotateKey'), g.call('vault:rotateKey')]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect((await g.ok('vault:status')).state).toBe('ready');
    expect(g.services.connections.credentials(a.id)).toEqual(fields(1));
    await restartAndDecryptAll(g, new Map([[a.id, fields(1)]]));
  });

  it('a first connections:create during setupPassphrase keeps the row', async () => {
    const g = await graph();
    const [setup, create] = await Promise.all([
      g.call('vault:setupPassphrase', { passphrase: PASSPHRASE }),
      g.call('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields: fields(1) }),
    ]);
    expect(setup.ok).toBe(true);
    expect(create.ok).toBe(true);
    const id = (create as { value: { id: string } }).value.id;
    await restartAndDecryptAll(g, new Map([[id, fields(1)]]));
  });
});

describe('a write waiting for the key re-checks its connection', () => {
  it('an update of a connection deleted while it waited answers NOT_FOUND and writes nothing', async () => {
    const g = await graph();
    const a = await g.ok('connections:create', { broker: 'alpaca', label: 'A', environment: 'live', fields: fields(1) });
    const [rotate, update, del] = await Promise.all([
      g.call('vault:rotateKey'),
      g.call('connections:update', { id: a.id, fields: { api_secret: 'changed-secret-1' } }),
      g.call('connections:delete', { id: a.id }),
    ]);
    expect(rotate.ok && del.ok).toBe(true);
    expect(update).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(g.services.db.prepare('SELECT count(*) AS n FROM connection_fields').get()).toEqual({ n: 0 });
  });
});

describe('SerialQueue', () => {
  it('runs operations one at a time in call order, and goes on after one fails', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const step =
      (name: string, fail = false) =>
      async () => {
        log.push(`${name} start`);
        await new Promise<void>((resolve) => setImmediate(resolve));
        log.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([queue.run(step('a')), queue.run(step('b', true)), queue.run(step('c'))]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

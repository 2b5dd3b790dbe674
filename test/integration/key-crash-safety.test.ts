import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../support/file-keystore';
import { fakeAdapter } from '../support/fake-broker';
import { makeGraph, tempDir } from '../support/graph';
import { KEY_CRASH_FIELDS, KEY_CRASH_PASSPHRASE, keyCrashStore, type KeyCrashScenario } from '../support/key-crash';

/**
 * Issue 11 item 5: SIGKILL at each step of first key creation, rotation and passphrase setup, then restart
 * and decrypt everything. The child (test/support/key-crash-child.ts) kills itself at kill point 1, 2, 3 …
 * of the operation until a run finishes; after each kill a fresh graph must open every credential.
 */
const child = path.resolve(import.meta.dirname, '../support/key-crash-child.ts');
const fields = (n: number) => ({ api_key: `AKSTART${String(n).padStart(8, '0')}`, api_secret: `start-secret-${n}` });

function runChild(dataDir: string, scenario: KeyCrashScenario, killAt: number): Promise<{ killed: boolean; points: string[] }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, scenario, String(killAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    proc.on('exit', (code, signal) => {
      const lines = out.split('\n');
      const points = lines.filter((l) => l.startsWith('point ')).map((l) => l.split(' ').slice(2).join(' '));
      if (signal === 'SIGKILL') resolve({ killed: true, points });
      else if (code === 0 && lines.includes('done')) resolve({ killed: false, points });
      else reject(new Error(`key crash child failed (${code ?? signal}): ${err}`));
    });
  });
}

/** The profile each scenario starts from, built in this process. */
async function prepare(scenario: KeyCrashScenario): Promise<{ dataDir: string; expected: Map<string, Record<string, string>> }> {
  const dataDir = tempDir('bv-keycrash-');
  const expected = new Map<string, Record<string, string>>();
  if (scenario === 'first-key' || scenario === 'passphrase-first') return { dataDir, expected };
  const g = await makeGraph({ dataDir, keyStore: new FileKeyStore(keyCrashStore(dataDir)), brokers: [fakeAdapter('alpaca')] });
  for (let i = 1; i <= 3; i++)
    expected.set((await g.ok('connections:create', { broker: 'alpaca', label: `start-${i}`, environment: 'live', fields: fields(i) })).id, fields(i));
  if (scenario === 'passphrase-rotate') await g.ok('vault:setupPassphrase', { passphrase: KEY_CRASH_PASSPHRASE });
  g.close();
  return { dataDir, expected };
}

/** Restart on the files the killed child left, and list every credential that does not decrypt. */
async function lostAfterRestart(dataDir: string, expected: Map<string, Record<string, string>>): Promise<string[]> {
  const g = await makeGraph({ dataDir, keyStore: new FileKeyStore(keyCrashStore(dataDir)), brokers: [fakeAdapter('alpaca')] });
  try {
    const lost: string[] = [];
    let status = await g.ok('vault:status');
    if (status.state === 'locked') status = await g.ok('vault:unlock', { passphrase: KEY_CRASH_PASSPHRASE });
    if (status.secretCount > 0 && status.state !== 'ready') lost.push(`vault ${status.state} with ${status.secretCount} secrets`);
    const rows = g.services.db.prepare('SELECT id, label FROM connections').all() as { id: string; label: string }[];
    const all = new Map(expected);
    for (const row of rows) if (row.label === 'killed-create') all.set(row.id, KEY_CRASH_FIELDS);
    for (const [id, creds] of all) {
      try {
        expect(g.services.connections.credentials(id)).toEqual(creds);
      } catch (error) {
        lost.push(`${id}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    return lost;
  } finally {
    g.close();
  }
}

const SCENARIOS: KeyCrashScenario[] = ['first-key', 'rotate', 'passphrase-setup', 'passphrase-first', 'passphrase-rotate'];
const tally: string[] = [];
afterAll(() => console.log(`key crash safety: ${tally.join('; ')}`));

describe('SIGKILL at each step of a key change loses 0 credentials', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario}: every kill point`, async () => {
      const template = await prepare(scenario);
      const failures: string[] = [];
      let kills = 0;
      let names: string[] = [];
      for (let killAt = 1; killAt < 40; killAt++) {
        const dataDir = tempDir('bv-keycrash-run-');
        fs.cpSync(template.dataDir, dataDir, { recursive: true });
        const run = await runChild(dataDir, scenario, killAt);
        if (!run.killed) {
          names = run.points;
          failures.push(...(await lostAfterRestart(dataDir, template.expected)).map((l) => `finished run: ${l}`));
          break;
        }
        kills++;
        failures.push(...(await lostAfterRestart(dataDir, template.expected)).map((l) => `killed at ${killAt} (${run.points.at(-1)}): ${l}`));
      }
      tally.push(`${scenario} ${kills} kill points [${names.join(' → ')}]`);
      expect(kills).toBe(names.length);
      expect(kills).toBeGreaterThanOrEqual(4);
      expect(failures).toEqual([]);
    }, 240_000);
  }
});

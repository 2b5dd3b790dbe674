import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyStore } from '../support/file-keystore';
import { makeGraph, tempDir } from '../support/graph';
import { fakeAdapter } from '../support/fake-broker';

const writer = path.resolve(import.meta.dirname, '../support/crash-writer.ts');
const ROUNDS = 12;

/** Run the writer until it has committed at least `minimum` rows past `start`, then SIGKILL it after a random delay. */
function runAndKill(dataDir: string, start: number, minimum: number): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dataDir, String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const committed = new Map<number, string>();
    let buffer = '';
    let stderr = '';
    let scheduled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [, index, id] = line.split(' ');
        committed.set(Number(index), id!);
      }
      if (!scheduled && committed.size >= minimum) {
        scheduled = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(committed) : reject(new Error(`writer exited without being killed: ${stderr}`))));
  });
}

describe('crash safety', () => {
  it(`keeps the database intact and every committed row readable across ${ROUNDS} SIGKILLs`, async () => {
    const dataDir = tempDir('bv-crash-');
    const all = new Map<number, string>();
    let next = 0;
    let sealedByParent = 0;
    let sealedByChild = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const committed = await runAndKill(dataDir, next, 3);
      for (const [i, id] of committed) all.set(i, id);
      next = Math.max(...all.keys()) + 1000; // labels never clash with a row the killed writer may have committed unreported

      const g = await makeGraph({ dataDir, keyStore: new FileKeyStore(path.join(dataDir, 'test-key.json')), brokers: [fakeAdapter('alpaca')] });
      try {
        expect(g.services.db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(g.services.db.pragma('foreign_key_check')).toEqual([]);
        for (const [i, id] of all) {
          const creds = g.services.connections.credentials(id);
          expect(creds).toEqual({ api_key: `AKCRASH${String(i).padStart(8, '0')}`, api_secret: `secret-for-${i}-${'x'.repeat(i % 50)}` });
        }
        // No half-written connection: every row has both fields, and every create is audited.
        const partial = g.services.db
          .prepare('SELECT id FROM connections WHERE (SELECT count(*) FROM connection_fields f WHERE f.connection_id = connections.id) <> 2')
          .all();
        expect(partial).toEqual([]);
        const rows = g.services.db.prepare('SELECT count(*) AS n FROM connections').get() as { n: number };
        const audited = g.services.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'connection.create'").get() as { n: number };
        expect(audited.n).toBe(rows.n);
        // The killed writer sealed as it went: its seal is never ahead of the rows, and a database ahead of
        // the seal (killed between a commit and the seal) is not read as tampering.
        const anchorFile = path.join(dataDir, 'audit-anchor.json');
        const childSeal = fs.existsSync(anchorFile) ? (JSON.parse(fs.readFileSync(anchorFile, 'utf8')) as { count: number }).count : 0;
        const entries = (g.services.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
        expect(childSeal).toBeLessThanOrEqual(entries);
        if (childSeal > sealedByParent) sealedByChild++;
        const verified = await g.ok('audit:verify');
        expect(verified).toMatchObject({ ok: true, checked: entries, sealed: entries });
        sealedByParent = entries;
      } finally {
        g.close();
      }
    }
    expect(all.size).toBeGreaterThanOrEqual(ROUNDS * 3);
    expect(sealedByChild, 'the writer sealed in some rounds before it was killed').toBeGreaterThan(0);
  }, 120_000);
});

import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyStore } from '../support/file-keystore';
import { makeGraph, tempDir } from '../support/graph';
import { fakeAdapter } from '../support/fake-broker';

const writer = path.resolve(import.meta.dirname, '../support/api-key-crash-writer.ts');
const ROUNDS = 4;

interface Seen {
  created: Map<string, string>;
  revoked: Set<string>;
}

/** Run the writer until it reported `minimum` keys, then SIGKILL it after a random delay. */
function runAndKill(dataDir: string, minimum: number): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const seen: Seen = { created: new Map(), revoked: new Set() };
    let buffer = '';
    let stderr = '';
    let scheduled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [what, id, secret] = line.split(' ');
        if (what === 'created') seen.created.set(id!, secret!);
        if (what === 'revoked') seen.revoked.add(id!);
      }
      if (!scheduled && seen.created.size >= minimum) {
        scheduled = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`writer exited without being killed: ${stderr}`))));
  });
}

describe('API key crash safety', () => {
  it(`keeps every reported key and revocation across ${ROUNDS} SIGKILLs, each audited, none half-written`, async () => {
    const dataDir = tempDir('bv-api-crash-');
    const created = new Map<string, string>();
    const revoked = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const seen = await runAndKill(dataDir, 4);
      for (const [id, secret] of seen.created) created.set(id, secret);
      for (const id of seen.revoked) revoked.add(id);
      const g = await makeGraph({ dataDir, keyStore: new FileKeyStore(path.join(dataDir, 'test-key.json')), brokers: [fakeAdapter('alpaca')] });
      try {
        expect(g.services.db.pragma('integrity_check', { simple: true })).toBe('ok');
        const keys = g.services.localApi.keys;
        for (const [id, secret] of created) {
          const caller = keys.verify(secret);
          if (revoked.has(id)) expect(caller).toBeNull();
          // A revoke may have committed unreported (killed before it printed): then the row says revoked.
          else if (caller === null) expect(keys.list().find((k) => k.id === id)?.revokedAt).not.toBeNull();
          else expect(caller.keyId).toBe(id);
        }
        // Every key row has its creation audited, every revoked row its revocation: never one without the other.
        const count = (sql: string) => (g.services.db.prepare(sql).get() as { n: number }).n;
        expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'api.keyCreate'")).toBe(count('SELECT count(*) AS n FROM api_keys'));
        expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'api.keyRevoke'")).toBe(
          count('SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NOT NULL'),
        );
        expect((await g.ok('audit:verify')).ok).toBe(true);
      } finally {
        g.close();
      }
    }
    expect(created.size).toBeGreaterThanOrEqual(ROUNDS * 4);
  }, 120_000);
});

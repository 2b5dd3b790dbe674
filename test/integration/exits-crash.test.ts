import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyStore } from '../support/file-keystore';
import { makeGraph, tempDir } from '../support/graph';
import { fakeAdapter } from '../support/fake-broker';
import { ManualClock } from '../../src/main/clock';
import { START } from '../support/trading/world';

const child = path.resolve(import.meta.dirname, '../support/exit-crash-child.ts');
const ROUNDS = 10;

/** Run the child until it has set up its exit, then SIGKILL it after a random delay (around the trigger). */
function runAndKill(dataDir: string, round: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, String(round), String(START)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let exitId = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /ready ([0-9a-f]{16})/.exec(out);
      if (ready && !exitId) {
        exitId = ready[1]!;
        setTimeout(() => proc.kill('SIGKILL'), Math.floor(Math.random() * 30));
      }
    });
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    proc.on('exit', (_code, signal) => (signal === 'SIGKILL' && exitId ? resolve(exitId) : reject(new Error(`child exited without being killed: ${err}`))));
  });
}

describe('protective exits across SIGKILL', () => {
  it(`never sends a second exit order for one exit, across ${ROUNDS} kills around the trigger and the restarts after them`, async () => {
    const dataDir = tempDir('bv-exit-crash-');
    const keyStore = new FileKeyStore(path.join(dataDir, 'test-key.json'));
    const exits: string[] = [];
    /** The state each round's exit was left in by its kill: where in the trigger the kill landed. */
    const landed: string[] = [];
    const countsFor = (db: import('../../src/main/store/db').Db, id: string) => ({
      journal: (db.prepare('SELECT count(*) AS n FROM order_journal WHERE client_order_id = ?').get(`bv-xx-${id}`) as { n: number }).n,
      paper: (db.prepare('SELECT count(*) AS n FROM paper_orders WHERE client_order_id = ?').get(`bv-xx-${id}`) as { n: number }).n,
    });
    for (let round = 0; round < ROUNDS; round++) {
      exits.push(await runAndKill(dataDir, round));
      const g = await makeGraph({ dataDir, keyStore, clock: new ManualClock(START), brokers: [fakeAdapter('alpaca')] });
      try {
        expect(g.services.db.pragma('integrity_check', { simple: true })).toBe('ok');
        const mine = g.services.db.prepare('SELECT state FROM protective_exits WHERE id = ?').get(exits.at(-1)) as { state: string };
        const { journal } = countsFor(g.services.db, exits.at(-1)!);
        landed.push(`${mine.state}${mine.state === 'triggered' ? (journal ? '+journaled' : '+unsent') : ''}`);
        for (const id of exits) {
          const { journal, paper } = countsFor(g.services.db, id);
          expect(journal, `exit ${id} after round ${round}`).toBeLessThanOrEqual(1);
          expect(paper, `exit ${id} at the paper broker after round ${round}`).toBeLessThanOrEqual(journal);
        }
      } finally {
        g.close();
      }
    }
    console.info(`exit crash test: kills landed at ${landed.join(', ')}`);
    expect(
      landed.some((s) => s !== 'done'),
      'some kills landed before the exit finished',
    ).toBe(true);
    // The last start settles everything: each exit fired exactly once (or its order is being followed), none twice.
    const g = await makeGraph({ dataDir, keyStore, clock: new ManualClock(START), brokers: [fakeAdapter('alpaca')] });
    try {
      await g.services.trading.start();
      for (let i = 0; i < 5; i++) await g.services.trading.exits.poll();
      const states = new Map(g.services.trading.exits.list().map((e) => [e.id, e.state]));
      for (const id of exits) {
        expect(countsFor(g.services.db, id).journal, id).toBe(1);
        expect(countsFor(g.services.db, id).paper, id).toBeLessThanOrEqual(1);
        expect(['done', 'triggered'], id).toContain(states.get(id));
      }
      const position = (await g.ok('positions:list')).positions.find((p) => p.symbol === 'NSE:INFY')?.quantity ?? 0;
      // Never sold more than was bought: each round bought 10 and at most one exit sold 10.
      expect(position).toBeGreaterThanOrEqual(0);
    } finally {
      g.close();
    }
  }, 180_000);
});

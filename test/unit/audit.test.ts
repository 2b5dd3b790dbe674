import { afterEach, describe, expect, it } from 'vitest';
import { makeGraph, type TestGraph } from '../support/graph';

let g: TestGraph;
afterEach(() => g?.close());

async function seeded(count: number) {
  g = await makeGraph();
  for (let i = 0; i < count; i++) {
    g.services.audit.append('mode.switch', null, { to: i % 2 ? 'live' : 'paper' });
    g.clock.advance(1000);
  }
  return g;
}

function dropTriggers() {
  g.services.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
}

describe('audit log', () => {
  it('is append-only in the database itself', async () => {
    await seeded(3);
    expect(() => g.services.db.prepare('UPDATE audit_log SET action = ? WHERE seq = 2').run('order.submit')).toThrow(/append-only/);
    expect(() => g.services.db.prepare('DELETE FROM audit_log WHERE seq = 3').run()).toThrow(/append-only/);
  });

  it('verifies an intact chain', async () => {
    await seeded(25);
    // No vault key yet (nothing saved): linked, not sealed, and the report says why.
    expect(await g.ok('audit:verify')).toEqual({
      ok: true,
      checked: 25,
      brokenAt: null,
      reason: null,
      sealed: 0,
      note: expect.stringMatching(/^25 newest entries are linked but not sealed yet/),
    });
  });

  it('finds an edited entry', async () => {
    await seeded(10);
    dropTriggers();
    g.services.db.prepare(`UPDATE audit_log SET detail = '{"to":"paper"}' WHERE seq = 4`).run();
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, brokenAt: 4, checked: 3, reason: expect.stringMatching(/changed/) });
  });

  it('finds a removed entry', async () => {
    await seeded(10);
    dropTriggers();
    g.services.db.prepare('DELETE FROM audit_log WHERE seq = 6').run();
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, brokenAt: 7, reason: 'entry 6 is missing' });
  });

  it('finds a re-hashed entry that no longer links to its predecessor', async () => {
    await seeded(10);
    dropTriggers();
    // An attacker rewrites entry 5 and recomputes its own hash, but entry 6 still links to the old one.
    const { createHash } = await import('node:crypto');
    const row = g.services.db.prepare('SELECT * FROM audit_log WHERE seq = 5').get() as Record<string, string | number>;
    const detail = '{"to":"paper","note":"forged"}';
    const hash = createHash('sha256')
      .update(JSON.stringify([row.prev_hash, row.seq, row.at, row.action, row.connection_id, detail]))
      .digest('hex');
    g.services.db.prepare('UPDATE audit_log SET detail = ?, hash = ? WHERE seq = 5').run(detail, hash);
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, brokenAt: 6, reason: expect.stringMatching(/link/) });
  });

  it('verifies in slices and still finds a break past the first slice', async () => {
    await seeded(10);
    expect(await g.services.audit.verify(3)).toEqual({ ok: true, checked: 10, brokenAt: null, reason: null });
    dropTriggers();
    g.services.db.prepare('DELETE FROM audit_log WHERE seq = 7').run();
    expect(await g.services.audit.verify(3)).toMatchObject({ ok: false, brokenAt: 8, checked: 6, reason: 'entry 7 is missing' });
  });

  it('pages newest first with filters', async () => {
    await seeded(0);
    for (let i = 0; i < 7; i++) g.services.audit.append('order.submit', null, { n: i });
    g.services.audit.append('mode.switch', null, { to: 'live' });
    const first = await g.ok('audit:list', { limit: 3, action: 'order.submit' });
    expect(first.entries.map((e) => e.detail.n)).toEqual([6, 5, 4]);
    const second = await g.ok('audit:list', { limit: 3, action: 'order.submit', before: first.nextBefore! });
    expect(second.entries.map((e) => e.detail.n)).toEqual([3, 2, 1]);
    const last = await g.ok('audit:list', { limit: 3, action: 'order.submit', before: second.nextBefore! });
    expect(last.entries.map((e) => e.detail.n)).toEqual([0]);
    expect(last.nextBefore).toBeNull();
  });
});

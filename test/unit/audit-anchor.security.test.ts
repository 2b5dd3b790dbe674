import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/clock';
import { AUDIT_CHECK_INTERVAL_MS, SEAL_DELAY_MS } from '../../src/main/services/audit-guard';
import type { AuditStatus } from '../../src/shared/schemas';
import { makeGraph, type TestGraph } from '../support/graph';
import { arrives } from '../support/stream-steps';
import { ManualScheduler } from '../support/manual-scheduler';

/**
 * The audit trail's head is sealed: cutting the newest rows, wiping every row, recomputing the chain without
 * the key, deleting the seal or putting an older seal back are all found; a fresh profile, a crash between a
 * row's commit and the seal, a locked vault and a key rotation are not mistaken for tampering.
 */
let g: TestGraph;
afterEach(() => g?.close());

const PASSPHRASE = 'correct horse battery staple';
const ANCHOR = 'audit-anchor.json';

/** A profile whose vault holds a key (so the seal can be written), with `count` mode switches after it. */
async function keyed(count: number) {
  g = await makeGraph();
  await g.ok('connections:create', {
    broker: 'alpaca',
    label: 'Main',
    environment: 'sandbox',
    fields: { api_key: 'AKTEST0000000001', api_secret: 'secret-one-secret' },
  });
  await append(count);
  return g;
}

async function append(count: number) {
  for (let i = 0; i < count; i++) {
    g.services.audit.append('mode.switch', null, { to: i % 2 ? 'live' : 'paper' });
    g.clock.advance(1000);
  }
}

const rows = () => (g.services.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;

function tamper(sql: string, ...params: unknown[]) {
  g.services.db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  g.services.db.prepare(sql).run(...params);
}

/** What an attacker without the key can do: rewrite a row, then recompute every hash after it with the public formula. */
function recomputeFrom(seq: number, detail: string) {
  tamper('UPDATE audit_log SET detail = ? WHERE seq = ?', detail, seq);
  const all = g.services.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as {
    seq: number;
    at: number;
    action: string;
    connection_id: string | null;
    detail: string;
    prev_hash: string;
  }[];
  let prev = '0'.repeat(64);
  for (const row of all) {
    const hash = createHash('sha256')
      .update(JSON.stringify([prev, row.seq, row.at, row.action, row.connection_id, row.detail]))
      .digest('hex');
    g.services.db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, row.seq);
    prev = hash;
  }
}

const anchorPath = () => path.join(g.dataDir, ANCHOR);

describe('audit trail: tampering is found', () => {
  it('a cut tail (the newest entries deleted)', async () => {
    await keyed(10);
    expect((await g.ok('audit:verify')).ok).toBe(true);
    const n = rows();
    tamper('DELETE FROM audit_log WHERE seq > ?', n - 3);
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, brokenAt: n - 2, reason: expect.stringMatching(/newest 3 entries were removed/) });
  });

  it('a wipe of every entry', async () => {
    await keyed(5);
    await g.ok('audit:verify');
    tamper('DELETE FROM audit_log');
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, checked: 0, reason: expect.stringMatching(/every entry was removed/) });
  });

  it('a chain recomputed by someone without the key', async () => {
    await keyed(10);
    await g.ok('audit:verify');
    recomputeFrom(4, '{"to":"paper","note":"forged"}');
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, reason: expect.stringMatching(/rewritten/) });
  });

  it('a deleted anchor file', async () => {
    await keyed(4);
    await g.ok('audit:verify');
    fs.rmSync(anchorPath());
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, reason: expect.stringMatching(/anchor file .* is missing/) });
  });

  it('an anchor file put back from an older copy (rollback), with or without the tail cut to match', async () => {
    await keyed(4);
    await g.ok('audit:verify');
    const older = fs.readFileSync(anchorPath());
    const sealed = rows();
    await append(4);
    await g.ok('audit:verify');
    fs.writeFileSync(anchorPath(), older);
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, reason: expect.stringMatching(/older copy/) });
    tamper('DELETE FROM audit_log WHERE seq > ?', sealed);
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, reason: expect.stringMatching(/older copy/) });
  });

  it('an anchor file from before a rotation put back after the re-seal', async () => {
    await keyed(3);
    await g.ok('audit:verify');
    const older = fs.readFileSync(anchorPath());
    await g.ok('vault:rotateKey');
    await g.ok('audit:verify');
    g = await g.reopen(); // a process that never held the old key
    fs.writeFileSync(anchorPath(), older);
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, reason: expect.stringMatching(/older copy: it is sealed under a retired key/) });
  });

  it('a tail cut made while the vault is locked is found before it is unlocked', async () => {
    await keyed(4);
    await g.ok('vault:setupPassphrase', { passphrase: PASSPHRASE });
    await g.ok('audit:verify');
    g = await g.reopen();
    expect(g.services.vault.status().state).toBe('locked');
    tamper('DELETE FROM audit_log WHERE seq > ?', rows() - 2);
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, reason: expect.stringMatching(/newest 2 entries were removed/) });
  });

  it('an anchor file edited to seal fewer entries', async () => {
    await keyed(6);
    await g.ok('audit:verify');
    const record = JSON.parse(fs.readFileSync(anchorPath(), 'utf8')) as { count: number; head: string };
    const n = rows();
    tamper('DELETE FROM audit_log WHERE seq > ?', n - 2);
    const head = (g.services.db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(n - 2) as { hash: string }).hash;
    fs.writeFileSync(anchorPath(), JSON.stringify({ ...record, count: n - 2, head }));
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, reason: expect.stringMatching(/anchor file was altered/) });
  });
});

const sealedRecord = () => JSON.parse(fs.readFileSync(anchorPath(), 'utf8')) as { keyId: string; count: number };

describe('audit trail: no false alarm', () => {
  it('a fresh profile, before and after its first key', async () => {
    g = await makeGraph();
    expect(await g.ok('audit:verify')).toEqual({ ok: true, checked: 0, brokenAt: null, reason: null, sealed: 0, note: null });
    expect(fs.existsSync(anchorPath())).toBe(false);
    g = await g.reopen();
    expect((await g.ok('audit:verify')).ok).toBe(true);
    await g.ok('connections:create', {
      broker: 'alpaca',
      label: 'Main',
      environment: 'sandbox',
      fields: { api_key: 'AKTEST0000000001', api_secret: 'secret-one-secret' },
    });
    expect(await g.ok('audit:verify')).toMatchObject({ ok: true, sealed: rows(), note: null });
    expect(sealedRecord().count).toBe(rows());
    expect(fs.statSync(anchorPath()).mode & 0o777).toBe(process.platform === 'win32' ? expect.any(Number) : 0o600);
  });

  it('a crash after rows were committed but before they were sealed: the sealed prefix holds, and the seal catches up', async () => {
    await keyed(3);
    await g.ok('audit:verify');
    const before = sealedRecord().count;
    await append(5);
    g = await g.reopen(); // closing cancels the pending seal write, as a crash would
    expect(sealedRecord().count).toBe(before);
    expect(await g.ok('audit:verify')).toMatchObject({ ok: true, checked: before + 5, sealed: before + 5 });
    expect(sealedRecord().count).toBe(before + 5);
  });

  it('a locked vault: rows keep linking, the seal catches up on unlock, and a cut found after it', async () => {
    await keyed(2);
    await g.ok('vault:setupPassphrase', { passphrase: PASSPHRASE });
    await g.ok('audit:verify');
    g = await g.reopen();
    expect(g.services.vault.status().state).toBe('locked');
    const sealedBefore = sealedRecord().count;
    await append(4);
    // The links are checked; the seal cannot be until the key is back, and the report says so.
    expect(await g.ok('audit:verify')).toMatchObject({
      ok: true,
      checked: sealedBefore + 4,
      sealed: 0,
      note: expect.stringMatching(/4 newer entries sealed, once the vault's key is available/),
    });
    await g.ok('vault:unlock', { passphrase: PASSPHRASE });
    expect(await g.ok('audit:verify')).toMatchObject({ ok: true, sealed: rows(), note: null });
    expect(sealedRecord().count).toBe(rows());
    tamper('DELETE FROM audit_log WHERE seq > ?', rows() - 1);
    expect((await g.ok('audit:verify')).ok).toBe(false);
  });

  it('a key rotation re-seals under the new key, and tampering is still found after a restart', async () => {
    await keyed(3);
    await g.ok('audit:verify');
    const rotated = await g.ok('vault:rotateKey');
    expect(await g.ok('audit:verify')).toMatchObject({ ok: true, sealed: rows() });
    expect(sealedRecord().keyId).toBe(rotated.keyId);
    g = await g.reopen();
    expect((await g.ok('audit:verify')).ok).toBe(true);
    tamper('DELETE FROM audit_log WHERE seq > ?', rows() - 2);
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, reason: expect.stringMatching(/newest 2 entries were removed/) });
  });

  it('a crash between a rotation and its re-seal: the seal under the retired key is followed to the new one', async () => {
    await keyed(3);
    await g.ok('audit:verify');
    const oldFile = fs.readFileSync(anchorPath());
    const oldCopy = g.services.db.prepare("SELECT value FROM settings WHERE key = 'audit.anchor'").get() as { value: string };
    const rotated = await g.ok('vault:rotateKey');
    await g.ok('audit:verify');
    // What the disk holds when the process died after the rotation committed and before the re-seal.
    fs.writeFileSync(anchorPath(), oldFile);
    g.services.db.prepare("UPDATE settings SET value = ? WHERE key = 'audit.anchor'").run(oldCopy.value);
    g = await g.reopen();
    expect(await g.ok('audit:verify')).toMatchObject({ ok: true, sealed: rows() });
    expect(sealedRecord().keyId).toBe(rotated.keyId);
  });

  it('but a seal under a key the log never records leaving is tampering', async () => {
    await keyed(3);
    await g.ok('audit:verify');
    fs.writeFileSync(anchorPath(), JSON.stringify({ ...sealedRecord(), keyId: 'f'.repeat(16) }));
    g = await g.reopen();
    expect(await g.ok('audit:verify')).toMatchObject({ ok: false, reason: expect.stringMatching(/never moved from/) });
  });
});

describe('audit trail: checked at start, daily and after appends, and a break is pushed', () => {
  async function scheduled() {
    const clock = new ManualClock();
    const scheduler = new ManualScheduler(clock);
    g = await makeGraph({ clock, scheduler });
    await g.ok('connections:create', {
      broker: 'alpaca',
      label: 'Main',
      environment: 'sandbox',
      fields: { api_key: 'AKTEST0000000001', api_secret: 'secret-one-secret' },
    });
    return scheduler;
  }
  const pushed = () => g.events.filter((e) => e.event === 'audit:changed').map((e) => e.payload as AuditStatus);

  it('seals appends within one coalescing window in one write', async () => {
    const scheduler = await scheduled();
    await g.services.auditGuard.start();
    const sealedAtStart = sealedRecord().count;
    await append(5);
    expect(sealedRecord().count).toBe(sealedAtStart);
    await scheduler.advance(SEAL_DELAY_MS);
    expect(sealedRecord().count).toBe(rows());
  });

  it('an anchor file deleted while the app runs is not overwritten by the next seal: the evidence is reported', async () => {
    const scheduler = await scheduled();
    await g.services.auditGuard.start();
    fs.rmSync(anchorPath());
    await append(2);
    await scheduler.advance(SEAL_DELAY_MS);
    expect(fs.existsSync(anchorPath())).toBe(false);
    expect(pushed().at(-1)).toMatchObject({ state: 'broken', report: { reason: expect.stringMatching(/anchor file .* is missing/) } });
  });

  it('a tail cut while the app runs is found by the daily check and pushed with the time it was found', async () => {
    const scheduler = await scheduled();
    expect(g.services.auditGuard.status().state).toBe('unchecked');
    await g.services.auditGuard.start();
    expect(pushed().at(-1)).toMatchObject({ state: 'intact', brokenSince: null });
    await append(3);
    await scheduler.advance(SEAL_DELAY_MS);
    tamper('DELETE FROM audit_log WHERE seq > ?', rows() - 2);
    // append() moved the clock 3 s and the seal 1 s: the daily check is due 4 s short of a day from here.
    await scheduler.advance(AUDIT_CHECK_INTERVAL_MS - 5_000);
    expect(pushed().at(-1)!.state).toBe('intact');
    await scheduler.advance(1_000);
    const found = g.clock.now();
    expect(pushed().at(-1)).toMatchObject({
      state: 'broken',
      brokenSince: expect.any(Number),
      report: { ok: false, reason: expect.stringMatching(/newest 2 entries/) },
    });
    const since = pushed().at(-1)!.brokenSince!;
    expect(since).toBeLessThanOrEqual(found);
    // Later checks keep the first time it was found; no seal is written over the break.
    const sealedCount = sealedRecord().count;
    await append(1);
    await scheduler.advance(AUDIT_CHECK_INTERVAL_MS);
    expect(pushed().at(-1)).toMatchObject({ state: 'broken', brokenSince: since });
    expect(sealedRecord().count).toBe(sealedCount);
    expect(await g.ok('audit:status')).toMatchObject({ state: 'broken', brokenSince: since });
  });

  it('the check at start finds a cut made while the app was closed', async () => {
    await keyed(4);
    await g.ok('audit:verify');
    tamper('DELETE FROM audit_log WHERE seq > ?', rows() - 1);
    g = await g.reopen();
    await g.services.start();
    await arrives(() => expect(g.events.some((e) => e.event === 'audit:changed')).toBe(true));
    expect(g.services.auditGuard.status()).toMatchObject({ state: 'broken', report: { reason: expect.stringMatching(/newest 1 entries were removed/) } });
  });
});

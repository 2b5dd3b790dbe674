import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionView } from '../../src/shared/schemas';
import { connectSim, eventually, goLive, makeTradingWorld, MINUTE, nextWindow, startSim, type TradingSim, type TradingWorld } from '../support/trading/world';

/**
 * Paper or live, through the IPC contract: a fresh profile is paper, going live needs a recently validated,
 * active connection and a one-time typed confirmation, and every way the live connection becomes unusable
 * drops the app back to paper with a notification and an audited 'mode.switch'.
 */

let w: TradingWorld;
let tradier: TradingSim;
let angel: TradingSim;

beforeAll(async () => {
  w = await makeTradingWorld();
  [tradier, angel] = await Promise.all([startSim('tradier', w.clock), startSim('angel-one', w.clock)]);
});
afterAll(async () => {
  w.g.close();
  await Promise.all([tradier.close(), angel.close()]);
});

async function refused(connectionId: string, pattern: RegExp): Promise<void> {
  const result = await w.g.call('mode:requestLive', { connectionId });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe('LIVE_NOT_ALLOWED');
  expect(result.error.message).toMatch(pattern);
}

/** Expect the app to be back in paper, told and audited, with `reason` in both. */
async function expectBackToPaper(
  connectionId: string,
  reason: RegExp,
  notesBefore: number,
  switchedAt = w.clock.now(),
  by: 'trader' | 'app' = 'app',
): Promise<void> {
  // The app itself says why, even with desktop notifications turned off.
  expect(await w.g.ok('mode:get')).toEqual({
    mode: 'paper',
    live: null,
    locked: false,
    lastChange: { at: switchedAt, to: 'paper', by, reason: expect.stringMatching(reason) },
  });
  const note = w.notes.slice(notesBefore).find((n) => n.title === 'BrokerVault is back in paper mode');
  expect(note?.body).toMatch(reason);
  const [last] = (await w.g.ok('audit:list', { action: 'mode.switch', limit: 1 })).entries;
  expect(last).toMatchObject({ connectionId, detail: { from: 'live', to: 'paper' } });
  expect(String(last!.detail.reason)).toMatch(reason);
  expect(w.g.events.filter((e) => e.event === 'mode:changed').at(-1)?.payload).toMatchObject({ mode: 'paper' });
}

describe('going live', () => {
  let c: ConnectionView;
  beforeAll(async () => {
    c = await connectSim(w, tradier);
  });

  it('starts a fresh profile in paper', async () => {
    expect(await w.g.ok('mode:get')).toEqual({ mode: 'paper', live: null, locked: false, lastChange: null });
  });

  it('refuses an untested, an inactive and a stale connection, saying why', async () => {
    nextWindow(w);
    await w.g.ok('connections:disconnect', { id: c.id });
    await refused(c.id, /not validated \(status: untested\)/);
    await w.g.ok('connections:validate', { id: c.id });
    await w.g.ok('connections:deactivate', { id: c.id });
    await refused(c.id, /deactivated/);
    await w.g.ok('connections:activate', { id: c.id });
    w.clock.advance(16 * MINUTE);
    await refused(c.id, /more than 15 minutes ago/);
    await w.g.ok('connections:validate', { id: c.id });
    expect((await w.g.ok('mode:requestLive', { connectionId: c.id })).connection).toMatchObject({ id: c.id, broker: 'tradier', accountMasked: '••••2345' });
  });

  it('refuses an unknown connection', async () => {
    const result = await w.g.call('mode:requestLive', { connectionId: 'f'.repeat(32) });
    expect(result.ok ? null : result.error.code).toBe('NOT_FOUND');
  });

  it('needs the exact phrase, a confirmation that is used once and expires', async () => {
    const wrong = await w.g.ok('mode:requestLive', { connectionId: c.id });
    expect(wrong.phrase).toBe('GO LIVE');
    const typo = await w.g.call('mode:confirmLive', { confirmationId: wrong.confirmationId, typed: 'go live' });
    expect(typo.ok ? null : typo.error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', message: expect.stringMatching(/exactly/) });
    // The typo used it up.
    const reused = await w.g.call('mode:confirmLive', { confirmationId: wrong.confirmationId, typed: 'GO LIVE' });
    expect(reused.ok ? null : reused.error.code).toBe('CONFIRMATION_REQUIRED');

    const late = await w.g.ok('mode:requestLive', { connectionId: c.id });
    w.clock.set(late.expiresAt + 1);
    const expired = await w.g.call('mode:confirmLive', { confirmationId: late.confirmationId, typed: 'GO LIVE' });
    expect(expired.ok ? null : expired.error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', message: expect.stringMatching(/expired/) });
    const made = await w.g.call('mode:confirmLive', { confirmationId: 'made-up', typed: 'GO LIVE' });
    expect(made.ok ? null : made.error.code).toBe('CONFIRMATION_REQUIRED');
    expect((await w.g.ok('mode:get')).mode).toBe('paper');
    expect(await w.g.ok('audit:list', { action: 'mode.switch', limit: 5 })).toMatchObject({ entries: [] });
  });

  it('confirms: live on that connection, with a notification and an audit entry', async () => {
    const notes = w.notes.length;
    const request = await w.g.ok('mode:requestLive', { connectionId: c.id });
    const status = await w.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: ' GO LIVE ' });
    expect(status).toEqual({
      mode: 'live',
      locked: false,
      live: { connectionId: c.id, label: c.label, broker: 'tradier', environment: 'sandbox', accountMasked: '••••2345' },
      lastChange: { at: w.clock.now(), to: 'live', by: 'trader', reason: 'confirmed by the trader' },
    });
    expect(await w.g.ok('mode:get')).toEqual(status);
    expect(w.notes.slice(notes)).toEqual([{ title: 'BrokerVault is LIVE', body: expect.stringContaining(c.label) }]);
    expect((await w.g.ok('audit:list', { action: 'mode.switch', limit: 1 })).entries[0]).toMatchObject({
      connectionId: c.id,
      detail: { from: 'paper', to: 'live' },
    });
    expect(w.g.events.filter((e) => e.event === 'mode:changed').at(-1)?.payload).toEqual(status);
  });
});

describe('every way back to paper', () => {
  let c: ConnectionView;

  beforeEach(async () => {
    await w.g.ok('mode:unlock');
    nextWindow(w);
    c = await connectSim(w, tradier, `tradier ${w.clock.now()}`);
    await goLive(w, c.id);
  });

  it('mode:goPaper', async () => {
    const notes = w.notes.length;
    expect(await w.g.ok('mode:goPaper')).toEqual({
      mode: 'paper',
      live: null,
      locked: false,
      lastChange: { at: w.clock.now(), to: 'paper', by: 'trader', reason: 'Switched to paper by the trader.' },
    });
    await expectBackToPaper(c.id, /by the trader/, notes, w.clock.now(), 'trader');
  });

  it('connections:disconnect', async () => {
    const notes = w.notes.length;
    await w.g.ok('connections:disconnect', { id: c.id });
    await expectBackToPaper(c.id, /disconnected/, notes);
  });

  it('connections:deactivate', async () => {
    const notes = w.notes.length;
    await w.g.ok('connections:deactivate', { id: c.id });
    await expectBackToPaper(c.id, /deactivated/, notes);
  });

  it('connections:delete', async () => {
    const notes = w.notes.length;
    await w.g.ok('connections:delete', { id: c.id });
    await expectBackToPaper(c.id, /deleted/, notes);
  });

  it('the kill switch (and live stays locked until mode:unlock)', async () => {
    const notes = w.notes.length;
    const report = await w.g.ok('killswitch:engage', { closePositions: false });
    const killed = { at: w.clock.now(), to: 'paper', by: 'trader', reason: 'Kill switch engaged.' };
    expect(report.mode).toEqual({ mode: 'paper', live: null, locked: true, lastChange: killed });
    expect(w.notes.slice(notes).map((n) => n.title)).toContain('Kill switch engaged');
    const [last] = (await w.g.ok('audit:list', { action: 'mode.switch', limit: 1 })).entries;
    expect(last).toMatchObject({ connectionId: c.id, detail: { from: 'live', to: 'paper', reason: 'Kill switch engaged.' } });
    await refused(c.id, /locked by the kill switch/);
    expect(await w.g.ok('mode:unlock')).toEqual({ mode: 'paper', live: null, locked: false, lastChange: killed });
    expect((await w.g.ok('audit:list', { action: 'mode.switch', limit: 1 })).entries[0]!.detail).toEqual({ lock: 'released' });
    await goLive(w, c.id);
  });

  // Last here: the simulator's tokens stay expired.
  it('an expired token found by a validation (the simulator expires every session)', async () => {
    const notes = w.notes.length;
    tradier.expireSessions!();
    const checked = await w.g.ok('connections:validate', { id: c.id });
    expect(checked.status).toBe('expired');
    await expectBackToPaper(c.id, /session expired/, notes);
    await refused(c.id, /status: expired/);
  });
});

describe('a session that runs out on the clock', () => {
  it('is marked expired by the health monitor and the app drops to paper', async () => {
    await w.g.ok('mode:goPaper');
    // No unattended re-login: the session is left to run out.
    await w.g.ok('settings:set', { autoRelogin: false });
    await w.g.services.start();
    const c = await connectSim(w, angel);
    expect(c.tokenExpiresAt).toEqual(expect.any(Number));
    await goLive(w, c.id);
    const notes = w.notes.length;
    // Midnight IST: the SmartAPI session ends; the monitor's expiry timer fires on the manual scheduler.
    // The app sat open all day (the clock jumps; the timers due meanwhile fire on the way to the expiry).
    w.clock.set(c.tokenExpiresAt! - MINUTE);
    await w.scheduler.advanceTo(c.tokenExpiresAt! + 1);
    await eventually(async () => expect((await w.g.ok('connections:get', { id: c.id })).status).toBe('expired'));
    // The switch happened when the monitor's expiry timer fired, at the session's end.
    await expectBackToPaper(c.id, /session expired/, notes, c.tokenExpiresAt!);
    await refused(c.id, /status: expired|session has expired/);
    await w.g.ok('audit:verify');
  });
});

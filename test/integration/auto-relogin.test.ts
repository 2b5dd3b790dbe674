import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, connectSim, eventually, goLive, makeTradingWorld, MINUTE, startSim, type TradingSim, type TradingWorld } from '../support/trading/world';

/**
 * A broker whose login needs no one at the keyboard stays connected across its daily expiry: the health monitor
 * logs in again shortly before the token runs out (Dhan with PIN + TOTP, against its simulator), says so, and
 * live mode carries on. (With it off, the session runs out and the app drops to paper: trading-mode.test.ts.)
 */

let w: TradingWorld;
let dhan: TradingSim;

beforeAll(async () => {
  w = await makeTradingWorld();
  dhan = await startSim('dhan-totp', w.clock);
});
afterAll(async () => {
  w.g.close();
  await dhan.close();
});

describe('Dhan with PIN + TOTP and automatic re-login on', () => {
  it('logs in again before the 24-hour token expires; the connection stays valid and live', async () => {
    await w.g.ok('settings:set', { autoRelogin: true });
    await w.g.services.start();
    const c = await connectSim(w, dhan);
    const firstExpiry = c.tokenExpiresAt!;
    expect(firstExpiry).toBe(w.clock.now() + 24 * 60 * MINUTE);
    await goLive(w, c.id);
    const notes = w.notes.length;

    // The app sat open all day; the monitor's timers fire on the way to the expiry.
    w.clock.set(firstExpiry - 10 * MINUTE);
    await w.scheduler.advanceTo(firstExpiry + MINUTE);
    const after = await eventually(async () => {
      const view = await w.g.ok('connections:get', { id: c.id });
      expect(view.tokenExpiresAt).toBeGreaterThan(firstExpiry);
      return view;
    });
    expect(after.status).toBe('valid');
    expect((await w.g.ok('mode:get')).mode).toBe('live');
    expect(w.notes.slice(notes)).toContainEqual({ title: 'BrokerVault signed in to Dhan (PIN + TOTP login) again', body: `"${c.label}" has a new session.` });
    expect((await auditOf(w.g, 'connection.login')).filter((e) => e.connectionId === c.id).length).toBeGreaterThanOrEqual(2);
    // The new token works at the broker.
    expect((await w.g.ok('connections:validate', { id: c.id })).status).toBe('valid');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE, ManualClock } from '../../src/main/clock';
import { OAuthListener } from '../../src/main/services/oauth-listener';
import { ManualScheduler } from '../support/manual-scheduler';

/** The loopback sign-in listener's 5-minute limit runs on the injected scheduler: the test moves manual time. */
describe('OAuth loopback listener time limit', () => {
  let listener: OAuthListener;
  let scheduler: ManualScheduler;
  const open = () => {
    scheduler = new ManualScheduler(new ManualClock());
    listener = new OAuthListener(0, scheduler);
    return listener;
  };
  afterEach(() => listener.close());

  it('gives up on a sign-in not completed within 5 minutes of scheduler time, and stops listening', async () => {
    const { redirectUri, result } = await open().expect('zerodha', 'state-1', { stateless: true });
    let outcome: unknown = 'pending';
    result.then(
      (value) => (outcome = value),
      (error: Error & { code?: string }) => (outcome = { code: error.code, message: error.message }),
    );
    await scheduler.advance(5 * MINUTE - 1);
    expect(outcome).toBe('pending');
    await scheduler.advance(1);
    expect(outcome).toEqual({ code: 'TIMEOUT', message: 'The broker sign-in was not completed within 5 minutes. Start it again when you are ready.' });
    await expect(fetch(`${redirectUri}?request_token=late`)).rejects.toThrow();
  });

  it('a completed sign-in cancels its timer', async () => {
    const { redirectUri, result } = await open().expect('zerodha', 'state-2', { stateless: true });
    expect(scheduler.pending).toBe(1);
    const landing = await fetch(`${redirectUri}?request_token=abc`);
    expect(landing.status).toBe(200);
    expect(await result).toEqual({ request_token: 'abc' });
    expect(scheduler.pending).toBe(0);
  });
});

import { ManualClock } from '../../src/main/clock';
import { ManualScheduler } from '../support/manual-scheduler';
import type { SimulatorHandle } from '../simulators/harness';
import { expect, test } from './fixtures';
import { connectAngel } from './flows/connect';
import { expectPaper, goLive } from './flows/mode';
import { startSim, windowGap, type Pause } from './flows/sims';

const MINUTE = 60_000;
/** 09:30 IST on Monday 5 January 2026; an Angel One session ends at midnight IST (18:30 UTC). */
const START = Date.UTC(2026, 0, 5, 4, 0, 0);
const MIDNIGHT_IST = Date.UTC(2026, 0, 5, 18, 30, 0);

/** The app (bridge), its timers and the simulator all run on one manual clock; the page's clock follows it. */
const timed = test.extend<{ clock: ManualClock; scheduler: ManualScheduler; angel: SimulatorHandle }>({
  // eslint-disable-next-line no-empty-pattern
  clock: async ({}, use) => {
    await use(new ManualClock(START));
  },
  scheduler: async ({ clock }, use) => {
    await use(new ManualScheduler(clock));
  },
  angel: async ({ clock }, use) => {
    const sim = await startSim('angel-one', { clock });
    await use(sim);
    await sim.close();
  },
  bridgeOptions: async ({ clock, scheduler }, use) => {
    await use({ clock, scheduler });
  },
});

timed(
  'a session runs out: 15 minutes before and at expiry the Health panel and a notification say so, and live mode returns to paper',
  async ({ page, bridge, clock, scheduler, angel }) => {
    // The renderer's countdown reads the page's own clock: keep it on the app's manual time.
    const syncPage = () => page.clock.setFixedTime(clock.now());
    /** Move the manual clock to `at` and fire every timer that fell due on the way (health checks, expiry warnings). */
    const jumpTo = async (at: number) => {
      clock.set(at);
      await scheduler.advance(0);
      await syncPage();
    };
    const pause: Pause = (ms) => scheduler.advance(ms);
    const titles = () => bridge.notifications.map((n) => n.title);

    await syncPage();
    await page.goto(bridge.url);
    await connectAngel(page, angel, { label: 'Angel main', pause });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    await pause(windowGap(1_000));
    await goLive(page, 'Angel main');

    const card = page.getByTestId('health-card');
    await page.getByRole('button', { name: 'Health', exact: true }).click();
    await expect(card.getByTestId('status-pill')).toHaveText('Connected');
    await expect(card.getByTestId('token-expiry')).toHaveText(/^in 14 h (29|30) min$/);

    // 15 minutes before midnight IST: the countdown turns amber and a notification asks for a new sign-in.
    await jumpTo(MIDNIGHT_IST - 15 * MINUTE + 1_000);
    await expect(card.getByTestId('token-expiry')).toHaveText('in 14 min 59 s');
    await expect(card.getByTestId('token-expiry')).toHaveClass(/warn-text/);
    await expect.poll(titles).toContain('Angel One SmartAPI session expires in 15 minutes');
    expect(bridge.notifications).toContainEqual({
      title: 'Angel One SmartAPI session expires in 15 minutes',
      body: 'Sign in again to keep "Angel main" connected.',
    });
    await expect(page.getByTestId('mode-badge')).toContainText('LIVE');

    // Past midnight IST: the panel says expired (with how long ago), live mode ends, and both are notified.
    await jumpTo(MIDNIGHT_IST + 2 * MINUTE);
    await expect(card.getByTestId('status-pill')).toHaveText('Session expired');
    await expect(card.getByTestId('token-expiry')).toHaveText('Expired 2 min 0 s ago — re-login needed');
    await expect(page.getByTestId('health-summary')).toContainText('0 of 1 connected');
    await expect(card.getByRole('button', { name: 'Re-login Angel main' })).toBeEnabled();
    await expect.poll(titles).toContain('Angel One SmartAPI session expired');
    expect(bridge.notifications).toContainEqual({
      title: 'Angel One SmartAPI session expired',
      body: '"Angel main" is signed out. Sign in again to trade with it.',
    });
    await expectPaper(page);
    // The app says why on screen too (desktop notifications may be turned off), until dismissed.
    const reason = page.getByTestId('mode-reason');
    await expect(reason).toContainText('Back to paper: "Angel main"');
    await expect(reason).toContainText('session expired');
    await reason.getByRole('button', { name: 'Dismiss' }).click();
    await expect(reason).toHaveCount(0);
    await expect.poll(titles).toContain('BrokerVault is back in paper mode');
    expect(bridge.notifications.find((n) => n.title === 'BrokerVault is back in paper mode')!.body).toContain('Angel main');
    // Each notice once, in order: warning, expiry (the mode notice may come either side of the expiry notice).
    const order = titles();
    expect(order.filter((t) => t.includes('expires in 15 minutes'))).toHaveLength(1);
    expect(order.indexOf('Angel One SmartAPI session expires in 15 minutes')).toBeLessThan(order.indexOf('Angel One SmartAPI session expired'));
  },
);

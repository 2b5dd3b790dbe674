import { afterEach, describe, expect, it } from 'vitest';
import { makeWorld, type World } from '../support/brokers-ipc/journey';

/**
 * Issue 10, item 5: every page BrokerVault hands to the system browser passes one policy
 * (src/main/security/navigation.ts). A sign-in page may be on a broker's own https site or on the API host
 * the trader configured on the connection (https, or http on loopback for a simulator); anything else is
 * refused with a clear error, nothing is opened, and no sign-in is left waiting.
 */
describe('sign-in pages go through the external-link policy', () => {
  let w: World | null = null;
  afterEach(() => {
    w?.g.close();
    w = null;
  });

  async function zerodhaWith(apiHost: string | null) {
    w = await makeWorld();
    const created = await w.g.ok('connections:create', {
      broker: 'zerodha',
      label: `Kite via ${apiHost ?? 'default'}`,
      environment: 'live',
      fields: { api_key: 'kiteapikey01', api_secret: 'kiteapisecret0000000000000001' },
      apiHost,
    });
    return { world: w, id: created.id };
  }

  it('opens the broker’s own https sign-in page', async () => {
    const { world, id } = await zerodhaWith(null);
    expect(await world.g.ok('connections:login', { id })).toMatchObject({ status: 'browser', loginHost: 'kite.zerodha.com' });
    expect(world.browser.opened.map((u) => new URL(u).host)).toEqual(['kite.zerodha.com']);
    await world.g.ok('connections:cancelLogin', { id });
  });

  it('opens the sign-in page on the https API host configured on the connection', async () => {
    const { world, id } = await zerodhaWith('https://kite.example-mirror.test');
    expect(await world.g.ok('connections:login', { id })).toMatchObject({ status: 'browser', loginHost: 'kite.example-mirror.test' });
    expect(world.browser.opened).toHaveLength(1);
    await world.g.ok('connections:cancelLogin', { id });
  });

  it('refuses a plain-http host across the network saved by an older version: nothing opened, no sign-in left pending', async () => {
    // Such a host can no longer be saved (host-override.security.test.ts); a row from an older version may hold one.
    const { world, id } = await zerodhaWith('https://kite.example-mirror.test');
    world.g.services.db.prepare('UPDATE connections SET api_host = ? WHERE id = ?').run('http://kite.example-mirror.test', id);
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await world.g.call('connections:login', { id });
      expect(result).toEqual({
        ok: false,
        // The stored-host rule answers first; the page policy (test/unit/shell-policies.test.ts) stands behind it.
        error: {
          code: 'INVALID_INPUT',
          message:
            "The API host override must be an https:// address (http:// only for localhost, 127.x.x.x or [::1]), with no user name, password, query or #fragment. Edit this connection's API host.",
        },
      });
    }
    expect(world.browser.opened).toEqual([]);
    expect(await world.g.ok('connections:cancelLogin', { id })).toEqual({ cancelled: false });
  });
});

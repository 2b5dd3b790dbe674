import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/dhan/adapter';
import { adapter as apiKeyAdapter } from '../../../src/main/brokers/dhan-api-key/adapter';
import { type BrokerContext, type Instrument } from '../../../src/main/brokers/types';
import { ManualClock } from '../../../src/main/clock';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { start, type DhanSimulatorHandle } from '../../simulators/dhan';
import { brokerContext, failure } from '../support';
import { dhanVariantStreamingCase } from './dhan-streaming';
import { behaviour, type BrokerConformance } from './suite';

const START = Date.UTC(2026, 0, 5, 4, 0, 0);
const DAY = 86_400_000;
const clock = new ManualClock(START);
let sim: DhanSimulatorHandle;
let instruments: Instrument[] = [];

function context(credentials: Record<string, string> = sim.credentials, baseUrl = sim.baseUrl, at: ManualClock = clock): BrokerContext {
  return brokerContext({ baseUrl, environment: 'live', credentials, clock: at, instruments });
}

// from: dhan API-key sign-in (consent flow on auth.dhan.co)
const REDIRECT = 'http://127.0.0.1:47391/callback/dhan-api-key';
const consentContext = (credentials: Record<string, string> = sim.apiKeyCredentials, baseUrl = sim.baseUrl) => context(credentials, baseUrl);

/** The trader's part on Dhan's page: load it, submit the form as filled (client id, PIN, TOTP), follow the redirect. */
async function signIn(loginUrl: string): Promise<URL> {
  const page = await fetch(loginUrl);
  const html = await page.text();
  expect(page.status).toBe(200);
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) form.set(m[1]!, m[2]!);
  const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
  const res = await fetch(new URL(action, loginUrl), { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

export const conformance: BrokerConformance = {
  id: 'dhan-api-key',
  adapter: apiKeyAdapter,
  familyOf: 'dhan',
  hooks: {
    beforeAll: async () => {
      sim = await start({ clock });
      instruments = await adapter.fetchInstruments!(context());
      sim.setRedirectUrl(REDIRECT);
    },
    afterAll: async () => {
      await sim.close();
    },
  },
  cases: [
    behaviour('descriptor', 'has its own descriptor: client id, API key and secret, live only, signed in through the browser', () => {
      expect(BrokerDescriptorSchema.parse(apiKeyAdapter.descriptor)).toMatchObject({ id: 'dhan-api-key', auth: 'oauth-redirect' });
      expect(apiKeyAdapter.descriptor.fields.map((f) => [f.name, f.secret])).toEqual([
        ['dhanClientId', false],
        ['apiKey', false],
        ['apiSecret', true],
      ]);
      for (const field of apiKeyAdapter.descriptor.fields)
        expect(new RegExp(field.pattern!).test(sim.apiKeyCredentials[field.name as 'apiKey']), field.name).toBe(true);
      expect(apiKeyAdapter.descriptor.environments.map((e) => e.id)).toEqual(['live']);
      expect(apiKeyAdapter.statelessRedirect).toBe(true);
      // The 24-hour token comes from signing in again, not from RenewToken.
      expect(apiKeyAdapter.login).toBeUndefined();
    }),
    behaviour('signIn', 'asks Dhan for a consent, then the trader signs in and the tokenId becomes a 24-hour token that trades', async () => {
      const url = new URL(await apiKeyAdapter.loginUrl!(consentContext(), REDIRECT, 'unused'));
      expect(url.pathname).toBe('/login/consentApp-login');
      expect(url.searchParams.get('consentAppId')).toMatch(/^[0-9a-f]{32}$/);
      // In production both calls go to auth.dhan.co.
      const back = await signIn(url.toString());
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
      const session = await apiKeyAdapter.completeLogin!(consentContext(), Object.fromEntries(back.searchParams), REDIRECT);
      // Dhan states the expiry to the second, in IST.
      expect(Math.abs(session.expiresAt! - (clock.now() + DAY))).toBeLessThan(1_000);
      const ctx = consentContext({ ...sim.apiKeyCredentials, ...session.fields });
      expect(await apiKeyAdapter.validate(ctx)).toMatchObject({ accountMasked: '••••0003' });
      // The tokenId is one-time.
      expect((await failure(apiKeyAdapter.completeLogin!(consentContext(), Object.fromEntries(back.searchParams), REDIRECT))).code).toBe('BROKER_REJECTED');
    }),
    behaviour('signIn', 'uses auth.dhan.co in production', async () => {
      const seen: string[] = [];
      const ctx = brokerContext({
        baseUrl: 'https://api.dhan.co/v2',
        environment: 'live',
        credentials: sim.apiKeyCredentials,
        clock,
        fetch: async (input) => {
          seen.push(String(input));
          return new Response(JSON.stringify({ consentAppId: 'c1', consentAppStatus: 'GENERATED', status: 'success' }), {
            headers: { 'content-type': 'application/json' },
          });
        },
      });
      expect(await apiKeyAdapter.loginUrl!(ctx, REDIRECT, 's')).toBe('https://auth.dhan.co/login/consentApp-login?consentAppId=c1');
      expect(seen).toEqual([`https://auth.dhan.co/app/generate-consent?client_id=${sim.apiKeyCredentials.dhanClientId}`]);
    }),
    behaviour('signIn', 'refuses a wrong API secret before any browser opens, and a sign-in to another Dhan client', async () => {
      const wrong = await failure(
        apiKeyAdapter.loginUrl!(consentContext({ ...sim.apiKeyCredentials, apiSecret: 'not-the-secret' }), REDIRECT, 's') as Promise<string>,
      );
      expect(wrong.code).toBe('INVALID_CREDENTIALS');
      expect(wrong.message).toMatch(/API key and secret/);
      const back = await signIn(await apiKeyAdapter.loginUrl!(consentContext(), REDIRECT, 's'));
      // The connection says it is for another client: the session is not taken.
      const other = await failure(
        apiKeyAdapter.completeLogin!(consentContext({ ...sim.apiKeyCredentials, dhanClientId: '1000000099' }), Object.fromEntries(back.searchParams), REDIRECT),
      );
      expect(other.code).toBe('INVALID_CREDENTIALS');
      expect(other.message).toMatch(/as client ••••0003, but this connection is for client ••••0099/);
      expect((await failure(apiKeyAdapter.completeLogin!(consentContext(), {}, REDIRECT))).message).toMatch(/without a token id/);
    }),
    behaviour(['signIn', 'errors'], 'an expired token asks the trader to sign in again, not to generate one on the web', async () => {
      const at = new ManualClock(clock.now() + 2 * DAY);
      const ctx = brokerContext({
        baseUrl: sim.baseUrl,
        environment: 'live',
        credentials: { ...sim.apiKeyCredentials, accessToken: sim.session.accessToken! },
        clock: at,
        instruments,
      });
      sim.expireSessions();
      const error = await failure(apiKeyAdapter.validate(ctx));
      expect(error.code).toBe('TOKEN_EXPIRED');
      expect(error.message).toMatch(/Sign in to Dhan again/);
    }),
    // The consent flow's token is an ordinary 24-hour access token: the family's sockets take it as they are.
    dhanVariantStreamingCase(apiKeyAdapter, async (rig) => ({ ...rig.sim.apiKeyCredentials, accessToken: rig.sim.credentials.accessToken! })),
  ],
};

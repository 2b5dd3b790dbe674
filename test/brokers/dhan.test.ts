import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapter } from '../../src/main/brokers/dhan/adapter';
import { adapter as apiKeyAdapter } from '../../src/main/brokers/dhan-api-key/adapter';
import { adapter as totpAdapter } from '../../src/main/brokers/dhan-totp/adapter';
import { descriptor } from '../../src/main/brokers/dhan/descriptor';
import { parseScripMaster } from '../../src/main/brokers/dhan/instruments';
import { BrokerError, MemoryInstrumentMaster, type BrokerContext, type Instrument } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { BrokerDescriptorSchema } from '../../src/shared/brokers';
import { priceAt } from '../simulators/exchange';
import { start, type DhanSimulatorHandle } from '../simulators/dhan';
import { brokerContext, closedPort, failure } from './support';

const START = Date.UTC(2026, 0, 5, 4, 0, 0);
const DAY = 86_400_000;
const clock = new ManualClock(START);
let sim: DhanSimulatorHandle;
let instruments: Instrument[] = [];

function context(credentials: Record<string, string> = sim.credentials, baseUrl = sim.baseUrl, at: ManualClock = clock): BrokerContext {
  return brokerContext({ baseUrl, environment: 'live', credentials, clock: at, instruments });
}

/** Quote calls allow 1/s: move the clock on between them. */
function nextSecond(): void {
  clock.advance(1_100);
}

beforeAll(async () => {
  sim = await start({ clock });
  instruments = await adapter.fetchInstruments!(context());
});
afterAll(async () => {
  await sim.close();
});

describe('dhan descriptor', () => {
  it('passes the schema with live and sandbox hosts and accepts the simulator credentials', () => {
    expect(BrokerDescriptorSchema.parse(descriptor).id).toBe('dhan');
    expect(descriptor.environments.map((e) => [e.id, e.baseUrl])).toEqual([
      ['live', 'https://api.dhan.co/v2'],
      ['sandbox', 'https://sandbox.dhan.co/v2'],
    ]);
    expect(descriptor.fields.find((f) => f.name === 'accessToken')?.secret).toBe(true);
    for (const field of descriptor.fields) expect(new RegExp(field.pattern!).test(sim.credentials[field.name]!), field.name).toBe(true);
    expect(descriptor.staticIp).toMatch(/SEBI/);
  });
});

describe('dhan scrip master', () => {
  it('downloads and parses the compact CSV into common symbols and segments', () => {
    expect(instruments.find((i) => i.symbol === 'NSE:SBIN')).toMatchObject({ token: '3045', segment: 'NSE_EQ', tickSize: 0.05, lotSize: 1 });
    expect(instruments.find((i) => i.symbol === 'BSE:SBIN')).toMatchObject({ token: '500112', segment: 'BSE_EQ' });
    expect(instruments.find((i) => i.symbol === 'NFO:NIFTY-JAN2026-FUT')).toMatchObject({ token: '35001', segment: 'NSE_FNO', lotSize: 75, tickSize: 0.1 });
    expect(instruments.find((i) => i.symbol === 'NSE:ICICIBANK')?.name).toBe('ICICI BANK, LTD.');
    expect(instruments.find((i) => i.symbol === 'NSE:NIFTY')?.segment).toBe('IDX_I');
  });

  it('prefers the EQ series when a symbol repeats', () => {
    const csv = 'SEM_EXM_EXCH_ID,SEM_SEGMENT,SEM_SMST_SECURITY_ID,SEM_TRADING_SYMBOL,SEM_SERIES\nNSE,E,1,ABC,BE\nNSE,E,2,ABC,EQ\nNSE,E,3,ABC,BL\n';
    expect(parseScripMaster(csv).map((i) => i.token)).toEqual(['2']);
  });
});

describe('dhan adapter against the simulator', () => {
  it('validates the token and reads funds (availabelBalance)', async () => {
    const summary = await adapter.validate(context());
    expect(summary).toEqual({ accountMasked: '••••0003', accountType: 'Individual', buyingPower: sim.exchange.cash, currency: 'INR' });
    const funds = await adapter.funds(context());
    expect(funds).toMatchObject({ available: sim.exchange.cash, currency: 'INR' });
  });

  it('reports the token expiry from the JWT exp', () => {
    expect(adapter.sessionExpiry(context())).toBe(START + DAY);
  });

  it('places, finds (by id and correlation id), lists and cancels a limit order', async () => {
    const ctx = context();
    const clientOrderId = '2b7e1c4d-9f3a-4e8b-a1c2-3d4e5f607182';
    const far = Math.round(priceAt('NSE:INFY', clock.now()) * 0.5);
    const ack = await adapter.placeOrder(ctx, { symbol: 'NSE:INFY', side: 'BUY', quantity: 2, type: 'LIMIT', limitPrice: far, clientOrderId });
    expect(ack.state).toBe('PENDING');
    const byId = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
    expect(byId).toMatchObject({ symbol: 'NSE:INFY', side: 'BUY', quantity: 2, limitPrice: far, type: 'LIMIT', state: 'OPEN', updatedAt: START });
    const byClient = await adapter.getOrder(ctx, { clientOrderId });
    expect(byClient).toMatchObject({ brokerOrderId: ack.brokerOrderId, clientOrderId });
    expect(await adapter.getOrder(ctx, { clientOrderId: 'unknown-tag' })).toBeNull();
    expect(await adapter.getOrder(ctx, { brokerOrderId: '999999999' })).toBeNull();
    await adapter.cancelOrder(ctx, ack.brokerOrderId);
    const book = await adapter.orders(ctx);
    expect(book.find((o) => o.brokerOrderId === ack.brokerOrderId)?.state).toBe('CANCELLED');
    const again = await failure(adapter.cancelOrder(ctx, ack.brokerOrderId));
    expect(again.code).toBe('BROKER_REJECTED');
    expect(again.message).toContain('already CANCELLED');
  });

  it('fills a market order on the price path and shows the position', async () => {
    const ctx = context();
    const ack = await adapter.placeOrder(ctx, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 4, type: 'MARKET', clientOrderId: 'mkt-1' });
    const expected = priceAt('NSE:SBIN', clock.now());
    expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'FILLED', filledQuantity: 4, averagePrice: expected });
    const positions = await adapter.positions(ctx);
    expect(positions.find((p) => p.symbol === 'NSE:SBIN')).toMatchObject({ quantity: 4, averagePrice: expected, realizedPnl: 0 });
  });

  it('shows an order rejected for funds with its reason', async () => {
    const ack = await adapter.placeOrder(context(), { symbol: 'NSE:TCS', side: 'BUY', quantity: 100_000, type: 'LIMIT', limitPrice: 4000, clientOrderId: 'big' });
    expect(await adapter.getOrder(context(), { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'REJECTED', message: 'Insufficient funds' });
  });

  it('passes an input rejection on as BROKER_REJECTED with Dhan\'s message', async () => {
    const bogus: Instrument = { symbol: 'NSE:BOGUS', exchange: 'NSE', brokerSymbol: 'BOGUS', token: '424242', name: 'BOGUS', lotSize: 1, tickSize: 0.05, segment: 'NSE_EQ' };
    const ctx = { ...context(), instruments: new MemoryInstrumentMaster([...instruments, bogus]) };
    const error = await failure(adapter.placeOrder(ctx, { symbol: 'NSE:BOGUS', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'b' }));
    expect(error.code).toBe('BROKER_REJECTED');
    expect(error.message).toContain('Invalid Security ID');
    expect(error.message).toContain('DH-906');
  });

  it('quotes several symbols across segments in one batched call', async () => {
    nextSecond();
    const quotes = await adapter.quotes(context(), ['NSE:SBIN', 'BSE:SBIN', 'NFO:NIFTY-JAN2026-FUT', 'NSE:NIFTY']);
    expect(quotes.map((q) => q.symbol)).toEqual(['NSE:SBIN', 'BSE:SBIN', 'NFO:NIFTY-JAN2026-FUT', 'NSE:NIFTY']);
    for (const q of quotes) {
      expect(q.last).toBe(priceAt(q.symbol, clock.now()));
      expect(q.bid!).toBeLessThan(q.last);
      expect(q.ask!).toBeGreaterThan(q.last);
      expect(q.at).toBe(Math.floor(clock.now() / 1000) * 1000);
    }
  });
});

describe('dhan token renewal', () => {
  it('renews a still-valid token for 24 hours from now; the old one stops working', async () => {
    const local = new ManualClock(START);
    const own = await start({ clock: local });
    try {
      local.advance(20 * 3_600_000);
      const ctx = context(own.credentials, own.baseUrl, local);
      const session = await adapter.login!(ctx);
      expect(session.expiresAt).toBe(local.now() + DAY);
      expect(session.fields.accessToken).not.toBe(own.credentials.accessToken);
      const renewed = context({ ...own.credentials, ...session.fields }, own.baseUrl, local);
      expect(adapter.sessionExpiry(renewed)).toBe(local.now() + DAY);
      await expect(adapter.funds(renewed)).resolves.toMatchObject({ currency: 'INR' });
      expect((await failure(adapter.funds(ctx))).code).toBe('TOKEN_EXPIRED');
    } finally {
      await own.close();
    }
  });

  it('refuses to renew an expired token and reports DH-901 as TOKEN_EXPIRED', async () => {
    const local = new ManualClock(START);
    const own = await start({ clock: local });
    try {
      const ctx = context(own.credentials, own.baseUrl, local);
      local.advance(DAY + 1);
      const renew = await failure(adapter.login!(ctx));
      expect(renew.code).toBe('TOKEN_EXPIRED');
      expect(renew.message).toMatch(/web\.dhan\.co/);
      expect((await failure(adapter.funds(ctx))).code).toBe('TOKEN_EXPIRED');
      local.set(START);
      own.expireSessions();
      expect((await failure(adapter.validate(ctx))).code).toBe('TOKEN_EXPIRED');
    } finally {
      await own.close();
    }
  });
});

describe('dhan failures', () => {
  it('answers orders from a non-whitelisted IP with IP_NOT_ALLOWED and SEBI guidance; reads still work', async () => {
    sim.setCallerIp('198.51.100.7');
    try {
      const error = await failure(adapter.placeOrder(context(), { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'ip' }));
      expect(error.code).toBe('IP_NOT_ALLOWED');
      expect(error.message).toMatch(/static IP/);
      expect(error.message).toMatch(/SEBI/);
      await expect(adapter.positions(context())).resolves.toBeInstanceOf(Array);
    } finally {
      sim.setCallerIp(sim.staticIp);
    }
  });

  it('maps DH-904 to RATE_LIMITED past 10 orders a second', async () => {
    nextSecond();
    const far = Math.round(priceAt('NSE:HDFCBANK', clock.now()) * 0.5);
    const results: string[] = [];
    for (let i = 0; i < 11; i++) {
      results.push(
        await adapter.placeOrder(context(), { symbol: 'NSE:HDFCBANK', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: far, clientOrderId: `rl-${i}` }).then(
          () => 'ok',
          (e: unknown) => (e as BrokerError).code,
        ),
      );
    }
    expect(results.slice(0, 10)).toEqual(Array(10).fill('ok'));
    expect(results[10]).toBe('RATE_LIMITED');
  });

  it('maps the 1/s quote limit to RATE_LIMITED', async () => {
    nextSecond();
    await adapter.quotes(context(), ['NSE:TCS']);
    expect((await failure(adapter.quotes(context(), ['NSE:TCS']))).code).toBe('RATE_LIMITED');
  });

  it('reports NETWORK when nothing listens', async () => {
    const error = await failure(adapter.funds(context(undefined, `http://127.0.0.1:${await closedPort()}/v2`)));
    expect(error.code).toBe('NETWORK');
  });
});

describe('dhan secrets never leak', () => {
  it('keeps a canary token out of every result and error', async () => {
    const canary = 'CANARYd7f3k9q2w8z5';
    const local = new ManualClock(START);
    const own = await start({ clock: local });
    const seen: unknown[] = [];
    const record = async (p: Promise<unknown>) => {
      try {
        seen.push(await p);
      } catch (e) {
        const err = e as Error;
        seen.push(err.message, err.stack, JSON.stringify(err), JSON.stringify({ ...err }));
      }
      local.advance(1_100);
    };
    try {
      const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const token = `${part({ typ: 'JWT' })}.${part({ exp: Math.floor((START + DAY) / 1000) })}.${canary}`;
      own.registerToken(token, START + DAY);
      const ctx = (creds: Record<string, string>, baseUrl = own.baseUrl) => context(creds, baseUrl, local);
      const good = ctx({ ...own.credentials, accessToken: token });
      await record(adapter.validate(good));
      await record(adapter.funds(good));
      await record(adapter.placeOrder(good, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'canary-run' }));
      await record(adapter.orders(good));
      await record(adapter.quotes(good, ['NSE:SBIN']));
      await record(adapter.funds(ctx({ ...own.credentials, accessToken: `${token}x` })));
      await record(adapter.funds(ctx({ ...own.credentials, accessToken: token }, `http://127.0.0.1:${await closedPort()}/v2`)));
      own.setCallerIp('198.51.100.9');
      await record(adapter.placeOrder(good, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'c2' }));
      await record(adapter.login!(good));
      local.advance(DAY);
      await record(adapter.login!(good));
    } finally {
      await own.close();
    }
    const text = JSON.stringify(seen);
    expect(text).toContain('"state":"FILLED"');
    expect(seen.length).toBeGreaterThan(10);
    expect(text).not.toContain(canary);
    expect(text).not.toContain(Buffer.from(canary).toString('base64').replace(/=+$/, ''));
    expect(text.toLowerCase()).not.toContain(Buffer.from(canary).toString('hex'));
  });
});

describe('dhan API-key sign-in (consent flow on auth.dhan.co)', () => {
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

  beforeAll(() => sim.setRedirectUrl(REDIRECT));

  it('has its own descriptor: client id, API key and secret, live only, signed in through the browser', () => {
    expect(BrokerDescriptorSchema.parse(apiKeyAdapter.descriptor)).toMatchObject({ id: 'dhan-api-key', auth: 'oauth-redirect' });
    expect(apiKeyAdapter.descriptor.fields.map((f) => [f.name, f.secret])).toEqual([
      ['dhanClientId', false],
      ['apiKey', false],
      ['apiSecret', true],
    ]);
    for (const field of apiKeyAdapter.descriptor.fields) expect(new RegExp(field.pattern!).test(sim.apiKeyCredentials[field.name as 'apiKey']), field.name).toBe(true);
    expect(apiKeyAdapter.descriptor.environments.map((e) => e.id)).toEqual(['live']);
    expect(apiKeyAdapter.statelessRedirect).toBe(true);
    // The 24-hour token comes from signing in again, not from RenewToken.
    expect(apiKeyAdapter.login).toBeUndefined();
  });

  it('asks Dhan for a consent, then the trader signs in and the tokenId becomes a 24-hour token that trades', async () => {
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
  });

  it('uses auth.dhan.co in production', async () => {
    const seen: string[] = [];
    const ctx = brokerContext({
      baseUrl: 'https://api.dhan.co/v2',
      environment: 'live',
      credentials: sim.apiKeyCredentials,
      clock,
      fetch: async (input) => {
        seen.push(String(input));
        return new Response(JSON.stringify({ consentAppId: 'c1', consentAppStatus: 'GENERATED', status: 'success' }), { headers: { 'content-type': 'application/json' } });
      },
    });
    expect(await apiKeyAdapter.loginUrl!(ctx, REDIRECT, 's')).toBe('https://auth.dhan.co/login/consentApp-login?consentAppId=c1');
    expect(seen).toEqual([`https://auth.dhan.co/app/generate-consent?client_id=${sim.apiKeyCredentials.dhanClientId}`]);
  });

  it('refuses a wrong API secret before any browser opens, and a sign-in to another Dhan client', async () => {
    const wrong = await failure(apiKeyAdapter.loginUrl!(consentContext({ ...sim.apiKeyCredentials, apiSecret: 'not-the-secret' }), REDIRECT, 's') as Promise<string>);
    expect(wrong.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.message).toMatch(/API key and secret/);
    const back = await signIn(await apiKeyAdapter.loginUrl!(consentContext(), REDIRECT, 's'));
    // The connection says it is for another client: the session is not taken.
    const other = await failure(apiKeyAdapter.completeLogin!(consentContext({ ...sim.apiKeyCredentials, dhanClientId: '1000000099' }), Object.fromEntries(back.searchParams), REDIRECT));
    expect(other.code).toBe('INVALID_CREDENTIALS');
    expect(other.message).toMatch(/as client ••••0003, but this connection is for client ••••0099/);
    expect((await failure(apiKeyAdapter.completeLogin!(consentContext(), {}, REDIRECT))).message).toMatch(/without a token id/);
  });

  it('an expired token asks the trader to sign in again, not to generate one on the web', async () => {
    const at = new ManualClock(clock.now() + 2 * DAY);
    const ctx = brokerContext({ baseUrl: sim.baseUrl, environment: 'live', credentials: { ...sim.apiKeyCredentials, accessToken: sim.session.accessToken! }, clock: at, instruments });
    sim.expireSessions();
    const error = await failure(apiKeyAdapter.validate(ctx));
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.message).toMatch(/Sign in to Dhan again/);
  });
});

describe('dhan PIN + TOTP login (auth.dhan.co/app/generateAccessToken)', () => {
  const totpContext = (credentials: Record<string, string> = sim.totpCredentials) => context(credentials, sim.baseUrl);

  it('has its own descriptor: client id, PIN and TOTP seed, live only, logging in by itself', () => {
    expect(BrokerDescriptorSchema.parse(totpAdapter.descriptor)).toMatchObject({ id: 'dhan-totp', auth: 'totp-login' });
    expect(totpAdapter.descriptor.fields.map((f) => [f.name, f.input, f.secret])).toEqual([
      ['dhanClientId', 'text', false],
      ['pin', 'pin', true],
      ['totpSecret', 'totp-seed', true],
    ]);
    for (const field of totpAdapter.descriptor.fields) expect(new RegExp(field.pattern!).test(sim.totpCredentials[field.name as 'pin']), field.name).toBe(true);
    expect(totpAdapter.descriptor.environments.map((e) => e.id)).toEqual(['live']);
    expect(totpAdapter.loginUrl).toBeUndefined();
  });

  it('logs in with the PIN and a TOTP it makes itself, again after the previous token has expired, and trades', async () => {
    const first = await totpAdapter.login!(totpContext());
    expect(Math.abs(first.expiresAt! - (clock.now() + DAY))).toBeLessThan(1_000);
    // Two days on (the simulator's clock too): the first token has expired; a new login needs nothing from it.
    clock.advance(2 * DAY);
    const again = await totpAdapter.login!(totpContext());
    expect(again.fields.accessToken).not.toBe(first.fields.accessToken);
    expect(again.expiresAt! > first.expiresAt!).toBe(true);
    const ctx = totpContext({ ...sim.totpCredentials, ...again.fields });
    expect(await totpAdapter.validate(ctx)).toMatchObject({ accountMasked: '••••0003' });
  });

  it('a wrong PIN or TOTP seed is INVALID_CREDENTIALS without echoing them; a seed that is no base32 is refused before sending', async () => {
    const pin = await failure(totpAdapter.login!(totpContext({ ...sim.totpCredentials, pin: '999999' })));
    expect(pin.code).toBe('INVALID_CREDENTIALS');
    expect(pin.message).toMatch(/PIN or TOTP/);
    expect(pin.message).not.toContain('999999');
    const seed = await failure(totpAdapter.login!(totpContext({ ...sim.totpCredentials, totpSecret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U' })));
    expect(seed.code).toBe('INVALID_CREDENTIALS');
    const garbage = await failure(totpAdapter.login!(totpContext({ ...sim.totpCredentials, totpSecret: 'not base32 at all 0189' })));
    expect(garbage.message).toMatch(/not a valid base32 key/);
    expect(garbage.message).not.toMatch(/0189/);
  });

  it('an expired token says to log in again with the PIN and TOTP', async () => {
    const ctx = totpContext({ ...sim.totpCredentials, accessToken: sim.session.accessToken! });
    sim.expireSessions();
    const error = await failure(totpAdapter.validate(ctx));
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.message).toMatch(/logs in again with your PIN and TOTP/);
  });
});

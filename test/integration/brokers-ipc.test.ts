import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerId } from '../../src/shared/brokers';
import type { AuditEntry, ConnectionView } from '../../src/shared/schemas';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { SIMULATORS } from '../simulators/registry';
import { dumpDatabase } from '../support/graph';
import { CASES, type BrokerCase, type RunningSim } from '../support/brokers-ipc/cases';
import { browserLogin, closedPortUrl, connect, makeWorld, nextWindow, START, type World } from '../support/brokers-ipc/journey';
import { nextEvent } from '../support/brokers-ipc/browser';

/**
 * Every broker driven through the IPC contract only (router calls and pushed events), the way the wizard
 * and a trader do, against its loopback simulator (the connection's API host points at it).
 */

const OAUTH = CASES.filter((c) => c.oauth);
const DIRECT = CASES.filter((c) => !c.oauth);
const adapterOf = (id: BrokerId) => BROKER_ADAPTERS.find((a) => a.descriptor.id === id)!;
/** Fields the trader types (the descriptor's); anything else stored on a connection is a session token. */
const userFields = (id: BrokerId) =>
  adapterOf(id)
    .descriptor.fields.map((f) => f.name)
    .sort();

async function startAll(w: World, canary?: string): Promise<Map<BrokerId, RunningSim>> {
  const sims = await Promise.all(CASES.map((c) => c.start(w.clock, canary)));
  return new Map(CASES.map((c, i) => [c.id, sims[i]!]));
}

async function stopAll(w: World, sims: Map<BrokerId, RunningSim>): Promise<void> {
  w.g.close();
  await Promise.all([...sims.values()].map((s) => s.close()));
}

async function auditOf(w: World, connectionId: string): Promise<AuditEntry[]> {
  return (await w.g.ok('audit:list', { connectionId, limit: 200 })).entries;
}

/** The connection as the health panel shows it after a successful check at `at`. */
function expectValid(c: BrokerCase, view: ConnectionView, at: number, loginAt = START): void {
  expect(view, c.id).toMatchObject({ broker: c.id, status: 'valid', lastError: null, lastValidatedAt: at, ...c.account, tokenExpiresAt: c.expiry(loginAt) });
  expect(view.latencyMs, c.id).toEqual(expect.any(Number));
  expect(view.latencyMs!, c.id).toBeGreaterThanOrEqual(0);
}

it('covers every shipped broker, each with a registered simulator', () => {
  expect(CASES.map((c) => c.id).sort()).toEqual(BROKER_ADAPTERS.map((a) => a.descriptor.id).sort());
  for (const c of CASES) expect(Object.keys(SIMULATORS), c.id).toContain(c.sim);
  for (const c of CASES) expect(Boolean(adapterOf(c.id).loginUrl), c.id).toBe(c.oauth);
});

describe('a trader connects, checks, searches and disconnects every broker', () => {
  let w: World;
  let sims: Map<BrokerId, RunningSim>;
  const ids = new Map<BrokerId, string>();
  const sim = (c: BrokerCase) => sims.get(c.id)!;

  beforeAll(async () => {
    w = await makeWorld();
    sims = await startAll(w);
  });
  afterAll(() => stopAll(w, sims));

  it('connects: direct brokers validate then save; OAuth brokers save untested, then sign in through the browser', async () => {
    const one = async (c: BrokerCase) => {
      const { created, view, login } = await connect(w, c, sim(c));
      ids.set(c.id, created.id);
      expect(created).toMatchObject({ broker: c.id, environment: c.environment, apiHost: sim(c).baseUrl, isActive: true });
      if (c.oauth) {
        // Saved untested; main opened the broker's page and waited for the loopback redirect.
        expect(created.status, c.id).toBe('untested');
        const { start, landing, finished } = login!;
        expect(start, c.id).toEqual({
          status: 'browser',
          redirectUri: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/callback/${c.id}$`)),
          loginHost: new URL(sim(c).baseUrl).host,
        });
        expect(landing, c.id).toMatchObject({ loginStatus: 200, landingStatus: 200 });
        expect(landing.redirectedTo!.startsWith(`${start.redirectUri}?`), c.id).toBe(true);
        expect(landing.landingBody, c.id).toContain('Signed in');
        expect(finished, c.id).toMatchObject({ connectionId: created.id, ok: true, error: null });
        // The URL the trader registers is the one the listener used.
        expect(await w.g.ok('brokers:redirectUri', { broker: c.id }), c.id).toEqual({ redirectUri: start.redirectUri });
      }
      expectValid(c, view, START);
      // Secret fields leave main only as masked previews.
      const typed = sim(c).fields;
      for (const field of view.fields) {
        if (field.secret) expect(field.preview, `${c.id}.${field.name}`).toMatch(/^•+.{0,4}$/);
        else if (field.name in typed) expect(field.preview, `${c.id}.${field.name}`).toBe(typed[field.name]);
      }
    };
    // The first connection creates the vault key; the rest connect at once.
    await one(CASES[0]!);
    await Promise.all(CASES.slice(1).map(one));
    expect((await w.g.ok('connections:list')).map((v) => v.broker).sort()).toEqual(CASES.map((c) => c.id).sort());
  });

  it('validates each connection: masked account, buying power, currency, latency and token expiry', async () => {
    nextWindow(w);
    await Promise.all(
      CASES.map(async (c) => {
        expectValid(c, await w.g.ok('connections:validate', { id: ids.get(c.id)! }), w.clock.now());
      }),
    );
  });

  it("searches the instrument master where the broker has one, the broker's live symbol search where not", async () => {
    await Promise.all(
      CASES.map(async (c) => {
        const found = await w.g.ok('instruments:search', { connectionId: ids.get(c.id)!, query: c.search?.query ?? c.liveSearch?.query ?? 'AAPL' });
        if (!c.search) {
          expect(c.liveSearch, `${c.id} has neither a master nor a live search`).toBeDefined();
          expect(found, c.id).toMatchObject({ masterDay: null, stale: false, lastError: null });
          expect(
            found.results.find((r) => r.symbol === c.liveSearch!.symbol),
            c.id,
          ).toMatchObject({ exchange: c.liveSearch!.exchange, lotSize: 1, tickSize: 0.01 });
          return;
        }
        expect(found, c.id).toMatchObject({ masterDay: '2026-01-05', stale: false, lastError: null });
        expect(
          found.results.map((r) => r.symbol),
          c.id,
        ).toContain(c.search.symbol);
        expect(found.results.find((r) => r.symbol === c.search!.symbol)!.lotSize, c.id).toBeGreaterThan(0);
      }),
    );
  });

  it('validates all connections at once', async () => {
    nextWindow(w);
    const all = await w.g.ok('connections:validateAll');
    expect(all.length).toBe(CASES.length);
    for (const c of CASES)
      expectValid(
        c,
        all.find((v) => v.id === ids.get(c.id))!,
        w.clock.now(),
      );
  });

  it('shows each connection with the fields the trader typed; what a login obtained only as "signed in"', async () => {
    const stored = dumpDatabase(w.g.services).connection_fields as { connection_id: string; name: string }[];
    const signedIn: BrokerId[] = [];
    for (const c of CASES) {
      const id = ids.get(c.id)!;
      const names = stored.filter((r) => r.connection_id === id).map((r) => r.name);
      const obtained = names.filter((name) => !userFields(c.id).includes(name));
      const view = await w.g.ok('connections:get', { id });
      expect(view.fields.map((f) => f.name).sort(), c.id).toEqual(names.filter((name) => userFields(c.id).includes(name)).sort());
      expect(view.signedIn, c.id).toBe(obtained.length > 0);
      if (view.signedIn) signedIn.push(c.id);
    }
    // Angel One's login stores three tokens the trader never typed; none is shown as a field.
    expect(stored.filter((r) => r.connection_id === ids.get('angel-one')).map((r) => r.name)).toEqual(
      expect.arrayContaining(['feedToken', 'jwtToken', 'refreshToken']),
    );
    expect(signedIn).toEqual(expect.arrayContaining(['angel-one', 'zerodha', 'fyers', 'dhan-totp', 'xts-5paisa', 'tastytrade']));
  });

  it('disconnects: session tokens dropped, status untested, typed fields kept', async () => {
    for (const c of CASES) {
      const id = ids.get(c.id)!;
      const before = await w.g.ok('connections:get', { id });
      const view = await w.g.ok('connections:disconnect', { id });
      expect(view, c.id).toMatchObject({ status: 'untested', lastError: null, tokenExpiresAt: null, signedIn: false });
      expect(view.fields.map((f) => f.name).sort(), c.id).toEqual(
        userFields(c.id)
          .filter((name) => name in sim(c).fields)
          .sort(),
      );
      expect(view.fields, c.id).toEqual(before.fields.filter((f) => userFields(c.id).includes(f.name)));
    }
  });

  it('leaves an audit trail: create, login (where there is a session), validate, disconnect', async () => {
    for (const c of CASES) {
      const id = ids.get(c.id)!;
      const entries = await auditOf(w, id);
      const actions = entries.map((e) => e.action);
      expect(
        actions.filter((a) => a === 'connection.create'),
        c.id,
      ).toHaveLength(1);
      expect(actions.filter((a) => a === 'connection.validate').length, c.id).toBeGreaterThanOrEqual(3);
      expect(
        actions.filter((a) => a === 'connection.disconnect'),
        c.id,
      ).toHaveLength(1);
      const logins = entries.filter((e) => e.action === 'connection.login');
      const adapter = adapterOf(c.id);
      if (c.oauth)
        expect(
          logins.map((e) => e.detail.flow),
          c.id,
        ).toEqual(['browser']);
      else if (adapter.login)
        expect(
          logins.map((e) => e.detail.flow),
          c.id,
        ).toEqual(['connect']);
      else expect(logins, c.id).toEqual([]);
      const created = entries.find((e) => e.action === 'connection.create')!;
      expect(created.detail, c.id).toMatchObject({ broker: c.id, apiHost: 'overridden' });
      expect(created.detail.fields, c.id).toEqual(Object.keys(sim(c).fields));
      for (const e of entries.filter((x) => x.action === 'connection.validate')) expect(e.detail, c.id).toEqual({ result: 'valid' });
      const session = logins[0]?.detail.stored as string[] | undefined;
      const dropped = entries.find((e) => e.action === 'connection.disconnect')!.detail.dropped as string[];
      // Session tokens go; a token the trader typed (Dhan's access token, renewed at login) stays.
      expect([...dropped].sort(), c.id).toEqual((session ?? []).filter((name) => !userFields(c.id).includes(name)).sort());
    }
    expect(await w.g.ok('audit:verify')).toMatchObject({ ok: true, brokenAt: null });
  });
});

describe('failures through IPC', () => {
  it('wrong credentials: test and connect give INVALID_CREDENTIALS and store nothing; OAuth brokers cannot be tested', async () => {
    const w = await makeWorld();
    const sims = await startAll(w);
    try {
      const tag = 'WRONG7Q4X9K2M5Z8';
      const wrong = (c: BrokerCase) => {
        const sim = sims.get(c.id)!;
        return { broker: c.id, environment: c.environment, fields: c.wrong(sim.fields, tag), apiHost: sim.baseUrl };
      };
      // Each step for all brokers at once; simulated time moves on between steps (broker login windows).
      const step = async (run: (c: BrokerCase) => Promise<void>, cases = CASES) => {
        await Promise.all(cases.map(run));
        nextWindow(w);
      };
      await step(async (c) => {
        const tested = await w.g.call('connections:test', wrong(c));
        if (c.oauth) {
          expect(tested, c.id).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
          expect(!tested.ok && tested.error.message, c.id).toMatch(/Save the connection, then choose Sign in/);
        } else {
          expect(tested, c.id).toMatchObject({ ok: false, error: { code: c.wrongCode ?? 'INVALID_CREDENTIALS' } });
        }
      });
      await step(async (c) => {
        const connected = await w.g.call('connections:connect', { ...wrong(c), label: 'Wrong keys' });
        expect(connected, c.id).toMatchObject({ ok: false, error: { code: c.wrongCode ?? 'INVALID_CREDENTIALS' } });
      }, DIRECT);
      // The right credentials pass the same check, so what failed was the credentials.
      await step(async (c) => {
        expect(await w.g.call('connections:test', { ...wrong(c), fields: sims.get(c.id)!.fields }), c.id).toMatchObject({ ok: true });
      }, DIRECT);
      expect(await w.g.ok('connections:list')).toEqual([]);
      const db = dumpDatabase(w.g.services);
      expect(db.connections).toEqual([]);
      expect(db.connection_fields).toEqual([]);
      const bytes = JSON.stringify(db);
      for (const form of [tag, Buffer.from(tag).toString('base64'), Buffer.from(tag).toString('hex')]) expect(bytes).not.toContain(form);
      expect((await w.g.ok('audit:list', { limit: 200 })).entries.filter((e) => e.action.startsWith('connection.'))).toEqual([]);
    } finally {
      await stopAll(w, sims);
    }
  });

  it('an expired session: validate reports status expired with the reason', async () => {
    await Promise.all(
      CASES.filter((c) => c.expire).map(async (c) => {
        const w = await makeWorld();
        const sim = await c.start(w.clock);
        try {
          const { view } = await connect(w, c, sim);
          nextWindow(w);
          if (c.expire === 'clock') w.clock.set(view.tokenExpiresAt! + 60_000);
          else sim.expireSessions!();
          const checked = await w.g.ok('connections:validate', { id: view.id });
          expect(checked, c.id).toMatchObject({ status: 'expired', lastValidatedAt: w.clock.now() });
          expect(checked.lastError, c.id).toEqual(expect.any(String));
          expect(checked.lastError!.length, c.id).toBeGreaterThan(10);
          const last = (await auditOf(w, view.id)).find((e) => e.action === 'connection.validate')!;
          expect(last.detail, c.id).toEqual({ result: 'expired', code: 'TOKEN_EXPIRED' });
        } finally {
          await stopAll(w, new Map([[c.id, sim]]));
        }
      }),
    );
  });

  it('a closed port: test fails with NETWORK, a saved connection goes to status error', async () => {
    const w = await makeWorld();
    const sims = await startAll(w);
    try {
      const closed = await closedPortUrl();
      const first = await connect(w, CASES[0]!, sims.get(CASES[0]!.id)!);
      await Promise.all(
        CASES.map(async (c) => {
          const sim = sims.get(c.id)!;
          const id = c === CASES[0] ? first.view.id : (await connect(w, c, sim)).view.id;
          if (!c.oauth) {
            const tested = await w.g.call('connections:test', { broker: c.id, environment: c.environment, fields: sim.fields, apiHost: closed });
            expect(tested, c.id).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
          }
          // A new host needs the trader's secrets again and drops the old host's session (host-override.security.test.ts).
          const hadSession = w.g.services.connections.hasSession(id);
          await w.g.ok('connections:update', { id, apiHost: closed, fields: sim.fields });
          expect(w.g.services.connections.hasSession(id), c.id).toBe(false);
          if (hadSession) {
            // Signing in again is the first request to the new host: direct logins meet the closed port.
            if (!c.oauth) expect(await w.g.call('connections:login', { id }), c.id).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
            return;
          }
          const checked = await w.g.ok('connections:validate', { id });
          expect(checked, c.id).toMatchObject({ status: 'error', apiHost: closed });
          expect(checked.lastError, c.id).toEqual(expect.any(String));
          expect(checked.lastError, c.id).not.toContain(closed);
          const last = (await auditOf(w, id)).find((e) => e.action === 'connection.validate')!;
          expect(last.detail, c.id).toEqual({ result: 'error', code: 'NETWORK' });
        }),
      );
    } finally {
      await stopAll(w, sims);
    }
  });

  describe.each(OAUTH)('$id sign-in', (c) => {
    let w: World;
    let sim: RunningSim;
    beforeAll(async () => {
      w = await makeWorld();
      sim = await c.start(w.clock);
    });
    afterAll(() => stopAll(w, new Map([[c.id, sim]])));

    it('with a wrong API secret is refused with a clear error (when the code is exchanged, or before the browser opens); nothing is stored', async () => {
      const created = await w.g.ok('connections:connect', {
        broker: c.id,
        label: 'Wrong secret',
        environment: c.environment,
        fields: c.wrong(sim.fields, 'X1'),
        apiHost: sim.baseUrl,
      });
      if (c.wrongKeysRefused === 'before-browser') {
        const opened = w.browser.opened.length;
        const start = await w.g.call('connections:login', { id: created.id });
        expect(start).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS', message: expect.stringMatching(/secret/i) } });
        expect(w.browser.opened.length).toBe(opened);
      } else {
        const { landing, finished } = await browserLogin(w, sim, created.id);
        expect(landing.landingStatus).toBe(200);
        expect(finished).toMatchObject({ connectionId: created.id, ok: false, error: { code: 'INVALID_CREDENTIALS' } });
        expect(finished.error!.message).toMatch(/secret/i);
      }
      const after = await w.g.ok('connections:get', { id: created.id });
      expect(after).toMatchObject({ status: 'untested', tokenExpiresAt: null });
      expect(after.fields.map((f) => f.name).sort()).toEqual(userFields(c.id));
      expect((await auditOf(w, created.id)).map((e) => e.action)).not.toContain('connection.login');
      await w.g.ok('connections:delete', { id: created.id });
    });

    it('can be cancelled: login:finished ok:false, the late redirect is refused, a new sign-in works', async () => {
      const created = await w.g.ok('connections:connect', {
        broker: c.id,
        label: 'Cancelled',
        environment: c.environment,
        fields: sim.fields,
        apiHost: sim.baseUrl,
      });
      const before = w.g.events.length;
      const start = await w.g.ok('connections:login', { id: created.id });
      if (start.status !== 'browser') throw new Error('expected a browser sign-in');
      sim.setRedirectUrl!(start.redirectUri);
      const page = w.browser.lastOpened(start.loginHost);
      expect(await w.g.ok('connections:cancelLogin', { id: created.id })).toEqual({ cancelled: true });
      const finished = await nextEvent(w.g, 'login:finished', (e) => e.connectionId === created.id, before);
      expect(finished).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/cancel/i) } });
      expect(await w.g.ok('connections:cancelLogin', { id: created.id })).toEqual({ cancelled: false });
      // The trader finishes on the broker's page anyway: BrokerVault no longer accepts that redirect.
      const late = await w.browser.signIn(page);
      expect(late.redirectedTo).not.toBeNull();
      expect(late.landingStatus === null || late.landingStatus === 400).toBe(true);
      expect(await w.g.ok('connections:get', { id: created.id })).toMatchObject({ status: 'untested', tokenExpiresAt: null });

      const again = await browserLogin(w, sim, created.id);
      expect(again.finished).toMatchObject({ ok: true, error: null, connection: { status: 'valid' } });
    });
  });

  it('two sign-ups at once on a fresh vault both stay decryptable', async () => {
    const w = await makeWorld();
    const sims = await Promise.all(OAUTH.map((c) => c.start(w.clock)));
    try {
      // connections:connect saves OAuth brokers straight away: both ask the new vault for a key at the same time.
      const created = await Promise.all(
        OAUTH.map((c, i) =>
          w.g.ok('connections:connect', { broker: c.id, label: 'Twin', environment: c.environment, fields: sims[i]!.fields, apiHost: sims[i]!.baseUrl }),
        ),
      );
      for (const [i, view] of created.entries()) {
        const { finished } = await browserLogin(w, sims[i]!, view.id);
        expect(finished, OAUTH[i]!.id).toMatchObject({ ok: true, error: null });
      }
    } finally {
      await stopAll(w, new Map(OAUTH.map((c, i) => [c.id, sims[i]!])));
    }
  });
});

describe('canary credentials', () => {
  it('never appear in any IPC result, pushed event or log line (raw, base64, hex)', async () => {
    const canary = 'CANARYQZ7XK2W4M5';
    const w = await makeWorld();
    const sims = await startAll(w, canary);
    const secrets = new Set<string>([canary]);
    try {
      const closed = await closedPortUrl();
      const run = async (c: BrokerCase) => {
        const sim = sims.get(c.id)!;
        const { view } = await connect(w, c, sim, 'Canary');
        // Everything main holds for this connection is secret too: typed secrets and session tokens.
        const secretNames = new Set(
          adapterOf(c.id)
            .descriptor.fields.filter((f) => f.secret)
            .map((f) => f.name),
        );
        for (const [name, value] of Object.entries(w.g.services.connections.credentials(view.id))) {
          if ((secretNames.has(name) || !userFields(c.id).includes(name)) && value.length >= 8 && /[A-Za-z]/.test(value)) secrets.add(value);
        }
        nextWindow(w);
        await w.g.call('connections:validate', { id: view.id });
        if (c.search) await w.g.call('instruments:search', { connectionId: view.id, query: c.search.query });
        if (c.liveSearch) await w.g.call('instruments:search', { connectionId: view.id, query: c.liveSearch.query });
        const wrong = { broker: c.id, environment: c.environment, fields: c.wrong(sim.fields, canary), apiHost: sim.baseUrl };
        await w.g.call('connections:test', wrong);
        const bad = await w.g.call('connections:connect', { ...wrong, label: 'Canary wrong' });
        await w.g.call('connections:test', { ...wrong, fields: sim.fields, apiHost: closed });
        // OAuth brokers save the wrong secret untested; the sign-in then fails.
        if (c.oauth && bad.ok) {
          if (c.wrongKeysRefused === 'before-browser') await w.g.call('connections:login', { id: bad.value.id });
          else await browserLogin(w, sim, bad.value.id);
        }
        return view.id;
      };
      const first = await run(CASES[0]!);
      const ids = [first, ...(await Promise.all(CASES.slice(1).map(run)))];
      nextWindow(w);
      await w.g.call('connections:validateAll');
      for (const id of ids) await w.g.call('connections:disconnect', { id });

      expect(w.results.length).toBeGreaterThan(CASES.length * 5);
      const haystacks = { results: JSON.stringify(w.results), events: JSON.stringify(w.g.events), logs: w.g.logLines.join('\n') };
      for (const secret of secrets) {
        const bytes = Buffer.from(secret);
        for (const form of [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')]) {
          for (const [where, text] of Object.entries(haystacks)) expect(text.includes(form), `${where} contain a form of ${secret.slice(0, 6)}…`).toBe(false);
        }
      }
    } finally {
      await stopAll(w, sims);
    }
  });
});

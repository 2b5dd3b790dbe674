import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../src/shared/channels';
import { fileSink } from '../../src/main/log/logger';
import { createRouter } from '../../src/main/ipc/router';
import { validInputs } from '../support/channel-samples';
import { makeGraph, TRUSTED_SENDER } from '../support/graph';
import { fakeAdapter } from '../support/fake-broker';

const CANARY_KEY = `AKCANARY${randomBytes(6).toString('hex').toUpperCase()}`;
const CANARY_SECRET = `CANARY-secret-${randomBytes(8).toString('hex')}`;
const CANARY_PIN = '917364';

/** A secret in every encoding it could leak in. */
function forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'), encodeURIComponent(secret)];
}

function expectClean(haystack: string | Buffer, where: string, secrets: string[]) {
  const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      expect(text.includes(form), `${where} contains a form of a secret (${form.slice(0, 6)}…)`).toBe(false);
    }
  }
}

describe('canary credentials never leave main or sit in plaintext on disk (properties 7, 8, 9)', () => {
  it('drives every channel and scans results, events, logs, preferences and raw database bytes', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'bv-canary-')), 'profile');
    fs.mkdirSync(dataDir);
    const g = await makeGraph({ dataDir, logSink: fileSink(dataDir) });
    const seen: unknown[] = [];
    const call = async (channel: ChannelName, input: unknown) => {
      const result = await g.services.router.handle(channel, TRUSTED_SENDER, input);
      seen.push({ channel, result });
      return result;
    };

    const created = await call('connections:create', {
      broker: 'alpaca',
      label: 'Canary',
      environment: 'live',
      fields: { api_key: CANARY_KEY, api_secret: CANARY_SECRET, pin: CANARY_PIN },
    });
    expect(created.ok).toBe(true);
    const id = (created as { value: { id: string } }).value.id;
    await call('connections:create', { broker: 'angel-one', label: 'Other', environment: 'live', fields: { api_key: CANARY_KEY, api_secret: CANARY_SECRET } });

    // Every channel once with valid input (deleting last), plus failing calls that mention the secrets.
    const inputs = validInputs(id);
    const order = [...CHANNEL_NAMES].filter((c) => c !== 'connections:delete');
    for (const channel of order) await call(channel, inputs[channel]);
    await call('connections:update', { id, fields: { api_secret: `${CANARY_SECRET}-v2`, api_key: 'bad key!' } });
    await call('connections:create', { broker: 'alpaca', label: 'Canary', environment: 'live', fields: { api_key: CANARY_KEY, api_secret: CANARY_SECRET } });
    await call('connections:create', { broker: 'alpaca', label: CANARY_SECRET.slice(0, 60), environment: 'nope', fields: { api_key: CANARY_SECRET } });
    await call('vault:unlock', { passphrase: `${CANARY_SECRET}-wrong` });
    // The decrypted secrets really are in main (so the scan below is meaningful).
    expect(g.services.connections.credentials(id).api_key).toBe(CANARY_KEY);
    await call('connections:delete', inputs['connections:delete']);

    const secrets = [CANARY_KEY, CANARY_SECRET, `${CANARY_SECRET}-v2`];
    expectClean(JSON.stringify(seen), 'IPC results', secrets);
    expectClean(JSON.stringify(g.events), 'pushed events', secrets);
    expect(JSON.stringify(seen)).not.toContain(`"${CANARY_PIN}"`);
    expect(g.events.length).toBeGreaterThan(3);

    // Decrypt everything once more so the log redaction has seen all values, then log an error that carries them.
    g.services.log.error('simulated failure', { error: new Error(`boom ${CANARY_SECRET}`), headers: { 'APCA-API-SECRET-KEY': CANARY_SECRET } });
    // The passphrase channel moved the key from the keychain into vault.key; the vault holds it in memory.
    const keys = [g.services.vault.requireKey(), ...((await g.keyStore.load(g.services.vault.keychainAccount)) ?? [])];

    const scan = () => {
      const found: string[] = [];
      for (const name of ['brokervault.sqlite', 'brokervault.sqlite-wal', 'brokervault.sqlite-shm', 'preferences.json', 'logs/main.log', 'vault.key']) {
        const file = path.join(dataDir, name);
        if (!fs.existsSync(file)) continue;
        found.push(name);
        const bytes = fs.readFileSync(file);
        expectClean(bytes, name, secrets);
        for (const key of keys) {
          expect(bytes.includes(key.key), `${name} holds the raw master key`).toBe(false);
          expectClean(bytes, `${name} (master key)`, [key.key.toString('latin1')]);
        }
      }
      return found;
    };
    // While open, the WAL holds the latest pages; after a clean close SQLite folds it into the main file.
    expect(scan()).toEqual(
      expect.arrayContaining(['brokervault.sqlite', 'brokervault.sqlite-wal', 'brokervault.sqlite-shm', 'preferences.json', 'logs/main.log']),
    );
    g.close();
    expect(scan()).toContain('brokervault.sqlite');
  });

  it('a thrown error carrying secrets in headers and stack crosses as INTERNAL with our words only', async () => {
    const g = await makeGraph();
    const error = Object.assign(new Error(`Request failed: Authorization: token ${CANARY_KEY}:${CANARY_SECRET}`), {
      config: { headers: { Authorization: `token ${CANARY_KEY}:${CANARY_SECRET}` } },
      stack: `Error: ${CANARY_SECRET}\n    at request (${CANARY_KEY})`,
    });
    const logLines: string[] = [];
    const router = createRouter({
      handlers: {
        ...Object.fromEntries(CHANNEL_NAMES.map((c) => [c, () => Promise.reject(error)])),
      } as never,
      isTrustedSender: () => true,
      log: { debug() {}, info() {}, warn() {}, error: (m, c) => logLines.push(JSON.stringify({ m, c: g.services.secrets.redact(c) })) },
    });
    g.services.secrets.add(CANARY_KEY);
    g.services.secrets.add(CANARY_SECRET);
    for (const channel of CHANNEL_NAMES) {
      const result = await router.handle(channel, TRUSTED_SENDER, validInputs('a'.repeat(32))[channel]);
      expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/^Something went wrong inside BrokerVault/) } });
    }
    expectClean(logLines.join('\n'), 'router log', [CANARY_KEY, CANARY_SECRET]);
    g.close();
  });

  it('an adapter error carrying secrets in its headers never reaches a result, a stored status or the log (property 8)', async () => {
    const adapter = fakeAdapter('alpaca');
    const logLines: string[] = [];
    const g = await makeGraph({ brokers: [adapter], logSink: { write: (l) => logLines.push(l) } });
    const conn = await g.ok('connections:create', {
      broker: 'alpaca',
      label: 'Leaky',
      environment: 'live',
      fields: { api_key: CANARY_KEY, api_secret: CANARY_SECRET },
    });
    // What an HTTP library error looks like: the request's headers, with the keys, in the error object.
    const UNSAVED_KEY = `AKUNSAVED${randomBytes(5).toString('hex').toUpperCase()}`;
    const UNSAVED_SECRET = `unsaved-${randomBytes(8).toString('hex')}`;
    adapter.fail = Object.assign(new Error(`401 with ${UNSAVED_KEY} and ${UNSAVED_SECRET}; APCA-API-SECRET-KEY: ${CANARY_SECRET}`), {
      config: { headers: { 'APCA-API-KEY-ID': CANARY_KEY, 'APCA-API-SECRET-KEY': CANARY_SECRET } },
      stack: `Error: ${CANARY_SECRET}\n    at request (${CANARY_KEY})`,
    });
    const seen = [
      await g.call('connections:validate', { id: conn.id }),
      // Credentials that were never saved: the redactor must know them too.
      await g.call('connections:test', { broker: 'alpaca', environment: 'live', fields: { api_key: UNSAVED_KEY, api_secret: UNSAVED_SECRET } }),
      await g.call('connections:get', { id: conn.id }),
    ];
    expect(seen[0]).toMatchObject({ ok: true, value: { status: 'error', lastError: expect.stringMatching(/^Something went wrong inside BrokerVault/) } });
    expect(seen[1]).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const all = [CANARY_KEY, CANARY_SECRET, UNSAVED_KEY, UNSAVED_SECRET];
    expectClean(JSON.stringify(seen), 'results', all);
    expectClean(JSON.stringify(g.events), 'events', all);
    expectClean(logLines.join('\n'), 'log', all);
    expect(logLines.length).toBeGreaterThan(0);
    g.close();
  });
});

/**
 * Brokers that echo the request (issue 11, item 7): every broker entry against its simulator behind a fetch
 * that quotes the request (headers, query, body raw and base64) back in every error answer. The connection's
 * own secrets and session tokens must reach neither the renderer (IPC results, events) nor the disk.
 */
describe('brokers that echo the request in their errors (properties 7, 8, 9)', () => {
  /** Every form a canary can be quoted in: raw, base64/base64url at any alignment, hex, URL- and JSON-escaped. */
  function echoForms(secret: string): string[] {
    const bytes = Buffer.from(secret);
    const out = [
      secret,
      bytes.toString('hex'),
      encodeURIComponent(secret),
      new URLSearchParams({ v: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
    ];
    for (let k = 0; k < 3; k++) {
      const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
      const stable = b64.slice(k ? 4 : 0, 4 * Math.floor((k + bytes.length) / 3));
      out.push(stable, stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    return [...new Set(out)];
  }

  /** Which canaries (by broker) appear in which haystack, case-insensitively (hex and %-escapes ignore case). */
  function leaks(canaries: Map<string, string>, haystacks: Record<string, string>): Record<string, string[]> {
    const lower = Object.entries(haystacks).map(([where, text]) => [where, text.toLowerCase()] as const);
    const found: Record<string, string[]> = {};
    for (const [secret, broker] of canaries) {
      const hits = lower.filter(([, text]) => echoForms(secret).some((form) => text.includes(form.toLowerCase()))).map(([where]) => where);
      if (hits.length) (found[broker] ??= []).push(`${secret.slice(0, 8)}… in ${hits.join(', ')}`);
    }
    return found;
  }

  it('0 canaries of any broker entry reach IPC results, events, the database, the log or preferences', async () => {
    const { CASES } = await import('../support/brokers-ipc/cases');
    const { connect, makeWorld, nextWindow } = await import('../support/brokers-ipc/journey');
    const { echoingFetch } = await import('../support/echoing-fetch');
    const { BROKER_ADAPTERS } = await import('../../src/main/brokers/registry');
    const { ManualClock } = await import('../../src/main/clock');
    const { START } = await import('../support/brokers-ipc/journey');

    const dataDir = path.join(fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'bv-echo-')), 'profile');
    fs.mkdirSync(dataDir);
    const net = echoingFetch();
    const w = await makeWorld(new ManualClock(START), net.fetch, { dataDir, logSink: fileSink(dataDir) });
    // One canary per entry (base32 letters, as the TOTP seeds need), so a leak names its broker.
    const canaryOf = (i: number) => `ECHOQZ7XK2W4M5N${String.fromCharCode(65 + i)}`;
    const sims = await Promise.all(CASES.map((c, i) => c.start(w.clock, canaryOf(i))));
    /** canary value → broker entry it belongs to. */
    const canaries = new Map<string, string>();
    const descriptorOf = (id: string) => BROKER_ADAPTERS.find((a) => a.descriptor.id === id)!.descriptor;
    const remember = (broker: string, fields: Record<string, string>) => {
      const d = descriptorOf(broker);
      const secret = new Set(d.fields.filter((f) => f.secret).map((f) => f.name));
      const userField = new Set(d.fields.map((f) => f.name));
      for (const [name, value] of Object.entries(fields)) {
        // Typed secrets and session tokens; long enough that a match in a haystack can only be a leak.
        if ((secret.has(name) || !userField.has(name)) && value.length >= 8 && /[A-Za-z]/.test(value)) canaries.set(value, broker);
      }
    };
    try {
      const run = async (index: number) => {
        const c = CASES[index]!;
        const sim = sims[index]!;
        const { view } = await connect(w, c, sim, 'Echo');
        expect(view.status, c.id).toBe('valid');
        remember(c.id, w.g.services.connections.credentials(view.id));

        // Wrong credentials: the broker refuses them and quotes them back.
        const wrong = c.wrong(sim.fields, canaryOf(index));
        remember(c.id, wrong);
        nextWindow(w);
        await w.g.call('connections:test', { broker: c.id, environment: c.environment, fields: wrong, apiHost: sim.baseUrl });
        nextWindow(w);
        const bad = await w.g.call('connections:connect', {
          broker: c.id,
          label: 'Echo wrong',
          environment: c.environment,
          fields: wrong,
          apiHost: sim.baseUrl,
        });
        if (bad.ok) {
          remember(c.id, w.g.services.connections.credentials(bad.value.id));
          await w.g.call('connections:delete', { id: bad.value.id });
        }

        // The saved connection's own requests refused with the echo: validate, search, login.
        net.failing(sim.baseUrl, c.sim);
        nextWindow(w);
        await w.g.call('connections:validate', { id: view.id });
        if (c.search) await w.g.call('instruments:search', { connectionId: view.id, query: c.search.query });
        if (c.liveSearch) await w.g.call('instruments:search', { connectionId: view.id, query: c.liveSearch.query });
        if (!c.oauth || c.wrongKeysRefused === 'before-browser') await w.g.call('connections:login', { id: view.id });
        net.recover(sim.baseUrl);

        // The broker's own "session ended" answer, quoted back too.
        if (sim.expireSessions) {
          sim.expireSessions();
          nextWindow(w);
          await w.g.call('connections:validate', { id: view.id });
        }
        return view.id;
      };
      const ids = await Promise.all(CASES.map((_c, i) => run(i)));
      nextWindow(w);
      await w.g.call('connections:validateAll');
      for (const id of ids) await w.g.call('connections:disconnect', { id });
      w.g.services.log.info('echo run finished', {});
      expect(net.echoed, 'the simulators really echoed').toBeGreaterThan(CASES.length * 2);
      // Every entry with a secret has canaries (the IBKR gateway keeps its session itself: BrokerVault holds no secret for it).
      const withSecrets = CASES.filter((c) => descriptorOf(c.id).fields.some((f) => f.secret)).map((c) => c.id);
      expect(new Set(canaries.values()), 'every broker entry has canaries').toEqual(new Set(withSecrets));

      const disk = () =>
        Object.fromEntries(
          ['brokervault.sqlite', 'brokervault.sqlite-wal', 'brokervault.sqlite-shm', 'preferences.json', 'logs/main.log']
            .map((name) => path.join(dataDir, name))
            .filter((file) => fs.existsSync(file))
            .map((file) => [path.basename(file), fs.readFileSync(file).toString('latin1')]),
        );
      const renderer = { results: JSON.stringify(w.results), events: JSON.stringify(w.g.events) };
      const open = leaks(canaries, { ...renderer, ...disk() });
      w.g.close();
      const closed = leaks(canaries, disk());
      const perBroker = [...new Set(canaries.values())].map((b) => `${b} ${[...canaries.values()].filter((x) => x === b).length}`).join(', ');
      expect({ open, closed }, `canaries per broker: ${perBroker}`).toEqual({ open: {}, closed: {} });
    } finally {
      w.g.close();
      await Promise.all(sims.map((s) => s.close()));
    }
  }, 120_000);
});

describe('an order refused by a broker that echoes the request (journal, audit, kill switch)', () => {
  it('keeps the connection’s secrets out of order results, the journal, events, the database and the log', async () => {
    const { vi } = await import('vitest');
    const { echoingFetch } = await import('../support/echoing-fetch');
    const { connectSim, goLive, makeTradingWorld, nextWindow, startSim, ticket } = await import('../support/trading/world');
    const echo = echoingFetch(globalThis.fetch);
    // The trading world's network passes every request on to the global fetch: make that one echo.
    vi.stubGlobal('fetch', echo.fetch);
    const w = await makeTradingWorld();
    const sims = [await startSim('tradier', w.clock), await startSim('angel-one', w.clock)];
    const results: unknown[] = [];
    const canaries = new Set<string>();
    try {
      for (const [sim, symbol] of [
        [sims[0]!, 'US:MSFT'],
        [sims[1]!, 'NSE:SBIN'],
      ] as const) {
        const view = await connectSim(w, sim);
        const secretNames = new Set(
          w.g.services.brokers
            .get(sim.broker)!
            .descriptor.fields.filter((f) => !f.secret)
            .map((f) => f.name),
        );
        for (const [name, value] of Object.entries(w.g.services.connections.credentials(view.id))) {
          if (!secretNames.has(name) && value.length >= 8 && /[A-Za-z]/.test(value)) canaries.add(value);
        }
        nextWindow(w);
        await goLive(w, view.id);
        // The order is refused with the request quoted back; then every read fails the same way during the kill switch.
        echo.failing(sim.baseUrl, sim.broker, (method) => method === 'POST');
        nextWindow(w);
        results.push(
          await w.g.call(
            'orders:place',
            ticket({ symbol, side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1, ...(sim.broker === 'angel-one' ? { product: 'CNC' } : {}) }),
          ),
        );
        echo.failing(sim.baseUrl, sim.broker);
        nextWindow(w);
        results.push(await w.g.call('killswitch:engage', { closePositions: true }));
        echo.recover(sim.baseUrl);
        results.push(await w.g.call('orders:list', { limit: 50 }), await w.g.call('audit:list', { limit: 200 }));
        await w.g.call('mode:unlock');
      }
      expect(echo.echoed).toBeGreaterThan(1);
      expect(canaries.size).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(results)).toContain('REJECTED');
      const disk = ['brokervault.sqlite', 'brokervault.sqlite-wal'].map((f) => fs.readFileSync(path.join(w.g.dataDir, f)).toString('latin1')).join('\n');
      const haystacks = { results: JSON.stringify(results), events: JSON.stringify(w.g.events), log: w.g.logLines.join('\n'), disk };
      const found = Object.entries(haystacks).flatMap(([where, text]) =>
        [...canaries]
          .filter((secret) => forms(secret).some((form) => text.toLowerCase().includes(form.toLowerCase())))
          .map((secret) => `${secret.slice(0, 6)}… in ${where}`),
      );
      expect(found).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
      w.g.close();
      await Promise.all(sims.map((s) => s.close()));
    }
  }, 60_000);
});

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
    expect(scan()).toEqual(expect.arrayContaining(['brokervault.sqlite', 'brokervault.sqlite-wal', 'brokervault.sqlite-shm', 'preferences.json', 'logs/main.log']));
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
    const conn = await g.ok('connections:create', { broker: 'alpaca', label: 'Leaky', environment: 'live', fields: { api_key: CANARY_KEY, api_secret: CANARY_SECRET } });
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

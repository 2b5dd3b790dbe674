import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import type { BrokerDescriptor } from '../../src/shared/brokers';
import { CHANNEL_NAMES, type ChannelName } from '../../src/shared/channels';
import type { Result } from '../../src/shared/result';
import { blockingMs, MAX_BLOCKING_MS } from '../support/blocking';
import { invalidVariants, validInputs } from '../support/channel-samples';
import { fakeAdapter } from '../support/fake-broker';
import { CANARY, fuzzedFields, fuzzedPayload, seededRandom } from '../support/fuzz-inputs';
import { dumpDatabase, makeGraph, TRUSTED_SENDER, type TestGraph } from '../support/graph';

let g: TestGraph;
let id: string;

beforeAll(async () => {
  g = await makeGraph();
  id = (
    await g.ok('connections:create', {
      broker: 'alpaca',
      label: 'Seed',
      environment: 'live',
      fields: { api_key: 'AKSEEDKEY0001', api_secret: 'seed-secret-0001' },
    })
  ).id;
});
afterAll(() => g.close());

describe('every channel refuses malformed input with INVALID_INPUT and changes nothing (property 6)', () => {
  for (const channel of CHANNEL_NAMES) {
    it(channel, async () => {
      const sample = validInputs('a'.repeat(32))[channel] as Record<string, unknown>;
      const variants = invalidVariants({ ...sample, ...('id' in sample ? { id } : {}) });
      const before = dumpDatabase(g.services);
      const prefsBefore = JSON.stringify(g.services.settings.get());
      for (const [what, input] of variants) {
        const result = await g.services.router.handle(channel, TRUSTED_SENDER, input);
        expect({ what, result }).toEqual({ what, result: { ok: false, error: { code: 'INVALID_INPUT', message: expect.any(String) } } });
        if (!result.ok) expect(result.error.message.length).toBeLessThan(1000);
      }
      expect(dumpDatabase(g.services)).toEqual(before);
      expect(JSON.stringify(g.services.settings.get())).toBe(prefsBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('unknown channels are refused', async () => {
    for (const channel of ['connections:drop', '__proto__', 'constructor', '', 'vault:exportKey']) {
      expect(await g.services.router.handle(channel, TRUSTED_SENDER, {})).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'Unknown request.' } });
    }
  });

  it('every channel refuses untrusted senders before reading input (FORBIDDEN)', async () => {
    const before = dumpDatabase(g.services);
    for (const channel of CHANNEL_NAMES) {
      const input = validInputs(id)[channel];
      for (const sender of [
        { url: 'https://evil.example/', isMainFrame: true },
        { url: TRUSTED_SENDER.url, isMainFrame: false },
      ]) {
        expect(await g.services.router.handle(channel, sender, input)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
    }
    expect(dumpDatabase(g.services)).toEqual(before);
  });

  it('the valid samples are accepted, so the refusals above are about the mutations', async () => {
    for (const channel of CHANNEL_NAMES) {
      const result = await g.services.router.handle(channel, TRUSTED_SENDER, validInputs('f'.repeat(32))[channel]);
      if (!result.ok) expect({ channel, code: result.error.code }).not.toEqual({ channel, code: 'INVALID_INPUT' });
    }
  });
});

// ---- Issue 11 "Done when": at least 1,000 fuzzed payloads per channel, 0 state changes, 0 calls over 50 ms ----

/** Change it to explore; a failure report names the channel and payload index, which this seed makes again. */
const FUZZ_SEED = 0x5eed_b0a7;
const PAYLOADS_PER_CHANNEL = 1000;
/** Zod's own wording, which must never reach the renderer (issue 11 item 12). */
const ZOD_WORDING = /Invalid input|Too big|Too small|Unrecognized key|expected [a-z]+, received|: expected /;
const CONNECTION_CHANNELS = new Set<ChannelName>(['connections:test', 'connections:create', 'connections:connect', 'connections:update']);

function channelSeed(channel: string): number {
  let h = FUZZ_SEED;
  for (const ch of channel) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

function stateHash(graph: TestGraph): string {
  return createHash('sha256')
    .update(JSON.stringify(dumpDatabase(graph.services)))
    .update(JSON.stringify(graph.services.settings.get()))
    .digest('hex');
}

describe(`${PAYLOADS_PER_CHANNEL} seeded fuzzed payloads per channel: all refused, nothing changes, no call blocks main over ${MAX_BLOCKING_MS} ms`, () => {
  let f: TestGraph;
  let seedId: string;
  /** Saved connections a partial update can aim a bait at, one field at a time. */
  const seeds: { id: string; descriptor: BrokerDescriptor }[] = [];
  // Every real broker's fields and patterns, behind adapters that send nothing: credentials that pass the schema reach the descriptors.
  const descriptors = BROKER_ADAPTERS.map((a) => a.descriptor);

  beforeAll(async () => {
    f = await makeGraph({
      brokers: descriptors.map((d) =>
        fakeAdapter(d.id, { name: d.name, region: d.region, currency: d.currency, fields: d.fields, environments: d.environments }),
      ),
    });
    const alpaca = descriptors.find((d) => d.id === 'alpaca')!;
    seedId = (
      await f.ok('connections:create', {
        broker: 'alpaca',
        label: 'Seed',
        environment: alpaca.environments[0]!.id,
        fields: { apiKeyId: 'AKSEEDKEY0001ABCD', apiSecretKey: 'seedsecret0001abcdefghij' },
      })
    ).id;
    seeds.push({ id: seedId, descriptor: alpaca });
    // The Ed25519 entry, whose private key pattern once froze main: its key comes after the API key.
    const ed25519 = descriptors.find((d) => d.id === 'binance-ed25519')!;
    const privateKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const fields = { apiKey: 'A'.repeat(64), privateKey };
    seeds.push({
      id: (await f.ok('connections:create', { broker: ed25519.id, label: 'Seed Ed25519', environment: ed25519.environments[0]!.id, fields })).id,
      descriptor: ed25519,
    });
  });
  afterAll(() => f.close());

  /** Credentials that pass the schema but no descriptor, in a request that is otherwise valid. */
  function descriptorBait(channel: ChannelName, random: () => number): unknown {
    if (channel === 'connections:update') {
      const seed = seeds[Math.floor(random() * seeds.length)]!;
      return { id: seed.id, fields: fuzzedFields(random, seed.descriptor, true) };
    }
    const descriptor = descriptors[Math.floor(random() * descriptors.length)]!;
    const base = { broker: descriptor.id, environment: descriptor.environments[0]!.id, fields: fuzzedFields(random, descriptor) };
    return channel === 'connections:test' ? base : { ...base, label: 'Fuzz' };
  }

  for (const channel of CHANNEL_NAMES) {
    it(channel, { timeout: 60_000 }, async () => {
      const random = seededRandom(channelSeed(channel));
      const sample = validInputs(seedId)[channel] as Record<string, unknown>;
      const before = stateHash(f);
      const eventsBefore = f.events.length;
      const wrong: { index: number; result: unknown }[] = [];
      const slow: { index: number; ms: number }[] = [];
      for (let index = 0; index < PAYLOADS_PER_CHANNEL; index++) {
        const payload = CONNECTION_CHANNELS.has(channel) && random() < 0.3 ? descriptorBait(channel, random) : fuzzedPayload(random, sample);
        let result: Result<unknown> | undefined;
        // blockingMs: the whole call (synchronous part and the handler's awaited work, all in-process for a refused
        // input), measured again once if over the bound, so a GC pause or a busy CI core is not taken for a defect.
        const ms = await blockingMs(async () => {
          result = await f.services.router.handle(channel, TRUSTED_SENDER, payload);
        });
        if (ms >= MAX_BLOCKING_MS) slow.push({ index, ms: Math.round(ms) });
        const message = result && !result.ok ? result.error.message : '';
        if (!result || result.ok || result.error.code !== 'INVALID_INPUT' || ZOD_WORDING.test(message) || message.includes(CANARY) || message.length >= 1000) {
          wrong.push({ index, result });
        }
      }
      expect(wrong.slice(0, 3)).toEqual([]);
      expect(slow).toEqual([]);
      expect(stateHash(f)).toBe(before);
      expect(f.events.length).toBe(eventsBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});

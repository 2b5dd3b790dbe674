import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import { ManualClock, type Clock } from '../../../src/main/clock';
import { adapter as ed25519Adapter } from '../../../src/main/brokers/binance-ed25519/adapter';
import { type BrokerContext, type Instrument } from '../../../src/main/brokers/types';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { startBinance, type BinanceSimHandle } from '../../simulators/binance';
import { brokerContext, failure } from '../support';
import { behaviour, type BrokerConformance } from './suite';

const simClock = new ManualClock(Date.UTC(2026, 0, 5, 12, 0, 0));
/** The user's computer runs 45 s late: without server-time sync every signed call would fail with -1021. */
const driftingClock: Clock = { now: () => simClock.now() - 45_000 };
let sim: BinanceSimHandle;
const instruments: Instrument[] = [];

function ctx(overrides: Partial<BrokerContext> = {}): BrokerContext {
  const base = brokerContext({ baseUrl: sim.baseUrl, environment: 'live', credentials: sim.credentials, clock: driftingClock, instruments });
  return { ...base, ...overrides };
}
const edCtx = (credentials: Record<string, string> = sim.ed25519Credentials) => ctx({ credentials });

export const conformance: BrokerConformance = {
  id: 'binance-ed25519',
  adapter: ed25519Adapter,
  familyOf: 'binance',
  hooks: {
    beforeAll: async () => {
      sim = await startBinance({ clock: simClock });
    },
    afterAll: async () => {
      await sim.close();
    },
  },
  cases: [
    behaviour('descriptor', 'has its own wizard entry: API key and the private key, both secret, described as Ed25519 (not HMAC)', () => {
      expect(BrokerDescriptorSchema.parse(ed25519Adapter.descriptor)).toMatchObject({ id: 'binance-ed25519', auth: 'ed25519-signed' });
      expect(ed25519Adapter.descriptor.fields.map((f) => [f.name, f.secret, f.required])).toEqual([
        ['apiKey', true, true],
        ['privateKey', true, true],
      ]);
      // The PEM as pasted, with or without its line breaks, matches the field's pattern.
      const pattern = new RegExp(`^(?:${ed25519Adapter.descriptor.fields[1]!.pattern})$`);
      expect(pattern.test(sim.ed25519Credentials.privateKey.trim())).toBe(true);
      expect(pattern.test(sim.ed25519Credentials.privateKey.replace(/\n/g, ' ').trim())).toBe(true);
    }),
    behaviour(
      ['signIn', 'orders'],
      "signs every request with the private key: validate, an order and its lookup pass the simulator's Ed25519 check",
      async () => {
        const one = edCtx();
        expect(await ed25519Adapter.validate(one)).toMatchObject({ accountMasked: '••••7868', accountType: 'Spot, trading enabled, IP-restricted' });
        const clientOrderId = 'bv-ed25519-0001';
        const ack = await ed25519Adapter.placeOrder(one, {
          symbol: 'CRYPTO:BTCUSDT',
          side: 'BUY',
          quantity: 0.01,
          type: 'LIMIT',
          limitPrice: 2000,
          clientOrderId,
        });
        expect(await ed25519Adapter.getOrder(one, { clientOrderId })).toMatchObject({ brokerOrderId: ack.brokerOrderId, state: 'OPEN' });
        await ed25519Adapter.cancelOrder(one, ack.brokerOrderId);
        // A line-broken PEM pasted into a one-line field arrives without its line breaks: it still signs.
        expect(
          await ed25519Adapter.funds(edCtx({ ...sim.ed25519Credentials, privateKey: sim.ed25519Credentials.privateKey.replace(/\n/g, '') })),
        ).toMatchObject({ currency: 'USDT' });
      },
    ),
    behaviour(
      'signIn',
      'a different Ed25519 key is refused by Binance as an invalid signature; text that is no Ed25519 key is refused before sending',
      async () => {
        const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        const wrong = await failure(ed25519Adapter.validate(edCtx({ ...sim.ed25519Credentials, privateKey: other })));
        expect(wrong.code).toBe('INVALID_CREDENTIALS');
        const before = sim.requests.length;
        const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        for (const text of ['-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----', rsa]) {
          const refused = await failure(ed25519Adapter.funds(edCtx({ ...sim.ed25519Credentials, privateKey: text })));
          expect(refused.code).toBe('INVALID_CREDENTIALS');
          expect(refused.message).toMatch(/not an Ed25519 private key/);
          expect(refused.message).not.toContain(text.slice(30, 60));
        }
        // Nothing signed with a key that is not one reached Binance (only the public server-time call may have).
        expect(sim.requests.slice(before).filter((r) => r.signatureIn !== null)).toEqual([]);
      },
    ),
  ],
};

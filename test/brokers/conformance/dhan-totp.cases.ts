import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/dhan/adapter';
import { adapter as totpAdapter } from '../../../src/main/brokers/dhan-totp/adapter';
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

// from: dhan PIN + TOTP login (auth.dhan.co/app/generateAccessToken)
const totpContext = (credentials: Record<string, string> = sim.totpCredentials) => context(credentials, sim.baseUrl);

export const conformance: BrokerConformance = {
  id: 'dhan-totp',
  adapter: totpAdapter,
  familyOf: 'dhan',
  hooks: {
    beforeAll: async () => {
      sim = await start({ clock });
      instruments = await adapter.fetchInstruments!(context());
    },
    afterAll: async () => {
      await sim.close();
    },
  },
  cases: [
    behaviour('descriptor', 'has its own descriptor: client id, PIN and TOTP seed, live only, logging in by itself', () => {
      expect(BrokerDescriptorSchema.parse(totpAdapter.descriptor)).toMatchObject({ id: 'dhan-totp', auth: 'totp-login' });
      expect(totpAdapter.descriptor.fields.map((f) => [f.name, f.input, f.secret])).toEqual([
        ['dhanClientId', 'text', false],
        ['pin', 'pin', true],
        ['totpSecret', 'totp-seed', true],
      ]);
      for (const field of totpAdapter.descriptor.fields)
        expect(new RegExp(field.pattern!).test(sim.totpCredentials[field.name as 'pin']), field.name).toBe(true);
      expect(totpAdapter.descriptor.environments.map((e) => e.id)).toEqual(['live']);
      expect(totpAdapter.loginUrl).toBeUndefined();
    }),
    behaviour('signIn', 'logs in with the PIN and a TOTP it makes itself, again after the previous token has expired, and trades', async () => {
      const first = await totpAdapter.login!(totpContext());
      expect(Math.abs(first.expiresAt! - (clock.now() + DAY))).toBeLessThan(1_000);
      // Two days on (the simulator's clock too): the first token has expired; a new login needs nothing from it.
      clock.advance(2 * DAY);
      const again = await totpAdapter.login!(totpContext());
      expect(again.fields.accessToken).not.toBe(first.fields.accessToken);
      expect(again.expiresAt! > first.expiresAt!).toBe(true);
      const ctx = totpContext({ ...sim.totpCredentials, ...again.fields });
      expect(await totpAdapter.validate(ctx)).toMatchObject({ accountMasked: '••••0003' });
    }),
    behaviour(
      'signIn',
      'a wrong PIN or TOTP seed is INVALID_CREDENTIALS without echoing them; a seed that is no base32 is refused before sending',
      async () => {
        const pin = await failure(totpAdapter.login!(totpContext({ ...sim.totpCredentials, pin: '999999' })));
        expect(pin.code).toBe('INVALID_CREDENTIALS');
        expect(pin.message).toMatch(/PIN or TOTP/);
        expect(pin.message).not.toContain('999999');
        const seed = await failure(totpAdapter.login!(totpContext({ ...sim.totpCredentials, totpSecret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U' })));
        expect(seed.code).toBe('INVALID_CREDENTIALS');
        const garbage = await failure(totpAdapter.login!(totpContext({ ...sim.totpCredentials, totpSecret: 'not base32 at all 0189' })));
        expect(garbage.message).toMatch(/not a valid base32 key/);
        expect(garbage.message).not.toMatch(/0189/);
      },
    ),
    behaviour(['signIn', 'errors'], 'an expired token says to log in again with the PIN and TOTP', async () => {
      const ctx = totpContext({ ...sim.totpCredentials, accessToken: sim.session.accessToken! });
      sim.expireSessions();
      const error = await failure(totpAdapter.validate(ctx));
      expect(error.code).toBe('TOKEN_EXPIRED');
      expect(error.message).toMatch(/logs in again with your PIN and TOTP/);
    }),
    // A fresh token from the PIN and a TOTP, then the family's sockets with it.
    dhanVariantStreamingCase(totpAdapter, async (rig) => {
      const session = await totpAdapter.login!(rig.ctx(rig.sim.totpCredentials));
      return { ...rig.sim.totpCredentials, ...session.fields };
    }),
  ],
};

import { describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/main/brokers/types';
import { symbolsFor } from '../../src/main/local-api/verbs/common';
import { ALL_VERBS } from '../../src/main/local-api/verbs';
import { runVerb } from '../../src/main/local-api/verbs/run';
import type { VerbContext } from '../../src/main/local-api/verb';
import { PAPER_ACCOUNT_ID } from '../../src/main/local-api/keys';
import type { Venue } from '../../src/main/trading/venue';

/** A graph whose one connection (Zerodha) cannot download its instrument master. */
function context(warnings: unknown[]): VerbContext {
  const services = {
    connections: { list: () => [{ id: 'c1', broker: 'zerodha', isActive: true }] },
    brokerCalls: {
      adapterFor: () => ({ symbolDialect: 'yymmm', fetchInstruments: () => Promise.resolve([]) }),
      instrumentMaster: () =>
        Promise.reject(new BrokerError('NETWORK', "Zerodha's instrument list could not be downloaded, and there is no earlier copy to use.")),
    },
    log: { warn: (...args: unknown[]) => warnings.push(args) },
    trading: { venue: () => ({ mode: 'paper', connectionId: null, broker: 'paper' }) },
  };
  return { caller: { keyId: 'k', connectionIds: [PAPER_ACCOUNT_ID, 'c1'], permission: 'trade' }, services: services as unknown as VerbContext['services'] };
}

describe('symbol mapping without an instrument master', () => {
  it('paper falls back to the connection’s dialect, and says so in the log', async () => {
    const warnings: unknown[] = [];
    const symbols = await symbolsFor(context(warnings), { mode: 'paper', connectionId: null, broker: 'paper' } as Venue);
    expect(symbols).toMatchObject({ dialect: 'yymmm', master: null, connection: { id: 'c1', broker: 'zerodha' } });
    expect(symbols.toCommon({ symbol: 'BANKNIFTY24APR24FUT', exchange: 'NFO' })).toBe('NFO:BANKNIFTY24APRFUT');
    expect(warnings).toHaveLength(1);
  });

  it('live refuses, as the adapter could not map the order either', async () => {
    await expect(symbolsFor(context([]), { mode: 'live', connectionId: 'c1', broker: 'zerodha' } as Venue)).rejects.toThrow(
      /instrument list could not be downloaded/,
    );
  });
});

it('expiry says plainly when no instrument master is available', async () => {
  const expiry = ALL_VERBS.find((v) => v.name === 'expiry')!;
  expect(await runVerb(expiry, context([]), { symbol: 'NIFTY', exchange: 'NFO', instrumenttype: 'options' })).toEqual({
    httpStatus: 400,
    body: { status: 'error', message: 'Expiry dates come from an Indian broker’s instrument master, and this key’s connection has none available.' },
  });
});

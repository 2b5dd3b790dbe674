import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALL_VERBS } from '../../src/main/local-api/verbs';
import { errorReply, runVerb } from '../../src/main/local-api/verbs/run';
import { ApiError, READ_ONLY_MESSAGE, type Verb, type VerbContext } from '../../src/main/local-api/verb';
import { AppError, INTERNAL_MESSAGE } from '../../src/main/errors';
import { BrokerError } from '../../src/main/brokers/types';

/** Services that fail the test if a refused call reaches them. */
const untouchable = new Proxy(
  {},
  {
    get(_t, key) {
      throw new Error(`a refused call reached services.${String(key)}`);
    },
  },
) as VerbContext['services'];

const ctx = (permission: 'read' | 'trade'): VerbContext => ({ caller: { keyId: 'k', connectionIds: ['c1'], permission }, services: untouchable });

describe('every verb refuses before touching anything', () => {
  it.each(ALL_VERBS.map((v) => [v.name, v] as const))('%s: an unknown field is named, its value never repeated', async (_name, verb) => {
    const reply = await runVerb(verb, ctx('trade'), { apikey: 'k', 'zz-unknown': 'SECRET-VALUE-123', mode: true, query: 'x', orders: [] });
    expect(reply.httpStatus).toBe(400);
    expect(reply.body).toMatchObject({ status: 'error', message: expect.stringContaining('zz-unknown: is not a field of this verb') });
    expect(JSON.stringify(reply.body)).not.toContain('SECRET-VALUE-123');
  });

  it.each(ALL_VERBS.filter((v) => v.permission === 'trade').map((v) => [v.name, v] as const))('%s: a read-only key gets 403', async (_name, verb) => {
    const reply = await runVerb(verb, ctx('read'), { apikey: 'k' });
    expect(reply).toEqual({ httpStatus: 403, body: { status: 'error', message: READ_ONLY_MESSAGE } });
  });

  it.each([null, 'text', 42, ['a'], { __proto__: { symbol: 'SBIN' } }])('placeorder refuses the body %j', async (body) => {
    const placeorder = ALL_VERBS.find((v) => v.name === 'placeorder')!;
    const reply = await runVerb(placeorder, ctx('trade'), body);
    expect(reply.httpStatus).toBe(400);
    expect(reply.body.status).toBe('error');
  });

  it('names every wrong field and what is wrong with it', async () => {
    const placeorder = ALL_VERBS.find((v) => v.name === 'placeorder')!;
    const reply = await runVerb(placeorder, ctx('trade'), { symbol: 'SBIN', exchange: 'NSE', action: 'buy', quantity: 0, price: 'x'.repeat(1_000_000) });
    expect(reply.httpStatus).toBe(400);
    expect(reply.body.errors).toEqual({
      action: ['must be BUY or SELL'],
      quantity: ['must be above 0'],
      price: ['must be a price of 0 or more'],
    });
    expect(reply.body.message).toBe('Invalid input. action: must be BUY or SELL; quantity: must be above 0; price: must be a price of 0 or more.');
    expect(JSON.stringify(reply.body).length).toBeLessThan(1000);
  });
});

describe('errors in OpenAlgo’s shape', () => {
  const throwing = (error: unknown): Verb => ({ name: 'x', permission: 'read', input: z.strictObject({}), run: () => Promise.reject(error) }) as Verb;

  it.each<[unknown, number, string]>([
    [new ApiError(404, 'No order.'), 404, 'No order.'],
    [new AppError('KILL_SWITCH_ENGAGED', 'Stopped.'), 403, 'Stopped.'],
    [new AppError('LIMIT_EXCEEDED', 'Too big.'), 400, 'Too big.'],
    [new BrokerError('RATE_LIMITED', 'Slow down.'), 429, 'Slow down.'],
    [new BrokerError('NETWORK', 'No answer.'), 500, 'No answer.'],
    [new Error('ENOENT /home/trader/.secret token=abc'), 500, INTERNAL_MESSAGE],
  ])('%s → %i', async (error, status, message) => {
    expect(await runVerb(throwing(error), ctx('read'), {})).toEqual({ httpStatus: status, body: { status: 'error', message } });
    expect(errorReply(error).httpStatus).toBe(status);
  });
});

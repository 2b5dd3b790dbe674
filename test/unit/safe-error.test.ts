import { describe, expect, it } from 'vitest';
import { BrokerError, BrokerPrompt } from '../../src/main/brokers/types';
import { AppError, INTERNAL_MESSAGE } from '../../src/main/errors';
import { isSafeError, toSafeError } from '../../src/main/safe-error';
import { needsLimitPrice, needsStopPrice, ORDER_TYPES, isOpenOrderState, isWorkingOrderState, ORDER_STATES } from '../../src/shared/orders';
import { BROKER_ERROR_CODES, ERROR_CODES } from '../../src/shared/result';

const SECRET = 'sk-live-0123456789abcdef';
const scrub = (text: string) => text.replaceAll(SECRET, '[REDACTED]');

describe('toSafeError: the one way from anything thrown to {code, message}', () => {
  it('keeps the code and message BrokerVault wrote (AppError, BrokerError, BrokerPrompt)', () => {
    expect(toSafeError(new AppError('NOT_FOUND', 'That order is not in the journal.'))).toEqual({
      code: 'NOT_FOUND',
      message: 'That order is not in the journal.',
    });
    expect(toSafeError(new BrokerError('RATE_LIMITED', 'Alpaca says: too many requests.', 429))).toEqual({
      code: 'RATE_LIMITED',
      message: 'Alpaca says: too many requests.',
    });
    expect(toSafeError(new BrokerPrompt('r1', ['Sure?'], 'The broker asks a question.'))).toEqual({
      code: 'BROKER_REJECTED',
      message: 'The broker asks a question.',
    });
  });

  it('scrubs our own messages when given a scrubber', () => {
    const error = new BrokerError('INVALID_CREDENTIALS', `Rejected key ${SECRET}.`);
    expect(toSafeError(error, { scrub })).toEqual({ code: 'INVALID_CREDENTIALS', message: 'Rejected key [REDACTED].' });
  });

  it('never passes on any other error’s text: INTERNAL with our message, or the caller’s fallback', () => {
    // A Node/undici error carries a code too, but its text is a library's and may hold a secret.
    const system = Object.assign(new Error(`connect ECONNREFUSED https://api.example?key=${SECRET}`), { code: 'ECONNREFUSED' });
    for (const thrown of [system, new TypeError(SECRET), SECRET, null, undefined, { code: 'NOT_FOUND', message: SECRET }]) {
      expect(toSafeError(thrown, { scrub })).toEqual({ code: 'INTERNAL', message: INTERNAL_MESSAGE });
      expect(toSafeError(thrown, { fallback: 'The order could not be sent.' })).toEqual({ code: 'INTERNAL', message: 'The order could not be sent.' });
      expect(isSafeError(thrown)).toBe(false);
    }
  });
});

describe('the shared vocabulary', () => {
  it('broker error codes are IPC error codes, so a broker failure crosses unchanged', () => {
    for (const code of BROKER_ERROR_CODES) expect(ERROR_CODES).toContain(code);
  });

  it('limit and stop prices belong to exactly the order types that name them', () => {
    expect(ORDER_TYPES.filter(needsLimitPrice)).toEqual(['LIMIT', 'STOP_LIMIT']);
    expect(ORDER_TYPES.filter(needsStopPrice)).toEqual(['STOP', 'STOP_LIMIT']);
  });

  it('a working order is open; UNKNOWN is open (unsettled) but not working', () => {
    expect(ORDER_STATES.filter(isWorkingOrderState)).toEqual(['PENDING', 'OPEN', 'PARTIALLY_FILLED']);
    expect(ORDER_STATES.filter(isOpenOrderState)).toEqual(['PENDING', 'OPEN', 'PARTIALLY_FILLED', 'UNKNOWN']);
  });
});

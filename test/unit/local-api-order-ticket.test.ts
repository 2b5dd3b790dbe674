import { describe, expect, it } from 'vitest';
import { OrderTicketSchema } from '../../src/shared/schemas';
import { ApiError } from '../../src/main/local-api/verb';
import { orderTicket, type OrderFields } from '../../src/main/local-api/verbs/place';
import { toCommonSymbol, fromCommonSymbol, type Dialect } from '../../src/main/local-api/symbols';
import type { Symbols } from '../../src/main/local-api/verbs/common';

const symbolsOf = (dialect: Dialect): Symbols => ({
  key: dialect,
  dialect,
  connection: null,
  master: null,
  instrument: () => null,
  toCommon: (input) => toCommonSymbol(dialect, input, null),
  fromCommon: (common) => fromCommonSymbol(dialect, common),
});

const base: OrderFields = { symbol: 'SBIN', exchange: 'NSE', action: 'BUY', quantity: 1, pricetype: 'MARKET', product: 'MIS' };

describe('OpenAlgo order fields → BrokerVault ticket', () => {
  it.each<[Partial<OrderFields>, Dialect, Record<string, unknown>]>([
    [{}, 'yymmm', { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', product: 'MIS' }],
    [{ pricetype: 'LIMIT', price: 760.5 }, 'yymmm', { type: 'LIMIT', limitPrice: 760.5 }],
    [{ pricetype: 'SL', price: 760, trigger_price: 759 }, 'yymmm', { type: 'STOP_LIMIT', limitPrice: 760, stopPrice: 759 }],
    [{ pricetype: 'SL-M', trigger_price: 759, price: 0 }, 'yymmm', { type: 'STOP', stopPrice: 759 }],
    [{ symbol: 'AAPL', exchange: 'NASDAQ', product: 'CNC' }, 'us', { symbol: 'US:AAPL', noProduct: true }],
    [{ symbol: 'BTCUSDT', exchange: 'CRYPTO', quantity: 0.015 }, 'crypto', { symbol: 'CRYPTO:BTCUSDT', quantity: 0.015, noProduct: true }],
    [{ symbol: 'NIFTY28MAR2420800CE', exchange: 'NFO', quantity: 75, product: 'NRML' }, 'ddmmmyy', { symbol: 'NFO:NIFTY28MAR2420800CE', product: 'NRML' }],
  ])('%o on %s', (fields, dialect, expected) => {
    const ticket = orderTicket({ ...base, ...fields }, symbolsOf(dialect), 'api-0123456789abcdef');
    const { noProduct, ...fieldsExpected } = expected;
    expect(ticket).toMatchObject(fieldsExpected);
    // US and crypto brokers pick their own product: none is sent.
    if (noProduct) expect(ticket).not.toHaveProperty('product');
    // What the order path's own schema accepts: the ticket is a valid IPC ticket too.
    expect(OrderTicketSchema.safeParse(ticket).success).toBe(true);
  });

  it.each<[Partial<OrderFields>, string]>([
    [{ pricetype: 'LIMIT' }, 'price: a LIMIT order needs a price above 0'],
    [{ pricetype: 'SL', price: 10 }, 'trigger_price: a SL order needs a trigger_price above 0'],
    [{ pricetype: 'SL-M' }, 'trigger_price: a SL-M order needs a trigger_price above 0'],
    [{ quantity: 1.5 }, 'quantity: must be a whole number above 0'],
  ])('refuses %o', (fields, message) => {
    expect(() => orderTicket({ ...base, ...fields }, symbolsOf('yymmm'))).toThrow(ApiError);
    expect(() => orderTicket({ ...base, ...fields }, symbolsOf('yymmm'))).toThrow(message);
  });
});

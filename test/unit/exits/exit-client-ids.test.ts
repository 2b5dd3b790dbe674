import { describe, expect, it } from 'vitest';
import { orderTag } from '../../../src/main/brokers/angel-one/mapping';
import { binanceClientId } from '../../../src/main/brokers/binance/mapping';
import { correlationId } from '../../../src/main/brokers/dhan/mapping';
import { fyersTag } from '../../../src/main/brokers/fyers/symbols';
import { toTag } from '../../../src/main/brokers/tradier/symbols';
import { kiteTag } from '../../../src/main/brokers/zerodha/mapping';
import { exitIdFor, nativeRequest } from '../../../src/main/trading/exits/exit-orders';

/**
 * The exits service names a native exit `bv-xn-<16 hex>` (22 characters). Brokers that cap their tag or client id get
 * it folded by their adapter, never sent over-long, and two exits never fold to the same id.
 */
const ids = Array.from(
  { length: 200 },
  (_, i) =>
    nativeRequest(exitIdFor(`request-${i}`), {
      requestId: `request-${i}`,
      kind: 'oco',
      symbol: 'NSE:SBIN',
      exitSide: 'SELL',
      quantity: 1,
      targetPrice: 2,
      stopPrice: 1,
    }).clientOrderId,
);

const CAPS: [string, (id: string) => string, RegExp][] = [
  // Angel One: ordertag under 20 characters (AB4008 otherwise).
  ['angel-one ordertag', orderTag, /^[A-Za-z0-9_-]{1,19}$/],
  // Kite's tag: alphanumeric, at most 20 (the GTT carries none; the order path's tag does).
  ['zerodha tag', kiteTag, /^[A-Za-z0-9]{1,20}$/],
  ['fyers orderTag', fyersTag, /^[A-Za-z0-9]{1,20}$/],
  ['dhan correlationId', correlationId, /^[A-Za-z0-9_-]{1,25}$/],
  // Binance: 36 characters, including the legs' -tp and -sl suffixes.
  ['binance listClientOrderId', binanceClientId, /^[.A-Z:/a-z0-9_-]{1,36}$/],
  ['binance leg id', (id) => binanceClientId(`${id}-sl`), /^[.A-Z:/a-z0-9_-]{1,36}$/],
  ['tradier tag', toTag, /^[A-Za-z0-9-]{1,255}$/],
];

describe('native exit client ids fit each broker’s cap', () => {
  it('are 22 characters as the service makes them', () => {
    expect(ids.every((id) => /^bv-xn-[0-9a-f]{16}$/.test(id))).toBe(true);
  });
  it.each(CAPS)('%s', (_name, fold, shape) => {
    const folded = ids.map(fold);
    for (const id of folded) expect(id).toMatch(shape);
    expect(new Set(folded).size).toBe(ids.length);
  });
});

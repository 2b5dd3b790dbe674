import { describe, expect, it } from 'vitest';
import { parseFullEvent, parseOrderEvent, parsePartialEvent, xtsStreamTimeMs } from '../../../src/main/brokers/xts/stream-parse';

const IST_0915_2026_01_05 = Date.UTC(2026, 0, 5, 3, 45);
/** 2026-01-05 09:15 IST in XTS's NSE count: seconds since 1980-01-01 00:00 IST. */
const NSE_SECONDS = IST_0915_2026_01_05 / 1000 - 315_513_000;

const touchline = {
  MessageCode: 1501,
  ExchangeSegment: 1,
  ExchangeInstrumentID: 2885,
  ExchangeTimeStamp: NSE_SECONDS,
  Touchline: {
    BidInfo: { Size: 120, Price: 2450.1, TotalOrders: 3, BuyBackMarketMaker: 0 },
    AskInfo: { Size: 95, Price: 2450.3, TotalOrders: 2, BuyBackMarketMaker: 0 },
    LastTradedPrice: 2450.2,
    LastTradedQunatity: 10,
    TotalTradedQuantity: 182300,
    LastTradedTime: NSE_SECONDS,
    LastUpdateTime: NSE_SECONDS,
  },
};

describe('XTS stream parsers', () => {
  it('reads NSE times from 1980-01-01 IST and the other segments from the Unix epoch', () => {
    expect(xtsStreamTimeMs(1, NSE_SECONDS)).toBe(IST_0915_2026_01_05);
    expect(xtsStreamTimeMs(2, NSE_SECONDS)).toBe(IST_0915_2026_01_05);
    expect(xtsStreamTimeMs(11, IST_0915_2026_01_05 / 1000)).toBe(IST_0915_2026_01_05);
    expect(xtsStreamTimeMs(51, IST_0915_2026_01_05 / 1000)).toBe(IST_0915_2026_01_05);
  });

  it('reads a 1501/1502 full event from JSON text or an object, with bid, ask and volume from the touchline', () => {
    const expected = { key: '1_2885', messageCode: 1501, ltp: 2450.2, bid: 2450.1, ask: 2450.3, volume: 182300, ts: IST_0915_2026_01_05 };
    expect(parseFullEvent(JSON.stringify(touchline))).toEqual(expected);
    expect(parseFullEvent(touchline)).toEqual(expected);
    expect(parseFullEvent({ ...touchline, MessageCode: 1502, Bids: [], Asks: [] })).toEqual({ ...expected, messageCode: 1502 });
  });

  it('reads a 1512 LTP event, whose price and time sit at the top level', () => {
    const ltp = { MessageCode: 1512, ExchangeSegment: 11, ExchangeInstrumentID: 500325, LastTradedPrice: '2451.05', LastUpdateTime: 1_767_584_700 };
    expect(parseFullEvent(JSON.stringify(ltp))).toEqual({ key: '11_500325', messageCode: 1512, ltp: 2451.05, ts: 1_767_584_700_000 });
  });

  it('refuses malformed, truncated and priceless full events', () => {
    const text = JSON.stringify(touchline);
    for (const bad of [
      '',
      '{not json',
      text.slice(0, text.length - 7),
      '[1,2]',
      'null',
      42,
      JSON.stringify({ ...touchline, ExchangeSegment: undefined }),
      JSON.stringify({ ...touchline, ExchangeInstrumentID: 'x' }),
      JSON.stringify({ ...touchline, Touchline: { ...touchline.Touchline, LastTradedPrice: 0 } }),
      JSON.stringify({ ...touchline, Touchline: { ...touchline.Touchline, LastTradedPrice: 'NaN' } }),
    ]) {
      expect(parseFullEvent(bad), String(bad)).toBeNull();
    }
  });

  it('reads a partial event, keeping only the fields it carries', () => {
    const full = `t:1_2885,ltp:2450.2,ltq:10,tb:5400,ts:6100,v:182300,ap:2450,ltt:${NSE_SECONDS},lut:${NSE_SECONDS},pc:0,bi:0|120|2450.1|3|1|80|2450|2,ai:0|95|2450.3|2`;
    expect(parsePartialEvent(full, 1502)).toEqual({
      key: '1_2885',
      messageCode: 1502,
      ltp: 2450.2,
      bid: 2450.1,
      ask: 2450.3,
      volume: 182300,
      ts: IST_0915_2026_01_05,
    });
    expect(parsePartialEvent('t:1_2885,ltp:2450.25')).toEqual({ key: '1_2885', messageCode: null, ltp: 2450.25 });
    expect(parsePartialEvent('t:1_2885,bi:0|120|2450.15|3')).toEqual({ key: '1_2885', messageCode: null, bid: 2450.15 });
  });

  it('refuses partial events that name no instrument or are not key:value pairs', () => {
    for (const bad of ['', 'ltp:1', 't:1-2885,ltp:1', 't:1_2885,ltp', 't:1_2885,:5', '{"t":"1_2885"}', 12, null]) {
      expect(parsePartialEvent(bad), String(bad)).toBeNull();
    }
    // A truncated depth level carries no price rather than a wrong one.
    expect(parsePartialEvent('t:1_2885,ltp:10,bi:0|120')).toEqual({ key: '1_2885', messageCode: null, ltp: 10 });
  });

  it('accepts an order event as JSON text or an object, and refuses one without AppOrderID', () => {
    const row = { AppOrderID: 1200000001, OrderStatus: 'Filled' };
    expect(parseOrderEvent(JSON.stringify(row))).toEqual(row);
    expect(parseOrderEvent(row)).toEqual(row);
    expect(parseOrderEvent('{"AppOrderID":')).toBeNull();
    expect(parseOrderEvent({ OrderStatus: 'Filled' })).toBeNull();
    expect(parseOrderEvent('"text"')).toBeNull();
  });
});

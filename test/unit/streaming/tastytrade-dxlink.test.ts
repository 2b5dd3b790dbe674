import { describe, expect, it } from 'vitest';
import { ACCEPT_EVENT_FIELDS, configuredFields, decodeFeedData, feedSetup, feedSubscription, setupMessage } from '../../../src/main/brokers/tastytrade/dxlink';

const fields = ACCEPT_EVENT_FIELDS;

describe('DXLink codec', () => {
  it('builds the client messages BrokerVault sends', () => {
    expect(setupMessage(60)).toEqual({ type: 'SETUP', channel: 0, version: '0.1-BrokerVault', keepaliveTimeout: 60, acceptKeepaliveTimeout: 60 });
    expect(feedSetup()).toMatchObject({
      type: 'FEED_SETUP',
      channel: 1,
      acceptDataFormat: 'COMPACT',
      acceptEventFields: { Trade: fields.Trade, Quote: fields.Quote },
    });
    expect(feedSubscription([{ type: 'Trade', symbol: 'AAPL' }], [])).toEqual({
      type: 'FEED_SUBSCRIPTION',
      channel: 1,
      add: [{ type: 'Trade', symbol: 'AAPL' }],
    });
    expect(feedSubscription([], [{ type: 'Quote', symbol: 'AAPL' }])).toEqual({
      type: 'FEED_SUBSCRIPTION',
      channel: 1,
      remove: [{ type: 'Quote', symbol: 'AAPL' }],
    });
  });

  it('decodes COMPACT data: consecutive events concatenated in eventFields order, several types in one message', () => {
    const data = [
      'Trade',
      ['Trade', 'AAPL', 190.5, 1200, 100, 1767625200000, 'Trade', 'MSFT', '410.25', 'NaN', 5, 0],
      'Quote',
      ['Quote', 'AAPL', 190.49, 190.51, 3, 5, 1767625200001, 0],
    ];
    expect(decodeFeedData(data, fields)).toEqual({
      events: [
        { type: 'Trade', symbol: 'AAPL', price: 190.5, dayVolume: 1200, time: 1767625200000 },
        { type: 'Trade', symbol: 'MSFT', price: 410.25 },
        { type: 'Quote', symbol: 'AAPL', bid: 190.49, ask: 190.51, time: 1767625200001 },
      ],
      problems: [],
    });
  });

  it('uses the fields the server confirmed, in its order, not the ones asked for', () => {
    const confirmed = configuredFields({ Trade: ['eventType', 'eventSymbol', 'size', 'price'], Junk: 'x' })!;
    expect(confirmed).toEqual({ Trade: ['eventType', 'eventSymbol', 'size', 'price'] });
    expect(decodeFeedData(['Trade', ['Trade', 'SPY', 7, 500.1]], confirmed).events).toEqual([{ type: 'Trade', symbol: 'SPY', price: 500.1 }]);
    expect(configuredFields(undefined)).toBeNull();
  });

  it('decodes FULL data (objects with eventType)', () => {
    const data = [
      { eventType: 'Trade', eventSymbol: 'AAPL', price: 1.5, dayVolume: 10, time: 5 },
      { eventType: 'Quote', eventSymbol: 'AAPL', bidPrice: 1.4, askPrice: 1.6 },
    ];
    expect(decodeFeedData(data, fields)).toEqual({
      events: [
        { type: 'Trade', symbol: 'AAPL', price: 1.5, dayVolume: 10, time: 5 },
        { type: 'Quote', symbol: 'AAPL', bid: 1.4, ask: 1.6 },
      ],
      problems: [],
    });
  });

  it('keeps the whole events of a truncated COMPACT block and counts the rest malformed', () => {
    const truncated = ['Trade', ['Trade', 'AAPL', 190.5, 1200, 100, 1767625200000, 'Trade', 'MSFT', 410]];
    expect(decodeFeedData(truncated, fields)).toEqual({
      events: [{ type: 'Trade', symbol: 'AAPL', price: 190.5, dayVolume: 1200, time: 1767625200000 }],
      problems: ['malformed'],
    });
    // A type without its values block, a block shorter than one event.
    expect(decodeFeedData(['Trade'], fields)).toEqual({ events: [], problems: ['malformed'] });
    expect(decodeFeedData(['Quote', ['Quote', 'AAPL']], fields)).toEqual({ events: [], problems: ['malformed'] });
  });

  it('refuses data for event types the feed was not configured for, and events missing what they need', () => {
    expect(decodeFeedData(['Summary', ['Summary', 'AAPL', 1]], fields).problems).toEqual(['unknown']);
    expect(decodeFeedData([{ eventType: 'Greeks', eventSymbol: 'X' }], fields).problems).toEqual(['unknown']);
    // Configured by the server but not one BrokerVault decodes: refused too.
    expect(decodeFeedData(['Summary', ['Summary', 'AAPL']], { Summary: ['eventType', 'eventSymbol'] }).problems).toEqual(['unknown']);
    expect(
      decodeFeedData(
        [
          { eventType: 'Trade', eventSymbol: 'AAPL', price: 'NaN' },
          { eventType: 'Trade', eventSymbol: '', price: 1 },
          { eventType: 'Quote', eventSymbol: 'AAPL', bidPrice: 1 },
          { eventSymbol: 'AAPL' },
          7,
        ],
        fields,
      ),
    ).toEqual({ events: [], problems: ['malformed', 'malformed', 'malformed', 'malformed', 'malformed'] });
    expect(decodeFeedData({ not: 'an array' }, fields)).toEqual({ events: [], problems: ['malformed'] });
    expect(decodeFeedData([], fields)).toEqual({ events: [], problems: [] });
  });
});

import { describe, expect, it } from 'vitest';
import { exchangeTimeZone, timeZoneWords } from '../../../src/shared/charts';

describe('time zones in the trader’s words', () => {
  it('names every exchange’s zone without its internal name', () => {
    expect(['NSE:INFY', 'BSE:TCS', 'US:AAPL', 'CRYPTO:BTCUSD'].map((s) => timeZoneWords(exchangeTimeZone(s)))).toEqual([
      'India (IST)',
      'India (IST)',
      'US (New York)',
      'UTC (crypto)',
    ]);
  });

  it('shows a zone it does not know as it is', () => {
    expect(timeZoneWords('Europe/London')).toBe('Europe/London');
  });
});

import { describe, expect, it } from 'vitest';
import { encodeStamp, stampAge, stampTime } from '../../bench/lib/stamp';

/** The streaming benchmark's latency rests on this: a send time carried in a trade price, read back in another process. */
describe('bench stamp', () => {
  it('is a positive price to the microsecond', () => {
    expect(encodeStamp(123_456_789.1234)).toBe(1 + 56_789.123);
    expect(encodeStamp(200_000)).toBe(1);
  });

  it('reads back the age in ms, also across the 100 s wrap', () => {
    expect(stampAge(encodeStamp(5_000.25), 5_012.75)).toBeCloseTo(12.5, 6);
    expect(stampAge(encodeStamp(199_995), 200_003)).toBeCloseTo(8, 6);
    expect(stampTime(encodeStamp(299_999.5), 300_000.5)).toBeCloseTo(299_999.5, 6);
  });
});

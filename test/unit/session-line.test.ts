import { describe, expect, it } from 'vitest';
import { sessionLine } from '../../src/renderer/src/components/session-line';

const at = (ms: number) => `<${ms}>`;

describe('a connection card’s session line', () => {
  it('says nothing when no login stored a session', () => {
    expect(sessionLine(false, 5_000, 1_000, at)).toBeNull();
    expect(sessionLine(false, null, 1_000, at)).toBeNull();
  });
  it('says when the session ends', () => {
    expect(sessionLine(true, 5_000, 1_000, at)).toBe('Signed in, session ends <5000>');
  });
  it('says it ended once the time has passed', () => {
    expect(sessionLine(true, 5_000, 5_000, at)).toBe('Session ended <5000>: sign in again');
  });
  it('says only "Signed in" when the broker gave no end', () => {
    expect(sessionLine(true, null, 1_000, at)).toBe('Signed in');
  });
});

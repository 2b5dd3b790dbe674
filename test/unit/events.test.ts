import { describe, expect, it } from 'vitest';
import { Emitter } from '../../src/main/events';

describe('Emitter', () => {
  it('delivers each event to every listener until it is disposed', () => {
    const emitter = new Emitter<number>();
    const a: number[] = [];
    const b: number[] = [];
    const subA = emitter.event((n) => a.push(n));
    emitter.event((n) => b.push(n));
    emitter.fire(1);
    subA.dispose();
    emitter.fire(2);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it('counts the same function subscribed twice as two subscriptions', () => {
    const emitter = new Emitter<void>();
    let calls = 0;
    const listener = () => void (calls += 1);
    const first = emitter.event(listener);
    emitter.event(listener);
    first.dispose();
    emitter.fire();
    expect(calls).toBe(1);
  });

  it('runs the other listeners when one fails, then throws its error to the firing service', () => {
    const emitter = new Emitter<string>();
    const seen: string[] = [];
    emitter.event(() => {
      throw new Error('listener broke');
    });
    emitter.event((s) => seen.push(s));
    expect(() => emitter.fire('x')).toThrow('listener broke');
    expect(seen).toEqual(['x']);
  });
});

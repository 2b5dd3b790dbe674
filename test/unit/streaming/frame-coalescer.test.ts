import { describe, expect, it } from 'vitest';
import { FrameCoalescer, type FrameUpdate } from '../../../src/renderer/src/live/coalescer';

/** A hand-cranked animation frame: the test decides when the next frame runs. */
function frames() {
  const pending: (() => void)[] = [];
  return {
    request: (cb: () => void) => pending.push(cb),
    get requested() {
      return pending.length;
    },
    run() {
      for (const cb of pending.splice(0)) cb();
    },
  };
}

const quote = (symbol: string, last: number, at: number) => ({ symbol, last, bid: null, ask: null, at });

describe('FrameCoalescer: at most one screen update per animation frame', () => {
  it('many batches between two frames make one update, latest value per symbol', () => {
    const frame = frames();
    const applied: FrameUpdate[] = [];
    const coalescer = new FrameCoalescer((u) => applied.push(u), frame.request);
    for (let i = 0; i < 1_000; i++) coalescer.push({ quotes: [quote(`S${i % 10}`, i, i)], sources: [] });
    expect(frame.requested).toBe(1);
    expect(coalescer.pending).toBe(10);
    frame.run();
    expect(applied).toHaveLength(1);
    expect([...applied[0]!.quotes.values()].map((q) => q.last)).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
    expect(coalescer.pending).toBe(0);
  });

  it('an older quote arriving after a newer one waits for nothing and changes nothing', () => {
    const frame = frames();
    const applied: FrameUpdate[] = [];
    const coalescer = new FrameCoalescer((u) => applied.push(u), frame.request);
    coalescer.push({ quotes: [quote('A', 10, 2_000)], sources: [] });
    coalescer.push({ quotes: [quote('A', 9, 1_000)], sources: [{ symbol: 'A', source: 'stream' }] });
    frame.run();
    expect(applied[0]!.quotes.get('A')!.last).toBe(10);
    expect(applied[0]!.sources.get('A')).toBe('stream');
  });

  it('asks for no frame when nothing is waiting, and one again after each frame', () => {
    const frame = frames();
    const coalescer = new FrameCoalescer(() => undefined, frame.request);
    coalescer.push({ quotes: [], sources: [] });
    expect(frame.requested).toBe(0);
    coalescer.push({ quotes: [quote('A', 1, 1)], sources: [] });
    frame.run();
    coalescer.push({ quotes: [quote('A', 2, 2)], sources: [] });
    expect(frame.requested).toBe(1);
  });
});

import { pricePath } from './exchange';

/** One simulator bar: `time` is its opening instant (epoch ms). */
export interface SimBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const SAMPLES_PER_BAR = 60;

/** Stable made-up volume per bar, so history reads the same on every run. */
function volumeOf(symbol: string, open: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${symbol}#${open}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return 100 + (h % 5000);
}

/**
 * History that agrees with the simulators' streams: bars of `lengthMs` opening on whole multiples of it (shifted by
 * `phaseMs`, for brokers whose bars open at the session's start) in [from, to), built from the same priceAt path the streams and fills use, sampled evenly through each bar; the bar
 * holding `now` closes at priceAt(now). Nothing after `now` exists yet.
 */
export function simBars(symbol: string, from: number, to: number, lengthMs: number, now: number, phaseMs = 0): SimBar[] {
  const out: SimBar[] = [];
  const priceAt = pricePath(symbol);
  const step = Math.max(1000, Math.floor(lengthMs / SAMPLES_PER_BAR));
  for (let open = Math.ceil((from - phaseMs) / lengthMs) * lengthMs + phaseMs; open < to && open <= now; open += lengthMs) {
    const last = Math.min(open + lengthMs - 1, now);
    const first = priceAt(open);
    let [high, low, close] = [first, first, first];
    for (let at = open + step; at <= last; at += step) {
      close = priceAt(at);
      high = Math.max(high, close);
      low = Math.min(low, close);
    }
    close = priceAt(last);
    high = Math.max(high, close);
    low = Math.min(low, close);
    out.push({ time: open, open: first, high, low, close, volume: volumeOf(symbol, open) });
  }
  return out;
}

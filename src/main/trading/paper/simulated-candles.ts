import { INTERVAL_MS, type Candle, type ChartInterval } from '../../../shared/charts';
import { hash32, simulatedPriceAt } from './price-source';

/** Samples per bar: every second of a 1-minute bar; longer bars are sampled evenly (the feed holds a price for 1 s). */
const SAMPLES_PER_BAR = 60;

/**
 * Bars of BrokerVault's simulated feed: each built from the same simulatedPriceAt the paper engine fills at, so
 * a chart agrees with the simulated quotes. Bars open on whole multiples of the interval (UTC); the bar holding
 * `now` closes at the price of `now`. Volume is made up per bar, stable across runs.
 */
export function simulatedCandles(symbol: string, interval: ChartInterval, from: number, to: number, now: number): Candle[] {
  const length = INTERVAL_MS[interval];
  const end = Math.min(to, now + 1);
  const out: Candle[] = [];
  for (let open = Math.ceil(from / length) * length; open < end; open += length) {
    const last = Math.min(open + length - 1000, Math.floor(now / 1000) * 1000);
    const step = Math.max(1000, Math.floor(length / SAMPLES_PER_BAR / 1000) * 1000);
    const first = simulatedPriceAt(symbol, open);
    let high = first;
    let low = first;
    let close = first;
    for (let at = open + step; at <= last; at += step) {
      close = simulatedPriceAt(symbol, at);
      if (close > high) high = close;
      if (close < low) low = close;
    }
    if (last > open) {
      close = simulatedPriceAt(symbol, last);
      high = Math.max(high, close);
      low = Math.min(low, close);
    }
    const volume = 100 + (hash32(`${symbol}#${open}`) % 10_000) * Math.max(1, Math.round(length / 60_000));
    out.push({ time: open, open: first, high, low, close, volume });
  }
  return out;
}

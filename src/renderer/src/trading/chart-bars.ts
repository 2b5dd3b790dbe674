import { INTERVAL_MS, type Candle, type ChartInterval } from '../../../shared/charts';

/**
 * Fold one price into the bars: a price in the last bar's time moves its close (and high/low); a later one opens
 * the bar it falls in (gaps stay gaps). A price older than the last bar is ignored: history already has it.
 * `volume` is the traded size this price brings, when the feed tells. Returns the bar to draw, or null.
 */
export function foldPrice(bars: Candle[], interval: ChartInterval, price: number, at: number, volume = 0): Candle | null {
  if (!Number.isFinite(price) || price <= 0) return null;
  const length = INTERVAL_MS[interval];
  const last = bars.at(-1);
  if (last && at < last.time) return null;
  // Bars keep the phase of the broker's last bar (Kite's hourly bars open at :15 IST), or whole intervals on an empty chart.
  const open = last ? last.time + Math.floor((at - last.time) / length) * length : Math.floor(at / length) * length;
  if (last && open === last.time) {
    const next = { ...last, high: Math.max(last.high, price), low: Math.min(last.low, price), close: price, volume: last.volume + volume };
    bars[bars.length - 1] = next;
    return next;
  }
  const bar = { time: open, open: price, high: price, low: price, close: price, volume };
  bars.push(bar);
  return bar;
}

/** A formatter of instants in the exchange's time zone: "HH:MM" within a day, the date for day bars. */
export function exchangeTimeFormat(timeZone: string, withDate: boolean): (ms: number) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    ...(withDate ? { day: '2-digit', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (ms) => format.format(new Date(ms));
}

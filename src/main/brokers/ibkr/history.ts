import type { ChartInterval } from '../../../shared/charts';
import type { BrokerContext, Candle } from '../types';
import { ensureAccount, gatewayCall, num } from './client';
import { conidFor } from './contracts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The gateway's bar names and, for each, the period one request asks for: the gateway answers at most 1,000 bars a
 * request and takes periods as {1-30}min, {1-8}h, {1-1000}d, so each window stays under both.
 */
const BARS: Readonly<Record<ChartInterval, { bar: string; period: string; spanMs: number }>> = {
  '1m': { bar: '1min', period: '8h', spanMs: 8 * HOUR },
  '5m': { bar: '5min', period: '3d', spanMs: 3 * DAY },
  '15m': { bar: '15min', period: '10d', spanMs: 10 * DAY },
  '30m': { bar: '30min', period: '20d', spanMs: 20 * DAY },
  '1h': { bar: '1h', period: '40d', spanMs: 40 * DAY },
  '1d': { bar: '1d', period: '1000d', spanMs: 1000 * DAY },
};
export const ibkrHistoryIntervals = Object.keys(BARS) as ChartInterval[];

/** "yyyyMMdd-HH:mm:ss" in UTC: the END of the period the gateway counts back from (rounded up to the second, so `ms` stays inside). */
function gatewayTime(ms: number): string {
  const iso = new Date(Math.ceil(ms / 1000) * 1000).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 19)}`;
}

/**
 * Bars from GET /iserver/marketdata/history (conid from the contract search), newest window first, going back from
 * `to` until `from` is covered; each `data` row is {t (epoch ms), o, h, l, c, v}.
 */
export async function ibkrHistory(ctx: BrokerContext, symbol: string, interval: ChartInterval, from: number, to: number): Promise<Candle[]> {
  const spec = BARS[interval];
  await ensureAccount(ctx);
  const conid = await conidFor(ctx, symbol);
  const byTime = new Map<number, Candle>();
  for (let end = to; end > from; end -= spec.spanMs) {
    const answer = (await gatewayCall(
      ctx,
      {
        method: 'GET',
        path: '/iserver/marketdata/history',
        query: { conid, bar: spec.bar, period: spec.period, startTime: gatewayTime(end), outsideRth: 'true' },
      },
      'read chart history',
    )) as { data?: unknown } | null;
    for (const row of (Array.isArray(answer?.data) ? answer.data : []) as Record<string, unknown>[]) {
      const [time, open, high, low, close] = [num(row.t), num(row.o), num(row.h), num(row.l), num(row.c)];
      if (time === null || open === null || high === null || low === null || close === null || time < from || time >= to) continue;
      byTime.set(time, { time, open, high, low, close, volume: num(row.v) ?? 0 });
    }
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

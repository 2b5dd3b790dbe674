import { useEffect, useRef, useState } from 'react';
import { BaselineSeries, createChart, type IChartApi, type ISeriesApi, type Time, type UTCTimestamp } from 'lightweight-charts';
import { TIME_ZONES } from '../../../shared/charts';
import type { ChannelOutput } from '../../../shared/contract';
import { describeError, getApi, unwrap } from '../api';
import { num } from '../format';
import { useApp } from '../store';
import { exchangeTimeFormat } from './chart-bars';

type Curve = ChannelOutput<'pnl:curve'>;

const css = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** One point per second (the chart's time unit): the last of any that share a second. */
export function curveData(points: Curve['points']): { time: UTCTimestamp; value: number }[] {
  const out: { time: UTCTimestamp; value: number }[] = [];
  for (const p of points) {
    const time = Math.floor(p.time / 1000) as UTCTimestamp;
    if (out.length > 0 && out[out.length - 1]!.time === time) out[out.length - 1] = { time, value: p.total };
    else out.push({ time, value: p.total });
  }
  return out;
}

/**
 * The P&L curve of one account and day (pnl:curve): realised on the day plus open positions marked, from the journal.
 * Paper or any connection's live account; the day runs in the chosen exchange's zone. Read again when orders change.
 */
export function PnlCurvePanel() {
  const mode = useApp((s) => s.mode);
  const connections = useApp((s) => s.connections);
  const orders = useApp((s) => s.orders);
  const [account, setAccount] = useState<string>(mode.live?.connectionId ?? 'paper');
  const [timeZone, setTimeZone] = useState<string>('Asia/Kolkata');
  const [day, setDay] = useState('');
  const [curve, setCurve] = useState<Curve | null>(null);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement | null>(null);
  const chart = useRef<{ chart: IChartApi; line: ISeriesApi<'Baseline'> } | null>(null);
  const fingerprint = orders.map((o) => `${o.id}:${o.state}:${o.filledQuantity}`).join(',');

  useEffect(() => {
    if (!box.current) return;
    const made = createChart(box.current, {
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: css('--text', '#14171c'), attributionLogo: true },
      grid: { vertLines: { visible: false }, horzLines: { color: css('--border', '#dfe3ea') } },
      timeScale: { timeVisible: true },
    });
    const line = made.addSeries(BaselineSeries, {
      baseValue: { type: 'price', price: 0 },
      topLineColor: css('--buy', '#1a7f45'),
      bottomLineColor: css('--sell', '#c62828'),
      lineWidth: 2,
    });
    chart.current = { chart: made, line };
    return () => {
      chart.current = null;
      made.remove();
    };
  }, []);

  useEffect(() => {
    const label = exchangeTimeFormat(timeZone, false);
    chart.current?.chart.applyOptions({
      localization: { timeFormatter: (t: Time) => label(Number(t) * 1000) },
      timeScale: { tickMarkFormatter: (t: Time) => label(Number(t) * 1000) },
    });
  }, [timeZone]);

  useEffect(() => {
    let live = true;
    const read = () =>
      unwrap(getApi().pnl.curve({ account, timeZone, ...(day ? { day } : {}) })).then(
        (c) => {
          if (!live) return;
          setCurve(c);
          setError(null);
          chart.current?.line.setData(curveData(c.points));
          chart.current?.chart.timeScale().fitContent();
        },
        (e: unknown) => live && setError(describeError(e)),
      );
    void read();
    // Today's last point is marked at current prices: read it again now and then.
    const timer = day ? null : setInterval(() => void read(), 15_000);
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [account, timeZone, day, fingerprint]);

  const last = curve?.points.at(-1);
  return (
    <section className="panel pnl-panel" aria-labelledby="pnl-h" data-testid="pnl-curve" data-points={curve?.points.length ?? 0}>
      <div className="panel-head">
        <h2 id="pnl-h">P&amp;L curve</h2>
        <label>
          <span className="sr-only">Account</span>
          <select aria-label="Account" value={account} onChange={(e) => setAccount(e.target.value)}>
            <option value="paper">Paper</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {`${c.label} (live)`}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="sr-only">Day in</span>
          <select aria-label="Day in" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {TIME_ZONES.map((z) => (
              <option key={z.zone} value={z.zone}>
                {z.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="sr-only">Day</span>
          <input type="date" aria-label="Day" value={day} onChange={(e) => setDay(e.target.value)} />
        </label>
      </div>
      {error && <p className="warn-text small">P&amp;L curve unavailable: {error}</p>}
      <div ref={box} className="pnl-box" />
      {curve && last && (
        <p className="small" data-testid="pnl-summary">
          <span className={last.total > 0 ? 'gain' : last.total < 0 ? 'loss' : undefined} data-testid="pnl-total">
            {num(last.total)}
          </span>{' '}
          <span className="muted">
            {`on ${curve.day}: realised ${num(last.realized)}, open ${num(last.unrealized)} (${
              curve.marked === 'quote' ? 'marked at current prices' : curve.marked === 'last-fill' ? 'marked at the last fills' : 'nothing open'
            }); ${curve.fills} ${curve.fills === 1 ? 'fill' : 'fills'} from BrokerVault's journal, in the account's currency.`}
          </span>
        </p>
      )}
      <p className="muted small chart-notice">
        Charts by TradingView Lightweight Charts™, Copyright © 2023 TradingView, Inc. (
        <a href="https://www.tradingview.com/" target="_blank" rel="noreferrer">
          tradingview.com
        </a>
        ).
      </p>
    </section>
  );
}

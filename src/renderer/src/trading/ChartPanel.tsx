import { useEffect, useMemo, useRef, useState } from 'react';
import {
  CandlestickSeries,
  HistogramSeries,
  LineStyle,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { CHART_INTERVALS, INTERVAL_MS, exchangeTimeZone, timeZoneWords, type Candle, type ChartInterval } from '../../../shared/charts';
import { isWorkingOrderState } from '../../../shared/orders';
import type { OrderView } from '../../../shared/schemas';
import { describeError, getApi, unwrap } from '../api';
import { num } from '../format';
import { useLive, want } from '../live/store';
import { useApp } from '../store';
import { exchangeTimeFormat, foldPrice } from './chart-bars';
import { lineNear, roundToTick, tickOf } from './chart-drag';
import { ModifyOrderDialog } from './ModifyOrderDialog';

interface Series {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
  markers: ISeriesMarkersPluginApi<Time>;
}

/** A line drawn across the chart: a working order's price, or the position's average price. */
interface ChartLine {
  kind: 'order' | 'position';
  price: number;
  title: string;
  color: string;
  /** For an order's line: the order and the price it draws, so a drag can modify it. */
  order?: { id: string; field: 'limitPrice' | 'stopPrice' };
}

/** A drag of an order's line under way: which line, and where it was. */
interface Drag {
  index: number;
  pointerId: number;
  from: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

/**
 * Bars the series holds at first; older loaded bars join, this many at a time, as the trader scrolls back. The library
 * rebuilds its per-bar drawing list from every bar in the series on each change, so a live price costs in proportion
 * to the bars held, not the bars shown (bench/chart.ts, docs/performance.md).
 */
export const CHART_WINDOW = 2_000;
const css = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** "#rrggbb" at `alpha` as rgba(): the chart parses colours itself and knows no color-mix(). */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})` : hex;
}

function volumeBar(c: Candle, colors: { buy: string; sell: string }) {
  return { time: seconds(c.time), value: c.volume, color: withAlpha(c.close >= c.open ? colors.buy : colors.sell, 0.4) };
}
const candleBar = (c: Candle) => ({ time: seconds(c.time), open: c.open, high: c.high, low: c.low, close: c.close });

/** The working orders of `symbol` as lines: limit and stop prices, labelled with side and quantity. */
export function orderLines(orders: readonly OrderView[], symbol: string, colors: { buy: string; sell: string }): ChartLine[] {
  return orders
    .filter((o) => o.symbol === symbol && isWorkingOrderState(o.state))
    .flatMap((o) => {
      const left = o.quantity - o.filledQuantity;
      const color = o.side === 'BUY' ? colors.buy : colors.sell;
      const lines: ChartLine[] = [];
      if (o.limitPrice !== null)
        lines.push({ kind: 'order', price: o.limitPrice, title: `${o.side} ${left} LMT`, color, order: { id: o.id, field: 'limitPrice' } });
      if (o.stopPrice !== null)
        lines.push({ kind: 'order', price: o.stopPrice, title: `${o.side} ${left} STOP`, color, order: { id: o.id, field: 'stopPrice' } });
      return lines;
    });
}

/**
 * A chart of one symbol: the broker's (or the simulated feed's) bars with volume, times in the exchange's zone,
 * live prices folded into the current bar, the trader's working orders as lines, fills as markers and the
 * position's average price as a line. TradingView's attribution logo stays on the chart (the library's licence).
 */
export function ChartPanel({ symbol, onClose }: { symbol: string; onClose(): void }) {
  const [interval, setInterval_] = useState<ChartInterval>('5m');
  const [intervals, setIntervals] = useState<readonly ChartInterval[]>(CHART_INTERVALS);
  const [loaded, setLoaded] = useState<{ bars: number; simulated: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [average, setAverage] = useState<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const series = useRef<Series | null>(null);
  const bars = useRef<Candle[]>([]);
  /** Index of the first loaded bar the series holds (see CHART_WINDOW). */
  const drawnFrom = useRef(0);
  const colors = useRef({ buy: '#1a7f45', sell: '#c62828', accent: '#2454d3' });
  /** The loaded bars from `drawnFrom` on, into the series (live prices then go in with update()). */
  const showBars = () => {
    const shown = bars.current.slice(drawnFrom.current);
    series.current?.candles.setData(shown.map(candleBar));
    series.current?.volume.setData(shown.map((c) => volumeBar(c, colors.current)));
  };
  const mode = useApp((s) => (s.mode.mode === 'live' && s.mode.live ? `live:${s.mode.live.connectionId}` : 'paper'));
  const orders = useApp((s) => s.orders);
  // Only whether the symbol streams: the prices themselves reach the chart outside React (below).
  const isStreamed = useLive((s) => s.watched[symbol]?.source === 'stream' && s.quotes[symbol] !== undefined);
  const timeZone = exchangeTimeZone(symbol);

  // The chart itself: created once per panel, sized by its box.
  useEffect(() => {
    if (!box.current) return;
    colors.current = { buy: css('--buy', '#1a7f45'), sell: css('--sell', '#c62828'), accent: css('--accent', '#2454d3') };
    const text = css('--text', '#14171c');
    const chart = createChart(box.current, {
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: text, attributionLogo: true },
      grid: { vertLines: { color: css('--border', '#dfe3ea') }, horzLines: { color: css('--border', '#dfe3ea') } },
      rightPriceScale: { scaleMargins: { top: 0.1, bottom: 0.25 } },
    });
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: colors.current.buy,
      downColor: colors.current.sell,
      borderVisible: false,
      wickUpColor: colors.current.buy,
      wickDownColor: colors.current.sell,
    });
    const volume = chart.addSeries(HistogramSeries, {
      priceFormat: { type: 'volume' },
      priceScaleId: 'volume',
      lastValueVisible: false,
      priceLineVisible: false,
    });
    chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    series.current = { chart, candles, volume, markers: createSeriesMarkers(candles, []) };
    // Scrolled near the oldest bar the series holds: the next older bars join, and the view stays where it was.
    const onRange = (range: { from: number; to: number } | null) => {
      if (!range || range.from > 50 || drawnFrom.current === 0 || !series.current) return;
      const added = Math.min(CHART_WINDOW, drawnFrom.current);
      drawnFrom.current -= added;
      showBars();
      chart.timeScale().setVisibleLogicalRange({ from: range.from + added, to: range.to + added });
    };
    chart.timeScale().subscribeVisibleLogicalRangeChange(onRange);
    return () => {
      chart.timeScale().unsubscribeVisibleLogicalRangeChange(onRange);
      series.current = null;
      chart.remove();
    };
  }, []);

  // Times in the exchange's zone, whatever the computer's own.
  useEffect(() => {
    const withDate = interval === '1d';
    const label = exchangeTimeFormat(timeZone, true);
    const tick = exchangeTimeFormat(timeZone, withDate);
    series.current?.chart.applyOptions({
      localization: { timeFormatter: (t: Time) => label(Number(t) * 1000) },
      timeScale: { timeVisible: !withDate, tickMarkFormatter: (t: Time) => tick(Number(t) * 1000) },
    });
  }, [timeZone, interval]);

  // History: again when the symbol, the interval or the mode (and so the feed) changes.
  useEffect(() => {
    let live = true;
    setLoaded(null);
    setError(null);
    unwrap(getApi().chart.history({ symbol, interval })).then(
      (h) => {
        if (!live || !series.current) return;
        bars.current = h.candles.map((c) => ({ ...c }));
        drawnFrom.current = Math.max(0, bars.current.length - CHART_WINDOW);
        showBars();
        series.current.chart.timeScale().scrollToRealTime();
        setIntervals(h.intervals);
        setLoaded({ bars: h.candles.length, simulated: h.simulated });
      },
      (e: unknown) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [symbol, interval, mode]);

  // Live prices: streamed where a connection streams the symbol, else refreshed every few seconds.
  useEffect(() => {
    want('chart', [symbol]);
    return () => want('chart', []);
  }, [symbol]);

  const fold = (price: number, at: number) => {
    const bar = loaded ? foldPrice(bars.current, interval, price, at) : null;
    if (!bar || !series.current) return;
    series.current.candles.update(candleBar(bar));
    series.current.volume.update(volumeBar(bar, colors.current));
  };
  const foldRef = useRef(fold);
  foldRef.current = fold;

  // Streamed prices go from the live store straight into the series, with no re-render of the panel per price. The
  // live store changes at most once per animation frame (FrameCoalescer), so the chart is told at most once a frame:
  // one update() per series (bench/chart.ts, docs/performance.md).
  useEffect(() => {
    const streamedQuote = (s: ReturnType<typeof useLive.getState>) => (s.watched[symbol]?.source === 'stream' ? s.quotes[symbol] : undefined);
    let seen = streamedQuote(useLive.getState());
    if (seen) foldRef.current(seen.last, seen.at);
    return useLive.subscribe((s) => {
      const quote = streamedQuote(s);
      if (!quote || quote === seen) return;
      seen = quote;
      foldRef.current(quote.last, quote.at);
    });
  }, [symbol]);
  useEffect(() => {
    if (isStreamed || !loaded) return;
    const timer = setInterval(() => {
      unwrap(getApi().quotes.get({ symbols: [symbol] })).then(
        (q) => q.quotes[0] && foldRef.current(q.quotes[0].last, q.quotes[0].at ?? Date.now()),
        () => undefined,
      );
    }, 3000);
    return () => clearInterval(timer);
  }, [symbol, isStreamed, loaded]);

  // The position's average price, read again when orders change.
  const fingerprint = orders
    .filter((o) => o.symbol === symbol)
    .map((o) => `${o.id}:${o.state}:${o.filledQuantity}`)
    .join(',');
  useEffect(() => {
    let live = true;
    unwrap(getApi().positions.list()).then(
      (p) => live && setAverage(p.positions.find((x) => x.symbol === symbol && x.quantity !== 0)?.averagePrice ?? null),
      () => live && setAverage(null),
    );
    return () => {
      live = false;
    };
  }, [symbol, fingerprint, mode]);

  const lines: ChartLine[] = [
    ...orderLines(orders, symbol, colors.current),
    ...(average !== null ? [{ kind: 'position' as const, price: average, title: 'Avg', color: colors.current.accent }] : []),
  ];
  const linesKey = lines.map((l) => `${l.kind}:${l.price}:${l.title}`).join('|');

  const drawn = useRef<IPriceLine[]>([]);
  useEffect(() => {
    const s = series.current;
    if (!s) return;
    const made: IPriceLine[] = lines.map((l) =>
      s.candles.createPriceLine({
        price: l.price,
        color: l.color,
        lineWidth: 1,
        lineStyle: l.kind === 'order' ? LineStyle.Dashed : LineStyle.Solid,
        axisLabelVisible: true,
        title: l.title,
      }),
    );
    drawn.current = made;
    return () => made.forEach((line) => s.candles.removePriceLine(line));
  }, [linesKey]);

  // Dragging an order's line: the new price, on the symbol's tick, opens the modify dialog (its review applies).
  const drag = useRef<Drag | null>(null);
  const [over, setOver] = useState<ChartLine | null>(null);
  const [dragging, setDragging] = useState(false);
  const [modify, setModify] = useState<{ order: OrderView; prefill: Partial<Record<'limitPrice' | 'stopPrice', string>> } | null>(null);
  const tick = tickOf(symbol);
  const yIn = (e: { clientY: number }) => e.clientY - (box.current?.getBoundingClientRect().top ?? 0);
  const lineAt = (y: number) => {
    const s = series.current;
    if (!s) return -1;
    return lineNear(
      lines.map((l) => (l.order ? l.price : NaN)),
      y,
      (p) => (Number.isNaN(p) ? null : s.candles.priceToCoordinate(p)),
    );
  };
  const priceAt = (y: number) => roundToTick(series.current?.candles.coordinateToPrice(y) ?? null, tick);
  const endDrag = () => {
    const d = drag.current;
    if (!d) return null;
    drag.current = null;
    setDragging(false);
    if (box.current?.hasPointerCapture(d.pointerId)) box.current.releasePointerCapture(d.pointerId);
    // The line goes back until the change is confirmed: the order's own update moves it.
    drawn.current[d.index]?.applyOptions({ price: d.from });
    return d;
  };
  const endDragRef = useRef(endDrag);
  endDragRef.current = endDrag;
  useEffect(() => {
    if (!dragging) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && endDragRef.current();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dragging]);

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    const index = e.button === 0 ? lineAt(yIn(e)) : -1;
    if (index < 0 || !box.current) return;
    // Not a pan of the chart: no mouse events reach it while the line is held.
    e.preventDefault();
    e.stopPropagation();
    box.current.setPointerCapture(e.pointerId);
    drag.current = { index, pointerId: e.pointerId, from: lines[index]!.price };
    setDragging(true);
  };
  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) {
      const line = lines[lineAt(yIn(e))] ?? null;
      if (line?.title !== over?.title || line?.price !== over?.price) setOver(line);
      return;
    }
    const price = priceAt(yIn(e));
    if (price !== null) drawn.current[d.index]?.applyOptions({ price });
  };
  const onPointerUp = (e: React.PointerEvent<HTMLDivElement>) => {
    const d = endDrag();
    if (!d) return;
    const line = lines[d.index];
    const order = orders.find((o) => o.id === line?.order?.id);
    const price = priceAt(yIn(e));
    // Less than a tick changes nothing.
    if (!line?.order || !order || price === null || Math.abs(price - d.from) < tick / 2) return;
    setModify({ order, prefill: { [line.order.field]: String(price) } });
  };

  // Fills as markers on the bar they happened in.
  const fills = orders.filter((o) => o.symbol === symbol && o.filledQuantity > 0 && o.averagePrice !== null);
  const fillsKey = fills.map((o) => `${o.id}:${o.filledQuantity}`).join(',');
  useEffect(() => {
    if (!series.current || !loaded) return;
    const length = INTERVAL_MS[interval];
    series.current.markers.setMarkers(
      fills
        .filter((o) => o.updatedAt >= (bars.current[drawnFrom.current]?.time ?? 0))
        .map((o) => ({
          time: seconds(Math.floor(o.updatedAt / length) * length),
          position: o.side === 'BUY' ? ('belowBar' as const) : ('aboveBar' as const),
          shape: o.side === 'BUY' ? ('arrowUp' as const) : ('arrowDown' as const),
          color: o.side === 'BUY' ? colors.current.buy : colors.current.sell,
          text: `${o.side === 'BUY' ? 'B' : 'S'} ${o.filledQuantity} @ ${num(o.averagePrice)}`,
        }))
        .sort((a, b) => a.time - b.time),
    );
  }, [fillsKey, loaded, interval]);

  // Where each line is drawn (for tests and for the drag), absent when off the chart; low: the lowest price loaded.
  const yOfLine = (price: number) => series.current?.candles.priceToCoordinate(price) ?? undefined;
  // Once per load, not per render: a scan of up to 10,000 bars.
  const low = useMemo(
    () => (loaded ? bars.current.reduce<number | undefined>((m, b) => (m === undefined || b.low < m ? b.low : m), undefined) : undefined),
    [loaded],
  );

  return (
    <section className="panel chart-panel" aria-labelledby="chart-h" data-testid="chart-panel" data-bars={loaded?.bars ?? 0} data-low={low}>
      <div className="panel-head">
        <h2 id="chart-h">
          Chart <span className="mono">{symbol}</span>
        </h2>
        <label className="chart-interval">
          <span className="sr-only">Interval</span>
          <select value={interval} onChange={(e) => setInterval_(e.target.value as ChartInterval)} aria-label="Interval">
            {intervals.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" title="Times are shown in the exchange's time zone." data-testid="chart-zone">
          {`Times: ${timeZoneWords(timeZone)}`}
        </span>
        {loaded?.simulated && (
          <span className="tag tag-warn" data-testid="chart-simulated" title="Made up by BrokerVault's built-in feed, not market prices.">
            simulated prices
          </span>
        )}
        <button type="button" className="link" onClick={onClose} aria-label="Close chart">
          Close
        </button>
      </div>
      {error && <p className="warn-text small">Chart unavailable: {error}</p>}
      <div
        ref={box}
        className={`chart-box${dragging ? ' line-dragging' : over ? ' line-over' : ''}`}
        title={over && !dragging ? `${over.title} ${num(over.price)}: drag to modify (or use Modify in the orders table)` : undefined}
        onPointerDownCapture={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => endDrag()}
      />
      {modify && <ModifyOrderDialog order={modify.order} prefill={modify.prefill} onClose={() => setModify(null)} />}
      {lines.length > 0 && (
        <ul className="chart-lines small" aria-label="Lines on the chart">
          {lines.map((l) => (
            <li key={`${l.kind}:${l.price}:${l.title}`} data-testid="chart-line" data-kind={l.kind} data-y={yOfLine(l.price)}>
              <span className="chart-swatch" style={{ background: l.color }} />
              {`${l.title} ${num(l.price)}`}
            </li>
          ))}
        </ul>
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

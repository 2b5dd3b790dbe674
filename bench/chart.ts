import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { metric, summarize, type BenchOptions, type BenchResult } from './lib/stats';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LIBRARY = path.join(repoRoot, 'node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const BARS = 10_000;
const TICKS_PER_SECOND = 100;

/**
 * The page: the chart panel's series setup (candles, volume on its own scale, two price lines, markers) with 10,000
 * one-minute bars, then 100 prices a second folded into the last bar as the panel folds them (a new bar each minute).
 * Frame time = from the frame's first requestAnimationFrame callback to a message posted from it, which runs once the
 * frame's rendering (the chart paints in its own rAF) is done: the main-thread work of that frame.
 */
const PAGE = (library: string, seconds: number, mode: Mode) => `<!doctype html><meta charset="utf-8"><title>chart bench</title>
<style>body{margin:0}#c{width:1000px;height:420px}</style><div id="c"></div>
<script>${library}</script>
<script>
(() => {
  const LC = LightweightCharts;
  const chart = LC.createChart(document.getElementById('c'), { autoSize: true, layout: { attributionLogo: true } });
  const candles = chart.addSeries(LC.CandlestickSeries, { borderVisible: false });
  const volume = chart.addSeries(LC.HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume', lastValueVisible: false, priceLineVisible: false });
  chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  const start = Math.floor(Date.now() / 60000) * 60 - ${BARS} * 60;
  const bars = [];
  let price = 1000;
  for (let i = 0; i < ${BARS}; i++) {
    const open = price;
    price = Math.max(1, price + Math.sin(i / 37) * 3 + ((i * 7919) % 11) - 5);
    bars.push({ time: start + i * 60, open, high: Math.max(open, price) + 2, low: Math.min(open, price) - 2, close: price, volume: 100 + ((i * 104729) % 5000) });
  }
  // 'window': the app holds all 10,000 bars, the series only the newest ${WINDOW} (older ones join when scrolled to).
  const shown = ${JSON.stringify(mode)} === 'window' ? bars.slice(-${WINDOW}) : bars;
  candles.setData(shown.map(({ volume, ...b }) => b));
  volume.setData(shown.map((b) => ({ time: b.time, value: b.volume, color: b.close >= b.open ? 'rgba(26,127,69,0.4)' : 'rgba(198,40,40,0.4)' })));
  candles.createPriceLine({ price: price * 0.98, color: '#1a7f45', lineWidth: 1, lineStyle: 2, axisLabelVisible: true, title: 'BUY 3 LMT' });
  candles.createPriceLine({ price: price * 1.01, color: '#2454d3', lineWidth: 1, lineStyle: 0, axisLabelVisible: true, title: 'Avg' });
  LC.createSeriesMarkers(candles, [{ time: bars[${BARS} - 50].time, position: 'belowBar', shape: 'arrowUp', color: '#1a7f45', text: 'B 3' }]);
  chart.timeScale().scrollToRealTime();

  const frames = [];
  let ticks = 0;
  let frameStart = null;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { frames.push(performance.now() - frameStart); frameStart = null; };
  const onFrame = () => {
    if (frameStart === null) { frameStart = performance.now(); channel.port2.postMessage(0); }
    if (!window.__done) requestAnimationFrame(onFrame);
  };
  // Registered after the chart's own, so it runs first in later frames: the chart's rAF work falls inside the span.
  requestAnimationFrame(onFrame);
  const t0 = performance.now();
  let last = bars[bars.length - 1];
  // What the chart has drawn of the newest bars, and whether a fold changed them since.
  let drawnTime = last.time;
  let dirty = false;
  const draw = () => {
    candles.update({ time: last.time, open: last.open, high: last.high, low: last.low, close: last.close });
    volume.update({ time: last.time, value: last.volume });
  };
  // 'frame': ticks are folded as they arrive, the chart is told once per animation frame (the chart panel's way).
  const flush = () => {
    if (dirty) { dirty = false; draw(); }
    if (!window.__done) requestAnimationFrame(flush);
  };
  if (${JSON.stringify(mode)} !== 'tick') requestAnimationFrame(flush);
  const timer = setInterval(() => {
    const elapsed = (performance.now() - t0) / 1000;
    const due = Math.floor(elapsed * ${TICKS_PER_SECOND});
    for (; ticks < due; ticks++) {
      // Simulated time runs 60x: a new bar each real second.
      const p = Math.max(1, last.close + Math.sin(ticks) * 0.5);
      if (ticks % ${TICKS_PER_SECOND} === 0 && ticks > 0) {
        // A new bar: the one before gets its last values first (a frame may not have drawn them).
        if (dirty) draw();
        last = { time: last.time + 60, open: p, high: p, low: p, close: p, volume: 0 };
      } else last = { ...last, high: Math.max(last.high, p), low: Math.min(last.low, p), close: p, volume: last.volume + 1 };
      // 'tick': every price goes to the chart as it arrives (what the panel did before).
      if (${JSON.stringify(mode)} === 'tick') draw();
      else dirty = true;
    }
    if (elapsed >= ${seconds}) { clearInterval(timer); window.__done = { frames, ticks }; }
  }, 10);
})();
</script>`;

/** How prices reach the chart: each as it arrives ('tick', before), or folded and drawn once per frame ('frame'). */
type Mode = 'tick' | 'frame' | 'window';

/** Bars the series holds in 'window' mode (the chart panel's window; older bars join as the trader scrolls back). */
const WINDOW = 2_000;

/**
 * 7. Chart: frame time with 10,000 bars and 100 ticks/s in Chromium (issue 13: p99 under 16 ms). Both ways of
 * drawing live prices run in the same run, one after the other on fresh pages, so before and after compare.
 */
export async function chartBench(opts: BenchOptions): Promise<BenchResult> {
  const seconds = opts.quick ? 5 : 15;
  const library = fs.readFileSync(LIBRARY, 'utf8');
  const pages: Record<string, string> = Object.fromEntries((['tick', 'frame', 'window'] as const).map((m) => [`/${m}`, PAGE(library, seconds, m)]));
  const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(pages[req.url ?? ''] ?? ''));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const run = async (mode: Mode) => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 500 } });
    try {
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${mode}`, { waitUntil: 'load' });
      const deadline = Date.now() + (seconds + 30) * 1000;
      let result: { frames: number[]; ticks: number } | null = null;
      while (!result) {
        if (Date.now() > deadline) throw new Error('the chart page did not finish');
        await new Promise((resolve) => setTimeout(resolve, 250));
        result = (await page.evaluate('window.__done ?? null')) as { frames: number[]; ticks: number } | null;
      }
      // The first second holds the initial 10,000-bar layout: reported apart.
      const steady = result.frames.slice(60);
      opts.log(`  chart (${mode}): ${result.frames.length} frames, ${result.ticks} ticks`);
      return { ticks: result.ticks, frames: steady.length, s: summarize(steady) };
    } finally {
      await page.close();
    }
  };
  try {
    const before = await run('tick');
    const perFrame = await run('frame');
    const after = await run('window');
    const s = after.s;
    const result = after;
    return {
      bench: 'chart',
      method:
        `lightweight-charts (standalone build) in /usr/bin/chromium (--disable-gpu), 1000×420 chart set up as the chart panel sets it (candles, volume scale, two price lines, a marker, scrolled to the latest bars at the default bar spacing), ` +
        `${BARS.toLocaleString('en-US')} one-minute bars, then ${TICKS_PER_SECOND} prices/s folded into the last bar (a new bar each second) for ${seconds} s, ` +
        `three times in the same run, each on a fresh page: before, every bar in the series and each price sent to the chart as it arrives (update() of both series per tick); per frame, prices folded as they arrive and the chart told once per animation frame; after (the chart panel's way), per frame and the series holding only the newest ${WINDOW.toLocaleString('en-US')} of the ${BARS.toLocaleString('en-US')} bars (older ones join as the trader scrolls back). ` +
        'Frame time: from the frame’s first rAF callback to a message posted from it (runs after the frame’s rendering), first 60 frames left out.',
      metrics: [
        metric('ticks applied', result.ticks, 'ticks'),
        metric('frames measured', result.frames, 'frames'),
        metric('before (update per tick): frame time p50', before.s.p50, 'ms'),
        metric('before (update per tick): frame time p99', before.s.p99, 'ms'),
        metric('per frame, 10,000 bars in the series: p50', perFrame.s.p50, 'ms'),
        metric('per frame, 10,000 bars in the series: p99', perFrame.s.p99, 'ms'),
        metric('frame time p50', s.p50, 'ms'),
        metric('frame time p99', s.p99, 'ms', { target: 16 }),
        metric('frame time max', s.max, 'ms'),
      ],
      findings: [],
    };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

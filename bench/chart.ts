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
const PAGE = (library: string, seconds: number) => `<!doctype html><meta charset="utf-8"><title>chart bench</title>
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
  candles.setData(bars.map(({ volume, ...b }) => b));
  volume.setData(bars.map((b) => ({ time: b.time, value: b.volume, color: b.close >= b.open ? 'rgba(26,127,69,0.4)' : 'rgba(198,40,40,0.4)' })));
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
  const timer = setInterval(() => {
    const elapsed = (performance.now() - t0) / 1000;
    const due = Math.floor(elapsed * ${TICKS_PER_SECOND});
    for (; ticks < due; ticks++) {
      // Simulated time runs 60x: a new bar each real second.
      const p = Math.max(1, last.close + Math.sin(ticks) * 0.5);
      if (ticks % ${TICKS_PER_SECOND} === 0 && ticks > 0) last = { time: last.time + 60, open: p, high: p, low: p, close: p, volume: 0 };
      else last = { ...last, high: Math.max(last.high, p), low: Math.min(last.low, p), close: p, volume: last.volume + 1 };
      candles.update({ time: last.time, open: last.open, high: last.high, low: last.low, close: last.close });
      volume.update({ time: last.time, value: last.volume });
    }
    if (elapsed >= ${seconds}) { clearInterval(timer); window.__done = { frames, ticks }; }
  }, 10);
})();
</script>`;

/** 7. Chart: frame time with 10,000 bars and 100 ticks/s in Chromium (issue 13: p99 under 16 ms). */
export async function chartBench(opts: BenchOptions): Promise<BenchResult> {
  const seconds = opts.quick ? 5 : 15;
  const html = PAGE(fs.readFileSync(LIBRARY, 'utf8'), seconds);
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 500 } });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { waitUntil: 'load' });
    const deadline = Date.now() + (seconds + 30) * 1000;
    let result: { frames: number[]; ticks: number } | null = null;
    while (!result) {
      if (Date.now() > deadline) throw new Error('the chart page did not finish');
      await new Promise((resolve) => setTimeout(resolve, 250));
      result = (await page.evaluate('window.__done ?? null')) as { frames: number[]; ticks: number } | null;
    }
    // The first second holds the initial 10,000-bar layout: reported apart.
    const steady = result.frames.slice(60);
    const s = summarize(steady);
    opts.log(`  chart: ${result.frames.length} frames, ${result.ticks} ticks`);
    return {
      bench: 'chart',
      method:
        `lightweight-charts (standalone build) in /usr/bin/chromium (--disable-gpu), 1000×420 chart set up as the chart panel sets it (candles, volume scale, two price lines, a marker, scrolled to the latest bars at the default bar spacing), ` +
        `${BARS.toLocaleString('en-US')} one-minute bars, then ${TICKS_PER_SECOND} prices/s folded into the last bar (a new bar each second) for ${seconds} s. ` +
        'Frame time: from the frame’s first rAF callback to a message posted from it (runs after the frame’s rendering), first 60 frames left out.',
      metrics: [
        metric('ticks applied', result.ticks, 'ticks'),
        metric('frames measured', steady.length, 'frames'),
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

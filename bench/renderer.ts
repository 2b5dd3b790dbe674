import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright';
import { startBridge } from '../test/bridge/server';
import { benchTempDir } from './lib/graph';
import { metric, summarize, type BenchOptions, type BenchResult } from './lib/stats';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rendererDir = path.join(repoRoot, 'out/renderer');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Records, in the page, when the main screen is up: the navigation and the vault badge with loaded state. */
const READY_PROBE = `
  (() => {
    const mark = () => {
      const badge = document.querySelector('[data-testid="vault-badge"]');
      if (document.querySelector('nav[aria-label="Main"]') && badge && /Vault/.test(badge.textContent || '')) {
        window.__bvReady = performance.now();
        return true;
      }
      return false;
    };
    new MutationObserver((_, obs) => { if (mark()) obs.disconnect(); }).observe(document, { childList: true, subtree: true, characterData: true });
  })();
`;

/**
 * 6. Renderer: gzipped size of the production bundle (out/renderer/assets), and time to first render of
 * the main screen in Chromium through the bridge, against a trivial page from a loopback server.
 */
export async function rendererBench(opts: BenchOptions): Promise<BenchResult> {
  if (!fs.existsSync(path.join(rendererDir, 'index.html')) || !fs.existsSync(path.join(repoRoot, 'out/bridge/client.js'))) {
    opts.log('  out/ is missing: npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  }
  const assets = path.join(rendererDir, 'assets');
  const files = fs.readdirSync(assets).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  let raw = 0;
  let gz = 0;
  let jsGz = 0;
  for (const f of files) {
    const body = fs.readFileSync(path.join(assets, f));
    raw += body.length;
    const z = gzipSync(body, { level: 9 }).length;
    gz += z;
    if (f.endsWith('.js')) jsGz += z;
  }
  const builtAt = fs.statSync(path.join(rendererDir, 'index.html')).mtimeMs;

  const loads = opts.quick ? 5 : 15;
  const dataDir = benchTempDir('renderer');
  const bridge = await startBridge({ dataDir, logSink: { write: () => undefined }, oauthPort: 0 });
  const blank = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>blank</title><p id="x">hello</p>'),
  );
  await new Promise<void>((resolve) => blank.listen(0, '127.0.0.1', resolve));
  const blankUrl = `http://127.0.0.1:${(blank.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const ready: number[] = [];
    const fcp: number[] = [];
    const trivial: number[] = [];
    for (let i = 0; i < loads + 1; i++) {
      // A fresh context each time: no HTTP cache, no warm renderer process from the last load.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(READY_PROBE);
      await page.goto(bridge.url, { waitUntil: 'load' });
      // Page-side code as strings: this file is type-checked for Node, without DOM types. Polled with evaluate():
      // waitForFunction runs its predicate through eval in the page, which the app's CSP (no unsafe-eval) refuses.
      await pollPage(() => page.evaluate('window.__bvReady !== undefined') as Promise<boolean>, 15_000);
      const t = (await page.evaluate("({ ready: window.__bvReady, fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN })")) as {
        ready: number;
        fcp: number;
      };
      const page2 = await context.newPage();
      await page2.goto(blankUrl, { waitUntil: 'load' });
      const tb = (await page2.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.now()")) as number;
      await context.close();
      if (i === 0) continue; // first load warms Chromium's caches of its own
      ready.push(t.ready);
      fcp.push(t.fcp);
      trivial.push(tb);
    }
    const r = summarize(ready);
    const f = summarize(fcp);
    const b = summarize(trivial);
    return {
      bench: 'renderer',
      method:
        `Bundle: ${files.length} files in out/renderer/assets (built ${new Date(builtAt).toISOString()}), gzip level 9. ` +
        `Render: ${loads} loads of the bridge URL in /usr/bin/chromium (fresh browser context each), time from navigation start to the main screen (nav + vault badge with state from main), against first paint of a one-line page.`,
      metrics: [
        metric('bundle js+css raw', raw / 1024, 'KB'),
        metric('bundle js+css gzipped', gz / 1024, 'KB', { target: 300 }),
        metric('bundle js gzipped', jsGz / 1024, 'KB'),
        metric('first contentful paint p50', f.p50, 'ms'),
        metric('main screen ready p50', r.p50, 'ms'),
        metric('main screen ready max', r.max, 'ms'),
        metric('trivial page first paint p50', b.p50, 'ms'),
        metric('main screen / trivial page', r.p50 / b.p50, '×'),
      ],
      findings: [],
    };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => blank.close(() => resolve()));
    await bridge.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Asks the page until it says yes; the page records its own ready time, so the polling interval does not skew it. */
async function pollPage(ask: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ask())) {
    if (Date.now() > deadline) throw new Error(`the app page was not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

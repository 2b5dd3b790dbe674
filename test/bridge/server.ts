import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { systemClock } from '../../src/main/clock';
import { createServices, type AppServices, type ServiceDeps } from '../../src/main/composition';
import { createLogger, fileSink } from '../../src/main/log/logger';
import { SecretRegistry } from '../../src/main/log/redact';
import { ServiceHost } from '../../src/main/service-host';
import { confPreferences } from '../../src/main/preferences-conf';
import { MemoryKeyStore, type KeyStore } from '../../src/main/vault/keystore';
import { KeytarKeyStore } from '../../src/main/vault/keytar-keystore';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type KeyStoreChoice = 'memory' | 'unavailable' | 'keychain';

export interface BridgeOptions extends Partial<Omit<ServiceDeps, 'dataDir' | 'keyStore' | 'preferences'>> {
  dataDir: string;
  keyStore?: KeyStore | KeyStoreChoice;
  port?: number;
  rendererDir?: string;
  /** The built bridge client; tests that need no real renderer pass their own. */
  clientFile?: string;
}

export interface Bridge {
  url: string;
  origin: string;
  /** The open service graph (throws while the database is damaged and the recovery screen is up). */
  readonly services: AppServices;
  host: ServiceHost;
  /** Desktop notifications main sent, newest last (the bridge's notifier records them). */
  notifications: { title: string; body: string }[];
  close(): Promise<void>;
}

/** The bridge takes at most this much in one WebSocket frame; a bigger frame closes that socket with 1009. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function keyStoreFor(choice: KeyStore | KeyStoreChoice | undefined): KeyStore {
  if (choice === undefined || choice === 'memory') return new MemoryKeyStore();
  if (choice === 'unavailable') return new MemoryKeyStore(true);
  if (choice === 'keychain') return new KeytarKeyStore('BrokerVault (bridge)');
  return choice;
}

/** The answer to a frame the bridge cannot take: the shape the client expects, with a fixed message. */
function refusal(id: unknown, message: string): string {
  const safeId = typeof id === 'number' || (typeof id === 'string' && id.length <= 64) ? id : null;
  return JSON.stringify({ id: safeId, result: { ok: false, error: { code: 'INVALID_INPUT', message } } });
}

/** One WebSocket frame in, one answer out. Never throws: a bad frame gets an error answer and the bridge stays up. */
async function answerFrame(raw: RawData, isBinary: boolean, call: (channel: string, input: unknown) => Promise<unknown>): Promise<string> {
  if (isBinary) return refusal(null, 'The bridge takes text frames only.');
  let message: unknown;
  try {
    message = JSON.parse(raw.toString());
  } catch {
    return refusal(null, 'The bridge takes JSON messages.');
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message))
    return refusal(null, 'The bridge takes messages of the form {id, channel, input}.');
  const { id, channel, input } = message as { id?: unknown; channel?: unknown; input?: unknown };
  if (typeof channel !== 'string') return refusal(id, 'The message names no channel.');
  try {
    return JSON.stringify({ id: typeof id === 'number' || typeof id === 'string' ? id : null, result: await call(channel, input) });
  } catch {
    return refusal(id, 'The bridge could not answer this message.');
  }
}

/** The request's URL, or null when it cannot be parsed (e.g. `//[`). */
function parseUrl(raw: string | undefined, origin: string): URL | null {
  try {
    return new URL(raw ?? '/', origin);
  } catch {
    return null;
  }
}

/** The decoded path, or null for a malformed escape such as `/%`. */
function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Development and test only (never packaged): serves the built renderer on 127.0.0.1 and implements
 * the preload API over a WebSocket to the real service graph under Node. Calls need the random token
 * from the URL and must come from the bridge's own origin; the router checks that origin like main does.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const rendererDir = options.rendererDir ?? path.join(repoRoot, 'out/renderer');
  const clientFile = options.clientFile ?? path.join(repoRoot, 'out/bridge/client.js');
  for (const file of [path.join(rendererDir, 'index.html'), clientFile]) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(repoRoot, file)} is missing: run \`npm run build\` first.`);
  }
  const token = randomBytes(24).toString('hex');
  const notifications: Bridge['notifications'] = [];
  const server = http.createServer();
  // SECURITY: loopback only; the bridge is a test tool and is never packaged.
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  // Like the shell: a damaged database gives the recovery screen (store:* channels only) instead of failing.
  const trustedOrigin = { protocol: 'http:', host: `127.0.0.1:${port}` };
  const keyStore = keyStoreFor(options.keyStore);
  const clock = options.clock ?? systemClock;
  const logSink = options.logSink ?? fileSink(options.dataDir);
  const host = new ServiceHost({
    dataDir: options.dataDir,
    clock,
    log: createLogger(logSink, new SecretRegistry(), clock),
    logFile: null,
    trustedOrigin,
    // The bridge is not the app: Quit on the recovery screen only leaves everything as it is.
    quit: () => undefined,
    open: (store) =>
      createServices({
        ...options,
        logSink,
        keyStore,
        preferences: confPreferences(options.dataDir),
        trustedOrigin,
        notifier: { notify: (n) => notifications.push(n) },
        openExternal: options.openExternal ?? (async () => undefined),
        store,
      }),
  });
  let started: Promise<void> = Promise.resolve();
  host.onOpen((services) => (started = services.start()));
  await host.start();
  await started;

  const html = fs.readFileSync(path.join(rendererDir, 'index.html'), 'utf8').replace('<script', '<script src="/__bridge/client.js"></script>\n    <script');

  server.on('request', (req, res) => {
    const url = parseUrl(req.url, origin);
    const pathname = url ? decodePath(url.pathname) : null;
    if (url === null || pathname === null) {
      res.writeHead(400).end('Bad request');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-store' }).end(html);
      return;
    }
    const file = url.pathname === '/__bridge/client.js' ? clientFile : path.resolve(rendererDir, `.${pathname}`);
    if (file !== clientFile && !file.startsWith(path.resolve(rendererDir) + path.sep)) {
      res.writeHead(404).end();
      return;
    }
    fs.readFile(file, (error, body) => {
      if (error) res.writeHead(404).end('Not found');
      else res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = parseUrl(req.url, origin);
    if (url === null || url.pathname !== '/__bridge/ws' || !sameToken(url.searchParams.get('token') ?? '', token) || req.headers.origin !== origin) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // A frame over MAX_FRAME_BYTES or of invalid UTF-8: ws has already answered with close code 1009 or 1007 and
      // reports it here. Without a listener the error would be thrown and take the whole bridge down.
      ws.on('error', () => undefined);
      const sender = { url: `${origin}/`, isMainFrame: true };
      ws.on('message', (raw, isBinary) => {
        void answerFrame(raw, isBinary, (channel, input) => host.router.handle(channel, sender, input)).then((answer) => {
          if (ws.readyState === ws.OPEN) ws.send(answer);
        });
      });
    });
  });
  const unsubscribe = host.subscribe((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) ws.send(text);
  });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    get services() {
      if (!host.services) throw new Error('the bridge is showing the recovery screen: the database is not open');
      return host.services;
    },
    host,
    notifications,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      host.close();
    },
  };
}

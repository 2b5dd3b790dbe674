import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import WebSocket from 'ws';
import { MAX_FRAME_BYTES, startBridge, type Bridge } from '../bridge/server';
import { tempDir } from '../support/graph';

/**
 * The test bridge (every e2e test stands on it) answers hostile frames and requests with an error and stays up
 * (issue 11 item 13). A crash here would surface as an unhandled error in this file, or as the last call failing.
 */
let bridge: Bridge;
let dir: string;

beforeAll(async () => {
  dir = tempDir('bv-bridge-');
  const rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><script type="module" src="/app.js"></script></head></html>');
  fs.writeFileSync(path.join(rendererDir, 'app.js'), '');
  fs.writeFileSync(path.join(dir, 'client.js'), '');
  bridge = await startBridge({ dataDir: path.join(dir, 'data'), rendererDir, clientFile: path.join(dir, 'client.js') });
});
afterAll(async () => {
  await bridge?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function socketUrl(): string {
  const token = new URL(bridge.url).searchParams.get('token')!;
  return `${bridge.origin.replace('http:', 'ws:')}/__bridge/ws?token=${token}`;
}

async function open(): Promise<WebSocket> {
  const ws = new WebSocket(socketUrl(), { origin: bridge.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** Send one frame; resolve with the answer, or with the close code if the bridge closed the socket instead. */
async function exchange(frame: string | Buffer, binary = false): Promise<{ answer?: unknown; closeCode?: number }> {
  const ws = await open();
  try {
    return await new Promise((resolve) => {
      ws.once('message', (data) => resolve({ answer: JSON.parse(data.toString()) as unknown }));
      ws.once('close', (code) => resolve({ closeCode: code }));
      ws.on('error', () => undefined);
      ws.send(frame, { binary });
    });
  } finally {
    ws.terminate();
  }
}

/** Raw HTTP, so the request line reaches the bridge exactly as written (a client library would normalise it). */
async function rawGet(target: string): Promise<string> {
  const port = Number(new URL(bridge.origin).port);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text.split('\r\n')[0]!));
    socket.on('error', reject);
  });
}

const refused = (id: unknown = null) => ({ answer: { id, result: { ok: false, error: { code: 'INVALID_INPUT', message: expect.any(String) } } } });

describe('the test bridge answers bad frames and requests with an error and stays up', () => {
  it('a frame of null, a non-object, a non-JSON text or a message without a channel gets an error answer', async () => {
    expect(await exchange('null')).toEqual(refused());
    expect(await exchange('42')).toEqual(refused());
    expect(await exchange('[1,2]')).toEqual(refused());
    expect(await exchange('not json')).toEqual(refused());
    expect(await exchange('{"id":3}')).toEqual(refused(3));
    expect(await exchange('{"id":{"x":1},"channel":"app:info","input":{}}')).toMatchObject({ answer: { id: null, result: { ok: true } } });
    expect(await exchange(Buffer.from('{"id":1,"channel":"app:info","input":{}}'), true)).toEqual(refused());
  });

  it('a frame over 4 MiB is closed with 1009 and one of invalid UTF-8 with 1007; the bridge keeps serving', async () => {
    expect(await exchange('x'.repeat(MAX_FRAME_BYTES + 1))).toEqual({ closeCode: 1009 });
    expect(await exchange(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false)).toEqual({ closeCode: 1007 });
    expect(await exchange('{"id":9,"channel":"app:info","input":{}}')).toMatchObject({
      answer: { id: 9, result: { ok: true, value: { name: 'BrokerVault' } } },
    });
  });

  it('a GET of a malformed path answers 400, and the page is still served', async () => {
    expect(await rawGet('/%')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawGet('/%E0%A4%A')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawGet('//[')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawGet('/')).toBe('HTTP/1.1 200 OK');
  });
});

describe('the test bridge stays loopback-only and unpackaged', () => {
  it('listens on 127.0.0.1 and refuses a socket from another origin', async () => {
    expect(bridge.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ws = new WebSocket(socketUrl(), { origin: 'http://evil.example' });
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', () => resolve('refused'));
    });
    ws.terminate();
    expect(outcome).toBe('refused');
  });

  it('electron-builder packages only the app bundles, and nothing under src/ imports the bridge or any test code', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { files: string[] };
    const included = config.files.filter((f) => !f.startsWith('!'));
    expect(included).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']);
    expect(config.files).toEqual(expect.arrayContaining(['!out/bridge/**', '!test/**']));
    const sources = (fs.readdirSync(path.join(root, 'src'), { recursive: true }) as string[]).filter((f) => /\.(ts|tsx)$/.test(f));
    const importsTest = sources.filter((f) => /from\s+['"][./]*test\/|import\(['"][./]*test\//.test(fs.readFileSync(path.join(root, 'src', f), 'utf8')));
    expect(sources.length).toBeGreaterThan(50);
    expect(importsTest).toEqual([]);
  });
});

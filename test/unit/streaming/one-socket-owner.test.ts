import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../../src');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return files(full);
    return /\.(ts|tsx)$/.test(e.name) ? [full] : [];
  });
}

/** Socket clients: the `ws` package, socket.io's client, and the global browser-style WebSocket. */
const OPENS_A_SOCKET = [/from ['"]ws['"]/, /require\(['"]ws['"]\)/, /from ['"]socket\.io-client['"]/, /new WebSocket\s*\(/, /globalThis\.WebSocket/];

/**
 * A file whose only value import from `ws` is `WebSocketServer` (types aside) serves sockets and opens none: the local
 * API's server. Any other binding from `ws` (its client `WebSocket` among them) counts as a client.
 */
function onlyServesSockets(text: string): boolean {
  const imports = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]ws['"]/g)];
  if (imports.length === 0 || /require\(['"]ws['"]\)|import\s+\w+\s*(,|from)\s*['"]?ws|import\s*\*/.test(text)) return false;
  const values = imports.flatMap((m) =>
    m[1]!
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name && !name.startsWith('type ')),
  );
  return values.every((name) => name === 'WebSocketServer');
}

describe('nothing but BrokerSocket opens a broker socket', () => {
  it('only src/main/streaming/broker-socket.ts imports a socket client or constructs a WebSocket', () => {
    const found = files(SRC)
      .filter((file) => {
        const text = fs.readFileSync(file, 'utf8');
        return OPENS_A_SOCKET.some((pattern) => pattern.test(text)) && !(onlyServesSockets(text) && !/new WebSocket\s*\(|globalThis\.WebSocket/.test(text));
      })
      .map((file) => path.relative(SRC, file).split(path.sep).join('/'));
    expect(found).toEqual(['main/streaming/broker-socket.ts']);
  });

  it('tells a socket server from a client', () => {
    expect(onlyServesSockets("import { WebSocketServer, type RawData, type WebSocket } from 'ws';")).toBe(true);
    expect(onlyServesSockets("import { WebSocket } from 'ws';")).toBe(false);
    expect(onlyServesSockets("import { WebSocketServer, WebSocket } from 'ws';")).toBe(false);
    expect(onlyServesSockets("import WebSocket from 'ws';")).toBe(false);
  });
});

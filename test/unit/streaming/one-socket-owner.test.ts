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

describe('nothing but BrokerSocket opens a broker socket', () => {
  it('only src/main/streaming/broker-socket.ts imports a socket client or constructs a WebSocket', () => {
    const found = files(SRC)
      .filter((file) => OPENS_A_SOCKET.some((pattern) => pattern.test(fs.readFileSync(file, 'utf8'))))
      .map((file) => path.relative(SRC, file).split(path.sep).join('/'));
    expect(found).toEqual(['main/streaming/broker-socket.ts']);
  });
});

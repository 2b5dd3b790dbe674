import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onFreePorts } from '../support/ports';
import { WebSocket } from 'ws';
import { SIMULATORS } from '../simulators/registry';

const cli = path.resolve(import.meta.dirname, '../simulators/cli.ts');

/** Start `npm run sim -- <id>` (the same CLI) and read its one JSON line. */
function startCli(args: string[]): Promise<{ line: string; stop: () => void; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve({ line: out.slice(0, newline), stop: () => child.kill('SIGTERM'), stderr: () => err });
    });
    child.on('exit', (code) => (out.includes('\n') ? undefined : reject(new Error(`sim exited ${code}: ${err}`))));
  });
}

describe('npm run sim', () => {
  it('offers every broker protocol', () => {
    expect(Object.keys(SIMULATORS).sort()).toEqual(['alpaca', 'angel-one', 'binance', 'dhan', 'fyers', 'ibkr', 'tastytrade', 'tradier', 'xts', 'zerodha']);
  });

  it.each(Object.keys(SIMULATORS))('%s prints one JSON line with its base URL, credentials and a session', async (id) => {
    const sim = await startCli([id]);
    try {
      const info = JSON.parse(sim.line) as {
        broker: string;
        baseUrl: string;
        credentials: Record<string, string>;
        session: Record<string, string>;
        streamUrl?: string;
        orderStreamUrl?: string;
      };
      expect(info.baseUrl).toMatch(/^https?:\/\/127\.0\.0\.1:\d+/);
      // Every simulator streams, on its own port (socket.io's XTS root is an http URL, as its SDK takes it).
      const port = new URL(info.baseUrl).port;
      expect(info.streamUrl).toMatch(new RegExp(`^(wss?|https?)://127\\.0\\.0\\.1:${port}(/|$)`));
      if (info.orderStreamUrl !== undefined) expect(info.orderStreamUrl).toMatch(new RegExp(`^(wss?|https?)://127\\.0\\.0\\.1:${port}`));
      expect(Object.keys(info.credentials).length).toBeGreaterThan(0);
      expect(info.session).toBeTypeOf('object');
      // The server answers (any HTTP status: the root path is not an API route).
      const response = await fetch(info.baseUrl, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
      if (!info.baseUrl.startsWith('https')) expect(response).not.toBeNull();
    } finally {
      sim.stop();
    }
  });

  it('alpaca adds its market-data and trade_updates socket URLs, on the same port, and they accept a WebSocket', async () => {
    const sim = await startCli(['alpaca']);
    try {
      const info = JSON.parse(sim.line) as { baseUrl: string; streamUrl: string; orderStreamUrl: string };
      const port = new URL(info.baseUrl).port;
      expect(info.streamUrl).toBe(`ws://127.0.0.1:${port}/v2/iex`);
      expect(info.orderStreamUrl).toBe(`ws://127.0.0.1:${port}/stream`);
      const socket = new WebSocket(info.streamUrl);
      const greeting = await new Promise<string>((resolve, reject) => {
        socket.once('message', (data: Buffer) => resolve(data.toString('utf8')));
        socket.once('error', reject);
      });
      socket.terminate();
      expect(JSON.parse(greeting)).toEqual([{ T: 'success', msg: 'connected' }]);
    } finally {
      sim.stop();
    }
  });

  it('listens on the port it is given', async () => {
    const sim = await startCli(['alpaca', '--port', '0']).catch((e: Error) => e);
    expect(sim).toBeInstanceOf(Error);
    const { port, chosen } = await onFreePorts(1, async ([port]) => {
      const started = await startCli(['alpaca', '--port', String(port)]).catch(() => null);
      return started && { port, chosen: started };
    });
    try {
      expect(JSON.parse(chosen.line).baseUrl).toBe(`http://127.0.0.1:${port}`);
    } finally {
      chosen.stop();
    }
  });

  it('explains its usage for an unknown id', async () => {
    await expect(startCli(['nasdaq'])).rejects.toThrow(/usage: npm run sim -- <id> \[--port N\]/);
  });
});

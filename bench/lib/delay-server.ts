import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayServer {
  baseUrl: string;
  /** Requests answered so far, and the most in flight at once. */
  stats: { served: number; inFlight: number; maxInFlight: number };
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that answers every request with a fixed JSON body after `delayMs`: a broker
 * whose every answer takes that long, however many requests arrive together.
 */
export async function startDelayServer(delayMs: number, body: unknown): Promise<DelayServer> {
  const text = JSON.stringify(body);
  const stats = { served: 0, inFlight: 0, maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    req.resume();
    setTimeout(() => {
      stats.inFlight--;
      stats.served++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
    }, delayMs);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

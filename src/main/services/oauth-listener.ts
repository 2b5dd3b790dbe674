import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../errors';
import type { Scheduler, TimerHandle } from '../scheduler';

interface Pending {
  broker: string;
  /** The broker sends no state back: the redirect is matched by broker (one such sign-in at a time). */
  stateless: boolean;
  resolve(params: Record<string, string>): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

const PAGE = (title: string, body: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:system-ui;margin:3em"><h1>${title}</h1><p>${body}</p></body>`;

/**
 * The loopback redirect target for OAuth-style broker logins (RFC 8252 §7.3): a short-lived HTTP
 * listener on 127.0.0.1 that accepts a redirect only for a login BrokerVault started, matched by its
 * one-time `state`, or for brokers that send no state back, by the broker's callback path while exactly
 * one sign-in for it is pending. It listens only while a login is pending.
 */
export class OAuthListener {
  private server: http.Server | null = null;
  private port: number;
  private readonly pending = new Map<string, Pending>();

  constructor(
    /** Fixed so the trader can register the redirect URL once; 0 picks a free port (tests). */
    private readonly preferredPort: number,
    /** The sign-in's 5-minute limit runs on it (the manual scheduler in tests). */
    private readonly scheduler: Scheduler,
    private readonly timeoutMs = 5 * 60_000,
  ) {
    this.port = preferredPort;
  }

  /** The exact URL the trader registers with the broker. */
  redirectUri(broker: string): string {
    return `http://127.0.0.1:${this.port}/callback/${broker}`;
  }

  private listening: Promise<void> | null = null;

  /** Start the server once, however many sign-ins start at the same moment. */
  private listen(): Promise<void> {
    if (this.server) return Promise.resolve();
    this.listening ??= this.bind().finally(() => {
      this.listening = null;
    });
    return this.listening;
  }

  private async bind(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new AppError(
                'CONFLICT',
                `Port ${this.port} on this computer is in use by another program, so the broker cannot send you back to BrokerVault. Close that program and try again.`,
              )
            : error,
        ),
      );
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Start listening (if needed) and wait for the redirect carrying this state (or, stateless, for this broker). */
  async expect(
    broker: string,
    state: string,
    options: { stateless?: boolean } = {},
  ): Promise<{ redirectUri: string; result: Promise<Record<string, string>> }> {
    await this.listen();
    const stateless = options.stateless === true;
    if (stateless) {
      // The redirect cannot say which sign-in it answers: a newer one replaces the older.
      for (const [other, pending] of this.pending) {
        if (pending.stateless && pending.broker === broker) this.settle(other, new AppError('CONFLICT', 'A newer sign-in to this broker was started.'));
      }
    }
    const result = new Promise<Record<string, string>>((resolve, reject) => {
      const timer = this.scheduler.setTimeout(
        () => this.settle(state, new AppError('TIMEOUT', 'The broker sign-in was not completed within 5 minutes. Start it again when you are ready.')),
        this.timeoutMs,
      );
      this.pending.set(state, { broker, stateless, resolve, reject, timer });
    });
    return { redirectUri: this.redirectUri(broker), result };
  }

  cancel(state: string): void {
    this.settle(state, new AppError('CONFLICT', 'Sign-in was cancelled.'));
  }

  private settle(state: string, outcome: Error | Record<string, string>): void {
    const pending = this.pending.get(state);
    if (!pending) return;
    this.scheduler.clearTimeout(pending.timer);
    this.pending.delete(state);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
    if (this.pending.size === 0) this.stop();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const match = /^\/callback\/([a-z0-9-]+)$/.exec(url.pathname);
    const params = Object.fromEntries(url.searchParams);
    const state = params.state ?? (match ? this.statelessPending(match[1]!) : '') ?? '';
    const pending = this.pending.get(state);
    if (req.method !== 'GET' || !match || !pending || pending.broker !== match[1]) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        PAGE(
          'Sign-in link not recognised',
          'BrokerVault did not expect this sign-in (it may have expired or been cancelled). Start it again from BrokerVault.',
        ),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE('Signed in', 'You can close this tab and return to BrokerVault.'));
    this.settle(state, params);
  }

  /** The state of the one pending stateless sign-in for this broker, if there is one. */
  private statelessPending(broker: string): string | undefined {
    for (const [state, pending] of this.pending) if (pending.stateless && pending.broker === broker) return state;
    return undefined;
  }

  private stop(): void {
    const server = this.server;
    this.server = null;
    this.port = this.preferredPort || this.port;
    server?.close();
    server?.closeAllConnections();
  }

  close(): void {
    for (const state of [...this.pending.keys()]) this.cancel(state);
    this.stop();
  }
}

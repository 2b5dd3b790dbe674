import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/types';
import type { KeyCaller } from './keys';
import { isAllowedHost, isAllowedOrigin, isFromBrowser, verbOfPath } from './request-policy';
import type { TokenBuckets } from './rate-limit';
import { READ_ONLY_MESSAGE, type LocalApiServices, type Verb, type VerbReply } from './verb';
import { runVerb } from './verbs/run';
import { HALTED_MESSAGE } from './guard';

/** Limits that keep a slow, idle or greedy client from costing the app anything. */
export interface RestLimits {
  /** A body above this is refused with 413 and the socket closed. */
  maxBodyBytes: number;
  /** All headers must arrive within this (slowloris). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** A connection with no traffic for this long is closed (idle, or a keep-alive left open). */
  idleTimeoutMs: number;
  /** How often Node checks the two timeouts above. */
  checkIntervalMs: number;
  maxConnections: number;
}

export const DEFAULT_REST_LIMITS: RestLimits = {
  maxBodyBytes: 64 * 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 15_000,
  checkIntervalMs: 1_000,
  maxConnections: 128,
};

/** One finished call, for the audit trail: never the key, never the body. */
export interface CallRecord {
  keyId: string | null;
  verb: string;
  httpStatus: number;
  outcome: string;
}

export interface RestServerDeps {
  verbs: readonly Verb[];
  authenticate(apikey: unknown): KeyCaller | null;
  /** The services one caller's verb sees (guarded: see guard.ts). */
  servicesFor(caller: KeyCaller): LocalApiServices;
  /** The kill switch stopped API trading and the trader has not turned it back on. */
  tradingHalted(): boolean;
  buckets: TokenBuckets;
  /** Every call that is answered (refusals before a key is known share one rate bucket). */
  record(call: CallRecord): void;
  /** Names the Host header may carry besides 127.0.0.1 and localhost (the app's own). */
  hostNames: readonly string[];
  limits?: Partial<RestLimits>;
  log: Logger;
}

const ANONYMOUS = '(no key)';

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

function errorReply(httpStatus: number, message: string): VerbReply {
  return { httpStatus, body: { status: 'error', message } };
}

/**
 * The REST half of the local API: `POST /api/v1/<verb>` on 127.0.0.1, OpenAlgo's shapes and HTTP codes.
 * Checks in order: method, Host, Origin, path, body size and JSON, key, rate limit, permission, kill switch (not for
 * a verb that only lowers risk), the verb's own fields; then the verb runs on the same services the IPC handlers use.
 */
export class RestServer {
  private readonly server: http.Server;
  private readonly verbs: Map<string, Verb>;
  private readonly limits: RestLimits;
  private port = 0;

  constructor(private readonly deps: RestServerDeps) {
    this.verbs = new Map(deps.verbs.map((v) => [v.name, v]));
    this.limits = { ...DEFAULT_REST_LIMITS, ...deps.limits };
    this.server = http.createServer({
      // SECURITY (slowloris): headers and the whole request each have a deadline, checked often.
      headersTimeout: this.limits.headersTimeoutMs,
      requestTimeout: this.limits.requestTimeoutMs,
      keepAliveTimeout: this.limits.idleTimeoutMs,
      connectionsCheckingInterval: this.limits.checkIntervalMs,
      maxHeaderSize: 16 * 1024,
    });
    this.server.maxConnections = this.limits.maxConnections;
    // SECURITY (idle clients): a socket silent for this long is closed.
    this.server.setTimeout(this.limits.idleTimeoutMs, (socket) => socket.destroy());
    this.server.on('request', (req, res) => this.handle(req, res));
    this.server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  /** Listen on 127.0.0.1 only. Rejects with the system error (EADDRINUSE for a taken port). */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.server.off('listening', onListening);
        reject(error);
      };
      const onListening = () => {
        this.server.off('error', onError);
        this.port = (this.server.address() as AddressInfo).port;
        resolve(this.port);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      // SECURITY: loopback only; never 0.0.0.0 or ::.
      this.server.listen(port, '127.0.0.1');
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private names(): string[] {
    return ['127.0.0.1', 'localhost', ...this.deps.hostNames];
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const verbName = verbOfPath(req.url) ?? '(none)';
    const send = (reply: VerbReply, keyId: string | null, outcome: string) => {
      // Refusals before a key is known share one bucket: a flood is refused without an audit row per request.
      if (keyId === null && !this.deps.buckets.take(ANONYMOUS)) return this.respond(res, errorReply(429, 'Too many refused requests; slow down.'));
      this.deps.record({ keyId, verb: verbName, httpStatus: reply.httpStatus, outcome });
      this.respond(res, reply);
    };
    const refuseEarly = (reply: VerbReply, outcome: string) => {
      send(reply, null, outcome);
      req.resume();
    };
    if (req.method !== 'POST') return refuseEarly(errorReply(405, 'Only POST is supported.'), 'method');
    // SECURITY: DNS rebinding and cross-site requests (see request-policy.ts).
    if (!isAllowedHost(req.headers.host, this.port, this.names()))
      return refuseEarly(errorReply(403, 'Requests must be addressed to 127.0.0.1 or localhost.'), 'host');
    if (!isAllowedOrigin(req.headers.origin, this.port, this.names()) || isFromBrowser(req.headers))
      return refuseEarly(errorReply(403, 'Requests from web pages are refused.'), 'origin');
    const verb = this.verbs.get(verbName);
    if (!verb) return refuseEarly(errorReply(404, 'There is no such API endpoint.'), 'unknown verb');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.limits.maxBodyBytes) {
      res.setHeader('connection', 'close');
      return refuseEarly(errorReply(413, `The request body is over ${this.limits.maxBodyBytes / 1024} KB.`), 'too large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > this.limits.maxBodyBytes) {
        over = true;
        res.setHeader('connection', 'close');
        send(errorReply(413, `The request body is over ${this.limits.maxBodyBytes / 1024} KB.`), null, 'too large');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) void this.run(verb, Buffer.concat(chunks), send);
    });
    req.on('error', () => undefined);
  }

  private async run(verb: Verb, raw: Buffer, send: (reply: VerbReply, keyId: string | null, outcome: string) => void): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return send(errorReply(400, 'The request body is not valid JSON.'), null, 'malformed json');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return send(errorReply(400, 'The request body must be a JSON object.'), null, 'malformed json');
    const { apikey, ...fields } = body as Record<string, unknown>;
    if (apikey === undefined) return send(errorReply(403, 'Invalid openalgo apikey: the apikey field is missing.'), null, 'no key');
    const caller = this.deps.authenticate(apikey);
    if (!caller) return send(errorReply(403, 'Invalid openalgo apikey'), null, 'invalid key');
    if (!this.deps.buckets.take(caller.keyId)) {
      return send(
        errorReply(429, `Rate limit exceeded for this API key; try again in ${this.deps.buckets.waitSeconds(caller.keyId)} s.`),
        caller.keyId,
        'rate limited',
      );
    }
    if (verb.permission === 'trade' && caller.permission !== 'trade') return send(errorReply(403, READ_ONLY_MESSAGE), caller.keyId, 'read-only key');
    if (verb.permission === 'trade' && !verb.whileHalted && this.deps.tradingHalted()) {
      return send(errorReply(403, HALTED_MESSAGE), caller.keyId, 'kill switch');
    }
    // The verb's fields and its run, the one way every caller runs a verb (runVerb): the same answers as its tests see.
    const reply = await runVerb(verb, { caller, services: this.deps.servicesFor(caller) }, fields, this.deps.log);
    send(reply, caller.keyId, reply.body.status === 'success' ? 'success' : reply.body.errors ? 'invalid input' : 'error');
  }

  private respond(res: http.ServerResponse, reply: VerbReply): void {
    if (res.headersSent || res.destroyed) return;
    // A kept reply comes encoded: a large book is not turned into bytes again on every request.
    let payload: Buffer | string;
    try {
      payload = reply.encoded ?? JSON.stringify(reply.body);
    } catch {
      payload = JSON.stringify({ status: 'error', message: 'BrokerVault could not encode the answer.' });
      reply = { ...reply, httpStatus: 500 };
    }
    // SECURITY: no Access-Control-* header, ever.
    res.writeHead(reply.httpStatus, { ...JSON_HEADERS, 'content-length': typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length });
    res.end(payload);
  }
}

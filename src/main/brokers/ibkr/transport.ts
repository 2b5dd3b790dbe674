import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import type { BrokerContext } from '../types';

/**
 * The Client Portal Gateway serves a self-signed certificate that no CA vouches for, so Node's fetch
 * rejects it. We accept it only when the gateway runs on this computer (a loopback host), and pin it:
 * the SHA-256 fingerprint seen at login is stored (SessionUpdate field `gatewayCertSha256`) and every later
 * connection must present the same certificate (trust on first use). Any other https host goes through
 * ctx.fetch with normal certificate checks; http:// (simulators) goes through ctx.fetch unchanged.
 */
export const PIN_FIELD = 'gatewayCertSha256';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** The address the socket really reached: guards against "localhost" resolving somewhere else. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

/** Fingerprints compare as upper-case hex with colons, the form Node prints (`AB:CD:…`). */
export function normalizeFingerprint(value: string): string {
  const hex = value.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

export type TlsFailure = 'pin-mismatch' | 'not-loopback' | null;

/** What the pinned transport learned: the certificate it trusts and why it last refused a connection. */
export interface GatewayTls {
  fetch: typeof fetch;
  /** The pinned fingerprint (stored one, or the first one seen when none was stored). */
  fingerprint(): string | null;
  /** Why the last refused connection was refused; cleared when read. */
  takeFailure(): TlsFailure;
}

function pinnedTransport(expected: string | null): GatewayTls {
  let pinned = expected ? normalizeFingerprint(expected) : null;
  let failure: TlsFailure = null;
  // Chain verification is off because the certificate is self-signed; the pin below replaces it.
  // No TLS session resumption: a resumed handshake presents no certificate to check.
  const connectTls = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  const agent = new Agent({
    connect: (options, callback) => {
      connectTls(options, (error, socket) => {
        if (error || !socket) return callback(error ?? new Error('connection failed'), null);
        if (!isLoopbackAddress(socket.remoteAddress)) {
          failure = 'not-loopback';
          socket.destroy();
          return callback(new Error('gateway is not on this computer'), null);
        }
        const seen = normalizeFingerprint((socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '');
        if (!seen || (pinned !== null && seen !== pinned)) {
          failure = 'pin-mismatch';
          socket.destroy();
          return callback(new Error('gateway certificate does not match the pinned one'), null);
        }
        pinned ??= seen;
        callback(null, socket);
      });
    },
  });
  const pinnedFetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: agent,
    })) as unknown as typeof fetch;
  return {
    fetch: pinnedFetch,
    fingerprint: () => pinned,
    takeFailure: () => {
      const f = failure;
      failure = null;
      return f;
    },
  };
}

/**
 * The transport for this connection's base URL, kept in ctx.memo so keep-alive connections are reused.
 * Returns null when the base URL needs no special handling (http://, or https to a non-loopback host).
 */
export function gatewayTls(ctx: BrokerContext): GatewayTls | null {
  const url = new URL(ctx.baseUrl);
  if (url.protocol !== 'https:' || !isLoopbackHost(url.hostname)) return null;
  const pin = ctx.credentials[PIN_FIELD] ? normalizeFingerprint(ctx.credentials[PIN_FIELD]) : null;
  const key = `ibkr:tls:${url.host}:${pin ?? 'first-use'}`;
  let transport = ctx.memo.get(key) as GatewayTls | undefined;
  if (!transport) {
    transport = pinnedTransport(pin);
    ctx.memo.set(key, transport);
  }
  return transport;
}

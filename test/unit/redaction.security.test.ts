import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/clock';
import { createLogger } from '../../src/main/log/logger';
import { SecretRegistry, TRUNCATED } from '../../src/main/log/redact';
import { brokerMessage } from '../../src/main/brokers/http';
import { blockingMs, MAX_BLOCKING_MS } from '../support/blocking';

const CANARY = 'CANARY-7d1e0b55-secret';

function logged(fn: (log: ReturnType<typeof createLogger>, secrets: SecretRegistry) => void): string {
  const lines: string[] = [];
  const secrets = new SecretRegistry();
  fn(createLogger({ write: (l) => lines.push(l) }, secrets, new ManualClock()), secrets);
  return lines.join('\n');
}

describe('log redaction (property 17)', () => {
  it('redacts values under sensitive keys at any depth', () => {
    const out = logged((log) =>
      log.info('call', {
        request: {
          headers: { Authorization: `token key:${CANARY}`, 'X-PrivateKey': CANARY },
          body: { api_secret: CANARY, nested: [{ access_token: CANARY }] },
        },
      }),
    );
    expect(out).not.toContain(CANARY);
    expect(out).toContain('[redacted]');
  });

  it('redacts registered secrets wherever they appear, including messages and errors', () => {
    const out = logged((log, secrets) => {
      secrets.add(CANARY);
      log.error(`failed for ${CANARY}`, { error: new Error(`broker said: invalid key ${CANARY}`), note: `x${CANARY}y` });
    });
    expect(out).not.toContain(CANARY);
  });

  it('redacts credentials in URLs and header-like text', () => {
    const out = logged((log) =>
      log.warn('request failed', {
        url: `https://api.example.com/orders?api_key=${CANARY}&access_token=${CANARY}&symbol=INFY`,
        text: `Authorization: Bearer ${CANARY}`,
        raw: `x-mbx-apikey=${CANARY}`,
      }),
    );
    expect(out).not.toContain(CANARY);
    expect(out).toContain('symbol=INFY');
  });

  it('keeps harmless context readable', () => {
    const out = logged((log) => log.info('validated', { broker: 'zerodha', latencyMs: 42 }));
    expect(JSON.parse(out)).toMatchObject({ level: 'info', message: 'validated', context: { broker: 'zerodha', latencyMs: 42 } });
  });
});

describe('redaction runs in linear time (issue 11 item 9: nothing may hold main)', () => {
  it('a long query-like run without "=" is scrubbed within the bound', async () => {
    const secrets = new SecretRegistry();
    for (const text of [`?${'key'.repeat(20_000)}`, '?'.repeat(60_000), `&${'token'.repeat(12_000)} `]) {
      expect(await blockingMs(async () => secrets.scrub(text))).toBeLessThan(MAX_BLOCKING_MS);
    }
    expect(secrets.scrub('https://x.example/a?b=1&api_key=SECRETVALUE&c=2?access_token=T0K')).toBe(
      'https://x.example/a?b=1&api_key=[redacted]&c=2?access_token=[redacted]',
    );
  });
});

describe('scrubbing a connection’s messages against its own secrets (issue 11, item 7)', () => {
  const SECRET = 'Ylhv265$sl/Q+é"x';
  const CONN = 'a'.repeat(32);
  const OTHER = 'b'.repeat(32);

  function registry(): SecretRegistry {
    const secrets = new SecretRegistry();
    secrets.add(SECRET, CONN);
    secrets.add('4821', CONN);
    return secrets;
  }

  const bytes = Buffer.from(SECRET);
  const quoted: [string, string][] = [
    ['raw', SECRET],
    ['upper case', SECRET.toUpperCase()],
    ['JSON-escaped', JSON.stringify({ secretKey: SECRET })],
    ['JSON with escaped slashes and \\u', JSON.stringify(SECRET).replace(/\//g, '\\/').replace('é', '\\u00E9')],
    ['URL-encoded', `?secretKey=${encodeURIComponent(SECRET)}`.replace('?secretKey=', 'note ')],
    ['form-encoded', new URLSearchParams({ s: SECRET }).toString()],
    ['%-escapes in lower case', encodeURIComponent(SECRET).toLowerCase()],
    ['hex', bytes.toString('hex')],
    ['HEX', bytes.toString('hex').toUpperCase()],
    ['base64', bytes.toString('base64')],
    ['base64url', bytes.toString('base64url')],
    ['inside a Basic header', `Basic ${Buffer.from(`client-id:${SECRET}`).toString('base64')}`],
    ['inside a base64 body, offset 2', Buffer.from(`{"k":"${SECRET}","x":1}`).toString('base64url')],
  ];

  it.each(quoted)('removes the secret quoted %s', (_how, text) => {
    const out = registry().scrubFor(CONN, `Invalid request: ${text} (code 7)`);
    expect(out).toContain('[redacted]');
    // Nothing of the secret is left but a few bits at the edges of an encoded run.
    for (const piece of [SECRET.slice(0, 6), bytes.toString('hex').slice(4, 16), bytes.toString('base64').slice(4, 12)]) {
      expect(out.toLowerCase()).not.toContain(piece.toLowerCase());
    }
    expect(out).toMatch(/^Invalid request: .*\(code 7\)$/);
  });

  it('removes short secrets such as PINs as whole words only', () => {
    const secrets = registry();
    expect(secrets.scrubFor(CONN, 'body={"clientcode":"X1","password":"4821"}')).toBe('body={"clientcode":"X1","password":"[redacted]"}');
    expect(secrets.scrubFor(CONN, 'Order 250105004821 was rejected')).toBe('Order 250105004821 was rejected');
  });

  it('scrubs one connection’s messages of its own secrets, not of another’s', () => {
    const secrets = registry();
    secrets.add('other-connection-secret', OTHER);
    expect(secrets.scrubFor(OTHER, `said ${SECRET}`)).toBe(`said ${SECRET}`);
    expect(secrets.scrubFor(CONN, `said ${SECRET}`)).toBe('said [redacted]');
    // Credentials not saved yet (a test) are passed with the call.
    expect(secrets.scrubFor(null, 'said unsaved-value-123', ['unsaved-value-123'])).toBe('said [redacted]');
    // The log and the router's last net know every secret.
    expect(secrets.scrub(`a ${SECRET} b other-connection-secret`)).toBe('a [redacted] b [redacted]');
  });

  it('removes the start of a secret that a cut left dangling', () => {
    const secrets = registry();
    const long = `Invalid request ${'word '.repeat(53)} secretKey=${SECRET}`;
    const cut = brokerMessage(long, 'fallback');
    expect(cut.endsWith(TRUNCATED)).toBe(true);
    expect(cut).toContain(SECRET.slice(0, 6));
    const out = secrets.scrubFor(CONN, `XTS rejected the request: ${cut} Check the keys.`);
    expect(out).not.toContain(SECRET.slice(0, 6));
    expect(out).toContain(`[redacted]${TRUNCATED} Check the keys.`);
  });
});

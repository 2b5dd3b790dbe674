import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/clock';
import { createLogger } from '../../src/main/log/logger';
import { SecretRegistry } from '../../src/main/log/redact';
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
      log.info('call', { request: { headers: { Authorization: `token key:${CANARY}`, 'X-PrivateKey': CANARY }, body: { api_secret: CANARY, nested: [{ access_token: CANARY }] } } }),
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
    expect(secrets.scrub('https://x.example/a?b=1&api_key=SECRETVALUE&c=2?access_token=T0K')).toBe('https://x.example/a?b=1&api_key=[redacted]&c=2?access_token=[redacted]');
  });
});

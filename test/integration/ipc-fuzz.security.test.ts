import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src/shared/channels';
import { invalidVariants, validInputs } from '../support/channel-samples';
import { dumpDatabase, makeGraph, TRUSTED_SENDER, type TestGraph } from '../support/graph';

let g: TestGraph;
let id: string;

beforeAll(async () => {
  g = await makeGraph();
  id = (await g.ok('connections:create', { broker: 'alpaca', label: 'Seed', environment: 'live', fields: { api_key: 'AKSEEDKEY0001', api_secret: 'seed-secret-0001' } })).id;
});
afterAll(() => g.close());

describe('every channel refuses malformed input with INVALID_INPUT and changes nothing (property 6)', () => {
  for (const channel of CHANNEL_NAMES) {
    it(channel, async () => {
      const sample = validInputs('a'.repeat(32))[channel] as Record<string, unknown>;
      const variants = invalidVariants({ ...sample, ...('id' in sample ? { id } : {}) });
      const before = dumpDatabase(g.services);
      const prefsBefore = JSON.stringify(g.services.settings.get());
      for (const [what, input] of variants) {
        const result = await g.services.router.handle(channel, TRUSTED_SENDER, input);
        expect({ what, result }).toEqual({ what, result: { ok: false, error: { code: 'INVALID_INPUT', message: expect.any(String) } } });
        if (!result.ok) expect(result.error.message.length).toBeLessThan(1000);
      }
      expect(dumpDatabase(g.services)).toEqual(before);
      expect(JSON.stringify(g.services.settings.get())).toBe(prefsBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('unknown channels are refused', async () => {
    for (const channel of ['connections:drop', '__proto__', 'constructor', '', 'vault:exportKey']) {
      expect(await g.services.router.handle(channel, TRUSTED_SENDER, {})).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'Unknown request.' } });
    }
  });

  it('every channel refuses untrusted senders before reading input (FORBIDDEN)', async () => {
    const before = dumpDatabase(g.services);
    for (const channel of CHANNEL_NAMES) {
      const input = validInputs(id)[channel];
      for (const sender of [
        { url: 'https://evil.example/', isMainFrame: true },
        { url: TRUSTED_SENDER.url, isMainFrame: false },
      ]) {
        expect(await g.services.router.handle(channel, sender, input)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
    }
    expect(dumpDatabase(g.services)).toEqual(before);
  });

  it('the valid samples are accepted, so the refusals above are about the mutations', async () => {
    for (const channel of CHANNEL_NAMES) {
      const result = await g.services.router.handle(channel, TRUSTED_SENDER, validInputs('f'.repeat(32))[channel]);
      if (!result.ok) expect({ channel, code: result.error.code }).not.toEqual({ channel, code: 'INVALID_INPUT' });
    }
  });
});

import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { buildApi } from '../../src/preload/api';
import { exposeApi } from '../../src/preload/expose';
import { CHANNEL_NAMES, EVENT_NAMES } from '../../src/shared/channels';
import { contract, events } from '../../src/shared/contract';

function fakeTransport() {
  let sink: ((event: string, payload: unknown) => void) | null = null;
  const invoke = vi.fn(async () => ({ ok: true, value: null }));
  return { invoke, onEvent: (s: typeof sink) => (sink = s), push: (e: string, p: unknown) => sink!(e, p) };
}

describe('preload surface (properties 2, 3, 4)', () => {
  it('the contract defines exactly the channel and event names', () => {
    expect(Object.keys(contract).sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('exposes one function per channel, grouped by namespace, plus on(); nothing else', () => {
    const api = buildApi(fakeTransport()) as unknown as Record<string, Record<string, unknown>>;
    const exposed: string[] = [];
    for (const [ns, value] of Object.entries(api)) {
      if (ns === 'on') {
        expect(typeof value).toBe('function');
        continue;
      }
      for (const [method, fn] of Object.entries(value)) {
        expect(typeof fn).toBe('function');
        exposed.push(`${ns}:${method}`);
      }
    }
    expect(exposed.sort()).toEqual([...CHANNEL_NAMES].sort());
    for (const forbidden of ['ipcRenderer', 'process', 'env', 'require', 'invoke', 'send']) expect(api).not.toHaveProperty(forbidden);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.connections)).toBe(true);
  });

  it('calls go to their own channel with the input', async () => {
    const transport = fakeTransport();
    const api = buildApi(transport);
    await api.connections.get({ id: 'a'.repeat(32) });
    await api.vault.status();
    expect(transport.invoke.mock.calls).toEqual([
      ['connections:get', { id: 'a'.repeat(32) }],
      ['vault:status', {}],
    ]);
  });

  it('event listeners receive the payload only, and can unsubscribe', () => {
    const transport = fakeTransport();
    const api = buildApi(transport);
    const listener = vi.fn();
    const off = api.on('vault:changed', listener);
    transport.push('vault:changed', { state: 'ready' });
    transport.push('settings:changed', { theme: 'dark' });
    expect(listener.mock.calls).toEqual([[{ state: 'ready' }]]);
    off();
    transport.push('vault:changed', { state: 'locked' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(() => api.on('nope' as never, listener)).toThrow(/Unknown event/);
  });

  it('exposes nothing unless sandboxed and context-isolated', () => {
    const api = buildApi(fakeTransport());
    for (const [contextIsolated, sandboxed, expected] of [
      [true, true, true],
      [false, true, false],
      [true, false, false],
      [false, false, false],
    ] as const) {
      const contextBridge = { exposeInMainWorld: vi.fn() };
      const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      expect(exposeApi({ contextBridge, contextIsolated, sandboxed, globalName: 'brokerVault', api })).toBe(expected);
      expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(expected ? 1 : 0);
      if (expected) expect(contextBridge.exposeInMainWorld).toHaveBeenCalledWith('brokerVault', api);
      error.mockRestore();
    }
  });

  it('the built preload is one CommonJS file that requires nothing but electron', () => {
    const built = new URL('../../out/preload/index.cjs', import.meta.url);
    expect(fs.existsSync(built), 'run `npm run build` first (npm test does)').toBe(true);
    const code = fs.readFileSync(built, 'utf8');
    const requires = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(requires)]).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/ZodError|\$ZodType|require\("zod"\)/);
  });
});

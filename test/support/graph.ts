import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChannelName, EventName } from '../../src/shared/channels';
import type { ChannelInput, ChannelOutput } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { createServices, type AppServices, type ServiceDeps } from '../../src/main/composition';
import { ManualClock } from '../../src/main/clock';
import { MemoryKeyStore, type KeyStore } from '../../src/main/vault/keystore';
import { confPreferences } from '../../src/main/preferences-conf';
import { APP_ORIGIN } from '../../src/main/security/sender';
import type { BrokerAdapter } from '../../src/main/brokers/types';
import { fakeAdapter } from './fake-broker';

/** Cheap scrypt for tests; the app uses STRONG_SCRYPT. */
export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

export const TRUSTED_SENDER = { url: `${APP_ORIGIN.protocol}//${APP_ORIGIN.host}/index.html`, isMainFrame: true };

export interface TestGraph {
  services: AppServices;
  dataDir: string;
  clock: ManualClock;
  keyStore: KeyStore;
  logLines: string[];
  events: { event: EventName; payload: unknown }[];
  call<C extends ChannelName>(channel: C, input?: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
  /** Call and return the value, failing the test with the error when the call fails. */
  ok<C extends ChannelName>(channel: C, input?: ChannelInput<C>): Promise<ChannelOutput<C>>;
  reopen(): Promise<TestGraph>;
  close(): void;
}

export function tempDir(prefix = 'bv-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The real service graph on a fresh data directory, with an in-memory keychain and a manual clock. */
export async function makeGraph(
  options: { dataDir?: string; keyStore?: KeyStore; clock?: ManualClock; brokers?: readonly BrokerAdapter[] } & Partial<ServiceDeps> = {},
): Promise<TestGraph> {
  const dataDir = options.dataDir ?? tempDir();
  const clock = options.clock ?? new ManualClock();
  const keyStore = options.keyStore ?? new MemoryKeyStore();
  const logLines: string[] = [];
  const brokers = options.brokers ?? [fakeAdapter('alpaca'), fakeAdapter('angel-one', { region: 'IN', currency: 'INR' })];
  const services = await createServices({
    scrypt: TEST_SCRYPT,
    oauthPort: 0,
    logSink: { write: (line) => logLines.push(line) },
    preferences: confPreferences(dataDir),
    ...options,
    dataDir,
    clock,
    keyStore,
    brokers,
  });
  const events: TestGraph['events'] = [];
  services.events.subscribe((event, payload) => events.push({ event, payload }));
  const call = <C extends ChannelName>(channel: C, input?: ChannelInput<C>) =>
    services.router.handle(channel, TRUSTED_SENDER, input ?? {}) as Promise<Result<ChannelOutput<C>>>;
  const graph: TestGraph = {
    services,
    dataDir,
    clock,
    keyStore,
    logLines,
    events,
    call,
    async ok(channel, input) {
      const result = await call(channel, input);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
    async reopen() {
      services.close();
      return makeGraph({ ...options, dataDir, clock, keyStore, brokers });
    },
    close: () => services.close(),
  };
  return graph;
}

/** Every row of every table, for "nothing changed" assertions. */
export function dumpDatabase(services: AppServices): Record<string, unknown[]> {
  const tables = services.db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all();
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) out[name] = services.db.prepare(`SELECT * FROM "${name}"`).all();
  return out;
}

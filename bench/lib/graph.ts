import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChannelName } from '../../src/shared/channels';
import type { ChannelInput, ChannelOutput } from '../../src/shared/contract';
import { createServices, type AppServices, type ServiceDeps } from '../../src/main/composition';
import { confPreferences } from '../../src/main/preferences-conf';
import { APP_ORIGIN } from '../../src/main/security/sender';
import { MemoryKeyStore } from '../../src/main/vault/keystore';

/** The sender the Electron shell reports for the app's own main frame: what the router trusts. */
export const TRUSTED_SENDER = { url: `${APP_ORIGIN.protocol}//${APP_ORIGIN.host}/index.html`, isMainFrame: true };

export function benchTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bv-bench-${prefix}-`));
}

export interface BenchGraph {
  services: AppServices;
  dataDir: string;
  /** A router call through the IPC boundary; throws when it fails. */
  ok<C extends ChannelName>(channel: C, input?: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** Close the services; the data directory is removed unless `keep`. */
  close(keep?: boolean): void;
}

/**
 * The real service graph (createServices) on a throwaway data directory with the in-memory key store,
 * the real system clock and scheduler, and a log sink that drops lines. Background work (start()) is
 * not started, so no health check or order refresh runs behind a measurement.
 */
export async function benchGraph(options: Partial<ServiceDeps> & { dataDir?: string } = {}): Promise<BenchGraph> {
  const dataDir = options.dataDir ?? benchTempDir('graph');
  const services = await createServices({
    keyStore: new MemoryKeyStore(),
    preferences: confPreferences(dataDir),
    logSink: { write: () => undefined },
    oauthPort: 0,
    ...options,
    dataDir,
  });
  return {
    services,
    dataDir,
    async ok(channel, input) {
      const result = await services.router.handle(channel, TRUSTED_SENDER, input ?? {});
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
      return result.value as ChannelOutput<typeof channel>;
    },
    close(keep = false) {
      services.close();
      if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

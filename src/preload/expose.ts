import type { BrokerVaultApi } from '../shared/api';

interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: unknown): void;
}

export interface ExposeOptions {
  contextBridge: ContextBridgeLike;
  contextIsolated: boolean;
  sandboxed: boolean;
  globalName: string;
  api: BrokerVaultApi;
}

/**
 * SECURITY: the API is exposed only into an isolated, sandboxed renderer. Without isolation,
 * exposing anything would hand the page the preload's own privileges, so we expose nothing.
 */
export function exposeApi(options: ExposeOptions): boolean {
  if (!options.contextIsolated || !options.sandboxed) {
    console.error('BrokerVault: refusing to expose the API to a renderer without contextIsolation and sandbox');
    return false;
  }
  options.contextBridge.exposeInMainWorld(options.globalName, options.api);
  return true;
}

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication } from '@playwright/test';

export interface LaunchedApp {
  app: ElectronApplication;
  userData: string;
  keychainService: string;
  /** Quit the app, then remove its profile folder and its keychain records. */
  close(): Promise<void>;
}

/**
 * Starts the built app (out/main) with a profile of its own: a fresh user-data folder and a keychain
 * service name that only this run uses (honoured by unpackaged builds only), so a developer's own
 * BrokerVault profile and master key are never touched. Chromium's sandbox cannot start as root, so
 * --no-sandbox is passed only then.
 */
export async function launchApp(executablePath: string): Promise<LaunchedApp> {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-electron-'));
  const keychainService = `BrokerVault e2e ${randomUUID()}`;
  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const args = ['.', `--user-data-dir=${userData}`, ...(runningAsRoot ? ['--no-sandbox'] : [])];
  const app = await electron.launch({
    executablePath,
    args,
    env: { ...process.env, NODE_ENV: 'production', BROKERVAULT_KEYCHAIN_SERVICE: keychainService },
  });
  return {
    app,
    userData,
    keychainService,
    async close() {
      await app.close().catch(() => undefined);
      fs.rmSync(userData, { recursive: true, force: true });
      await forgetKeychainService(keychainService);
    },
  };
}

/** Deletes every record the run left under its own keychain service; no keychain is fine. */
async function forgetKeychainService(service: string): Promise<void> {
  try {
    const keytar = createRequire(import.meta.url)('keytar') as typeof import('keytar');
    for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
  } catch {
    // No keychain reachable from the test process: the app could not have stored anything in it either.
  }
}

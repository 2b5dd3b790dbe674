import { createRequire } from 'node:module';
import type { MasterKey } from './crypto';
import { KeyStoreUnavailableError, parseKeys, serializeKeys, type KeyStore } from './keystore';

type Keytar = typeof import('keytar');

const SERVICE = 'BrokerVault';

/** How long one keychain call may take before the keychain counts as unavailable (a hung Secret Service). */
export const KEYCHAIN_TIMEOUT_MS = 10_000;

export interface KeytarOptions {
  timeoutMs?: number;
  loadKeytar?: () => Keytar;
}

function withTimeout<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`keychain call took longer than ${ms} ms`)), ms);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Master-key records in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on
 * Linux) through keytar, one account per record under `service`. Any keychain failure, and any call that
 * hangs past the timeout, surfaces as KeyStoreUnavailableError: never a fallback, never a hung start-up.
 */
export class KeytarKeyStore implements KeyStore {
  readonly name: string;
  private readonly timeoutMs: number;
  private readonly loadKeytar: () => Keytar;

  /** `service` is the keychain service name; tests and the bridge pass their own so they never touch the app's records. */
  constructor(
    private readonly service: string = SERVICE,
    options: KeytarOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
    this.loadKeytar = options.loadKeytar ?? (() => createRequire(import.meta.url)('keytar') as Keytar);
    this.name =
      process.platform === 'darwin'
        ? 'macOS Keychain'
        : process.platform === 'win32'
          ? 'Windows Credential Manager'
          : 'Secret Service (GNOME Keyring / KWallet)';
  }

  private async call<T>(fn: (keytar: Keytar) => Promise<T>): Promise<T> {
    try {
      return await withTimeout(
        Promise.resolve().then(() => fn(this.loadKeytar())),
        this.timeoutMs,
      );
    } catch (error) {
      throw new KeyStoreUnavailableError(error);
    }
  }

  async available(): Promise<boolean> {
    try {
      await this.call((k) => k.findCredentials(this.service));
      return true;
    } catch {
      return false;
    }
  }

  async load(account: string): Promise<MasterKey[] | null> {
    const text = await this.call((k) => k.getPassword(this.service, account));
    return text ? parseKeys(text) : null;
  }

  async save(account: string, keys: MasterKey[]): Promise<void> {
    await this.call((k) => k.setPassword(this.service, account, serializeKeys(keys)));
  }

  async clear(account: string): Promise<void> {
    await this.call((k) => k.deletePassword(this.service, account));
  }
}

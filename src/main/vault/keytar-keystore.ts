import { createRequire } from 'node:module';
import type { MasterKey } from './crypto';
import { KeyStoreUnavailableError, parseKeys, serializeKeys, type KeyStore } from './keystore';

type Keytar = typeof import('keytar');

const SERVICE = 'BrokerVault';
const ACCOUNT = 'master-key';

/**
 * The master key in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on
 * Linux) through keytar. Any keychain failure surfaces as KeyStoreUnavailableError, never a fallback.
 */
export class KeytarKeyStore implements KeyStore {
  readonly name: string;
  constructor(
    private readonly service: string = SERVICE,
    private readonly account: string = ACCOUNT,
    private readonly loadKeytar: () => Keytar = () => createRequire(import.meta.url)('keytar') as Keytar,
  ) {
    this.name =
      process.platform === 'darwin'
        ? 'macOS Keychain'
        : process.platform === 'win32'
          ? 'Windows Credential Manager'
          : 'Secret Service (GNOME Keyring / KWallet)';
  }

  private async call<T>(fn: (keytar: Keytar) => Promise<T>): Promise<T> {
    try {
      return await fn(this.loadKeytar());
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

  async load(): Promise<MasterKey[] | null> {
    const text = await this.call((k) => k.getPassword(this.service, this.account));
    return text ? parseKeys(text) : null;
  }

  async save(keys: MasterKey[]): Promise<void> {
    await this.call((k) => k.setPassword(this.service, this.account, serializeKeys(keys)));
  }

  async clear(): Promise<void> {
    await this.call((k) => k.deletePassword(this.service, this.account));
  }
}

import path from 'node:path';

/** Shared by the key crash test and its child process. */
export type KeyCrashScenario = 'first-key' | 'rotate' | 'passphrase-setup' | 'passphrase-first' | 'passphrase-rotate';

export const KEY_CRASH_PASSPHRASE = 'correct horse battery staple';
export const KEY_CRASH_FIELDS = { api_key: 'AKKILLED00000001', api_secret: 'killed-create-secret' };

export function keyCrashStore(dataDir: string): string {
  return path.join(dataDir, 'test-key.json');
}

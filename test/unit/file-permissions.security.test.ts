import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKeyStore } from '../../src/main/vault/keystore';
import { makeGraph, tempDir, type TestGraph } from '../support/graph';
import { fileSink } from '../../src/main/log/logger';

let g: TestGraph;
afterEach(() => g?.close());

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe.skipIf(process.platform === 'win32')('files are private to the user (POSIX)', () => {
  it('database, WAL, SHM, key file, log, preferences and audit anchor are 0600; the data directory 0700', async () => {
    const previous = process.umask(0o022);
    try {
      const dataDir = path.join(tempDir(), 'profile');
      g = await makeGraph({ dataDir, keyStore: new MemoryKeyStore(true), logSink: fileSink(dataDir) });
      await g.ok('vault:setupPassphrase', { passphrase: 'correct horse battery staple' });
      await g.ok('connections:create', {
        broker: 'alpaca',
        label: 'A',
        environment: 'live',
        fields: { api_key: 'AKTESTKEY123456', api_secret: 'x'.repeat(16) },
      });
      await g.ok('settings:set', { theme: 'dark' });
      g.services.log.info('hello');
      await g.ok('audit:verify'); // writes the audit seal
      expect(mode(dataDir)).toBe(0o700);
      for (const name of [
        'brokervault.sqlite',
        'brokervault.sqlite-wal',
        'brokervault.sqlite-shm',
        'vault.key',
        'logs/main.log',
        'preferences.json',
        'audit-anchor.json',
      ]) {
        expect({ name, mode: mode(path.join(dataDir, name)).toString(8) }).toEqual({ name, mode: '600' });
      }
    } finally {
      process.umask(previous);
    }
  });
});

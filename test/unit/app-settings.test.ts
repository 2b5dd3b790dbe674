import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppSettings } from '../../src/main/store/app-settings';
import { openDatabase, type Db } from '../../src/main/store/db';
import { tempDir } from '../support/graph';

let db: Db | null = null;
afterEach(() => {
  db?.close();
  db = null;
});

function settings(): AppSettings {
  db = openDatabase(tempDir('bv-settings-'));
  return new AppSettings(db);
}

describe('internal settings are read through schemas', () => {
  it('returns a stored value that fits its schema, and null when none is stored', () => {
    const s = settings();
    expect(s.get('trading.liveLocked', z.boolean())).toBeNull();
    s.set('trading.liveLocked', true);
    expect(s.get('trading.liveLocked', z.boolean())).toBe(true);
  });

  it('refuses a stored value of the wrong shape with an error that names the setting, not its value', () => {
    const s = settings();
    s.set('trading.mode', { mode: 'sideways', connectionId: 'secret-ish-value' });
    const read = () => s.get('trading.mode', z.strictObject({ mode: z.enum(['paper', 'live']), connectionId: z.string().nullable() }));
    expect(read).toThrow('BrokerVault\'s stored setting "trading.mode" is damaged');
    expect(read).not.toThrow(/secret-ish-value|sideways/);
  });

  it('refuses a stored value that is not JSON', () => {
    const s = settings();
    db!.prepare("INSERT INTO settings (key, value) VALUES ('vault.keyId', '{not json')").run();
    expect(() => s.get('vault.keyId', z.string())).toThrow(/"vault\.keyId" is damaged/);
  });
});

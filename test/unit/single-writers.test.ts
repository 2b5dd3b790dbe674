import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Some state is read on every request and kept in memory between writes: the order journal's lists (OrdersRepo),
 * the paper trade book (PaperStore's orders version), the API keys' version (ApiKeyStore) and the kill switch's API
 * halt (LocalApiService). Each is correct only while its
 * owner is the one writer, so a write from anywhere else fails here.
 */
const SRC = path.resolve(__dirname, '../../src');

const sqlWrite = (table: string) =>
  new RegExp(`\\b(INSERT(\\s+OR\\s+\\w+)?\\s+INTO|REPLACE\\s+INTO|UPDATE(\\s+OR\\s+\\w+)?|DELETE\\s+FROM)\\s+["\`]?${table}\\b`, 'i');

const OWNED = [
  { what: 'the order journal', write: sqlWrite('order_journal'), owners: ['main/store/orders-repo.ts', 'main/store/migrations.ts'] },
  { what: 'the API keys', write: sqlWrite('api_keys'), owners: ['main/local-api/keys.ts', 'main/store/migrations.ts'] },
  {
    what: 'the paper orders',
    write: sqlWrite('paper_orders'),
    owners: ['main/store/paper-store.ts', 'main/store/paper-schema.ts', 'main/store/migrations.ts'],
  },
  { what: 'the API halt setting', write: /['"`]localApi\.tradingHalted['"`]/, owners: ['main/local-api/service.ts'] },
];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(e.name) ? [full] : [];
  });
}

/** `what: file` for each file, relative to src/, that writes owned state it does not own. */
function trespassers(files: { name: string; text: string }[]): string[] {
  return OWNED.flatMap((o) => files.filter((f) => !o.owners.includes(f.name) && o.write.test(f.text)).map((f) => `${o.what}: ${f.name}`));
}

describe('state kept in memory has one writer', () => {
  it('is written only by its owner', () => {
    const files = sources(SRC).map((file) => ({ name: path.relative(SRC, file).split(path.sep).join('/'), text: fs.readFileSync(file, 'utf8') }));
    for (const o of OWNED)
      expect(
        files.some((f) => f.name === o.owners[0] && o.write.test(f.text)),
        o.what,
      ).toBe(true);
    expect(trespassers(files)).toEqual([]);
  });

  it('catches each kind of write elsewhere', () => {
    const elsewhere = (text: string) => trespassers([{ name: 'main/trading/elsewhere.ts', text }]);
    for (const text of [
      "db.prepare('UPDATE order_journal SET state = ?')",
      'INSERT INTO order_journal (id) VALUES (?)',
      'insert or replace into order_journal (id) values (?)',
      'DELETE FROM "order_journal" WHERE id = ?',
      'REPLACE INTO order_journal VALUES (?)',
    ])
      expect(elsewhere(text), text).toEqual(['the order journal: main/trading/elsewhere.ts']);
    expect(elsewhere('UPDATE api_keys SET revoked_at = ? WHERE id = ?')).toEqual(['the API keys: main/trading/elsewhere.ts']);
    expect(elsewhere("settings.set('localApi.tradingHalted', false)")).toEqual(['the API halt setting: main/trading/elsewhere.ts']);
    expect(elsewhere('SELECT * FROM order_journal; SELECT * FROM api_keys')).toEqual([]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RECOVERY_CHANNEL_NAMES, CHANNEL_NAMES, type ChannelName } from '../../src/shared/channels';
import type { ChannelOutput } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { ManualClock } from '../../src/main/clock';
import { createServices, type ServiceDeps } from '../../src/main/composition';
import { createLogger } from '../../src/main/log/logger';
import { SecretRegistry } from '../../src/main/log/redact';
import { confPreferences } from '../../src/main/preferences-conf';
import { ServiceHost } from '../../src/main/service-host';
import { backupDir, listBackups } from '../../src/main/store/backups';
import { DB_FILE, openDatabase } from '../../src/main/store/db';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/main/store/migrations';
import { MemoryKeyStore, type KeyStore } from '../../src/main/vault/keystore';
import { invalidVariants, validInputs } from '../support/channel-samples';
import { fakeAdapter } from '../support/fake-broker';
import { TEST_SCRYPT, TRUSTED_SENDER, tempDir } from '../support/graph';

/**
 * Issue 11 item 10 ("nothing lost"): a database that cannot be opened gives a state the UI can show, and each
 * recovery action keeps the damaged file; a restored backup decrypts. Driven through the real service graph
 * behind the ServiceHost the shell and the bridge use, with the memory key store.
 */
const dirs: string[] = [];
const hosts: ServiceHost[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = tempDir('bv-recovery-');
  dirs.push(dir);
  return dir;
}

interface Harness {
  host: ServiceHost;
  clock: ManualClock;
  quits: number[];
  opened: number[];
  call<C extends ChannelName>(channel: C, input?: unknown): Promise<Result<ChannelOutput<C>>>;
  ok<C extends ChannelName>(channel: C, input?: unknown): Promise<ChannelOutput<C>>;
}

function harness(dir: string, options: { keyStore?: KeyStore; clock?: ManualClock } & Partial<ServiceDeps> = {}): Harness {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 11, 7, 2, 0, 0));
  const keyStore = options.keyStore ?? new MemoryKeyStore();
  const log = createLogger({ write: () => undefined }, new SecretRegistry(), clock);
  const quits: number[] = [];
  const opened: number[] = [];
  const host = new ServiceHost({
    dataDir: dir,
    clock,
    log,
    logFile: path.join(dir, 'logs', 'main.log'),
    trustedOrigin: { protocol: 'app:', host: 'bundle' },
    quit: () => quits.push(1),
    open: (store) =>
      createServices({
        scrypt: TEST_SCRYPT,
        oauthPort: 0,
        logSink: { write: () => undefined },
        preferences: confPreferences(dir),
        brokers: [fakeAdapter('alpaca')],
        ...options,
        dataDir: dir,
        clock,
        keyStore,
        store,
      }),
  });
  host.onOpen(() => opened.push(1));
  hosts.push(host);
  const call = <C extends ChannelName>(channel: C, input?: unknown) =>
    host.router.handle(channel, TRUSTED_SENDER, input ?? {}) as Promise<Result<ChannelOutput<C>>>;
  return {
    host,
    clock,
    quits,
    opened,
    call,
    async ok(channel, input) {
      const result = await call(channel, input);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
  };
}

function healthyDatabaseWithData(dir: string): void {
  const db = openDatabase(dir);
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('probe', 'precious');
  db.close();
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile()) out[name] = fs.readFileSync(file).toString('base64');
  }
  return out;
}

const damagedCases: [string, (dir: string) => Pick<ServiceDeps, 'migrations'>, string][] = [
  [
    'garbage',
    (dir) => {
      fs.writeFileSync(path.join(dir, DB_FILE), 'a note the trader saved over the database\n'.repeat(200));
      return {};
    },
    'damaged-file',
  ],
  [
    'truncated',
    (dir) => {
      healthyDatabaseWithData(dir);
      const file = path.join(dir, DB_FILE);
      fs.truncateSync(file, 60);
      return {};
    },
    'damaged-file',
  ],
  [
    'garbage pages behind a healthy header',
    (dir) => {
      healthyDatabaseWithData(dir);
      const file = path.join(dir, DB_FILE);
      const bytes = fs.readFileSync(file);
      bytes.fill(0xa5, 100);
      fs.writeFileSync(file, bytes);
      return {};
    },
    'damaged-file',
  ],
  [
    'a failed migration',
    (dir) => {
      healthyDatabaseWithData(dir);
      return { migrations: [...MIGRATIONS, 'CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);'] };
    },
    'migration-failed',
  ],
  [
    'a newer version',
    (dir) => {
      const db = new Database(path.join(dir, DB_FILE));
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE future (id INTEGER PRIMARY KEY)');
      db.pragma('user_version = 999');
      db.close();
      return {};
    },
    'newer-version',
  ],
];

describe('a database that cannot be opened gives a typed "store damaged" state', () => {
  for (const [what, make, problem] of damagedCases) {
    it(`${what}: state ${problem} with the file and log paths; only the store:* channels answer; nothing else written`, async () => {
      const dir = dataDir();
      const deps = make(dir);
      const h = harness(dir, deps);
      const before = snapshot(dir);
      expect(await h.host.start()).toBe('damaged');

      const status = await h.ok('store:status');
      expect(status).toMatchObject({ state: 'damaged', problem, file: path.join(dir, DB_FILE), logFile: path.join(dir, 'logs', 'main.log') });
      expect(status.state === 'damaged' && status.message).toMatch(/BrokerVault/);
      for (const channel of CHANNEL_NAMES.filter((c) => !(RECOVERY_CHANNEL_NAMES as readonly string[]).includes(c))) {
        const result = await h.call(channel, validInputs('a'.repeat(32))[channel]);
        expect({ channel, result }).toMatchObject({ channel, result: { ok: false, error: { code: expect.stringMatching(/^(CONFLICT|INVALID_INPUT)$/) } } });
      }
      expect(await h.call('app:info')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(h.opened).toEqual([]);
      // The failed migration leaves its pre-migration backup; nothing else is new and the database is byte-identical.
      // (preferences.json is this harness's own; the shell opens preferences only once the store is open: electron-shell.test.ts.)
      const after = snapshot(dir);
      const added = Object.keys(after).filter((name) => !(name in before) && name !== 'preferences.json');
      expect(added.every((name) => name.startsWith(`backups${path.sep}brokervault-pre-migration-`))).toBe(true);
      expect(added.length).toBe(problem === 'migration-failed' ? 1 : 0);
      for (const name of Object.keys(before)) expect(after[name], name).toBe(before[name]);
    });
  }

  it('the recovery router parses every input strictly: malformed input is INVALID_INPUT and changes nothing', async () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, DB_FILE), 'garbage'.repeat(100));
    const h = harness(dir);
    await h.host.start();
    const before = snapshot(dir);
    for (const channel of RECOVERY_CHANNEL_NAMES) {
      for (const [what, input] of invalidVariants(validInputs('a'.repeat(32))[channel] as Record<string, unknown>)) {
        expect({ channel, what, result: await h.host.router.handle(channel, TRUSTED_SENDER, input) }).toMatchObject({
          channel,
          what,
          result: { ok: false, error: { code: 'INVALID_INPUT' } },
        });
      }
    }
    expect(snapshot(dir)).toEqual(before);
    expect(h.quits).toEqual([]);
  });

  it('an untrusted sender is refused by the recovery router too', async () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, DB_FILE), 'garbage'.repeat(100));
    const h = harness(dir);
    await h.host.start();
    expect(await h.host.router.handle('store:moveAside', { url: 'https://evil.example/', isMainFrame: true }, {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(fs.readFileSync(path.join(dir, DB_FILE), 'utf8')).toBe('garbage'.repeat(100));
  });
});

describe('the recovery actions keep the damaged file', () => {
  it('move aside: the file and its -wal/-shm are renamed, byte-identical, and the app opens on a fresh database', async () => {
    const dir = dataDir();
    const file = path.join(dir, DB_FILE);
    fs.writeFileSync(file, 'garbage '.repeat(500));
    fs.writeFileSync(`${file}-wal`, 'wal bytes');
    fs.writeFileSync(`${file}-shm`, 'shm bytes');
    const before = [fs.readFileSync(file), fs.readFileSync(`${file}-wal`), fs.readFileSync(`${file}-shm`)];
    const h = harness(dir);
    await h.host.start();

    const result = await h.ok('store:moveAside');
    expect(result.setAside).toBe(path.join(dir, `${DB_FILE}.damaged-20261207T020000000Z`));
    expect(result.status).toEqual({ state: 'open' });
    expect([fs.readFileSync(result.setAside!), fs.readFileSync(`${result.setAside}-wal`), fs.readFileSync(`${result.setAside}-shm`)]).toEqual(before);
    expect(h.opened).toEqual([1]);
    expect(await h.ok('app:info')).toMatchObject({ name: 'BrokerVault' });
    expect(await h.ok('connections:list')).toEqual([]);
    // A second action has nothing to recover.
    expect(await h.call('store:moveAside')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('move aside is not read as a wiped audit trail: the fresh database verifies, the old seal is kept beside the old file', async () => {
    const dir = dataDir();
    const first = harness(dir);
    await first.host.start();
    await first.ok('connections:create', {
      broker: 'alpaca',
      label: 'Saved',
      environment: 'sandbox',
      fields: { api_key: 'AKMOVE000001', api_secret: 'move-secret-0001' },
    });
    expect(await first.ok('audit:verify')).toMatchObject({ ok: true });
    await first.host.close();
    const file = path.join(dir, DB_FILE);
    fs.writeFileSync(file, 'garbage '.repeat(500));
    const h = harness(dir);
    expect(await h.host.start()).toBe('damaged');
    const result = await h.ok('store:moveAside');
    expect(await h.ok('audit:verify')).toMatchObject({ ok: true });
    expect(fs.existsSync(`${result.setAside}.audit-anchor.json`)).toBe(true);
  });

  it('restore a backup from the recovery screen: the damaged file is kept, the backup (left in place) is opened', async () => {
    const dir = dataDir();
    const first = harness(dir);
    await first.host.start();
    const created = await first.ok('connections:create', {
      broker: 'alpaca',
      label: 'Saved',
      environment: 'sandbox',
      fields: { api_key: 'AKBACKUP0001', api_secret: 'backup-secret-0001' },
    });
    const backup = await first.ok('backups:create');
    first.host.close();

    const file = path.join(dir, DB_FILE);
    fs.writeFileSync(file, 'garbage '.repeat(500));
    const damagedBytes = fs.readFileSync(file);
    const backupBytes = fs.readFileSync(path.join(backupDir(dir), backup.id));
    const h = harness(dir);
    await h.host.start();
    const status = await h.ok('store:status');
    expect(status.state === 'damaged' && status.backups.map((b) => b.id)).toEqual([backup.id]);

    const result = await h.ok('store:restore', { id: backup.id });
    expect(result.status).toEqual({ state: 'open' });
    expect(fs.readFileSync(result.setAside!).equals(damagedBytes)).toBe(true);
    expect(fs.readFileSync(path.join(backupDir(dir), backup.id)).equals(backupBytes)).toBe(true);
    expect((await h.ok('connections:list')).map((c) => c.id)).toEqual([created.id]);
  });

  it('restore refuses an id that is not a listed backup, and a backup that fails its check; nothing changes', async () => {
    const dir = dataDir();
    healthyDatabaseWithData(dir);
    const source = new Database(path.join(dir, DB_FILE));
    fs.mkdirSync(backupDir(dir), { mode: 0o700 });
    const id = `brokervault-manual-20261201T000000000Z-v${SCHEMA_VERSION}.sqlite`;
    await source.backup(path.join(backupDir(dir), id));
    source.close();
    // As BrokerVault writes its backups: rollback-journal mode, so reading one read-only adds nothing beside it.
    const asWritten = new Database(path.join(backupDir(dir), id));
    asWritten.pragma('journal_mode = DELETE');
    asWritten.close();
    const bad = fs.readFileSync(path.join(backupDir(dir), id));
    bad.fill(0xa5, 100);
    fs.writeFileSync(path.join(backupDir(dir), id), bad);
    fs.writeFileSync(path.join(dir, DB_FILE), 'garbage '.repeat(500));
    const h = harness(dir);
    await h.host.start();
    const before = snapshot(dir);

    expect(await h.call('store:restore', { id: '../brokervault.sqlite' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await h.call('store:restore', { id: id.replace('20261201', '20261202') })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/does not exist/) },
    });
    expect(await h.call('store:restore', { id })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/damaged/) } });
    expect(snapshot(dir)).toEqual(before);
    expect((await h.ok('store:status')).state).toBe('damaged');
  });

  it('quit: answers, then asks the shell to end with a non-zero code; the file stays as it was', async () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, DB_FILE), 'garbage '.repeat(500));
    const h = harness(dir);
    await h.host.start();
    const before = snapshot(dir);
    expect(await h.ok('store:quit')).toEqual({ quitting: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.quits).toEqual([1]);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('Settings → Restore through the real service graph (memory key store)', () => {
  async function savedThenBackedUp() {
    const dir = dataDir();
    const keyStore = new MemoryKeyStore();
    const h = harness(dir, { keyStore });
    expect(await h.host.start()).toBe('open');
    const saved = await h.ok('connections:create', {
      broker: 'alpaca',
      label: 'Before backup',
      environment: 'sandbox',
      fields: { api_key: 'AKBEFORE0001', api_secret: 'before-secret-0001' },
    });
    h.clock.advance(60_000);
    const backup = await h.ok('backups:create');
    h.clock.advance(60_000);
    return { dir, keyStore, h, saved, backup };
  }

  it('lists the backup with date, size and schema version; restoring sets the current database aside and credentials saved before the backup decrypt', async () => {
    const { dir, h, saved, backup } = await savedThenBackedUp();
    expect(await h.ok('backups:list')).toEqual([backup]);
    expect(backup).toMatchObject({ kind: 'manual', createdAt: Date.UTC(2026, 11, 7, 2, 1, 0), schemaVersion: SCHEMA_VERSION });
    expect(backup.sizeBytes).toBeGreaterThan(0);
    // After the backup: the connection is deleted and another is added.
    await h.ok('connections:delete', { id: saved.id });
    const later = await h.ok('connections:create', {
      broker: 'alpaca',
      label: 'After backup',
      environment: 'sandbox',
      fields: { api_key: 'AKAFTER00001', api_secret: 'after-secret-0001' },
    });

    const result = await h.ok('backups:restore', { id: backup.id });
    expect(result.restored).toEqual(backup);
    expect(result.setAside).toBe(path.join(dir, `${DB_FILE}.before-restore-20261207T020200000Z`));
    expect(h.opened).toEqual([1, 1]);
    expect((await h.ok('connections:list')).map((c) => c.label)).toEqual(['Before backup']);
    expect(h.host.services!.connections.credentials(saved.id)).toEqual({ api_key: 'AKBEFORE0001', api_secret: 'before-secret-0001' });
    // The replaced database is kept, and holds the connection added after the backup.
    const kept = new Database(result.setAside!, { readonly: true });
    expect(kept.prepare('SELECT label FROM connections').pluck().all()).toEqual([later.label]);
    kept.close();
  });

  it('a restored backup decrypts after a restart too', async () => {
    const { dir, keyStore, h, saved, backup } = await savedThenBackedUp();
    await h.ok('backups:restore', { id: backup.id });
    h.host.close();
    const again = harness(dir, { keyStore });
    expect(await again.host.start()).toBe('open');
    expect(again.host.services!.connections.credentials(saved.id)).toEqual({ api_key: 'AKBEFORE0001', api_secret: 'before-secret-0001' });
  });

  it('a backup taken before a key rotation still decrypts after the restore (keys are kept under a key id, never replaced)', async () => {
    const { h, saved, backup } = await savedThenBackedUp();
    await h.ok('vault:rotateKey');
    await h.ok('backups:restore', { id: backup.id });
    expect(h.host.services!.connections.credentials(saved.id)).toEqual({ api_key: 'AKBEFORE0001', api_secret: 'before-secret-0001' });
  });

  it('a restore is not read as a cut audit trail: the trail verifies after it, and after a restart', async () => {
    const { dir, keyStore, h, backup } = await savedThenBackedUp();
    // History after the backup, sealed: the restored database is behind this seal.
    await h.ok('connections:create', {
      broker: 'alpaca',
      label: 'After backup',
      environment: 'sandbox',
      fields: { api_key: 'AKAFTER00001', api_secret: 'after-secret-0001' },
    });
    expect(await h.ok('audit:verify')).toMatchObject({ ok: true });
    await h.ok('backups:restore', { id: backup.id });
    expect(await h.ok('audit:verify')).toMatchObject({ ok: true });
    expect(await h.ok('audit:status')).not.toMatchObject({ state: 'broken' });
    await h.host.close();
    const again = harness(dir, { keyStore });
    expect(await again.host.start()).toBe('open');
    expect(await again.ok('audit:verify')).toMatchObject({ ok: true });
  });

  it('a restore asked for while a key rotation runs waits for it: both succeed, and the restored credentials decrypt', async () => {
    const { h, saved, backup } = await savedThenBackedUp();
    const [rotated, restored] = await Promise.all([h.call('vault:rotateKey'), h.call('backups:restore', { id: backup.id })]);
    expect(rotated).toMatchObject({ ok: true });
    expect(restored).toMatchObject({ ok: true });
    expect(h.host.services!.connections.credentials(saved.id)).toEqual({ api_key: 'AKBEFORE0001', api_secret: 'before-secret-0001' });
  });

  it('backups:restore of an unknown backup changes nothing and keeps the graph open', async () => {
    const { h, dir } = await savedThenBackedUp();
    const before = listBackups(dir);
    expect(await h.call('backups:restore', { id: `brokervault-daily-20200101T000000000Z-v${SCHEMA_VERSION}.sqlite` })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(listBackups(dir)).toEqual(before);
    expect(h.opened).toEqual([1]);
    expect(await h.ok('connections:list')).toHaveLength(1);
  });

  it('backups:restore of a backup that fails its check: refused, the current database reopened as it was', async () => {
    const { h, dir, backup } = await savedThenBackedUp();
    const file = path.join(backupDir(dir), backup.id);
    const bytes = fs.readFileSync(file);
    bytes.fill(0xa5, 100);
    fs.writeFileSync(file, bytes);
    expect(await h.call('backups:restore', { id: backup.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/damaged/) },
    });
    expect(fs.readdirSync(dir).filter((name) => name.includes('.before-restore-'))).toEqual([]);
    expect(h.opened).toEqual([1, 1]);
    expect((await h.ok('connections:list')).map((c) => c.label)).toEqual(['Before backup']);
  });

  it('the recovery actions answer CONFLICT while the database is open', async () => {
    const { h } = await savedThenBackedUp();
    expect(await h.ok('store:status')).toEqual({ state: 'open' });
    for (const channel of ['store:moveAside', 'store:quit'] as const) expect(await h.call(channel)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(h.quits).toEqual([]);
  });
});

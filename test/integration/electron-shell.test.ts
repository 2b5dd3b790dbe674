import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { CHANNEL_NAMES, RECOVERY_CHANNEL_NAMES } from '../../src/shared/channels';
import { windowOptions } from '../../src/main/security/window-options';
import { BUILT_MAIN, builtMainExists, ShellRun, type ShellRecord } from '../support/electron-stand-in/run';

/**
 * Issue 10, item 8: the built main process (out/main/index.js) runs under plain Node with a stand-in for the
 * `electron` module (test/support/electron-stand-in), which records what the shell does. No Electron binary
 * is needed; `npm test` builds first (scripts/test.sh).
 */
beforeAll(() => {
  if (!builtMainExists()) throw new Error(`${BUILT_MAIN} is missing: run \`npm run build\` first (npm test does).`);
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-shell-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function profileEnv(userData: string, tmp: string): Record<string, string> {
  return {
    STANDIN_USER_DATA: userData,
    TMPDIR: tmp,
    BROKERVAULT_KEYCHAIN_SERVICE: `BrokerVault-shell-test-${crypto.randomUUID()}`,
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/brokervault-shell-test',
  };
}

/** A throwaway profile: its own user-data folder, temp folder and keychain service; no session bus, so the keychain is unavailable. */
function launch(userData: string, env: Record<string, string> = {}): ShellRun {
  const run = new ShellRun({ ...profileEnv(userData, tempDir()), ...env });
  onTestFinished(() => run.kill());
  return run;
}

async function startHealthy(userData: string, env: Record<string, string> = {}) {
  const run = launch(userData, env);
  await run.until((e) => e.kind === 'loaded', 'the stand-in loaded');
  await run.request('ready');
  await run.until((e) => e.kind === 'load' && e.url === 'app://bundle/index.html', 'the app page loaded');
  return run;
}

function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

function logLines(file: string): { message: string; context?: Record<string, unknown> }[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { message: string; context?: Record<string, unknown> });
}

describe('the Electron shell under a stand-in electron module: one healthy run', () => {
  let userData: string;
  let run: ShellRun;
  beforeAll(async () => {
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-shell-'));
    run = new ShellRun(profileEnv(userData, fs.mkdtempSync(path.join(os.tmpdir(), 'bv-shell-tmp-'))));
    await run.until((e) => e.kind === 'loaded', 'the stand-in loaded');
    await run.request('ready');
    await run.until((e) => e.kind === 'load' && e.url === 'app://bundle/index.html', 'the app page loaded');
  });
  afterAll(() => {
    run?.kill();
    fs.rmSync(userData, { recursive: true, force: true });
  });

  it('a healthy start: progress page first, one secure window, every channel registered before the app page, services started', async () => {
    const record = await run.request<ShellRecord>('snapshot');

    expect(record.schemes).toEqual([{ schemes: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }], beforeReady: true }]);
    expect(record.protocols).toEqual(['app']);
    expect(record.windows).toHaveLength(1);
    const [window] = record.windows;
    const expected = windowOptions({
      preloadPath: path.resolve(path.dirname(BUILT_MAIN), '../preload/index.cjs'),
      isPackaged: false,
      bounds: { width: 1, height: 1 },
    });
    expect(window!.options.webPreferences).toEqual(expected.webPreferences);
    expect(window!.options).toMatchObject({ show: false, width: 1280, height: 820 });
    expect(window!.shown).toBe(true);
    expect(window!.loads).toEqual(['app://bundle/loading.html', 'app://bundle/index.html']);

    // Every contract channel, each once, all registered before the app page loads.
    expect([...record.ipcHandlers].sort()).toEqual([...CHANNEL_NAMES].sort());
    const appPage = record.timeline.findIndex((e) => e.kind === 'load' && e.url === 'app://bundle/index.html');
    const lastHandler = record.timeline.findLastIndex((e) => e.kind === 'ipc-handle');
    expect(lastHandler).toBeLessThan(appPage);
    expect(record.permissionHandlers).toEqual({ request: true, check: true });
    expect(record.errorBoxes).toEqual([]);
    expect(record.appUserModelId).toBeNull(); // Windows only

    // The wiring works end to end: the app page may call, another origin is refused.
    const info = await run.request<{ value: { ok: boolean; value?: { name: string } } }>('invoke', { channel: 'app:info', input: {} });
    expect(info.value).toMatchObject({ ok: true, value: { name: 'BrokerVault' } });
    const forged = await run.request<{ value: { ok: boolean; error?: { code: string } } }>('invoke', {
      channel: 'app:info',
      input: {},
      senderUrl: 'https://evil.example/',
    });
    expect(forged.value).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // The progress page is served from the bundle.
    const loading = await run.request<{ status: number; body: string }>('fetch', { url: 'app://bundle/loading.html' });
    expect(loading.status).toBe(200);
    expect(loading.body).toContain('Opening BrokerVault');
    expect((await run.request<{ status: number }>('fetch', { url: 'app://bundle/../main/index.js' })).status).not.toBe(200);

    const lines = logLines(path.join(userData, 'logs', 'main.log'));
    expect(lines.find((l) => l.message === 'services started')?.context).toEqual({ vault: 'keystore-unavailable' });
  });

  it('the permission policy: clipboard-sanitized-write for the app origin only, everything else denied', async () => {
    const ask = (permission: string, url: string, isMainFrame = true) =>
      run.request<{ request: boolean; check: boolean }>('permission', { permission, url, isMainFrame });
    expect(await ask('clipboard-sanitized-write', 'app://bundle/index.html')).toEqual({ request: true, check: true });
    for (const [permission, url, isMainFrame] of [
      ['clipboard-sanitized-write', 'https://kite.zerodha.com/', true],
      ['clipboard-sanitized-write', 'app://bundle.evil/index.html', true],
      ['clipboard-sanitized-write', 'app://bundle/index.html', false],
      ['clipboard-read', 'app://bundle/index.html', true],
      ['notifications', 'app://bundle/index.html', true],
      ['media', 'app://bundle/index.html', true],
      ['geolocation', 'app://bundle/index.html', true],
    ] as const) {
      expect(await ask(permission, url, isMainFrame), `${permission} from ${url}`).toEqual({ request: false, check: false });
    }
  });

  it('the openExternal policy: new windows are denied; only allowlisted https links reach the system browser; navigation is prevented', async () => {
    const open = (url: string) => run.request<{ action: string; opened: string[] }>('window-open', { url });
    expect(await open('https://kite.zerodha.com/connect/login?v=3')).toEqual({ action: 'deny', opened: ['https://kite.zerodha.com/connect/login?v=3'] });
    for (const url of [
      'http://kite.zerodha.com/',
      'https://zerodha.com.evil.com/',
      'https://user:pw@zerodha.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://example.com/',
    ]) {
      expect(await open(url), url).toEqual({ action: 'deny', opened: [] });
    }
    expect(await run.request('navigate', { url: 'https://zerodha.com/' })).toEqual({ prevented: true });
  });

  it('(last) a second launch focuses the window; quitting (Cmd+Q) closes the services once, closes the database and saves normal bounds', async () => {
    await run.request('second-instance');
    expect((await run.request<ShellRecord>('snapshot')).windows[0]!.focused).toBe(1);

    await run.request('quit');
    const { code, record } = await run.exited;
    expect(code).toBe(0);
    expect(record.exitCalls).toEqual([]);
    expect(logLines(path.join(userData, 'logs', 'main.log')).filter((l) => l.message === 'services closed')).toHaveLength(1);
    // SQLite removes the WAL when the last connection closes cleanly.
    expect(fs.existsSync(path.join(userData, 'brokervault.sqlite-wal'))).toBe(false);
    // The stand-in reports a minimised window's getBounds as −32000: the normal bounds are what is saved.
    const preferences = JSON.parse(fs.readFileSync(path.join(userData, 'preferences.json'), 'utf8')) as { windowBounds: unknown };
    expect(preferences.windowBounds).toEqual({ x: 120, y: 90, width: 1300, height: 850 });
  });
});

describe('the Electron shell under a stand-in electron module: separate launches', () => {
  it('absurd saved bounds (minimised on Windows) fall back to the centred default size; closing the last window quits and closes the services once', async () => {
    const userData = tempDir();
    fs.writeFileSync(path.join(userData, 'preferences.json'), JSON.stringify({ windowBounds: { x: -32000, y: -32000, width: 160, height: 28 } }));
    const run = await startHealthy(userData);
    const options = (await run.request<ShellRecord>('snapshot')).windows[0]!.options;
    expect(options).toMatchObject({ width: 1280, height: 820 });
    expect(options.x).toBeUndefined();
    expect(options.y).toBeUndefined();

    await run.request('close-window');
    const { code } = await run.exited;
    expect(code).toBe(0);
    expect(logLines(path.join(userData, 'logs', 'main.log')).filter((l) => l.message === 'services closed')).toHaveLength(1);
  });

  type Invoked<T> = { value: { ok: true; value: T } | { ok: false; error: { code: string; message: string } } };

  it('a damaged database: the recovery screen (app page, store:* channels only), nothing written; Quit exits 1 with the file untouched', async () => {
    const userData = tempDir();
    const file = path.join(userData, 'brokervault.sqlite');
    fs.writeFileSync(file, Buffer.from('not a database: a spreadsheet saved over it\n'.repeat(100)), { mode: 0o644 });
    const before = { bytes: fs.readFileSync(file), mode: fs.statSync(file).mode, listing: listing(userData) };

    const run = launch(userData);
    await run.until((e) => e.kind === 'loaded', 'the stand-in loaded');
    await run.request('ready');
    await run.until((e) => e.kind === 'load' && e.url === 'app://bundle/index.html', 'the recovery screen loaded');
    const record = await run.request<ShellRecord>('snapshot');
    expect(record.windows).toHaveLength(1);
    expect(record.windows[0]!.loads).toEqual(['app://bundle/loading.html', 'app://bundle/index.html']);
    expect([...record.ipcHandlers].sort()).toEqual([...RECOVERY_CHANNEL_NAMES].sort());
    expect(record.errorBoxes).toEqual([]);

    const logFile = path.join(userData, 'logs', 'main.log');
    const status = await run.request<Invoked<{ state: string; problem: string; file: string; logFile: string; backups: unknown[] }>>('invoke', {
      channel: 'store:status',
      input: {},
    });
    expect(status.value).toMatchObject({ ok: true, value: { state: 'damaged', problem: 'damaged-file', file, logFile, backups: [] } });
    // Only the log folder is new: no preferences, no database files, no backups folder.
    expect(listing(userData).filter((name) => !name.startsWith('logs'))).toEqual(before.listing);

    const quit = await run.request<Invoked<unknown>>('invoke', { channel: 'store:quit', input: {} });
    expect(quit.value).toEqual({ ok: true, value: { quitting: true } });
    const { code, record: last } = await run.exited;
    expect(code).toBe(1);
    expect(last.exitCalls).toEqual([1]);
    expect(logLines(logFile).map((l) => l.message)).toContain('the trader chose to quit from the recovery screen; the database was left as it was');
    expect(fs.readFileSync(file).equals(before.bytes)).toBe(true);
    expect(fs.statSync(file).mode).toBe(before.mode);
    expect(listing(userData).filter((name) => !name.startsWith('logs'))).toEqual(before.listing);
  });

  it('a damaged database: closing the window on the recovery screen exits 1, the file untouched', async () => {
    const userData = tempDir();
    const file = path.join(userData, 'brokervault.sqlite');
    fs.writeFileSync(file, Buffer.from('garbage '.repeat(500)));
    const before = fs.readFileSync(file);
    const run = launch(userData);
    await run.until((e) => e.kind === 'loaded', 'the stand-in loaded');
    await run.request('ready');
    await run.until((e) => e.kind === 'load' && e.url === 'app://bundle/index.html', 'the recovery screen loaded');
    await run.request('close-window');
    const { code, record } = await run.exited;
    expect(code).toBe(1);
    expect(record.exitCalls).toEqual([1]);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(listing(userData).filter((name) => !name.startsWith('logs'))).toEqual(['brokervault.sqlite']);
  });

  it('a database from a newer BrokerVault: recovery screen; Move aside keeps the file byte-identical and the app opens without a relaunch', async () => {
    const userData = tempDir();
    const file = path.join(userData, 'brokervault.sqlite');
    const newer = new Database(file);
    newer.pragma('journal_mode = WAL');
    newer.exec('CREATE TABLE future (id INTEGER PRIMARY KEY)');
    newer.pragma('user_version = 999');
    newer.close();
    const bytes = fs.readFileSync(file);

    const run = launch(userData);
    await run.until((e) => e.kind === 'loaded', 'the stand-in loaded');
    await run.request('ready');
    await run.until((e) => e.kind === 'load' && e.url === 'app://bundle/index.html', 'the recovery screen loaded');
    expect(await run.request<Invoked<unknown>>('invoke', { channel: 'app:info', input: {} })).toEqual({ missing: true });
    const status = await run.request<Invoked<unknown>>('invoke', { channel: 'store:status', input: {} });
    expect(status.value).toMatchObject({ ok: true, value: { state: 'damaged', problem: 'newer-version', file } });
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);

    const moved = await run.request<Invoked<{ setAside: string; status: unknown }>>('invoke', { channel: 'store:moveAside', input: {} });
    expect(moved.value).toMatchObject({ ok: true, value: { status: { state: 'open' } } });
    const keptAs = moved.value.ok ? moved.value.value.setAside : '';
    expect(path.dirname(keptAs)).toBe(userData);
    expect(path.basename(keptAs)).toMatch(/^brokervault\.sqlite\.damaged-\d{8}T\d{9}Z$/);
    expect(fs.readFileSync(keptAs).equals(bytes)).toBe(true);

    // The normal start went on in the same process: every channel, the app answers, services started, no error shown.
    const record = await run.request<ShellRecord>('snapshot');
    expect(new Set(record.ipcHandlers)).toEqual(new Set(CHANNEL_NAMES));
    expect(record.ipcHandlers).toHaveLength(CHANNEL_NAMES.length);
    expect(record.errorBoxes).toEqual([]);
    expect(record.exitCalls).toEqual([]);
    const info = await run.request<Invoked<{ name: string }>>('invoke', { channel: 'app:info', input: {} });
    expect(info.value).toMatchObject({ ok: true, value: { name: 'BrokerVault' } });
    expect(await run.request<Invoked<unknown>>('invoke', { channel: 'store:status', input: {} })).toEqual({ value: { ok: true, value: { state: 'open' } } });
    expect(logLines(path.join(userData, 'logs', 'main.log')).map((l) => l.message)).toContain('services started');

    await run.request('quit');
    expect((await run.exited).code).toBe(0);
    expect(fs.readFileSync(keptAs).equals(bytes)).toBe(true);
  });

  it('an unwritable data folder: shown with a log written elsewhere, exit code 1', async () => {
    // A file where the folder should be: unwritable even for root, which ignores permission bits.
    const parent = tempDir();
    fs.writeFileSync(path.join(parent, 'not-a-folder'), 'x');
    const userData = path.join(parent, 'not-a-folder', 'BrokerVault');
    const tmp = tempDir();

    const run = launch(userData, { TMPDIR: tmp });
    await run.until((e) => e.kind === 'loaded', 'the stand-in loaded');
    await run.request('ready');
    const { code, record } = await run.exited;

    expect(code).toBe(1);
    expect(record.errorBoxes).toHaveLength(1);
    const logFile = path.join(tmp, 'BrokerVault-logs', 'main.log');
    expect(record.errorBoxes[0]!.content).toContain(`BrokerVault cannot write to its data folder (${userData})`);
    expect(record.errorBoxes[0]!.content).toContain(`Details are in the log: ${logFile}`);
    expect(logLines(logFile).map((l) => l.message)).toContain('start-up failed');
    expect(fs.readFileSync(path.join(parent, 'not-a-folder'), 'utf8')).toBe('x');
  });

  it('a second instance quits without touching any state', async () => {
    const userData = tempDir();
    fs.writeFileSync(path.join(userData, 'brokervault.sqlite'), 'whatever is here is not ours to open');
    const before = listing(userData);
    const run = launch(userData, { STANDIN_LOCK_HELD: '1' });
    await run.until((e) => e.kind === 'loaded', 'the stand-in loaded');
    const { code, record } = await run.exited;
    expect(code).toBe(0);
    expect(record.quitCalls).toBe(1);
    expect(record.windows).toEqual([]);
    expect(record.ipcHandlers).toEqual([]);
    expect(record.errorBoxes).toEqual([]);
    expect(listing(userData)).toEqual(before);
  });
});

/**
 * A stand-in for the `electron` module, just enough of it for the built main process (out/main/index.js)
 * to run under plain Node. It records what the shell does and reports it to the test over the child's IPC
 * channel; the test drives it (ready, quit, second instance, permission requests, window.open, IPC calls).
 *
 * Messages to the test:  {type:'event', entry} as things happen; {type:'reply', id, result}; {type:'exit', code, record}.
 * Messages from the test: {id, type, ...} with type ready | snapshot | quit | close-window | second-instance |
 *                         permission | window-open | navigate | invoke | fetch.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const env = process.env;
const record = {
  timeline: [],
  schemes: [],
  protocols: [],
  windows: [],
  ipcHandlers: [],
  ipcListeners: [],
  permissionHandlers: { request: false, check: false },
  errorBoxes: [],
  messageBoxes: [],
  opened: [],
  notifications: [],
  sent: 0,
  appUserModelId: null,
  quitCalls: 0,
  exitCalls: [],
  exitCode: null,
};

function send(message, done) {
  if (!process.send || !process.connected) return done?.();
  process.send(message, () => done?.());
}

function note(kind, detail = {}) {
  const entry = { kind, at: Math.round(performance.now()), ...detail };
  record.timeline.push(entry);
  send({ type: 'event', entry });
}

/** Electron events that a listener may cancel. */
function preventable() {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

let finished = false;
function finish(code) {
  if (finished) return;
  finished = true;
  record.exitCode = code;
  note('exit', { code });
  send({ type: 'exit', code, record }, () => process.exit(code));
}

class StandInApp extends EventEmitter {
  isPackaged = env.STANDIN_PACKAGED === '1';
  #ready = false;
  #resolveReady;
  #whenReady = new Promise((resolve) => (this.#resolveReady = resolve));
  #quitting = false;

  whenReady() {
    return this.#whenReady;
  }
  isReady() {
    return this.#ready;
  }
  fireReady() {
    if (this.#ready) return;
    this.#ready = true;
    note('ready');
    this.emit('ready', preventable(), {});
    this.#resolveReady();
  }
  getPath(name) {
    const userData = env.STANDIN_USER_DATA;
    if (!userData) throw new Error('stand-in: STANDIN_USER_DATA is not set');
    if (name === 'userData') return userData;
    if (name === 'logs') return env.STANDIN_LOGS_DIR ?? path.join(userData, 'logs');
    if (name === 'temp') return os.tmpdir();
    throw new Error(`stand-in: no path for ${name}`);
  }
  /** Unpackaged, Electron's app path is the folder of the package.json it was started with: the project root. */
  getAppPath() {
    return process.cwd();
  }
  getName() {
    return 'BrokerVault';
  }
  getVersion() {
    return '0.1.0';
  }
  setAppUserModelId(id) {
    record.appUserModelId = id;
    note('app-user-model-id', { id });
  }
  requestSingleInstanceLock() {
    const got = env.STANDIN_LOCK_HELD !== '1';
    note('single-instance-lock', { got });
    return got;
  }
  /** Like Electron: before-quit, then every window closes (no window-all-closed), will-quit, quit, exit 0. */
  quit() {
    record.quitCalls++;
    note('quit');
    if (this.#quitting) return;
    const before = preventable();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    this.#quitting = true;
    for (const win of StandInBrowserWindow.getAllWindows()) win.close();
    if (StandInBrowserWindow.getAllWindows().length > 0) {
      this.#quitting = false;
      return;
    }
    const will = preventable();
    this.emit('will-quit', will);
    if (will.defaultPrevented) {
      this.#quitting = false;
      return;
    }
    this.emit('quit', preventable(), 0);
    finish(0);
  }
  exit(code = 0) {
    record.exitCalls.push(code);
    finish(code);
  }
  get quitting() {
    return this.#quitting;
  }
}

export const app = new StandInApp();

class StandInWebContents extends EventEmitter {
  url = '';
  windowOpenHandler = null;
  constructor(win) {
    super();
    this.win = win;
    const url = () => this.url;
    this.mainFrame = {
      get url() {
        return url();
      },
    };
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  send(channel) {
    record.sent++;
    note('send', { channel });
  }
  isDestroyed() {
    return this.win.destroyed;
  }
}

let nextWindowId = 1;
const openWindows = [];

class StandInBrowserWindow extends EventEmitter {
  static getAllWindows() {
    return [...openWindows];
  }
  destroyed = false;
  #loaded = false;

  constructor(options = {}) {
    super();
    this.id = nextWindowId++;
    this.webContents = new StandInWebContents(this);
    this.entry = { id: this.id, options: JSON.parse(JSON.stringify(options)), loads: [], shown: false, focused: 0 };
    record.windows.push(this.entry);
    openWindows.push(this);
    note('window', { id: this.id });
    app.emit('web-contents-created', preventable(), this.webContents);
  }
  loadURL(url) {
    this.entry.loads.push(url);
    this.webContents.url = url;
    note('load', { id: this.id, url });
    return new Promise((resolve) => {
      setImmediate(() => {
        if (!this.#loaded) {
          this.#loaded = true;
          this.emit('ready-to-show');
        }
        resolve();
      });
    });
  }
  show() {
    this.entry.shown = true;
    note('show', { id: this.id });
  }
  focus() {
    this.entry.focused++;
    note('focus', { id: this.id });
    this.emit('focus');
  }
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return this.destroyed;
  }
  /** As a window minimised on Windows reports itself. */
  getBounds() {
    return { x: -32000, y: -32000, width: 160, height: 28 };
  }
  getNormalBounds() {
    return JSON.parse(env.STANDIN_NORMAL_BOUNDS ?? '{"x":120,"y":90,"width":1300,"height":850}');
  }
  close() {
    if (this.destroyed) return;
    const event = preventable();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    openWindows.splice(openWindows.indexOf(this), 1);
    note('closed', { id: this.id });
    this.emit('closed');
    if (openWindows.length === 0 && !app.quitting) app.emit('window-all-closed');
  }
}

export const BrowserWindow = StandInBrowserWindow;

const handlers = new Map();
export const ipcMain = {
  handle(channel, handler) {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, handler);
    record.ipcHandlers.push(channel);
    note('ipc-handle', { channel });
  },
  removeHandler(channel) {
    handlers.delete(channel);
  },
  on(channel) {
    record.ipcListeners.push(channel);
  },
};

const protocolHandlers = new Map();
export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    record.schemes.push({ schemes: JSON.parse(JSON.stringify(schemes)), beforeReady: !app.isReady() });
  },
  handle(scheme, handler) {
    protocolHandlers.set(scheme, handler);
    record.protocols.push(scheme);
  },
};

let permissionRequest = null;
let permissionCheck = null;
export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler) {
      permissionRequest = handler;
      record.permissionHandlers.request = true;
    },
    setPermissionCheckHandler(handler) {
      permissionCheck = handler;
      record.permissionHandlers.check = true;
    },
  },
};

export const shell = {
  async openExternal(url) {
    record.opened.push(url);
    note('open-external', { url });
  },
};

const defaultDisplays = [{ id: 1, scaleFactor: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];
function displays() {
  return env.STANDIN_DISPLAYS ? JSON.parse(env.STANDIN_DISPLAYS) : defaultDisplays;
}
export const screen = {
  getAllDisplays: () => displays(),
  getPrimaryDisplay: () => displays()[0],
};

export const dialog = {
  showErrorBox(title, content) {
    record.errorBoxes.push({ title, content });
    note('error-box', { title, content });
  },
  async showMessageBox(_window, options) {
    record.messageBoxes.push(options ?? _window);
    note('message-box');
    return { response: 0, checkboxChecked: false };
  },
};

export class Notification {
  constructor(options) {
    this.options = options;
  }
  show() {
    record.notifications.push(this.options);
  }
}

export const net = {
  async fetch(url) {
    if (url.startsWith('file:')) return new Response(fs.readFileSync(fileURLToPath(url)));
    return globalThis.fetch(url);
  },
};

/** electron-store imports the default export. */
export default { app, BrowserWindow, ipcMain, protocol, session, shell, screen, dialog, Notification, net };

// ---- the test's controls -------------------------------------------------------------------------------

function lastWindow() {
  const win = openWindows.at(-1);
  if (!win) throw new Error('stand-in: no window is open');
  return win;
}

const controls = {
  ready: () => app.fireReady(),
  snapshot: () => record,
  // These end the process: reply first, act on the next turn.
  quit: () => void setImmediate(() => app.quit()),
  'close-window': () => {
    const win = lastWindow();
    setImmediate(() => win.close());
  },
  'second-instance': () => {
    app.emit('second-instance', preventable(), [], process.cwd(), {});
  },
  permission: ({ permission, url, origin, isMainFrame }) => {
    let request = null;
    permissionRequest?.(lastWindowContents(url), permission, (granted) => (request = granted), { requestingUrl: url, isMainFrame });
    const check = permissionCheck ? permissionCheck(null, permission, origin ?? originOf(url), { requestingUrl: url, isMainFrame }) : null;
    return { request, check };
  },
  'window-open': async ({ url }) => {
    const before = record.opened.length;
    const answer = lastWindow().webContents.windowOpenHandler?.({ url, frameName: '', features: '', disposition: 'new-window' });
    await new Promise((resolve) => setImmediate(resolve));
    return { action: answer?.action ?? null, opened: record.opened.slice(before) };
  },
  navigate: ({ url }) => {
    const event = preventable();
    lastWindow().webContents.emit('will-navigate', event, url);
    return { prevented: event.defaultPrevented };
  },
  invoke: async ({ channel, input, senderUrl }) => {
    const handler = handlers.get(channel);
    if (!handler) return { missing: true };
    const win = lastWindow();
    const frame = senderUrl ? { url: senderUrl } : win.webContents.mainFrame;
    const sender = { mainFrame: win.webContents.mainFrame, getURL: () => win.webContents.url };
    return { value: await handler({ senderFrame: frame, sender }, input) };
  },
  fetch: async ({ url }) => {
    const handler = protocolHandlers.get(new URL(url).protocol.replace(/:$/, ''));
    if (!handler) return { missing: true };
    const response = await handler(new Request(url));
    return { status: response.status, body: await response.text() };
  },
};

function lastWindowContents(url) {
  return openWindows.at(-1)?.webContents ?? { getURL: () => url };
}

function originOf(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '';
  }
}

process.on('message', async (message) => {
  if (!message || typeof message !== 'object' || !(message.type in controls)) return;
  let reply;
  try {
    reply = { type: 'reply', id: message.id, result: await controls[message.type](message) };
  } catch (error) {
    reply = { type: 'reply', id: message.id, error: String(error?.stack ?? error) };
  }
  send(reply);
});

note('loaded');

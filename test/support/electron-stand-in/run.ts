import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built main process: `npm run build` makes it (scripts/test.sh builds before vitest). */
export const BUILT_MAIN = path.join(root, 'out/main/index.js');
const register = pathToFileURL(path.join(root, 'test/support/electron-stand-in/register.mjs')).href;

export interface TimelineEntry {
  kind: string;
  [key: string]: unknown;
}

/** What the stand-in recorded (see electron.mjs). */
export interface ShellRecord {
  timeline: TimelineEntry[];
  schemes: { schemes: unknown; beforeReady: boolean }[];
  protocols: string[];
  windows: { id: number; options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }; loads: string[]; shown: boolean; focused: number }[];
  ipcHandlers: string[];
  ipcListeners: string[];
  permissionHandlers: { request: boolean; check: boolean };
  errorBoxes: { title: string; content: string }[];
  opened: string[];
  appUserModelId: string | null;
  quitCalls: number;
  exitCalls: number[];
  exitCode: number | null;
}

type Message =
  | { type: 'event'; entry: TimelineEntry }
  | { type: 'reply'; id: number; result?: unknown; error?: string }
  | { type: 'exit'; code: number; record: ShellRecord };

/**
 * The built main process in a child Node with the `electron` stand-in. The stand-in reports each step;
 * `request` drives it, `until` waits for a step (or the exit, whichever comes first).
 */
export class ShellRun {
  readonly timeline: TimelineEntry[] = [];
  readonly exited: Promise<{ code: number; record: ShellRecord }>;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  private finished: { code: number; record: ShellRecord } | null = null;
  output = '';

  constructor(env: Record<string, string>) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.ELECTRON_RENDERER_URL;
    this.child = spawn(process.execPath, ['--import', register, BUILT_MAIN], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child.stdout!.on('data', (chunk) => (this.output += String(chunk)));
    this.child.stderr!.on('data', (chunk) => (this.output += String(chunk)));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('message', (message: Message) => {
        if (message.type === 'event') this.timeline.push(message.entry);
        if (message.type === 'reply') {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) waiting?.reject(new Error(message.error));
          else waiting?.resolve(message.result);
        }
        if (message.type === 'exit') {
          this.finished = { code: message.code, record: message.record };
          resolve(this.finished);
        }
        for (const wake of this.waiters) wake();
      });
      this.child.on('exit', (code) => {
        if (!this.finished) reject(new Error(`the shell exited with ${code} without reporting:\n${this.output}`));
        for (const wake of this.waiters) wake();
      });
    });
    this.exited.catch(() => undefined);
  }

  request<T = unknown>(type: string, payload: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, type, ...payload });
    });
  }

  /** Resolves when a timeline entry matches; rejects if the process exits first. */
  until(match: (entry: TimelineEntry) => boolean, what: string): Promise<TimelineEntry> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.timeline.find(match);
        if (found) return done(() => resolve(found));
        if (this.finished || this.child.exitCode !== null || this.child.signalCode !== null) {
          done(() => reject(new Error(`the shell ended before ${what}: ${JSON.stringify(this.finished?.record.errorBoxes ?? [])}\n${this.output}`)));
        }
      };
      const done = (settle: () => void) => {
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export function builtMainExists(): boolean {
  return fs.existsSync(BUILT_MAIN);
}

import { fork, type ChildProcess } from 'node:child_process';

/** A benchmark helper in its own process (its own event loop and CPU time), asked over the fork IPC channel. */
export interface BenchChild<Ready> {
  ready: Ready;
  /** Send a command; resolves with the child's answer carrying the same id. */
  ask<T = Record<string, unknown>>(command: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  stop(): void;
}

/** Fork `file` (TypeScript runs through the same tsx loader, passed on in execArgv) and wait for its `{ready: true}`. */
export async function startChild<Ready extends { ready: true }>(file: string, args: string[] = [], startMs = 20_000): Promise<BenchChild<Ready>> {
  // The child's stdout goes to stderr with the progress lines: `--json` keeps stdout for the report.
  const child: ChildProcess = fork(file, args, { stdio: ['ignore', 2, 2, 'ipc'] });
  const waiting = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within ${startMs} ms`)), startMs);
    child.once('exit', (code) => reject(new Error(`${file} exited with code ${code} before it was ready`)));
    child.on('message', (raw) => {
      const message = raw as { id?: number; ready?: true };
      if (message.ready) {
        clearTimeout(timer);
        resolve(message as Ready);
      } else if (message.id !== undefined) {
        waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      }
    });
  });
  return {
    ready,
    ask<T>(command: Record<string, unknown>, timeoutMs = 10_000) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${file}: no answer to ${String(command.cmd)} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, (value) => {
          clearTimeout(timer);
          resolve(value as T);
        });
        child.send({ ...command, id });
      });
    },
    stop() {
      child.kill();
    },
  };
}

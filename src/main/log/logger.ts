import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock';
import { SecretRegistry } from './redact';
import type { Logger, LogLevel, LogSink } from './types';

/** Appends JSON lines to `<dataDir>/logs/main.log`, created 0600. */
export function fileSink(dataDir: string): LogSink {
  return logFileIn(path.join(dataDir, 'logs')).sink;
}

/** Appends JSON lines to `<dir>/main.log` (directory 0700, file 0600); throws when it cannot be opened. */
export function logFileIn(dir: string): { sink: LogSink; file: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'main.log');
  const fd = fs.openSync(file, 'a', 0o600);
  fs.fchmodSync(fd, 0o600);
  return { sink: { write: (line) => fs.writeSync(fd, line + '\n') }, file };
}

/** Every line passes through the secret registry before it is written. */
export function createLogger(sink: LogSink, secrets: SecretRegistry, clock: Clock): Logger {
  const emit = (level: LogLevel, message: string, context?: Record<string, unknown>) => {
    const entry = {
      at: new Date(clock.now()).toISOString(),
      level,
      message: secrets.scrub(message),
      ...(context ? { context: secrets.redact(context) } : {}),
    };
    sink.write(JSON.stringify(entry));
  };
  return {
    debug: (m, c) => emit('debug', m, c),
    info: (m, c) => emit('info', m, c),
    warn: (m, c) => emit('warn', m, c),
    error: (m, c) => emit('error', m, c),
  };
}

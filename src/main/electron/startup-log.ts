import path from 'node:path';
import { logFileIn } from '../log/logger';
import type { LogSink } from '../log/types';

export interface StartupLog {
  sink: LogSink;
  /** Where the log is written, to tell the trader; null when no place could be written at all. */
  file: string | null;
}

/**
 * The main log: `<dataDir>/logs/main.log`, or, when the data folder cannot be written, the first of the
 * fallback folders that can (Electron's logs folder, then the temp folder), so a start-up error is still
 * recorded somewhere the trader is told about. Failing everywhere, lines go nowhere rather than crash.
 */
export function openStartupLog(dataDir: string, fallbackDirs: readonly string[]): StartupLog {
  for (const dir of [path.join(dataDir, 'logs'), ...fallbackDirs]) {
    try {
      return logFileIn(dir);
    } catch {
      // try the next place
    }
  }
  return { sink: { write: () => undefined }, file: null };
}

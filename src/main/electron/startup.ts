/** The bits of Electron's `app` the start-up sequence uses, so a Node test can drive it. */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

/**
 * SECURITY: only one BrokerVault process opens the database and the keychain key at a time.
 * A second launch hands over to the first (which focuses its window) and quits before touching any state.
 */
export async function startSingleInstance<T>(app: SingleInstanceApp, start: () => Promise<T>, focusExisting: () => void): Promise<T | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  app.on('second-instance', focusExisting);
  return start();
}

/** The bits of Electron the failure path uses. */
export interface FailureShell {
  showErrorBox(title: string, content: string): void;
  exit(code: number): void;
}

/**
 * SECURITY/visibility: any start-up error is logged, shown to the trader in BrokerVault's words with the log's
 * location, and ends the process with a non-zero code (which also releases the single-instance lock).
 */
export function failStartup(
  shell: FailureShell,
  error: unknown,
  where: { dataDir: string; logFile: string | null; log: { error(message: string, context?: Record<string, unknown>): void } | null },
  describe: (error: unknown, where: { dataDir: string; logFile: string | null }) => { title: string; message: string },
): void {
  try {
    where.log?.error('start-up failed', { error });
  } catch {
    // the dialog below still shows
  }
  try {
    const text = describe(error, where);
    shell.showErrorBox(text.title, text.message);
  } finally {
    shell.exit(1);
  }
}

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

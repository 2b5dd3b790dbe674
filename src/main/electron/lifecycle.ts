/** The bits of Electron's `app` quitting uses, so a Node test can drive them. */
export interface QuitApp {
  on(event: 'window-all-closed' | 'before-quit' | 'will-quit', listener: () => void): unknown;
  quit(): void;
}

/**
 * Closes the services exactly once when the app quits, however it quits. Cmd+Q and app.quit() skip
 * `window-all-closed` but always emit `will-quit` after the windows have closed, so nothing in the window
 * can call into closed services. Closing the last window quits the app on every platform.
 */
export class ShellLifecycle {
  private services: { close(): void } | null = null;
  private quitting = false;
  private closed = false;

  constructor(
    app: QuitApp,
    private readonly onClosed: () => void = () => undefined,
  ) {
    app.on('window-all-closed', () => app.quit());
    app.on('before-quit', () => {
      this.quitting = true;
    });
    app.on('will-quit', () => {
      this.quitting = true;
      this.close();
    });
  }

  /** The services are ready; if the app is already quitting, they close at once. */
  attach(services: { close(): void }): void {
    this.services = services;
    if (this.quitting) this.close();
  }

  get isQuitting(): boolean {
    return this.quitting;
  }

  private close(): void {
    if (this.closed || !this.services) return;
    this.closed = true;
    this.services.close();
    this.onClosed();
  }
}

/**
 * BrowserWindow options for the app's only window. Kept as a pure function so a Node test can pin
 * every security-relevant value; the shell passes the result straight to `new BrowserWindow`.
 */
export function windowOptions(input: { preloadPath: string; isPackaged: boolean; bounds: { width: number; height: number; x?: number; y?: number } }) {
  return {
    ...input.bounds,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'BrokerVault',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: input.preloadPath,
      // SECURITY: the renderer is an untrusted web page: sandboxed, isolated, no Node anywhere.
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // SECURITY: devtools only in development builds.
      devTools: !input.isPackaged,
      safeDialogs: true,
    },
  } as const;
}

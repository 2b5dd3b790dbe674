import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds the test bridge's browser client (test/bridge/client.ts) into out/bridge/client.js. */
export default defineConfig({
  root,
  build: {
    outDir: resolve(root, 'out/bridge'),
    emptyOutDir: true,
    minify: false,
    lib: { entry: resolve(root, 'test/bridge/client.ts'), formats: ['iife'], name: 'BrokerVaultBridge', fileName: () => 'client.js' },
  },
});

import type { StartSimulator } from './harness';

/**
 * Every broker simulator by its `npm run sim` id. Each broker's folder exports `start`.
 * Loaded lazily so starting one simulator does not load the others.
 */
export const SIMULATORS: Record<string, () => Promise<StartSimulator>> = {
  zerodha: async () => (await import('./zerodha')).start,
  fyers: async () => (await import('./fyers')).start,
  'angel-one': async () => (await import('./angel-one')).start,
  dhan: async () => (await import('./dhan')).start,
  xts: async () => (await import('./xts')).start,
  alpaca: async () => (await import('./alpaca')).start,
  tradier: async () => (await import('./tradier')).start,
  tastytrade: async () => (await import('./tastytrade')).start,
  ibkr: async () => (await import('./ibkr')).start,
  binance: async () => (await import('./binance')).start,
};

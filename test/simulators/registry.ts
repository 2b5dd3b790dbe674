import type { StartSimulator } from './harness';

/**
 * Every broker simulator by its `npm run sim` id. Each broker's folder exports `start`.
 * Loaded lazily so starting one simulator does not load the others.
 */
export const SIMULATORS: Record<string, () => Promise<StartSimulator>> = {};

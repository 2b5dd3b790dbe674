import type { StreamMode } from './types';

const STRENGTH: Readonly<Record<StreamMode, number>> = { ltp: 0, quote: 1, full: 2 };

/** The mode that serves every one of `modes` (each consumer's need), or null when there are none. */
export function strongestMode(modes: Iterable<StreamMode>): StreamMode | null {
  let best: StreamMode | null = null;
  for (const mode of modes) if (best === null || STRENGTH[mode] > STRENGTH[best]) best = mode;
  return best;
}

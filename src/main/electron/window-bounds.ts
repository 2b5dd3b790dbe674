import { z } from 'zod';
import { DEFAULT_PREFERENCES, type WindowBounds } from '../preferences';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Larger than any real display; anything beyond is a damaged preferences file, not a window. */
const MAX_SIDE = 16_384;
/** How much of the window (at least its title bar area) must lie on a display for the saved position to be kept. */
const MIN_VISIBLE = { width: 120, height: 48 };

const side = z.number().finite().min(1).max(MAX_SIDE);
const coordinate = z
  .number()
  .finite()
  .min(-MAX_SIDE * 8)
  .max(MAX_SIDE * 8);
const SavedBoundsSchema = z.object({ width: side, height: side, x: coordinate.optional(), y: coordinate.optional() });

/** Saved bounds as stored in preferences.json, or null when they are missing, NaN, absurd or malformed. */
export function parseWindowBounds(raw: unknown): WindowBounds | null {
  const parsed = SavedBoundsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { width, height, x, y } = parsed.data;
  const size = { width: Math.round(width), height: Math.round(height) };
  // A position needs both coordinates; one alone is as good as none.
  return x === undefined || y === undefined ? size : { ...size, x: Math.round(x), y: Math.round(y) };
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/** The default size, shrunk to the work area; no position, so Electron centres the window. */
function centredDefault(primary: Rect | undefined): WindowBounds {
  const { width, height } = DEFAULT_PREFERENCES.windowBounds;
  return primary ? { width: Math.min(width, primary.width), height: Math.min(height, primary.height) } : { width, height };
}

/**
 * Where to open the window: the saved bounds when they are sane and visible on one of today's displays
 * (shrunk to fit that display's work area), else the default size centred on the primary display. A window
 * minimised on Windows reports x = y = −32000, and a display may have been unplugged since: both fall back.
 */
export function placeWindow(saved: unknown, workAreas: readonly Rect[], primary: Rect | undefined = workAreas[0]): WindowBounds {
  const bounds = parseWindowBounds(saved);
  if (!bounds) return centredDefault(primary);
  if (bounds.x === undefined || bounds.y === undefined) {
    return primary ? { width: Math.min(bounds.width, primary.width), height: Math.min(bounds.height, primary.height) } : bounds;
  }
  const rect: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height };
  const home = workAreas.find((area) => {
    const seen = overlap(rect, area);
    return seen.width >= Math.min(MIN_VISIBLE.width, rect.width) && seen.height >= Math.min(MIN_VISIBLE.height, rect.height);
  });
  if (!home) return centredDefault(primary);
  const width = Math.min(rect.width, home.width);
  const height = Math.min(rect.height, home.height);
  // Keep the window (and so its title bar) inside the display it was on.
  const x = Math.min(Math.max(rect.x, home.x), home.x + home.width - width);
  const y = Math.min(Math.max(rect.y, home.y), home.y + home.height - height);
  return { x, y, width, height };
}

import type { ExitKind, ExitLegRole, TrailDistance } from '../../../shared/exits';
import type { OrderSide } from '../../../shared/orders';

/**
 * The trigger decisions of a managed exit, as pure functions of the armed levels and one price. SELL protects a long
 * (target above, stop below); BUY protects a short (target below, stop above). A price at a level counts as crossing
 * it, and a price that gaps past a level fires it just the same.
 */
export interface ArmedLevels {
  kind: ExitKind;
  exitSide: OrderSide;
  targetPrice: number | null;
  stopPrice: number | null;
  trail: TrailDistance | null;
  /** Trailing: the best price since it was armed (null before the first price). */
  trailBest: number | null;
}

export interface Decision {
  /** The leg the price fires, or null. */
  fire: ExitLegRole | null;
  /** Trailing: the best price after this one, when it moved in the position's favour (persist it); else null. */
  best: number | null;
}

/** The stop a trailing exit keeps from its best price, rounded to the cent. */
export function trailingStop(exitSide: OrderSide, best: number, trail: TrailDistance): number {
  const distance = 'amount' in trail ? trail.amount : (best * trail.percent) / 100;
  const stop = exitSide === 'SELL' ? best - distance : best + distance;
  return Math.round(stop * 100) / 100;
}

/** The stop in force now: the fixed stop, or the trailing stop from the best price so far. */
export function currentStop(levels: ArmedLevels): number | null {
  if (levels.kind !== 'trailing') return levels.stopPrice;
  return levels.trail && levels.trailBest !== null ? trailingStop(levels.exitSide, levels.trailBest, levels.trail) : null;
}

/** Whether `price` is at or beyond `level` in the direction that fires it. */
function beyond(price: number, level: number, direction: 'up' | 'down'): boolean {
  return direction === 'up' ? price >= level : price <= level;
}

/** What one price does to an armed exit. The stop is judged first: a price that meets both (never for sound levels) stops out. */
export function decide(levels: ArmedLevels, price: number): Decision {
  if (!Number.isFinite(price) || price <= 0) return { fire: null, best: null };
  const long = levels.exitSide === 'SELL';
  if (levels.kind === 'trailing') {
    if (!levels.trail) return { fire: null, best: null };
    const improved = levels.trailBest === null || (long ? price > levels.trailBest : price < levels.trailBest);
    const best = improved ? price : levels.trailBest!;
    // The stop follows the best price only; a new best never fires on its own tick.
    if (improved) return { fire: null, best };
    const stop = trailingStop(levels.exitSide, best, levels.trail);
    return { fire: beyond(price, stop, long ? 'down' : 'up') ? 'stop' : null, best: null };
  }
  if (levels.stopPrice !== null && beyond(price, levels.stopPrice, long ? 'down' : 'up')) return { fire: 'stop', best: null };
  if (levels.targetPrice !== null && beyond(price, levels.targetPrice, long ? 'up' : 'down')) return { fire: 'target', best: null };
  return { fire: null, best: null };
}

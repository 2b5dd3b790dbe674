/** The price step an order line snaps to while dragged: 0.05 on NSE and BSE, else 0.01. */
export function tickOf(symbol: string): number {
  return /^(NSE|BSE):/.test(symbol) ? 0.05 : 0.01;
}

/** `price` on the grid of `tick` (no float dust), or null when it is not a positive price. */
export function roundToTick(price: number | null, tick: number): number | null {
  if (price === null || !Number.isFinite(price)) return null;
  const rounded = Number((Math.round(price / tick) * tick).toFixed(8));
  return rounded > 0 ? rounded : null;
}

/** The index of the line drawn nearest to `y` within `tolerance` pixels, or -1. `yOf` is null for a line off the chart. */
export function lineNear(prices: readonly number[], y: number, yOf: (price: number) => number | null, tolerance = 6): number {
  let best = -1;
  let bestDistance = tolerance;
  prices.forEach((price, i) => {
    const at = yOf(price);
    if (at === null) return;
    const distance = Math.abs(at - y);
    if (distance <= bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  return best;
}

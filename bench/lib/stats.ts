import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Timing helpers shared by the benchmarks: monotonic clocks, percentiles and the result shape. */

/** Milliseconds from a monotonic high-resolution clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Time one async call in ms. */
export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Time one sync call in ms. */
export function timeSync(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const mean = samples.reduce((a, b) => a + b, 0) / (samples.length || 1);
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    min: Math.min(...samples),
    max: Math.max(...samples),
    mean,
  };
}

/** One reported figure. `target` is the bound the figure must stay under (or over, with `higherIsBetter`). */
export interface Metric {
  name: string;
  value: number;
  unit: string;
  target?: number;
  higherIsBetter?: boolean;
  /** Filled in by `met()`; undefined when the figure has no target. */
  ok?: boolean;
  note?: string;
}

export interface BenchResult {
  bench: string;
  /** What the figures were measured against and how (shown under the table and in the JSON). */
  method: string;
  metrics: Metric[];
  /** Anything found while measuring that explains a figure (slow paths, bounds). */
  findings: string[];
}

export function metric(name: string, value: number, unit: string, extra: Partial<Omit<Metric, 'name' | 'value' | 'unit'>> = {}): Metric {
  const m: Metric = { name, value, unit, ...extra };
  if (m.target !== undefined) m.ok = m.higherIsBetter ? value >= m.target : value <= m.target;
  return m;
}

export interface BenchOptions {
  quick: boolean;
  /** Progress lines go to stderr so `--json` stdout stays machine-readable. */
  log: (line: string) => void;
}

/** Collect garbage between phases when node runs with --expose-gc (tsx passes NODE_OPTIONS through). */
export function maybeGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/**
 * A full collection now, also when node was started without --expose-gc (switched on at run time): for heap figures
 * that must not depend on how the bench was started.
 */
export function fullGc(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Run `fn` repeatedly for warm-up without keeping the samples. */
export async function warmUp(times: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < times; i++) await fn(i);
}

/** Alternate two measured calls (A, B, A, B…) so drift in machine load hits both equally. */
export async function interleave(
  iterations: number,
  a: (i: number) => Promise<number>,
  b: (i: number) => Promise<number>,
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < iterations; i++) {
    if (i % 2 === 0) {
      out.a.push(await a(i));
      out.b.push(await b(i));
    } else {
      out.b.push(await b(i));
      out.a.push(await a(i));
    }
  }
  return out;
}

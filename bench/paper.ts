import type { BenchOptions, BenchResult } from './lib/stats';

export async function paperBench(_opts: BenchOptions): Promise<BenchResult> {
  throw new Error('todo');
}

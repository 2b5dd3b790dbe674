import type { BenchOptions, BenchResult } from './lib/stats';

export async function storeScaleBench(_opts: BenchOptions): Promise<BenchResult> {
  throw new Error('todo');
}

import os from 'node:os';
import fs from 'node:fs';
import { chartBench } from './chart';
import { healthFanoutBench } from './health-fanout';
import { localApiBench } from './local-api';
import { orderPathBench } from './order-path';
import { paperBench } from './paper';
import { rendererBench } from './renderer';
import { storeScaleBench } from './store-scale';
import { streamingBench } from './streaming';
import { vaultBench } from './vault';
import type { BenchOptions, BenchResult } from './lib/stats';
import { printTable } from './lib/table';

/**
 * `npm run bench [-- --quick] [-- --json] [-- --only=order-path,vault]`
 * Runs each benchmark in turn (one process, nothing else running), prints a table (stderr carries
 * progress), or with --json prints the results as JSON on stdout.
 */
const BENCHES: Record<string, (opts: BenchOptions) => Promise<BenchResult>> = {
  'order-path': orderPathBench,
  'health-fanout': healthFanoutBench,
  vault: vaultBench,
  'store-scale': storeScaleBench,
  paper: paperBench,
  renderer: rendererBench,
  streaming: streamingBench,
  chart: chartBench,
  'local-api': localApiBench,
};

function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model.trim(),
    nproc: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${os.release()}`,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const only = args
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const unknown = only?.filter((name) => !(name in BENCHES)) ?? [];
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const opts: BenchOptions = { quick, log };
  const started = Date.now();
  const results: BenchResult[] = [];
  const failures: { bench: string; error: string }[] = [];
  for (const [name, run] of Object.entries(BENCHES)) {
    if (only && !only.includes(name)) continue;
    log(`[bench] ${name}…`);
    const t0 = Date.now();
    try {
      results.push(await run(opts));
      log(`[bench] ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`[bench] ${name} FAILED: ${text}`);
      failures.push({ bench: name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const report = { machine: machine(), quick, startedAt: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, results, failures };
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printTable(report);
  process.exitCode = failures.length ? 1 : 0;
}

void main().then(
  // Leftover keep-alive sockets or a browser must not hold the process open.
  () => setTimeout(() => process.exit(), 100).unref(),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);

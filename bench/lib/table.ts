import type { BenchResult } from './stats';

interface Report {
  machine: { cpu: string; nproc: number; memoryGiB: number; node: string; platform: string };
  quick: boolean;
  seconds: number;
  results: BenchResult[];
  failures: { bench: string; error: string }[];
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 10_000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** The human-readable report: one row per figure, targets and whether they were met. */
export function printTable(report: Report): void {
  const rows: string[][] = [['benchmark', 'figure', 'value', 'target', '']];
  for (const r of report.results) {
    for (const m of r.metrics) {
      const target = m.target === undefined ? '' : `${m.higherIsBetter ? '≥' : '<'} ${fmt(m.target)} ${m.unit}`;
      const status = m.ok === undefined ? '' : m.ok ? 'met' : 'MISSED';
      rows.push([r.bench, m.name + (m.note ? ` (${m.note})` : ''), `${fmt(m.value)} ${m.unit}`, target, status]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const m = report.machine;
  const out: string[] = [
    `BrokerVault benchmarks${report.quick ? ' (--quick)' : ''}: ${m.cpu}, ${m.nproc} CPUs, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}; ${report.seconds.toFixed(0)} s`,
    '',
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ];
  for (const r of report.results) {
    out.push('', `${r.bench}: ${r.method}`);
    for (const f of r.findings) out.push(`  - ${f}`);
  }
  for (const f of report.failures) out.push('', `${f.bench} FAILED: ${f.error}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

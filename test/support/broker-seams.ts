import fs from 'node:fs';
import path from 'node:path';
import type { BrokerDescriptor } from '../../src/shared/brokers';

/**
 * Checks behind "a broker lives in its own folder" (test/unit/broker-registry.test.ts): what a registered
 * broker must have besides its adapter, and where else in src/ a broker may be named. Pure functions over
 * the file tree, so the tests can show they catch a broker that breaks the rule.
 */

export const ROOT = path.resolve(__dirname, '../..');

/** The file that lists the brokers the shared conformance suite runs (owned by the conformance suite). */
export const CONFORMANCE_CASES = 'test/brokers/conformance/cases.ts';

export interface Pieces {
  /** Simulator ids of test/simulators/registry.ts. */
  simulators: readonly string[];
  /** Broker ids with conformance cases; null while the shared suite does not exist (see conformanceGap). */
  conformance: readonly string[] | null;
  root: string;
}

/** What one registered broker lacks: its simulator, doc page and conformance cases. Empty when complete. */
export function missingPieces(descriptor: Pick<BrokerDescriptor, 'id' | 'protocol'>, pieces: Pieces): string[] {
  const { id, protocol } = descriptor;
  const gaps: string[] = [];
  const exists = (file: string) => fs.existsSync(path.join(pieces.root, file));
  const mentions = (file: string, text: string) => exists(file) && fs.readFileSync(path.join(pieces.root, file), 'utf8').includes(text);

  if (!exists(`src/main/brokers/${protocol}`)) gaps.push(`${id}: no adapter folder src/main/brokers/${protocol}/`);
  if (!pieces.simulators.includes(protocol) || !exists(`test/simulators/${protocol}`)) gaps.push(`${id}: no simulator "${protocol}" in test/simulators/`);
  // A page may cover several entries of one protocol (docs/brokers/xts.md): it must then name each by id.
  const page = `docs/brokers/${protocol}.md`;
  if (!exists(page)) gaps.push(`${id}: no doc page ${page}`);
  else if (protocol !== id && !mentions(page, `\`${id}\``)) gaps.push(`${id}: ${page} does not name \`${id}\``);

  if (pieces.conformance !== null) {
    if (!pieces.conformance.includes(id)) gaps.push(`${id}: no conformance cases (not in CONFORMANCE_BROKER_IDS)`);
  } else {
    // Until the shared suite exists, the protocol's adapter test file stands in; it must load this entry's folder.
    const tests = `test/brokers/${protocol}.test.ts`;
    if (!exists(tests)) gaps.push(`${id}: no adapter tests ${tests}`);
    else if (!mentions(tests, `brokers/${id}/`)) gaps.push(`${id}: ${tests} does not test src/main/brokers/${id}/`);
  }
  return gaps;
}

/** The broker ids of the shared conformance suite, or null while test/brokers/conformance/cases.ts does not exist. */
export async function conformanceIds(root = ROOT): Promise<readonly string[] | null> {
  const file = path.join(root, CONFORMANCE_CASES);
  if (!fs.existsSync(file)) return null;
  const cases = (await import(/* @vite-ignore */ file)) as { CONFORMANCE_BROKER_IDS?: readonly string[] };
  if (!Array.isArray(cases.CONFORMANCE_BROKER_IDS)) throw new Error(`${CONFORMANCE_CASES} does not export CONFORMANCE_BROKER_IDS`);
  return cases.CONFORMANCE_BROKER_IDS;
}

/**
 * The words that name a broker: its id, its protocol, the id with spaces ("angel one") and its display name
 * without the part in brackets ("Zerodha (Kite Connect)" → "Zerodha").
 */
export function brokerTerms(descriptors: readonly Pick<BrokerDescriptor, 'id' | 'protocol' | 'name'>[]): string[] {
  const terms = new Set<string>();
  for (const d of descriptors) {
    for (const term of [d.id, d.protocol, d.id.replaceAll('-', ' '), d.name.replace(/\(.*\)/, '').trim()]) terms.add(term.toLowerCase());
  }
  return [...terms].sort((a, b) => b.length - a.length);
}

export interface Naming {
  file: string;
  line: number;
  term: string;
  text: string;
}

/** Every line of the files under `dirs` (relative to root) that names a broker, except in `allowed` files and folders. */
export function brokerNamings(root: string, dirs: readonly string[], terms: readonly string[], allowed: readonly string[]): Naming[] {
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![A-Za-z0-9_])(${escaped.join('|')})(?![A-Za-z0-9_])`, 'i');
  const isAllowed = (file: string) => allowed.some((a) => (a.endsWith('/') ? file.startsWith(a) : file === a));
  const found: Naming[] = [];
  for (const file of dirs.flatMap((dir) => listFiles(root, dir))) {
    if (isAllowed(file)) continue;
    fs.readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const match = pattern.exec(text);
        if (match) found.push({ file, line: i + 1, term: match[1]!, text: text.trim() });
      });
  }
  return found;
}

function listFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

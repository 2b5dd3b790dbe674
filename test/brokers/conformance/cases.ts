import { readdirSync } from 'node:fs';
import type { BrokerConformance } from './suite';

/** A broker's cases file in this folder: `<broker id>.cases.ts`, exporting `conformance`. */
const CASES_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.cases\.ts$/;

/**
 * Every broker id that has a conformance cases file here, read from the folder itself so a missing file cannot
 * hide behind a hand-kept list. The registry test compares it with the registered brokers.
 */
export const CONFORMANCE_BROKER_IDS: readonly string[] = readdirSync(new URL('.', import.meta.url))
  .map((name) => CASES_FILE.exec(name)?.[1])
  .filter((id): id is string => id !== undefined)
  .sort();

/** One broker's cases, loaded from its file. */
export async function loadConformance(id: string): Promise<BrokerConformance> {
  const module = (await import(`./${id}.cases.ts`)) as { conformance?: BrokerConformance };
  if (!module.conformance) throw new Error(`${id}.cases.ts exports no conformance cases`);
  return module.conformance;
}

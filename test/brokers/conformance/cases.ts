import { readdirSync } from 'node:fs';

/** A broker's cases file in this folder: `<broker id>.test.ts`, which calls runConformance from suite.ts. */
const CASES_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.test\.ts$/;

/**
 * Every broker id that has a conformance cases file here, read from the folder itself so a missing file cannot
 * hide behind a hand-kept list. The registry test compares it with the registered brokers.
 */
export const CONFORMANCE_BROKER_IDS: readonly string[] = readdirSync(new URL('.', import.meta.url))
  .map((name) => CASES_FILE.exec(name)?.[1])
  .filter((id): id is string => id !== undefined)
  .sort();

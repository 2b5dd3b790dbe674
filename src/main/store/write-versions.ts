import type { Db } from './db';

/**
 * Versions of state that readers keep in memory between writes (the journal's lists, the paper trade book, which copy
 * of a broker's instrument master, the API keys). One per database and name, shared by every repository over that
 * database. Every new version is the next number of one process-wide sequence, so two databases (tests run many in one
 * process) never share a version, and an answer kept under one version is never taken for another database's.
 */
export interface WriteVersion {
  /** The version now: what an answer made from the state is kept under. */
  current(): number;
  /** Call before each write runs, so no reader can keep what the write changes under the old version. */
  bump(): void;
}

const byDatabase = new WeakMap<Db, Map<string, { value: number }>>();
let last = 0;

export function writeVersion(db: Db, name: string): WriteVersion {
  let named = byDatabase.get(db);
  if (!named) byDatabase.set(db, (named = new Map()));
  let version = named.get(name);
  if (!version) named.set(name, (version = { value: ++last }));
  const held = version;
  return {
    current: () => held.value,
    bump: () => void (held.value = ++last),
  };
}

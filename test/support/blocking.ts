/** The bound issue 11 sets: no IPC call may block main for longer than this, on any input. */
export const MAX_BLOCKING_MS = 50;

/**
 * How long one call keeps main busy, in ms: from the call until its promise settles. The router's work for a
 * refused input (and a fake adapter's) is all in-process, so this is the time main cannot do anything else.
 */
export async function callDuration(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

/** Samples taken at most, when the earlier ones are over the bound. */
const SAMPLES = 3;

/**
 * The call's duration: the fastest of up to three samples, taken again only while they are over the bound. On a
 * busy 2-core CI box (the other test worker, crash tests' child processes) a sample can be inflated by a GC pause
 * or by another process taking the core; a super-linear pattern is slow on every run, so the fastest sample tells
 * scheduling noise from a defect without loosening the bound.
 */
export async function blockingMs(call: () => Promise<unknown>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let sample = 0; sample < SAMPLES && fastest > MAX_BLOCKING_MS; sample++) fastest = Math.min(fastest, await callDuration(call));
  return fastest;
}

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

/**
 * The call's duration, measured again once when the first sample is over the bound. On a busy 2-core CI box a
 * single sample can be inflated by a GC pause or by another process taking the core; a super-linear pattern
 * is slow on every run, so the retry tells scheduling noise from a defect without loosening the bound.
 */
export async function blockingMs(call: () => Promise<unknown>): Promise<number> {
  const first = await callDuration(call);
  return first <= MAX_BLOCKING_MS ? first : callDuration(call);
}

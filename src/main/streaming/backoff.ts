/** Reconnect delays: exponential with full jitter (AWS "Exponential Backoff and Jitter"), so many clients spread out. */
export interface BackoffPolicy {
  /** The ceiling of the first retry's delay, in ms. */
  baseMs: number;
  /** The largest ceiling any retry may reach, in ms. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/** The ceiling for retry number `attempt` (1 for the first): base·2^(attempt−1), at most cap. */
export function backoffCeiling(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** Full jitter: a uniform delay in [0, ceiling). `random` returns [0, 1), injected so tests are deterministic. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  return Math.floor(random() * backoffCeiling(policy, attempt));
}

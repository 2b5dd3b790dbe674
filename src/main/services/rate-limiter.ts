import pThrottle from 'p-throttle';
import type { RateLimit, RateLimits, RateRequest } from '../brokers/types';

/** Resolves once the gate lets one request of the given weight through. */
type Gate = (weight: number) => Promise<void>;

/**
 * Added to every window by default: the broker counts a request when it arrives, and arrivals spread less
 * evenly than departures (the first request of a burst may wait for a TLS handshake the next ones skip).
 */
export const ARRIVAL_JITTER_MS = 200;

function makeGate(limit: RateLimit, allowanceMs: number): Gate {
  const interval = limit.intervalMs + allowanceMs;
  const throttle = pThrottle({ limit: limit.limit, interval, strict: true, weight: (weight: number) => weight });
  return throttle(async (_weight: number) => undefined);
}

/**
 * Client-side rate limits, kept per broker account (`key`) and per budget of the broker's documented limits.
 * A request waits for every limit of every budget it draws on. Gates are passed longest window first, so the
 * short windows, which pace requests second by second, are the last to open before the request is sent.
 */
export class RateLimiter {
  private readonly gates = new Map<string, Gate>();

  constructor(private readonly arrivalAllowanceMs = ARRIVAL_JITTER_MS) {}

  /** The function a broker context calls before each request of connection `key`. */
  gateFor(key: string, limits: RateLimits): (request: RateRequest) => Promise<void> {
    return async (request) => {
      const waits: { gate: Gate; weight: number; intervalMs: number }[] = [];
      for (const [budget, weight] of Object.entries(limits.spend(request))) {
        if (!weight) continue;
        const budgetLimits = limits.budgets[budget];
        if (!budgetLimits) throw new Error(`Rate budget "${budget}" is not declared.`);
        budgetLimits.forEach((limit, index) => waits.push({ gate: this.gate(`${key}:${budget}:${index}`, limit), weight, intervalMs: limit.intervalMs }));
      }
      waits.sort((a, b) => b.intervalMs - a.intervalMs);
      for (const wait of waits) await wait.gate(wait.weight);
    };
  }

  private gate(name: string, limit: RateLimit): Gate {
    let gate = this.gates.get(name);
    if (!gate) this.gates.set(name, (gate = makeGate(limit, this.arrivalAllowanceMs)));
    return gate;
  }
}

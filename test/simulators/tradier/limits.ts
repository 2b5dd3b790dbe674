import type { Clock } from '../../../src/main/clock';

export type Bucket = 'standard' | 'market' | 'trading';

/** Tradier's per-token minute windows (window opens at the first request) with its quota headers. */
export class QuotaWindow {
  private start = -Infinity;
  private used = 0;
  constructor(
    public allowed: number,
    private readonly clock: Clock,
  ) {}
  /** Count one request; returns the headers to send and whether it is over quota. */
  hit(): { over: boolean; headers: Record<string, string> } {
    const now = this.clock.now();
    if (now - this.start >= 60_000) {
      this.start = now;
      this.used = 0;
    }
    this.used++;
    return {
      over: this.used > this.allowed,
      headers: {
        'X-Ratelimit-Allowed': String(this.allowed),
        'X-Ratelimit-Used': String(Math.min(this.used, this.allowed)),
        'X-Ratelimit-Available': String(Math.max(0, this.allowed - this.used)),
        'X-Ratelimit-Expiry': String(this.start + 60_000),
      },
    };
  }
}

/** Which bucket a request counts against. */
export function bucketOf(method: string, path: string): Bucket {
  if (path.startsWith('/v1/markets/')) return 'market';
  if (/^\/v1\/accounts\/[^/]+\/orders/.test(path) && method !== 'GET') return 'trading';
  return 'standard';
}

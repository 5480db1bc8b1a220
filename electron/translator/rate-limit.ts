// Per-client token bucket: `burst` requests at once, refilled at `perSecond`. A refused
// request learns how long to wait (Retry-After, whole seconds, at least 1).
export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds until one request would be allowed (only when refused). */
  readonly retryAfterSeconds?: number;
}

export interface RateLimiter {
  take(client: string, nowMs?: number): RateDecision;
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createRateLimiter(opts: { perSecond: number; burst: number; maxClients?: number }): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const maxClients = opts.maxClients ?? 100_000;
  const refill = (b: Bucket, now: number) => {
    b.tokens = Math.min(opts.burst, b.tokens + ((now - b.at) / 1000) * opts.perSecond);
    b.at = now;
  };
  return {
    take(client, nowMs = Date.now()) {
      let b = buckets.get(client);
      if (!b) {
        if (buckets.size >= maxClients) {
          // Forget buckets that are full again (idle clients) before growing further.
          for (const [k, v] of buckets) {
            refill(v, nowMs);
            if (v.tokens >= opts.burst) buckets.delete(k);
          }
        }
        b = { tokens: opts.burst, at: nowMs };
        buckets.set(client, b);
      } else refill(b, nowMs);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / opts.perSecond)) };
    },
    get size() {
      return buckets.size;
    },
  };
}

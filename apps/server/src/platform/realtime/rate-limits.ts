/**
 * The two shapes of limit the gateway applies: a token bucket (a steady rate with a burst, per
 * connection) and a fixed window (so many per minute, shared by every connection of a user, as
 * the HTTP rate limits count).
 */

/** Refills at `rate` tokens a second up to `burst`; a take that finds too few takes nothing. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.at = performance.now();
  }

  take(amount = 1): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }

  /** Whether it has refilled to its burst (nothing taken lately). */
  full(): boolean {
    return this.tokens + ((performance.now() - this.at) / 1000) * this.rate >= this.burst;
  }
}

/** Counts per key in windows of `windowMs` that start at a key's first hit; forgets lapsed keys. */
export class WindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly windowMs: number) {
    this.sweeper = setInterval(() => this.sweep(), windowMs).unref();
  }

  /** Counts one more for `key`; 0 while within `limit`, else the milliseconds until the window ends. */
  hit(key: string, limit: number): number {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) this.windows.set(key, (window = { count: 0, endsAt: now + this.windowMs }));
    if (window.count >= limit) return window.endsAt - now;
    window.count++;
    return 0;
  }

  close() {
    clearInterval(this.sweeper);
    this.windows.clear();
  }

  private sweep() {
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

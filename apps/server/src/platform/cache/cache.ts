import type { Redis } from 'ioredis';

/** Short-lived key-value state shared by every server node (OAuth state, one-time values). */
export interface Cache {
  get(key: string): Promise<string | null>;
  /** Several keys in one round trip, in order. */
  getMany(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Reads and deletes in one step, so a one-time value can be used once across nodes. */
  take(key: string): Promise<string | null>;
  del(key: string): Promise<void>;
  /** Adds to a counter that starts at 0 with this lifetime (kept by later additions), atomically across nodes; answers the new value. */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class MemoryCache implements Cache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async get(key: string) {
    return this.read(key);
  }
  async getMany(keys: string[]) {
    return keys.map((key) => this.read(key));
  }
  async set(key: string, value: string, ttlMs: number) {
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }
  async take(key: string) {
    // Read and delete in the same turn of the event loop, so two takers cannot both win.
    const value = this.read(key);
    this.entries.delete(key);
    return value;
  }
  async del(key: string) {
    this.entries.delete(key);
  }
  async increment(key: string, by: number, ttlMs: number) {
    const current = this.entries.get(key);
    const live = current && current.expiresAt > Date.now() ? current : { value: '0', expiresAt: Date.now() + ttlMs };
    const value = Number(live.value) + by;
    this.entries.set(key, { value: String(value), expiresAt: live.expiresAt });
    return value;
  }
  async ping() {}
  async close() {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
  private read(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }
  private sweep() {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

export class RedisCache implements Cache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  get(key: string) {
    return this.redis.get(this.prefix + key);
  }
  getMany(keys: string[]) {
    return this.redis.mget(keys.map((key) => this.prefix + key));
  }
  async set(key: string, value: string, ttlMs: number) {
    await this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
  }
  take(key: string) {
    return this.redis.getdel(this.prefix + key);
  }
  async del(key: string) {
    await this.redis.del(this.prefix + key);
  }
  async increment(key: string, by: number, ttlMs: number) {
    // SET NX starts the counter with its lifetime; INCRBY keeps that lifetime. One MULTI, so no counter outlives it.
    const replies = await this.redis
      .multi()
      .set(this.prefix + key, '0', 'PX', Math.max(1, Math.round(ttlMs)), 'NX')
      .incrby(this.prefix + key, by)
      .exec();
    const [error, value] = replies?.[1] ?? [new Error('cache increment failed'), null];
    if (error) throw error;
    return Number(value);
  }
  async ping() {
    await this.redis.ping();
  }
  async close() {}
}

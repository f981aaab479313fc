import type { Cache } from './cache.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A per-person allowance per UTC day (groups created, strangers contacted), counted in the shared
 * cache so every node draws from the same allowance. A refusal says when the next day starts.
 */
export class DailyQuota {
  constructor(
    private readonly cache: Cache,
    private readonly name: string,
    readonly limit: number,
  ) {}

  /** Takes `count` from today's allowance; when that would pass the limit, takes nothing and says when it resets. */
  async take(userId: string, count = 1): Promise<{ ok: true } | { ok: false; resetsAt: Date }> {
    if (count <= 0) return { ok: true };
    const now = Date.now();
    const dayStart = now - (now % DAY_MS);
    const resetsAt = new Date(dayStart + DAY_MS);
    const key = this.key(userId, dayStart);
    // A minute past midnight, so a counter never expires before its day is over on a node whose clock runs late.
    const used = await this.cache.increment(key, count, resetsAt.getTime() - now + 60_000);
    if (used <= this.limit) return { ok: true };
    await this.cache.increment(key, -count, resetsAt.getTime() - now + 60_000);
    return { ok: false, resetsAt };
  }

  /** Returns what `take` took, when the action it paid for did not happen. */
  async giveBack(userId: string, count = 1): Promise<void> {
    if (count <= 0) return;
    const now = Date.now();
    const dayStart = now - (now % DAY_MS);
    await this.cache.increment(this.key(userId, dayStart), -count, dayStart + DAY_MS - now + 60_000);
  }

  private key(userId: string, dayStart: number) {
    return `quota:${this.name}:${userId}:${new Date(dayStart).toISOString().slice(0, 10)}`;
  }
}

import type { Redis } from 'ioredis';
import type { Result } from '../../platform/http/errors.js';
import type { NotificationInput } from '../notifications/service.js';

/**
 * How long a waiting person stays in the queue without checking in: the page checks in every
 * 20 s while it waits, so a closed tab or a lost connection drops out within this.
 */
export const QUICK_MATCH_STALE_MS = 45_000;
/** After this long in the queue the page asks with relaxed criteria, and says so. */
export const QUICK_MATCH_RELAX_MS = 120_000;
/** Waiting people a joiner scores, oldest first: enough for a busy hour, bounded per join. */
const MAX_SCANNED = 200;

/** Who waits for a quick match, shared by every node (Redis) or kept in this process (embedded). */
export interface QuickMatchQueue {
  /** Adds a waiting person, or refreshes their check-in. */
  join(userId: string, at: number): Promise<void>;
  leave(userId: string): Promise<void>;
  /** People who checked in since `since`, oldest first. */
  waiting(since: number, limit: number): Promise<string[]>;
  /** Takes both out of the queue if both are still in it, in one step: true for exactly one caller. */
  claimPair(a: string, b: string): Promise<boolean>;
}

export function memoryQueue(): QuickMatchQueue {
  const queue = new Map<string, number>();
  return {
    async join(userId, at) {
      queue.set(userId, at);
    },
    async leave(userId) {
      queue.delete(userId);
    },
    async waiting(since, limit) {
      return [...queue]
        .filter(([, at]) => at >= since)
        .sort((x, y) => x[1] - y[1])
        .slice(0, limit)
        .map(([id]) => id);
    },
    async claimPair(a, b) {
      // One thread: the check and the removal cannot interleave with another claim.
      if (!queue.has(a) || !queue.has(b)) return false;
      queue.delete(a);
      queue.delete(b);
      return true;
    },
  };
}

// Both still waiting, then both removed, inside one script: Redis runs a script atomically, so
// two nodes claiming overlapping pairs cannot both succeed.
const CLAIM_PAIR = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0`;

export function redisQueue(redis: Redis, key: string): QuickMatchQueue {
  return {
    async join(userId, at) {
      await redis.zadd(key, at, userId);
    },
    async leave(userId) {
      await redis.zrem(key, userId);
    },
    async waiting(since, limit) {
      // Check-ins older than the cut are gone for good: drop them while reading.
      await redis.zremrangebyscore(key, '-inf', `(${since}`);
      return redis.zrangebyscore(key, since, '+inf', 'LIMIT', 0, limit);
    },
    async claimPair(a, b) {
      return Number(await redis.eval(CLAIM_PAIR, 1, key, a, b)) === 1;
    },
  };
}

export type QuickMatchOutcome =
  { state: 'waiting'; roomId: null; partnerId: null } | { state: 'matched'; roomId: string; partnerId: string };

/**
 * Quick match: a joiner scores the people waiting (the same hard filters and reciprocal score as
 * recommendations), then claims the best compatible one together with themselves. Whoever loses a
 * claim race was just paired by the winner, who tells both; calls come with the sessions issue,
 * so a pair meets in their 1:1 room.
 */
export function createQuickMatch(deps: {
  queue: QuickMatchQueue;
  /** Compatibility of the joiner with each person, percent; 0 or absent when they may not be paired. */
  compatibility: (userId: string, others: string[], relaxed: boolean) => Promise<Map<string, number>>;
  openRoom: (userId: string, partnerId: string) => Promise<Result<{ id: string }>>;
  notify: (notification: NotificationInput) => Promise<void>;
  nameOf: (userId: string) => Promise<string>;
}) {
  const waiting: QuickMatchOutcome = { state: 'waiting', roomId: null, partnerId: null };
  return {
    /** `relaxed` after QUICK_MATCH_RELAX_MS of waiting: the joiner's own gender and age wishes are set aside. */
    async join(userId: string, relaxed = false): Promise<QuickMatchOutcome> {
      const now = Date.now();
      await deps.queue.join(userId, now);
      const others = (await deps.queue.waiting(now - QUICK_MATCH_STALE_MS, MAX_SCANNED)).filter((id) => id !== userId);
      if (!others.length) return waiting;
      const scores = await deps.compatibility(userId, others, relaxed);
      const ranked = others.filter((id) => (scores.get(id) ?? 0) > 0).sort((x, y) => scores.get(y)! - scores.get(x)!);
      for (const partnerId of ranked) {
        if (!(await deps.queue.claimPair(userId, partnerId))) continue;
        const room = await deps.openRoom(userId, partnerId);
        if (!room.ok) continue;
        const link = `/chat/${room.value.id}`;
        await Promise.all(
          [
            [userId, partnerId],
            [partnerId, userId],
          ].map(async ([to, other]) => {
            const name = await deps.nameOf(other!);
            await deps.notify({
              userId: to!,
              category: 'match',
              kind: 'quick-match',
              title: { ko: name, en: name },
              body: { ko: '빠른 매칭으로 연결됐어요', en: 'You were paired by quick match' },
              link,
              key: `quick-match:${room.value.id}:${now}`,
              about: other!,
            });
          }),
        );
        return { state: 'matched', roomId: room.value.id, partnerId };
      }
      return waiting;
    },
    leave: (userId: string) => deps.queue.leave(userId),
  };
}

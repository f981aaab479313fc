import type { Redis } from 'ioredis';

/**
 * Who is connected, across every node: one entry per open connection, each alive for a TTL that
 * its node keeps renewing, so a node that dies without saying goodbye stops counting on its own.
 */
export interface PresenceEntry {
  userId: string;
  connectionId: string;
}

export interface PresenceStatus {
  online: boolean;
  /** Now while online; otherwise when the last connection closed (or was last renewed). */
  lastSeen: Date | null;
}

export interface PresenceStore {
  /** Marks these connections open for `ttlMs` more. */
  keepAlive(entries: PresenceEntry[], ttlMs: number): Promise<void>;
  remove(entry: PresenceEntry): Promise<void>;
  status(userId: string): Promise<PresenceStatus>;
}

/** The embedded mode's store: one process, so a map is the whole truth. */
export class MemoryPresence implements PresenceStore {
  private readonly open = new Map<string, Map<string, number>>();
  private readonly seen = new Map<string, number>();

  async keepAlive(entries: PresenceEntry[], ttlMs: number) {
    const now = Date.now();
    for (const { userId, connectionId } of entries) {
      let connections = this.open.get(userId);
      if (!connections) this.open.set(userId, (connections = new Map()));
      connections.set(connectionId, now + ttlMs);
      this.seen.set(userId, now);
    }
  }
  async remove({ userId, connectionId }: PresenceEntry) {
    const connections = this.open.get(userId);
    connections?.delete(connectionId);
    if (connections?.size === 0) this.open.delete(userId);
    this.seen.set(userId, Date.now());
  }
  async status(userId: string): Promise<PresenceStatus> {
    const now = Date.now();
    const connections = this.open.get(userId);
    const online = connections ? [...connections.values()].some((expiresAt) => expiresAt > now) : false;
    const seen = this.seen.get(userId);
    return { online, lastSeen: online ? new Date(now) : seen === undefined ? null : new Date(seen) };
  }
}

const LAST_SEEN_TTL_MS = 90 * 24 * 3600 * 1000;

/**
 * Shared by all nodes: a sorted set per user whose members are connection ids scored by the time
 * they stop counting, so "online" is one ZCOUNT and expired members need no sweeper to be ignored.
 */
export class RedisPresence implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private openKey = (userId: string) => `${this.prefix}presence:open:${userId}`;
  private seenKey = (userId: string) => `${this.prefix}presence:seen:${userId}`;

  async keepAlive(entries: PresenceEntry[], ttlMs: number) {
    if (entries.length === 0) return;
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const { userId, connectionId } of entries) {
      pipeline.zadd(this.openKey(userId), now + ttlMs, connectionId);
      pipeline.pexpire(this.openKey(userId), ttlMs);
      pipeline.set(this.seenKey(userId), String(now), 'PX', LAST_SEEN_TTL_MS);
    }
    await pipeline.exec();
  }
  async remove({ userId, connectionId }: PresenceEntry) {
    const now = Date.now();
    await this.redis
      .pipeline()
      .zrem(this.openKey(userId), connectionId)
      .zremrangebyscore(this.openKey(userId), '-inf', now)
      .set(this.seenKey(userId), String(now), 'PX', LAST_SEEN_TTL_MS)
      .exec();
  }
  async status(userId: string): Promise<PresenceStatus> {
    const now = Date.now();
    const [count, seen] = await Promise.all([
      this.redis.zcount(this.openKey(userId), `(${now}`, '+inf'),
      this.redis.get(this.seenKey(userId)),
    ]);
    const online = count > 0;
    return { online, lastSeen: online ? new Date(now) : seen === null ? null : new Date(Number(seen)) };
  }
}

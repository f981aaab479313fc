import type { Redis } from 'ioredis';

/**
 * Who is connected, across every node: one entry per open connection, each alive for a TTL that
 * its node keeps renewing, so a node that dies without saying goodbye stops counting on its own.
 */
export interface PresenceEntry {
  userId: string;
  connectionId: string;
  /** The client said this connection is idle or in the background. */
  away?: boolean;
}

export interface PresenceStatus {
  /** Connected on any node (active or away). */
  online: boolean;
  /** `online` when at least one connection is active, `away` when all are away, else `offline`. */
  state: 'online' | 'away' | 'offline';
  /** Now while online; otherwise when the last connection closed (or was last renewed). */
  lastSeen: Date | null;
}

export interface PresenceStore {
  /** Marks these connections open for `ttlMs` more. */
  keepAlive(entries: PresenceEntry[], ttlMs: number): Promise<void>;
  remove(entry: PresenceEntry): Promise<void>;
  status(userId: string): Promise<PresenceStatus>;
  /** Open connections of the user on every node (away ones included). */
  connections(userId: string): Promise<number>;
  /**
   * Drops the connections whose node stopped renewing them (it died without saying goodbye) and
   * returns their people, so the people who watch them can be told. Safe to call from every node.
   */
  sweepExpired(): Promise<string[]>;
}

/** The embedded mode's store: one process, so a map is the whole truth. */
export class MemoryPresence implements PresenceStore {
  private readonly open = new Map<string, Map<string, { expiresAt: number; away: boolean }>>();
  private readonly seen = new Map<string, number>();

  async keepAlive(entries: PresenceEntry[], ttlMs: number) {
    const now = Date.now();
    for (const { userId, connectionId, away = false } of entries) {
      let connections = this.open.get(userId);
      if (!connections) this.open.set(userId, (connections = new Map()));
      connections.set(connectionId, { expiresAt: now + ttlMs, away });
      this.seen.set(userId, now);
    }
  }
  async remove({ userId, connectionId }: PresenceEntry) {
    const connections = this.open.get(userId);
    connections?.delete(connectionId);
    if (connections?.size === 0) this.open.delete(userId);
    this.seen.set(userId, Date.now());
  }
  async sweepExpired() {
    const now = Date.now();
    const gone: string[] = [];
    for (const [userId, connections] of this.open) {
      for (const [connectionId, connection] of connections) if (connection.expiresAt <= now) connections.delete(connectionId);
      if (connections.size === 0) {
        this.open.delete(userId);
        gone.push(userId);
      }
    }
    return gone;
  }
  async connections(userId: string) {
    const now = Date.now();
    let count = 0;
    for (const connection of this.open.get(userId)?.values() ?? []) if (connection.expiresAt > now) count++;
    return count;
  }
  async status(userId: string): Promise<PresenceStatus> {
    const now = Date.now();
    const live = [...(this.open.get(userId)?.values() ?? [])].filter((c) => c.expiresAt > now);
    const online = live.length > 0;
    const seen = this.seen.get(userId);
    return {
      online,
      state: !online ? 'offline' : live.some((c) => !c.away) ? 'online' : 'away',
      lastSeen: online ? new Date(now) : seen === undefined ? null : new Date(seen),
    };
  }
}

const LAST_SEEN_TTL_MS = 90 * 24 * 3600 * 1000;

/**
 * Shared by all nodes: a sorted set per user whose members are connection ids scored by the time
 * they stop counting, so "online" is one ZCOUNT and expired members are ignored even before the
 * sweep removes them (the sweep is only there to tell people that someone went offline).
 * A second set holds only the connections that are not away, so "away" is the first without the second.
 */
export class RedisPresence implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private openKey = (userId: string) => `${this.prefix}presence:open:${userId}`;
  private activeKey = (userId: string) => `${this.prefix}presence:active:${userId}`;
  private seenKey = (userId: string) => `${this.prefix}presence:seen:${userId}`;
  /** Every connection of every node, scored by when it lapses: what the sweep reads. */
  private get expiryKey() {
    return `${this.prefix}presence:expiry`;
  }

  async keepAlive(entries: PresenceEntry[], ttlMs: number) {
    if (entries.length === 0) return;
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const { userId, connectionId, away = false } of entries) {
      pipeline.zadd(this.openKey(userId), now + ttlMs, connectionId);
      pipeline.pexpire(this.openKey(userId), ttlMs);
      pipeline.zadd(this.expiryKey, now + ttlMs, `${userId}\n${connectionId}`);
      if (away) pipeline.zrem(this.activeKey(userId), connectionId);
      else pipeline.zadd(this.activeKey(userId), now + ttlMs, connectionId).pexpire(this.activeKey(userId), ttlMs);
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
      .zrem(this.activeKey(userId), connectionId)
      .zrem(this.expiryKey, `${userId}\n${connectionId}`)
      .set(this.seenKey(userId), String(now), 'PX', LAST_SEEN_TTL_MS)
      .exec();
  }
  async sweepExpired() {
    const now = Date.now();
    const lapsed = await this.redis.zrangebyscore(this.expiryKey, '-inf', now, 'LIMIT', 0, 1000);
    if (lapsed.length === 0) return [];
    // Every node may sweep: the one whose ZREM takes a connection is the one that reports it.
    const take = this.redis.pipeline();
    for (const member of lapsed) take.zrem(this.expiryKey, member);
    const taken = (await take.exec()) ?? [];
    const users = [...new Set(lapsed.filter((_, i) => taken[i]?.[1] === 1).map((member) => member.slice(0, member.indexOf('\n'))))];
    // Reported only if no other connection of theirs is still open.
    const count = this.redis.pipeline();
    for (const userId of users) count.zcount(this.openKey(userId), `(${now}`, '+inf');
    const live = (await count.exec()) ?? [];
    return users.filter((_, i) => live[i]?.[1] === 0);
  }
  connections(userId: string) {
    return this.redis.zcount(this.openKey(userId), `(${Date.now()}`, '+inf');
  }
  async status(userId: string): Promise<PresenceStatus> {
    const now = Date.now();
    const [count, active, seen] = await Promise.all([
      this.redis.zcount(this.openKey(userId), `(${now}`, '+inf'),
      this.redis.zcount(this.activeKey(userId), `(${now}`, '+inf'),
      this.redis.get(this.seenKey(userId)),
    ]);
    const online = count > 0;
    return {
      online,
      state: !online ? 'offline' : active > 0 ? 'online' : 'away',
      lastSeen: online ? new Date(now) : seen === null ? null : new Date(Number(seen)),
    };
  }
}

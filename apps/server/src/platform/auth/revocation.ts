import type { Bus } from '../bus/bus.js';
import type { Cache } from '../cache/cache.js';
import type { AccessClaims, AccessTokens, VerifyResult } from './tokens.js';

/** The bus channel on which a node says that sessions ended, so every node refuses them and closes their connections. */
const ENDED_CHANNEL = 'auth:sessions-ended';
/** How long this node believes "not ended" without news from the bus: the bound on a lost bus message. */
const REMEMBER_MS = 30_000;
const MAX_REMEMBERED = 100_000;

/** Sessions that ended: the listed families of one person, or (without families) every session of an account that is gone. */
export interface EndedSessions {
  userId: string;
  familyIds?: string[];
  /** Why, when it is not a sign-out (a suspension): the refusal the closed connections are told. */
  reason?: { code: string; message: string; details?: unknown };
}

/** Whether a connection or request opened with these claims belongs to the sessions that ended. */
export const endedCovers = (ended: EndedSessions, claims: { userId: string; familyId?: string }) =>
  ended.userId === claims.userId &&
  (ended.familyIds === undefined || (claims.familyId !== undefined && ended.familyIds.includes(claims.familyId)));

const userKey = (userId: string) => `session-ended:user:${userId}`;
const familyKey = (familyId: string) => `session-ended:family:${familyId}`;

/**
 * Ends access tokens before they expire. Ending a session family (sign-out, a replayed refresh
 * token, "sign out everywhere") or an account (deletion) writes a flag per family or per account
 * into the shared cache (Redis in production) for as long as a token issued before it can live,
 * then tells every node on the bus. Access tokens carry their family (`sid`), so a flag refuses
 * exactly the tokens it should; account ids are never reused, so the account flag needs no time.
 *
 * Every request asks, so each node remembers what it read for REMEMBER_MS and the bus updates it
 * at once: a hit is a map lookup. A read that overlaps an ending is not remembered, and until the
 * bus subscription is live nothing is. Should the cache not answer, what this node knows decides
 * (availability over a sign-out that the bus still delivers).
 */
export class SessionRevocations {
  private readonly remembered = new Map<string, { ended: boolean; at: number }>();
  private readonly listeners = new Set<(ended: EndedSessions) => void>();
  private endings = 0;
  private listening = false;
  private readonly flagTtlMs: number;

  constructor(
    private readonly tokens: Pick<AccessTokens, 'verify' | 'ttlSeconds'>,
    private readonly cache: Cache,
    private readonly bus: Bus,
    private readonly log: { warn(context: object, message: string): void } = { warn() {} },
  ) {
    // A token lives ttlSeconds; a minute more covers clocks that disagree a little.
    this.flagTtlMs = tokens.ttlSeconds * 1000 + 60_000;
  }

  /** Listens on the bus; call once before serving. */
  async start(): Promise<void> {
    await this.bus
      .subscribe(ENDED_CHANNEL, (message) => this.heard(message))
      .then(
        () => void (this.listening = true),
        (error) => this.log.warn({ err: error }, 'session revocations: bus subscribe failed; every check reads the cache'),
      );
  }

  /** Told on every node whenever sessions end there or elsewhere (to close their connections). */
  onEnded(listener: (ended: EndedSessions) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Verifies the signature and expiry, then refuses a token whose session ended. */
  async verify(token: string | undefined): Promise<VerifyResult> {
    const result = await this.tokens.verify(token);
    if (!result.ok) return result;
    return (await this.isEnded(result.claims)) ? { ok: false, reason: 'revoked' } : result;
  }

  async isEnded(claims: Pick<AccessClaims, 'sub' | 'sid'>): Promise<boolean> {
    const keys = claims.sid === undefined ? [userKey(claims.sub)] : [userKey(claims.sub), familyKey(claims.sid)];
    const now = Date.now();
    const known = keys.map((key) => this.remembered.get(key));
    if (known.some((entry) => entry?.ended)) return true;
    if (known.every((entry) => entry !== undefined && now - entry.at < REMEMBER_MS)) return false;
    const before = this.endings;
    let values: (string | null)[];
    try {
      values = await this.cache.getMany(keys);
    } catch (error) {
      this.log.warn({ err: error }, 'session revocations: cache read failed; deciding from what this node knows');
      return false;
    }
    const ended = values.some((value) => value !== null);
    if (this.listening && before === this.endings) keys.forEach((key, i) => this.remember(key, values[i] !== null, now));
    return ended;
  }

  /** Ends these session families of a person: their access tokens are refused and their connections closed, on every node. */
  async endFamilies(userId: string, familyIds: string[], reason?: EndedSessions['reason']): Promise<void> {
    if (familyIds.length === 0) return;
    await this.announce({ userId, familyIds, ...(reason ? { reason } : {}) }, familyIds.map(familyKey));
  }

  /** Ends every session of an account that is gone. */
  async endAccount(userId: string): Promise<void> {
    await this.announce({ userId }, [userKey(userId)]);
  }

  private async announce(ended: EndedSessions, keys: string[]) {
    const message = JSON.stringify(ended);
    // This node refuses at once, whatever the cache and the bus do next.
    this.heard(message);
    await Promise.all(keys.map((key) => this.cache.set(key, '1', this.flagTtlMs)));
    await this.bus.publish(ENDED_CHANNEL, message);
  }

  private heard(message: string) {
    this.endings++;
    let ended: EndedSessions;
    try {
      ended = JSON.parse(message) as EndedSessions;
    } catch {
      return;
    }
    const now = Date.now();
    if (ended.familyIds === undefined) this.remember(userKey(ended.userId), true, now);
    else for (const familyId of ended.familyIds) this.remember(familyKey(familyId), true, now);
    for (const listener of this.listeners) {
      try {
        listener(ended);
      } catch (error) {
        this.log.warn({ err: error }, 'session revocations: listener failed');
      }
    }
  }

  private remember(key: string, ended: boolean, at: number) {
    // An ending is a fact until the tokens it ends expire; never overwrite it with an older "not ended".
    const previous = this.remembered.get(key);
    if (previous?.ended && !ended) return;
    this.remembered.delete(key);
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
    this.remembered.set(key, { ended, at });
  }
}

import type { Kysely } from 'kysely';
import { SLOTS_PER_DAY } from '@studymate/contracts';
import type { DecisionEffects } from '@studymate/matching';
import type { PartnerProfile, ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import * as repo from './repository.js';
import type { DecisionStats, MatchingPoolTable, MatchingTables, PoolRowWithFacts } from './repository.js';

/**
 * Matching's own copy of what it scores of each onboarded person (`matching_pool`): one row per
 * language pair the person can exchange, so candidate generation is a primary-key range that
 * returns the features too, instead of an id walk followed by five profile reads per batch. The
 * profile module stays the owner of the facts; this is a view of them, rewritten after every
 * committed change (profile's onChange) and caught up at start-up for changes a crash lost.
 */

/**
 * Parsed rows remembered per node, checked against the row's `saved_at`; each is about 1-2 KB of
 * heap. 30,000 holds the candidates of 100 cold viewers at 300 each (the recommendations bench
 * has 50) within about 50 MB.
 */
const MAX_PARSED = 30_000;
/**
 * The catch-up looks this far behind its watermark: a change committed by another node whose
 * clock runs behind ours, or whose listener had not yet written the row, is still picked up.
 */
const CATCH_UP_OVERLAP_MS = 10 * 60_000;
/** People refreshed per batch during the catch-up: bounded reads and one short transaction each. */
const CATCH_UP_BATCH = 200;
/**
 * Pause between catch-up batches: SQLite has one writer, and other writes (sign-ins, messages)
 * must find the lock free within their busy timeout while a 100,000-person rebuild runs.
 */
const CATCH_UP_PAUSE_MS = 25;

/**
 * A person's activity is written at most this often: the engine counts anyone seen within a day
 * as fully active and halves the credit per week away after that, so an hour's staleness moves a
 * score by at most 0.4 % of the component (0.5^(1 h / 7 d)); a write per message or connection
 * would cost far more than it tells.
 */
export const ACTIVITY_WRITE_GAP_MS = 3600_000;
/**
 * When a person's activity found nothing to write (not in the pool yet, or another node wrote it
 * within the hour), this node asks again only after this long.
 */
const ACTIVITY_RECHECK_MS = 5 * 60_000;
/** People whose last activity write this node remembers (a timestamp and a key each). */
const MAX_ACTIVITY_REMEMBERED = 100_000;

/** A candidate as the pool holds them: the profile as last copied, and when they were last seen. */
export interface PooledPerson {
  profile: PartnerProfile;
  /**
   * The name others see, as written with the row, unmasked (null in rows from before names were
   * copied): it changes only with the profile's English name, which rewrites the row, and a
   * deleted account leaves the pool.
   */
  name: string | null;
  /** Epoch ms; null when nothing has told matching of them since they joined the pool. */
  lastActiveAt: number | null;
  /** Decisions made by and about them, read with the row. */
  decisions: DecisionStats;
  /** Their decision effects from the last periodic fit, read with the row (null: the fit saw none of their decisions). */
  effects: DecisionEffects | null;
  /** Open requests waiting for them, read with the row. */
  waiting: number;
}

/** Languages a person can offer a partner: native, or C1 and above (spoken, or learnt and tested or rated so). */
export function offers(p: PartnerProfile): string[] {
  const teaching = (level: string) => level === 'C1' || level === 'C2';
  const verified = new Map(p.verified.map((v) => [v.language, v.level]));
  return [
    ...new Set([
      ...(p.native ? [p.native] : []),
      ...p.speaks.filter((s) => teaching(s.level)).map((s) => s.language),
      ...p.learns.filter((l) => teaching(verified.get(l.language) ?? l.level)).map((l) => l.language),
    ]),
  ];
}

/** Stored form: the weekly slots as numbers (day-1)·48+slot, a few bytes each instead of an object. */
function encode(p: PartnerProfile): string {
  return JSON.stringify({ ...p, availability: p.availability.map((a) => (a.day - 1) * SLOTS_PER_DAY + a.slot) });
}

function decode(json: string): PartnerProfile {
  const raw = JSON.parse(json) as Omit<PartnerProfile, 'availability'> & { availability: number[] };
  return {
    ...raw,
    availability: raw.availability.map((n) => ({ day: Math.floor(n / SLOTS_PER_DAY) + 1, slot: n % SLOTS_PER_DAY })),
  };
}

/** The rows a person has in the pool: every language they offer against every one they learn. */
export function poolRows(p: PartnerProfile, name: string | null, at: number): Omit<MatchingPoolTable, 'last_active_at'>[] {
  if (!p.onboarded) return [];
  const features = encode(p);
  const learns = [...new Set(p.learns.map((l) => l.language))];
  return offers(p).flatMap((offer) =>
    learns
      .filter((learn) => learn !== offer)
      .map((learn) => ({ offer_language: offer, learn_language: learn, user_id: p.id, features, saved_at: at, display_name: name })),
  );
}

export type MatchingPool = ReturnType<typeof createMatchingPool>;

export function createMatchingPool(deps: { db: Kysely<MatchingTables>; profile: ProfileService; users: UsersService }) {
  const { db, profile, users } = deps;
  const parsed = new Map<string, { savedAt: number; profile: PartnerProfile }>();
  /** userId -> until when this node need not write the person's activity again. */
  const activityQuiet = new Map<string, number>();

  function parse(row: { user_id: string; features: string; saved_at: number }): PartnerProfile {
    const savedAt = Number(row.saved_at);
    const known = parsed.get(row.user_id);
    if (known?.savedAt === savedAt) return known.profile;
    const p = decode(row.features);
    if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value!);
    parsed.set(row.user_id, { savedAt, profile: p });
    return p;
  }

  const pooled = (row: PoolRowWithFacts): PooledPerson => ({
    profile: parse(row),
    name: row.display_name,
    lastActiveAt: row.last_active_at,
    decisions: row.decisions,
    effects: row.effects,
    waiting: row.waiting,
  });

  /** Rewrites the pool rows of these people from their profiles now (left out: not onboarded, deleted). */
  async function refresh(userIds: string[]) {
    if (!userIds.length) return;
    const [profiles, names] = await Promise.all([profile.partnerProfiles(userIds), users.namesOf(userIds, { raw: true })]);
    const at = Date.now();
    await repo.replacePoolRows(
      db,
      userIds,
      // A deleted account offers nothing; its rows go.
      [...profiles.values()].flatMap((p) => {
        const name = names.get(p.id);
        return name?.deleted ? [] : poolRows(p, name?.displayName ?? null, at);
      }),
    );
  }

  return {
    refresh,

    /**
     * The person used STUDYMATE at `at` (a connection opened or closed, messages sent): written
     * to their pool rows at most once per ACTIVITY_WRITE_GAP_MS, checked here first so most calls
     * cost nothing, and in the update itself so several nodes write it once between them.
     */
    async recordActivity(userId: string, at: number = Date.now()) {
      const quietUntil = activityQuiet.get(userId);
      if (quietUntil !== undefined && at < quietUntil) return;
      const written = await repo.recordActivity(db, userId, at, ACTIVITY_WRITE_GAP_MS);
      activityQuiet.delete(userId);
      if (activityQuiet.size >= MAX_ACTIVITY_REMEMBERED) activityQuiet.delete(activityQuiet.keys().next().value!);
      activityQuiet.set(userId, at + (written ? ACTIVITY_WRITE_GAP_MS : ACTIVITY_RECHECK_MS));
    },

    /**
     * Brings the pool up to date with every profile change since the last catch-up finished (all
     * of them the first time, after the migration). Idempotent; safe on several nodes at once.
     */
    async catchUp(progress: (done: number, total: number) => void = () => undefined) {
      const startedAt = Date.now();
      const since = await repo.poolSyncedUntil(db);
      const ids = await profile.changedSince(since === 0 ? 0 : since - CATCH_UP_OVERLAP_MS);
      for (let i = 0; i < ids.length; i += CATCH_UP_BATCH) {
        progress(i, ids.length);
        await refresh(ids.slice(i, i + CATCH_UP_BATCH));
        await new Promise((resolve) => setTimeout(resolve, CATCH_UP_PAUSE_MS));
      }
      await repo.setPoolSyncedUntil(db, startedAt);
      return ids.length;
    },

    /**
     * Up to `limit` people who offer one of `learns` and learn one of `offers`, excluding
     * `exclude`; each language pair is walked from `pivot` (the viewer's own id spreads viewers
     * apart, so a bounded slice never shows everyone the same few).
     */
    async candidates(q: { learns: string[]; offers: string[]; exclude: string; limit: number; pivot: string }): Promise<PooledPerson[]> {
      const found = new Map<string, PooledPerson>();
      for (const learn of q.learns) {
        for (const offer of q.offers) {
          if (found.size >= q.limit || learn === offer) continue;
          const rows = await repo.poolRange(db, learn, offer, q.pivot, q.limit - found.size + 1);
          for (const row of rows) {
            if (row.user_id === q.exclude || found.has(row.user_id) || found.size >= q.limit) continue;
            found.set(row.user_id, pooled(row));
          }
        }
      }
      return [...found.values()];
    },

    /** Some people as the pool holds them, with when they were last seen (anyone not in the pool is left out). */
    async peopleOf(userIds: string[]): Promise<Map<string, PooledPerson>> {
      const rows = await repo.poolRowsOf(db, [...new Set(userIds)]);
      return new Map(rows.map((row) => [row.user_id, pooled(row)]));
    },
  };
}

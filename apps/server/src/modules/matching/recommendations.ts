import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  availabilityBitset,
  emptyPreference,
  formatReasons,
  levelIn,
  overlapMinutes,
  reciprocalScore,
  recommend,
  recordDecision,
  weekStartUtc,
  type CefrLevel,
  type Locale,
  type MatchProfile,
  type Reason,
} from '@studymate/matching';
import {
  MAX_RECOMMENDATIONS,
  RECOMMENDATION_PAGE_SIZE,
  type PartnerCard,
  type PartnerSearchQuery,
  type RecommendationPage,
} from '@studymate/contracts';
import type { Cache } from '../../platform/cache/cache.js';
import { ViewCache } from '../../platform/cache/view-cache.js';
import type { PresenceLookup } from '../chat/service.js';
import type { PartnerProfile, ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import { maySee } from './policy.js';
import * as repo from './repository.js';
import type { MatchingTables } from './repository.js';

/**
 * How long a viewer's ranked list is served unchanged. The viewer's own changes, and blocks,
 * requests and accepts on either side, invalidate it at once; a candidate's profile edit shows
 * within this bound (invalidating every viewer who might rank that candidate would cost more
 * than recomputing).
 */
const RANKED_TTL_MS = 60_000;
/**
 * Candidates scored per viewer: the SQL step keeps the in-memory step bounded. 500 keeps a cache
 * miss near 100 ms of work among 100,000 people on the 2-core machines we run on (bench/README.md);
 * each viewer's slice starts at their own id, so different viewers see different people.
 */
const MAX_CANDIDATES = 500;
/** Search answers with at most this many people. */
const MAX_SEARCH_RESULTS = 50;
/** Past decisions the viewer's learned preference is built from. */
const MAX_LEARNED_DECISIONS = 200;
/** Weekly bitsets remembered per node (each 84 bytes plus its key). */
const MAX_BITSETS = 100_000;
/**
 * Candidates' profiles are remembered per node for as long as a ranking is (a candidate's edit
 * shows within the same bound); loading 500 of them was most of a cache miss's time among
 * 100,000 people. The viewer's own profile is always read fresh.
 */
const CANDIDATE_TTL_MS = RANKED_TTL_MS;
const MAX_REMEMBERED_CANDIDATES = 20_000;

/** A person the viewer could meet, with the engine's verdict. */
interface Ranked {
  id: string;
  score: number;
  percent: number;
  reasons: Reason[];
}

const cefr = (level: string) => level as CefrLevel;

/** Languages a person can offer a partner: native, or C1 and above (spoken, or learnt and tested or rated so). */
function offers(p: PartnerProfile): string[] {
  const teaching = (level: string) => level === 'C1' || level === 'C2';
  const verified = new Map(p.verified.map((v) => [v.language, v.level]));
  return [
    ...(p.native ? [p.native] : []),
    ...p.speaks.filter((s) => teaching(s.level)).map((s) => s.language),
    ...p.learns.filter((l) => teaching(verified.get(l.language) ?? l.level)).map((l) => l.language),
  ];
}

/** The one presenter of a partner for matching's replies: nothing of the row beyond what a card shows. */
export function toPartnerCard(p: PartnerProfile, name: string, percent: number, reasons: string[]): PartnerCard {
  const verified = new Map(p.verified.map((v) => [v.language, v.level]));
  return {
    userId: p.id,
    name: p.englishName ?? name,
    photoUrl: p.photoUrl,
    cityId: p.cityId,
    timeZone: p.timeZone,
    intro: p.intro,
    speaks: [
      ...(p.native ? [{ language: p.native, level: 'native', verified: false }] : []),
      ...p.speaks.map((s) => ({ language: s.language, level: s.level, verified: false })),
    ] as PartnerCard['speaks'],
    learns: p.learns.map((l) => ({
      language: l.language,
      level: verified.get(l.language) ?? l.level,
      verified: verified.has(l.language),
    })) as PartnerCard['learns'],
    topics: p.topics,
    percent,
    reasons,
  };
}

export type Recommender = ReturnType<typeof createRecommender>;

/** The glue between profiles and the engine: candidates in SQL, scoring in memory, a short per-viewer cache. */
export function createRecommender(deps: {
  db: Kysely<MatchingTables>;
  profile: ProfileService;
  users: UsersService;
  cache: Cache;
  presence?: PresenceLookup;
}) {
  const { db, profile, users } = deps;
  const rankedView = new ViewCache(deps.cache, 'matching-ranked', RANKED_TTL_MS);
  const bitsets = new Map<string, { key: string; bits: Uint32Array | null }>();

  /** This week's UTC bitset of a person, remembered until the week or their schedule changes. */
  function bitsetOf(p: PartnerProfile, weekStart: number): Uint32Array | null {
    const key = `${weekStart}:${p.savedAt}`;
    const known = bitsets.get(p.id);
    if (known?.key === key) return known.bits;
    const bits = p.timeZone && p.availability.length ? availabilityBitset(p.availability, p.timeZone, weekStart) : null;
    if (bitsets.size >= MAX_BITSETS) bitsets.delete(bitsets.keys().next().value!);
    bitsets.set(p.id, { key, bits });
    return bits;
  }

  const remembered = new Map<string, { at: number; profile: PartnerProfile | null; name: string | null }>();
  /** Candidates' profiles and names, from this node's memory when recent enough; deleted accounts have no name. */
  async function candidateProfiles(ids: string[]) {
    const now = Date.now();
    const missing = ids.filter((id) => now - (remembered.get(id)?.at ?? 0) > CANDIDATE_TTL_MS);
    if (missing.length) {
      const [profiles, names] = await Promise.all([profile.partnerProfiles(missing), users.namesOf(missing)]);
      for (const id of missing) {
        const name = names.get(id);
        remembered.delete(id);
        if (remembered.size >= MAX_REMEMBERED_CANDIDATES) remembered.delete(remembered.keys().next().value!);
        remembered.set(id, { at: now, profile: profiles.get(id) ?? null, name: name && !name.deleted ? name.displayName : null });
      }
    }
    return ids.map((id) => remembered.get(id)!).filter((e) => e.profile && e.name !== null) as { profile: PartnerProfile; name: string }[];
  }

  function toMatchProfile(p: PartnerProfile, weekStart: number, extra: Partial<MatchProfile>): MatchProfile {
    const verified = new Map(p.verified.map((v) => [v.language, v.level]));
    return {
      id: p.id,
      nativeLanguage: p.native ?? '',
      speaks: p.speaks.map((s) => ({ language: s.language, level: cefr(s.level) })),
      learns: p.learns.map((l) => ({
        language: l.language,
        selfLevel: cefr(l.level),
        verifiedLevel: verified.has(l.language) ? cefr(verified.get(l.language)!) : null,
        partnerLevel: cefr(l.partnerLevel),
      })),
      topics: p.topics,
      motivations: p.motivations,
      gender: p.gender,
      birthYear: p.birthYear,
      partnerGender: p.partnerGender ?? 'any',
      partnerAge: p.partnerAge,
      partnerStyles: p.partnerStyles,
      communicationMethod: p.communicationMethod,
      dailyMinutes: p.dailyMinutes,
      timeZone: p.timeZone ?? 'UTC',
      availability: bitsetOf(p, weekStart),
      lastActiveAt: null,
      onboarded: p.onboarded,
      active: true,
      blocked: [],
      mates: [],
      decisions: { given: 0, accepted: 0, received: 0, acceptedBy: 0 },
      preference: emptyPreference(),
      ...extra,
    };
  }

  /** What the viewer decided on before, as RECON's learned preference. */
  async function learnedPreference(viewerId: string, weekStart: number, now: number) {
    const decisions = await repo.decisionsBy(db, viewerId, MAX_LEARNED_DECISIONS);
    if (!decisions.length) return emptyPreference();
    const partners = await profile.partnerProfiles(decisions.map((d) => d.subject_id));
    let preference = emptyPreference();
    for (const d of decisions) {
      const p = partners.get(d.subject_id);
      if (p) preference = recordDecision(preference, toMatchProfile(p, weekStart, {}), d.kind === 'accept' || d.kind === 'request', now);
    }
    return preference;
  }

  /** The viewer and everyone the SQL step offers them, as the engine's profiles; null before onboarding. */
  async function pool(viewerId: string, language?: string) {
    const now = Date.now();
    const weekStart = weekStartUtc(now);
    const me = (await profile.partnerProfiles([viewerId])).get(viewerId);
    if (!me?.onboarded) return null;
    const learns = me.learns.map((l) => l.language).filter((l) => !language || l === language);
    const [ids, blocked, mates, pending] = await Promise.all([
      profile.candidatesFor(viewerId, { learns, offers: offers(me) }, MAX_CANDIDATES),
      repo.blockedEitherWay(db, viewerId),
      repo.matesOf(db, viewerId),
      repo.pendingPartners(db, viewerId),
    ]);
    // Blocked people, mates and those a request is pending with are never candidates.
    const hidden = new Set([...blocked, ...mates.map((m) => m.mate_id), ...pending]);
    const candidateIds = ids.filter((id) => maySee(viewerId, id, hidden));
    const [found, stats, incoming, preference] = await Promise.all([
      candidateProfiles(candidateIds),
      repo.decisionCounts(db, [viewerId, ...candidateIds]),
      repo.openIncomingCounts(db, candidateIds),
      learnedPreference(viewerId, weekStart, now),
    ]);
    const viewer = toMatchProfile(me, weekStart, {
      blocked,
      mates: mates.map((m) => m.mate_id),
      decisions: stats.get(viewerId)!,
      preference,
    });
    const candidates = found.map(({ profile: p, name }) => ({
      profile: p,
      name,
      match: toMatchProfile(p, weekStart, { decisions: stats.get(p.id)!, openIncomingRequests: incoming.get(p.id) ?? 0 }),
    }));
    return { me, viewer, candidates, options: { now, weekStart } };
  }

  type Pool = NonNullable<Awaited<ReturnType<typeof pool>>>;

  /**
   * The best `limit` candidates that pass `keep` and the hard filters, best first. The score alone
   * ranks everyone; reasons (shared windows, labels) are worked out only for the ones kept.
   */
  function rank(p: Pool, limit: number, keep: (c: Pool['candidates'][number]) => boolean = () => true) {
    const scored: { candidate: Pool['candidates'][number]; score: number }[] = [];
    for (const candidate of p.candidates) {
      if (!keep(candidate)) continue;
      const score = reciprocalScore(p.viewer, candidate.match, p.options);
      if (score !== null) scored.push({ candidate, score });
    }
    scored.sort((a, b) => b.score - a.score || a.candidate.profile.id.localeCompare(b.candidate.profile.id));
    const ranked: (Ranked & { candidate: Pool['candidates'][number] })[] = [];
    for (const { candidate } of scored.slice(0, limit)) {
      const r = recommend(p.viewer, candidate.match, p.options);
      if (r.eligible) ranked.push({ id: candidate.profile.id, score: r.score, percent: r.percent, reasons: r.reasons, candidate });
    }
    return ranked;
  }

  async function rankedFor(viewerId: string): Promise<Ranked[]> {
    const json = await rankedView.read(viewerId, async () => {
      const p = await pool(viewerId);
      const top = p ? rank(p, MAX_RECOMMENDATIONS) : [];
      return JSON.stringify(top.map(({ id, score, percent, reasons }) => ({ id, score, percent, reasons })));
    });
    return JSON.parse(json!) as Ranked[];
  }

  async function cards(entries: Ranked[], locale: Locale): Promise<PartnerCard[]> {
    const ids = entries.map((e) => e.id);
    const [profiles, names] = await Promise.all([profile.partnerProfiles(ids), users.namesOf(ids)]);
    return entries
      .filter((e) => profiles.has(e.id))
      .map((e) => toPartnerCard(profiles.get(e.id)!, names.get(e.id)?.displayName ?? '', e.percent, formatReasons(e.reasons, locale)));
  }

  async function recordShown(viewerId: string, ids: string[]) {
    const at = Date.now();
    await repo.recordEvents(
      db,
      ids.map((id) => ({ id: randomUUID(), actor_id: viewerId, subject_id: id, kind: 'shown' as const, at })),
    );
  }

  return {
    /** One page of the viewer's ranked partners; every card shown is recorded for the engine. */
    async page(viewerId: string, page: number, locale: Locale): Promise<RecommendationPage> {
      const ranked = await rankedFor(viewerId);
      const slice = ranked.slice((page - 1) * RECOMMENDATION_PAGE_SIZE, page * RECOMMENDATION_PAGE_SIZE);
      const items = await cards(slice, locale);
      await recordShown(
        viewerId,
        items.map((i) => i.userId),
      );
      return { items, page, nextPage: ranked.length > page * RECOMMENDATION_PAGE_SIZE ? page + 1 : null };
    },

    /** Search under the same hard filters, narrowed by what the viewer asked for. */
    async search(viewerId: string, q: PartnerSearchQuery, locale: Locale): Promise<PartnerCard[]> {
      const p = await pool(viewerId, q.language);
      if (!p) return [];
      const rankOf = (level: string) => ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'].indexOf(level) + 1;
      const [minRank, maxRank] = [q.levelMin ? rankOf(q.levelMin) : 1, q.levelMax ? rankOf(q.levelMax) : 7];
      const year = new Date(p.options.now).getUTCFullYear();
      let found = rank(p, MAX_SEARCH_RESULTS * 4, ({ match, profile: c }) => {
        const language = q.language ?? p.viewer.learns.map((l) => l.language).find((l) => levelIn(match, l).rank > 0);
        // A native speaker counts as C2 against a level range.
        const level = language ? Math.min(6, levelIn(match, language).rank) : 0;
        if ((q.levelMin || q.levelMax) && (level < minRank || level > Math.min(6, maxRank))) return false;
        if (q.topics?.length && !q.topics.some((t) => c.topics.includes(t))) return false;
        if (q.gender && c.gender !== q.gender) return false;
        const age = c.birthYear === null ? null : year - c.birthYear;
        if ((q.ageMin || q.ageMax) && (age === null || age < (q.ageMin ?? 0) || age > (q.ageMax ?? 200))) return false;
        if (q.minOverlapHours) {
          if (!p.viewer.availability || !match.availability) return false;
          if (overlapMinutes(p.viewer.availability, match.availability) < q.minOverlapHours * 60) return false;
        }
        return true;
      });
      if (q.onlineNow && deps.presence) {
        const lookup = deps.presence;
        const states = await Promise.all(
          found.slice(0, MAX_SEARCH_RESULTS * 4).map((f) =>
            lookup(f.id).then(
              (s) => s.state !== 'offline',
              () => false,
            ),
          ),
        );
        found = found.slice(0, states.length).filter((_, i) => states[i]);
      }
      const top = found.slice(0, MAX_SEARCH_RESULTS);
      await recordShown(
        viewerId,
        top.map((f) => f.id),
      );
      return top.map((f) => toPartnerCard(f.candidate.profile, f.candidate.name, f.percent, formatReasons(f.reasons, locale)));
    },

    /**
     * People as the viewer sees them, with the pair's compatibility when the engine would pair
     * them (0 and no reasons otherwise). Left out: anyone blocked either way, deleted, or not set up.
     */
    async cardsFor(
      viewerId: string,
      subjectIds: string[],
      locale: Locale,
      /** Quick match after a long wait: the viewer's own partner gender and age wishes are set aside. */
      relaxed = false,
    ): Promise<Map<string, PartnerCard>> {
      const blocked = new Set(await repo.blockedEitherWay(db, viewerId));
      const visible = subjectIds.filter((id) => maySee(viewerId, id, blocked));
      const [profiles, names] = await Promise.all([profile.partnerProfiles([viewerId, ...visible]), users.namesOf(visible)]);
      const now = Date.now();
      const weekStart = weekStartUtc(now);
      const me = profiles.get(viewerId);
      const viewer = me && toMatchProfile(me, weekStart, relaxed ? { partnerGender: 'any', partnerAge: null } : {});
      const found = new Map<string, PartnerCard>();
      for (const id of visible) {
        const subject = profiles.get(id);
        const name = names.get(id);
        if (!subject?.onboarded || !name || name.deleted) continue;
        const verdict = viewer ? recommend(viewer, toMatchProfile(subject, weekStart, {}), { now, weekStart }) : null;
        found.set(
          id,
          verdict?.eligible
            ? toPartnerCard(subject, name.displayName, verdict.percent, formatReasons(verdict.reasons, locale))
            : toPartnerCard(subject, name.displayName, 0, []),
        );
      }
      return found;
    },

    /** After anything that changes who the person should see: their profile, a block, a request, an accept. */
    invalidate: (userId: string) => rankedView.invalidate(userId),
  };
}

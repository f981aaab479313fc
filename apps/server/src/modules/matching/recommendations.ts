import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  availabilityBitset,
  directionalFit,
  emptyPreference,
  formatReasons,
  levelIn,
  overlapMinutes,
  populationRates,
  reasons as reasonsFor,
  reciprocalScore,
  recommend,
  recordDecision,
  weekStartUtc,
  type CefrLevel,
  type DecisionEffects,
  type DecisionStats,
  type Locale,
  type MatchProfile,
  type Reason,
  type ScoreOptions,
} from '@studymate/matching';
import {
  MAX_RECOMMENDATIONS,
  RECOMMENDATION_PAGE_SIZE,
  type PartnerCard,
  type PartnerSearchQuery,
  type RecommendationPage,
} from '@studymate/contracts';
import type { Cache } from '../../platform/cache/cache.js';
import { transactionRunner } from '../../platform/db/write-thread.js';
import { ViewCache } from '../../platform/cache/view-cache.js';
import type { PresenceLookup } from '../chat/service.js';
import type { PartnerProfile, ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import { maySee } from './policy.js';
import { offers, type MatchingPool, type PooledPerson } from './pool.js';
import * as repo from './repository.js';
import type { MatchEventsTable, MatchingTables } from './repository.js';

/**
 * How long a viewer's ranked list is served unchanged. The viewer's own changes, and blocks,
 * requests and accepts on either side, invalidate it at once; a candidate's profile edit shows
 * within this bound (invalidating every viewer who might rank that candidate would cost more
 * than recomputing).
 */
const RANKED_TTL_MS = 60_000;
/**
 * Candidates scored per viewer: the SQL step keeps the in-memory step bounded. A cold ranking's
 * CPU grows with them (reading, parsing and scoring each): on the 2-core machines we run on, 500
 * cost 17-22 ms and 300 cost 13 ms (bench/README.md), and at 50 cold viewers a second only the
 * latter leaves the node time to spare, so misses do not queue. Each viewer's slice starts at
 * their own id, so different viewers see different people.
 */
const MAX_CANDIDATES = 300;
/** Viewers whose parsed ranked list a node keeps beside the cached text (100 cards, about 50 KB each). */
const MAX_PARSED_RANKED = 500;
/**
 * Cold rankings worked on at once per node; the rest wait in arrival order. Unbounded, a burst of
 * them shared the event loop evenly and all finished near its end (bench/README.md); one or two
 * at a time left the node idle while their database round trips waited on a loaded machine.
 */
const COLD_RANKINGS = 4;
/** Search answers with at most this many people. */
const MAX_SEARCH_RESULTS = 50;
/** Past decisions the viewer's learned preference is built from. */
const MAX_LEARNED_DECISIONS = 200;
/** How long a node uses the fit's rates it read (a fit runs every MATCH_EFFECTS_SECONDS, 10 minutes by default). */
const FIT_RATES_KEPT_MS = 60_000;
/** Weekly bitsets remembered per node (each 84 bytes plus its key). */
const MAX_BITSETS = 100_000;
type PopulationRates = ReturnType<typeof populationRates>;
/** A person the viewer could meet, with the engine's verdict and their card (reasons in words per reader). */
interface Ranked {
  id: string;
  score: number;
  percent: number;
  /** Null until the page that shows them is asked for: most viewers never turn past the first. */
  reasons: Reason[] | null;
  card: PartnerCard;
}

/**
 * "Shown" events are written in batches at most this far apart: a page view then costs no write of
 * its own (20 rows per page at 50 pages a second was a write per request). A crash loses at most
 * this much of the weakest signal the engine records; decisions are written at once.
 */
const SHOWN_FLUSH_MS = 1_000;
/** Or sooner, once this many are waiting. */
const SHOWN_FLUSH_ROWS = 2_000;

const cefr = (level: string) => level as CefrLevel;

/** The one presenter of a partner for matching's replies: nothing of the row beyond what a card shows. */
export function toPartnerCard(p: PartnerProfile, name: string, percent: number, reasons: string[]): PartnerCard {
  const verified = new Map(p.verified.map((v) => [v.language, v.level]));
  return {
    userId: p.id,
    // The name others see (users.public_name) is this English name; a pool row copied before it was kept may hold the sign-in name.
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
  pool: MatchingPool;
  presence?: PresenceLookup;
}) {
  const { db, profile, users } = deps;
  // Named anew when its stored form changed (now with the population rates): no node reads the old form.
  const rankedView = new ViewCache(deps.cache, 'matching-ranked-v2', RANKED_TTL_MS);
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

  // The engine's view of a pooled profile, built once per parsed row and week (the pool hands out
  // the same object until the row changes); per-request facts are laid over it.
  const bases = new WeakMap<PartnerProfile, { weekStart: number; match: MatchProfile }>();
  function toMatchProfile(p: PartnerProfile, weekStart: number, extra: Partial<MatchProfile>): MatchProfile {
    const known = bases.get(p);
    const base = known?.weekStart === weekStart ? known.match : buildMatchProfile(p, weekStart);
    if (!known || known.weekStart !== weekStart) bases.set(p, { weekStart, match: base });
    return { ...base, ...extra };
  }

  function buildMatchProfile(p: PartnerProfile, weekStart: number): MatchProfile {
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
    };
  }

  // A candidate as ranked: the engine's view of the pooled row with the facts of the moment (their
  // decision counts and the requests waiting for them), kept while those facts stay the same. A
  // later ranking then hands the engine the very same object (its per-profile caches hold) and
  // copies nothing: spreading 25 fields for each of 500 candidates was a sixth of a cold ranking.
  const ranking = new WeakMap<PartnerProfile, { weekStart: number; match: MatchProfile }>();
  function candidateProfile(
    p: PartnerProfile,
    weekStart: number,
    decisions: DecisionStats,
    effects: DecisionEffects | null,
    openIncomingRequests: number,
    lastActiveAt: number | null,
  ): MatchProfile {
    const known = ranking.get(p);
    if (known?.weekStart === weekStart && sameFacts(known.match, decisions, effects, openIncomingRequests, lastActiveAt))
      return known.match;
    const match = buildMatchProfile(p, weekStart);
    match.decisions = decisions;
    if (effects) match.decisionEffects = effects;
    match.openIncomingRequests = openIncomingRequests;
    match.lastActiveAt = lastActiveAt;
    ranking.set(p, { weekStart, match });
    return match;
  }
  const sameFacts = (m: MatchProfile, d: DecisionStats, e: DecisionEffects | null, incoming: number, lastActiveAt: number | null) =>
    m.openIncomingRequests === incoming &&
    m.decisionEffects?.accepts === e?.accepts &&
    m.decisionEffects?.accepted === e?.accepted &&
    m.decisionEffects?.follows === e?.follows &&
    m.lastActiveAt === lastActiveAt &&
    m.decisions.given === d.given &&
    m.decisions.accepted === d.accepted &&
    m.decisions.received === d.received &&
    m.decisions.acceptedBy === d.acceptedBy;

  /** What the viewer decided on before, as RECON's learned preference. */
  async function learnedPreference(viewerId: string, weekStart: number, now: number) {
    const decisions = await repo.decisionsBy(db, viewerId, MAX_LEARNED_DECISIONS);
    if (!decisions.length) return emptyPreference();
    const partners = await deps.pool.peopleOf(decisions.map((d) => d.subject_id));
    let preference = emptyPreference();
    for (const d of decisions) {
      const p = partners.get(d.subject_id)?.profile;
      if (p) preference = recordDecision(preference, toMatchProfile(p, weekStart, {}), d.kind === 'accept' || d.kind === 'request', now);
    }
    return preference;
  }

  /**
   * What the engine needs of the viewer besides the candidates, read at once (none of it waits on
   * another): their profile, who they never see, their decision counts and learned preference.
   * The candidates' facts come with their pool rows.
   */
  async function viewerContext(viewerId: string, now: number, weekStart: number) {
    const [mine, hidden, facts, preference, fit] = await Promise.all([
      profile.partnerProfiles([viewerId]),
      repo.hiddenFrom(db, viewerId),
      repo.factsOf(db, viewerId),
      learnedPreference(viewerId, weekStart, now),
      fitRates(),
    ]);
    return { me: mine.get(viewerId), hidden, decisions: facts.decisions, effects: facts.effects, preference, fit };
  }
  type ViewerContext = Awaited<ReturnType<typeof viewerContext>>;

  /**
   * The base rate and priors scores use: the last periodic fit's, which its effects were fitted
   * against; before any fit, those of the people being ranked, measured on them.
   */
  const ratesFor = (ctx: ViewerContext, people: PooledPerson[]): PopulationRates =>
    ctx.fit ?? populationRates([ctx.decisions, ...people.map((p) => p.decisions)]);

  // The fit's rates change once per fit (every few minutes): each node reads them at most this often.
  let fitKnown: { at: number; rates: Promise<PopulationRates | null> } | null = null;
  function fitRates(): Promise<PopulationRates | null> {
    const now = Date.now();
    if (!fitKnown || now - fitKnown.at > FIT_RATES_KEPT_MS) fitKnown = { at: now, rates: repo.effectsFit(db).catch(() => null) };
    return fitKnown.rates;
  }

  /**
   * The one place the engine's view of a viewer and of the people they look at is built, for
   * recommendations, search and the cards of requests, mates and quick match alike: the viewer here
   * now, with their decisions and learned preference; each other person with their decisions, the
   * requests waiting for them and when they were last seen. So a person's percentage is the same
   * wherever the viewer meets them.
   */
  function engineProfiles(
    ctx: ViewerContext & { me: PartnerProfile },
    people: PooledPerson[],
    at: { now: number; weekStart: number },
    viewerExtra: Partial<MatchProfile> = {},
  ) {
    const viewer = toMatchProfile(ctx.me, at.weekStart, {
      // The viewer is here now: what candidates' side of the score sees of them.
      lastActiveAt: at.now,
      blocked: ctx.hidden.blocked,
      mates: ctx.hidden.mates,
      decisions: ctx.decisions,
      ...(ctx.effects ? { decisionEffects: ctx.effects } : {}),
      preference: ctx.preference,
      ...viewerExtra,
    });
    const candidates = people.map(({ profile: p, name, lastActiveAt, decisions, effects, waiting }) => ({
      profile: p,
      name,
      match: candidateProfile(p, at.weekStart, decisions, effects, waiting, lastActiveAt),
    }));
    return { viewer, candidates };
  }

  /**
   * The viewer and everyone the SQL step offers them, as the engine's profiles; null before
   * onboarding. `suggesting`: for recommendations, which also leave out people the viewer was
   * mates with and unmatched (either side ended it; search still finds them, to ask again).
   */
  async function pool(viewerId: string, { language, suggesting = false }: { language?: string; suggesting?: boolean } = {}) {
    const now = Date.now();
    const weekStart = weekStartUtc(now);
    const ctx = await viewerContext(viewerId, now, weekStart);
    const me = ctx.me;
    if (!me?.onboarded) return null;
    const learns = me.learns.map((l) => l.language).filter((l) => !language || l === language);
    const pooled = await deps.pool.candidates({ learns, offers: offers(me), exclude: viewerId, limit: MAX_CANDIDATES, pivot: viewerId });
    // Blocked people, mates and those a request is pending with are never candidates.
    const hidden = new Set([...ctx.hidden.blocked, ...ctx.hidden.mates, ...ctx.hidden.pending]);
    if (suggesting) for (const id of ctx.hidden.unmatched) hidden.add(id);
    const found = pooled.filter((c) => maySee(viewerId, c.profile.id, hidden));
    const { viewer, candidates } = engineProfiles({ ...ctx, me }, found, { now, weekStart });
    const rates = ratesFor(ctx, found);
    return { me, viewer, candidates, options: { now, weekStart, ...rates } };
  }

  type Pool = NonNullable<Awaited<ReturnType<typeof pool>>>;

  /**
   * The best `limit` candidates that pass `keep` and the hard filters, best first. The score alone
   * ranks everyone; reasons (shared windows, labels) are worked out only for the first `explained`
   * (the rest get null, to be explained when their page is asked for). The score and percentage are
   * the engine's `recommend` ones: the same reciprocal score, and the reasons from the same
   * viewer-to-candidate fit.
   */
  function rank(p: Pool, limit: number, keep: (c: Pool['candidates'][number]) => boolean = () => true, explained = limit) {
    const scored: { candidate: Pool['candidates'][number]; score: number }[] = [];
    for (const candidate of p.candidates) {
      if (!keep(candidate)) continue;
      const score = reciprocalScore(p.viewer, candidate.match, p.options);
      if (score !== null) scored.push({ candidate, score });
    }
    scored.sort((a, b) => b.score - a.score || a.candidate.profile.id.localeCompare(b.candidate.profile.id));
    return scored.slice(0, limit).map(({ candidate, score }, i) => ({
      id: candidate.profile.id,
      score,
      percent: Math.round(score * 100),
      reasons: i < explained ? explain(p.viewer, candidate.match, p.options) : null,
      candidate,
    }));
  }

  const explain = (viewer: MatchProfile, candidate: MatchProfile, options: ScoreOptions) =>
    reasonsFor(viewer, candidate, directionalFit(viewer, candidate, options), options);

  /** A viewer's ranked list as stored: the people, and the population rates they were scored with. */
  interface RankedView {
    rates: PopulationRates;
    ranked: Ranked[];
  }
  const parsedRanked = new Map<string, { json: string; view: RankedView }>();
  function remember(viewerId: string, json: string, view: RankedView) {
    parsedRanked.delete(viewerId);
    if (parsedRanked.size >= MAX_PARSED_RANKED) parsedRanked.delete(parsedRanked.keys().next().value!);
    parsedRanked.set(viewerId, { json, view });
  }

  // Cold rankings run at most COLD_RANKINGS at a time on a node, the rest in arrival order: run
  // all at once, a burst of them shared the event loop and the database's round trips evenly, so
  // every one of them finished near the end of the burst (bench/README.md).
  let coldRunning = 0;
  const coldWaiting: (() => void)[] = [];
  async function coldRanking<T>(work: () => Promise<T>): Promise<T> {
    if (coldRunning >= COLD_RANKINGS) await new Promise<void>((resolve) => coldWaiting.push(resolve));
    else coldRunning++;
    try {
      return await work();
    } finally {
      const next = coldWaiting.shift();
      if (next) next();
      else coldRunning--;
    }
  }

  async function rankFresh(viewerId: string): Promise<string> {
    const p = await pool(viewerId, { suggesting: true });
    // Reasons for the first page only; later pages are explained when asked for (`page`).
    const top = p ? rank(p, MAX_RECOMMENDATIONS, undefined, RECOMMENDATION_PAGE_SIZE) : [];
    // Names come with the pool rows; rows written before names were copied ask the users module.
    const unnamed = top.filter((t) => t.candidate.name === null).map((t) => t.id);
    const looked = unnamed.length
      ? await users.namesOf(unnamed, { raw: true })
      : new Map<string, { displayName: string; deleted: boolean }>();
    const ranked: Ranked[] = top.flatMap(({ id, score, percent, reasons, candidate }) => {
      const name = candidate.name ?? (looked.get(id)?.deleted ? null : looked.get(id)?.displayName);
      // Unmasked here: a name is masked when its card is shown (`cards`), by the word lists of that moment.
      return name ? [{ id, score, percent, reasons, card: toPartnerCard(candidate.profile, name, percent, []) }] : [];
    });
    const view: RankedView = { rates: p ? ratesOf(p.options) : populationRates([]), ranked };
    const text = JSON.stringify(view);
    remember(viewerId, text, view);
    return text;
  }
  const ratesOf = ({ baseAcceptRate, ratePriors }: PopulationRates): PopulationRates => ({ baseAcceptRate, ratePriors });

  // One ranking in flight per viewer on a node: a request arriving while the viewer's list is being
  // worked out waits for it instead of starting another (a slow burst otherwise fed itself, each
  // viewer's next request missing too). A change that invalidates the list drops the flight.
  const inFlight = new Map<string, Promise<RankedView>>();
  function rankedFor(viewerId: string): Promise<RankedView> {
    const known = inFlight.get(viewerId);
    if (known) return known;
    const flight = readRanked(viewerId).finally(() => {
      if (inFlight.get(viewerId) === flight) inFlight.delete(viewerId);
    });
    inFlight.set(viewerId, flight);
    return flight;
  }
  async function readRanked(viewerId: string): Promise<RankedView> {
    const json = await rankedView.read(viewerId, () => coldRanking(() => rankFresh(viewerId)));
    // Parsing 100 cards was most of a cached answer's time: keep the parsed list while the stored
    // text is the same (a cheap comparison of strings; Redis hands a new copy each time).
    const known = parsedRanked.get(viewerId);
    if (known?.json === json) return known.view;
    const view = JSON.parse(json!) as RankedView;
    remember(viewerId, json!, view);
    return view;
  }

  // Reasons in words, per reader's language, remembered with the node's parsed list: a cached page
  // is otherwise mostly formatting the same 60 reasons again.
  const worded = new WeakMap<Reason[], Partial<Record<Locale, string[]>>>();
  function wordsOf(reasons: Reason[], locale: Locale): string[] {
    let known = worded.get(reasons);
    if (!known) worded.set(reasons, (known = {}));
    return (known[locale] ??= formatReasons(reasons, locale));
  }
  const cards = (entries: Ranked[], locale: Locale): PartnerCard[] =>
    entries.map((e) => ({
      ...e.card,
      name: users.shownName(e.card.name),
      percent: e.percent,
      reasons: e.reasons ? wordsOf(e.reasons, locale) : [],
    }));

  /**
   * Reasons for ranked people past the first page, from the viewer and candidates as they are now
   * (a candidate who left the pool since gets none). Kept on the node's parsed copy of the list, so
   * turning back to the page costs nothing.
   */
  async function explainLater(viewerId: string, view: RankedView, entries: Ranked[]) {
    const waiting = entries.filter((e) => e.reasons === null);
    if (!waiting.length) return;
    const now = Date.now();
    const weekStart = weekStartUtc(now);
    const [ctx, partners] = await Promise.all([viewerContext(viewerId, now, weekStart), deps.pool.peopleOf(waiting.map((e) => e.id))]);
    const me = ctx.me;
    const scored = me ? engineProfiles({ ...ctx, me }, [...partners.values()], { now, weekStart }) : null;
    const options = { now, weekStart, ...view.rates };
    for (const e of waiting) {
      const candidate = scored?.candidates.find((c) => c.profile.id === e.id);
      e.reasons = scored && candidate ? explain(scored.viewer, candidate.match, options) : [];
    }
  }

  const writeShown = transactionRunner(db);
  let shown: MatchEventsTable[] = [];
  let shownTimer: NodeJS.Timeout | null = null;
  async function flushShown() {
    if (shownTimer) clearTimeout(shownTimer);
    shownTimer = null;
    const rows = shown;
    shown = [];
    if (rows.length) await writeShown([repo.shownInsert(db, rows)]).catch(() => undefined);
  }
  function recordShown(viewerId: string, ids: string[]) {
    const at = Date.now();
    for (const id of ids) shown.push({ id: randomUUID(), actor_id: viewerId, subject_id: id, kind: 'shown', at });
    if (shown.length >= SHOWN_FLUSH_ROWS) void flushShown();
    else if (!shownTimer && shown.length) shownTimer = setTimeout(() => void flushShown(), SHOWN_FLUSH_MS);
  }

  return {
    /** One page of the viewer's ranked partners; every card shown is recorded for the engine. */
    async page(viewerId: string, page: number, locale: Locale): Promise<RecommendationPage> {
      const view = await rankedFor(viewerId);
      const ranked = view.ranked;
      const slice = ranked.slice((page - 1) * RECOMMENDATION_PAGE_SIZE, page * RECOMMENDATION_PAGE_SIZE);
      await explainLater(viewerId, view, slice);
      const items = cards(slice, locale);
      recordShown(
        viewerId,
        items.map((i) => i.userId),
      );
      return { items, page, nextPage: ranked.length > page * RECOMMENDATION_PAGE_SIZE ? page + 1 : null };
    },

    /** Search under the same hard filters, narrowed by what the viewer asked for. */
    async search(viewerId: string, q: PartnerSearchQuery, locale: Locale): Promise<PartnerCard[]> {
      const p = await pool(viewerId, { language: q.language });
      if (!p) return [];
      const rankOf = (level: string) => ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'].indexOf(level) + 1;
      const [minRank, maxRank] = [q.levelMin ? rankOf(q.levelMin) : 1, q.levelMax ? rankOf(q.levelMax) : 7];
      const year = new Date(p.options.now).getUTCFullYear();
      // Reasons only for the people finally shown (below), not all 200 ranked.
      let found = rank(
        p,
        MAX_SEARCH_RESULTS * 4,
        ({ match, profile: c }) => {
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
        },
        0,
      );
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
      const names = await users.namesOf(found.slice(0, MAX_SEARCH_RESULTS * 2).map((f) => f.id));
      const top = found.filter((f) => names.has(f.id) && !names.get(f.id)!.deleted).slice(0, MAX_SEARCH_RESULTS);
      recordShown(
        viewerId,
        top.map((f) => f.id),
      );
      return top.map((f) =>
        toPartnerCard(
          f.candidate.profile,
          names.get(f.id)!.displayName,
          f.percent,
          formatReasons(explain(p.viewer, f.candidate.match, p.options), locale),
        ),
      );
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
      const now = Date.now();
      const weekStart = weekStartUtc(now);
      const ids = [...new Set(subjectIds)].filter((id) => id !== viewerId);
      const [ctx, inPool, names] = await Promise.all([
        viewerContext(viewerId, now, weekStart),
        deps.pool.peopleOf(ids),
        users.namesOf(ids),
      ]);
      const blocked = new Set(ctx.hidden.blocked);
      const visible = ids.filter((id) => maySee(viewerId, id, blocked));
      // Anyone not in the pool (their rows are being rewritten, or they offer no language) as the profile module has them.
      const missing = visible.filter((id) => !inPool.has(id));
      const fresh = missing.length ? await profile.partnerProfiles(missing) : new Map<string, PartnerProfile>();
      const people: PooledPerson[] = visible.flatMap((id) => {
        const p = inPool.get(id)?.profile ?? fresh.get(id);
        const name = names.get(id);
        // Someone between pool rewrites is scored without their facts for that moment.
        const facts = inPool.get(id) ?? {
          name: null,
          lastActiveAt: null,
          decisions: { given: 0, accepted: 0, received: 0, acceptedBy: 0 },
          effects: null,
          waiting: 0,
        };
        return p?.onboarded && name && !name.deleted ? [{ ...facts, profile: p }] : [];
      });
      const found = new Map<string, PartnerCard>();
      if (!people.length) return found;
      const me = ctx.me;
      // The pair's compatibility as if they were not mates yet: mates and requests are what these cards show.
      const relax: Partial<MatchProfile> = relaxed ? { partnerGender: 'any', partnerAge: null } : {};
      const scored = me ? engineProfiles({ ...ctx, me }, people, { now, weekStart }, { mates: [], ...relax }) : null;
      // The population rates of the viewer's ranked list when this node holds it, so a card agrees with recommendations.
      const rates = parsedRanked.get(viewerId)?.view.rates ?? ratesFor(ctx, people);
      const options = { now, weekStart, ...rates };
      people.forEach(({ profile: subject }, i) => {
        const name = names.get(subject.id)!.displayName;
        const verdict = scored ? recommend(scored.viewer, scored.candidates[i]!.match, options) : null;
        found.set(
          subject.id,
          verdict?.eligible
            ? toPartnerCard(subject, name, verdict.percent, formatReasons(verdict.reasons, locale))
            : toPartnerCard(subject, name, 0, []),
        );
      });
      return found;
    },

    /** Writes the "shown" events still waiting (on shutdown). */
    flushShown,

    /** After anything that changes who the person should see: their profile, a block, a request, an accept. */
    invalidate: (userId: string) => {
      inFlight.delete(userId);
      return rankedView.invalidate(userId);
    },
  };
}

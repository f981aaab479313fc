// The offline protocol of issue 11, shared by `npm run eval:matching` and its test: split each
// wave's meetings in half by pair (neither decision of a scored meeting is ever learned from),
// learn from one half, rank each person's partners in the other, and average over seeds 0-9.
import { DecisionIndex, directionalFit, ratePriors, reciprocalScore, type MatchProfile, type ScoreOptions } from '../src/index.js';
import { EVAL_NOW, learnProfiles, parseSpeedDating, type Meeting } from './speed-dating.js';

export interface Metrics {
  ndcg5: number;
  map: number;
  p1: number;
  p3: number;
}
export type Ranker = 'engine' | 'oneSided' | 'random' | 'pop' | 'popGen';
export const RANKERS: Ranker[] = ['engine', 'oneSided', 'random', 'pop', 'popGen'];

/** mulberry32: a small seeded generator, so every split is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Binary-relevance metrics of one ranked list. */
export function listMetrics(relevant: readonly boolean[]): Metrics {
  const total = relevant.filter(Boolean).length;
  let dcg = 0;
  let idcg = 0;
  for (let i = 0; i < 5; i++) {
    if (relevant[i]) dcg += 1 / Math.log2(i + 2);
    if (i < total) idcg += 1 / Math.log2(i + 2);
  }
  let hits = 0;
  let ap = 0;
  relevant.forEach((r, i) => {
    if (r) {
      hits++;
      ap += hits / (i + 1);
    }
  });
  const precision = (k: number) => relevant.slice(0, k).filter(Boolean).length / k;
  return { ndcg5: idcg ? dcg / idcg : 0, map: total ? ap / total : 0, p1: precision(1), p3: precision(3) };
}

const pairKey = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);

/** Splits each wave's pairs in half with the seed: [learn, score]. */
export function splitByPair(meetings: readonly Meeting[], seed: number): [Meeting[], Meeting[]] {
  const random = seededRandom(seed);
  const waves = [...new Set(meetings.map((m) => m.wave))].sort((a, b) => a - b);
  const learnPairs = new Set<string>();
  for (const wave of waves) {
    const pairs = [...new Set(meetings.filter((m) => m.wave === wave).map((m) => pairKey(m.iid, m.pid)))].sort();
    shuffle(pairs, random)
      .slice(0, Math.floor(pairs.length / 2))
      .forEach((p) => learnPairs.add(p));
  }
  const learn: Meeting[] = [];
  const score: Meeting[] = [];
  for (const m of meetings) (learnPairs.has(pairKey(m.iid, m.pid)) ? learn : score).push(m);
  return [learn, score];
}

const rawRate = (yes: number, total: number, fallback: number) => (total ? yes / total : fallback);

/** One split: the mean metrics per ranker over the people with at least one match in the scored half. */
export function evaluateSplit(
  meetings: readonly Meeting[],
  people: ReturnType<typeof parseSpeedDating>['people'],
  seed: number,
): { metrics: Record<Ranker, Metrics>; people: number } {
  const [learn, scored] = splitByPair(meetings, seed);
  const learned = learnProfiles(people, learn);
  const baseAcceptRate = learn.filter((m) => m.dec).length / Math.max(1, learn.length);
  // The rate priors are measured on the learning half, as the server measures them on its candidates.
  const ratePriorsLearned = ratePriors(
    [...learned.values()].map((p) => p.decisions),
    baseAcceptRate,
  );
  const options: ScoreOptions = { now: EVAL_NOW, weekStart: EVAL_NOW, baseAcceptRate, ratePriors: ratePriorsLearned };
  const index = new DecisionIndex(learn.map((m) => ({ chooser: String(m.iid), partner: String(m.pid), accepted: m.dec })));
  // Accept rates given and received fitted jointly over the learning half (who decided counted).
  const effects = index.effects(baseAcceptRate, ratePriorsLearned);
  const profiles = new Map([...learned].map(([iid, p]) => [iid, { ...p, decisionEffects: effects.get(p.id) }]));
  const random = seededRandom(1000 + seed);
  const byPerson = new Map<number, Meeting[]>();
  for (const m of scored) byPerson.set(m.iid, [...(byPerson.get(m.iid) ?? []), m]);
  const sums = Object.fromEntries(RANKERS.map((r) => [r, { ndcg5: 0, map: 0, p1: 0, p3: 0 }])) as Record<Ranker, Metrics>;
  let counted = 0;
  for (const [iid, list] of [...byPerson].sort((a, b) => a[0] - b[0])) {
    if (!list.some((m) => m.match)) continue;
    const x = profiles.get(iid)!;
    counted++;
    // Ties are broken in one random order shared by every ranker.
    const candidates = shuffle([...list], random).map((m, tieBreak) => {
      const y: MatchProfile = profiles.get(m.pid)!;
      const pop = rawRate(y.decisions.acceptedBy, y.decisions.received, baseAcceptRate);
      const gen = rawRate(y.decisions.accepted, y.decisions.given, baseAcceptRate);
      const xy = index.neighbourDecisions(x.id, y.id);
      const yx = index.neighbourDecisions(y.id, x.id);
      const scores: Record<Ranker, number> = {
        engine: reciprocalScore(x, y, options, { xy, yx }) ?? -1,
        oneSided: directionalFit(x, y, options, xy).score,
        random: -tieBreak,
        pop,
        popGen: pop * gen,
      };
      return { match: m.match, tieBreak, scores };
    });
    for (const ranker of RANKERS) {
      const ranked = [...candidates].sort((a, b) => b.scores[ranker] - a.scores[ranker] || a.tieBreak - b.tieBreak);
      const m = listMetrics(ranked.map((c) => c.match));
      for (const k of ['ndcg5', 'map', 'p1', 'p3'] as const) sums[ranker][k] += m[k];
    }
  }
  for (const ranker of RANKERS) for (const k of ['ndcg5', 'map', 'p1', 'p3'] as const) sums[ranker][k] /= Math.max(1, counted);
  return { metrics: sums, people: counted };
}

export const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * The protocol over seeds 0-9 (or other seeds, to check that a change is not an accident of those
 * ten splits): mean metrics per ranker, rounded to three decimals.
 */
export function evaluate(
  csv: string,
  seeds: readonly number[] = SEEDS,
): { rankers: Record<Ranker, Metrics>; meetings: number; people: number; scoredPeople: number } {
  const { meetings, people } = parseSpeedDating(csv);
  const totals = Object.fromEntries(RANKERS.map((r) => [r, { ndcg5: 0, map: 0, p1: 0, p3: 0 }])) as Record<Ranker, Metrics>;
  let scoredPeople = 0;
  for (const seed of seeds) {
    const { metrics, people: n } = evaluateSplit(meetings, people, seed);
    scoredPeople += n / seeds.length;
    for (const r of RANKERS) for (const k of ['ndcg5', 'map', 'p1', 'p3'] as const) totals[r][k] += metrics[r][k] / seeds.length;
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  for (const r of RANKERS) for (const k of ['ndcg5', 'map', 'p1', 'p3'] as const) totals[r][k] = round(totals[r][k]);
  return { rankers: totals, meetings: meetings.length, people: people.size, scoredPeople: Math.round(scoredPeople) };
}

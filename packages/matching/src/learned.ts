// What decisions teach: smoothed accept rates (given and received) and RECON's implicit preference
// (Pizzato et al. 2010), kept as feature counts over the partners a person accepted and declined.
import { AGREEMENT_PRIOR, DEFAULT_BASE_ACCEPT_RATE, FEATURE_PRIOR_DECISIONS, NEIGHBOUR_SHRINK, RATE_PRIOR_DECISIONS } from './constants.js';
import { ageAt } from './filters.js';
import type { LearnedPreference, MatchProfile, NeighbourDecision } from './types.js';

export const logit = (p: number): number => Math.log(p / (1 - p));
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Beta(prior·base, prior·(1-base)) posterior mean of a yes rate. */
export function smoothedRate(yes: number, total: number, base: number, prior = RATE_PRIOR_DECISIONS): number {
  return (yes + prior * base) / (total + prior);
}

/** How often the person accepts others, smoothed toward the population's rate. */
export const acceptsRate = (p: MatchProfile, base = DEFAULT_BASE_ACCEPT_RATE): number =>
  smoothedRate(p.decisions.accepted, p.decisions.given, base);

/** How often others accept the person, smoothed toward the population's rate. */
export const acceptedRate = (p: MatchProfile, base = DEFAULT_BASE_ACCEPT_RATE): number =>
  smoothedRate(p.decisions.acceptedBy, p.decisions.received, base);

/** Five-year age bands: close enough in age to be alike, wide enough to gather decisions. */
const AGE_BAND_YEARS = 5;

/**
 * The features of a profile that learned preferences count. Topics are left out on purpose: they
 * are scored as shared topics, so a topic two people share never counts against them.
 */
export function profileFeatures(p: MatchProfile, now: number): string[] {
  // Scoring asks for the same candidate's features once per viewer: keep them per profile object.
  const year = new Date(now).getUTCFullYear();
  const cached = featureCache.get(p);
  if (cached && cached.year === year) return cached.features;
  const features = computeFeatures(p, now);
  featureCache.set(p, { year, features });
  return features;
}

const featureCache = new WeakMap<MatchProfile, { year: number; features: string[] }>();

function computeFeatures(p: MatchProfile, now: number): string[] {
  const features = [`native:${p.nativeLanguage}`];
  if (p.gender) features.push(`gender:${p.gender}`);
  const age = ageAt(p, now);
  if (age !== null) features.push(`age:${Math.floor(age / AGE_BAND_YEARS) * AGE_BAND_YEARS}`);
  for (const m of p.motivations) features.push(`motivation:${m}`);
  for (const s of p.partnerStyles) features.push(`style:${s}`);
  if (p.communicationMethod) features.push(`method:${p.communicationMethod}`);
  for (const t of p.traits ?? []) features.push(`trait:${t}`);
  return features;
}

export const emptyPreference = (): LearnedPreference => ({ accepted: {}, declined: {} });

/** The preference after the person accepted or declined `partner`. Returns a new object. */
export function recordDecision(preference: LearnedPreference, partner: MatchProfile, accepted: boolean, now: number): LearnedPreference {
  const side = { ...(accepted ? preference.accepted : preference.declined) };
  for (const f of profileFeatures(partner, now)) side[f] = (side[f] ?? 0) + 1;
  return accepted ? { accepted: side, declined: preference.declined } : { accepted: preference.accepted, declined: side };
}

/**
 * How much x's past decisions raise or lower the log-odds that x accepts y: for each feature of y
 * that x has decided on before, the smoothed accept rate among those partners against x's own rate,
 * averaged over y's features (RECON averages over attributes too, so correlated features do not
 * count several times). Zero without a history.
 */
export function learnedShift(x: MatchProfile, y: MatchProfile, now: number, base = DEFAULT_BASE_ACCEPT_RATE): number {
  // Without a history every term below is absent and the shift is 0: skip y's features then.
  if (isEmpty(x.preference.accepted) && isEmpty(x.preference.declined)) return 0;
  const own = acceptsRate(x, base);
  const ownLogit = logit(own);
  const features = profileFeatures(y, now);
  let sum = 0;
  for (const f of features) {
    const yes = x.preference.accepted[f] ?? 0;
    const no = x.preference.declined[f] ?? 0;
    if (yes + no > 0) sum += logit(smoothedRate(yes, yes + no, own, FEATURE_PRIOR_DECISIONS)) - ownLogit;
  }
  return features.length ? sum / features.length : 0;
}

function isEmpty(counts: Record<string, number>): boolean {
  for (const _ in counts) return false;
  return true;
}

/**
 * Collaborative filtering by neighbours (Resnick et al. 1994, with agreement counts for weights):
 * how much more often than their habit the people who decide like x accepted y, as log-odds. The
 * residual is a difference of rates; 1 / (base (1 - base)) is the slope of the logit at the base
 * rate, which turns it into log-odds on the scale of the other shifts.
 */
export function collaborativeShift(neighbours: readonly NeighbourDecision[], base = DEFAULT_BASE_ACCEPT_RATE): number {
  let sum = 0;
  let weights = 0;
  for (const n of neighbours) {
    const w = (n.agreements - n.disagreements) / (n.agreements + n.disagreements + AGREEMENT_PRIOR);
    sum += w * ((n.accepted ? 1 : 0) - smoothedRate(n.acceptedCount, n.given, base));
    weights += Math.abs(w);
  }
  return weights ? sum / (weights + NEIGHBOUR_SHRINK) / (base * (1 - base)) : 0;
}

/** One decision: `chooser` accepted or declined `partner`. */
export interface Decision {
  chooser: string;
  partner: string;
  accepted: boolean;
}

/**
 * The decisions of others on `candidate`, each with the decider's agreement with `viewer` on the
 * partners both decided on: the input of `collaborativeShift`. Build the index once per batch.
 */
export class DecisionIndex {
  private readonly byChooser = new Map<string, Map<string, boolean>>();
  private readonly byPartner = new Map<string, string[]>();

  constructor(decisions: Iterable<Decision>) {
    for (const d of decisions) {
      let mine = this.byChooser.get(d.chooser);
      if (!mine) this.byChooser.set(d.chooser, (mine = new Map()));
      if (!mine.has(d.partner)) {
        const deciders = this.byPartner.get(d.partner);
        if (deciders) deciders.push(d.chooser);
        else this.byPartner.set(d.partner, [d.chooser]);
      }
      mine.set(d.partner, d.accepted);
    }
  }

  neighbourDecisions(viewer: string, candidate: string): NeighbourDecision[] {
    const mine = this.byChooser.get(viewer);
    if (!mine) return [];
    const out: NeighbourDecision[] = [];
    for (const other of this.byPartner.get(candidate) ?? []) {
      if (other === viewer) continue;
      const theirs = this.byChooser.get(other)!;
      let agreements = 0;
      let disagreements = 0;
      for (const [partner, accepted] of mine) {
        const their = theirs.get(partner);
        if (their === undefined || partner === candidate) continue;
        if (their === accepted) agreements++;
        else disagreements++;
      }
      if (agreements + disagreements === 0) continue;
      let acceptedCount = 0;
      for (const a of theirs.values()) if (a) acceptedCount++;
      out.push({ accepted: theirs.get(candidate)!, given: theirs.size, acceptedCount, agreements, disagreements });
    }
    return out;
  }
}

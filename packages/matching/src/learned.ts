// What decisions teach: smoothed accept rates (given and received) and RECON's implicit preference
// (Pizzato et al. 2010), kept as feature counts over the partners a person accepted and declined.
import {
  AGREEMENT_PRIOR,
  BASE_RATE_MIN_DECISIONS,
  DEFAULT_BASE_ACCEPT_RATE,
  EFFECTS_MAX_SWEEPS,
  EFFECTS_TOLERANCE,
  FEATURE_PRIOR_DECISIONS,
  FOLLOWS_PRIOR_PRECISION,
  RATE_PRIOR_DECISIONS,
  RATE_PRIOR_MAX,
  RATE_PRIOR_MIN,
  RATE_CORRELATION_MAX,
  RATE_PRIOR_MIN_PEOPLE,
  STANDING_FOLLOWS_MAX,
} from './constants.js';
import { ageAt } from './filters.js';
import type { DecisionEffects, LearnedPreference, MatchProfile, NeighbourDecision, ScoreOptions } from './types.js';

export const logit = (p: number): number => Math.log(p / (1 - p));
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Beta(prior·base, prior·(1-base)) posterior mean of a yes rate. */
export function smoothedRate(yes: number, total: number, base: number, prior = RATE_PRIOR_DECISIONS): number {
  return (yes + prior * base) / (total + prior);
}

/** How often the person accepts others, smoothed toward the population's rate. */
export const acceptsRate = (p: MatchProfile, base = DEFAULT_BASE_ACCEPT_RATE, prior = RATE_PRIOR_DECISIONS): number =>
  smoothedRate(p.decisions.accepted, p.decisions.given, base, prior);

/** How often others accept the person, smoothed toward the population's rate. */
export const acceptedRate = (p: MatchProfile, base = DEFAULT_BASE_ACCEPT_RATE, prior = RATE_PRIOR_DECISIONS): number =>
  smoothedRate(p.decisions.acceptedBy, p.decisions.received, base, prior);

/**
 * Empirical-Bayes weight, in decisions, of the prior behind one kind of accept rate (given, or
 * received): the beta-binomial moment estimate from how much people's rates differ beyond what
 * their few decisions explain. A raw rate from n decisions spreads around the base rate by
 * base(1-base)(1/n + (1-1/n)ρ), where ρ = 1/(k+1) is the share of the spread that lies between
 * people and k the prior's weight. People differ more in how often they accept than in how often
 * they are accepted, so one fixed weight shrinks one too much and the other too little; this
 * measures both on the population being ranked. Clamped to [RATE_PRIOR_MIN, RATE_PRIOR_MAX]; with
 * fewer than RATE_PRIOR_MIN_PEOPLE people of two or more decisions, the fixed RATE_PRIOR_DECISIONS.
 */
export function ratePriorWeight(counts: Iterable<{ yes: number; total: number }>, base = DEFAULT_BASE_ACCEPT_RATE): number {
  let people = 0;
  let spread = 0;
  let noise = 0;
  let between = 0;
  for (const { yes, total } of counts) {
    if (total < 2) continue;
    people++;
    spread += (yes / total - base) ** 2;
    noise += 1 / total;
    between += 1 - 1 / total;
  }
  if (people < RATE_PRIOR_MIN_PEOPLE) return RATE_PRIOR_DECISIONS;
  const share = (spread / (base * (1 - base)) - noise) / between;
  if (!(share > 0)) return RATE_PRIOR_MAX;
  return Math.min(RATE_PRIOR_MAX, Math.max(RATE_PRIOR_MIN, 1 / share - 1));
}

/**
 * What a batch of candidates says about the population: its accept rate (once it holds
 * BASE_RATE_MIN_DECISIONS decisions, kept within [0.05, 0.95] so no log-odds is infinite; the
 * default before) and the prior weights of both kinds of rate. Pass both in `ScoreOptions`.
 */
export function populationRates(
  people: Iterable<MatchProfile['decisions']>,
): Pick<Required<ScoreOptions>, 'baseAcceptRate' | 'ratePriors'> {
  const list = [...people];
  let given = 0;
  let accepted = 0;
  for (const d of list) {
    given += d.given;
    accepted += d.accepted;
  }
  const baseAcceptRate = given >= BASE_RATE_MIN_DECISIONS ? Math.min(0.95, Math.max(0.05, accepted / given)) : DEFAULT_BASE_ACCEPT_RATE;
  return { baseAcceptRate, ratePriors: ratePriors(list, baseAcceptRate) };
}

/** The prior weights of both kinds of rate among these people (pass them as `ScoreOptions.ratePriors`). */
export function ratePriors(
  people: Iterable<MatchProfile['decisions']>,
  base = DEFAULT_BASE_ACCEPT_RATE,
): { given: number; received: number } {
  const list = [...people];
  return {
    given: ratePriorWeight(
      list.map((d) => ({ yes: d.accepted, total: d.given })),
      base,
    ),
    received: ratePriorWeight(
      list.map((d) => ({ yes: d.acceptedBy, total: d.received })),
      base,
    ),
  };
}

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
export function learnedShift(
  x: MatchProfile,
  y: MatchProfile,
  now: number,
  base = DEFAULT_BASE_ACCEPT_RATE,
  ownPrior = RATE_PRIOR_DECISIONS,
): number {
  // Without a history every term below is absent and the shift is 0: skip y's features then.
  if (isEmpty(x.preference.accepted) && isEmpty(x.preference.declined)) return 0;
  const own = acceptsRate(x, base, ownPrior);
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
 * Collaborative evidence as a rate: "people like you accepted them" and "you accepted people like
 * them". Each neighbour decision is a yes or a no, weighted by how far agreement exceeded
 * disagreement, (agree - disagree) / (agree + disagree + AGREEMENT_PRIOR), when that is positive
 * (near neighbours only; an opposite taste is not read backwards). Their weighted share of yes is
 * blended with `modelRate`, the probability the rest of the model gives, which counts as the
 * `behind` decisions it rests on (the chooser's given and the partner's received): the neighbours
 * move the estimate by their share of the evidence, as a Beta posterior would. Without neighbours
 * the model's rate is returned unchanged.
 */
export function collaborativeRate(modelRate: number, neighbours: readonly NeighbourDecision[], behind: number): number {
  let yes = 0;
  let weight = 0;
  for (const n of neighbours) {
    const w = (n.agreements - n.disagreements) / (n.agreements + n.disagreements + AGREEMENT_PRIOR);
    if (w <= 0) continue;
    if (n.accepted) yes += w;
    weight += w;
  }
  if (weight === 0) return modelRate;
  const prior = Math.max(1, behind);
  return (yes + prior * modelRate) / (weight + prior);
}

/** One decision: `chooser` accepted or declined `partner`. */
export interface Decision {
  chooser: string;
  partner: string;
  accepted: boolean;
}

/**
 * Neighbourhood evidence about whether `viewer` would accept `candidate` (the input of
 * `collaborativeRate`), from decisions already made, never the viewer's on the candidate:
 * - user-based (Resnick et al. 1994): each other person's decision on the candidate, with how often
 *   their decisions agreed with the viewer's on the partners both decided on;
 * - item-based (Sarwar et al. 2001; Xia et al. 2015 for reciprocal recommenders): the viewer's own
 *   decision on each other partner, with how often the people who decided on both judged that
 *   partner as they judged the candidate.
 * Build the index once per batch of decisions.
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
    const deciders = (this.byPartner.get(candidate) ?? []).filter((other) => other !== viewer);
    const out: NeighbourDecision[] = [];
    // People like the viewer, on the candidate.
    for (const other of deciders) {
      const theirs = this.byChooser.get(other)!;
      let agreements = 0;
      let disagreements = 0;
      for (const [partner, accepted] of mine) {
        const their = theirs.get(partner);
        if (their === undefined || partner === candidate) continue;
        if (their === accepted) agreements++;
        else disagreements++;
      }
      if (agreements + disagreements > 0) out.push({ via: 'chooser', accepted: theirs.get(candidate)!, agreements, disagreements });
    }
    // Partners like the candidate, as the viewer decided on them.
    for (const [partner, accepted] of mine) {
      if (partner === candidate) continue;
      let agreements = 0;
      let disagreements = 0;
      for (const other of deciders) {
        const theirs = this.byChooser.get(other)!;
        const onPartner = theirs.get(partner);
        if (onPartner === undefined) continue;
        if (onPartner === theirs.get(candidate)) agreements++;
        else disagreements++;
      }
      if (agreements + disagreements > 0) out.push({ via: 'partner', accepted, agreements, disagreements });
    }
    return out;
  }

  /**
   * How a person's accept rate given and rate received go together across people, as a correlation
   * of the rates themselves (not of a few decisions' chance): the moment estimate, the covariance of
   * the raw rates around the base rate (their chance errors are independent: different decisions)
   * over the between-person spread of each that the priors imply, p(1-p)/(k+1). 0 below
   * RATE_PRIOR_MIN_PEOPLE people with two or more decisions each way; within ±RATE_CORRELATION_MAX.
   */
  rateCorrelation(base = DEFAULT_BASE_ACCEPT_RATE, priors = { given: RATE_PRIOR_DECISIONS, received: RATE_PRIOR_DECISIONS }): number {
    const received = new Map<string, { yes: number; total: number }>();
    for (const mine of this.byChooser.values()) {
      for (const [partner, yes] of mine) {
        const r = received.get(partner) ?? { yes: 0, total: 0 };
        r.total++;
        if (yes) r.yes++;
        received.set(partner, r);
      }
    }
    let people = 0;
    let covariance = 0;
    for (const [id, mine] of this.byChooser) {
      const r = received.get(id);
      if (!r || r.total < 2 || mine.size < 2) continue;
      let yes = 0;
      for (const accepted of mine.values()) if (accepted) yes++;
      people++;
      covariance += (yes / mine.size - base) * (r.yes / r.total - base);
    }
    if (people < RATE_PRIOR_MIN_PEOPLE) return 0;
    const between = (base * (1 - base)) / Math.sqrt((priors.given + 1) * (priors.received + 1));
    const rho = covariance / people / between;
    return Math.min(RATE_CORRELATION_MAX, Math.max(-RATE_CORRELATION_MAX, rho));
  }

  /**
   * Each person's accept rates given and received as log-odds against the base rate, fitted jointly
   * over every decision in the index (a logistic model logit P(x accepts y) = logit(base) + a_x +
   * f_x·b_y, the Rasch / Bradley-Terry form with a slope per chooser, as in a two-parameter item
   * response model): a yes from someone who rarely says yes counts for more than a yes from someone
   * who accepts everyone, and a no from them for less. The smoothed rates treat every decider alike,
   * which a popularity measured on a few choosers' decisions cannot afford. The Gaussian prior on
   * each rate effect is the rate prior itself, moved to the log-odds scale: a Beta prior worth k
   * decisions at rate p carries k·p(1-p) of information about the log-odds, so a person decided on
   * by average deciders gets the log-odds of their smoothed rate back; the two effects of one person
   * are correlated in that prior as they are among these people (`rateCorrelation`). The slope f_x (`follows`) is
   * how closely x's decisions follow how everyone else judges the partner: some people accept whom
   * others accept, others decide on their own taste. Its prior is centred on 1
   * (FOLLOWS_PRIOR_PRECISION), and a decider's decisions count toward b_y by their slope, so a
   * decision that follows the crowd says more about y. The slope's prior mean is 1 + g·b_x, g fitted
   * for the whole population (a sought-after person follows the crowd's judgement more: g about 0.17
   * on the speed-dating halves), so a person of few decisions starts from what people of their
   * standing do; someone who decided on no one gets that prior mean. Newton steps one person at a time, in the
   * index's order, until nothing moves by more than EFFECTS_TOLERANCE (at most EFFECTS_MAX_SWEEPS
   * sweeps): deterministic. Pass the same base rate and priors as `ScoreOptions`; set the result on
   * `MatchProfile.decisionEffects`.
   */
  effects(
    base = DEFAULT_BASE_ACCEPT_RATE,
    priors = { given: RATE_PRIOR_DECISIONS, received: RATE_PRIOR_DECISIONS },
  ): Map<string, DecisionEffects> {
    const mu = logit(base);
    const spread = base * (1 - base);
    // The two rate effects of one person are a pair with a joint Gaussian prior: variances 1/(k·p(1-p))
    // and the correlation measured on these decisions (`rateCorrelation`), so what a person's own
    // decisions say about their generosity also says a little about their standing, and back.
    const varianceGiven = 1 / (priors.given * spread);
    const varianceReceived = 1 / (priors.received * spread);
    const rho = this.rateCorrelation(base, priors);
    const scale = 1 / (varianceGiven * varianceReceived * (1 - rho * rho));
    const precisionGiven = varianceReceived * scale;
    const precisionReceived = varianceGiven * scale;
    const precisionCross = -rho * Math.sqrt(varianceGiven * varianceReceived) * scale;
    const accepts = new Map<string, number>();
    const follows = new Map<string, number>();
    const accepted = new Map<string, number>();
    for (const chooser of this.byChooser.keys()) {
      accepts.set(chooser, 0);
      follows.set(chooser, 1);
    }
    for (const partner of this.byPartner.keys()) accepted.set(partner, 0);
    // How much more than others a sought-after chooser follows the crowd: the slope's prior mean is
    // 1 + g·b_x, g one number for the population, fitted with the rest (below). b_x is read there but
    // not moved by it: b_x rests on the decisions about x alone, or g and the standings would pull
    // each other up (tried: g ran to its bound).
    let standingFollows = 0;
    let standingPeople = 0;
    for (const chooser of this.byChooser.keys()) if (this.byPartner.has(chooser)) standingPeople++;
    for (let sweep = 0; sweep < EFFECTS_MAX_SWEEPS; sweep++) {
      let moved = 0;
      for (const [chooser, mine] of this.byChooser) {
        const a = accepts.get(chooser)!;
        const f = follows.get(chooser)!;
        // One Newton step on the rate and the slope together (a 2×2 system), from one pass.
        let gradientA = -precisionGiven * a - precisionCross * (accepted.get(chooser) ?? 0);
        let gradientF = -FOLLOWS_PRIOR_PRECISION * (f - 1 - standingFollows * (accepted.get(chooser) ?? 0));
        let curvatureA = precisionGiven;
        let curvatureF = FOLLOWS_PRIOR_PRECISION;
        let cross = 0;
        for (const [partner, yes] of mine) {
          const b = accepted.get(partner)!;
          const p = sigmoid(mu + a + f * b);
          const residual = (yes ? 1 : 0) - p;
          const weight = p * (1 - p);
          gradientA += residual;
          gradientF += residual * b;
          curvatureA += weight;
          curvatureF += weight * b * b;
          cross += weight * b;
        }
        const determinant = curvatureA * curvatureF - cross * cross;
        const aStep = (curvatureF * gradientA - cross * gradientF) / determinant;
        accepts.set(chooser, a + aStep);
        // Never below 0: a taste that runs against everyone's is not read from so few decisions.
        const nextFollows = Math.max(0, f + (curvatureA * gradientF - cross * gradientA) / determinant);
        follows.set(chooser, nextFollows);
        moved = Math.max(moved, Math.abs(aStep), Math.abs(nextFollows - f));
      }
      for (const [partner, deciders] of this.byPartner) {
        const b = accepted.get(partner)!;
        let gradient = -precisionReceived * b - precisionCross * (accepts.get(partner) ?? 0);
        let curvature = precisionReceived;
        for (const chooser of deciders) {
          const f = follows.get(chooser)!;
          const p = sigmoid(mu + accepts.get(chooser)! + f * b);
          gradient += f * ((this.byChooser.get(chooser)!.get(partner) ? 1 : 0) - p);
          curvature += f * f * p * (1 - p);
        }
        const step = gradient / curvature;
        accepted.set(partner, b + step);
        moved = Math.max(moved, Math.abs(step));
      }
      // One Newton step on g along with every slope it sets (f_x moves by the step times b_x, so each
      // person's own deviation from the prior mean stays): the direction in which g and the slopes
      // trade off, along which a step on g alone would creep.
      let gradientG = 0;
      let curvatureG = 0;
      for (const [chooser, mine] of this.byChooser) {
        const standing = accepted.get(chooser);
        if (!standing) continue;
        const a = accepts.get(chooser)!;
        const f = follows.get(chooser)!;
        for (const [partner, yes] of mine) {
          const b = accepted.get(partner)!;
          const p = sigmoid(mu + a + f * b);
          gradientG += standing * b * ((yes ? 1 : 0) - p);
          curvatureG += standing * standing * b * b * p * (1 - p);
        }
      }
      if (standingPeople >= RATE_PRIOR_MIN_PEOPLE && curvatureG > 0) {
        const next = Math.min(STANDING_FOLLOWS_MAX, Math.max(-STANDING_FOLLOWS_MAX, standingFollows + gradientG / curvatureG));
        const stepG = next - standingFollows;
        for (const chooser of this.byChooser.keys()) {
          const standing = accepted.get(chooser);
          if (standing) follows.set(chooser, Math.max(0, follows.get(chooser)! + stepG * standing));
        }
        standingFollows = next;
        moved = Math.max(moved, Math.abs(stepG));
      }
      if (moved < EFFECTS_TOLERANCE) break;
    }
    const out = new Map<string, DecisionEffects>();
    // Everyone's slope at its prior mean when they decided on no one (1 when g is 0, as before).
    for (const id of new Set([...accepts.keys(), ...accepted.keys()])) {
      if (!follows.has(id)) follows.set(id, Math.max(0, 1 + standingFollows * (accepted.get(id) ?? 0)));
      out.set(id, { accepts: accepts.get(id) ?? 0, accepted: accepted.get(id) ?? 0, follows: follows.get(id) ?? 1 });
    }
    return out;
  }
}

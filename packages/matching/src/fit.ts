// Directional fit s(x→y): how well y suits what x asked for, shifted by what decisions teach.
import { overlapMinutes } from './availability.js';
import {
  ACTIVE_FULL_MS,
  ACTIVE_HALF_LIFE_MS,
  COMPONENT_WEIGHTS,
  DAILY_MINUTES_SPAN,
  DEFAULT_BASE_ACCEPT_RATE,
  FULL_OVERLAP_MINUTES,
  LEVEL_STEP_PENALTY,
  METHOD_FIT,
  NO_SHARED_STYLE_FIT,
  PROFILE_LOGIT_SPAN,
  RATE_PRIOR_DECISIONS,
  SHARED_ITEMS_SCALE,
} from './constants.js';
import { levelIn, levelRank, offeredLanguages } from './filters.js';
import { acceptedRate, acceptsRate, collaborativeRate, learnedShift, logit, sigmoid } from './learned.js';
import type { DirectionalFit, FitComponents, MatchProfile, NeighbourDecision, ScoreOptions } from './types.js';

export const shared = (a: readonly string[], b: readonly string[]): string[] => a.filter((v) => b.includes(v));

/** 1 - exp(-n / scale): a first shared item counts most. */
export const sharedItemsFit = (n: number): number => 1 - Math.exp(-n / SHARED_ITEMS_SCALE);

/** The language of x's that y offers best against the level x asked for, with its fit. */
export function bestLanguage(
  x: MatchProfile,
  y: MatchProfile,
): { language: string; fit: number; rank: number; wanted: number; verified: boolean } | null {
  let best: { language: string; fit: number; rank: number; wanted: number; verified: boolean } | null = null;
  for (const language of offeredLanguages(x, y)) {
    const wanted = levelRank(x.learns.find((l) => l.language === language)!.partnerLevel);
    const { rank, verified } = levelIn(y, language);
    const fit = Math.max(0, 1 - LEVEL_STEP_PENALTY * Math.max(0, wanted - rank));
    if (!best || fit > best.fit) best = { language, fit, rank, wanted, verified };
  }
  return best;
}

export function components(x: MatchProfile, y: MatchProfile, now: number): FitComponents {
  const c: FitComponents = {};
  const language = bestLanguage(x, y);
  if (language) c.level = language.fit;
  // Always counted (onboarding asks for both), so a first shared topic can only raise the fit.
  c.topics = sharedItemsFit(shared(x.topics, y.topics).length);
  c.motivations = sharedItemsFit(shared(x.motivations, y.motivations).length);
  if (x.availability && y.availability) {
    c.availability = Math.min(1, overlapMinutes(x.availability, y.availability) / FULL_OVERLAP_MINUTES);
  }
  if (x.communicationMethod && y.communicationMethod) {
    c.method = METHOD_FIT[x.communicationMethod]?.[y.communicationMethod] ?? (x.communicationMethod === y.communicationMethod ? 1 : 0.5);
  }
  if (x.dailyMinutes !== null && y.dailyMinutes !== null) {
    c.dailyMinutes = Math.max(0, 1 - Math.abs(x.dailyMinutes - y.dailyMinutes) / DAILY_MINUTES_SPAN);
  }
  if (x.partnerStyles.length && y.partnerStyles.length) {
    c.style = shared(x.partnerStyles, y.partnerStyles).length > 0 ? 1 : NO_SHARED_STYLE_FIT;
  }
  if (y.lastActiveAt !== null) {
    const away = Math.max(0, now - y.lastActiveAt - ACTIVE_FULL_MS);
    c.activity = Math.pow(0.5, away / ACTIVE_HALF_LIFE_MS);
  }
  return c;
}

/** Weighted mean of the known components; 0.5 (no opinion) when none is known. */
export function profileFit(c: FitComponents): number {
  let sum = 0;
  let weight = 0;
  // A loop over the fixed names, not Object.entries: this runs twice per pair, 1,000 times a ranking.
  for (const name of COMPONENT_NAMES) {
    const value = c[name];
    if (value === undefined) continue;
    sum += COMPONENT_WEIGHTS[name] * value;
    weight += COMPONENT_WEIGHTS[name];
  }
  return weight ? sum / weight : 0.5;
}

const COMPONENT_NAMES = Object.keys(COMPONENT_WEIGHTS) as (keyof FitComponents)[];

/**
 * s(x→y): the neighbourhood evidence (`collaborativeRate`) blended into
 * sigmoid(logit(base) + profile term + chooser + partner + learned), where
 * - profile: the profile fit around 0.5, PROFILE_LOGIT_SPAN wide;
 * - chooser: how much more often than the population x accepts anyone (`decisionEffects`, or the
 *   smoothed rate);
 * - partner: how much more often than the population others accept y (likewise), fitted effect
 *   times how closely x's decisions follow others' (`follows`);
 * - learned: x's implicit preference for partners like y (RECON);
 * - collaborative (reported as the log-odds it moved the rest by): what people who decide like x
 *   decided about y, and what x decided about partners judged like y.
 * Every shift is zero without decisions, so a newcomer is ranked on the profile answers alone.
 */
export function directionalFit(
  x: MatchProfile,
  y: MatchProfile,
  options: ScoreOptions,
  neighbours: readonly NeighbourDecision[] = [],
): DirectionalFit {
  const base = options.baseAcceptRate ?? DEFAULT_BASE_ACCEPT_RATE;
  const given = options.ratePriors?.given ?? RATE_PRIOR_DECISIONS;
  const received = options.ratePriors?.received ?? RATE_PRIOR_DECISIONS;
  const c = components(x, y, options.now);
  const profile = profileFit(c);
  const chooser = x.decisionEffects?.accepts ?? logit(acceptsRate(x, base, given)) - logit(base);
  // y's fitted effect counts by how closely x's own decisions follow everyone else's.
  const partner = y.decisionEffects
    ? (x.decisionEffects?.follows ?? 1) * y.decisionEffects.accepted
    : logit(acceptedRate(y, base, received)) - logit(base);
  const learned = learnedShift(x, y, options.now, base, given);
  // The profile answers speak for a newcomer; as x's own decisions accumulate, they speak for x
  // instead (the reading of the speed-dating data: decisions carry far more signal than
  // answers). The answers keep the weight of the prior behind x's own accept rate, as that rate does.
  const answersWeight = given / (given + x.decisions.given);
  const z = logit(base) + PROFILE_LOGIT_SPAN * answersWeight * (profile - 0.5) + chooser + partner + learned;
  const modelRate = sigmoid(z);
  const score = collaborativeRate(modelRate, neighbours, x.decisions.given + y.decisions.received);
  const collaborative = score === modelRate ? 0 : logit(score) - z;
  return { score, profile, components: c, shifts: { chooser, partner, learned, collaborative } };
}

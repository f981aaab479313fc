// The reciprocal score: both directions must fit, so the weaker one dominates (the harmonic mean,
// as in RECON), times a gentle exposure damping and a sink for repeated bad call ratings.
import { overlapMinutes, sharedWindows } from './availability.js';
import {
  COMPONENT_WEIGHTS,
  EXPOSURE_FREE_REQUESTS,
  EXPOSURE_SCALE,
  MAX_REASONS,
  REASON_MIN_FIT,
  REASON_MIN_LEARNED_SHIFT,
  SINK_FLOOR,
  SINK_MIN_BAD,
  SINK_PRIOR_GOOD,
} from './constants.js';
import { ineligibility, NATIVE } from './filters.js';
import { bestLanguage, directionalFit, shared } from './fit.js';
import {
  CEFR_LEVELS,
  type DirectionalFit,
  type MatchProfile,
  type NeighbourDecision,
  type Reason,
  type Recommendation,
  type ScoreOptions,
} from './types.js';

// Written so that swapping a and b gives the same bits: the score is exactly symmetric.
export const harmonicMean = (a: number, b: number): number => (a + b > 0 ? (2 * (a * b)) / (a + b) : 0);

/** 1 up to EXPOSURE_FREE_REQUESTS open requests, then 1/sqrt(1 + extra/EXPOSURE_SCALE). */
export function exposureDamping(p: MatchProfile): number {
  const extra = Math.max(0, (p.openIncomingRequests ?? 0) - EXPOSURE_FREE_REQUESTS);
  return 1 / Math.sqrt(1 + extra / EXPOSURE_SCALE);
}

/** 1 until the second bad call rating, then the smoothed share of calls not rated bad. */
export function badRatingSink(p: MatchProfile): number {
  const r = p.callRatings;
  if (!r || r.bad < SINK_MIN_BAD) return 1;
  return Math.max(SINK_FLOOR, 1 - r.bad / (r.total + SINK_PRIOR_GOOD));
}

/** The reciprocal score of a pair, or null when the hard filters keep them apart. Symmetric. */
export function reciprocalScore(x: MatchProfile, y: MatchProfile, options: ScoreOptions, evidence: PairEvidence = {}): number | null {
  if (ineligibility(x, y, options.now)) return null;
  return combine(directionalFit(x, y, options, evidence.xy), directionalFit(y, x, options, evidence.yx), x, y);
}

/** Collaborative evidence for each direction: others' decisions on y for x's side (xy), on x for y's (yx). */
export interface PairEvidence {
  xy?: readonly NeighbourDecision[];
  yx?: readonly NeighbourDecision[];
}

function combine(xy: DirectionalFit, yx: DirectionalFit, x: MatchProfile, y: MatchProfile): number {
  return harmonicMean(xy.score, yx.score) * (exposureDamping(x) * exposureDamping(y)) * (badRatingSink(x) * badRatingSink(y));
}

/** What the viewer sees about a candidate: the score, its percentage and the reasons. */
export function recommend(
  viewer: MatchProfile,
  candidate: MatchProfile,
  options: ScoreOptions,
  evidence: PairEvidence = {},
): Recommendation {
  const refused = ineligibility(viewer, candidate, options.now);
  if (refused) return { eligible: false, reason: refused };
  const viewerToCandidate = directionalFit(viewer, candidate, options, evidence.xy);
  const candidateToViewer = directionalFit(candidate, viewer, options, evidence.yx);
  const score = combine(viewerToCandidate, candidateToViewer, viewer, candidate);
  return {
    eligible: true,
    score,
    percent: Math.round(score * 100),
    viewerToCandidate,
    candidateToViewer,
    reasons: reasons(viewer, candidate, viewerToCandidate, options),
  };
}

/** The viewer's strongest reasons to meet the candidate, by weighted component fit. */
export function reasons(viewer: MatchProfile, candidate: MatchProfile, fit: DirectionalFit, options: ScoreOptions): Reason[] {
  const ranked: { strength: number; reason: Reason }[] = [];
  const add = (component: keyof typeof COMPONENT_WEIGHTS, reason: () => Reason | null) => {
    const value = fit.components[component];
    if (value === undefined || value < REASON_MIN_FIT) return;
    const r = reason();
    if (r) ranked.push({ strength: COMPONENT_WEIGHTS[component] * value, reason: r });
  };
  add('level', () => {
    const best = bestLanguage(viewer, candidate)!;
    const level = best.rank === NATIVE ? 'native' : CEFR_LEVELS[best.rank - 1]!;
    return { code: 'level', language: best.language, level, wanted: CEFR_LEVELS[best.wanted - 1]!, verified: best.verified };
  });
  add('topics', () => ({ code: 'shared-topics', topics: shared(viewer.topics, candidate.topics) }));
  add('motivations', () => ({ code: 'shared-motivations', motivations: shared(viewer.motivations, candidate.motivations) }));
  add('availability', () => ({
    code: 'availability',
    minutes: overlapMinutes(viewer.availability!, candidate.availability!),
    windows: sharedWindows(viewer.availability!, candidate.availability!, options.weekStart, viewer.timeZone, candidate.timeZone),
  }));
  add('method', () =>
    viewer.communicationMethod === candidate.communicationMethod ? { code: 'same-method', method: viewer.communicationMethod! } : null,
  );
  add('style', () => {
    const styles = shared(viewer.partnerStyles, candidate.partnerStyles);
    return styles.length ? { code: 'partner-style', styles } : null;
  });
  add('activity', () => ((fit.components.activity ?? 0) >= 1 ? { code: 'active-recently' } : null));
  if (fit.shifts.learned + fit.shifts.collaborative >= REASON_MIN_LEARNED_SHIFT) {
    // Placed by its effect on the odds, against the component weights' scale.
    ranked.push({ strength: Math.min(0.2, (fit.shifts.learned + fit.shifts.collaborative) / 5), reason: { code: 'like-accepted-before' } });
  }
  return ranked
    .sort((a, b) => b.strength - a.strength)
    .slice(0, MAX_REASONS)
    .map((r) => r.reason);
}

// The engine's own input and output shapes, independent of the database: the server maps its rows
// onto these, the offline evaluation maps the speed-dating columns onto them.

export const CEFR_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;
export type CefrLevel = (typeof CEFR_LEVELS)[number];

export interface SpokenLanguage {
  language: string;
  level: CefrLevel;
}

export interface LearnedLanguage {
  language: string;
  /** The person's own rating. */
  selfLevel: CefrLevel;
  /** From the level test, when one was scored; it wins over the self-rating. */
  verifiedLevel?: CefrLevel | null;
  /** The level the person wants a partner to have in this language. */
  partnerLevel: CefrLevel;
}

/** What a person has decided so far and what others decided about them (requests, quick match). */
export interface DecisionStats {
  /** Decisions this person made on others (accepted + declined; an ignored request counts as declined). */
  given: number;
  accepted: number;
  /** Decisions others made on this person. */
  received: number;
  acceptedBy: number;
}

/**
 * RECON's implicit preference (Pizzato et al. 2010): how many of the partners this person accepted
 * and declined carried each profile feature (see `profileFeatures`). Keep it with `recordDecision`.
 */
export interface LearnedPreference {
  accepted: Readonly<Record<string, number>>;
  declined: Readonly<Record<string, number>>;
}

/**
 * One piece of neighbourhood evidence on whether the viewer accepts the candidate (see
 * `DecisionIndex.neighbourDecisions`): another person's decision on the candidate, with how their
 * decisions compared with the viewer's on the partners both decided on (`via: 'chooser'`), or the
 * viewer's own decision on another partner, with how the people who decided on both judged that
 * partner against the candidate (`via: 'partner'`).
 */
export interface NeighbourDecision {
  via: 'chooser' | 'partner';
  accepted: boolean;
  agreements: number;
  disagreements: number;
}

/**
 * How much more often than the base rate, as log-odds, this person accepts others and is accepted,
 * fitted jointly over the decisions of everyone involved (`DecisionIndex.effects`).
 */
export interface DecisionEffects {
  accepts: number;
  accepted: number;
  /**
   * How closely this person's decisions follow how others judge the partner: the weight of the
   * partner's `accepted` in this person's own decisions (1, the average, when absent).
   */
  follows?: number;
}

export interface MatchProfile {
  id: string;
  nativeLanguage: string;
  speaks: readonly SpokenLanguage[];
  learns: readonly LearnedLanguage[];
  topics: readonly string[];
  motivations: readonly string[];
  gender: string | null;
  birthYear: number | null;
  /** 'any', or the one gender this person wants to meet. */
  partnerGender: string;
  partnerAge: { min: number; max: number } | null;
  partnerStyles: readonly string[];
  communicationMethod: string | null;
  dailyMinutes: number | null;
  /** IANA zone, for showing the shared windows in this person's own time. */
  timeZone: string;
  /** This week's availability in UTC, 672 cells of 15 minutes (see `availability.ts`); null if unknown. */
  availability: Uint32Array | null;
  /** Epoch milliseconds, or null when never seen. */
  lastActiveAt: number | null;
  onboarded: boolean;
  active: boolean;
  /** Ids this person blocked, and ids of their mates. */
  blocked: readonly string[];
  mates: readonly string[];
  /** Other categorical facts shown on the profile (field of study, city), used by learned preferences only. */
  traits?: readonly string[];
  decisions: DecisionStats;
  /**
   * The accept rates given and received fitted jointly, who decided counted (`DecisionIndex.effects`);
   * when absent, the smoothed rates of `decisions` stand in for them.
   */
  decisionEffects?: DecisionEffects;
  preference: LearnedPreference;
  /** Requests that wait for this person's answer: what the exposure damping looks at. */
  openIncomingRequests?: number;
  callRatings?: { bad: number; total: number };
}

export interface ScoreOptions {
  /** Epoch milliseconds; ages, recent activity. */
  now: number;
  /** Monday 00:00 UTC of the week the availability bitsets describe. */
  weekStart: number;
  /** The population's share of accepted decisions: the prior of every smoothed rate. */
  baseAcceptRate?: number;
  /**
   * Weights, in decisions, of the priors behind the accept rates given and received, measured on
   * the population (`ratePriors`); RATE_PRIOR_DECISIONS for both when absent.
   */
  ratePriors?: { given: number; received: number };
}

export type IneligibleReason = 'self' | 'blocked' | 'languages' | 'requirements' | 'inactive' | 'mates';

export interface FitComponents {
  level?: number;
  topics?: number;
  motivations?: number;
  availability?: number;
  method?: number;
  dailyMinutes?: number;
  style?: number;
  activity?: number;
}

export interface DirectionalFit {
  /** s(x→y) in [0, 1]: how well y suits x, and how likely x is to accept y. */
  score: number;
  /** The profile answers alone, in [0, 1]: what a newcomer's score rests on. */
  profile: number;
  components: FitComponents;
  /** Log-odds shifts from decisions: x's own accept rate, y's accepted rate, x's learned preferences, x's neighbours. */
  shifts: { chooser: number; partner: number; learned: number; collaborative: number };
}

export interface TimeOfWeek {
  /** ISO weekday, Monday = 1. */
  day: number;
  /** Minutes after local midnight. */
  minute: number;
}

export interface SharedWindow {
  minutes: number;
  viewer: { from: TimeOfWeek; to: TimeOfWeek };
  partner: { from: TimeOfWeek; to: TimeOfWeek };
}

export type Reason =
  | { code: 'shared-topics'; topics: string[] }
  | { code: 'shared-motivations'; motivations: string[] }
  | { code: 'availability'; minutes: number; windows: SharedWindow[] }
  | { code: 'level'; language: string; level: CefrLevel | 'native'; wanted: CefrLevel; verified: boolean }
  | { code: 'same-method'; method: string }
  | { code: 'partner-style'; styles: string[] }
  | { code: 'active-recently' }
  | { code: 'like-accepted-before' };

export type Recommendation =
  | { eligible: false; reason: IneligibleReason }
  | {
      eligible: true;
      /** Reciprocal score in [0, 1]. */
      score: number;
      /** The same, as the percentage shown on the card. */
      percent: number;
      viewerToCandidate: DirectionalFit;
      candidateToViewer: DirectionalFit;
      /** The strongest reasons first, as seen by the viewer. */
      reasons: Reason[];
    };

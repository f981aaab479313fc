// Every number the engine uses, each with the data or reasoning that set it. None was searched for
// on the evaluation rows: the speed-dating waves 1-14 only checked that the construct is not
// sensitive to them (NDCG@5 figures below, `npm run eval:matching`), and waves 15-21 are kept aside.

/** 15-minute cells: the coarsest grid on which +05:45 (Kathmandu) and +09:30 zones are exact. */
export const CELL_MINUTES = 15;
export const CELLS_PER_WEEK = (7 * 24 * 60) / CELL_MINUTES; // 672
export const WEEK_WORDS = CELLS_PER_WEEK / 32; // 21 Uint32 words

/**
 * Share of accepted decisions when nothing else is known: 0.42 is the yes rate of the speed-dating
 * experiment (2,411 of 5,744 decisions in waves 1-14). The server should pass its own measured rate.
 */
export const DEFAULT_BASE_ACCEPT_RATE = 0.42;
/** Decisions among the people being ranked before their own accept rate replaces the default. */
export const BASE_RATE_MIN_DECISIONS = 100;

/**
 * Weight of the Beta prior, in decisions, behind every smoothed accept rate (given and received):
 * after four decisions a person's own rate counts as much as the population's: a few decisions
 * carry most of the signal. The evaluation barely moves across 2, 4 and 8 (NDCG@5 0.659, 0.657,
 * 0.647).
 */
export const RATE_PRIOR_DECISIONS = 4;

/**
 * Bounds of the prior weight measured on the population (`ratePriorWeight`): at least one
 * decision's worth, so a single yes is never taken as a certainty; at most fifty, where people's
 * rates are indistinguishable and the population's rate should speak. Below twenty people with
 * two or more decisions, the spread is too noisy to measure and RATE_PRIOR_DECISIONS is used.
 */
export const RATE_PRIOR_MIN = 1;
export const RATE_PRIOR_MAX = 50;
export const RATE_PRIOR_MIN_PEOPLE = 20;

/**
 * Bound on the measured correlation between a person's accept rate given and rate received
 * (`DecisionIndex.rateCorrelation`): a moment estimate from a few hundred people can overshoot, and
 * at ±1 the joint prior would be singular. The speed-dating halves measure -0.15 to -0.44 (people
 * accepted by many accept fewer), far inside it.
 */
export const RATE_CORRELATION_MAX = 0.8;

/**
 * The joint fit of accept rates given and received (`DecisionIndex.effects`) stops when no person's
 * log-odds moves by more than a millionth (far below any difference a ranking can show), or after
 * 100 sweeps; on the speed-dating waves it settles in about twenty.
 */
export const EFFECTS_TOLERANCE = 1e-6;
export const EFFECTS_MAX_SWEEPS = 100;

/**
 * Prior precision on how closely a person's decisions follow others' judgement of the partner
 * (`DecisionEffects.follows`, 1 on average): a standard deviation of 1/sqrt(5) = 0.45, so most
 * people follow the crowd between about half and one and a half times as much as the average
 * person. A person's own evening of eight decisions carries about 1 unit of information on it
 * (the sum of p(1-p)·accepted² over their partners), so the prior keeps a slope near 1 until
 * decisions accumulate. Flat in the evaluation: precisions 2, 5 and 10 give NDCG@5 0.664, 0.665,
 * 0.664 (seeds 0-9) and 0.661, 0.661, 0.660 (seeds 10-39); without the slope, 0.662 and 0.659.
 */
export const FOLLOWS_PRIOR_PRECISION = 5;

/**
 * Bound on g, how much more a sought-after person follows the crowd (the slope's prior mean is
 * 1 + g·b, g fitted on the decisions by `DecisionIndex.effects`): with standings within about ±1.5,
 * g = 1 would already move a slope's prior from near 0 to 2.5. The speed-dating halves measure
 * -0.12 to 0.47 (mean 0.17), inside it; a population with few decisions cannot push it further.
 */
export const STANDING_FOLLOWS_MAX = 1;

/**
 * Weight of the prior, in decisions, behind the accept rate among partners that carry one feature
 * (learned preferences). Larger than the rate prior: each feature sees only a slice of the history,
 * and profile features predict decisions weakly. Flat in the evaluation (2, 6, 12: NDCG@5 0.659,
 * 0.657, 0.655).
 */
export const FEATURE_PRIOR_DECISIONS = 6;

/**
 * How far the profile answers move the log-odds of acceptance: a perfect fit against none is e^2,
 * about 7 times the odds. It is all a newcomer is ranked by; once decisions exist they add their
 * own shifts on the same scale, so a person's history outweighs their answers, as the data asks
 * (interest similarity alone barely beats random order at predicting speed-dating decisions, issue
 * 11; spans of 0, 1 and 2 give NDCG@5 0.659, 0.659, 0.657 there, and 2 keeps a newcomer's
 * percentage readable: 21% to 66% around a 42% base rate).
 */
export const PROFILE_LOGIT_SPAN = 2;

/**
 * Collaborative evidence (`collaborativeRate`): a neighbour's weight is
 * (agreements - disagreements) / (comparisons + 2), two neutral comparisons of prior, so that one
 * shared decision is weak evidence (1/3) and five agreements out of five strong (5/7). Flat in the
 * evaluation: priors of 1, 2 and 4 give NDCG@5 0.663, 0.662, 0.660 on seeds 0-9 (0.659, 0.659,
 * 0.660 on seeds 10-39).
 */
export const AGREEMENT_PRIOR = 2;

/**
 * Weights of the profile components in s(x→y). Language level and time together are what makes an
 * exchange possible at all (the spec's core promise); topics and motivations make it pleasant;
 * method, minutes, style and recency are tie-breakers. A component that is unknown drops out and
 * the others are renormalised.
 */
export const COMPONENT_WEIGHTS = {
  level: 0.2,
  availability: 0.2,
  topics: 0.15,
  motivations: 0.1,
  method: 0.1,
  style: 0.1,
  activity: 0.1,
  dailyMinutes: 0.05,
} as const;

/** Each CEFR step short of the level asked for loses this much level fit: two steps short is poor. */
export const LEVEL_STEP_PENALTY = 0.35;

/**
 * Shared topics and motivations saturate: 1 - exp(-n / 1.5) gives 0.49, 0.74, 0.86 for 1, 2, 3
 * shared; a first shared topic opens a conversation, the fifth adds little.
 */
export const SHARED_ITEMS_SCALE = 1.5;

/**
 * Weekly overlap that counts as a full fit: 3 hours, room for three of the hour-long sessions the
 * spec's calls are sized for, or a daily 25-minute habit.
 */
export const FULL_OVERLAP_MINUTES = 180;

/** Communication methods: the same is best; hybrid suits every method; text and calls differ most. */
export const METHOD_FIT: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  text: { text: 1, hybrid: 0.75, voice: 0.3, video: 0.25 },
  voice: { voice: 1, hybrid: 0.75, video: 0.6, text: 0.3 },
  video: { video: 1, hybrid: 0.75, voice: 0.6, text: 0.25 },
  hybrid: { hybrid: 1, text: 0.75, voice: 0.75, video: 0.75 },
};

/** Daily minutes run 10..30 in steps of 5: 20 minutes apart is no fit at all. */
export const DAILY_MINUTES_SPAN = 20;

/** No shared partner style is a mild mismatch, not a veto: styles are soft wishes. */
export const NO_SHARED_STYLE_FIT = 0.4;

/** Recency: seen in the last day counts fully, then the fit halves every week of absence. */
export const ACTIVE_FULL_MS = 24 * 3600_000;
export const ACTIVE_HALF_LIFE_MS = 7 * 24 * 3600_000;

/**
 * Exposure damping: up to 5 open requests waiting (the daily sending limit of one person) cost
 * nothing; beyond, the score falls as 1/sqrt(1 + extra/10), gently (15 waiting: x0.71).
 */
export const EXPOSURE_FREE_REQUESTS = 5;
export const EXPOSURE_SCALE = 10;

/**
 * The bad-rating sink: from the second bad call rating on, the score is multiplied by the share of
 * calls that were not rated bad, with two good calls of prior so one bad call among few does not
 * sink anyone; never below 0.1, so a person can recover.
 */
export const SINK_MIN_BAD = 2;
export const SINK_PRIOR_GOOD = 2;
export const SINK_FLOOR = 0.1;

/** A reason is shown when its component reaches this fit: below it, it is not a reason to meet. */
export const REASON_MIN_FIT = 0.45;
export const MAX_REASONS = 3;
/** Learned preferences are a reason once they raise the log-odds by this much (x1.35 odds). */
export const REASON_MIN_LEARNED_SHIFT = 0.3;

export { recommend, reciprocalScore, type PairEvidence, reasons, harmonicMean, exposureDamping, badRatingSink } from './score.js';
export { directionalFit, components, profileFit } from './fit.js';
export { ineligibility, levelIn, offeredLanguages } from './filters.js';
export {
  acceptsRate,
  acceptedRate,
  smoothedRate,
  ratePriors,
  ratePriorWeight,
  populationRates,
  profileFeatures,
  recordDecision,
  emptyPreference,
  learnedShift,
  collaborativeRate,
  DecisionIndex,
  type Decision,
} from './learned.js';
export {
  availabilityBitset,
  emptyWeek,
  setCell,
  hasCell,
  overlapMinutes,
  overlapIntervals,
  sharedWindows,
  utcOffsetMinutes,
  weekStartUtc,
  localTimeOfWeek,
} from './availability.js';
export { formatReason, formatReasons, type Locale } from './explain.js';
export { CELLS_PER_WEEK, CELL_MINUTES, DEFAULT_BASE_ACCEPT_RATE } from './constants.js';
export { CEFR_LEVELS } from './types.js';
export type {
  CefrLevel,
  DecisionEffects,
  DecisionStats,
  DirectionalFit,
  FitComponents,
  IneligibleReason,
  LearnedLanguage,
  LearnedPreference,
  MatchProfile,
  NeighbourDecision,
  Reason,
  Recommendation,
  ScoreOptions,
  SharedWindow,
  SpokenLanguage,
  TimeOfWeek,
} from './types.js';

export { scoreLevelTest, scoreText, levelOfScore, READ_ALOUD_SHARE } from './score.js';
export { computeFeatures } from './features.js';
export { deliveryExpertScale, deliveryLevel, measureDelivery } from './delivery.js';
export type { DeliveryAnswer, DeliveryFeatures } from './delivery.js';
export { measureReadAloud, readAloudExpertScale, readAloudLevel, textSyllablesOf } from './read-aloud.js';
export type { ReadAloudFeatures } from './read-aloud.js';
export { computeTextFeatures } from './text.js';
export { mtld, sophistication } from './lexis.js';
export { frequencyRank, frequencyBand, wordLevel } from './lexicon.js';
export { isFilledPause, markDisfluencies, normaliseWord } from './tokens.js';
export { countClauses, countSubordination } from './syntax.js';
export { CEFR_LEVELS } from './types.js';
export { judgeTrust, VERIFY_AT } from './trust.js';
export type { Trust, TrustReason } from './trust.js';
export type {
  AnswerInput,
  CefrLevel,
  FeedbackItem,
  LevelTestInput,
  LevelTestResult,
  PromptStage,
  SpeechFeatures,
  SubScores,
  TextFeatures,
  TextResult,
  TranscriptWord,
  VoiceSegment,
} from './types.js';

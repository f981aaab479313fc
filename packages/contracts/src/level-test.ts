import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './schema.js';
import { CefrLevelSchema, literalUnion } from './catalog.js';

const Id = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });

export const LEVEL_TEST_STATUSES = ['draft', 'submitted', 'scoring', 'scored', 'failed'] as const;
export type LevelTestStatus = (typeof LEVEL_TEST_STATUSES)[number];

/** One speaking task of the test; instructions in Korean (first) and English. */
export const LevelTestPrompt = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }),
  /** 0 reading a printed sentence aloud, 1 self-introduction, 2 routine or experience, 3 opinion with reasons, 4 abstract speculation. */
  stage: literalUnion([0, 1, 2, 3, 4] as const),
  title: Type.Object({ ko: Type.String(), en: Type.String() }),
  instruction: Type.Object({ ko: Type.String(), en: Type.String() }),
  /** Stage 0 only: the English sentence the learner reads aloud, shown on the take page. */
  readAloudText: Type.Optional(Type.String({ maxLength: 200 })),
  /** Seconds to think before recording starts. */
  preparationSec: Type.Integer(),
  /** The recording window, 15..90 s (15 for reading aloud). */
  answerSec: Type.Integer(),
});
export type LevelTestPrompt = Static<typeof LevelTestPrompt>;

export const LevelTestAnswerSummary = Type.Object({
  promptId: Type.String(),
  durationMs: Type.Integer(),
  contentType: Type.String(),
  hasClientTranscript: Type.Boolean(),
  uploadedAt: Instant,
});
export type LevelTestAnswerSummary = Static<typeof LevelTestAnswerSummary>;

export const LevelTestAttempt = Type.Object({
  id: Id,
  language: Type.Literal('en'),
  status: literalUnion(LEVEL_TEST_STATUSES),
  prompts: Type.Array(LevelTestPrompt),
  answers: Type.Array(LevelTestAnswerSummary),
  startedAt: Instant,
  submittedAt: Nullable(Instant),
  scoredAt: Nullable(Instant),
});
export type LevelTestAttempt = Static<typeof LevelTestAttempt>;

export const LevelTestPrompts = Type.Object({ items: Type.Array(LevelTestPrompt) });

/** Polled while the waiting page shows progress. */
export const LevelTestProgress = Type.Object({
  id: Id,
  status: literalUnion(LEVEL_TEST_STATUSES),
  progress: Type.Object({ transcribed: Type.Integer(), total: Type.Integer() }),
  /** Why scoring gave up, when status is failed. */
  error: Nullable(Type.String()),
});
export type LevelTestProgress = Static<typeof LevelTestProgress>;

const Word = Type.Object({
  text: Type.String(),
  start: Nullable(Type.Number()),
  end: Nullable(Type.Number()),
});

export const LevelTestAnswerResult = Type.Object({
  promptId: Type.String(),
  stage: Type.Integer(),
  transcript: Type.String(),
  words: Type.Array(Word),
  /** Which speech-to-text provider produced this transcript. */
  provider: Type.String(),
  transcriptConfidence: Type.Number(),
  /** True when the transcript came from the browser rather than from a recogniser. */
  lowConfidence: Type.Boolean(),
  durationSec: Type.Number(),
  /** Seconds of speech the voice-activity detector heard in the recording. */
  speechSec: Type.Number(),
  pauseCount: Type.Integer(),
});

export const LevelTestFeedback = Type.Object({
  kind: Type.Union([Type.Literal('strength'), Type.Literal('improve')]),
  code: Type.String(),
  ko: Type.String(),
  en: Type.String(),
  source: Type.String({ description: '"engine", or the name of the feedback provider' }),
});

/** Why a result stayed provisional; each comes with advice for the retake. */
export const LEVEL_TEST_TRUST_REASONS = ['little-speech', 'unclear-recording', 'estimates-disagree', 'language-withheld'] as const;
export type LevelTestTrustReason = (typeof LEVEL_TEST_TRUST_REASONS)[number];

export const LevelTestResult = Type.Object({
  attemptId: Id,
  language: Type.Literal('en'),
  /**
   * True when the result was trustworthy enough to become the verified level. A provisional result
   * (false) is shown with its range only, leaves the verified level alone and may be retaken at once.
   */
  verified: Type.Boolean(),
  /** What kept a result provisional (empty when verified). */
  reasons: Type.Array(literalUnion(LEVEL_TEST_TRUST_REASONS)),
  level: CefrLevelSchema,
  /** 1.0..6.99; the integer part is the level (1 = A1 ... 6 = C2). */
  score: Type.Number(),
  range: Type.Object({ low: CefrLevelSchema, high: CefrLevelSchema }),
  /** 0..1: amount of speech x recognition confidence x agreement of delivery and language. */
  confidence: Type.Number(),
  /** Vocabulary and grammar are null when withheld: a provisional result, or words the recogniser was unsure of. */
  subScores: Type.Object({
    fluency: Type.Number(),
    vocabularyRange: Nullable(Type.Number()),
    grammaticalComplexity: Nullable(Type.Number()),
    coherence: Nullable(Type.Number()),
    taskAchievement: Type.Number(),
  }),
  feedback: Type.Array(LevelTestFeedback),
  answers: Type.Array(LevelTestAnswerResult),
  /** Every outside or local provider that took part (speech to text, feedback). */
  providers: Type.Array(Type.String()),
  scoredAt: Instant,
});
export type LevelTestResult = Static<typeof LevelTestResult>;

export const LevelTestHistoryItem = Type.Object({
  id: Id,
  status: literalUnion(LEVEL_TEST_STATUSES),
  level: Nullable(CefrLevelSchema),
  score: Nullable(Type.Number()),
  /** Null until scored; false for a provisional result. */
  verified: Nullable(Type.Boolean()),
  startedAt: Instant,
  scoredAt: Nullable(Instant),
});
export const LevelTestHistory = Type.Object({
  items: Type.Array(LevelTestHistoryItem),
  /** When the next attempt may start; null when it may start now. */
  nextAttemptAt: Nullable(Instant),
});
export type LevelTestHistory = Static<typeof LevelTestHistory>;

export const LevelTestScoringAccepted = Type.Object({
  id: Id,
  status: literalUnion(LEVEL_TEST_STATUSES),
});

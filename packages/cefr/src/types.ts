import type { Trust } from './trust.js';
export type CefrLevel = 'A1' | 'A2' | 'B1' | 'B2' | 'C1' | 'C2';
export const CEFR_LEVELS: readonly CefrLevel[] = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];

/** 0 reading a printed sentence aloud, 1 self-introduction, 2 routine or experience, 3 opinion, 4 abstract speculation. */
export type PromptStage = 0 | 1 | 2 | 3 | 4;

export interface TranscriptWord {
  /** As the recogniser wrote it; punctuation attached to a word marks a sentence end. */
  text: string;
  /** Seconds from the start of the answer's recording. */
  start?: number;
  end?: number;
  /** Recogniser confidence 0..1. */
  confidence?: number;
}

/** A stretch of the recording where the voice-activity detector heard speech. */
export interface VoiceSegment {
  start: number;
  end: number;
}

export interface AnswerInput {
  stage: PromptStage;
  words: TranscriptWord[];
  voiceSegments?: VoiceSegment[];
  /** Length of the answer's recording in seconds. */
  durationSec?: number;
  /**
   * The answer time the prompt allowed, in seconds. When given, speech rate is measured over it,
   * so stopping early counts like silence: the calibration interviews had a fixed length too.
   */
  allottedSec?: number;
  /**
   * Syllable nuclei found in the recording (seconds from its start), when the audio was analysed.
   * Given for any answer, delivery (fluency) is measured from these alone, never from the words.
   */
  syllableTimes?: number[];
  /**
   * The sentence the prompt printed for the learner to read aloud, for a read-aloud answer. Its
   * delivery is then measured against the text (read-aloud.ts), and its words, not being the
   * learner's own, give no vocabulary, grammar or task evidence.
   */
  readAloudText?: string;
}

export interface LevelTestInput {
  answers: AnswerInput[];
  /**
   * True when the words cannot carry vocabulary or grammar evidence (the built-in recogniser was
   * unsure): the level then rests on delivery alone and the result cannot be verified.
   */
  withholdLanguage?: boolean;
}

/**
 * Everything the engine measured, per minute or per 100 words so answers of any length compare.
 * Timing features are null when the answers carry no timing.
 */
export interface SpeechFeatures {
  wordCount: number;
  /** Words left after removing filled pauses, repetitions and repaired words. */
  prunedWordCount: number;
  speakingTimeSec: number;
  /** Pruned words per minute of recording. */
  speechRateWpm: number | null;
  /** All words per minute of phonation time (pauses removed). */
  articulationRateWpm: number | null;
  silentPauseCount: number;
  silentPausesPer100Words: number | null;
  longPausesPer100Words: number | null;
  meanPauseSec: number;
  midClausePausesPer100Words: number | null;
  clauseBoundaryPausesPer100Words: number | null;
  meanLengthOfRun: number;
  filledPauseCount: number;
  filledPausesPer100Words: number;
  repetitionCount: number;
  repairCount: number;
  disfluenciesPer100Words: number;
  mtld: number;
  wordTypes: number;
  /** Mean lexical level (1..6.99) of the 10% least frequent content words. */
  lexicalSophistication: number;
  /** Share of content words beyond the B1 frequency band. */
  advancedWordShare: number;
  clausesPerUnit: number;
  wordsPerUnit: number;
  subordinationPer100Words: number;
  connectiveTypes: number;
  /** Distinct connectives per 100-word stretch, averaged: variety that does not grow with length. */
  connectiveVariety: number;
  wordsPerAnswer: number;
  /** Share of answers that did what their prompt asked: narrate (stages 1-2), give reasons (3), speculate (4). */
  taskFunctionShare: number;
  timingKnown: boolean;
  meanConfidence: number;
}

export interface SubScores {
  fluency: number;
  vocabularyRange: number;
  grammaticalComplexity: number;
  coherence: number;
  taskAchievement: number;
}

export interface FeedbackItem {
  kind: 'strength' | 'improve';
  code: string;
  ko: string;
  en: string;
  evidence: Record<string, number>;
}

export interface LevelTestResult {
  level: CefrLevel;
  /** Continuous score 1.0..6.99: 1 = A1 ... 6 = C2; the integer part is the level. */
  score: number;
  range: { low: CefrLevel; high: CefrLevel };
  confidence: number;
  subScores: SubScores;
  /** Whether this result may become the verified level, and why not. */
  trust: Trust;
  features: SpeechFeatures;
  /** Level estimate of each feature that took part, for transparency. */
  featureLevels: Record<string, number>;
  feedback: FeedbackItem[];
}

/** What the text model (calibration.ts: TEXT_FEATURES) reads of written text, e.g. one sentence. */
export interface TextFeatures {
  /** Words, names and numbers. */
  wordCount: number;
  /** Words other than grammar words (lexis.ts: isContentWord), names and numbers left out. */
  contentWords: number;
  syllables: number;
  /** Frequency-band level (lexicon.ts: wordLevel, 1..6.99) of the content words: mean, highest, second highest. */
  meanWordLevel: number;
  maxWordLevel: number;
  secondWordLevel: number;
  /** Content words whose frequency band lies above B1 and above B2. */
  wordsAboveB1: number;
  wordsAboveB2: number;
  /** Log rank in written English (lexicon.ts: writtenRank) of the content words: mean and highest. */
  writtenRarityMean: number;
  writtenRarityMax: number;
  /** Content words past rank 20,000 in written English. */
  writtenRareWords: number;
  /** Lower-case words the frequency list lacks: rare or technical. */
  unlistedWords: number;
  /** Share of words of three syllables or more. */
  polysyllableShare: number;
  meanWordLength: number;
  names: number;
  numbers: number;
  /** Finite verb groups (syntax.ts: countClauses). */
  clauses: number;
  /** Subordinating words (syntax.ts: countSubordination). */
  subordinators: number;
  /** which, who, whom, whose, where. */
  relativeWords: number;
  /** "of": the noun phrases of written prose nest through it. */
  ofPhrases: number;
  /** and, or: coordination, the simpler way of joining. */
  coordinators: number;
  dashes: number;
}

export interface TextResult {
  level: CefrLevel;
  score: number;
  subScores: { vocabularyRange: number; grammaticalComplexity: number };
  features: TextFeatures;
}

import {
  SPEECH_BAND_EDGES,
  SPEECH_FEATURES,
  SPEECH_STRETCH,
  SUBSCORE_STRETCH,
  TEXT_BIAS,
  TEXT_DECISION,
  TEXT_PART_MEANS,
  TEXT_FEATURES,
  type FeatureSpec,
} from './calibration.js';
import { deliveryLevel, measureDelivery } from './delivery.js';
import { computeFeatures, languageSentences } from './features.js';
import { buildFeedback } from './feedback.js';
import { clampScore, featureLevel, robustCombine, transformValue } from './scale.js';
import { computeTextFeatures } from './text.js';
import { judgeTrust } from './trust.js';
import {
  CEFR_LEVELS,
  type CefrLevel,
  type LevelTestInput,
  type LevelTestResult,
  type SubScores,
  type TextFeatures,
  type TextResult,
} from './types.js';

/** Each feature keeps a small say in its own sub-score even when the overall fit gave it none. */
const SUBSCORE_PRIOR_WEIGHT = 0.03;

export function levelOfScore(score: number): CefrLevel {
  const i = Math.min(5, Math.max(0, Math.floor(clampScore(score)) - 1));
  return CEFR_LEVELS[i] ?? 'A1';
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function levelsOf<K extends string>(specs: Record<K, FeatureSpec>, values: Record<K, number | null>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(specs) as K[]) {
    const level = featureLevel(specs[key].anchor, values[key]);
    if (level !== undefined) out[key] = level;
  }
  return out;
}

/** Puts a stretched speech estimate on the level scale through SPEECH_BAND_EDGES (monotone, piecewise linear). */
export function placeOnBands(estimate: number): number {
  const edges = SPEECH_BAND_EDGES;
  if (!Number.isFinite(estimate)) return NaN;
  if (estimate < edges[0]!) return clampScore(1 + (estimate - 1) / (edges[0]! - 1));
  for (let i = 1; i < edges.length; i++) {
    if (estimate < edges[i]!) return clampScore(i + 1 + (estimate - edges[i - 1]!) / (edges[i]! - edges[i - 1]!));
  }
  return clampScore(edges.length + 1 + (estimate - edges[edges.length - 1]!));
}

/** The weighted, outlier-clipped mean of the feature levels `pick` gives a say, before any stretch. */
export function combineLevels(
  specs: Record<string, FeatureSpec>,
  levels: Record<string, number>,
  pick: (spec: FeatureSpec) => number,
): number {
  const items: Array<{ value: number; weight: number }> = [];
  for (const key of Object.keys(specs)) {
    const level = levels[key];
    if (level !== undefined) items.push({ value: level, weight: pick(specs[key]!) });
  }
  return robustCombine(items);
}

/** A sub-score's say for each feature: its fitted weight in its own groups, plus a small prior. */
export const subScoreWeight = (g: keyof SubScores) => (s: FeatureSpec) => (s.groups.includes(g) ? s.weight + SUBSCORE_PRIOR_WEIGHT : 0);

function stretched(estimate: number, stretch: { intercept: number; slope: number }): number {
  return Number.isFinite(estimate) ? placeOnBands(clampScore(stretch.intercept + stretch.slope * estimate)) : NaN;
}

/** Features read from the words alone (vocabulary, grammar, coherence): withheld when the words cannot be trusted. */
const LANGUAGE_FEATURES = new Set(
  Object.entries(SPEECH_FEATURES as Record<string, FeatureSpec>)
    .filter(([, s]) => !s.groups.includes('fluency'))
    .map(([k]) => k),
);

/** Word-based delivery features: replaced by the audio's own measure when the answers carry it. */
const WORD_DELIVERY_FEATURES = Object.entries(SPEECH_FEATURES as Record<string, FeatureSpec>)
  .filter(([, s]) => s.groups.includes('fluency'))
  .map(([k]) => k);
/**
 * Delivery's share in the overall level when it is measured from the audio: as much as all the
 * language features together (their fitted weights sum to about 0.3), so neither delivery nor
 * language alone decides the level.
 */
const AUDIO_DELIVERY_SPEC: FeatureSpec = {
  anchor: { transform: 'linear', intercept: 0, slope: 1 },
  weight: Object.values(SPEECH_FEATURES as Record<string, FeatureSpec>)
    .filter((s) => !s.groups.includes('fluency'))
    .reduce((a, s) => a + s.weight, 0),
  groups: ['fluency', 'taskAchievement'],
  useInOverall: true,
};

/** Seconds of voice the detector heard, over every answer. */
function voicedSeconds(input: LevelTestInput): number {
  let total = 0;
  for (const a of Array.isArray(input?.answers) ? input.answers : []) {
    for (const s of Array.isArray(a?.voiceSegments) ? a.voiceSegments : []) {
      if (s && Number.isFinite(s.start) && Number.isFinite(s.end) && s.end > s.start) total += Math.min(s.end - s.start, 3600);
    }
  }
  return total;
}

/** Scores a whole level test: every answer's transcript and timing, pooled. Pure and deterministic. */
export function scoreLevelTest(input: LevelTestInput): LevelTestResult {
  const features = computeFeatures(input);
  const values: Record<keyof typeof SPEECH_FEATURES, number | null> = features;
  const levels = features.prunedWordCount > 0 ? levelsOf(SPEECH_FEATURES, values) : {};
  const languageUsed = !input?.withholdLanguage;
  if (!languageUsed) for (const k of LANGUAGE_FEATURES) delete levels[k];
  // Delivery from the audio (syllable nuclei) when the answers carry it: words cannot move it.
  const answerList = Array.isArray(input?.answers) ? input.answers.filter((a) => a && typeof a === 'object') : [];
  const audio = answerList.some((a) => Array.isArray(a.syllableTimes));
  const specs: Record<string, FeatureSpec> = audio ? { ...SPEECH_FEATURES, delivery: AUDIO_DELIVERY_SPEC } : SPEECH_FEATURES;
  let fluencyFromAudio: number | null = null;
  if (audio) {
    for (const k of WORD_DELIVERY_FEATURES) delete levels[k];
    const delivery = measureDelivery(answerList.map((a) => ({ syllableTimes: a.syllableTimes ?? [], allottedSec: a.allottedSec })));
    // No syllable at all in the audio is the lowest delivery there is.
    fluencyFromAudio = deliveryLevel(delivery);
    levels.delivery = fluencyFromAudio;
  }
  const overall = stretched(
    combineLevels(specs, levels, (s) => s.weight),
    SPEECH_STRETCH,
  );
  const score = round2(Number.isFinite(overall) ? overall : 1);

  const groups: Array<keyof SubScores> = ['fluency', 'vocabularyRange', 'grammaticalComplexity', 'coherence', 'taskAchievement'];
  const subScores = {} as SubScores;
  for (const g of groups) {
    // Each sub-score has its own stretch (calibration.ts: SUBSCORE_STRETCH): one or two features
    // read alone scatter far more than the level does, so their estimate is drawn in as far as they predict it.
    const sub = stretched(combineLevels(specs, levels, subScoreWeight(g)), SUBSCORE_STRETCH[g]);
    subScores[g] = round2(Number.isFinite(sub) ? sub : score);
  }
  if (fluencyFromAudio !== null) subScores.fluency = round2(fluencyFromAudio);
  // Vocabulary and grammar from the text model, sentence by sentence: recognised answers read like
  // clean text (Whisper leaves out fillers and repairs and punctuates), far from the interview
  // transcripts the speech anchors were fitted on, where these features barely predict the level
  // and, inverted, scatter to the ends of the scale (issue #15: a B1 test at vocabulary 1.6, grammar 5.75).
  const sentences = languageUsed ? languageSentences(input) : [];
  if (sentences.length) {
    let words = 0;
    const sums: Record<TextGroup, number> = { vocabularyRange: 0, grammaticalComplexity: 0 };
    for (const sentence of sentences) {
      const features = computeTextFeatures(sentence);
      const sub = textSubScores(features);
      words += features.wordCount;
      sums.vocabularyRange += features.wordCount * sub.vocabularyRange;
      sums.grammaticalComplexity += features.wordCount * sub.grammaticalComplexity;
    }
    if (words > 0) {
      subScores.vocabularyRange = round2(sums.vocabularyRange / words);
      subScores.grammaticalComplexity = round2(sums.grammaticalComplexity / words);
    }
  }

  const voiced = voicedSeconds(input);
  const answersOf = Array.isArray(input?.answers) ? input.answers : [];
  const trust = judgeTrust({
    // Without voice activity (a transcript alone), the words' own timing stands in for it.
    speechSec: voiced > 0 || answersOf.some((a) => Array.isArray(a?.voiceSegments)) ? voiced : features.speakingTimeSec,
    prunedWords: features.prunedWordCount,
    recognition: features.meanConfidence,
    subScores,
    languageUsed,
  });
  // Confidence (trust.ts): enough speech, a sure recogniser, delivery and language agreeing.
  const confidence = trust.confidence;
  const halfWidth = 0.35 + (1 - confidence) * 1.15;
  const featureLevels: Record<string, number> = {};
  for (const [k, v] of Object.entries(levels)) featureLevels[k] = round2(v);
  return {
    level: levelOfScore(score),
    score,
    range: { low: levelOfScore(score - halfWidth), high: levelOfScore(score + halfWidth) },
    confidence,
    subScores,
    trust,
    features,
    featureLevels,
    feedback: buildFeedback(score, subScores, features),
  };
}

type TextGroup = 'vocabularyRange' | 'grammaticalComplexity';
const TEXT_KEYS = Object.keys(TEXT_FEATURES) as Array<keyof typeof TEXT_FEATURES>;

/** The text model's raw estimate in its two parts: TEXT_BIAS + vocabulary part + grammar part. */
export function textParts(features: TextFeatures): Record<TextGroup, number> {
  const parts: Record<TextGroup, number> = { vocabularyRange: 0, grammaticalComplexity: 0 };
  for (const k of TEXT_KEYS) {
    const spec = TEXT_FEATURES[k];
    const v = features[k];
    parts[spec.group] += spec.weight * clampScore(spec.intercept + spec.slope * transformValue(spec.transform, Number.isFinite(v) ? v : 0));
  }
  return parts;
}

const decideText = (raw: number): number =>
  round2(clampScore(TEXT_DECISION.center + TEXT_DECISION.spread * (raw - TEXT_DECISION.center) + TEXT_DECISION.offset));

/**
 * A sentence's vocabulary and grammar sub-scores: the level the text model gives it when the other
 * part is what it is on average (TEXT_PART_MEANS, CEFR-SP wikiauto-train). Both are on the scale
 * of the sentence's level, so a sentence whose words and structure match agrees with itself.
 */
export function textSubScores(features: TextFeatures): Record<TextGroup, number> {
  if (features.wordCount === 0) return { vocabularyRange: 1, grammaticalComplexity: 1 };
  const parts = textParts(features);
  return {
    vocabularyRange: decideText(TEXT_BIAS + parts.vocabularyRange + TEXT_PART_MEANS.grammaticalComplexity),
    grammaticalComplexity: decideText(TEXT_BIAS + TEXT_PART_MEANS.vocabularyRange + parts.grammaticalComplexity),
  };
}

/** The lexical and syntactic part alone, for written text such as a single sentence. */
export function scoreText(text: string): TextResult {
  const features = computeTextFeatures(text);
  if (features.wordCount === 0) {
    return { level: 'A1', score: 1, subScores: { vocabularyRange: 1, grammaticalComplexity: 1 }, features };
  }
  const parts = textParts(features);
  const score = decideText(TEXT_BIAS + parts.vocabularyRange + parts.grammaticalComplexity);
  return { level: levelOfScore(score), score, subScores: textSubScores(features), features };
}

import {
  SPEECH_BAND_EDGES,
  SPEECH_FEATURES,
  SPEECH_STRETCH,
  SUBSCORE_STRETCH,
  TEXT_DECISION,
  TEXT_FEATURES,
  TEXT_PART_SLOPES,
  TEXT_THRESHOLDS,
  type FeatureSpec,
  type TextFeatureSpec,
} from './calibration.js';
import { deliveryLevel, measureDelivery, type DeliveryAnswer } from './delivery.js';
import { measureReadAloud, readAloudLevel } from './read-aloud.js';
import { computeFeatures, languageSentences } from './features.js';
import { buildFeedback } from './feedback.js';
import { clampScore, featureLevel, robustCombine, transformValue } from './scale.js';
import { computeTextFeatures } from './text.js';
import { judgeTrust } from './trust.js';
import {
  CEFR_LEVELS,
  type AnswerInput,
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

/**
 * Delivery's share in the level of a test whose delivery came from the audio and whose words were
 * usable: each of the three calibrated sub-scores the learner is shown counts once (fluency from
 * the audio, vocabulary and grammar from the text model). Coherence and task achievement are shown
 * but stay out: they still read the interview-fitted features, which misplace clean recognised text.
 */
export const AUDIO_DELIVERY_SHARE = 1 / 3;

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

/**
 * The fluency sub-score's share that read-aloud answers take when free answers were measured too.
 * Not fitted (no data has both): the reading is the better-checked measure (eval:speech, held-out
 * speakers), the free answers are minutes of the learner's own speech; neither alone decides.
 */
export const READ_ALOUD_SHARE = 0.5;

const isReadAloud = (a: AnswerInput): boolean => typeof a?.readAloudText === 'string' && a.readAloudText.trim().length > 0;

/** Scores a whole level test: every answer's transcript and timing, pooled. Pure and deterministic. */
export function scoreLevelTest(input: LevelTestInput): LevelTestResult {
  const allAnswers = Array.isArray(input?.answers) ? input.answers.filter((a) => a && typeof a === 'object') : [];
  const readAloud = allAnswers.filter(isReadAloud).filter((a) => Array.isArray(a.syllableTimes));
  // A read-aloud answer's words are the printed text's, not the learner's: they give no language,
  // task or word-timing evidence; only its audio counts, for fluency.
  const free = { ...input, answers: allAnswers.filter((a) => !isReadAloud(a)) };
  return scoreAnswers(free, readAloud);
}

function scoreAnswers(input: LevelTestInput, readAloud: readonly AnswerInput[]): LevelTestResult {
  const features = computeFeatures(input);
  const values: Record<keyof typeof SPEECH_FEATURES, number | null> = features;
  const levels = features.prunedWordCount > 0 ? levelsOf(SPEECH_FEATURES, values) : {};
  const languageUsed = !input?.withholdLanguage;
  if (!languageUsed) for (const k of LANGUAGE_FEATURES) delete levels[k];
  // Delivery from the audio (syllable nuclei) when the answers carry it: words cannot move it.
  const answerList = Array.isArray(input?.answers) ? input.answers.filter((a) => a && typeof a === 'object') : [];
  const freeAudio = answerList.some((a) => Array.isArray(a.syllableTimes));
  const audio = freeAudio || readAloud.length > 0;
  const specs: Record<string, FeatureSpec> = audio ? { ...SPEECH_FEATURES, delivery: AUDIO_DELIVERY_SPEC } : SPEECH_FEATURES;
  let fluencyFromAudio: number | null = null;
  if (audio) {
    for (const k of WORD_DELIVERY_FEATURES) delete levels[k];
    // No syllable at all in the audio is the lowest delivery there is.
    const fromFree = freeAudio
      ? deliveryLevel(
          measureDelivery(
            answerList.map((a) => ({ syllableTimes: a.syllableTimes ?? [], voiceSegments: a.voiceSegments, allottedSec: a.allottedSec })),
          ),
        )
      : null;
    // Each reading against its own text; a test has one, more are averaged.
    const fromReading = readAloud.length
      ? readAloud.reduce((s, a) => s + readAloudLevel(measureReadAloud(a as DeliveryAnswer, a.readAloudText!)), 0) / readAloud.length
      : null;
    fluencyFromAudio =
      fromFree === null
        ? fromReading!
        : fromReading === null
          ? fromFree
          : READ_ALOUD_SHARE * fromReading + (1 - READ_ALOUD_SHARE) * fromFree;
    levels.delivery = fluencyFromAudio;
  }
  const overall = stretched(
    combineLevels(specs, levels, (s) => s.weight),
    SPEECH_STRETCH,
  );
  let score = round2(Number.isFinite(overall) ? overall : 1);

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
  let languageScored = false;
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
      // With delivery from the audio, the level is made of the sub-scores the learner is shown:
      // delivery (the fluency sub-score), vocabulary and grammar (the text model), each once
      // (AUDIO_DELIVERY_SHARE), so the level always lies among them. The interview-fitted language
      // features are kept for transcripts without audio (the NICT JLE path): on clean recognised
      // text they put B1-B2 answers at A2 while vocabulary and grammar said B1-B2 (issue #15).
      languageScored = true;
      if (fluencyFromAudio !== null) {
        const language = (subScores.vocabularyRange + subScores.grammaticalComplexity) / 2;
        score = round2(clampScore(AUDIO_DELIVERY_SHARE * fluencyFromAudio + (1 - AUDIO_DELIVERY_SHARE) * language));
      }
    }
  }

  // With the words withheld (or none sure), delivery is all that was measured: the level is the
  // fluency sub-score itself rather than a restretch of it (provisional in any case, trust.ts).
  if (fluencyFromAudio !== null && !languageScored) score = round2(clampScore(fluencyFromAudio));

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

/** The text model's figures: calibration.ts, or a candidate being fitted (eval/calibrate.ts). */
export interface TextModel {
  features: Record<keyof TextFeatures, TextFeatureSpec>;
  thresholds: readonly number[];
  decision: { spread: number; offset: number; decode: 'expected' | 'mode' };
  partSlopes: Record<TextGroup, number>;
}
export const TEXT_MODEL: TextModel = {
  features: TEXT_FEATURES,
  thresholds: TEXT_THRESHOLDS,
  decision: TEXT_DECISION,
  partSlopes: TEXT_PART_SLOPES,
};

/**
 * The latent text difficulty in its two parts (vocabulary, grammar); their sum is the latent. Each
 * part is 0 for a sentence whose features are at their wikiauto-train means.
 */
export function textParts(features: TextFeatures, model: TextModel = TEXT_MODEL): Record<TextGroup, number> {
  const parts: Record<TextGroup, number> = { vocabularyRange: 0, grammaticalComplexity: 0 };
  for (const k of Object.keys(model.features) as Array<keyof TextFeatures>) {
    const spec = model.features[k];
    const v = features[k];
    const x = transformValue(spec.transform, Number.isFinite(v) ? v : 0);
    parts[spec.group] += (spec.weight * spec.direction * (x - spec.mean)) / (spec.sd || 1);
  }
  return parts;
}

/**
 * From the latent to the continuous score: stretched by the decision around the middle of B1, then
 * decoded. The integer part is the level and the fraction how far into it.
 * - 'expected' (TEXT_DECISION): the expected level 1 + sum_k P(level > k) under the cumulative-logit
 *   model, rounded; level L spans expected levels L-0.5 .. L+0.5 (A1 from 1, C2 up to 6). Unlike
 *   the most probable band, a sentence whose probability spreads over several upper levels is
 *   carried towards them, so the ends (A1, C1-C2) are reached.
 * - 'mode': the band between the cut points the stretched latent falls in (the most probable level).
 */
export function textScoreOf(latent: number, model: TextModel = TEXT_MODEL): number {
  const th = model.thresholds;
  if (!Number.isFinite(latent) || th.length !== 5) return 1;
  const center = (th[1]! + th[2]!) / 2;
  const x = center + model.decision.spread * (latent - center) + model.decision.offset;
  if (model.decision.decode === 'expected') {
    let expected = 1;
    for (const t of th) expected += logistic(x - t);
    const level = Math.min(6, Math.max(1, Math.floor(expected + 0.5)));
    const lo = level === 1 ? 1 : level - 0.5;
    const hi = level === 6 ? 6 : level + 0.5;
    const into = Math.min(0.99, Math.max(0, (expected - lo) / (hi - lo)));
    return round2(clampScore(level + into));
  }
  let level = 1;
  while (level <= 5 && x > th[level - 1]!) level++;
  // The outer bands are as wide as their neighbours.
  const lo = level === 1 ? th[0]! - (th[1]! - th[0]!) : th[level - 2]!;
  const hi = level === 6 ? th[4]! + (th[4]! - th[3]!) : th[level - 1]!;
  const into = hi > lo ? Math.min(0.99, Math.max(0, (x - lo) / (hi - lo))) : 0;
  return round2(clampScore(level + into));
}

const logistic = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * A sentence's vocabulary and grammar sub-scores: the level its words alone (or its structure
 * alone) predict, i.e. the part scaled by TEXT_PART_SLOPES to the latent it foretells on
 * wikiauto-train. Both are on the scale of the sentence's level, so a beginner's sentence is low in
 * both and an academic one high in both, and a sentence whose words and structure match agrees with itself.
 */
export function textSubScores(features: TextFeatures, model: TextModel = TEXT_MODEL): Record<TextGroup, number> {
  if (features.wordCount === 0) return { vocabularyRange: 1, grammaticalComplexity: 1 };
  const parts = textParts(features, model);
  return {
    vocabularyRange: textScoreOf(model.partSlopes.vocabularyRange * parts.vocabularyRange, model),
    grammaticalComplexity: textScoreOf(model.partSlopes.grammaticalComplexity * parts.grammaticalComplexity, model),
  };
}

/** The lexical and syntactic part alone, for written text such as a single sentence. */
export function scoreText(text: string, model: TextModel = TEXT_MODEL): TextResult {
  const features = computeTextFeatures(text);
  if (features.wordCount === 0) {
    return { level: 'A1', score: 1, subScores: { vocabularyRange: 1, grammaticalComplexity: 1 }, features };
  }
  const parts = textParts(features, model);
  const score = textScoreOf(parts.vocabularyRange + parts.grammaticalComplexity, model);
  return { level: levelOfScore(score), score, subScores: textSubScores(features, model), features };
}

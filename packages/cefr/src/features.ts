import { connectiveVariety, countClauses, countConnectiveTypes, countSubordination, opensClause } from './syntax.js';
import { mtld, sophistication } from './lexis.js';
import { markDisfluencies, normaliseWord, type Token } from './tokens.js';
import type { AnswerInput, LevelTestInput, SpeechFeatures, VoiceSegment } from './types.js';

/** Silences shorter than this are part of articulation (de Jong & Bosker 2013 found 250 ms best). */
export const MIN_PAUSE_SEC = 0.25;
/** Silences from this length on are long pauses. */
export const LONG_PAUSE_SEC = 1.0;
const MIN_TIMED_SEC = 0.1;
/** Timestamps past an hour cannot belong to one spoken answer; they are treated as missing. */
const MAX_ANSWER_SEC = 3600;
/** Without punctuation or timing an analysis unit is taken to be at most this many words. */
const MAX_UNIT_WORDS = 25;

/**
 * Words the recogniser gave less confidence than this carry no vocabulary or grammar evidence:
 * they are left out of the language features (they still count as speech for timing). Whisper's
 * word probabilities and pocketsphinx's posteriors both fall below it mostly on misheard words.
 */
export const MIN_WORD_CONFIDENCE = 0.5;

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
/** A usable duration in seconds, else 0. */
const given = (x: unknown): number => (finite(x) && x > 0 && x <= MAX_ANSWER_SEC ? x : 0);

interface TimedToken extends Token {
  start?: number;
  end?: number;
  confidence?: number;
}

function timedTokens(answer: AnswerInput): TimedToken[] {
  const words = Array.isArray(answer.words) ? answer.words : [];
  const out: TimedToken[] = [];
  for (const w of words) {
    if (!w || typeof w !== 'object') continue;
    const t: TimedToken = normaliseWord(typeof w.text === 'string' ? w.text : '');
    if (t.norm === '') continue;
    if (finite(w.start) && finite(w.end) && w.start >= 0 && w.end >= w.start && w.end <= MAX_ANSWER_SEC) {
      t.start = w.start;
      t.end = w.end;
    }
    if (finite(w.confidence)) t.confidence = Math.min(1, Math.max(0, w.confidence));
    out.push(t);
  }
  return out;
}

/** Gaps of silence inside the answer, located by the index of the word they precede. */
interface Pause {
  before: number;
  sec: number;
}

function validSegments(segments: readonly VoiceSegment[] | undefined): VoiceSegment[] {
  if (!Array.isArray(segments)) return [];
  return segments
    .filter((s) => s && finite(s.start) && finite(s.end) && s.start >= 0 && s.end > s.start && s.end <= MAX_ANSWER_SEC)
    .map((s) => ({ start: s.start, end: s.end }))
    .sort((a, b) => a.start - b.start);
}

/** Total voiced time, counting overlapping segments once. */
function voicedSeconds(sorted: readonly VoiceSegment[]): number {
  let total = 0;
  let coveredTo = -Infinity;
  for (const g of sorted) {
    const from = Math.max(g.start, coveredTo);
    if (g.end > from) total += g.end - from;
    coveredTo = Math.max(coveredTo, g.end);
  }
  return total;
}

/** Index of the first word said at or after `time`; words without timing are spread evenly over the voiced span. */
function wordAt(tokens: readonly TimedToken[], time: number, spanStart: number, spanEnd: number): number {
  const timed = tokens.findIndex((t) => t.start !== undefined && t.start >= time - 0.05);
  if (timed >= 0 || tokens.some((t) => t.start !== undefined)) return timed < 0 ? tokens.length : timed;
  const share = spanEnd > spanStart ? (time - spanStart) / (spanEnd - spanStart) : 1;
  return Math.round(share * tokens.length);
}

function findPauses(tokens: readonly TimedToken[], segments: readonly VoiceSegment[]): Pause[] {
  const pauses: Pause[] = [];
  if (segments.length > 1) {
    // The audio is the better judge of silence; words place each silence in the sentence.
    let cursorEnd = segments[0]?.end ?? 0;
    for (let s = 1; s < segments.length; s++) {
      const seg = segments[s];
      if (!seg) continue;
      const gap = seg.start - cursorEnd;
      if (gap >= MIN_PAUSE_SEC) {
        const before = wordAt(tokens, seg.start, segments[0]?.start ?? 0, segments[segments.length - 1]?.end ?? 0);
        if (before > 0 && before < tokens.length) pauses.push({ before, sec: gap });
      }
      cursorEnd = Math.max(cursorEnd, seg.end);
    }
    return pauses;
  }
  let lastEnd: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t || t.start === undefined || t.end === undefined) continue;
    if (lastEnd !== undefined) {
      const gap = t.start - lastEnd;
      if (gap >= MIN_PAUSE_SEC) pauses.push({ before: i, sec: gap });
    }
    lastEnd = Math.max(lastEnd ?? 0, t.end);
  }
  return pauses;
}

interface AnswerStats {
  words: number;
  pruned: string[];
  durationSec: number | undefined;
  phonationSec: number | undefined;
  pauses: Pause[];
  midClausePauses: number;
  runs: number[];
  filled: number;
  repetitions: number;
  repairs: number;
  units: number;
  clauses: number;
  subordination: number;
  confidenceSum: number;
  confidenceCount: number;
  timed: boolean;
  functionMet: boolean;
}

// Language functions each prompt stage calls for.
const REASONING = new Set(['because', 'think', 'opinion', 'reason', 'believe', 'agree', 'disagree', 'so', 'why', 'since', 'therefore']);
const SPECULATING = new Set([
  'would',
  'could',
  'might',
  'if',
  'maybe',
  'probably',
  'perhaps',
  'imagine',
  'possibly',
  'will',
  "i'd",
  "it'd",
  'wonder',
]);

const unsure = (t: TimedToken) => t.confidence !== undefined && t.confidence < MIN_WORD_CONFIDENCE;

function stageFunctionMet(stage: number, pruned: readonly string[], clauses: number): boolean {
  if (stage === 3) return pruned.some((w) => REASONING.has(w));
  if (stage === 4) return pruned.some((w) => SPECULATING.has(w));
  return clauses >= 2;
}

function analyseAnswer(answer: AnswerInput): AnswerStats {
  const tokens = timedTokens(answer);
  const marks = markDisfluencies(tokens);
  const segments = validSegments(answer.voiceSegments);
  const timedCount = tokens.filter((t) => t.start !== undefined).length;
  const timed = tokens.length > 0 && (timedCount / tokens.length >= 0.8 || segments.length > 0);
  const pauses = timed ? findPauses(tokens, segments) : [];

  // Language evidence reads the sure words alone, with repetitions and repairs found among them:
  // an unsure word (a recogniser's guess) must not make a sure one look like a repetition.
  const sureAt = tokens.flatMap((t, i) => (t && !unsure(t) ? [i] : []));
  const sureMarks = markDisfluencies(sureAt.map((i) => tokens[i]!));
  const keptForLanguage = new Set(sureAt.filter((_, k) => sureMarks.kind[k] === 'kept'));
  const pruned: string[] = [];
  let confidenceSum = 0;
  let confidenceCount = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    if (keptForLanguage.has(i)) pruned.push(t.norm);
    if (t.confidence !== undefined) {
      confidenceSum += t.confidence;
      confidenceCount++;
    }
  }

  // Mid-clause pauses: silence before a word that does not open a clause (filled pauses skipped).
  let midClausePauses = 0;
  for (const p of pauses) {
    let j = p.before;
    while (j < tokens.length && marks.kind[j] === 'filled') j++;
    const next = tokens[j];
    const prev = tokens[p.before - 1];
    if (next && !opensClause(next.norm, prev?.sentenceEnd ?? true)) midClausePauses++;
  }

  // Runs: stretches of words between silent pauses and filled pauses.
  const pauseBefore = new Set(pauses.map((p) => p.before));
  const runs: number[] = [];
  let run = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (pauseBefore.has(i) && run > 0) {
      runs.push(run);
      run = 0;
    }
    if (marks.kind[i] === 'filled') {
      if (run > 0) runs.push(run);
      run = 0;
    } else run++;
  }
  if (run > 0) runs.push(run);

  // Units: sentences as punctuated; else stretches between long pauses; never over MAX_UNIT_WORDS.
  let units = 0;
  let unitWords = 0;
  const unitPause = new Set(pauses.filter((p) => p.sec >= LONG_PAUSE_SEC).map((p) => p.before));
  const punctuated = tokens.some((t) => t.sentenceEnd);
  let clauses = 0;
  let unit: string[] = [];
  const closeUnit = (): void => {
    if (unit.length === 0) return;
    units += Math.max(1, Math.ceil(unit.length / MAX_UNIT_WORDS));
    clauses += countClauses(unit);
    unit = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    if (!punctuated && unitPause.has(i)) closeUnit();
    if (keptForLanguage.has(i)) {
      unit.push(t.norm);
      unitWords++;
    }
    if (t.sentenceEnd) closeUnit();
  }
  closeUnit();

  let durationSec: number | undefined;
  let phonationSec: number | undefined;
  if (timed) {
    let lastEnd = 0;
    for (const t of tokens) if (t.end !== undefined && t.end > lastEnd) lastEnd = t.end;
    for (const g of segments) if (g.end > lastEnd) lastEnd = g.end;
    // Phonation is what the voice (or the words) took; it scales exactly with slower speech.
    phonationSec = segments.length
      ? voicedSeconds(segments)
      : tokens.reduce((s, t) => s + (t.start !== undefined && t.end !== undefined ? t.end - t.start : 0), 0);
    durationSec = Math.max(lastEnd, given(answer.durationSec), given(answer.allottedSec));
  } else if (given(answer.durationSec) > 0) {
    durationSec = Math.max(given(answer.durationSec), given(answer.allottedSec));
  }

  return {
    words: tokens.length - marks.filledPauses,
    pruned,
    // Under a tenth of a second nobody can have said a word: treat such timing as unknown.
    durationSec: durationSec !== undefined && durationSec >= MIN_TIMED_SEC ? durationSec : undefined,
    phonationSec: phonationSec !== undefined && phonationSec >= MIN_TIMED_SEC ? phonationSec : undefined,
    pauses,
    midClausePauses,
    runs,
    filled: marks.filledPauses,
    repetitions: marks.repetitions,
    repairs: marks.repairs,
    units: unitWords > 0 ? units : 0,
    clauses,
    subordination: countSubordination(pruned),
    confidenceSum,
    confidenceCount,
    timed,
    functionMet: stageFunctionMet(Number(answer.stage), pruned, clauses),
  };
}

const per100 = (n: number, words: number): number => (words > 0 ? (100 * n) / words : 0);
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function computeFeatures(input: LevelTestInput): SpeechFeatures {
  const answers = Array.isArray(input?.answers) ? input.answers.filter((a) => a && typeof a === 'object') : [];
  const stats = answers.map(analyseAnswer);
  const sum = (f: (s: AnswerStats) => number): number => stats.reduce((acc, s) => acc + f(s), 0);

  const wordCount = sum((s) => s.words);
  const pruned = stats.flatMap((s) => s.pruned);
  const timedStats = stats.filter((s) => s.timed && s.durationSec !== undefined);
  const spoken = stats.filter((s) => s.words > 0);
  const timingKnown = spoken.length > 0 && spoken.every((s) => s.timed && s.durationSec !== undefined);
  const durationKnown = stats.every((s) => s.words === 0 || s.durationSec !== undefined) && wordCount > 0;
  const speakingTimeSec = sum((s) => s.durationSec ?? 0);
  const phonationSec = timedStats.reduce((a, s) => a + (s.phonationSec ?? 0), 0);
  const timedWords = timedStats.reduce((a, s) => a + s.words, 0);
  const pauses = stats.flatMap((s) => s.pauses);
  const runs = stats.flatMap((s) => s.runs);
  const soph = sophistication(pruned);
  const units = sum((s) => s.units);
  const confidenceCount = sum((s) => s.confidenceCount);

  return {
    wordCount,
    prunedWordCount: pruned.length,
    speakingTimeSec,
    speechRateWpm: durationKnown && speakingTimeSec > 0 ? finiteOrNull((60 * pruned.length) / speakingTimeSec) : null,
    articulationRateWpm: timingKnown && phonationSec > 0 ? finiteOrNull((60 * timedWords) / phonationSec) : null,
    silentPauseCount: pauses.length,
    silentPausesPer100Words: timingKnown ? per100(pauses.length, wordCount) : null,
    longPausesPer100Words: timingKnown ? per100(pauses.filter((p) => p.sec >= LONG_PAUSE_SEC).length, wordCount) : null,
    // A running mean stays finite whatever the timestamps.
    meanPauseSec: pauses.reduce((mean, p, k) => mean + (p.sec - mean) / (k + 1), 0),
    midClausePausesPer100Words: timingKnown
      ? per100(
          sum((s) => s.midClausePauses),
          wordCount,
        )
      : null,
    clauseBoundaryPausesPer100Words: timingKnown ? per100(pauses.length - sum((s) => s.midClausePauses), wordCount) : null,
    meanLengthOfRun: runs.length ? runs.reduce((a, b) => a + b, 0) / runs.length : 0,
    filledPauseCount: sum((s) => s.filled),
    filledPausesPer100Words: per100(
      sum((s) => s.filled),
      wordCount,
    ),
    repetitionCount: sum((s) => s.repetitions),
    repairCount: sum((s) => s.repairs),
    disfluenciesPer100Words: per100(
      sum((s) => s.repetitions + s.repairs),
      wordCount,
    ),
    mtld: mtld(pruned),
    wordTypes: new Set(pruned).size,
    lexicalSophistication: soph.topDecileLevel,
    advancedWordShare: soph.advancedShare,
    clausesPerUnit: units > 0 ? sum((s) => s.clauses) / units : 0,
    wordsPerUnit: units > 0 ? pruned.length / units : 0,
    subordinationPer100Words: per100(
      sum((s) => s.subordination),
      pruned.length,
    ),
    connectiveTypes: countConnectiveTypes(pruned),
    connectiveVariety: connectiveVariety(pruned),
    wordsPerAnswer: stats.length ? pruned.length / stats.length : 0,
    taskFunctionShare: stats.length ? stats.filter((s) => s.functionMet).length / stats.length : 0,
    timingKnown,
    meanConfidence: confidenceCount > 0 ? sum((s) => s.confidenceSum) / confidenceCount : 1,
  };
}

/**
 * The sure words of every answer as sentences, in the recogniser's own spelling and punctuation, for
 * the vocabulary and grammar sub-scores (score.ts): filled pauses, repetitions and repairs left out
 * as for the other language features, a sentence ended only by a sure word (an unsure word's full
 * stop is as much a guess as the word), and a sentence never longer than MAX_UNIT_WORDS.
 */
export function languageSentences(input: LevelTestInput): string[] {
  const answers = Array.isArray(input?.answers) ? input.answers.filter((a) => a && typeof a === 'object') : [];
  const sentences: string[] = [];
  for (const answer of answers) {
    const raw = (Array.isArray(answer.words) ? answer.words : []).filter((w) => w && typeof w === 'object');
    const tokens = timedTokens(answer);
    const texts = raw.map((w) => (typeof w.text === 'string' ? w.text.trim() : '')).filter((t) => normaliseWord(t).norm !== '');
    const sureAt = tokens.flatMap((t, i) => (t && !unsure(t) ? [i] : []));
    const marks = markDisfluencies(sureAt.map((i) => tokens[i]!));
    let sentence: string[] = [];
    const close = () => {
      if (sentence.length) sentences.push(sentence.join(' '));
      sentence = [];
    };
    sureAt.forEach((i, k) => {
      if (marks.kind[k] === 'kept') sentence.push(texts[i] ?? tokens[i]!.norm);
      if (tokens[i]!.sentenceEnd || sentence.length >= MAX_UNIT_WORDS) close();
    });
    close();
  }
  return sentences;
}

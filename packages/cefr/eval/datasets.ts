// Readers for the calibration files in ../shared/data/cefr (see its README.md). Evaluation only.
import { readFileSync } from 'node:fs';
import type { AnswerInput, LevelTestInput, PromptStage, TranscriptWord } from '../src/types.js';

/**
 * NICT JLE has transcripts without timing, so timings are synthesised: every token takes
 * NICT_WORD_SEC, a filled pause NICT_FILLED_SEC, and a pause mark inserts a silence before its
 * token (short NICT_SHORT_PAUSE_SEC, long NICT_LONG_PAUSE_SEC). Articulation rate is therefore
 * constant on this data and carries no signal here.
 * SST interviews run about 15 minutes; the learner is assumed to hold the floor for
 * NICT_FLOOR_SEC of them, shared among the interview's parts by their token counts, which makes
 * speech rate "pruned words per minute of the learner's answer time" as in the product.
 */
export const NICT_WORD_SEC = 0.32;
export const NICT_FILLED_SEC = 0.45;
export const NICT_SHORT_PAUSE_SEC = 0.6;
export const NICT_LONG_PAUSE_SEC = 2.0;
export const NICT_FLOOR_SEC = 600;

/** SST level -> CEFR band used for exact/within-one/QWK: 1-3 A1, 4 A2, 5-6 B1, 7-8 B2, 9 C1. */
export const SST_TO_CEFR: Record<number, number> = { 1: 1, 2: 1, 3: 1, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4, 9: 5 };
/** SST level -> a point on the continuous CEFR scale, used only to fit the feature anchors. */
export const SST_TO_SCORE: Record<number, number> = {
  1: 1.2,
  2: 1.45,
  3: 1.75,
  4: 2.5,
  5: 3.25,
  6: 3.75,
  7: 4.25,
  8: 4.75,
  9: 5.5,
};

export interface NictInterview {
  id: string;
  sst: number;
  input: LevelTestInput;
  /** All tokens, filled pauses included: the word-count baseline. */
  tokenCount: number;
  /** Learner words in order, for the word-list baseline. */
  words: string[];
  /** The corpus annotators' counts, to check the engine's own detectors against. */
  annotatedFilledPauses: number;
  annotatedRepairs: number;
}

export function readNict(path: string): NictInterview[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = (lines[0] ?? '').split('\t');
  const col = (name: string): number => header.indexOf(name);
  const [cFile, cWord, cInc, cLevel, cConv, cShort, cLong] = [
    col('fileno'),
    col('word'),
    col('incremental'),
    col('level'),
    col('conversation'),
    col('silence_short'),
    col('silence_long'),
  ];
  const out: NictInterview[] = [];
  let current:
    | {
        id: string;
        sst: number;
        parts: Array<{ conv: string; words: TranscriptWord[]; tokens: number }>;
        t: number;
        tokens: number;
        words: string[];
        filled: number;
        repairs: number;
      }
    | undefined;
  const finish = (): void => {
    if (!current) return;
    const floor = NICT_FLOOR_SEC;
    const answers: AnswerInput[] = current.parts.map((p, i) => {
      const stage: PromptStage = i === 0 ? 1 : p.conv === '1' ? 3 : 2;
      const start = p.words[0]?.start ?? 0;
      const words = p.words.map((w) => ({ ...w, start: (w.start ?? 0) - start, end: (w.end ?? 0) - start }));
      return { stage, words, allottedSec: (floor * p.tokens) / Math.max(1, current!.tokens) };
    });
    out.push({
      id: current.id,
      sst: current.sst,
      input: { answers },
      tokenCount: current.tokens,
      words: current.words,
      annotatedFilledPauses: current.filled,
      annotatedRepairs: current.repairs,
    });
    current = undefined;
  };
  let lastUtterance: TranscriptWord | undefined;
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li];
    if (!line) continue;
    const c = line.split('\t');
    const fileno = c[cFile] ?? '';
    if (fileno) {
      const id = fileno.split(':')[0] ?? '';
      if (!current || current.id !== id) {
        finish();
        current = { id, sst: Number(c[cLevel]), parts: [], t: 0, tokens: 0, words: [], filled: 0, repairs: 0 };
      }
      // A new utterance: the transcriber's boundary becomes a sentence end on the last word.
      if (lastUtterance && !/[.?!]$/.test(lastUtterance.text)) lastUtterance.text += '.';
    }
    if (!current) continue;
    const conv = c[cConv] ?? '0';
    let part = current.parts[current.parts.length - 1];
    if (!part || part.conv !== conv) {
      part = { conv, words: [], tokens: 0 };
      current.parts.push(part);
    }
    const word = c[cWord] ?? '';
    if (c[cShort] === '1') current.t += NICT_SHORT_PAUSE_SEC;
    if (c[cLong] === '1') current.t += NICT_LONG_PAUSE_SEC;
    const incremental = c[cInc] ?? '';
    if (incremental === 'i') current.filled++;
    if (incremental.startsWith('rps')) current.repairs++;
    const sec = incremental === 'i' ? NICT_FILLED_SEC : NICT_WORD_SEC;
    const w: TranscriptWord = { text: word, start: current.t, end: current.t + sec };
    current.t += sec;
    part.words.push(w);
    part.tokens++;
    current.tokens++;
    current.words.push(word);
    lastUtterance = w;
  }
  finish();
  return out;
}

export interface CefrSpSentence {
  sentence: string;
  a: number;
  b: number;
}

export function readCefrSp(path: string): CefrSpSentence[] {
  const out: CefrSpSentence[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const c = line.split('\t');
    if (c.length < 3) continue;
    const a = Number(c[1]);
    const b = Number(c[2]);
    if (!Number.isInteger(a) || !Number.isInteger(b)) continue;
    out.push({ sentence: c[0] ?? '', a, b });
  }
  return out;
}

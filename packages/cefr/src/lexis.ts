import { wordLevel } from './lexicon.js';

/**
 * Measure of Textual Lexical Diversity (McCarthy & Jarvis 2010): the mean length of stretches
 * whose type-token ratio stays above 0.72, averaged over both reading directions. Unlike the plain
 * type-token ratio it does not fall as a speaker talks longer.
 */
export const MTLD_THRESHOLD = 0.72;

function mtldOneWay(words: readonly string[]): number {
  let factors = 0;
  let types = new Set<string>();
  let count = 0;
  for (const w of words) {
    count++;
    types.add(w);
    if (types.size / count <= MTLD_THRESHOLD) {
      factors++;
      types = new Set();
      count = 0;
    }
  }
  if (count > 0) factors += (1 - types.size / count) / (1 - MTLD_THRESHOLD);
  return factors > 0 ? words.length / factors : words.length;
}

export function mtld(words: readonly string[]): number {
  if (words.length === 0) return 0;
  return (mtldOneWay(words) + mtldOneWay([...words].reverse())) / 2;
}

// Grammar words say nothing about lexical range.
const FUNCTION_WORDS = new Set(
  (
    'a an the and or but so if because when while of to in on at for with about from by as into ' +
    'than then that this these those there here it its i me my mine you your yours he him his she ' +
    'her hers we us our they them their what which who whom whose how why where is am are was were ' +
    'be been being have has had do does did will would can could shall should may might must not no ' +
    'yes very too also just really all some any many much more most one two three'
  ).split(' '),
);

export function isContentWord(word: string): boolean {
  return word.length > 1 && !FUNCTION_WORDS.has(word) && !/\d/.test(word);
}

export interface SophisticationStats {
  /** Mean level of the least frequent tenth of the content words, 1..6.99; 0 when none known. */
  topDecileLevel: number;
  /** Share of known content words above the B1 band. */
  advancedShare: number;
  maxLevel: number;
  knownContentWords: number;
}

/** Level above which a word counts as advanced: past the B1/B2 midpoint of the frequency bands. */
export const ADVANCED_WORD_LEVEL = 3.5;

export function sophistication(words: readonly string[]): SophisticationStats {
  const levels: number[] = [];
  for (const w of words) {
    if (!isContentWord(w)) continue;
    const level = wordLevel(w);
    if (level !== undefined) levels.push(level);
  }
  if (levels.length === 0) return { topDecileLevel: 0, advancedShare: 0, maxLevel: 0, knownContentWords: 0 };
  levels.sort((a, b) => b - a);
  const k = Math.max(1, Math.ceil(levels.length / 10));
  let sum = 0;
  for (let i = 0; i < k; i++) sum += levels[i] ?? 0;
  const advanced = levels.filter((l) => l >= ADVANCED_WORD_LEVEL).length;
  return {
    topDecileLevel: sum / k,
    advancedShare: advanced / levels.length,
    maxLevel: levels[0] ?? 0,
    knownContentWords: levels.length,
  };
}

import { countClauses, countSubordination } from './syntax.js';
import { isContentWord, sophistication } from './lexis.js';
import { frequencyRank, wordLevel } from './lexicon.js';
import { normaliseWord } from './tokens.js';
import type { TextFeatures } from './types.js';

/** Lexical and syntactic features of written text, e.g. one sentence. */
export function computeTextFeatures(text: string): TextFeatures {
  const raw = String(text ?? '')
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const words: string[] = [];
  let names = 0;
  let numbers = 0;
  let commas = 0;
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i] ?? '';
    if (/^[,;:(]|--/.test(w) || /[,;:]$/.test(w)) commas++;
    const t = normaliseWord(w);
    if (t.norm === '') continue;
    if (/^\d/.test(t.norm)) {
      numbers++;
      continue;
    }
    // A capitalised word inside a sentence is a name: its rarity says nothing of the writer's range.
    if (i > 0 && /^[A-Z]/.test(w) && !/[.?!]$/.test(raw[i - 1] ?? '')) {
      names++;
      continue;
    }
    words.push(t.norm);
  }
  const soph = sophistication(words);
  const levels = words
    .filter(isContentWord)
    .map(wordLevel)
    .filter((l): l is number => l !== undefined);
  const letters = words.reduce((a, w) => a + w.length, 0);
  return {
    wordCount: words.length + names + numbers,
    lexicalSophistication: soph.topDecileLevel,
    maxWordLevel: soph.maxLevel,
    meanWordLevel: levels.length ? levels.reduce((a, b) => a + b, 0) / levels.length : 0,
    advancedWordShare: soph.advancedShare,
    wordsAboveB1: levels.filter((l) => l >= 4).length,
    wordsAboveA2: levels.filter((l) => l >= 3).length,
    wordsAboveB2: levels.filter((l) => l >= 5).length,
    unlistedWords: words.filter((w) => /^[a-z]+$/.test(w) && frequencyRank(w) === undefined).length,
    names,
    numbers,
    commas,
    meanWordLength: words.length ? letters / words.length : 0,
    clausesPerUnit: countClauses(words),
    subordinationPer100Words: words.length ? (100 * countSubordination(words)) / words.length : 0,
  };
}

import { countClauses, countSubordination } from './syntax.js';
import { isContentWord } from './lexis.js';
import { frequencyRank, wordLevel, writtenRank } from './lexicon.js';
import { normaliseWord } from './tokens.js';
import type { TextFeatures } from './types.js';

/**
 * Syllables of a written word: groups of vowel letters, less a silent final "e" ("make") and the
 * silent "e" of "-ed" ("played", not "wanted"). Good to about one syllable on long words, which is
 * all the share of long words needs.
 */
export function countSyllables(word: string): number {
  const s = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!s) return 0;
  let groups = s.match(/[aeiouy]+/g)?.length ?? 0;
  if (groups > 1 && /[^aeiou]e$/.test(s) && !/[^aeiou]le$/.test(s)) groups--;
  if (groups > 1 && /[^aeiou]ed$/.test(s) && !/[td]ed$/.test(s)) groups--;
  return Math.max(1, groups);
}

/** Rank given to a word the written list lacks: past its last entry (225,555). */
const UNLISTED_WRITTEN_RANK = 300_000;
/** Past this written rank a word is rare on the page. */
const RARE_WRITTEN_RANK = 20_000;

const RELATIVES = new Set(['which', 'who', 'whom', 'whose', 'where']);
const COORDINATORS = new Set(['and', 'or']);

/** Lexical and syntactic features of written text, e.g. one sentence. */
export function computeTextFeatures(text: string): TextFeatures {
  const raw = String(text ?? '')
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const words: string[] = [];
  let names = 0;
  let numbers = 0;
  let dashes = 0;
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i] ?? '';
    // A dash or a pair of dashes sets off an aside ("the plain - a dry one - lies ...").
    if (/^-+$|--/.test(w)) dashes++;
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
  const content = words.filter(isContentWord);
  const levels = content
    .map(wordLevel)
    .filter((l): l is number => l !== undefined)
    .sort((a, b) => b - a);
  // Log ranks of the content words, rarest first: a word is as common as it is in speech or in
  // writing, whichever is more, so everyday words rarely written about ("pizza", "swim") stay easy.
  const written = content
    .filter((w) => /^[a-z]+$/.test(w))
    .map((w) => Math.log(Math.min(writtenRank(w) ?? UNLISTED_WRITTEN_RANK, frequencyRank(w) ?? UNLISTED_WRITTEN_RANK)))
    .sort((a, b) => b - a);
  const syllables = words.map(countSyllables);
  const letters = words.reduce((a, w) => a + w.length, 0);
  const count = (set: ReadonlySet<string>) => words.filter((w) => set.has(w)).length;
  return {
    wordCount: words.length + names + numbers,
    contentWords: content.length,
    syllables: syllables.reduce((a, b) => a + b, 0),
    meanWordLevel: levels.length ? levels.reduce((a, b) => a + b, 0) / levels.length : 0,
    maxWordLevel: levels[0] ?? 0,
    secondWordLevel: levels[1] ?? levels[0] ?? 0,
    wordsAboveB1: levels.filter((l) => l >= 4).length,
    wordsAboveB2: levels.filter((l) => l >= 5).length,
    writtenRarityMean: written.length ? written.reduce((a, b) => a + b, 0) / written.length : 0,
    writtenRarityMax: written[0] ?? 0,
    writtenRareWords: written.filter((r) => r > Math.log(RARE_WRITTEN_RANK)).length,
    unlistedWords: words.filter((w) => /^[a-z]+$/.test(w) && frequencyRank(w) === undefined).length,
    polysyllableShare: words.length ? syllables.filter((s) => s >= 3).length / words.length : 0,
    meanWordLength: words.length ? letters / words.length : 0,
    names,
    numbers,
    clauses: countClauses(words),
    subordinators: countSubordination(words),
    relativeWords: count(RELATIVES),
    ofPhrases: words.filter((w) => w === 'of').length,
    coordinators: count(COORDINATORS),
    dashes,
  };
}
